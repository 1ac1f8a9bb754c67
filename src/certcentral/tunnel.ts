// How the transport's undici Agent opens a connection: undici's own connector (TCP, and TLS by
// undici) directly, or through the runner's proxy a CONNECT tunnel of ours with TLS by undici's
// connector over it. Every connection still opening is kept in a set the transport closes on
// dispose(), so a peer that never completes a handshake cannot keep the process alive.
//
// The CONNECT request is the one hand-written piece of network code left, for the rule "one
// deadline over the whole request, the proxy's CONNECT included": undici's ProxyAgent (what
// @actions/http-client's getAgentDispatcher hands out) does not bound its CONNECT by the request's
// AbortSignal, nor by any timeout short of its 300 s headersTimeout. The test "does not bound the
// CONNECT by the request signal" (__tests__/integration/library-limits.undici.test.ts) shows it,
// and "times out a proxy that never answers CONNECT" and "drops a CONNECT that has not been
// answered by the deadline" (transport.test.ts) pin the rule here. Its Host names the port and a
// refused tunnel names the proxy, which ProxyAgent's do not either (same file).
import * as http from 'node:http'
import * as https from 'node:https'
import { isIP, type Socket } from 'node:net'
import { buildConnector } from 'undici'
import { settleOnce } from '../deadline.js'

/** Connections still opening (a CONNECT, a TCP connect, a TLS handshake): dispose() ends them. */
export type Opening = Set<{ destroy(): unknown }>

/**
 * undici's connector for a direct connection, bounded by `timeoutMs` (undici's connect timeout,
 * the TLS handshake included) and kept in `opening` until it is open or has failed.
 */
export function directConnector({
  timeoutMs,
  opening
}: {
  timeoutMs: number
  opening: Opening
}): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs })
  return (options, callback) => {
    let socket: { destroy(): unknown } | undefined
    // undici's connector answers only from the socket's events, never before it returns.
    socket = connect(options, (...args) => {
      if (socket) opening.delete(socket)
      socket = undefined
      callback(...args)
    }) as unknown as { destroy(): unknown }
    opening.add(socket)
  }
}

/**
 * A connector that asks `proxy` for a tunnel to the target (host and port, the default port filled
 * in), then hands the tunnel to undici's connector for TLS (its `httpSocket` option): undici
 * verifies the certificate and sends SNI (none to an IP literal) as for a direct connection.
 */
export function tunnelConnector({
  proxy,
  timeoutMs,
  opening
}: {
  proxy: URL
  timeoutMs: number
  opening: Opening
}): buildConnector.connector {
  const tls = directConnector({ timeoutMs, opening })
  return (options, callback) => {
    // Authority form (RFC 9110): an IPv6 literal in brackets. undici gives the hostname without
    // brackets and the port as the URL wrote it, empty for the default.
    const host = isIP(options.hostname) === 6 ? `[${options.hostname}]` : options.hostname
    const target = `${host}:${options.port || 443}`
    openTunnel({ proxy, target, timeoutMs, opening }).then(
      socket => tls({ ...options, httpSocket: socket }, callback),
      (error: Error) => callback(error, null)
    )
  }
}

/**
 * The tunnel to `target` through `proxy`: settles with its socket once the proxy answers 200, or
 * with an error (EPROXY for any other answer, naming the proxy; ETIMEDOUT past `timeoutMs`), and
 * then no CONNECT is left open.
 */
function openTunnel({
  proxy,
  target,
  timeoutMs,
  opening
}: {
  proxy: URL
  target: string
  timeoutMs: number
  opening: Opening
}): Promise<Socket> {
  const connect = connectRequest({ proxy, target })
  opening.add(connect)
  const failure = (message: string, code: string): { error: Error } => ({
    error: Object.assign(new Error(`the proxy ${proxy.host} ${message}`), { code })
  })
  return settleOnce<Socket>(
    {
      timeoutMs,
      onTimeout: () => failure(`did not open a tunnel to ${target} in time`, 'ETIMEDOUT')
    },
    settle => {
      connect.on('error', error => settle({ error }))
      connect.on('connect', (response, socket) => {
        if (response.statusCode === 200) return settle({ value: socket })
        socket.destroy()
        settle(failure(`refused the tunnel to ${target} (HTTP ${response.statusCode})`, 'EPROXY'))
      })
      connect.end()
      return outcome => {
        opening.delete(connect)
        if ('error' in outcome) connect.destroy()
      }
    }
  )
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
