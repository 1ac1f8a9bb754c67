// An HTTP proxy on loopback for end-to-end tests of the self-hosted-runner path (https_proxy set):
//
// - `CONNECT host:port` where host ends in `.test` or is a loopback IP literal: the proxy opens a
//   connection to 127.0.0.1:port (never anything else, and no name is ever looked up) and tunnels.
//   That is how `https://certcentral.test:PORT/...` reaches an HTTPS stand-in without any DNS.
// - `CONNECT` to any other host: `403`, and nothing is dialled.
// - mode 'never-answer': every CONNECT is accepted and never answered (a client's deadline test).
// - a plain-HTTP forward-proxy request (absolute URI, `GET http://host/...`): recorded with its
//   headers and body, answered `502`, never forwarded. A test can so prove that an API key did or
//   did not go through a proxy in clear.
//
//   const proxy = await startConnectProxy()
//   env: { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: ca.writeCaFile() }
//   ...
//   await proxy.close()
import { createServer } from 'node:http'
import { connect, isIPv4 } from 'node:net'

/**
 * @typedef {object} ConnectRecord
 * @property {string} host  as the client named it (lower case, without IPv6 brackets)
 * @property {number} port
 * @property {boolean} allowed  false: answered 403 and not dialled
 * @property {Record<string, string | string[] | undefined>} headers  the CONNECT request's headers
 */

/**
 * @typedef {object} PlainRequest
 * @property {string} method
 * @property {string} url  the absolute URI as sent
 * @property {Record<string, string | string[] | undefined>} headers  all of them, keys included
 * @property {string} body
 */

/** @param {string} host */
export function isTunnelledHost(host) {
  const h = host.toLowerCase()
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.test$/.test(h)) return true
  if (isIPv4(h)) return h.startsWith('127.')
  return h === '::1' || h === '0:0:0:0:0:0:0:1'
}

/**
 * `host:port`, `[v6]:port`; undefined when malformed.
 * @param {string} target
 */
function parseTarget(target) {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/]+)):(\d{1,5})$/.exec(target)
  if (!match) return undefined
  const port = Number(match[3])
  if (port < 1 || port > 65535) return undefined
  return { host: (match[1] ?? match[2] ?? '').toLowerCase(), port }
}

/**
 * @param {object} [options]
 * @param {'tunnel' | 'never-answer'} [options.mode]  'tunnel' by default
 * @param {number} [options.port]  0 (any free one) by default
 */
export async function startConnectProxy(options = {}) {
  const mode = options.mode ?? 'tunnel'
  /** @type {ConnectRecord[]} */
  const connects = []
  /** @type {PlainRequest[]} */
  const plainRequests = []
  /** @type {{ host: '127.0.0.1', port: number }[]} */
  const dials = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  /** @param {import('node:net').Socket} socket */
  const track = socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }

  const server = createServer((req, res) => answerPlain(req, res, plainRequests))
  server.on('connection', track)
  server.on('clientError', (_error, socket) => socket.destroy())

  server.on('connect', (req, client, head) => {
    client.on('error', () => {})
    const target = parseTarget(req.url ?? '')
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const allowed = isTunnelledHost(target.host)
    connects.push({ ...target, allowed, headers: { ...req.headers } })
    if (!allowed) {
      const body = `the test proxy tunnels only to *.test and loopback, not ${target.host}\n`
      client.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
      )
      return
    }
    if (mode === 'never-answer') return // accepted, never answered; destroyed by close()

    dials.push({ host: '127.0.0.1', port: target.port })
    tunnel(client, head, target.port, track)
  })

  await new Promise(resolve =>
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  )
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    /** `http://127.0.0.1:PORT`: the value for https_proxy / HTTPS_PROXY. */
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    mode,
    /** Every CONNECT received, allowed or not, in order. */
    connects,
    /** Every connection the proxy itself opened: only ever to 127.0.0.1. */
    dials,
    /** Every plain-HTTP forward-proxy request (answered 502, not forwarded). */
    plainRequests,
    /** Destroys every socket (clients, tunnels, never-answered CONNECTs) and stops listening. */
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve(undefined))
      })
  }
}

/**
 * A plain-HTTP request: recorded and answered 502 when it is a forward-proxy request (an
 * absolute URI), 400 otherwise; never forwarded.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {PlainRequest[]} plainRequests
 */
function answerPlain(req, res, plainRequests) {
  const chunks = /** @type {Buffer[]} */ ([])
  req.on('data', chunk => chunks.push(chunk))
  req.on('end', () => {
    const url = req.url ?? ''
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      res.writeHead(400, { 'Content-Type': 'text/plain', Connection: 'close' })
      res.end('this is a proxy: send an absolute URI or CONNECT\n')
      return
    }
    plainRequests.push({
      method: req.method ?? '',
      url,
      headers: { ...req.headers },
      body: Buffer.concat(chunks).toString('utf8')
    })
    res.writeHead(502, { 'Content-Type': 'text/plain', Connection: 'close' })
    res.end('the test proxy forwards nothing in clear\n')
  })
}

/**
 * The tunnel of an allowed CONNECT: 127.0.0.1:port piped both ways once it answers, 502 when it
 * cannot be reached, each side closed with the other.
 * @param {import('node:stream').Duplex} client
 * @param {Buffer} head
 * @param {number} port
 * @param {(socket: import('node:net').Socket) => void} track
 */
function tunnel(client, head, port, track) {
  const upstream = connect({ host: '127.0.0.1', port })
  track(upstream)
  let established = false
  upstream.on('connect', () => {
    established = true
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) upstream.write(head)
    upstream.pipe(client)
    client.pipe(upstream)
  })
  upstream.on('error', error => {
    if (!established) {
      const body = `cannot reach 127.0.0.1:${port}: ${error.message}\n`
      client.end(
        'HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
      )
    } else client.destroy()
  })
  upstream.on('close', () => client.destroy())
  client.on('close', () => upstream.destroy())
}
