// HTTP for the CertCentral client: one request with a deadline that covers all of it (proxy
// CONNECT, TLS, headers, body), a bounded body, no redirects, and keep-alive connections that
// dispose() closes so the process can exit. It knows nothing of DigiCert.
//
// Why not HttpClient.request() from @actions/http-client, or fetch: http-client follows redirects
// with the key, its socketTimeout is idle-only, its readBody() stays pending when a connection
// resets mid-body, and its proxy tunnel sends CONNECT with no timeout at all; fetch (undici)
// ignores the runner's proxy variables. We keep @actions/http-client for what it is the reference
// for: the runner's https_proxy / no_proxy conventions (getProxyUrl, read in proxy.ts), so
// self-hosted runners behind a proxy work as with every other action.
//
// Why not the undici that http-client bundles (6.29.1) with its ProxyAgent (getAgentDispatcher),
// measured for issue 26 on Node 20: the rule "one deadline over the whole request, the proxy's
// CONNECT included" fails. undici looks at a request's AbortSignal only once the connection is
// open, and ProxyAgent does not hand it to the CONNECT: through a proxy that never answers, a
// request with AbortSignal.timeout(300) settled after 301.9 s (the proxy client's 300 s
// headersTimeout) and the CONNECT socket stayed open as long. The test "does not bound the
// CONNECT by the request signal" (__tests__/integration/library-limits.undici.test.ts) shows it
// (still pending, its socket open, 1 s after a 200 ms signal) next to this Transport, and fails
// the day undici keeps the rule; the integration tests "times out a proxy that never answers
// CONNECT" and "drops a CONNECT that has not been answered by the deadline" (transport.test.ts)
// pin the rule here. ProxyAgent also names no port in the CONNECT's Host for a default port (its
// request line does), and a refused tunnel is "Proxy response (403) !== 200 when HTTP Tunneling"
// without the proxy named (the tests "names no port in the Host" and "does not name the proxy",
// same file). So TunnelAgent below stays, for that rule.
//
// And the requests themselves stay on node:http. The whole transport was built on undici for issue
// 26 (an undici Agent with our CONNECT as its connector, the low-level dispatch API, a table from
// undici's errors to Node's words; commit a77febd, in main's history, merged without its changes)
// and measured: every e2e test passed, but two rules broke. The batch's peak RSS budget (80 MB,
// docs/performance.md): undici parses HTTP with llhttp compiled to WebAssembly, and V8's compile of
// it raised the 300-ID batch from 63 to 89 MB on Node 20 and from 79 to 90 MB on Node 24 (and a
// short run's exit waited for it on Node 20, 250 to 600 ms); Node's http has llhttp compiled in.
// And hostile answers: of 24 malformed answers, undici took 9 differently, some as answers (a space
// in a header name, a folded header: a 204 would be "sent"), where Node's parser refuses them. The
// tests "costs over 8 MB more peak RSS than node:http" and "takes an answer with ... as a 204"
// (library-limits.undici.test.ts) show both and fail the day undici keeps the rules.
import * as http from 'node:http'
import * as https from 'node:https'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import * as tls from 'node:tls'
import { settleOnce, type Settle } from '../deadline.js'
import { runnerProxyFor } from './proxy.js'

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
  headers: http.IncomingHttpHeaders
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
  /** Connections open at most: the runner's requests in flight. */
  maxSockets: number
  /** The proxy for a URL under the runner's conventions; getProxyUrl by default. */
  proxyFor?: (url: URL) => URL | undefined
}

export class Transport {
  private readonly proxyFor: (url: URL) => URL | undefined
  private readonly agents = new Map<string, http.Agent>()

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
    const progress: Progress = { status: null, reached: false }
    const failure = (kind: TransportFailure, code: string, detail: string): { error: unknown } => ({
      error: new TransportError({ kind, code, detail, ...progress })
    })
    return settleOnce<RawResponse>(
      {
        timeoutMs: this.options.timeoutMs,
        onTimeout: () =>
          failure('timeout', 'ETIMEDOUT', `no complete answer in ${this.options.timeoutMs} ms`),
        signal: cancel,
        onAbort: () => failure('cancelled', 'ECANCELED', 'the run was cancelled')
      },
      settle => {
        let request: http.ClientRequest
        try {
          request = this.open(method, url, headers)
        } catch (error) {
          settle({ error: systemFailure(error, null, false) })
          return undefined
        }
        follow({ request, progress, settle })
        request.end(body)
        // A request that failed, timed out or was cancelled leaves no connection behind.
        return outcome => {
          if ('error' in outcome) request.destroy()
        }
      }
    )
  }

  /** The request itself, not yet sent: the agent for its URL, and every header. */
  private open(method: string, url: URL, headers: Record<string, string>): http.ClientRequest {
    // The agent alone makes it HTTP or HTTPS (http.Agent, https.Agent or TunnelAgent): Node takes
    // the protocol and the default port from the agent, and https.request differs from
    // http.request only in the default agent, never used here. Node also writes Content-Length
    // from request.end(body): its length in bytes, 0 for a PUT or POST without one, none for a GET.
    return http.request(url, {
      method,
      agent: this.agentFor(url),
      headers: { ...headers, 'User-Agent': this.options.userAgent }
    })
  }

  /** Closes every connection, kept-alive or still tunnelling, so the process can exit. */
  dispose(): void {
    for (const agent of this.agents.values()) agent.destroy()
    this.agents.clear()
  }

  private agentFor(url: URL): http.Agent {
    const proxy = this.proxyFor(url)
    if (proxy && url.protocol !== 'https:') {
      // inputs.ts refuses this already; the transport does not rely on it.
      throw new Error(`refusing to send plain HTTP to ${url.host} through the proxy ${proxy.host}`)
    }
    const key = proxy ? `proxy ${proxy.href}` : url.protocol
    let agent = this.agents.get(key)
    if (!agent) {
      const options = { keepAlive: true, maxSockets: this.options.maxSockets }
      agent = proxy
        ? new TunnelAgent(proxy, this.options.timeoutMs, options)
        : url.protocol === 'https:'
          ? new https.Agent(options)
          : new http.Agent(options)
      this.agents.set(key, agent)
    }
    return agent
  }
}

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
 * Follows a request's events into `progress` and settles it: with the answer once its body is
 * read, with a TransportError on an error, and on a protocol switch, never an answer here.
 */
function follow({
  request,
  progress,
  settle
}: {
  request: http.ClientRequest
  progress: Progress
  settle: Settle<RawResponse>
}): void {
  const failed = (error: unknown): void =>
    settle({ error: systemFailure(error, progress.status, progress.reached) })
  request.on('socket', socket => {
    if (request.reusedSocket) progress.reached = true
    else
      socket.once(socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect', () => {
        progress.reached = true
      })
  })
  request.on('error', failed)
  // A 101 (or any protocol switch) is never an answer to these calls: drop the connection.
  request.on('upgrade', (response: http.IncomingMessage, socket: Duplex) => {
    socket.destroy()
    progress.status = response.statusCode ?? 101
    progress.reached = true
    const detail = 'the server switched protocols instead of answering'
    settle({ error: new TransportError({ kind: 'protocol', code: 'EPROTO', detail, ...progress }) })
  })
  request.on('response', response => {
    const status = response.statusCode ?? 0
    progress.status = status
    progress.reached = true
    readBody(response, bodyLimitFor({ status })).then(
      ({ text, truncated }) =>
        settle({ value: { status, headers: response.headers, text, truncated } }),
      failed
    )
  })
}

/** A system error as a TransportError; `reached` as the request got (see TransportFailureInfo). */
function systemFailure(error: unknown, status: number | null, reached: boolean): TransportError {
  if (error instanceof TransportError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'no error code'
  const detail = error instanceof Error ? error.message : String(error)
  return new TransportError({ kind: 'network', status, code: String(code), detail, reached })
}

/**
 * Reads at most `limit` bytes. Settles on end, on error, and on a close before the end (a reset
 * mid-body), so it can never stay pending; the request's deadline covers a body that trickles.
 */
function readBody(
  message: http.IncomingMessage,
  limit: number
): Promise<{ text: string; truncated: boolean }> {
  return settleOnce({}, settle => {
    const chunks: Buffer[] = []
    let size = 0
    const body = (truncated: boolean) => ({
      value: { text: Buffer.concat(chunks).toString('utf8'), truncated }
    })
    message.on('data', (chunk: Buffer) => {
      const room = limit - size
      chunks.push(chunk.subarray(0, room))
      size += Math.min(room, chunk.length)
      if (chunk.length > room) {
        // Enough to explain an error; drop the connection rather than download the rest.
        settle(body(true))
        message.destroy()
      }
    })
    message.on('end', () => settle(body(false)))
    message.on('error', error => settle({ error }))
    message.on('close', () => {
      if (!message.complete)
        settle({
          error: Object.assign(new Error('the connection closed before the body ended'), {
            code: 'ECONNRESET'
          })
        })
    })
    return undefined
  })
}

/**
 * HTTPS through an HTTP(S) proxy's CONNECT tunnel, with keep-alive. Each CONNECT is bounded by
 * the request deadline and destroyed with the agent: a proxy that never answers cannot hold the
 * step or keep the process alive.
 */
class TunnelAgent extends https.Agent {
  private readonly connecting = new Set<http.ClientRequest>()

  constructor(
    private readonly proxy: URL,
    private readonly timeoutMs: number,
    options: https.AgentOptions
  ) {
    super(options)
  }

  override createConnection(
    // The agent always passes the target's host and port (the default port filled in) and the
    // servername it derived from them.
    options: tls.ConnectionOptions & { host: string; port: number; servername: string },
    callback: (error: Error | null, socket?: Duplex) => void
  ): undefined {
    // Authority form (RFC 9110): an IPv6 literal in brackets.
    const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host
    const target = `${host}:${options.port}`
    const connect = connectRequest({ proxy: this.proxy, target })
    this.connecting.add(connect)
    settleOnce<Duplex>(
      {
        timeoutMs: this.timeoutMs,
        onTimeout: () => ({
          error: Object.assign(
            new Error(`the proxy ${this.proxy.host} did not open a tunnel to ${target} in time`),
            { code: 'ETIMEDOUT' }
          )
        })
      },
      settle => {
        connect.on('error', error => settle({ error }))
        connect.on('connect', (response, socket) => {
          if (response.statusCode !== 200) {
            socket.destroy()
            return settle({
              error: Object.assign(
                new Error(
                  `the proxy ${this.proxy.host} refused the tunnel to ${target} (HTTP ${response.statusCode})`
                ),
                { code: 'EPROXY' }
              )
            })
          }
          // The agent has set options.servername from the Host, empty for an IP literal (no SNI).
          settle({ value: tls.connect({ ...options, socket }) })
        })
        connect.end()
        return outcome => {
          this.connecting.delete(connect)
          if ('error' in outcome) connect.destroy()
        }
      }
    ).then(
      socket => callback(null, socket),
      (error: Error) => callback(error)
    )
    return undefined
  }

  override destroy(): void {
    for (const connect of this.connecting) connect.destroy()
    this.connecting.clear()
    super.destroy()
  }
}

/**
 * The CONNECT request that asks the proxy for a tunnel to `target` (host:port), not yet sent: over
 * HTTP or HTTPS as the proxy's URL says, on its own connection, with Basic credentials when the URL
 * has a user name or password (percent-decoded once, as written in https_proxy).
 */
function connectRequest({ proxy, target }: { proxy: URL; target: string }): http.ClientRequest {
  const auth =
    proxy.username || proxy.password
      ? {
          'Proxy-Authorization': `Basic ${Buffer.from(
            `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
          ).toString('base64')}`
        }
      : {}
  const module = proxy.protocol === 'https:' ? https : http
  return module.request({
    host: proxy.hostname,
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: target,
    headers: { Host: target, ...auth },
    agent: false
  })
}
