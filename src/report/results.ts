// The `results` output: one entry per ID in action.yml's snake_case (resultEntry; a new field of
// an ID's result is a field here), and its size budget: the JSON measured as GitHub counts an
// output, shortened stage by stage (RESULTS_STAGES) until it fits RESULTS_BUDGET, with a warning
// saying what was left out (a stage that would write the same JSON again is passed over:
// writesTheSame). Pure; every text passes through the sanitizer.
import type { Fate, IdResult } from '../outcome.js'
import { SHOWN_CHARS, type Sanitizer } from '../sanitize.js'
import { isFine } from './verdict.js'

/** One entry of the `results` output, in the output's snake_case (action.yml documents it). */
export interface ResultEntry {
  id: string
  /** Sent, or validated by a dry run. */
  ok: boolean
  outcome: Fate
  status: number | null
  /** Times the operation's call was made: 1, more after retries, 0 when it never was. */
  attempts: number
  /** GETs made for the ID: Order info, order list pages, duplicate lists. */
  lookups: number
  error?: string
  hint?: string
  /** Why a skipped ID was skipped (issued-within, or deliver-once), as the log and the summary say it. */
  reason?: string
  certificate_id?: string
  order_id?: string
  common_name?: string
  serial_number?: string
  thumbprint?: string
  valid_till?: string
  file?: string
  order_status?: string
  /** recipients-from-order: how many addresses the certificate was sent to. */
  recipients?: number
  /** recipients-from-order: the roles its order named no usable address for. */
  roles_without_recipients?: string[]
  /** deliver-once, once something was sent: whether its note on the order was written. */
  recorded?: boolean
}

/**
 * What `results` may take, in UTF-16 code units (as GitHub counts an output; UTF-8 bytes when they
 * are more). GitHub holds a job's outputs together to 1 MB, taken here as 1,000,000: the other
 * 139,840 are left for the other outputs, and the ID outputs together are never longer than the ID
 * input (one environment variable, at most 128 KiB), status-code and retry-after a few characters.
 */
export const RESULTS_BUDGET = 840 * 1024

/** An output's size as GitHub may count it: UTF-16 code units, or UTF-8 bytes when more. */
export function outputSize(text: string): number {
  return Math.max(text.length, Buffer.byteLength(text))
}

/**
 * How `results` is shortened, one stage after the other until it fits: which entries it lists (all,
 * or only those that did not go through) and how long an error may be (Infinity: as shown; 0: no
 * errors and no hints). After the last, `[]`.
 */
export const RESULTS_STAGES = [
  { entries: 'all', errorChars: Infinity },
  { entries: 'all', errorChars: 120 },
  { entries: 'all', errorChars: 40 },
  { entries: 'all', errorChars: 0 },
  { entries: 'not-delivered', errorChars: 40 },
  { entries: 'not-delivered', errorChars: 0 }
] as const satisfies readonly ResultsStage[]

/** One stage of RESULTS_STAGES. */
export interface ResultsStage {
  entries: 'all' | 'not-delivered'
  errorChars: number
}

/** The results as JSON under the budget (RESULTS_BUDGET), measured after every shortening. */
export function resultsOutput({
  results,
  sanitizer
}: {
  results: IdResult[]
  sanitizer: Sanitizer
}): { json: string; warnings: string[] } {
  // Sanitized once, each error within SHOWN_CHARS.error (its length said when cut); shortening
  // a sanitized text further needs only a cut.
  return boundedResults({ entries: results.map(result => resultEntry({ result, sanitizer })) })
}

/**
 * `results` as JSON within `budget`: the first of RESULTS_STAGES whose JSON fits, with a warning
 * saying what was left out; `[]` with a warning when none does.
 */
export function boundedResults({
  entries,
  budget = RESULTS_BUDGET
}: {
  entries: ResultEntry[]
  budget?: number
}): { json: string; warnings: string[] } {
  const longest = entries.reduce((most, entry) => Math.max(most, entry.error?.length ?? 0), 0)
  let tried: ResultsStage | undefined
  for (const stage of RESULTS_STAGES) {
    // A stage that cuts no error would write the JSON that did not fit again (a megabyte for
    // 10,000 IDs): the next one is tried instead.
    if (tried && writesTheSame({ tried, stage, longest })) continue
    tried = stage
    const json = JSON.stringify(shortenedResults({ entries, stage }))
    if (outputSize(json) <= budget) return { json, warnings: resultsWarnings({ entries, stage }) }
  }
  return {
    json: '[]',
    warnings: [
      `results: too many IDs for the output's ${budget} characters even listing only those not sent; results is [], see sent-ids, failed-ids and unsent-ids`
    ]
  }
}

/**
 * Whether a stage writes the same `results` as the stage tried before it: the same entries, each
 * error whole in both (no cut shorter than the longest error; a stage without errors leaves out
 * the hints too).
 */
export function writesTheSame({
  tried,
  stage,
  longest
}: {
  tried: ResultsStage
  stage: ResultsStage
  /** The longest error of the entries. */
  longest: number
}): boolean {
  const whole = (s: ResultsStage): boolean => s.errorChars > 0 && s.errorChars >= longest
  return tried.entries === stage.entries && whole(tried) && whole(stage)
}

/** The entries a stage of RESULTS_STAGES keeps, each error cut (or left out with its hint). */
export function shortenedResults({
  entries,
  stage
}: {
  entries: ResultEntry[]
  stage: ResultsStage
}): ResultEntry[] {
  const kept = stage.entries === 'all' ? entries : entries.filter(entry => !entry.ok)
  const max = stage.errorChars
  return kept.map(entry => {
    if (max === 0) {
      const bare = { ...entry }
      delete bare.error
      delete bare.hint
      return bare
    }
    return entry.error !== undefined && entry.error.length > max
      ? { ...entry, error: `${entry.error.slice(0, max)}…` }
      : entry
  })
}

/** What a stage of RESULTS_STAGES left out, as warnings (none for the first). */
export function resultsWarnings({
  entries,
  stage
}: {
  entries: ResultEntry[]
  stage: ResultsStage
}): string[] {
  const { errorChars } = stage
  const why = "to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
  if (stage.entries === 'not-delivered') {
    const through = entries.filter(entry => entry.ok).length
    const errors = errorChars === 0 ? 'without errors' : `errors cut to ${errorChars} characters`
    return [
      `results: only the ${entries.length - through} IDs not sent are listed (${errors}) ${why}; the other ${through} went through (sent-ids lists those sent)`
    ]
  }
  if (errorChars === Infinity) return []
  if (errorChars === 0)
    return [
      `results: errors and hints are left out ${why}; see sent-ids, failed-ids and unsent-ids`
    ]
  return [`results: error texts are cut to ${errorChars} characters ${why}`]
}

/** The optional fields of a `results` entry, in the order the output lists them. */
const KNOWN_FIELDS = [
  'error',
  'hint',
  'reason',
  'certificate_id',
  'order_id',
  'common_name',
  'serial_number',
  'thumbprint',
  'valid_till',
  'file',
  'order_status'
] as const

/**
 * One entry of the `results` output: the output's snake_case names for the camelCase IdResult,
 * every text sanitized (an error within SHOWN_CHARS.error, the rest within SHOWN_CHARS.field), and
 * a field absent, not undefined, when it is not known.
 */
export function resultEntry({
  result,
  sanitizer
}: {
  result: IdResult
  sanitizer: Sanitizer
}): ResultEntry {
  const shown = (value: string | undefined, max: number = SHOWN_CHARS.field): string | undefined =>
    value === undefined ? undefined : sanitizer.text(value, max)
  const known: Record<(typeof KNOWN_FIELDS)[number], string | undefined> = {
    error: shown(result.error, SHOWN_CHARS.error),
    hint: shown(result.hint),
    reason: shown(result.skipReason),
    certificate_id: shown(result.certificateId),
    order_id: shown(result.orderId),
    common_name: shown(result.commonName),
    serial_number: shown(result.serialNumber),
    thumbprint: shown(result.thumbprint),
    valid_till: shown(result.validTill),
    file: shown(result.file),
    order_status: shown(result.orderStatus)
  }
  const entry: ResultEntry = {
    id: result.id,
    ok: isFine(result),
    outcome: result.fate,
    status: result.status,
    attempts: result.attempts,
    lookups: result.lookups
  }
  for (const field of KNOWN_FIELDS) {
    const value = known[field]
    if (value !== undefined) entry[field] = value
  }
  // Counts and role names only: never an address (summary-details has no say in outputs).
  if (result.sentTo !== undefined) entry.recipients = result.sentTo
  if (result.rolesWithout !== undefined)
    entry.roles_without_recipients = result.rolesWithout.map(role =>
      sanitizer.text(role, SHOWN_CHARS.field)
    )
  if (result.recorded !== undefined) entry.recorded = result.recorded
  return entry
}
