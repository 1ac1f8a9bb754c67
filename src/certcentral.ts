// The CertCentral client: base URLs, endpoint paths, headers, one request with a deadline,
// and the parsing of DigiCert's error bodies. It knows nothing of inputs, retries or reporting.
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import { isIP } from 'node:net'
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'

export const REGION_BASE_URLS = {
  us: 'https://www.digicert.com/services/v2',
  eu: 'https://certcentral.digicert.eu/services/v2'
} as const
export type Region = keyof typeof REGION_BASE_URLS

export const OPERATIONS = ['send-certificate', 'email-site-seal'] as const
export type Operation = (typeof OPERATIONS)[number]

export const API_KEY_HEADER = 'X-DC-DEVKEY'

/** Bytes of a response body kept for error messages; the rest is dropped unread. */
export const MAX_BODY_BYTES = 64 * 1024
/** Characters of a non-DigiCert body shown in a message. */
export const MAX_SHOWN_BODY_CHARS = 1024

export interface Endpoint {
  method: 'PUT' | 'POST'
  path: string
}

/** The method and path (below the base URL) of an operation for one ID. */
export function endpointFor(operation: Operation, id: string): Endpoint {
  // IDs are validated as digits before they get here; this is the last line of defence
  // against anything being spliced into the path.
  if (!/^\d+$/.test(id)) throw new Error(`refusing to build a URL with the ID "${id}"`)
  return operation === 'send-certificate'
    ? { method: 'PUT', path: `/certificate/${id}/sendemail` }
    : { method: 'POST', path: `/order/certificate/${id}/site-seal/email-seal` }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

/** Whether the key may travel to this URL: HTTPS anywhere, plain HTTP only to loopback. */
export function mayCarryKey(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

export interface DigiCertError {
  code: string
  message: string
}

export type FailureKind = 'http' | 'rate-limited' | 'redirect' | 'timeout' | 'network'

export class CertCentralError extends Error {
  override readonly name = 'CertCentralError'
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status: number | null = null,
    readonly errors: DigiCertError[] = [],
    readonly retryAfterSeconds?: number
  ) {
    super(message)
  }
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into whole seconds from `nowMs`. */
export function retryAfterSeconds(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value)
  const date = Date.parse(value)
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return undefined
  return Math.max(0, Math.ceil((date - nowMs) / 1000))
}

/** DigiCert's `{"errors":[{"code","message"}]}`, or undefined when the body is anything else. */
export function parseDigiCertErrors(body: string): DigiCertError[] | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const errors = (parsed as { errors?: unknown }).errors
  if (!Array.isArray(errors) || errors.length === 0) return undefined
  return errors.map(entry => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>
    return {
      code: typeof e.code === 'string' ? e.code : String(e.code ?? '(no code)'),
      message: typeof e.message === 'string' ? e.message : String(e.message ?? '')
    }
  })
}

/** Makes server text safe for one log line: no control characters, bounded length. */
export function showable(text: string, max = MAX_SHOWN_BODY_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}… (${flat.length} characters in all)` : flat
}

export interface ClientOptions {
  baseUrl: string
  apiKey: string
  timeoutMs: number
  userAgent: string
  /** Connections open to CertCentral at most: the runner's requests in flight. */
  maxSockets: number
}

export interface Success {
  status: number
}

/**
 * One `@actions/http-client` per run, with redirects off (so the key never follows a 30x),
 * keep-alive on, and a deadline of our own on every call.
 */
export class CertCentralClient {
  private readonly http: HttpClient
  private readonly signals = new SignalHandler()
  private readonly base: URL

  constructor(private readonly options: ClientOptions) {
    this.base = new URL(options.baseUrl)
    if (!mayCarryKey(this.base)) {
      throw new Error(`refusing to send the API key to ${this.base.origin} over plain HTTP`)
    }
    this.http = new HttpClient(options.userAgent, [this.signals], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: true,
      maxSockets: options.maxSockets,
      socketTimeout: options.timeoutMs
    })
  }

  /** The method and full URL of an operation for one ID. */
  requestFor(operation: Operation, id: string): { method: string; url: string } {
    const { method, path } = endpointFor(operation, id)
    return { method, url: this.options.baseUrl.replace(/\/+$/, '') + path }
  }

  /** Sends one request; resolves on 2xx, throws a CertCentralError on anything else. */
  async send(operation: Operation, id: string, body: object): Promise<Success> {
    const { method, url } = this.requestFor(operation, id)
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs)
    try {
      const response = await this.exchange(method, url, JSON.stringify(body), deadline.signal)
      return this.judge(response)
    } catch (error) {
      throw this.explain(error, deadline.signal.aborted)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Closes kept-alive connections so the process can exit. */
  dispose(): void {
    this.http.dispose()
  }

  private async exchange(
    method: string,
    url: string,
    data: string,
    signal: AbortSignal
  ): Promise<RawResponse> {
    // prepareRequest runs synchronously inside request(), so the signal reaches this request only.
    this.signals.next = signal
    const pending = this.http.request(method, url, data, {
      [API_KEY_HEADER]: this.options.apiKey,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    })
    this.signals.next = undefined
    const response = await pending
    const body = await readBody(response.message, signal)
    return { status: response.message.statusCode ?? 0, headers: response.message.headers, ...body }
  }

  private judge(response: RawResponse): Success {
    const { status, headers } = response
    if (status >= 200 && status < 300) return { status }
    const text = this.redact(response.text)
    const errors = parseDigiCertErrors(text) ?? []
    const detail = errors.length
      ? errors.map(e => `${e.code}: ${showable(e.message, 300)}`).join('; ')
      : text.trim()
        ? `body: ${showable(text)}${response.truncated ? ' (cut off)' : ''}`
        : 'empty body'
    if (status >= 300 && status < 400) {
      const location = headers.location ? showable(this.redact(headers.location), 300) : '(none)'
      return fail(
        `HTTP ${status}: CertCentral answered with a redirect to ${location}, which is not followed ` +
          `so the API key stays with ${this.base.host}; check api-url`,
        'redirect',
        status,
        errors
      )
    }
    if (status === 429) {
      const wait = retryAfterSeconds(first(headers['retry-after']), Date.now())
      return fail(
        `HTTP 429: DigiCert rate-limited this API key (${detail})` +
          (wait !== undefined ? `; it asked to wait ${wait} s` : ''),
        'rate-limited',
        status,
        errors,
        wait
      )
    }
    return fail(`HTTP ${status}: ${detail}`, 'http', status, errors)
  }

  private explain(error: unknown, timedOut: boolean): CertCentralError {
    if (error instanceof CertCentralError) return error
    const seconds = this.options.timeoutMs / 1000
    const status = error instanceof BodyError ? error.status : null
    if (timedOut || (error instanceof Error && error.message.startsWith('Request timeout'))) {
      return new CertCentralError(
        `timed out after ${seconds} s waiting for ${this.base.host}` +
          (status ? ` (HTTP ${status} arrived, its body did not)` : '') +
          '; DigiCert may still have sent the email: check before running again, or raise timeout-seconds',
        'timeout',
        status
      )
    }
    const cause = error instanceof BodyError ? error.cause : error
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'no error code'
    const reason = cause instanceof Error ? cause.message : String(cause)
    const where =
      status === null
        ? `could not complete the request to ${this.base.host}`
        : `HTTP ${status} from ${this.base.host}, then the connection failed while reading its body`
    return new CertCentralError(
      `${where} (${code}: ${showable(this.redact(reason), 300)})`,
      'network',
      status
    )
  }

  private redact(text: string): string {
    const key = this.options.apiKey
    return key ? text.split(key).join('***') : text
  }
}

function fail(
  message: string,
  kind: FailureKind,
  status: number,
  errors: DigiCertError[],
  retryAfter?: number
): never {
  throw new CertCentralError(message, kind, status, errors, retryAfter)
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  text: string
  truncated: boolean
}

class BodyError extends Error {
  constructor(
    readonly status: number | null,
    override readonly cause: unknown
  ) {
    super('failed while reading the response body')
  }
}

/**
 * Reads at most MAX_BODY_BYTES of a response. Unlike HttpClientResponse.readBody() it settles
 * when the connection is reset mid-body or the deadline passes, and it never buffers a huge body.
 */
function readBody(
  message: IncomingMessage,
  signal: AbortSignal
): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let truncated = false
    const status = message.statusCode ?? null
    const settle = (error?: unknown): void => {
      signal.removeEventListener('abort', onAbort)
      if (error) reject(new BodyError(status, error))
      else resolve({ text: Buffer.concat(chunks).toString('utf8'), truncated })
    }
    const onAbort = (): void => {
      message.destroy()
      settle(new Error('deadline passed'))
    }
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    message.on('data', (chunk: Buffer) => {
      if (truncated) return
      const room = MAX_BODY_BYTES - size
      chunks.push(chunk.subarray(0, room))
      size += Math.min(room, chunk.length)
      if (chunk.length > room) {
        truncated = true
        // Enough to explain the error; drop the connection rather than download the rest.
        message.destroy()
        settle()
      }
    })
    message.on('end', () => settle())
    message.on('error', error => settle(error))
    message.on('close', () => {
      if (!message.complete && !truncated)
        settle(
          Object.assign(new Error('connection closed before the body ended'), {
            code: 'ECONNRESET'
          })
        )
    })
  })
}

/** Hands one AbortSignal to the next request http-client prepares. */
class SignalHandler implements RequestHandler {
  next: AbortSignal | undefined
  prepareRequest(options: RequestOptions): void {
    if (this.next) options.signal = this.next
  }
  canHandleAuthentication(): boolean {
    return false
  }
  handleAuthentication(): Promise<never> {
    return Promise.reject(new Error('not supported'))
  }
}
