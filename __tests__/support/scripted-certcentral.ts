// A scripted CertCentral for the scheduler on the virtual clock: it answers each call and look-up
// from a script (or, for orders, from the virtual time they are issued), records every request
// with its virtual time, and counts the requests on the wire. Also the CertCentral errors the
// scripts use, the plans the scheduler tests run, and the result of an ID never attempted.
import type { OrderQuery } from '../../src/certcentral/api.js'
import type { CertificateSummary, OrderInfo, OrderList } from '../../src/certcentral/bodies.js'
import type { OrderPeople } from '../../src/certcentral/people.js'
import type { AddedNote, NoteEntry } from '../../src/certcentral/note-bodies.js'
import { CertCentralError, type FailureKind } from '../../src/certcentral/errors.js'
import type { Operation } from '../../src/operations.js'
import type { IdResult } from '../../src/outcome.js'
import type { CertCentralPort } from '../../src/run/port.js'
import type { RunOptions } from '../../src/run/scheduler.js'
import type { FakeClock } from './clock.js'
import { certificateOf } from './standin.js'

/** What a call answers: an HTTP status, or an error to throw. */
export type SendAnswer = number | Error
/** What a look-up answers: an order status, a whole OrderInfo, or an error to throw. */
export type LookupAnswer = string | OrderInfo | Error

/** What an order-list page answers: the page, or an error to throw. */
export type ListAnswer = OrderList | Error
/** What a duplicate list answers: its certificates, or an error to throw. */
export type DuplicatesAnswer = CertificateSummary[] | Error
/** What an order's notes list answers: its notes, or an error to throw. */
export type NotesAnswer = NoteEntry[] | Error
/** What Add note answers: an HTTP status (the note is then kept), or an error to throw. */
export type NoteAnswer = number | Error

export interface Call {
  kind: 'send' | 'lookup' | 'list' | 'duplicates' | 'notes' | 'note'
  /** The ID the API was given: for a send by order ID, the certificate's. */
  id: string
  /** When the request started (virtual ms). */
  at: number
  attempt: number
  operation?: Operation
  body?: object | undefined
  /** The order status a look-up answered, once it answered with one. */
  status?: string
  /** The order-list query of a `list` call. */
  query?: OrderQuery
  /** The text of a `note` call (Add note). */
  text?: string
}

export interface Script {
  /** Answers per ID as the call receives it, in order; the last one repeats. Default 204. */
  sends?: Record<string, SendAnswer[]>
  /** Answers per order ID, in order; the last one repeats. Default: issued. */
  lookups?: Record<string, LookupAnswer[]>
  /**
   * Answers per order-list page, keyed `filter=value@offset` (see listKey), in order; the last one
   * repeats. Default: the empty list (no `orders`).
   */
  lists?: Record<string, ListAnswer[]>
  /** Answers per order ID's duplicate list, in order; the last one repeats. Default: []. */
  duplicates?: Record<string, DuplicatesAnswer[]>
  /**
   * Answers per order ID's notes list, in order; the last one repeats. Default: the notes added so
   * far (`note` calls answered with a 2xx), newest first.
   */
  notes?: Record<string, NotesAnswer[]>
  /** Answers per order ID's Add note, in order; the last one repeats. Default 201. */
  noteWrites?: Record<string, NoteAnswer[]>
  /** Answers a look-up without a `lookups` entry 404 instead of issued (by thumbprint or serial). */
  lookupsMissByDefault?: boolean
  /**
   * Per order ID, the virtual time from which it is issued (pending before), judged when the
   * answer leaves; it takes the place of `lookups` for that order.
   */
  issuedAt?: Record<string, number>
  /** How long a request is on the wire: one figure, or per ID (default 0). */
  latencyMs?: number | Record<string, number>
}

/** Order info as the scripted CertCentral answers it; an issued order names certificateOf(id). */
export function orderInfo(orderId: string, status: string): OrderInfo {
  const issued = status === 'issued'
  return {
    status,
    certificateId: issued ? certificateOf(orderId) : undefined,
    commonName: `${orderId}.example.com`,
    validTill: issued ? '2027-01-01' : undefined
  }
}

/** CertCentral as the scheduler sees it, answering from a script and recording every request. */
export class ScriptedApi implements CertCentralPort {
  readonly calls: Call[] = []
  private inFlight = 0
  private readonly inFlightOf = { send: 0, lookup: 0 }
  /** The most requests on the wire at once. */
  peak = 0
  /** The most requests of each kind on the wire at once. */
  readonly peakOf = { send: 0, lookup: 0 }

  constructor(
    private readonly clock: FakeClock,
    private readonly script: Script = {}
  ) {}

  sends(): Call[] {
    return this.calls.filter(c => c.kind === 'send')
  }

  lookups(id?: string): Call[] {
    return this.calls.filter(c => c.kind === 'lookup' && (id === undefined || c.id === id))
  }

  async call(
    operation: Operation,
    id: string,
    body: object | undefined,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number }> {
    this.calls.push({ kind: 'send', id, at: this.clock.time, attempt, operation, body })
    const answer = next(this.script.sends?.[id], 204)
    await this.onTheWire('send', id, cancel)
    if (answer instanceof Error) throw answer
    return { status: answer }
  }

  async lookup(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; order: OrderInfo }> {
    const call: Call = { kind: 'lookup', id: orderId, at: this.clock.time, attempt }
    this.calls.push(call)
    const scripted = next<LookupAnswer>(
      this.script.lookups?.[orderId],
      this.script.lookupsMissByDefault ? notFound() : 'issued'
    )
    await this.onTheWire('lookup', orderId, cancel)
    const issuedAt = this.script.issuedAt?.[orderId]
    const answer =
      issuedAt === undefined ? scripted : this.clock.time >= issuedAt ? 'issued' : 'pending'
    if (answer instanceof Error) throw answer
    const order = typeof answer === 'string' ? orderInfo(orderId, answer) : answer
    call.status = order.status
    return { status: 200, order }
  }

  async listOrders(
    query: OrderQuery,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; list: OrderList }> {
    const key = listKey(query)
    this.calls.push({ kind: 'list', id: key, at: this.clock.time, attempt, query })
    const answer = next<ListAnswer>(this.script.lists?.[key], {
      orders: [],
      total: 0,
      offset: query.offset
    })
    await this.onTheWire('lookup', key, cancel)
    if (answer instanceof Error) throw answer
    return { status: 200, list: answer }
  }

  async duplicates(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; certificates: CertificateSummary[] }> {
    this.calls.push({ kind: 'duplicates', id: orderId, at: this.clock.time, attempt })
    const answer = next<DuplicatesAnswer>(this.script.duplicates?.[orderId], [])
    await this.onTheWire('lookup', orderId, cancel)
    if (answer instanceof Error) throw answer
    return { status: 200, certificates: answer }
  }

  /** The notes added per order (Add note answered with a 2xx), oldest first. */
  readonly written: Record<string, NoteEntry[]> = {}

  async listNotes(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; notes: NoteEntry[] }> {
    this.calls.push({ kind: 'notes', id: orderId, at: this.clock.time, attempt })
    const kept = [...(this.written[orderId] ?? [])].reverse()
    const answer = next<NotesAnswer>(this.script.notes?.[orderId], kept)
    await this.onTheWire('lookup', orderId, cancel)
    if (answer instanceof Error) throw answer
    return { status: 200, notes: answer }
  }

  async addNote(
    orderId: string,
    text: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; note: AddedNote }> {
    this.calls.push({ kind: 'note', id: orderId, at: this.clock.time, attempt, text })
    const answer = next<NoteAnswer>(this.script.noteWrites?.[orderId], 201)
    await this.onTheWire('send', orderId, cancel)
    if (answer instanceof Error) throw answer
    const count = Object.values(this.written).flat().length
    const note = { id: String(9001 + count), text, dateCreated: undefined }
    ;(this.written[orderId] ??= []).push(note)
    return { status: answer, note: { id: note.id, dateCreated: undefined } }
  }

  /** Every request, as `kind id` in the order made: what a chain cost. */
  trail(): string[] {
    return this.calls.map(c => `${c.kind} ${c.id}`)
  }

  /** The request's time in flight; like the real transport, an abort of `cancel` ends it. */
  private async onTheWire(
    kind: 'send' | 'lookup',
    id: string,
    cancel: AbortSignal | undefined
  ): Promise<void> {
    const { latencyMs = 0 } = this.script
    const ms = typeof latencyMs === 'number' ? latencyMs : (latencyMs[id] ?? 0)
    this.inFlight++
    this.inFlightOf[kind]++
    this.peak = Math.max(this.peak, this.inFlight)
    this.peakOf[kind] = Math.max(this.peakOf[kind], this.inFlightOf[kind])
    try {
      if (ms > 0) await this.clock.sleep(ms, cancel)
    } finally {
      this.inFlight--
      this.inFlightOf[kind]--
    }
    if (cancel?.aborted) {
      throw new CertCentralError({
        message: 'cancelled while the request was in flight; DigiCert may still have acted on it',
        kind: 'cancelled'
      })
    }
  }
}

/**
 * The key of an order-list page in a script: `serial_number=ABC@0`, `common_name=a.example@100`,
 * and for a common name's orders in any status, newest first, `common_name=a.example@0 any status`.
 */
export function listKey(query: OrderQuery): string {
  const any = query.filter === 'common_name' && query.anyStatus === true ? ' any status' : ''
  return `${query.filter}=${query.value}@${query.offset}${any}`
}

/** A certificate as the order list or a duplicate list gives it; fields as given. */
export function certificate(
  id: string,
  fields: Partial<Omit<CertificateSummary, 'id'>> = {}
): CertificateSummary {
  return {
    id,
    serialNumber: undefined,
    thumbprint: undefined,
    commonName: undefined,
    status: undefined,
    dateIssued: undefined,
    validFrom: undefined,
    validTill: undefined,
    ...fields
  }
}

/** One page of the order list holding these orders (issued unless told, duplicates unknown). */
export function page(
  orders: {
    id: string
    certificate?: CertificateSummary
    hasDuplicates?: boolean
    status?: string
  }[],
  { total = orders.length, offset = 0 }: { total?: number; offset?: number } = {}
): OrderList {
  return {
    orders: orders.map(o => ({
      id: o.id,
      status: o.status ?? 'issued',
      certificate: o.certificate,
      hasDuplicates: o.hasDuplicates
    })),
    total,
    offset
  }
}

function next<A>(answers: A[] | undefined, fallback: A): A {
  if (!answers || answers.length === 0) return fallback
  return (answers.length > 1 ? answers.shift() : answers[0]) as A
}

/** An order's people (Order info's people fields, issue 24): no one but what `over` names. */
export const people = (over: Partial<OrderPeople> = {}): OrderPeople => ({
  additionalEmails: [],
  assignedUsers: [],
  customFields: [],
  unread: 0,
  ...over
})

// ---- What the scripts answer ----------------------------------------------------------------

/** A failure of this kind, status and codes, for the rules' tables: its message names its kind. */
export const failure = (
  kind: FailureKind,
  status: number | null = null,
  codes: string[] = []
): CertCentralError => new CertCentralError({ message: `a ${kind} failure`, kind, status, codes })

export const rateLimited = (retryAfter?: number): CertCentralError =>
  new CertCentralError({
    message:
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded: Too many requests)' +
      (retryAfter === undefined ? '' : `; it asked to wait ${retryAfter} s`),
    kind: 'rate-limited',
    status: 429,
    codes: ['request_limit_exceeded'],
    hint: 'wait retry-after seconds and send unsent-ids again, or set max-retries',
    retryAfterSeconds: retryAfter
  })
export const keyRefused = (): CertCentralError =>
  new CertCentralError({
    message: 'HTTP 403: access_denied|invalid_auth: Access denied; the API key was not accepted',
    kind: 'key-refused',
    status: 403,
    codes: ['access_denied|invalid_auth']
  })
export const unavailable = (retryAfter?: number): CertCentralError =>
  new CertCentralError({
    message:
      'HTTP 503: CertCentral is unavailable, maybe for maintenance (empty body)' +
      (retryAfter === undefined ? '' : `; it asked to wait ${retryAfter} s`),
    kind: 'unavailable',
    status: 503,
    retryAfterSeconds: retryAfter
  })
/** A request that never left the runner (a refused connection). */
export const unreached = (): CertCentralError =>
  new CertCentralError({
    message: 'could not reach 127.0.0.1:1 (ECONNREFUSED: connect ECONNREFUSED): nothing was sent',
    kind: 'unreached'
  })
/** A timeout with nothing received. */
export const silentTimeout = (): CertCentralError =>
  new CertCentralError({ message: 'timed out after 30 s waiting for 127.0.0.1', kind: 'timeout' })
/** A timeout after the headers (here a 200) arrived: the body never came whole. */
export const stalledTimeout = (): CertCentralError =>
  new CertCentralError({
    message:
      'timed out after 30 s waiting for 127.0.0.1 (HTTP 200 arrived, its body did not); it may have been sent',
    kind: 'timeout',
    status: 200
  })
export const badGateway = (): CertCentralError =>
  new CertCentralError({ message: 'HTTP 502: empty body', kind: 'http', status: 502 })
export const badRequest = (): CertCentralError =>
  new CertCentralError({
    message: 'HTTP 400: bad_request_format: The request could not be read.',
    kind: 'http',
    status: 400,
    codes: ['bad_request_format']
  })
export const missingPermission = (): CertCentralError =>
  new CertCentralError({
    message: 'HTTP 403: access_denied|missing_permission: Missing permission.',
    kind: 'permission',
    status: 403,
    codes: ['access_denied|missing_permission']
  })
/** What the client says of a 404 that shows the URL is wrong. */
export const URL_HINT = 'the URL is wrong: check that api-url ends in /services/v2'
/** A 404 not_found|route: DigiCert knows no such path (a wrong api-url). */
export const routeNotFound = (): CertCentralError =>
  new CertCentralError({
    message: `HTTP 404: not_found|route: The specified route was not found.; ${URL_HINT}`,
    kind: 'http',
    status: 404,
    codes: ['not_found|route'],
    hint: URL_HINT
  })
/** A 404 that is not DigiCert's (no errors in its body): a wrong api-url, another server. */
export const plainNotFound = (): CertCentralError =>
  new CertCentralError({
    message: `HTTP 404: empty body; ${URL_HINT}`,
    kind: 'http',
    status: 404,
    hint: URL_HINT
  })
export const notFound = (): CertCentralError =>
  new CertCentralError({
    message: 'HTTP 404: not_found: Not found.',
    kind: 'http',
    status: 404,
    codes: ['not_found']
  })

// ---- Plans ----------------------------------------------------------------------------------

export const BODY = { emails: ['ops@example.com'], certificate_collect_format: 'attachment' }

/** A send-certificate run by certificate ID, no retries, no waiting. */
export const byCertificate = (ids: string[], more: Partial<RunOptions> = {}): RunOptions => ({
  operation: 'send-certificate',
  idInput: 'certificate-id',
  ids,
  body: BODY,
  maxRetries: 0,
  waitSeconds: 0,
  ...more
})

/** A send-certificate run by order ID. */
export const byOrder = (ids: string[], more: Partial<RunOptions> = {}): RunOptions =>
  byCertificate(ids, { idInput: 'order-id', ...more })

/** `count` consecutive IDs from `from`, as strings. */
export const range = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(from + i))

/** The result of an ID the run stopped before its first request. */
export const notAttempted = (id: string, error: string): IdResult => ({
  id,
  fate: 'unsent',
  status: null,
  attempts: 0,
  lookups: 0,
  error
})
