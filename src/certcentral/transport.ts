// HTTP for the CertCentral client: one request with a deadline that covers all of it (proxy
// CONNECT, TLS, headers, body), a bounded body, no redirects, and keep-alive connections that
// dispose() closes so the process can exit. It knows nothing of DigiCert.
//
// Built on the undici that @actions/http-client bundles (node_modules/undici, 6.29.1, the copy
// http-client installs; package.json pins the same version so there is one): an undici Agent per
// proxy (or none), at most maxSockets connections per host, kept alive, used through the low-level
// dispatch() so that this module sees each step: the connection open (onConnect: from then the
// request may have reached the server), the status and headers, each chunk of the body (kept up to
// bodyLimitFor, then the connection dropped), the end, or the error. dispatch() follows no
// redirect (undici's redirect interceptor is not used), and undici's own headers and body
// timeouts are off: the one deadline is ours (settleOnce, src/deadline.ts), over the whole
// request, and when it passes or the run is cancelled the request is aborted and its connection
// closed. undici's errors are told in Node's words (nodeTermsOf below), so nothing a user sees
// changed when the transport moved from node:http to undici. Where undici on its own would break a
// rule or differ from Node, the code says so where it steps in: Connection (no second connection
// after an aborted request), follow() (a kept-alive connection reused; a status below 100 is the
// answer, a 1xx is not; a 204 or 304 keeps no body), headersOf (repeated header fields). What it
// costs, measured for issue 26 (docs/performance.md): undici parses HTTP with llhttp compiled to
// WebAssembly, whose optimising compilation raises the 300-ID batch's peak RSS by 10 to 25 MB
// (about 89 MB on Node 20 and 24, over the 80 MB target) and, on Node 20, delays the end of a run
// (Node waits for V8's background compilation before it exits).
//
// Why not HttpClient.request() from @actions/http-client, or fetch: http-client follows redirects
// with the key, its socketTimeout is idle-only, and its readBody() stays pending when a connection
// resets mid-body; fetch follows redirects too and ignores the runner's proxy variables. We keep
// @actions/http-client for what it is the reference for: the runner's https_proxy / no_proxy
// conventions (getProxyUrl, read in proxy.ts), so self-hosted runners behind a proxy work as with
// every other action.
//
// Why not undici's ProxyAgent (what http-client's getAgentDispatcher hands out) for the proxy,
// measured for issue 26: it breaks the rule "one deadline over the whole request, the proxy's
// CONNECT included": through a proxy that never answers, a request with AbortSignal.timeout(300)
// settled after 301.9 s and its CONNECT socket stayed open as long (the tests in
// __tests__/integration/library-limits.undici.test.ts show it). So the CONNECT is ours (tunnel.ts,
// about 60 lines), plugged into the Agent as its connector; TLS over the tunnel is undici's.
import type { IncomingHttpHeaders } from 'node:http'
import { Agent, Client, Pool, type buildConnector, type Dispatcher } from 'undici'
import { settleOnce, type Settle } from '../deadline.js'
import { runnerProxyFor } from './proxy.js'
import { directConnector, tunnelConnector, type Opening } from './tunnel.js'

/**
 * Bytes of a response body kept when the status is not 2xx (enough to explain an error); the rest
 * is dropped unread and the connection closed.
 */
export const MAX_BODY_BYTES = 64 * 1024
/** Bytes of a 2xx body kept: CertCentral's answer itself (an Order info with many SANs). */
export const MAX_SUCCESS_BODY_BYTES = 1024 * 1024

/** The bytes of a body kept for this status: MAX_SUCCESS_BODY_BYTES for a 2xx, else MAX_BODY_BYTES. */
export function bodyLimitFor({ status }: { status: number }): number {
  return status >= 200 && status < 300 ? MAX_SUCCESS_BODY_BYTES : MAX_BODY_BYTES
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The body as UTF-8, at most bodyLimitFor({ status }) bytes of it. */
  text: string
  /** Whether the body was longer than that, and cut. */
  truncated: boolean
}

export type TransportFailure = 'timeout' | 'network' | 'cancelled' | 'protocol'

/** What went wrong with one request, by name: see TransportError. */
export interface TransportFailureInfo {
  kind: TransportFailure
  /** The status, when headers arrived before the failure. */
  status: number | null
  /** The system error code, e.g. ECONNRESET. */
  code: string
  /** System text: sanitize it before showing it. */
  detail: string
  /**
   * Whether the request may have reached the server: false only when it provably never left the
   * runner (the connection, the proxy's tunnel or the TLS handshake failed first).
   */
  reached: boolean
}

/** A request that ended without a complete answer, with its fields by name. */
export class TransportError extends Error {
  override readonly name = 'TransportError'
  readonly kind: TransportFailure
  readonly status: number | null
  readonly code: string
  readonly detail: string
  readonly reached: boolean

  constructor(failure: TransportFailureInfo) {
    super(`${failure.kind}: ${failure.code}: ${failure.detail}`)
    this.kind = failure.kind
    this.status = failure.status
    this.code = failure.code
    this.detail = failure.detail
    this.reached = failure.reached
  }
}

export interface TransportOptions {
  timeoutMs: number
  userAgent: string
  /** Connections open at most per host: the runner's requests in flight. */
  maxSockets: number
  /** The proxy for a URL under the runner's conventions; getProxyUrl by default. */
  proxyFor?: (url: URL) => URL | undefined
}

export class Transport {
  private readonly proxyFor: (url: URL) => URL | undefined
  private readonly agents = new Map<string, Agent>()
  /** Connections still opening, closed by dispose(): see tunnel.ts. */
  private readonly opening: Opening = new Set()

  constructor(private readonly options: TransportOptions) {
    this.proxyFor = options.proxyFor ?? runnerProxyFor
  }

  /** The proxy a request to this URL goes through, for the log. */
  proxyOf(url: URL): URL | undefined {
    return this.proxyFor(url)
  }

  /**
   * One request. Settles within timeoutMs whatever the peer does (silence, a trickle, 101, a
   * reset), or when `cancel` aborts; never follows a redirect.
   */
  request(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    cancel?: AbortSignal
  ): Promise<RawResponse> {
    const { timeoutMs, userAgent } = this.options
    const progress: Progress = { status: null, reached: false }
    const failure = (kind: TransportFailure, code: string, detail: string): { error: unknown } => ({
      error: new TransportError({ kind, code, detail, ...progress })
    })
    return settleOnce<RawResponse>(
      {
        timeoutMs,
        onTimeout: () => failure('timeout', 'ETIMEDOUT', deadlineDetail(timeoutMs)),
        signal: cancel,
        onAbort: () => failure('cancelled', 'ECANCELED', 'the run was cancelled')
      },
      settle => {
        const exchange = follow({ progress, settle, timeoutMs })
        // undici writes Content-Length from the body: its length in bytes, 0 for a PUT or POST
        // without one, none for a GET. A dispatch that cannot start (a refused URL, a bad header)
        // reaches onError before any connection.
        const options: Dispatcher.DispatchOptions = {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: method as Dispatcher.HttpMethod,
          headers: { ...headers, 'User-Agent': userAgent },
          body: body ?? null
        }
        try {
          this.agentFor(url).dispatch(options, exchange)
        } catch (error) {
          exchange.onError(error as Error)
        }
        // A request that failed, timed out or was cancelled leaves no connection behind.
        return outcome => {
          if ('error' in outcome) exchange.drop()
        }
      }
    )
  }

  /** Closes every connection, kept-alive, opening or tunnelling, so the process can exit. */
  dispose(): void {
    for (const agent of this.agents.values()) void agent.destroy().catch(() => undefined)
    this.agents.clear()
    for (const connection of this.opening) connection.destroy()
    this.opening.clear()
  }

  private agentFor(url: URL): Agent {
    const proxy = this.proxyFor(url)
    if (proxy && url.protocol !== 'https:') {
      // inputs.ts refuses this already; the transport does not rely on it.
      throw new Error(`refusing to send plain HTTP to ${url.host} through the proxy ${proxy.host}`)
    }
    const key = proxy ? `proxy ${proxy.href}` : 'direct'
    let agent = this.agents.get(key)
    if (!agent) {
      const { timeoutMs, maxSockets } = this.options
      const opening = this.opening
      agent = new Agent({
        connections: maxSockets,
        // Off: the request's deadline is the one timeout (0 disables undici's).
        headersTimeout: 0,
        bodyTimeout: 0,
        // A kept-alive connection is closed this long before the server's Keep-Alive timeout
        // (undici's default, 2 s, closed the stand-in's 5 s connections in the 4 s between two of
        // DigiCert's rate windows, and the batch opened 12 connections instead of 4).
        keepAliveTimeoutThreshold: 500,
        factory: connectionPool,
        connect: proxy
          ? tunnelConnector({ proxy, timeoutMs, opening })
          : directConnector({ timeoutMs, opening })
      })
      this.agents.set(key, agent)
    }
    return agent
  }
}

/** What a timeout says: no complete answer by the deadline. */
function deadlineDetail(timeoutMs: number): string {
  return `no complete answer in ${timeoutMs} ms`
}

/** What a protocol switch says: it is never an answer to these calls. */
const SWITCHED = 'the server switched protocols instead of answering'

/**
 * How far a request got: the status, once headers arrived; and whether it may have left the
 * runner, false until its connection is open (the proxy's tunnel and the TLS handshake done), true
 * at once on a kept-alive connection.
 */
interface Progress {
  status: number | null
  reached: boolean
}

/**
 * undici's handler of one request; `drop` aborts it and closes its connection, and `dropped` says
 * whether it has been.
 */
type Exchange = Dispatcher.DispatchHandlers & {
  onError(error: Error): void
  drop(): void
  readonly dropped: boolean
}

/** One connection (undici's Client) that knows the request it carries last. */
class Connection extends Client {
  carrying: Exchange | undefined

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers) {
    this.carrying = handler as Exchange
    return super.dispatch(options, handler)
  }
}

/**
 * undici's pool of at most `connections` connections to one origin, each a Connection that opens
 * no socket for a request the transport has dropped. undici would: aborting a request closes its
 * socket with an "informational" error that puts the request back in the queue (client-h1.js,
 * onHttpSocketClose), so the client connects again and only then finds it aborted; against a host
 * that never answers, every timeout would open a second connection ("a host that accepts and never
 * answers", __tests__/e2e/faults.unreliable.test.ts). The refusal reaches only the dropped request.
 */
function connectionPool(origin: string | URL, options: object): Pool {
  return new Pool(origin, {
    ...options,
    factory: (url, opts) => {
      const clientOptions = opts as Client.Options
      const connect = clientOptions.connect as buildConnector.connector
      const connection: Connection = new Connection(url, {
        ...clientOptions,
        connect: (target, callback) =>
          connection.carrying?.dropped
            ? callback(
                Object.assign(new Error('its request was dropped'), { code: 'ECANCELED' }),
                null
              )
            : connect(target, callback)
      })
      return connection
    }
  })
}

/**
 * Follows a request's steps into `progress` and settles it: with the answer once its body has
 * ended (or been cut at bodyLimitFor, the connection then dropped), with a TransportError on an
 * error. A request dropped before its connection opened is aborted as soon as it does.
 */
function follow({
  progress,
  settle,
  timeoutMs
}: {
  progress: Progress
  settle: Settle<RawResponse>
  timeoutMs: number
}): Exchange {
  let abort: ((reason?: Error) => void) | undefined
  let dropped = false
  let headers: IncomingHttpHeaders = {}
  const body = keptBody()
  const answer = (truncated: boolean): void =>
    settle({ value: { status: progress.status ?? 0, headers, text: body.text(), truncated } })
  const drop = (): void => {
    dropped = true
    abort?.(new Error('dropped by the transport'))
  }
  return {
    drop,
    get dropped() {
      return dropped
    },
    onConnect(abortRequest) {
      abort = abortRequest
      if (dropped) abortRequest(new Error('dropped by the transport'))
      else progress.reached = true
    },
    onHeaders(status, raw) {
      // An informational answer (1xx) is not the answer; the answer follows it.
      if (status >= 100 && status < 200) return true
      ;[progress.status, headers] = [status, headersOf(raw)]
      if (status >= 100) return true
      // undici takes a status below 100 for informational too and would wait for another: it is
      // the answer (as Node took it), its body unread.
      drop()
      answer(false)
      return false
    },
    onData(chunk) {
      // A 204 or 304 has no body (RFC 9110); bytes after one are not its body. Node stops there,
      // undici reads them as the body a Content-Length announces.
      if (progress.status === 204 || progress.status === 304) return true
      if (body.keep(chunk, bodyLimitFor({ status: progress.status ?? 0 }))) return true
      // Enough to explain an error; drop the connection rather than download the rest.
      answer(true)
      drop()
      return false
    },
    // undici puts a kept-alive connection back one turn of the event loop after the end (a
    // setImmediate in its onMessageComplete, queued right after this call): answer after it, so
    // that the next request reuses the connection instead of opening another.
    onComplete: () => queueMicrotask(() => setImmediate(answer, false)),
    onError: error => {
      // Once dropped, the request has settled or is settling: its abort is no failure to report.
      if (!dropped) settle({ error: failureOf({ error, ...progress, timeoutMs }) })
    }
  }
}

/** A body kept up to a limit: `keep` says whether the chunk fitted whole (else it was cut). */
function keptBody(): { keep(chunk: Buffer, limit: number): boolean; text(): string } {
  const chunks: Buffer[] = []
  let size = 0
  return {
    keep(chunk, limit) {
      const room = limit - size
      chunks.push(chunk.subarray(0, room))
      size += Math.min(room, chunk.length)
      return chunk.length <= room
    },
    text: () => Buffer.concat(chunks).toString('utf8')
  }
}

/**
 * Header fields Node keeps the first of when an answer repeats them (its http module's rule);
 * undici keeps them all. Set-Cookie is a list, any other repeated field is joined with ", ".
 */
const FIRST_ONLY = new Set(
  'age authorization content-length content-type etag expires from host if-modified-since if-unmodified-since last-modified location max-forwards proxy-authorization referer retry-after server user-agent'.split(
    ' '
  )
)

/** undici's raw header lines (name, value, name, value, …) as Node's http gives them. */
export function headersOf(raw: readonly Buffer[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {}
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase()
    const value = (raw[i + 1] as Buffer).toString('latin1')
    const seen = headers[name]
    if (name === 'set-cookie') headers[name] = [...((seen as string[] | undefined) ?? []), value]
    else if (seen === undefined) headers[name] = value
    else if (!FIRST_ONLY.has(name)) headers[name] = `${seen as string}, ${value}`
  }
  return headers
}

/** A failure as a TransportError; `reached` as the request got (see TransportFailureInfo). */
function failureOf({
  error,
  status,
  reached,
  timeoutMs
}: Progress & { error: unknown; timeoutMs: number }): TransportError {
  if (error instanceof TransportError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'no error code'
  const message = error instanceof Error ? error.message : String(error)
  const terms = nodeTermsOf({ code: String(code), message, status, timeoutMs })
  return new TransportError({ ...terms, reached: terms.status === null ? reached : true })
}

/** What a failure says, by name: the fields of TransportFailureInfo but `reached`. */
export type FailureTerms = Omit<TransportFailureInfo, 'reached'>

/**
 * undici's failure (its code and message, and the status if headers had arrived) in the words the
 * transport used on node:http, so the messages users read stay as they were: a close before the
 * answer is Node's ECONNRESET "socket hang up", one in the body ECONNRESET "aborted"; a protocol
 * switch is never an answer (EPROTO, status 101); a connection that did not open in time is the
 * deadline's ETIMEDOUT; an answer that cannot be parsed Node's "Parse Error". Anything else (the
 * system's own errors: ECONNREFUSED, a certificate's, the tunnel's EPROXY) is kept as it came.
 */
export function nodeTermsOf({
  code,
  message,
  status,
  timeoutMs
}: {
  code: string
  message: string
  status: number | null
  timeoutMs: number
}): FailureTerms {
  const closed = (): FailureTerms => ({
    kind: 'network',
    code: 'ECONNRESET',
    detail: status === null ? 'socket hang up' : 'aborted',
    status
  })
  const network = (code: string, detail: string): FailureTerms => ({
    kind: 'network',
    code,
    detail,
    status
  })
  // By code, or by code and message where undici's code covers several failures.
  const terms: Record<string, () => FailureTerms> = {
    'UND_ERR_SOCKET|bad upgrade': () => ({
      kind: 'protocol',
      code: 'EPROTO',
      detail: SWITCHED,
      status: 101
    }),
    // undici's word for an answer 100 Continue, which these requests never ask for.
    'UND_ERR_SOCKET|bad response': () =>
      network('EPROTO', 'the server answered 100 Continue, which was not asked for'),
    UND_ERR_SOCKET: closed,
    UND_ERR_DESTROYED: closed,
    UND_ERR_CLOSED: closed,
    UND_ERR_CONNECT_TIMEOUT: () => ({
      kind: 'timeout',
      code: 'ETIMEDOUT',
      detail: deadlineDetail(timeoutMs),
      status
    }),
    UND_ERR_HEADERS_OVERFLOW: () => network('HPE_HEADER_OVERFLOW', 'Parse Error: Header overflow')
  }
  const term = [`${code}|${message}`, code].find(key => Object.hasOwn(terms, key))
  if (term !== undefined) return (terms[term] as () => FailureTerms)()
  // undici: "Response does not match the HTTP/1.1 protocol (Invalid header value char)"; Node:
  // "Parse Error: Invalid header value char".
  if (code.startsWith('HPE_'))
    return network(code, `Parse Error: ${/\((.*)\)$/.exec(message)?.[1] ?? message}`)
  return { kind: 'network', code, detail: message, status }
}
