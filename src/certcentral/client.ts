// The CertCentral client: an operation's call or an Order info look-up for one ID, over the
// transport, judged into success or a CertCentralError whose message is safe to show (every byte
// of the answer passes through the sanitizer) and carries DigiCert's codes and a hint.
import {
  API_KEY_HEADER,
  countDigiCertErrors,
  digits,
  duplicatesPath,
  hintFor,
  isSendAnswer,
  lacksPermission,
  orderInfoPath,
  orderListPath,
  parseCertificateList,
  parseDigiCertErrors,
  parseOrderInfo,
  parseOrderList,
  parseRetryAfter,
  refusesKey,
  shownBase,
  type CertificateSummary,
  type OrderInfo,
  type OrderList,
  type OrderQuery
} from './api.js'
import { OPERATIONS, type IdInput, type Operation } from '../operations.js'
import { SHOWN_CHARS, type Sanitizer } from '../sanitize.js'
import { realClock, type Clock } from '../clock.js'
import {
  MAX_BODY_BYTES,
  MAX_SUCCESS_BODY_BYTES,
  TransportError,
  type RawResponse,
  type Transport
} from './transport.js'

/** Errors of one answer listed in a message; the rest are counted. */
export const MAX_ERRORS_SHOWN = 3

/**
 * What kind of failure: `http` an error status; `rate-limited` a 429 and `unavailable` a 503
 * (DigiCert said "later"); `key-refused` the key itself (every ID would get it); `permission` the
 * key's user may not act on this ID; `bad-success` a 2xx that is not CertCentral's answer (HTML,
 * DigiCert's `errors`, too large, or for a send anything but a 204, empty or `{}`); `redirect`;
 * `timeout`, `network` and `cancelled` after the request may have reached CertCentral; `unreached`
 * when it provably never left the runner (nothing was sent).
 */
export type FailureKind =
  | 'http'
  | 'rate-limited'
  | 'unavailable'
  | 'key-refused'
  | 'permission'
  | 'bad-success'
  | 'redirect'
  | 'timeout'
  | 'network'
  | 'unreached'
  | 'cancelled'

/** Said of a send whose outcome is unknown (a timeout, a reset, a 5xx). */
export const MAY_HAVE_BEEN_SENT =
  'it may have been sent: check the audit log in CertCentral before sending it again'

/** What went wrong with one request, by name: see CertCentralError. */
export interface CertCentralFailure {
  /** Safe to show: built from sanitized parts only. */
  message: string
  kind: FailureKind
  /** The HTTP status, when an answer (or its headers) arrived. */
  status?: number | null
  /** DigiCert's error codes, sanitized. */
  codes?: string[]
  hint?: string
  /** Seconds from a usable Retry-After header. */
  retryAfterSeconds?: number
}

/** A request that did not succeed, with its fields by name (as ky's HTTPError). */
export class CertCentralError extends Error {
  override readonly name = 'CertCentralError'
  readonly kind: FailureKind
  readonly status: number | null
  readonly codes: string[]
  readonly hint: string | undefined
  readonly retryAfterSeconds: number | undefined

  constructor(failure: CertCentralFailure) {
    super(failure.message)
    this.kind = failure.kind
    this.status = failure.status ?? null
    this.codes = failure.codes ?? []
    this.hint = failure.hint
    this.retryAfterSeconds = failure.retryAfterSeconds
  }
}

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
    const what = 'the order list'
    const refused = this.notAnAnswer(response, what)
    if (refused) throw refused
    const list = parseOrderList(response.text)
    if (!list) throw this.notAList(response, what)
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
    const refused = this.notAnAnswer(response, what)
    if (refused) throw refused
    const certificates = parseCertificateList(response.text)
    if (!certificates) throw this.notAList(response, what)
    return { status: response.status, certificates }
  }

  private notAList(response: RawResponse, what: string): CertCentralError {
    return new CertCentralError({
      message: `HTTP ${response.status}: ${what} is not one (${this.bodyShown(response)}); check api-url`,
      kind: 'bad-success',
      status: response.status
    })
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
    const refused = this.notAnAnswer(response, 'send')
    if (refused) throw refused
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
    const refused = this.notAnAnswer(response, `the Order info of order ${orderId}`)
    if (refused) throw refused
    const order = parseOrderInfo(response.text)
    if (!order) {
      throw new CertCentralError({
        message: `HTTP ${response.status}: the Order info of order ${orderId} has no status (${this.bodyShown(response)}); check api-url`,
        kind: 'bad-success',
        status: response.status
      })
    }
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
    { attempt, sends, cancel }: { attempt: number; sends: boolean; cancel?: AbortSignal }
  ): Promise<RawResponse> {
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
      const failure = this.explainFailure(error, sends)
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
    throw this.judge(response, sends)
  }

  /**
   * A 2xx that is not CertCentral's answer, as a failure (undefined when it is one): cut off, an
   * HTML page, DigiCert's `errors`, or for a send anything but what isSendAnswer takes (a 204, an
   * empty body or `{}`). `what` is 'send' for an operation's call, else what the body should be
   * (for the message).
   */
  private notAnAnswer(response: RawResponse, what: string): CertCentralError | undefined {
    const { status, text, truncated } = response
    const sends = what === 'send'
    const lead = `HTTP ${status} but ${sends ? 'the answer' : what}`
    const fail = (message: string, codes?: string[], hint?: string): CertCentralError =>
      new CertCentralError({ message, kind: 'bad-success', status, codes, hint })
    const notSent = sends ? ', so the email was most likely not sent' : ''
    if (truncated) {
      return fail(
        `${lead} is too large to be CertCentral's answer (cut off after ${MAX_SUCCESS_BODY_BYTES / 1024 / 1024} MiB)${notSent}; check api-url and the network`
      )
    }
    if (sends && isSendAnswer(response)) return undefined
    if (isHtml(response)) {
      return fail(
        `${lead} is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; ${this.bodyShown(response)})${notSent}; check api-url and the network`
      )
    }
    const errors = this.errorsOf(text)
    if (errors) {
      const { codes, detail } = errors
      const hint = hintFor(codes, { idInput: this.options.idInput })
      const taken = sends ? ', so it is not taken as sent' : ''
      return fail(
        `${lead} carries DigiCert's errors (${detail})${taken}${hint ? `; ${hint}` : ''}`,
        codes,
        hint
      )
    }
    if (sends) {
      // Said before the body, so that shortening a long message cannot drop it.
      return fail(
        `HTTP ${status}, an answer CertCentral does not give to a send (${MAY_HAVE_BEEN_SENT}): ${this.bodyShown(response)}; check api-url and the network`
      )
    }
    return undefined
  }

  /** DigiCert's errors in a body, sanitized: their codes and the text that lists them. */
  private errorsOf(text: string): { codes: string[]; detail: string } | undefined {
    const errors = parseDigiCertErrors(text)
    if (!errors) return undefined
    const safe = this.options.sanitizer
    const codes = errors.map(e => safe.text(e.code, SHOWN_CHARS.errorCode))
    const listed = errors
      .slice(0, MAX_ERRORS_SHOWN)
      .map((e, i) => `${codes[i]}: ${safe.text(e.message, SHOWN_CHARS.message)}`)
      .join('; ')
    const more = countDigiCertErrors(text) - MAX_ERRORS_SHOWN
    return {
      codes,
      detail: listed + (more > 0 ? `; and ${more} more error${more === 1 ? '' : 's'}` : '')
    }
  }

  private judge(response: RawResponse, sends: boolean): CertCentralError {
    const { status, headers } = response
    const safe = this.options.sanitizer
    const errors = this.errorsOf(response.text)
    const codes = errors?.codes ?? []
    const detail = errors?.detail ?? this.bodyShown(response)
    const context = { idInput: this.options.idInput }
    // A 401 refuses the key whatever its code says (DigiCert documents none for it); a 404 that is
    // not DigiCert's (no errors: empty, HTML, text) is a path it never saw, as not_found|route says.
    const hint =
      hintFor(codes, context) ??
      (status === 401
        ? hintFor(['access_denied|access_denied_invalid_key'], context)
        : undefined) ??
      (status === 404 && !errors ? hintFor(['not_found|route'], context) : undefined)
    const withHint = (text: string): string => (hint ? `${text}; ${hint}` : text)

    if (status >= 300 && status < 400) {
      const location = headers.location
        ? safe.text(headers.location, SHOWN_CHARS.message)
        : '(none)'
      return new CertCentralError({
        message:
          `HTTP ${status}: CertCentral answered with a redirect to ${location}, which is not followed ` +
          `so the API key stays with ${this.host}; check api-url`,
        kind: 'redirect',
        status,
        codes
      })
    }
    if (status === 429 || status === 503) return this.later(response, codes, detail)
    const kind = refusesKey(status, codes)
      ? 'key-refused'
      : lacksPermission(status, codes)
        ? 'permission'
        : 'http'
    // A server error after the request was written: DigiCert may have acted on it.
    // Said before the body, so that shortening a long message cannot drop it.
    const unknown = sends && status >= 500 ? ` (${MAY_HAVE_BEEN_SENT})` : ''
    return new CertCentralError({
      message: withHint(`HTTP ${status}${unknown}: ${detail}`),
      kind,
      status,
      codes,
      hint
    })
  }

  /** A 429 or 503: DigiCert said "later", maybe with a Retry-After (read against its Date). */
  private later(response: RawResponse, codes: string[], detail: string): CertCentralError {
    const { status, headers } = response
    const header = first(headers['retry-after'])
    const wallNow = (this.options.clock ?? realClock).wallNow()
    const wait = parseRetryAfter(header, wallNow, first(headers.date))
    const asked =
      wait !== undefined
        ? `; it asked to wait ${wait} s`
        : header !== undefined
          ? `; its Retry-After ${JSON.stringify(this.options.sanitizer.text(header, SHOWN_CHARS.quotedHeader))} is not a number of seconds or a date, so it counts as absent`
          : ''
    const limited = status === 429
    return new CertCentralError({
      message: limited
        ? `HTTP 429: DigiCert rate-limited this API key (${detail})${asked}`
        : `HTTP 503: CertCentral is unavailable, maybe for maintenance (${detail})${asked}`,
      kind: limited ? 'rate-limited' : 'unavailable',
      status,
      codes,
      hint: limited
        ? hintFor(['request_limit_exceeded'], { idInput: this.options.idInput })
        : UNAVAILABLE_HINT,
      retryAfterSeconds: wait
    })
  }

  private bodyShown(response: RawResponse): string {
    // The marker goes first, so that shortening the message later cannot drop it.
    const label = response.truncated ? `body (cut off after ${MAX_BODY_BYTES / 1024} KiB)` : 'body'
    if (response.text.trim() === '') return response.truncated ? `${label}: empty` : 'empty body'
    return `${label}: ${this.options.sanitizer.text(response.text, SHOWN_CHARS.body)}`
  }

  private explainFailure(error: unknown, sends: boolean): CertCentralError {
    if (!(error instanceof TransportError)) {
      // A bug of ours, not the network's: say so rather than blame the connection.
      const text = this.options.sanitizer.text(error instanceof Error ? error.message : error)
      return new CertCentralError({ message: `unexpected failure: ${text}`, kind: 'network' })
    }
    const { status } = error
    const detail = this.options.sanitizer.text(error.detail, SHOWN_CHARS.message)
    const code = this.options.sanitizer.text(error.code, SHOWN_CHARS.systemCode)
    if (!error.reached) {
      const what =
        error.kind === 'cancelled'
          ? 'cancelled before the request left the runner'
          : `could not reach ${this.host} (${code}: ${detail})`
      return new CertCentralError({
        message: `${what}: nothing was sent; check the runner's network, proxy and api-url, then send it again`,
        kind: 'unreached',
        status
      })
    }
    const unknown = sends ? `; ${MAY_HAVE_BEEN_SENT}` : ''
    switch (error.kind) {
      case 'timeout':
        return new CertCentralError({
          message:
            `timed out after ${this.options.timeoutMs / 1000} s waiting for ${this.host}` +
            (status ? ` (HTTP ${status} arrived, its body did not)` : '') +
            (sends
              ? `; ${MAY_HAVE_BEEN_SENT}, or raise timeout-seconds`
              : '; raise timeout-seconds if it persists'),
          kind: 'timeout',
          status
        })
      case 'cancelled':
        return new CertCentralError({
          message: sends
            ? `cancelled while the request was in flight${unknown}`
            : 'cancelled while a look-up was in flight: nothing was sent; send it again',
          kind: 'cancelled',
          status
        })
      case 'protocol':
        return new CertCentralError({
          message: `HTTP ${status}: ${this.host} switched protocols instead of answering; check api-url`,
          kind: 'network',
          status
        })
      case 'network':
        return new CertCentralError({
          message:
            (status === null
              ? `the connection to ${this.host} failed (${code}: ${detail}); check the runner's network, proxy and api-url`
              : `HTTP ${status} from ${this.host}, then the connection failed while reading its body (${code}: ${detail})`) +
            unknown,
          kind: 'network',
          status
        })
    }
  }
}

/** What a 503 asks of the user. */
export const UNAVAILABLE_HINT =
  'CertCentral is down or in maintenance: send unsent-ids again after retry-after seconds, or set max-retries'

function isHtml({ headers, text }: RawResponse): boolean {
  return /html/i.test(first(headers['content-type']) ?? '') || text.trimStart().startsWith('<')
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
