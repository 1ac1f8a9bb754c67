// The CertCentral client: an operation's call or an Order info look-up for one ID, over the
// transport, judged into success or a CertCentralError whose message is safe to show (every byte
// of the answer passes through the sanitizer) and carries DigiCert's codes and a hint.
import {
  API_KEY_HEADER,
  anyStatusQuery,
  digits,
  duplicatesPath,
  orderInfoPath,
  orderListPath,
  parseRetryAfter,
  shownBase,
  type OrderQuery
} from './api.js'
import {
  countDigiCertErrors,
  isSendAnswer,
  parseCertificateList,
  parseDigiCertErrors,
  parseOrderInfo,
  parseOrderList,
  type CertificateSummary,
  type OrderInfo,
  type OrderList
} from './bodies.js'
import { UNAVAILABLE_HINT, hintFor, lacksPermission, refusesKey } from './hints.js'
import {
  OPERATIONS,
  isFindingInput,
  type IdInput,
  type Known,
  type Operation
} from '../operations.js'
import { SHOWN_CHARS, type Sanitizer } from '../sanitize.js'
import { realClock, type Clock } from '../clock.js'
import {
  MAX_BODY_BYTES,
  MAX_SUCCESS_BODY_BYTES,
  TransportError,
  type RawResponse,
  type Transport
} from './transport.js'
import { CertCentralError, MAY_HAVE_BEEN_SENT } from './errors.js'

/** Errors of one answer listed in a message; the rest are counted. */
export const MAX_ERRORS_SHOWN = 3

/** A request as shown (dry run, summary): `url` is the base URL as shownBase shows it, then the path. */
export interface PlannedRequest {
  method: string
  url: string
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

  /** The method and shown URL of an operation's call for the ID it takes. */
  requestFor(operation: Operation, id: string): PlannedRequest {
    return this.shown(this.callOf(operation, id))
  }

  /**
   * The requests one ID takes, for the dry run: a certificate ID the call alone; an order ID its
   * look-up first (none for a seal without a wait or issued-within); a file, serial, thumbprint or
   * common name the look-ups of the chain that may find it (decisions.findStep), then the call.
   */
  plannedFor(
    operation: Operation,
    id: string,
    { known = {}, looksUp = true }: { known?: Known; looksUp?: boolean } = {}
  ): PlannedRequest[] {
    const { idInput } = this.options
    if (idInput === 'certificate-id') return [this.requestFor(operation, id)]
    const spec = OPERATIONS[operation]
    const placeholder = (name: string): PlannedRequest =>
      this.shown({ method: spec.method, path: spec.path.replace('{id}', name) })
    if (isFindingInput(idInput)) {
      const target = spec.orderTarget === 'order' ? '{order.id}' : '{certificate.id}'
      return [...this.findingLookups(known), placeholder(target)]
    }
    if (spec.orderTarget === 'order' && !looksUp) return [this.requestFor(operation, id)]
    const call =
      spec.orderTarget === 'order'
        ? this.requestFor(operation, id)
        : placeholder('{certificate.id}')
    return [this.lookupFor(id), call]
  }

  /** The look-ups the chain may make for what is known, in order, for the dry run. */
  private findingLookups(known: Known): PlannedRequest[] {
    const get = (path: string): PlannedRequest => this.shown({ method: 'GET', path })
    const steps: PlannedRequest[] = []
    const { thumbprint, serialNumber, commonName } = known
    if (thumbprint !== undefined) steps.push(this.lookupFor(thumbprint))
    if (serialNumber !== undefined) {
      steps.push(this.lookupFor(serialNumber))
      steps.push(get(orderListPath({ filter: 'serial_number', value: serialNumber, offset: 0 })))
    }
    if (commonName !== undefined)
      steps.push(get(orderListPath({ filter: 'common_name', value: commonName, offset: 0 })))
    if (serialNumber !== undefined || commonName !== undefined)
      steps.push(get('/order/certificate/{order.id}/duplicate'))
    // A common-name input with no issued certificate: is an order of it still waiting for one?
    if (commonName !== undefined && this.options.idInput === 'common-name')
      steps.push(get(orderListPath(anyStatusQuery(commonName))))
    return steps
  }

  /** The Order info look-up of an order, or of an order by its primary's thumbprint or serial, as shown. */
  lookupFor(key: string): PlannedRequest {
    return this.shown(this.lookupOf(key))
  }

  private callOf(operation: Operation, id: string): Request {
    const spec = OPERATIONS[operation]
    return { method: spec.method, path: spec.path.replace('{id}', digits(id)) }
  }

  private lookupOf(key: string): Request {
    return { method: 'GET', path: orderInfoPath(key) }
  }

  private shown({ method, path }: Request): PlannedRequest {
    return { method, url: this.base + path }
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
      return new CertCentralError(
        {
          message: `${what}: nothing was sent; check the runner's network, proxy and api-url, then send it again`,
          kind: 'unreached',
          status
        },
        { cause: error }
      )
    }
    const unknown = sends ? `; ${MAY_HAVE_BEEN_SENT}` : ''
    switch (error.kind) {
      case 'timeout':
        return new CertCentralError(
          {
            message:
              `timed out after ${this.options.timeoutMs / 1000} s waiting for ${this.host}` +
              (status ? ` (HTTP ${status} arrived, its body did not)` : '') +
              (sends
                ? `; ${MAY_HAVE_BEEN_SENT}, or raise timeout-seconds`
                : '; raise timeout-seconds if it persists'),
            kind: 'timeout',
            status
          },
          { cause: error }
        )
      case 'cancelled':
        return new CertCentralError(
          {
            message: sends
              ? `cancelled while the request was in flight${unknown}`
              : 'cancelled while a look-up was in flight: nothing was sent; send it again',
            kind: 'cancelled',
            status
          },
          { cause: error }
        )
      case 'protocol':
        return new CertCentralError(
          {
            message: `HTTP ${status}: ${this.host} switched protocols instead of answering; check api-url`,
            kind: 'network',
            status
          },
          { cause: error }
        )
      case 'network':
        return new CertCentralError(
          {
            message:
              (status === null
                ? `the connection to ${this.host} failed (${code}: ${detail}); check the runner's network, proxy and api-url`
                : `HTTP ${status} from ${this.host}, then the connection failed while reading its body (${code}: ${detail})`) +
              unknown,
            kind: 'network',
            status
          },
          { cause: error }
        )
    }
  }
}

function isHtml({ headers, text }: RawResponse): boolean {
  return /html/i.test(first(headers['content-type']) ?? '') || text.trimStart().startsWith('<')
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
