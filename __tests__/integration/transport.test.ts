// The transport against small purpose-built servers on loopback, one per behaviour: a deadline
// that covers the whole request, failures named by kind, a bounded body, no redirects, keep-alive,
// the headers it sets, and HTTPS through a CONNECT proxy (with a certificate made at test time).
// Nothing here resolves a real host name or leaves 127.0.0.1.
import * as http from 'node:http'
import * as https from 'node:https'
import { getEventListeners } from 'node:events'
import * as net from 'node:net'
import { performance } from 'node:perf_hooks'
import type { TLSSocket } from 'node:tls'
import { makeTestCa, type TestCa } from '../../standin/test-ca.js'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { runnerProxyFor } from '../../src/certcentral/proxy.js'
import {
  MAX_BODY_BYTES,
  MAX_SUCCESS_BODY_BYTES,
  Transport,
  TransportError,
  bodyLimitFor
} from '../../src/certcentral/transport.js'
import { blackHole, canBlackHole, closedPort, silentHost } from '../support/unreachable.js'

/** The deadline of most tests: short, so the file stays fast. */
const DEADLINE_MS = 300
/** How late a deadline may settle: timers, a loaded CI machine. */
const MARGIN_MS = 250
/**
 * How early it may seem to settle: Node starts a timer from the event loop's cached time, which
 * lags the clock by whatever the current turn of the loop has already spent.
 */
const EARLY_MS = 100

/** Whether something accepts connections on this port of 127.0.0.1 (the machine's own servers). */
function listensOnLoopback(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

// ---- servers, transports and their cleanup ------------------------------------------------------

interface Listening {
  port: number
  /** Connections accepted so far. */
  connections: () => number
  /** Resolves when the client has closed every connection accepted so far. */
  allClosed: () => Promise<void>
}

const cleanups: (() => Promise<void> | void)[] = []
const transports: Transport[] = []

afterEach(async () => {
  vi.unstubAllEnvs()
  for (const transport of transports.splice(0)) transport.dispose()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Listens on 127.0.0.1 and closes the server, and every connection to it, after the test. */
async function listen(server: net.Server): Promise<Listening> {
  const sockets = new Set<net.Socket>()
  const closed: Promise<void>[] = []
  let connections = 0
  server.on('connection', (socket: net.Socket) => {
    connections++
    sockets.add(socket)
    // The client's FIN ('end') is enough: the HTTP servers here keep their side half-open.
    closed.push(
      new Promise(resolve => {
        socket.once('end', () => resolve())
        socket.once('close', () => resolve())
      })
    )
    socket.once('close', () => sockets.delete(socket))
    // A reset from the client is expected in several tests; it must not crash the process.
    socket.on('error', () => undefined)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  )
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    allClosed: () => Promise.all(closed).then(() => undefined)
  }
}

/** An HTTP server whose handler the test writes; the request body is read before it runs. */
async function httpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void
): Promise<Listening & { url: (path?: string) => URL }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  const listening = await listen(server)
  return { ...listening, url: (path = '/') => new URL(`http://127.0.0.1:${listening.port}${path}`) }
}

/** A raw TCP server: the test writes whatever bytes it likes once the request has arrived. */
async function rawServer(
  onRequest: (socket: net.Socket) => void
): Promise<Listening & { url: URL }> {
  const server = net.createServer(socket => socket.once('data', () => onRequest(socket)))
  const listening = await listen(server)
  return { ...listening, url: new URL(`http://127.0.0.1:${listening.port}/services/v2/x`) }
}

/** Writes `line` every `ms` until the socket closes. */
function trickle(socket: net.Socket, line: string, ms: number): void {
  const timer = setInterval(() => socket.write(line), ms)
  socket.once('close', () => clearInterval(timer))
}

function transport(options: Partial<ConstructorParameters<typeof Transport>[0]> = {}): Transport {
  const t = new Transport({
    // Long enough for any answer on a loaded machine; the deadline tests ask for DEADLINE_MS.
    timeoutMs: 5000,
    userAgent: 'certcentral-email-action/test',
    maxSockets: 4,
    // Never the runner's proxy variables, unless a test says so.
    proxyFor: () => undefined,
    ...options
  })
  transports.push(t)
  return t
}

/** Milliseconds `promise` took to settle, whichever way. */
async function timed(promise: Promise<unknown>): Promise<number> {
  const started = performance.now()
  await promise.catch(() => undefined)
  return performance.now() - started
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/** Resolves once `condition` holds, checking every 5 ms for at most a second. */
function until(condition: () => boolean, what: string): Promise<void> {
  let poll: NodeJS.Timeout | undefined
  return within(
    new Promise<void>(resolve => {
      poll = setInterval(() => condition() && resolve(), 5)
    }),
    1000,
    what
  ).finally(() => clearInterval(poll))
}

// ---- the deadline -------------------------------------------------------------------------------

describe('the deadline covers the whole request', () => {
  it('times out a server that accepts and never answers, with no status', async () => {
    const server = await rawServer(() => undefined)
    const request = transport({ timeoutMs: DEADLINE_MS }).request('GET', server.url, {}, undefined)
    const started = performance.now()
    await expect(request).rejects.toBeInstanceOf(TransportError)
    await expect(request).rejects.toMatchObject({
      kind: 'timeout',
      status: null,
      code: 'ETIMEDOUT'
    })
    const ms = performance.now() - started
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - EARLY_MS)
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
  })

  it('times out headers followed by a body that stops halfway, with the status', async () => {
    const server = await rawServer(socket =>
      socket.write(
        'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n' +
          'Content-Length: 1000\r\n\r\n{"errors":[{"code":"internal'
      )
    )
    const request = transport({ timeoutMs: DEADLINE_MS }).request('PUT', server.url, {}, '{}')
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({ kind: 'timeout', status: 500 })
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - EARLY_MS)
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
  })

  it('holds a deadline, not an idle timeout, against a body that trickles byte by byte', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' })
      const timer = setInterval(() => res.write('.'), 20)
      res.once('close', () => clearInterval(timer))
    })
    const request = transport({ timeoutMs: DEADLINE_MS }).request(
      'GET',
      server.url(),
      {},
      undefined
    )
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({ kind: 'timeout', status: 502 })
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - EARLY_MS)
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
  })

  it('holds a deadline against header lines that trickle in forever', async () => {
    const server = await rawServer(socket => {
      socket.write('HTTP/1.1 200 OK\r\n')
      trickle(socket, 'X-Slow: .\r\n', 20)
    })
    const request = transport({ timeoutMs: DEADLINE_MS }).request('GET', server.url, {}, undefined)
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({ kind: 'timeout', status: null })
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - EARLY_MS)
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
  })

  it('drops the connection it timed out on', async () => {
    const server = await rawServer(() => undefined)
    await expect(
      transport({ timeoutMs: DEADLINE_MS }).request('GET', server.url, {}, undefined)
    ).rejects.toMatchObject({
      kind: 'timeout'
    })
    await within(server.allClosed(), 500, 'the server seeing the connection close')
  })
})

// ---- answers that are not answers ----------------------------------------------------------------

describe('failures by kind', () => {
  it('settles a 101 Switching Protocols at once as a protocol failure', async () => {
    const server = await rawServer(socket =>
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
      )
    )
    const request = transport().request('GET', server.url, {}, undefined)
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({ kind: 'protocol', status: 101 })
    expect(ms).toBeLessThan(500)
    await within(server.allClosed(), 500, 'the server seeing the upgraded connection close')
  })

  it('names a reset before the answer as a network failure without a status', async () => {
    const server = await rawServer(socket => socket.resetAndDestroy())
    const request = transport().request('PUT', server.url, {}, '{}')
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({
      kind: 'network',
      status: null,
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/)
    })
    expect(ms).toBeLessThan(1000)
  })

  it('names a close before the answer as a network failure without a status', async () => {
    const server = await rawServer(socket => socket.destroy())
    await expect(transport().request('GET', server.url, {}, undefined)).rejects.toMatchObject({
      kind: 'network',
      status: null,
      code: 'ECONNRESET'
    })
  })

  it('names a reset in the middle of the body as a network failure with the status', async () => {
    const server = await rawServer(socket => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{"status":"iss')
      // Long enough for the headers to be read before the reset discards what is unread.
      setTimeout(() => socket.resetAndDestroy(), 50)
    })
    const request = transport().request('GET', server.url, {}, undefined)
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({
      kind: 'network',
      status: 200,
      code: 'ECONNRESET'
    })
    expect(ms).toBeLessThan(1000)
  })

  it("names a close in the middle of the body as a network failure with the status and Node's 'aborted'", async () => {
    const server = await rawServer(socket =>
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 1000\r\n\r\n<html>')
    )
    await expect(transport().request('GET', server.url, {}, undefined)).rejects.toMatchObject({
      kind: 'network',
      status: 503,
      code: 'ECONNRESET',
      detail: 'aborted'
    })
  })

  it('names a refused connection', async () => {
    const port = await closedPort()
    await expect(
      transport().request('GET', new URL(`http://127.0.0.1:${port}/`), {}, undefined)
    ).rejects.toMatchObject({ kind: 'network', status: null, code: 'ECONNREFUSED' })
  })

  it('rejects as cancelled at once when the signal aborts mid-request, and drops the connection', async () => {
    const server = await rawServer(() => undefined)
    const cancel = new AbortController()
    const request = transport().request('GET', server.url, {}, undefined, cancel.signal)
    await until(() => server.connections() > 0, 'the request arriving')
    const abortedAt = performance.now()
    cancel.abort()
    await expect(request).rejects.toMatchObject({
      kind: 'cancelled',
      status: null,
      code: 'ECANCELED'
    })
    expect(performance.now() - abortedAt).toBeLessThan(50)
    await within(server.allClosed(), 500, 'the server seeing the cancelled connection close')
  })

  it('rejects as cancelled without connecting when the signal has already aborted', async () => {
    const server = await httpServer((_, res) => res.end())
    const cancel = new AbortController()
    cancel.abort()
    await expect(
      transport().request('GET', server.url(), {}, undefined, cancel.signal)
    ).rejects.toMatchObject({ kind: 'cancelled', status: null })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(server.connections()).toBe(0)
  })

  it('keeps the status in a cancellation that comes after the headers', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(500, { 'Content-Length': '100' })
      res.write('x')
    })
    const cancel = new AbortController()
    const request = transport().request('GET', server.url(), {}, undefined, cancel.signal)
    setTimeout(() => cancel.abort(), 100)
    await expect(request).rejects.toMatchObject({ kind: 'cancelled', status: 500 })
  })
})

describe('what a failure says', () => {
  it('says a timeout had no complete answer within the deadline', async () => {
    const server = await rawServer(() => undefined)
    const request = transport({ timeoutMs: DEADLINE_MS }).request('GET', server.url, {}, undefined)
    await expect(request).rejects.toMatchObject({
      name: 'TransportError',
      detail: `no complete answer in ${DEADLINE_MS} ms`,
      message: `timeout: ETIMEDOUT: no complete answer in ${DEADLINE_MS} ms`
    })
  })

  it('says the run was cancelled', async () => {
    const cancel = new AbortController()
    cancel.abort()
    const server = await httpServer((_, res) => res.end())
    await expect(
      transport().request('GET', server.url(), {}, undefined, cancel.signal)
    ).rejects.toMatchObject({
      code: 'ECANCELED',
      detail: 'the run was cancelled',
      message: 'cancelled: ECANCELED: the run was cancelled'
    })
  })

  it('says the server switched protocols', async () => {
    const server = await rawServer(socket =>
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n'
      )
    )
    await expect(transport().request('GET', server.url, {}, undefined)).rejects.toMatchObject({
      kind: 'protocol',
      code: 'EPROTO',
      detail: 'the server switched protocols instead of answering'
    })
  })

  it('names a failure without a system code as such', async () => {
    const server = await httpServer((_, res) => res.end())
    const proxy = new URL('http://127.0.0.1:3128')
    await expect(
      transport({ proxyFor: () => proxy }).request('GET', server.url(), {}, undefined)
    ).rejects.toMatchObject({
      kind: 'network',
      code: 'no error code',
      detail: `refusing to send plain HTTP to 127.0.0.1:${server.port} through the proxy 127.0.0.1:3128`
    })
  })

  it('leaves no listener on the run signal once requests have settled', async () => {
    const server = await httpServer((_, res) => res.end('{}'))
    const cancel = new AbortController()
    const t = transport()
    for (let i = 0; i < 12; i++) await t.request('GET', server.url(), {}, undefined, cancel.signal)
    await expect(
      transport({ timeoutMs: DEADLINE_MS }).request(
        'GET',
        (await rawServer(() => undefined)).url,
        {},
        undefined,
        cancel.signal
      )
    ).rejects.toMatchObject({ kind: 'timeout' })
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0)
  })
})

// ---- whether the request reached the server -------------------------------------------------------

describe('reached: false only when the request provably never left the runner', () => {
  it('a refused connection never reached the server', async () => {
    const port = await closedPort()
    await expect(
      transport().request('PUT', new URL(`http://127.0.0.1:${port}/`), {}, '{}')
    ).rejects.toMatchObject({ kind: 'network', code: 'ECONNREFUSED', reached: false })
  })

  it.skipIf(!canBlackHole)(
    'a connect that never completes (a full backlog) times out without reaching it',
    async () => {
      const hole = await blackHole()
      cleanups.push(hole.close)
      const request = transport({ timeoutMs: DEADLINE_MS }).request(
        'PUT',
        new URL(`http://127.0.0.1:${hole.port}/`),
        {},
        '{}'
      )
      await expect(request).rejects.toMatchObject({ kind: 'timeout', status: null, reached: false })
    }
  )

  it('a server that accepts and never answers may have got the request', async () => {
    const host = await silentHost()
    cleanups.push(host.close)
    const request = transport({ timeoutMs: DEADLINE_MS }).request(
      'PUT',
      new URL(`http://127.0.0.1:${host.port}/`),
      {},
      '{}'
    )
    await expect(request).rejects.toMatchObject({ kind: 'timeout', status: null, reached: true })
  })

  it('a reset after the server read the request may have got it', async () => {
    const server = await rawServer(socket => socket.resetAndDestroy())
    await expect(transport().request('PUT', server.url, {}, '{}')).rejects.toMatchObject({
      kind: 'network',
      status: null,
      reached: true
    })
  })

  it('a failure on a kept-alive connection may have reached the server', async () => {
    let requests = 0
    const server = await httpServer((req, res) => {
      if (++requests === 1) res.end('first')
      else req.socket.destroy()
    })
    const t = transport()
    await expect(t.request('GET', server.url(), {}, undefined)).resolves.toMatchObject({
      text: 'first'
    })
    await expect(t.request('PUT', server.url(), {}, '{}')).rejects.toMatchObject({
      kind: 'network',
      code: 'ECONNRESET',
      reached: true
    })
    expect(server.connections()).toBe(1)
  })

  it('a TLS handshake that never completes times out without reaching the server', async () => {
    // TCP is accepted and the ClientHello read, but no ServerHello ever comes.
    const server = await rawServer(() => undefined)
    const url = new URL(`https://127.0.0.1:${server.url.port}/services/v2/x`)
    await expect(
      transport({ timeoutMs: DEADLINE_MS }).request('PUT', url, {}, '{}')
    ).rejects.toMatchObject({ kind: 'timeout', status: null, reached: false })
    expect(server.connections()).toBe(1)
  })

  it('a TLS handshake that fails (an untrusted certificate) never reached the server', async () => {
    const ca = await makeTestCa(['localhost'])
    cleanups.push(() => ca.cleanup())
    let got = 0
    const server = https.createServer({ key: ca.keyPem, cert: ca.certPem }, (_, res) => {
      got++
      res.end()
    })
    server.on('tlsClientError', () => undefined)
    const { port } = await listen(server)
    await expect(
      transport().request('PUT', new URL(`https://127.0.0.1:${port}/`), {}, '{}')
    ).rejects.toMatchObject({ kind: 'network', status: null, reached: false })
    expect(got).toBe(0)
  })

  it('an HTTPS server that completes the handshake and never answers may have got the request', async () => {
    // The test CA is not trusted in this process: the handshake completing is what matters here.
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0')
    const ca = await makeTestCa(['localhost'])
    cleanups.push(() => ca.cleanup())
    let got = 0
    const server = https.createServer({ key: ca.keyPem, cert: ca.certPem }, () => void got++)
    const { port } = await listen(server)
    await expect(
      transport({ timeoutMs: DEADLINE_MS }).request(
        'PUT',
        new URL(`https://127.0.0.1:${port}/`),
        {},
        '{}'
      )
    ).rejects.toMatchObject({ kind: 'timeout', status: null, reached: true })
    expect(got).toBe(1)
  })

  it('a cancellation before the connection opened never reached the server', async () => {
    const cancel = new AbortController()
    cancel.abort()
    const server = await httpServer((_, res) => res.end())
    await expect(
      transport().request('PUT', server.url(), {}, '{}', cancel.signal)
    ).rejects.toMatchObject({ kind: 'cancelled', reached: false })
  })

  it('a cancellation after the request arrived may have reached the server', async () => {
    const server = await rawServer(() => undefined)
    const cancel = new AbortController()
    const request = transport().request('PUT', server.url, {}, '{}', cancel.signal)
    await until(() => server.connections() > 0, 'the request arriving')
    await new Promise(resolve => setTimeout(resolve, 20))
    cancel.abort()
    await expect(request).rejects.toMatchObject({ kind: 'cancelled', reached: true })
  })

  it('an answer that switches protocols reached the server', async () => {
    const server = await rawServer(socket =>
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n')
    )
    await expect(transport().request('GET', server.url, {}, undefined)).rejects.toMatchObject({
      kind: 'protocol',
      reached: true
    })
  })

  it('a reset mid-body, after the headers, reached the server', async () => {
    const server = await rawServer(socket =>
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 1000\r\n\r\n<html>')
    )
    await expect(transport().request('GET', server.url, {}, undefined)).rejects.toMatchObject({
      kind: 'network',
      status: 502,
      reached: true
    })
  })
})

// ---- answers -------------------------------------------------------------------------------------

describe('answers', () => {
  /** `n` bytes of ASCII that say where they are, so a wrong slice shows. */
  const patterned = (n: number): string =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(48 + (i % 43))).join('')

  it('keeps exactly the first 64 KiB of a larger error body and says it was cut', async () => {
    const body = patterned(MAX_BODY_BYTES + 40_000)
    const server = await httpServer((_, res) => {
      res.on('error', () => undefined)
      res.writeHead(404)
      res.end(body)
    })
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(MAX_BODY_BYTES).toBe(64 * 1024)
    expect(response.status).toBe(404)
    expect(response.truncated).toBe(true)
    expect(response.text.length).toBe(MAX_BODY_BYTES)
    expect(response.text).toBe(body.slice(0, MAX_BODY_BYTES))
  })

  it('cuts a body one byte over 64 KiB whose last byte arrives on its own', async () => {
    const body = patterned(MAX_BODY_BYTES + 1)
    const server = await httpServer((_, res) => {
      res.on('error', () => undefined)
      res.writeHead(500, { 'Content-Length': String(body.length) })
      res.write(body.slice(0, MAX_BODY_BYTES))
      setTimeout(() => res.end(body.slice(MAX_BODY_BYTES)), 50)
    })
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(response).toMatchObject({ status: 500, truncated: true })
    expect(response.text).toBe(body.slice(0, MAX_BODY_BYTES))
  })

  it('keeps a body of exactly 64 KiB whole', async () => {
    const body = patterned(MAX_BODY_BYTES)
    const server = await httpServer((_, res) => res.end(body))
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(response.truncated).toBe(false)
    expect(response.text).toBe(body)
  })

  it('reads a 2xx body up to 1 MiB: an Order info with many SANs is whole', async () => {
    const body = patterned(MAX_BODY_BYTES + 1)
    const server = await httpServer((_, res) => res.end(body))
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(response).toMatchObject({ status: 200, truncated: false })
    expect(response.text).toBe(body)
  })

  it('keeps a 2xx body of exactly 1 MiB whole', async () => {
    const body = patterned(MAX_SUCCESS_BODY_BYTES)
    const server = await httpServer((_, res) => {
      res.writeHead(299)
      res.end(body)
    })
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(MAX_SUCCESS_BODY_BYTES).toBe(1024 * 1024)
    expect(response).toMatchObject({ status: 299, truncated: false })
    expect(response.text).toBe(body)
  })

  it('keeps exactly the first 1 MiB of a larger 2xx body and says it was cut', async () => {
    const body = patterned(MAX_SUCCESS_BODY_BYTES + 1)
    const server = await httpServer((_, res) => {
      res.on('error', () => undefined)
      res.writeHead(200, { 'Content-Length': String(body.length) })
      res.write(body.slice(0, MAX_SUCCESS_BODY_BYTES))
      setTimeout(() => res.end(body.slice(MAX_SUCCESS_BODY_BYTES)), 50)
    })
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(response).toMatchObject({ status: 200, truncated: true })
    expect(response.text).toBe(body.slice(0, MAX_SUCCESS_BODY_BYTES))
  })

  it('keeps 64 KiB of a body whose status is just outside 2xx', async () => {
    for (const status of [199, 300]) expect(bodyLimitFor({ status })).toBe(MAX_BODY_BYTES)
    for (const status of [200, 204, 299])
      expect(bodyLimitFor({ status })).toBe(MAX_SUCCESS_BODY_BYTES)
    const body = patterned(MAX_BODY_BYTES + 1)
    const server = await httpServer((_, res) => {
      res.on('error', () => undefined)
      res.writeHead(300)
      res.end(body)
    })
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(response).toMatchObject({ status: 300, truncated: true })
    expect(response.text).toBe(body.slice(0, MAX_BODY_BYTES))
  })

  it('reads only the head of a 5 MB body and moves on quickly', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x')
    const server = await httpServer((_, res) => {
      res.on('error', () => undefined)
      res.writeHead(500, { 'Content-Length': String(80 * chunk.length) })
      let left = 80
      const pump = (): void => {
        while (left-- > 0) if (!res.write(chunk)) return void res.once('drain', pump)
        res.end()
      }
      pump()
    })
    const request = transport().request('GET', server.url(), {}, undefined)
    const ms = await timed(request)
    await expect(request).resolves.toMatchObject({ status: 500, truncated: true })
    expect(ms).toBeLessThan(1000)
  })

  it('decodes the body as UTF-8 and returns the headers', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Thing': 'yes' })
      res.end('{"name":"Grüße ✓"}')
    })
    const response = await transport().request('GET', server.url(), {}, undefined)
    expect(response).toMatchObject({ status: 200, text: '{"name":"Grüße ✓"}', truncated: false })
    expect(response.headers['x-thing']).toBe('yes')
    expect(response.headers['content-type']).toBe('application/json')
  })

  it('returns a redirect as the answer and never follows it', async () => {
    let reached = 0
    const target = await httpServer((_, res) => {
      reached++
      res.end('stolen')
    })
    const location = target.url('/steal').href
    const server = await httpServer((_, res) => {
      res.writeHead(302, { Location: location })
      res.end()
    })
    const response = await transport().request(
      'PUT',
      server.url('/services/v2/certificate/1/sendemail'),
      { 'X-DC-DEVKEY': 'secret' },
      '{}'
    )
    expect(response.status).toBe(302)
    expect(response.headers.location).toBe(location)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(reached).toBe(0)
    expect(target.connections()).toBe(0)
  })

  it('reuses one kept-alive connection for sequential requests', async () => {
    const server = await httpServer((_, res) => res.end('{}'))
    const t = transport()
    for (let i = 0; i < 5; i++) {
      const method = i % 2 ? 'PUT' : 'GET'
      await expect(
        t.request(method, server.url(`/r/${i}`), {}, method === 'PUT' ? '{}' : undefined)
      ).resolves.toMatchObject({ status: 200 })
    }
    expect(server.connections()).toBe(1)
  })

  it('opens a new connection after one it cut short', async () => {
    let n = 0
    const server = await httpServer((_, res) => {
      res.on('error', () => undefined)
      if (n++ === 0) res.writeHead(500).end('x'.repeat(MAX_BODY_BYTES * 2))
      else res.end('ok')
    })
    const t = transport()
    await expect(t.request('GET', server.url(), {}, undefined)).resolves.toMatchObject({
      truncated: true
    })
    await expect(t.request('GET', server.url(), {}, undefined)).resolves.toMatchObject({
      text: 'ok'
    })
    expect(server.connections()).toBe(2)
  })

  it('opens no more than maxSockets connections at once', async () => {
    let open = 0
    let most = 0
    const server = await httpServer((_, res) => {
      most = Math.max(most, ++open)
      setTimeout(() => {
        open--
        res.end()
      }, 30)
    })
    const t = transport({ maxSockets: 2 })
    await Promise.all(
      Array.from({ length: 6 }, () => t.request('GET', server.url(), {}, undefined))
    )
    expect(most).toBe(2)
    expect(server.connections()).toBe(2)
  })

  it('lets dispose() close kept-alive connections', async () => {
    const server = await httpServer((_, res) => res.end())
    const t = transport()
    await t.request('GET', server.url(), {}, undefined)
    t.dispose()
    await within(server.allClosed(), 500, 'the kept-alive connection closing')
  })
})

// ---- headers -------------------------------------------------------------------------------------

describe('request headers', () => {
  const seen: { method: string; headers: http.IncomingHttpHeaders; body: string }[] = []
  afterEach(() => {
    seen.length = 0
  })
  const echo = (): ReturnType<typeof httpServer> =>
    httpServer((req, res, body) => {
      seen.push({ method: req.method ?? '', headers: req.headers, body })
      res.end()
    })

  it('sets User-Agent and keeps the caller headers', async () => {
    const server = await echo()
    await transport().request(
      'GET',
      server.url(),
      { Accept: 'application/json', 'X-DC-DEVKEY': 'k' },
      undefined
    )
    expect(seen[0]?.headers).toMatchObject({
      'user-agent': 'certcentral-email-action/test',
      accept: 'application/json',
      'x-dc-devkey': 'k'
    })
  })

  it('sends a GET without Content-Length or Transfer-Encoding', async () => {
    const server = await echo()
    await transport().request('GET', server.url(), {}, undefined)
    expect(seen[0]?.headers).not.toHaveProperty('content-length')
    expect(seen[0]?.headers).not.toHaveProperty('transfer-encoding')
  })

  it.each(['PUT', 'POST'])('sends Content-Length: 0 for a %s without a body', async method => {
    const server = await echo()
    await transport().request(method, server.url(), {}, undefined)
    expect(seen[0]).toMatchObject({ method, body: '' })
    expect(seen[0]?.headers['content-length']).toBe('0')
    expect(seen[0]?.headers).not.toHaveProperty('transfer-encoding')
  })

  it.each(['PUT', 'POST'])('sends Content-Length in bytes for a %s with a body', async method => {
    const server = await echo()
    const body = '{"custom_message":"Grüße ✓"}'
    await transport().request(method, server.url(), {}, body)
    expect(seen[0]).toMatchObject({ method, body })
    expect(seen[0]?.headers['content-length']).toBe(String(Buffer.byteLength(body)))
    expect(Number(seen[0]?.headers['content-length'])).toBeGreaterThan(body.length)
    expect(seen[0]?.headers).not.toHaveProperty('transfer-encoding')
  })
})

// ---- proxies -------------------------------------------------------------------------------------

interface ProxySeen {
  /** Each CONNECT's target and Proxy-Authorization. */
  connects: { target: string; auth: string | undefined; host: string | undefined }[]
  /** Resolves when every client connection to the proxy has closed. */
  allClosed: () => Promise<void>
  connections: () => number
  url: URL
}

/**
 * A CONNECT proxy: `answer` decides what a CONNECT gets; by default it tunnels to `tunnelTo`
 * (whatever target was asked for), so no name is ever resolved.
 */
async function connectProxy(
  options: {
    tunnelTo?: number
    answer?: 'tunnel' | 'forbid' | 'silence' | 'auth-required'
    /** Key and certificate: the proxy itself speaks TLS (an https:// proxy). */
    tls?: { key: string; cert: string }
  } = {}
): Promise<ProxySeen> {
  const connects: ProxySeen['connects'] = []
  const refuse = (_: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(405)
    res.end()
  }
  const server = options.tls ? https.createServer(options.tls, refuse) : http.createServer(refuse)
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    connects.push({
      target: req.url ?? '',
      auth: req.headers['proxy-authorization'],
      host: req.headers.host
    })
    socket.on('error', () => undefined)
    switch (options.answer ?? 'tunnel') {
      case 'silence':
        // Read (and drop) what comes, so the client closing it is seen.
        return void socket.resume()
      case 'forbid':
        return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
      case 'auth-required':
        return void socket.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n'
        )
      case 'tunnel': {
        const upstream = net.connect(options.tunnelTo ?? 0, '127.0.0.1', () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
          if (head.length) upstream.write(head)
          upstream.pipe(socket)
          socket.pipe(upstream)
        })
        upstream.on('error', () => socket.destroy())
        socket.once('close', () => upstream.destroy())
        upstream.once('close', () => socket.destroy())
      }
    }
  })
  const listening = await listen(server)
  return {
    connects,
    allClosed: listening.allClosed,
    connections: listening.connections,
    url: new URL(`${options.tls ? 'https' : 'http'}://127.0.0.1:${listening.port}`)
  }
}

describe('through a CONNECT proxy', () => {
  let ca: TestCa
  let cert: string
  let key: string

  beforeAll(async () => {
    // A certificate for localhost from a throwaway CA, made at test time (node-forge, no binary).
    ca = await makeTestCa(['localhost'])
    cert = ca.certPem
    key = ca.keyPem
  })
  afterAll(() => ca.cleanup())

  /** The HTTPS server at the end of the tunnel; records path, SNI and headers. */
  interface Arrived {
    path: string
    servername: string | false | null
    ua: string | undefined
  }
  async function httpsServer(): Promise<Listening & { seen: Arrived[] }> {
    const seen: Arrived[] = []
    const server = https.createServer({ key, cert }, (req, res) => {
      seen.push({
        path: req.url ?? '',
        servername: (req.socket as TLSSocket).servername,
        ua: req.headers['user-agent']
      })
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"tunnelled":true}')
    })
    server.on('tlsClientError', () => undefined)
    return { ...(await listen(server)), seen }
  }

  /** A URL whose host is only ever named to the proxy: nothing listens on its port. */
  async function targetUrl(): Promise<URL> {
    return new URL(`https://localhost:${await closedPort()}/services/v2/order/certificate/7`)
  }

  it('verifies the server certificate through the tunnel', async () => {
    const upstream = await httpsServer()
    const proxy = await connectProxy({ tunnelTo: upstream.port })
    const url = await targetUrl()
    await expect(
      transport({ proxyFor: () => proxy.url }).request('GET', url, {}, undefined)
    ).rejects.toMatchObject({
      kind: 'network',
      status: null,
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      reached: false
    })
    expect(proxy.connects).toEqual([{ target: url.host, auth: undefined, host: url.host }])
    expect(upstream.seen).toEqual([])
  })

  it('sends HTTPS through the tunnel, keeps it alive, and dispose() closes it', async () => {
    // The test CA is not trusted in this process (Node reads NODE_EXTRA_CA_CERTS at start only);
    // verification itself is the test above, and the end-to-end tests trust the CA for real.
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0')
    const upstream = await httpsServer()
    const proxy = await connectProxy({ tunnelTo: upstream.port })
    const url = await targetUrl()
    const t = transport({ proxyFor: () => proxy.url })
    for (let i = 0; i < 3; i++) {
      await expect(t.request('GET', url, {}, undefined)).resolves.toMatchObject({
        status: 200,
        text: '{"tunnelled":true}'
      })
    }
    expect(proxy.connects).toEqual([{ target: url.host, auth: undefined, host: url.host }])
    expect(upstream.seen).toHaveLength(3)
    expect(upstream.seen[0]).toEqual({
      path: '/services/v2/order/certificate/7',
      servername: 'localhost',
      ua: 'certcentral-email-action/test'
    })
    expect(upstream.connections()).toBe(1)
    t.dispose()
    await within(proxy.allClosed(), 1000, 'the proxy seeing the tunnel close')
  })

  it('sends the proxy credentials of the URL, decoded once', async () => {
    const proxy = await connectProxy({ answer: 'auth-required' })
    const proxyUrl = new URL(proxy.url)
    proxyUrl.username = 'ci%20user'
    proxyUrl.password = 'p%40ss'
    await expect(
      transport({ proxyFor: () => proxyUrl }).request('GET', await targetUrl(), {}, undefined)
    ).rejects.toMatchObject({ kind: 'network', code: 'EPROXY' })
    expect(proxy.connects[0]?.auth).toBe(`Basic ${Buffer.from('ci user:p@ss').toString('base64')}`)
  })

  it("sends the credentials of the runner's https_proxy as written, decoded once", async () => {
    const proxy = await connectProxy({ answer: 'auth-required' })
    // The password is `p%41ss` (a percent sign in it), so https_proxy spells it p%2541ss.
    vi.stubEnv('https_proxy', `http://ci:p%2541ss@127.0.0.1:${proxy.url.port}`)
    vi.stubEnv('HTTPS_PROXY', '')
    vi.stubEnv('no_proxy', '')
    vi.stubEnv('NO_PROXY', '')
    // A host the runner's conventions do not take for loopback, so it goes to the proxy; it is
    // loopback all the same (IPv4-mapped IPv6), so even a direct connection would stay here and
    // resolve no name.
    const url = new URL(`https://[::ffff:127.0.0.1]:${await closedPort()}/services/v2/x`)
    expect(runnerProxyFor(url)?.host).toBe(proxy.url.host)
    const t = transport({ proxyFor: undefined })
    await expect(t.request('GET', url, {}, undefined)).rejects.toMatchObject({
      kind: 'network',
      code: 'EPROXY'
    })
    expect(proxy.connects).toHaveLength(1)
    expect(proxy.connects[0]?.auth).toBe(`Basic ${Buffer.from('ci:p%41ss').toString('base64')}`)
  })

  it('names an IPv6 target in brackets in CONNECT', async () => {
    const proxy = await connectProxy({ answer: 'forbid' })
    const port = await closedPort()
    const url = new URL(`https://[::ffff:127.0.0.1]:${port}/services/v2/x`)
    await expect(
      transport({ proxyFor: () => proxy.url }).request('GET', url, {}, undefined)
    ).rejects.toMatchObject({ kind: 'network', code: 'EPROXY' })
    expect(proxy.connects.map(c => c.target)).toEqual([`[::ffff:7f00:1]:${port}`])
  })

  it('names port 443 in CONNECT for a URL without a port', async () => {
    const proxy = await connectProxy({ answer: 'forbid' })
    await expect(
      transport({ proxyFor: () => proxy.url }).request(
        'GET',
        new URL('https://localhost/services/v2/x'),
        {},
        undefined
      )
    ).rejects.toMatchObject({ kind: 'network', code: 'EPROXY' })
    expect(proxy.connects).toEqual([
      { target: 'localhost:443', auth: undefined, host: 'localhost:443' }
    ])
  })

  it('fails as a network failure naming the proxy when it refuses the tunnel', async () => {
    const proxy = await connectProxy({ answer: 'forbid' })
    const url = await targetUrl()
    const request = transport({ proxyFor: () => proxy.url }).request('GET', url, {}, undefined)
    await expect(request).rejects.toMatchObject({
      kind: 'network',
      status: null,
      code: 'EPROXY',
      reached: false
    })
    await expect(request).rejects.toThrow(`the proxy ${proxy.url.host}`)
    await expect(request).rejects.toThrow('HTTP 403')
  })

  it('times out a proxy that never answers CONNECT, and leaves no socket open after dispose()', async () => {
    const proxy = await connectProxy({ answer: 'silence' })
    const t = transport({ proxyFor: () => proxy.url, timeoutMs: DEADLINE_MS })
    const request = t.request('GET', await targetUrl(), {}, undefined)
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({ kind: 'timeout', status: null, reached: false })
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - EARLY_MS)
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS)
    expect(proxy.connections()).toBe(1)
    t.dispose()
    await within(proxy.allClosed(), 500, 'the proxy seeing the CONNECT socket close')
  })

  it('closes a CONNECT still waiting when the run is cancelled and the transport disposed', async () => {
    const proxy = await connectProxy({ answer: 'silence' })
    const t = transport({ proxyFor: () => proxy.url, timeoutMs: 10_000 })
    const cancel = new AbortController()
    const request = t.request('GET', await targetUrl(), {}, undefined, cancel.signal)
    await until(() => proxy.connects.length > 0, 'the CONNECT arriving')
    cancel.abort()
    await expect(request).rejects.toMatchObject({ kind: 'cancelled' })
    t.dispose()
    await within(proxy.allClosed(), 500, 'the proxy seeing the CONNECT socket close')
  })

  it('sends no SNI to an IP literal through the tunnel', async () => {
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0')
    const upstream = await httpsServer()
    const proxy = await connectProxy({ tunnelTo: upstream.port })
    const url = new URL(`https://127.0.0.1:${await closedPort()}/services/v2/x`)
    await expect(
      transport({ proxyFor: () => proxy.url }).request('GET', url, {}, undefined)
    ).resolves.toMatchObject({ status: 200 })
    expect(proxy.connects).toEqual([{ target: url.host, auth: undefined, host: url.host }])
    expect(upstream.seen[0]?.servername).toBe(false)
  })

  it('tunnels through an HTTPS proxy', async () => {
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0')
    const upstream = await httpsServer()
    const proxy = await connectProxy({ tunnelTo: upstream.port, tls: { key, cert } })
    expect(proxy.url.protocol).toBe('https:')
    const url = await targetUrl()
    await expect(
      transport({ proxyFor: () => proxy.url }).request('GET', url, {}, undefined)
    ).resolves.toMatchObject({ status: 200, text: '{"tunnelled":true}' })
    expect(proxy.connects.map(c => c.target)).toEqual([url.host])
  })

  it('opens a tunnel through each proxy it is told to use', async () => {
    const first = await connectProxy({ answer: 'forbid' })
    const second = await connectProxy({ answer: 'forbid' })
    const a = await targetUrl()
    const b = new URL(`https://127.0.0.1:${a.port}/services/v2/x`)
    const t = transport({
      proxyFor: url => (url.hostname === 'localhost' ? first.url : second.url)
    })
    await expect(t.request('GET', a, {}, undefined)).rejects.toMatchObject({ code: 'EPROXY' })
    await expect(t.request('GET', b, {}, undefined)).rejects.toMatchObject({ code: 'EPROXY' })
    expect(first.connects.map(c => c.target)).toEqual([a.host])
    expect(second.connects.map(c => c.target)).toEqual([b.host])
  })

  it('sends a user name without a password as the credentials', async () => {
    const proxy = await connectProxy({ answer: 'auth-required' })
    const proxyUrl = new URL(proxy.url)
    proxyUrl.username = 'ci'
    await expect(
      transport({ proxyFor: () => proxyUrl }).request('GET', await targetUrl(), {}, undefined)
    ).rejects.toMatchObject({ kind: 'network', code: 'EPROXY' })
    expect(proxy.connects[0]?.auth).toBe(`Basic ${Buffer.from('ci:').toString('base64')}`)
  })

  it('fails at once, naming the proxy address, when nothing listens there', async () => {
    const port = await closedPort()
    const request = transport({
      proxyFor: () => new URL(`http://127.0.0.1:${port}`)
    }).request('GET', await targetUrl(), {}, undefined)
    const ms = await timed(request)
    await expect(request).rejects.toMatchObject({
      kind: 'network',
      status: null,
      code: 'ECONNREFUSED',
      detail: `connect ECONNREFUSED 127.0.0.1:${port}`,
      reached: false
    })
    expect(ms).toBeLessThan(1000)
  })

  // The refusal names the port the transport chose. A machine with a web server on 127.0.0.1:80
  // or :443 cannot show that, so the case is skipped there (and says so) rather than failing.
  it.for([
    ['http', 80],
    ['https', 443]
  ] as const)(
    'goes to the default port of an %s proxy that names none (%s)',
    async ([scheme, port], { skip }) => {
      skip(await listensOnLoopback(port), `something listens on 127.0.0.1:${port} on this machine`)
      const request = transport({ proxyFor: () => new URL(`${scheme}://127.0.0.1`) }).request(
        'GET',
        await targetUrl(),
        {},
        undefined
      )
      await expect(request).rejects.toMatchObject({
        kind: 'network',
        code: 'ECONNREFUSED',
        detail: `connect ECONNREFUSED 127.0.0.1:${port}`
      })
    }
  )

  it('drops a CONNECT that has not been answered by the deadline, without waiting for dispose()', async () => {
    const proxy = await connectProxy({ answer: 'silence' })
    const t = transport({ proxyFor: () => proxy.url, timeoutMs: DEADLINE_MS })
    await expect(t.request('GET', await targetUrl(), {}, undefined)).rejects.toMatchObject({
      kind: 'timeout'
    })
    await within(proxy.allClosed(), 500, 'the proxy seeing the CONNECT socket close')
  })

  it('refuses plain HTTP through a proxy before a byte reaches it', async () => {
    const proxy = await connectProxy({ answer: 'forbid' })
    const server = await httpServer((_, res) => res.end())
    const request = transport({ proxyFor: () => proxy.url }).request(
      'PUT',
      server.url('/services/v2/certificate/1/sendemail'),
      { 'X-DC-DEVKEY': 'secret' },
      '{}'
    )
    await expect(request).rejects.toMatchObject({ kind: 'network', status: null, reached: false })
    await expect(request).rejects.toThrow('refusing to send plain HTTP')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(proxy.connections()).toBe(0)
    expect(server.connections()).toBe(0)
  })
})

describe("the runner's proxy conventions", () => {
  const clean = (): void => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'])
      vi.stubEnv(name, '')
    vi.stubEnv('no_proxy', '')
    vi.stubEnv('NO_PROXY', '')
  }

  it('uses https_proxy for an HTTPS URL', () => {
    clean()
    vi.stubEnv('https_proxy', 'http://127.0.0.1:3128')
    expect(runnerProxyFor(new URL('https://www.digicert.com/services/v2'))?.href).toBe(
      'http://127.0.0.1:3128/'
    )
  })

  it('goes direct to loopback, to no_proxy hosts, and with no proxy set', () => {
    clean()
    expect(runnerProxyFor(new URL('https://www.digicert.com/services/v2'))).toBeUndefined()
    vi.stubEnv('https_proxy', 'http://127.0.0.1:3128')
    expect(runnerProxyFor(new URL('https://127.0.0.1:8443/services/v2'))).toBeUndefined()
    expect(runnerProxyFor(new URL('https://localhost:8443/services/v2'))).toBeUndefined()
    vi.stubEnv('no_proxy', 'digicert.com')
    expect(runnerProxyFor(new URL('https://www.digicert.com/services/v2'))).toBeUndefined()
  })

  it('tells which proxy a URL goes through', () => {
    const proxy = new URL('http://127.0.0.1:3128')
    const t = transport({ proxyFor: url => (url.hostname === 'localhost' ? undefined : proxy) })
    expect(t.proxyOf(new URL('https://www.digicert.com/'))).toBe(proxy)
    expect(t.proxyOf(new URL('https://localhost/'))).toBeUndefined()
  })
})

// ---- where undici, on its own, would differ ------------------------------------------------------

describe('on undici, as on node:http', () => {
  it('opens no second connection to a host that never answers, after the deadline', async () => {
    const server = await rawServer(() => undefined)
    const t = transport({ timeoutMs: DEADLINE_MS })
    await expect(t.request('PUT', server.url, {}, '{}')).rejects.toMatchObject({
      kind: 'timeout',
      reached: true
    })
    await within(server.allClosed(), 500, 'the server seeing the timed-out connection close')
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(server.connections()).toBe(1)
  })

  it('takes an informational answer followed by silence for no answer: a timeout without a status', async () => {
    const server = await rawServer(socket =>
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n')
    )
    await expect(
      transport({ timeoutMs: DEADLINE_MS }).request('GET', server.url, {}, undefined)
    ).rejects.toMatchObject({ kind: 'timeout', status: null, reached: true })
  })

  it('takes the answer after an informational one', async () => {
    const server = await rawServer(socket =>
      socket.write(
        'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'
      )
    )
    await expect(transport().request('GET', server.url, {}, undefined)).resolves.toMatchObject({
      status: 200,
      text: '{}'
    })
  })

  it("names an answer that cannot be parsed in Node's words", async () => {
    const server = await rawServer(socket =>
      socket.end('HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 2\r\n\r\n{}')
    )
    await expect(transport().request('GET', server.url, {}, undefined)).rejects.toMatchObject({
      kind: 'network',
      code: 'HPE_INVALID_HEADER_TOKEN',
      detail: 'Parse Error: Invalid header value char',
      reached: true
    })
  })

  it.each([204, 304])('keeps no body of a %s, whatever follows it', async status => {
    const server = await rawServer(socket =>
      socket.write(`HTTP/1.1 ${status} No Content\r\nContent-Length: 2\r\n\r\n{}`)
    )
    await expect(transport().request('PUT', server.url, {}, '{}')).resolves.toMatchObject({
      status,
      text: '',
      truncated: false
    })
  })

  it('takes a status below 100 for the answer, as Node did, its body unread', async () => {
    const server = await rawServer(socket =>
      socket.write('HTTP/1.1 099 Odd\r\nX-A: a\r\nContent-Length: 2\r\n\r\n{}')
    )
    await expect(transport().request('GET', server.url, {}, undefined)).resolves.toEqual({
      status: 99,
      headers: { 'x-a': 'a', 'content-length': '2' },
      text: '',
      truncated: false
    })
    await within(server.allClosed(), 500, 'the server seeing the connection close')
  })

  it('drops a TLS handshake not completed by the deadline within about a second, without dispose()', async () => {
    const server = await rawServer(() => undefined)
    const url = new URL(`https://127.0.0.1:${server.url.port}/services/v2/x`)
    await expect(
      transport({ timeoutMs: DEADLINE_MS }).request('GET', url, {}, undefined)
    ).rejects.toMatchObject({ kind: 'timeout', reached: false })
    // undici's connect timeout (the deadline's length) closes it, on its timers of about 1 s.
    await within(server.allClosed(), 1500, 'the server seeing the handshake close')
  })

  it('closes a TLS handshake still under way when disposed', async () => {
    const server = await rawServer(() => undefined)
    const t = transport({ timeoutMs: 10_000 })
    const cancel = new AbortController()
    const url = new URL(`https://127.0.0.1:${server.url.port}/services/v2/x`)
    const request = t.request('GET', url, {}, undefined, cancel.signal)
    await until(() => server.connections() > 0, 'the ClientHello arriving')
    cancel.abort()
    await expect(request).rejects.toMatchObject({ kind: 'cancelled', reached: false })
    t.dispose()
    await within(server.allClosed(), 500, 'the server seeing the handshake close')
  })
})

describe('keep-alive on undici', () => {
  it("keeps a connection for the server's Keep-Alive timeout but half a second", async () => {
    const server = http.createServer((_, res) => res.end('{}'))
    // Node's server says `Keep-Alive: timeout=2` and closes the connection after 2 s idle.
    server.keepAliveTimeout = 2000
    const { port, connections } = await listen(server)
    const t = transport()
    const url = new URL(`http://127.0.0.1:${port}/`)
    await t.request('GET', url, {}, undefined)
    await new Promise(resolve => setTimeout(resolve, 1200))
    await t.request('GET', url, {}, undefined)
    expect(connections()).toBe(1)
  })
})
