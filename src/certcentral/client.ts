// The CertCentral client: builds an operation's call, a look-up (Order info, the order list, an
// order's duplicates, its notes) or a note added to an order (a write, like a call) for one ID, sends it over the transport with the key, logs it, and hands the
// answer to answers.ts, which judges it into success or a CertCentralError whose message is safe
// to show and carries DigiCert's codes and a hint.
import {
  API_KEY_HEADER,
  digits,
  duplicatesPath,
  orderInfoPath,
  orderListPath,
  orderNotesPath,
  shownBase,
  type OrderQuery
} from './api.js'
import { explainFailure, first, judge, notANoteAnswer, notAnAnswer, unreadable } from './answers.js'
import { parseAddedNote, parseNoteList, type AddedNote, type NoteEntry } from './note-bodies.js'
import {
  parseCertificateList,
  parseOrderInfo,
  parseOrderList,
  type CertificateSummary,
  type OrderInfo,
  type OrderList
} from './bodies.js'
import { OPERATIONS, type IdInput, type Operation } from '../operations.js'
import { SHOWN_CHARS, type Sanitizer } from '../sanitize.js'
import { realClock, type Clock } from '../clock.js'
import type { RawResponse, Transport } from './transport.js'

/** A request to make: its path below the base URL. */
interface Request {
  method: string
  path: string
}

export interface Log {
  debug(message: string): void
}

export interface ClientOptions {
  baseUrl: string
  apiKey: string
  idInput: IdInput
  /** The transport's deadline, for messages. */
  timeoutMs: number
  transport: Pick<Transport, 'request'>
  sanitizer: Sanitizer
  log: Log
  /**
   * The monotonic clock, for how long a request took, and the wall clock, only to read an
   * HTTP-date Retry-After that comes without a Date header; realClock by default.
   */
  clock?: Pick<Clock, 'now' | 'wallNow'>
}

/** How one request is made: its attempt, whether it writes (a send or a note) and its cancel. */
interface ExchangeOptions {
  attempt: number
  sends: boolean
  cancel?: AbortSignal | undefined
  /** A note's write: its unknown outcomes and refusals are said of the note. */
  note?: boolean
}

export class CertCentralClient {
  private readonly host: string
  /** The base URL as shown: never a path that may hold a secret (see shownBase). */
  private readonly base: string

  constructor(private readonly options: ClientOptions) {
    this.host = new URL(options.baseUrl).host
    this.base = shownBase({ baseUrl: options.baseUrl })
  }

  private callOf(operation: Operation, id: string): Request {
    const spec = OPERATIONS[operation]
    return { method: spec.method, path: spec.path.replace('{id}', digits(id)) }
  }

  private lookupOf(key: string): Request {
    return { method: 'GET', path: orderInfoPath(key) }
  }

  /** One page of the order list. */
  async listOrders(
    query: OrderQuery,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; list: OrderList }> {
    const request = { method: 'GET', path: orderListPath(query) }
    const response = await this.exchange(request, undefined, { attempt, sends: false, cancel })
    const list = this.read(response, 'the order list', parseOrderList, 'is not one')
    return { status: response.status, list }
  }

  /** The duplicate certificates of an order. */
  async duplicates(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; certificates: CertificateSummary[] }> {
    const request = { method: 'GET', path: duplicatesPath(orderId) }
    const response = await this.exchange(request, undefined, { attempt, sends: false, cancel })
    const what = `the duplicate list of order ${orderId}`
    const certificates = this.read(response, what, parseCertificateList, 'is not one')
    return { status: response.status, certificates }
  }

  /** An order's notes (List order notes): a look-up. */
  async listNotes(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; notes: NoteEntry[] }> {
    const request = { method: 'GET', path: orderNotesPath(orderId) }
    const response = await this.exchange(request, undefined, { attempt, sends: false, cancel })
    const notes = this.read(response, `the notes of order ${orderId}`, parseNoteList, 'are no list')
    return { status: response.status, notes }
  }

  /**
   * Adds a note to an order (Add note): a write, so its unknown outcomes say the note may have been
   * written; resolves on a 2xx that is Add note's answer (an `id`), else throws (notANoteAnswer).
   */
  async addNote(
    orderId: string,
    text: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; note: AddedNote }> {
    const request = { method: 'POST', path: orderNotesPath(orderId) }
    const options = { attempt, sends: true, cancel, note: true }
    const response = await this.exchange(request, { text }, options)
    const { sanitizer, idInput } = this.options
    const refused = notANoteAnswer({ response, sanitizer, idInput })
    if (refused) throw refused
    return { status: response.status, note: parseAddedNote(response.text) as AddedNote }
  }

  /** Throws the CertCentralError a 2xx is when it is not CertCentral's answer (notAnAnswer). */
  private expectAnswer(response: RawResponse, what: string): void {
    const { sanitizer, idInput } = this.options
    const refused = notAnAnswer({ response, what, sanitizer, idInput })
    if (refused) throw refused
  }

  /**
   * A look-up's answer, read with `parse`; throws a CertCentralError when it is not CertCentral's
   * answer (expectAnswer) or not what `parse` reads (`problem` says how: "is not one").
   */
  private read<T>(
    response: RawResponse,
    what: string,
    parse: (text: string) => T | undefined,
    problem: string
  ): T {
    this.expectAnswer(response, what)
    const read = parse(response.text)
    if (!read) {
      const { sanitizer } = this.options
      throw unreadable({ response, problem: `${what} ${problem}`, sanitizer })
    }
    return read
  }

  /**
   * Makes an operation's call; resolves on a 2xx that is CertCentral's answer (isSendAnswer: a
   * 204, an empty body or `{}`), throws a CertCentralError on anything else.
   */
  async call(
    operation: Operation,
    id: string,
    body: object | undefined,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number }> {
    const request = this.callOf(operation, id)
    const response = await this.exchange(request, body, { attempt, sends: true, cancel })
    this.expectAnswer(response, 'send')
    return { status: response.status }
  }

  /** Reads an order's status and certificate; throws a CertCentralError on anything else. */
  async lookup(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; order: OrderInfo }> {
    const request = this.lookupOf(orderId)
    const response = await this.exchange(request, undefined, { attempt, sends: false, cancel })
    const what = `the Order info of order ${orderId}`
    const order = this.read(response, what, parseOrderInfo, 'has no status')
    // The one field of an Order info a message quotes: sanitized here, bounded as an ID.
    if (order.unusableCertificateId !== undefined)
      order.unusableCertificateId = this.options.sanitizer.text(
        order.unusableCertificateId,
        SHOWN_CHARS.id
      )
    return { status: response.status, order }
  }

  private async exchange(
    { method, path }: Request,
    body: object | undefined,
    { attempt, sends, cancel, note }: ExchangeOptions
  ): Promise<RawResponse> {
    const request = note ? ('note' as const) : undefined
    const clock = this.options.clock ?? realClock
    const started = clock.now()
    const took = (): number => Math.round(clock.now() - started)
    const headers: Record<string, string> = {
      [API_KEY_HEADER]: this.options.apiKey,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
    }
    const text = body === undefined ? undefined : JSON.stringify(body)
    let response: RawResponse
    try {
      const url = new URL(this.options.baseUrl + path)
      response = await this.options.transport.request(method, url, headers, text, cancel)
    } catch (error) {
      const { sanitizer, timeoutMs } = this.options
      const host = this.host
      const failure = explainFailure({ error, sends, sanitizer, host, timeoutMs, request })
      this.options.log.debug(
        `${method} ${this.base}${path} attempt ${attempt}: ${failure.kind} after ${took()} ms${failure.status ? ` (HTTP ${failure.status})` : ''}`
      )
      throw failure
    }
    const retryAfter = first(response.headers['retry-after'])
    this.options.log.debug(
      `${method} ${this.base}${path} attempt ${attempt}: HTTP ${response.status} in ${took()} ms` +
        (retryAfter !== undefined
          ? `, Retry-After: ${this.options.sanitizer.text(retryAfter, SHOWN_CHARS.header)}`
          : '')
    )
    if (response.status >= 200 && response.status < 300) return response
    const { sanitizer, idInput } = this.options
    throw judge({
      response,
      sends,
      sanitizer,
      idInput,
      request,
      host: this.host,
      wallNow: () => clock.wallNow()
    })
  }
}
