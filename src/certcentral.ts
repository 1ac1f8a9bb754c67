// The CertCentral client: an operation's call or an Order info look-up for one ID, over the
// transport, judged into success or a CertCentralError whose message is safe to show (every byte
// of the answer passes through the sanitizer) and carries DigiCert's codes and a hint.
import {
  API_KEY_HEADER,
  countDigiCertErrors,
  digits,
  hintFor,
  orderInfoPath,
  parseDigiCertErrors,
  parseOrderInfo,
  parseRetryAfter,
  refusesKey,
  type OrderInfo
} from './api.js'
import { OPERATIONS, type IdInput, type Operation } from './operations.js'
import { SHOWN_CHARS, type Sanitizer } from './sanitize.js'
import { MAX_BODY_BYTES, TransportError, type RawResponse, type Transport } from './transport.js'

/** Errors of one answer listed in a message; the rest are counted. */
export const MAX_ERRORS_SHOWN = 3
/** Characters of a body that is not DigiCert's error shape shown in a message. */
export const MAX_SHOWN_BODY_CHARS = SHOWN_CHARS.body

export type FailureKind =
  'http' | 'rate-limited' | 'key-refused' | 'redirect' | 'timeout' | 'network' | 'cancelled'

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

export interface PlannedRequest {
  method: string
  url: string
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
  now?: () => number
}

export class CertCentralClient {
  private readonly host: string

  constructor(private readonly options: ClientOptions) {
    this.host = new URL(options.baseUrl).host
  }

  /** The method and full URL of an operation's call for the ID it takes. */
  requestFor(operation: Operation, id: string): PlannedRequest {
    const spec = OPERATIONS[operation]
    return {
      method: spec.method,
      url: this.options.baseUrl + spec.path.replace('{id}', digits(id))
    }
  }

  /** The requests one ID takes, for the dry run: with an order ID, the look-up first. */
  plannedFor(operation: Operation, id: string): PlannedRequest[] {
    if (this.options.idInput === 'certificate-id') return [this.requestFor(operation, id)]
    const spec = OPERATIONS[operation]
    const call =
      spec.orderTarget === 'order'
        ? this.requestFor(operation, id)
        : {
            method: spec.method,
            url: this.options.baseUrl + spec.path.replace('{id}', '{certificate.id}')
          }
    return [this.lookupFor(id), call]
  }

  /** The Order info look-up of an order. */
  lookupFor(orderId: string): PlannedRequest {
    return { method: 'GET', url: this.options.baseUrl + orderInfoPath(orderId) }
  }

  /** Makes an operation's call; resolves on 2xx, throws a CertCentralError on anything else. */
  async call(
    operation: Operation,
    id: string,
    body: object | undefined,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number }> {
    const response = await this.exchange(this.requestFor(operation, id), body, attempt, cancel)
    return { status: response.status }
  }

  /** Reads an order's status and certificate; throws a CertCentralError on anything but 2xx. */
  async lookup(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; order: OrderInfo }> {
    const response = await this.exchange(this.lookupFor(orderId), undefined, attempt, cancel)
    const order = parseOrderInfo(response.text)
    if (!order) {
      throw new CertCentralError({
        message: `HTTP ${response.status}: the Order info of order ${orderId} has no status (${this.bodyShown(response)}); check api-url`,
        kind: 'http',
        status: response.status
      })
    }
    return { status: response.status, order }
  }

  private async exchange(
    { method, url }: PlannedRequest,
    body: object | undefined,
    attempt: number,
    cancel: AbortSignal | undefined
  ): Promise<RawResponse> {
    const now = this.options.now ?? Date.now
    const started = now()
    const headers: Record<string, string> = {
      [API_KEY_HEADER]: this.options.apiKey,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
    }
    const text = body === undefined ? undefined : JSON.stringify(body)
    let response: RawResponse
    try {
      response = await this.options.transport.request(method, new URL(url), headers, text, cancel)
    } catch (error) {
      const failure = this.explainFailure(error)
      this.options.log.debug(
        `${method} ${url} attempt ${attempt}: ${failure.kind} after ${now() - started} ms${failure.status ? ` (HTTP ${failure.status})` : ''}`
      )
      throw failure
    }
    const retryAfter = first(response.headers['retry-after'])
    this.options.log.debug(
      `${method} ${url} attempt ${attempt}: HTTP ${response.status} in ${now() - started} ms` +
        (retryAfter !== undefined
          ? `, Retry-After: ${this.options.sanitizer.text(retryAfter, SHOWN_CHARS.header)}`
          : '')
    )
    if (response.status >= 200 && response.status < 300) return response
    throw this.judge(response)
  }

  private judge(response: RawResponse): CertCentralError {
    const { status, headers } = response
    const safe = this.options.sanitizer
    const errors = parseDigiCertErrors(response.text) ?? []
    const codes = errors.map(e => safe.text(e.code, SHOWN_CHARS.errorCode))
    const listed = errors
      .slice(0, MAX_ERRORS_SHOWN)
      .map((e, i) => `${codes[i]}: ${safe.text(e.message, SHOWN_CHARS.message)}`)
      .join('; ')
    const total = countDigiCertErrors(response.text)
    const detail = errors.length
      ? listed +
        (total > MAX_ERRORS_SHOWN
          ? `; and ${total - MAX_ERRORS_SHOWN} more error${total - MAX_ERRORS_SHOWN === 1 ? '' : 's'}`
          : '')
      : this.bodyShown(response)
    const context = { idInput: this.options.idInput }
    // A 401 refuses the key whatever its code says (DigiCert documents none for it).
    const hint =
      hintFor(codes, context) ??
      (status === 401 ? hintFor(['access_denied|access_denied_invalid_key'], context) : undefined)
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
    if (status === 429) {
      const header = first(headers['retry-after'])
      const wait = parseRetryAfter(header, (this.options.now ?? Date.now)())
      const asked =
        wait !== undefined
          ? `; it asked to wait ${wait} s`
          : header !== undefined
            ? `; its Retry-After ${JSON.stringify(safe.text(header, SHOWN_CHARS.quotedHeader))} is not a number of seconds or a date, so it counts as absent`
            : ''
      return new CertCentralError({
        message: `HTTP 429: DigiCert rate-limited this API key (${detail})${asked}`,
        kind: 'rate-limited',
        status,
        codes,
        hint: hintFor(['request_limit_exceeded'], context),
        retryAfterSeconds: wait
      })
    }
    if (refusesKey(status, codes)) {
      return new CertCentralError({
        message: withHint(`HTTP ${status}: ${detail}`),
        kind: 'key-refused',
        status,
        codes,
        hint
      })
    }
    return new CertCentralError({
      message: withHint(`HTTP ${status}: ${detail}`),
      kind: 'http',
      status,
      codes,
      hint
    })
  }

  private bodyShown(response: RawResponse): string {
    // The marker goes first, so that shortening the message later cannot drop it.
    const label = response.truncated ? `body (cut off after ${MAX_BODY_BYTES / 1024} KiB)` : 'body'
    if (response.text.trim() === '') return response.truncated ? `${label}: empty` : 'empty body'
    return `${label}: ${this.options.sanitizer.text(response.text, MAX_SHOWN_BODY_CHARS)}`
  }

  private explainFailure(error: unknown): CertCentralError {
    if (!(error instanceof TransportError)) {
      // A bug of ours, not the network's: say so rather than blame the connection.
      const text = this.options.sanitizer.text(error instanceof Error ? error.message : error)
      return new CertCentralError({ message: `unexpected failure: ${text}`, kind: 'network' })
    }
    const { status } = error
    const detail = this.options.sanitizer.text(error.detail, SHOWN_CHARS.message)
    const code = this.options.sanitizer.text(error.code, SHOWN_CHARS.systemCode)
    switch (error.kind) {
      case 'timeout': {
        const seconds = this.options.timeoutMs / 1000
        return new CertCentralError({
          message:
            `timed out after ${seconds} s waiting for ${this.host}` +
            (status ? ` (HTTP ${status} arrived, its body did not)` : '') +
            '; DigiCert may still have acted on it: check before running again, or raise timeout-seconds',
          kind: 'timeout',
          status
        })
      }
      case 'cancelled':
        return new CertCentralError({
          message: 'cancelled while the request was in flight; DigiCert may still have acted on it',
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
            status === null
              ? `could not complete the request to ${this.host} (${code}: ${detail}); check the runner's network, proxy and api-url`
              : `HTTP ${status} from ${this.host}, then the connection failed while reading its body (${code}: ${detail})`,
          kind: 'network',
          status
        })
    }
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
