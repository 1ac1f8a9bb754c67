// Why the transport keeps a hand-written CONNECT (src/certcentral/tunnel.ts) and its own pool of
// undici Clients (Connection, src/certcentral/transport.ts): what the undici that
// @actions/http-client bundles does today where a rule of ours says otherwise, each next to what
// our Transport does. Each test asserts undici's CURRENT behaviour: it fails the day a new version
// keeps the rule, and its message then says what to reconsider (issue 26).
//
// The ProxyAgent is http-client's own, from getAgentDispatcher, exactly as a replacement would get
// it (http-client imports the copy npm installs for it, node_modules/undici 6.29.1, the one the
// transport imports too). getAgentDispatcher bypasses the proxy for loopback names (127.*,
// localhost, [::1]), so the target is 127.0.0.1 written as an IPv4-mapped IPv6 literal,
// [::ffff:127.0.0.1]: no name to look up, loopback if anything ever connected to it, and the proxy
// (127.0.0.1) is all that is ever reached. Fast: about 1.5 s in all.
import * as net from 'node:net'
import { HttpClient } from '@actions/http-client'
import { Client } from 'undici'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Transport, TransportError } from '../../src/certcentral/transport.js'
import { silentHost } from '../support/unreachable.js'

/** A target getAgentDispatcher sends through the proxy: loopback, but not by its loopback names. */
const TARGET = new URL('https://[::ffff:127.0.0.1]/services/v2/user/me')
/** The request's deadline, for undici's AbortSignal and for our Transport alike. */
const DEADLINE_MS = 200
/** How long after its deadline undici's request is found still pending. */
const LOOK_AT_MS = 1000

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The runner's proxy variables pointing at 127.0.0.1:port, as a self-hosted runner sets them. */
function runnerProxy(port: number): void {
  vi.stubEnv('https_proxy', `http://127.0.0.1:${port}`)
  vi.stubEnv('HTTPS_PROXY', '')
  vi.stubEnv('no_proxy', '')
  vi.stubEnv('NO_PROXY', '')
}

/** http-client's ProxyAgent for TARGET (undici's), destroyed after the test. */
function proxyAgent(): NonNullable<ReturnType<HttpClient['getAgentDispatcher']>> {
  const agent = new HttpClient('library-limits', [], { keepAlive: true }).getAgentDispatcher(
    TARGET.href
  )
  if (!agent) throw new Error('getAgentDispatcher gave no ProxyAgent: is TARGET bypassed now?')
  cleanups.push(() => agent.destroy().catch(() => undefined))
  return agent
}

/** Our Transport with the runner's proxy conventions (the same variables), disposed after the test. */
function transport(): Transport {
  const t = new Transport({ timeoutMs: DEADLINE_MS, userAgent: 'library-limits', maxSockets: 4 })
  cleanups.push(() => t.dispose())
  return t
}

/** How a promise stands now: pending, or how it settled. */
function watch(promise: Promise<unknown>): () => string {
  let state = 'pending'
  promise.then(
    () => (state = 'fulfilled'),
    (error: unknown) => (state = `rejected: ${String(error)}`)
  )
  return () => state
}

/** A proxy on 127.0.0.1 that answers every CONNECT with 403, keeping what arrived. */
async function refusingProxy(): Promise<{ port: number; received: () => string }> {
  let received = ''
  const sockets = new Set<net.Socket>()
  const server = net.createServer(socket => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    socket.once('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise(resolve => server.close(resolve))
  })
  return { port: (server.address() as net.AddressInfo).port, received: () => received }
}

describe("undici's ProxyAgent (@actions/http-client's getAgentDispatcher) against our rules", () => {
  it('does not bound the CONNECT by the request signal: still pending 1 s after its deadline, where Transport settles at it', async () => {
    const proxy = await silentHost()
    cleanups.push(() => proxy.close())
    runnerProxy(proxy.port)
    const started = performance.now()
    const ours = transport().request('GET', TARGET, {}, undefined)
    const oursSettled = ours.then(
      () => undefined,
      () => performance.now() - started
    )
    const undici = watch(
      proxyAgent().request({
        origin: TARGET.origin,
        path: TARGET.pathname,
        method: 'GET',
        signal: AbortSignal.timeout(DEADLINE_MS)
      })
    )
    await new Promise(resolve => setTimeout(resolve, LOOK_AT_MS))

    // Ours: a timeout at its deadline, the request provably never sent, its CONNECT socket closed.
    await expect(ours).rejects.toMatchObject({ kind: 'timeout', status: null, reached: false })
    const oursMs = (await oursSettled) ?? Infinity
    expect(oursMs).toBeGreaterThanOrEqual(DEADLINE_MS - 100)
    expect(oursMs).toBeLessThan(DEADLINE_MS + 500)
    // undici's: both CONNECTs arrived; undici's is unanswered, its request unsettled and its socket
    // open long past the signal's 200 ms (measured: until the proxy client's 300 s headersTimeout).
    expect(proxy.connections()).toBe(2)
    expect(
      undici(),
      'undici now bounds CONNECT by the signal: consider ProxyAgent instead of the CONNECT of tunnel.ts (issue 26)'
    ).toBe('pending')
    expect(proxy.open(), "only undici's CONNECT socket is still open").toBe(1)
  })

  it('names no port in the Host of a CONNECT to a default port, where Transport names it', async () => {
    const proxy = await silentHost()
    cleanups.push(() => proxy.close())
    runnerProxy(proxy.port)
    // undici's first, alone, then ours: each one's CONNECT head read from the proxy.
    const head = async (send: () => Promise<unknown>): Promise<string> => {
      const before = proxy.received().length
      void send().catch(() => undefined)
      await vi.waitFor(() => expect(proxy.received().slice(before)).toContain('\r\n\r\n'), {
        timeout: 2000,
        interval: 10
      })
      return proxy.received().slice(before)
    }
    const undiciHead = await head(() =>
      proxyAgent().request({ origin: TARGET.origin, path: '/', method: 'GET' })
    )
    const oursHead = await head(() => transport().request('GET', TARGET, {}, undefined))
    const lines = (text: string): string[] =>
      text
        .split('\r\n')
        .filter(line => /^(CONNECT |host:)/i.test(line))
        .map(line => line.replace(/^host:/i, 'Host:'))
    expect(lines(oursHead)).toEqual([
      'CONNECT [::ffff:7f00:1]:443 HTTP/1.1',
      'Host: [::ffff:7f00:1]:443'
    ])
    expect(
      lines(undiciHead),
      'undici now names the port in the Host of a CONNECT: update the header of tunnel.ts (issue 26)'
    ).toEqual(['CONNECT [::ffff:7f00:1]:443 HTTP/1.1', 'Host: [::ffff:7f00:1]'])
  })

  it('does not name the proxy when it refuses the tunnel, where Transport names it', async () => {
    const proxy = await refusingProxy()
    runnerProxy(proxy.port)
    const undici = proxyAgent().request({ origin: TARGET.origin, path: '/', method: 'GET' })
    const error: unknown = await undici.then(
      () => undefined,
      (e: unknown) => e
    )
    const ours: unknown = await transport()
      .request('GET', TARGET, {}, undefined)
      .then(
        () => undefined,
        (e: unknown) => e
      )
    expect(ours).toBeInstanceOf(TransportError)
    expect((ours as TransportError).detail).toBe(
      `the proxy 127.0.0.1:${proxy.port} refused the tunnel to [::ffff:7f00:1]:443 (HTTP 403)`
    )
    expect(proxy.received()).toContain('CONNECT [::ffff:7f00:1]:443 HTTP/1.1')
    expect(
      String((error as Error).message),
      'undici now says more when a proxy refuses a tunnel: update the header of tunnel.ts (issue 26)'
    ).toBe('Proxy response (403) !== 200 when HTTP Tunneling')
  })
})

describe("undici's Client against our rules", () => {
  it('connects again after a request aborted on its connection, where Transport does not', async () => {
    const host = await silentHost()
    cleanups.push(() => host.close())
    const origin = `http://127.0.0.1:${host.port}`
    const client = new Client(origin)
    cleanups.push(() => client.destroy().catch(() => undefined))
    const cancel = new AbortController()
    const request = client.request({ path: '/', method: 'PUT', body: '{}', signal: cancel.signal })
    await vi.waitFor(() => expect(host.connections()).toBe(1), { timeout: 2000, interval: 10 })
    cancel.abort()
    await expect(request).rejects.toMatchObject({ name: 'AbortError' })
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(
      host.connections(),
      "undici no longer connects again for an aborted request: Connection's refusal may go (issue 26)"
    ).toBe(2)
    // Ours: the timed-out request's connection is closed and no other opened after it.
    const t = new Transport({
      timeoutMs: DEADLINE_MS,
      userAgent: 'library-limits',
      maxSockets: 4,
      proxyFor: () => undefined
    })
    cleanups.push(() => t.dispose())
    await expect(t.request('PUT', new URL(`${origin}/`), {}, '{}')).rejects.toMatchObject({
      kind: 'timeout',
      reached: true
    })
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(host.connections()).toBe(3)
  })
})
