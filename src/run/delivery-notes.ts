// deliver-once's record on an order (pure): a delivery as the text of one or more order notes
// (formatDeliveryNote), a note's text read back only when it is exactly ours (parseDeliveryNote),
// and what an order's notes say was delivered already: to whom, by which note and when
// (deliveredBefore), so which recipients are left and why a certificate is skipped
// (recipientsLeft). A person reads the note on the order; the action recognises its own notes and
// nothing else: a note by a person or another tool, or a near-copy of ours, never counts.
//
// One part of a note, its lines joined by "\n" (each part alone names the certificate, the
// operation and its recipients):
//   certcentral-email-action delivery record v1 (part 1 of 1)
//   operation: send-certificate
//   certificate: 123456 serial 0A1B2C
//   format: attachment
//   sent: 2026-12-01T06:00:00Z
//   run: https://github.com/owner/repo/actions/runs/789 (attempt 2)
//   recipients: a@example.com, b@example.com
import { sameHex } from '../certcentral/bodies.js'
import { FORMATS, OPERATION_NAMES, type Operation } from '../operations.js'
import { ID_PATTERN, emailProblem } from '../input/parse.js'

/** The first line's words: the action's name and the record's version. */
export const NOTE_HEADING = 'certcentral-email-action delivery record v1'
/** A part's length at most, in UTF-16 code units: CertCentral documents no maximum. */
export const NOTE_PART_CHARS = 2000
/** Parts of one record at most (the heading says "part i of n" with n below 1000). */
export const MAX_NOTE_PARTS = 999
/** Longest run link written; a longer one (or one that is not a plain URL) is written `unknown`. */
export const MAX_RUN_LINK_CHARS = 400
/** The recipient of a seal sent without `emails`: DigiCert mails the key's owner. */
export const KEY_OWNER = "(the API key's user)"
/** What the `format:` line says of a seal, which has no format. */
export const SEAL_FORMAT = 'site seal'

/** One delivery: what one note (in one or more parts) records. */
export interface DeliveryRecord {
  operation: Operation
  /** The certificate's ID (digits) and serial (upper-case hex), as CertCentral lists them. */
  certificateId: string
  serial: string
  /** send-certificate: its `format` (FORMATS); email-site-seal: SEAL_FORMAT. */
  format: string
  /** When it was sent, from the wall clock, in ms since the epoch (written to the second, UTC). */
  sentMs: number
  /** The workflow run's link, and its attempt when known; `unknown` is written without a link. */
  run: string | undefined
  attempt: number | undefined
  /** The addresses sent to (or KEY_OWNER alone); duplicates (without regard to case) written once. */
  recipients: readonly string[]
}

/** One part of a note as parsed: the record's fields, its recipients in this part only. */
export interface DeliveryNotePart {
  part: number
  of: number
  operation: Operation
  certificateId: string
  serial: string
  format: string
  /** As written: `2026-12-01T06:00:00Z`. */
  sent: string
  run: string | undefined
  attempt: number | undefined
  recipients: string[]
}

const RUN_LINK = /^https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'*+,;=%]+$/
const SENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const SERIAL = /^[0-9A-F]{1,64}$/
const COUNT = /^[1-9]\d{0,2}$/
const ATTEMPT = /^[1-9]\d{0,5}$/

/** The run line's value: the link when it is a plain URL short enough, else `unknown`. */
function runText({ run, attempt }: Pick<DeliveryRecord, 'run' | 'attempt'>): string {
  if (run === undefined || run.length > MAX_RUN_LINK_CHARS || !RUN_LINK.test(run)) return 'unknown'
  // `undefined` is no count either.
  return ATTEMPT.test(String(attempt)) ? `${run} (attempt ${attempt})` : run
}

/** A time as the note writes it: UTC, to the second. */
export function noteTime({ ms }: { ms: number }): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

/** The lines every part repeats after its heading. */
function headerLines(record: DeliveryRecord): string[] {
  return [
    `operation: ${record.operation}`,
    `certificate: ${record.certificateId} serial ${record.serial}`,
    `format: ${record.format}`,
    `sent: ${noteTime({ ms: record.sentMs })}`,
    `run: ${runText(record)}`
  ]
}

/** The addresses once each, without regard to case, in their order. */
function distinct(recipients: readonly string[]): string[] {
  const seen = new Set<string>()
  return recipients.filter(address => {
    const key = address.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * A delivery as the texts of its note's parts, each at most NOTE_PART_CHARS long and recognisable
 * on its own (parseDeliveryNote reads each back as this record with its share of the recipients).
 * Throws on a record the grammar cannot hold (a bug of the caller's): no recipient, a recipient
 * that is not an address, an ID or serial that is not one, more than MAX_NOTE_PARTS parts.
 */
export function formatDeliveryNote(record: DeliveryRecord): string[] {
  const recipients = distinct(record.recipients)
  checkRecord({ ...record, recipients })
  const header = headerLines(record).join('\n')
  // Room for the widest heading, so that the count of parts cannot push a part past the bound.
  const room =
    NOTE_PART_CHARS - `${heading(MAX_NOTE_PARTS, MAX_NOTE_PARTS)}\n${header}\nrecipients: `.length
  const groups: string[][] = []
  let length = Infinity
  for (const address of recipients) {
    const added = address.length + 2
    if (length + added - 2 > room) {
      groups.push([])
      length = 0
    }
    ;(groups.at(-1) as string[]).push(address)
    length += added
  }
  if (groups.length > MAX_NOTE_PARTS)
    throw new Error(`a delivery record needs ${groups.length} parts, more than ${MAX_NOTE_PARTS}`)
  return groups.map(
    (group, i) => `${heading(i + 1, groups.length)}\n${header}\nrecipients: ${group.join(', ')}`
  )
}

function heading(part: number, of: number): string {
  return `${NOTE_HEADING} (part ${part} of ${of})`
}

/** Throws when the record cannot be written as a note that parses back. */
function checkRecord(record: DeliveryRecord): void {
  const problems = [
    ID_PATTERN.test(record.certificateId) ? '' : 'certificate ID',
    SERIAL.test(record.serial) ? '' : 'serial',
    formatFits(record.operation, record.format) ? '' : 'format',
    Number.isFinite(record.sentMs) && record.sentMs >= 0 ? '' : 'time',
    recipientsFit(record.recipients) ? '' : 'recipients'
  ].filter(problem => problem !== '')
  if (problems.length) throw new Error(`a delivery record with an unusable ${problems.join(', ')}`)
}

function formatFits(operation: string, format: string): boolean {
  return operation === 'email-site-seal'
    ? format === SEAL_FORMAT
    : (FORMATS as readonly string[]).includes(format)
}

/** At least one recipient: addresses (each passing the `emails` check), or KEY_OWNER alone. */
function recipientsFit(recipients: readonly string[]): boolean {
  if (recipients.length === 1 && recipients[0] === KEY_OWNER) return true
  return recipients.length > 0 && recipients.every(address => emailProblem(address) === undefined)
}

/** `key: value` when the line is exactly that, else undefined. */
function valueOf(line: string | undefined, key: string): string | undefined {
  const lead = `${key}: `
  return line?.startsWith(lead) ? line.slice(lead.length) : undefined
}

/**
 * A note's text as one part of our delivery record, only when every line is exactly of our
 * grammar (see the module's header; lines joined by "\n", or all by "\r\n" should CertCentral
 * store them so); anything else (a person's note, another tool's, a near-copy) is undefined.
 */
export function parseDeliveryNote(text: string): DeliveryNotePart | undefined {
  if (text.length > NOTE_PART_CHARS) return undefined
  // A CR or LF left inside a line fails that line's own grammar (no field takes one).
  const lines = /\r\n/.test(text) ? text.split('\r\n') : text.split('\n')
  if (lines.length !== 7) return undefined
  const head = parseHeading(lines[0] as string)
  const operation = choice(valueOf(lines[1], 'operation'), OPERATION_NAMES)
  const certificate = parseCertificate(valueOf(lines[2], 'certificate'))
  const format = valueOf(lines[3], 'format')
  const sent = parseSent(valueOf(lines[4], 'sent'))
  const run = parseRun(valueOf(lines[5], 'run'))
  const recipients = parseRecipients(valueOf(lines[6], 'recipients'))
  if (!head || !operation || !certificate || format === undefined || !sent || !run || !recipients)
    return undefined
  if (!formatFits(operation, format)) return undefined
  return { ...head, operation, ...certificate, format, sent, ...run, recipients }
}

function choice<T extends string>(value: string | undefined, choices: readonly T[]): T | undefined {
  return choices.find(c => c === value)
}

function parseHeading(line: string): { part: number; of: number } | undefined {
  const lead = `${NOTE_HEADING} (part `
  const match = line.startsWith(lead) ? /^(\d+) of (\d+)\)$/.exec(line.slice(lead.length)) : null
  if (!match) return undefined
  const [part, of] = [match[1] as string, match[2] as string]
  if (!COUNT.test(part) || !COUNT.test(of) || Number(part) > Number(of)) return undefined
  return { part: Number(part), of: Number(of) }
}

function parseCertificate(
  value: string | undefined
): { certificateId: string; serial: string } | undefined {
  const match = value === undefined ? null : /^(\S+) serial (\S+)$/.exec(value)
  if (!match) return undefined
  const [certificateId, serial] = [match[1] as string, match[2] as string]
  return ID_PATTERN.test(certificateId) && SERIAL.test(serial)
    ? { certificateId, serial }
    : undefined
}

/** A time exactly as noteTime writes it: a real date, UTC, to the second. */
function parseSent(value: string | undefined): string | undefined {
  if (value === undefined || !SENT.test(value)) return undefined
  const ms = Date.parse(value)
  return !Number.isNaN(ms) && noteTime({ ms }) === value ? value : undefined
}

function parseRun(
  value: string | undefined
): { run: string | undefined; attempt: number | undefined } | undefined {
  if (value === 'unknown') return { run: undefined, attempt: undefined }
  const match = value === undefined ? null : /^(\S+)(?: \(attempt (\d+)\))?$/.exec(value)
  if (!match) return undefined
  const [run, attempt] = [match[1] as string, match[2]]
  if (run.length > MAX_RUN_LINK_CHARS || !RUN_LINK.test(run)) return undefined
  if (attempt !== undefined && !ATTEMPT.test(attempt)) return undefined
  return { run, attempt: attempt === undefined ? undefined : Number(attempt) }
}

/** Addresses joined by ", ", each once (without regard to case); or KEY_OWNER alone. */
function parseRecipients(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  // KEY_OWNER holds no ", ": it splits into itself.
  const recipients = value.split(', ')
  if (!recipientsFit(recipients)) return undefined
  return distinct(recipients).length === recipients.length ? recipients : undefined
}

// ---- What the notes say was delivered -----------------------------------------------------------

/** An order's note as the notes list gives it (certcentral/note-bodies.ts). */
export interface OrderNote {
  id: string
  text: string
}

/** Where a recipient's delivery is recorded: the note and the time it says. */
export interface Delivery {
  noteId: string
  /** As the note writes it: `2026-12-01T06:00:00Z`. */
  sent: string
}

/**
 * Who already got this certificate (certificate ID and serial both its own) by this operation,
 * by a note of ours: each recipient in lower case, with the earliest note that names it (by its
 * `sent:` time, then the lower note ID). Notes that are not exactly ours count for nothing.
 */
export function deliveredBefore({
  notes,
  certificateId,
  serial,
  operation
}: {
  notes: readonly OrderNote[]
  certificateId: string
  serial: string
  operation: Operation
}): Map<string, Delivery> {
  const delivered = new Map<string, Delivery>()
  for (const note of notes) {
    const part = parseDeliveryNote(note.text)
    if (!part || part.operation !== operation || part.certificateId !== certificateId) continue
    if (!sameHex(part.serial, serial)) continue
    for (const address of part.recipients) {
      const key = address.toLowerCase()
      const known = delivered.get(key)
      const delivery = { noteId: note.id, sent: part.sent }
      if (!known || earlier(delivery, known)) delivered.set(key, delivery)
    }
  }
  return delivered
}

/** Whether a delivery is recorded before another: by time, then by the lower note ID. */
function earlier(a: Delivery, b: Delivery): boolean {
  return orderKey(a) < orderKey(b)
}

/** A delivery's place in time: its time, then its note ID as a number (both fixed width). */
function orderKey({ sent, noteId }: Delivery): string {
  return `${sent} ${noteId.padStart(20, '0')}`
}

/**
 * The recipients who have not got it yet (`rest`, in their order), and when every one has, why the
 * certificate is skipped: "sent to all 3 recipients on 2026-12-01, note 4512" (the latest of their
 * deliveries: the date it says and its note).
 */
export function recipientsLeft({
  recipients,
  delivered
}: {
  recipients: readonly string[]
  delivered: ReadonlyMap<string, Delivery>
}): { rest: string[]; skip: string | undefined } {
  const rest = recipients.filter(address => !delivered.has(address.toLowerCase()))
  if (rest.length > 0 || recipients.length === 0) return { rest, skip: undefined }
  const deliveries = recipients.map(address => delivered.get(address.toLowerCase()) as Delivery)
  const latest = deliveries.reduce((a, b) => (earlier(a, b) ? b : a))
  const whom = recipients.length === 1 ? 'its recipient' : `all ${recipients.length} recipients`
  return { rest, skip: `sent to ${whom} on ${latest.sent.slice(0, 10)}, note ${latest.noteId}` }
}
