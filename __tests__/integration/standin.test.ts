// Tests of the stand-in itself, its test CA and its CONNECT proxy, with raw node:http / net / tls
// clients (not the action's client), so what they answer is checked byte for byte. Loopback only:
// every connection goes to 127.0.0.1 and no name is ever looked up.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect as netConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  FAULT_KINDS,
  INVALID_KEY_BODY,
  SIMPLE_FAULT_KINDS,
  VIEW_ONLY_KEY,
  parseArgs,
  parseFaultSpec,
  parseOrderSpec,
  startStandIn
} from '../../standin/certcentral-standin.js'
import { startConnectProxy } from '../../standin/connect-proxy.js'
import type { EchoForm } from '../../standin/faults.js'
import { runAction } from '../../standin/run-action.js'
import { makeTestCa, type TestCa } from '../../standin/test-ca.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { freshId, standInCli, type StandIn } from '../support/standin.js'

type Proxy = Awaited<ReturnType<typeof startConnectProxy>>

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  rawHeaders: string[]
  body: string
}

function collect(res: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', chunk => (body += chunk))
    res.on('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        rawHeaders: res.rawHeaders,
        body
      })
    )
    res.on('error', reject)
  })
}

/** One request to the stand-in on 127.0.0.1, on a connection of its own. */
function call(
  standIn: StandIn,
  method: string,
  path: string,
  options: { key?: string | null; body?: string; headers?: Record<string, string> } = {}
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key !== null) headers['X-DC-DEVKEY'] = options.key ?? standIn.apiKey
  if (options.body !== undefined) {
    headers['Content-Type'] ??= 'application/json'
    headers['Content-Length'] = String(Buffer.byteLength(options.body))
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: standIn.port, method, path, headers, agent: false },
      res => collect(res).then(resolve, reject)
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const sendBody = JSON.stringify({
  emails: ['ops@example.com'],
  certificate_collect_format: 'attachment'
})
const sendPath = (id: string) => `/services/v2/certificate/${id}/sendemail`
const sealPath = (id: string) => `/services/v2/order/certificate/${id}/site-seal/email-seal`
const orderPath = (id: string) => `/services/v2/order/certificate/${id}`

// No name may be looked up in this process: a lookup of anything but an IP literal (which asks
// no resolver; server.listen passes 127.0.0.1 through it) is recorded and refused.
let guard: NetworkGuard | undefined
beforeAll(() => {
  guard = installNetworkGuard()
})
afterAll(() => {
  expect(guard?.uninstall()).toEqual([])
})

let standIn: StandIn
let ca: TestCa
beforeAll(async () => {
  ca = await makeTestCa(['certcentral.test', '127.0.0.1'])
  standIn = await startStandIn({
    orders: {
      '7001': {
        statuses: ['pending', 'pending', 'issued'],
        certificateId: 9007001,
        commonName: 'www.example.com',
        validTill: '2027-06-01'
      }
    }
  })
})
afterAll(async () => {
  await standIn.close()
  ca.cleanup()
})

describe('answers like CertCentral', () => {
  it.each([
    ['a wrong key', 'not-the-key'],
    ['an empty key', ''],
    ['no key', null]
  ] as const)('answers %s with the recorded 403', async (_, key) => {
    for (const [method, path, body] of [
      ['PUT', sendPath(freshId()), sendBody],
      ['POST', sealPath(freshId()), undefined],
      ['GET', orderPath(freshId()), undefined]
    ] as const) {
      const answer = await call(standIn, method, path, { key, body })
      expect(answer.status).toBe(403)
      expect(answer.body).toBe(
        '{"errors":[{"code":"access_denied|access_denied_invalid_key","message":"Access denied due to access_denied_invalid_key."}]}'
      )
      expect(answer.body).toBe(INVALID_KEY_BODY)
      expect(answer.headers).toMatchObject({
        server: 'nginx',
        'content-type': 'application/json',
        connection: 'close',
        'cache-control': 'private,no-cache',
        'strict-transport-security': 'max-age=31536000',
        'x-cdn': 'Imperva'
      })
      expect(answer.headers['set-cookie']?.join('\n')).toMatch(/^visid_incap_\d+=.*\nincap_ses_/)
      expect(answer.headers['retry-after']).toBeUndefined()
      expect(Object.keys(answer.headers).filter(h => /rate|limit/i.test(h))).toEqual([])
      expect(standIn.requests.at(-1)).toMatchObject({ status: 403, keyValid: false })
    }
  })

  it('lets a view-only key GET an order but not send or seal', async () => {
    const id = freshId()
    const put = await call(standIn, 'PUT', sendPath(id), { key: VIEW_ONLY_KEY, body: sendBody })
    expect(put.status).toBe(403)
    expect(JSON.parse(put.body).errors[0].code).toBe('access_denied|missing_permission')
    const get = await call(standIn, 'GET', orderPath(id), { key: VIEW_ONLY_KEY })
    expect(get.status).toBe(200)
  })

  it('answers an unknown route 404 not_found|route', async () => {
    const answer = await call(standIn, 'DELETE', orderPath(freshId()))
    expect(answer.status).toBe(404)
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ code: 'not_found|route', message: 'The specified route was not found.' }]
    })
  })

  it('serves below a path prefix, and nothing without it', async () => {
    const gateway = await startStandIn({ pathPrefix: '/t0k3n' })
    try {
      expect(gateway.baseUrl).toBe(`${gateway.origin}/t0k3n/services/v2`)
      const id = freshId()
      const below = await call(gateway, 'PUT', `/t0k3n${sendPath(id)}`, { body: sendBody })
      expect(below.status).toBe(204)
      for (const path of [sendPath(id), `/t0k3nx${sendPath(id)}`, `/x/t0k3n${sendPath(id)}`]) {
        const off = await call(gateway, 'PUT', path, { body: sendBody })
        expect(off.status, path).toBe(404)
        expect(JSON.parse(off.body).errors[0].code, path).toBe('not_found|route')
      }
    } finally {
      await gateway.close()
    }
  })

  it('takes an email-seal with no body, with {} and with settings, and checks a body given', async () => {
    const noBody = await call(standIn, 'POST', sealPath(freshId()))
    expect(noBody).toMatchObject({ status: 204, body: '' })
    const noType = await call(standIn, 'POST', sealPath(freshId()), {
      headers: { 'Content-Length': '0' }
    })
    expect(noType.status).toBe(204)
    expect((await call(standIn, 'POST', sealPath(freshId()), { body: '{}' })).status).toBe(204)
    const settings = JSON.stringify({ recipient_email: 'a@example.com', seal_size: 'm' })
    expect((await call(standIn, 'POST', sealPath(freshId()), { body: settings })).status).toBe(204)
    const broken = await call(standIn, 'POST', sealPath(freshId()), { body: '{"seal_size":' })
    expect(broken.status).toBe(400)
    expect(JSON.parse(broken.body).errors[0].code).toBe('bad_request_format')
    const wrong = await call(standIn, 'POST', sealPath(freshId()), { body: '{"seal_size":"xl"}' })
    expect(wrong.status).toBe(400)
    const id = freshId()
    expect((await call(standIn, 'PUT', sendPath(id), { body: sendBody })).status).toBe(204)
    expect((await call(standIn, 'PUT', sendPath(freshId()))).status).toBe(400)
  })

  it('keeps 429 request_limit_exceeded for a rate-limit fault', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '3', times: 1 })
    const limited = await call(standIn, 'PUT', sendPath(id), { body: sendBody })
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('3')
    expect(JSON.parse(limited.body).errors[0].code).toBe('request_limit_exceeded')
    expect((await call(standIn, 'PUT', sendPath(id), { body: sendBody })).status).toBe(204)
  })
})

describe('order info', () => {
  it('advances a scripted order one status per GET, the last one repeating', async () => {
    const seen = []
    for (let i = 0; i < 4; i++) {
      const answer = await call(standIn, 'GET', orderPath('7001'))
      expect(answer.status).toBe(200)
      expect(answer.headers['content-type']).toBe('application/json')
      seen.push(JSON.parse(answer.body))
    }
    expect(seen.map(o => o.status)).toEqual(['pending', 'pending', 'issued', 'issued'])
    expect(seen[0]).toMatchObject({
      id: 7001,
      status: 'pending',
      certificate: { common_name: 'www.example.com', dns_names: ['www.example.com'] }
    })
    for (const field of ['id', 'date_issued', 'valid_till'])
      expect(seen[0].certificate).not.toHaveProperty(field)
    expect(seen[2]).toMatchObject({
      id: 7001,
      status: 'issued',
      certificate: { id: 9007001, common_name: 'www.example.com', valid_till: '2027-06-01' }
    })
    expect(seen[2].certificate.date_issued).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(standIn.orderGets('7001')).toBe(4)
    expect(standIn.requests.filter(r => r.id === '7001').map(r => [r.method, r.status])).toEqual(
      Array(4).fill(['GET', 200])
    )
  })

  it('starts a script again with setOrder, and a faulted GET takes no status', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['processing', 'rejected'] })
    standIn.setFault(id, { kind: 'rate-limit', times: 1 })
    expect((await call(standIn, 'GET', orderPath(id))).status).toBe(429)
    const statuses = async () => JSON.parse((await call(standIn, 'GET', orderPath(id))).body).status
    expect([await statuses(), await statuses(), await statuses()]).toEqual([
      'processing',
      'rejected',
      'rejected'
    ])
    standIn.setOrder(id, { statuses: ['needs_approval', 'issued'] })
    expect(await statuses()).toBe('needs_approval')
    expect(standIn.orderGets(id)).toBe(5)
    expect(() => standIn.setOrder(id, { statuses: [] })).toThrow('non-empty')
  })

  it('issues an order without a script at once', async () => {
    const id = '4242'
    const answer = await call(standIn, 'GET', orderPath(id))
    expect(answer.status).toBe(200)
    const order = JSON.parse(answer.body)
    expect(order).toMatchObject({
      id: 4242,
      status: 'issued',
      certificate: {
        id: 1004242,
        common_name: 'order-4242.example.com',
        dns_names: ['order-4242.example.com'],
        valid_till: expect.stringMatching(/^\d{4}-\d\d-\d\d$/)
      }
    })
    expect(typeof order.certificate.id).toBe('number')
    // and a sendemail to that certificate (or any digits) is accepted
    expect((await call(standIn, 'PUT', sendPath('1004242'), { body: sendBody })).status).toBe(204)
  })

  it('answers a not-found order 404 not_found|order and records the GET', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'not-found' })
    const answer = await call(standIn, 'GET', `${orderPath(id)}?x=1`)
    expect(answer.status).toBe(404)
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ code: 'not_found|order', message: 'The specified order was not found.' }]
    })
    expect(standIn.requests.filter(r => r.id === id)).toMatchObject([
      { method: 'GET', path: `${orderPath(id)}?x=1`, status: 404, keyValid: true, body: '' }
    ])
  })
})

/** Sends raw bytes to the stand-in; resolves with what came back and how the socket ended. */
function rawExchange(
  port: number,
  request: string,
  waitMs: number
): Promise<{ data: string; closed: boolean; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port })
    let data = ''
    let closed = false
    socket.setEncoding('latin1')
    socket.on('data', chunk => (data += chunk))
    socket.on('close', () => (closed = true))
    socket.on('error', reject)
    socket.on('connect', () => {
      socket.write(request)
      setTimeout(() => resolve({ data, closed, socket }), waitMs)
    })
  })
}

describe('new faults, seen from raw clients', () => {
  it('switching-protocols: a 101 with Upgrade: websocket, then an open, silent socket', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'switching-protocols' })
    const { data, closed, socket } = await rawExchange(
      standIn.port,
      `PUT ${sendPath(id)} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-DC-DEVKEY: ${standIn.apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${sendBody.length}\r\n\r\n${sendBody}`,
      300
    )
    socket.destroy()
    expect(data).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
    )
    expect(closed).toBe(false)
    expect(standIn.requests.filter(r => r.id === id)).toMatchObject([{ status: 101 }])
  })

  it.each([
    ['an order GET', 'GET', orderPath, 200],
    ['a sendemail', 'PUT', sendPath, 500]
  ] as const)(
    'reset-after-headers: headers with Content-Length, part of the body, then the end (%s)',
    async (_, method, path, status) => {
      const id = freshId()
      standIn.setFault(id, { kind: 'reset-after-headers' })
      const outcome = await new Promise<{
        status: number
        length: string
        got: string
        error: string
      }>(resolve => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: standIn.port,
            method,
            path: path(id),
            agent: false,
            headers: { 'X-DC-DEVKEY': standIn.apiKey, 'Content-Type': 'application/json' }
          },
          res => {
            let got = ''
            res.setEncoding('utf8')
            res.on('data', chunk => (got += chunk))
            const done = (error: string) =>
              resolve({
                status: res.statusCode ?? 0,
                length: String(res.headers['content-length']),
                got,
                error
              })
            res.on('error', error => done(error.message))
            res.on('end', () => done('ended complete'))
          }
        )
        req.on('error', error => resolve({ status: 0, length: '', got: '', error: error.message }))
        req.end(method === 'PUT' ? sendBody : undefined)
      })
      expect(outcome.status).toBe(status)
      expect(outcome.length).toBe('1000')
      expect(outcome.got.length).toBeGreaterThan(0)
      expect(outcome.got.length).toBeLessThan(1000)
      expect(outcome.error).toBe('aborted')
    }
  )

  it.each([
    ['500 when omitted', undefined, 'HTTP/1.1 500 Internal Server Error'],
    ['200 headers, as a stalled answer', 200, 'HTTP/1.1 200 OK']
  ] as const)(
    'hang-mid-body: status line, headers and part of the body, then silence (%s)',
    async (_, status, statusLine) => {
      const id = freshId()
      standIn.setFault(
        id,
        status === undefined ? { kind: 'hang-mid-body' } : { kind: 'hang-mid-body', status }
      )
      const { data, closed, socket } = await rawExchange(
        standIn.port,
        `GET ${orderPath(id)} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-DC-DEVKEY: ${standIn.apiKey}\r\n\r\n`,
        300
      )
      socket.destroy()
      expect(data.startsWith(`${statusLine}\r\n`)).toBe(true)
      expect(data).toMatch(/\r\nContent-Length: 1000\r\n/i)
      expect(data.endsWith('\r\n\r\n{"errors":[{"code":"internal')).toBe(true)
      expect(closed).toBe(false)
      expect(standIn.requests.filter(r => r.id === id)).toMatchObject([{ status: status ?? 500 }])
    }
  )

  it('echo-key: the key JSON-escaped character by character and once in plain text', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'echo-key' })
    const answer = await call(standIn, 'PUT', sendPath(id), { body: sendBody })
    expect(answer.status).toBe(400)
    const escaped = [...standIn.apiKey]
      .map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('')
    expect(escaped.startsWith('\\u0073\\u0074\\u0061')).toBe(true) // "sta"
    expect(answer.body).toContain(escaped)
    expect(answer.body.split(standIn.apiKey)).toHaveLength(2) // once in plain text
    const message: string = JSON.parse(answer.body).errors[0].message
    expect(message.split(standIn.apiKey)).toHaveLength(3) // parsed, both are the key
  })

  it.each<[EchoForm, (key: string) => string[]]>([
    ['base64', key => ['', 'x', 'xy'].map(lead => Buffer.from(lead + key).toString('base64'))],
    [
      'base64url',
      key => ['', 'x', 'xy'].map(lead => Buffer.from(lead + key).toString('base64url'))
    ],
    [
      'hex',
      key => [Buffer.from(key).toString('hex'), Buffer.from(key).toString('hex').toUpperCase()]
    ],
    [
      'percent',
      key => [
        encodeURIComponent(key),
        [...Buffer.from(key)].map(b => `%${b.toString(16).padStart(2, '0')}`).join(''),
        [...Buffer.from(key)].map(b => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')
      ]
    ]
  ])('echo-key:%s: the key in that form, each way, in the message', async (form, encodings) => {
    const key = 'ek~~~???/T3st key'
    const echoing = await startStandIn({ apiKey: key })
    try {
      const id = freshId()
      echoing.setFault(id, { kind: 'echo-key', form })
      const answer = await call(echoing, 'PUT', sendPath(id), { body: sendBody, key })
      expect(answer.status).toBe(400)
      const message: string = JSON.parse(answer.body).errors[0].message
      expect(message).toBe(`The key ${encodings(key).join(' and ')} is not valid for this request.`)
      expect(message).not.toContain(key)
    } finally {
      await echoing.close()
    }
  })
})

describe('faults of an unreliable world', () => {
  it('unavailable: 503 with an HTML body, its Retry-After and a Date of its own', async () => {
    const id = freshId()
    const date = 'Wed, 01 Jan 2025 00:00:00 GMT'
    standIn.setFault(id, { kind: 'unavailable', retryAfter: '120', date })
    const answer = await call(standIn, 'PUT', sendPath(id), { body: sendBody })
    expect(answer.status).toBe(503)
    expect(answer.headers['retry-after']).toBe('120')
    expect(answer.headers.date).toBe(date)
    expect(answer.headers['content-type']).toBe('text/html')
    expect(answer.body).toContain('503 Service Unavailable')
    expect(standIn.requests.filter(r => r.id === id)).toMatchObject([{ status: 503 }])
  })

  it('unavailable without Retry-After sends none, and Node its own Date', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'unavailable' })
    const answer = await call(standIn, 'GET', orderPath(id))
    expect(answer.status).toBe(503)
    expect(answer.headers).not.toHaveProperty('retry-after')
    expect(Math.abs(Date.parse(answer.headers.date ?? '') - Date.now())).toBeLessThan(5000)
  })

  it('rate-limit with a date: the 429 carries that Date header', async () => {
    const id = freshId()
    const date = 'Wed, 01 Jan 2025 00:00:00 GMT'
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: 'Wed, 01 Jan 2025 00:00:20 GMT', date })
    const answer = await call(standIn, 'PUT', sendPath(id), { body: sendBody })
    expect(answer.status).toBe(429)
    expect(answer.headers).toMatchObject({
      date,
      'retry-after': 'Wed, 01 Jan 2025 00:00:20 GMT'
    })
  })

  it('sign-in-page: 200 with an HTML sign-in page', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'sign-in-page' })
    const answer = await call(standIn, 'PUT', sendPath(id), { body: sendBody })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(answer.body).toMatch(/^<!DOCTYPE html>.*<title>Sign in<\/title>.*password/)
  })

  it.each([
    [undefined, 'internal_error'],
    ['bad_request_format', 'bad_request_format']
  ])('ok-with-errors %s: 200 with DigiCert errors array', async (code, expected) => {
    const id = freshId()
    standIn.setFault(
      id,
      code === undefined ? { kind: 'ok-with-errors' } : { kind: 'ok-with-errors', code }
    )
    const answer = await call(standIn, 'POST', sealPath(id), { body: '{}' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('application/json')
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ code: expected, message: 'The request could not be completed.' }]
    })
  })

  it('many-sans: an issued Order info over 64 KiB; a send to the same ID answers as usual', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'many-sans', sans: 3000 })
    const answer = await call(standIn, 'GET', orderPath(id))
    expect(answer.status).toBe(200)
    expect(Buffer.byteLength(answer.body)).toBeGreaterThan(64 * 1024)
    const order = JSON.parse(answer.body)
    expect(order).toMatchObject({
      id: Number(id),
      status: 'issued',
      certificate: { id: Number(id) + 1_000_000 }
    })
    expect(order.certificate.dns_names).toHaveLength(3000)
    expect(order.certificate.dns_names[2999]).toBe(`san-2999.order-${id}.example.com`)
    const send = await call(standIn, 'PUT', sendPath(id), { body: sendBody })
    expect(send.status).toBe(204)
    const bad = await call(standIn, 'PUT', sendPath(id), { body: '{}' })
    expect(bad.status).toBe(400)
  })

  it('times: a transient 502 for the first 2 requests of an ID, then the normal answer', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'status', status: 502, times: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call(standIn, 'GET', orderPath(id))).status)
    expect(statuses).toEqual([502, 502, 200])
  })
})

/** CONNECT through the proxy; resolves with the tunnel's socket or the proxy's refusal. */
function connectThrough(
  proxy: Proxy,
  target: string
): Promise<{ status: number; socket: Socket; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: proxy.port,
      method: 'CONNECT',
      path: target,
      agent: false
    })
    req.on('connect', (res, socket) => {
      let body = ''
      socket.on('data', chunk => (body += chunk))
      setTimeout(() => resolve({ status: res.statusCode ?? 0, socket, body }), 20)
    })
    req.on('error', reject)
    req.end()
  })
}

function tlsOver(socket: Socket, ca: string | undefined): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, servername: 'certcentral.test', ...(ca ? { ca } : {}) })
    tls.on('secureConnect', () => resolve(tls))
    tls.on('error', reject)
  })
}

describe('HTTPS behind a CONNECT proxy', () => {
  let secure: StandIn
  let proxy: Proxy
  beforeAll(async () => {
    secure = await startStandIn({
      tls: { key: ca.keyPem, cert: ca.certPem },
      hostname: 'certcentral.test',
      orders: { '7002': { statuses: ['issued'], certificateId: 9007002 } }
    })
    proxy = await startConnectProxy()
  })
  afterAll(async () => {
    await proxy.close()
    await secure.close()
  })

  it('reports an https://certcentral.test URL while listening on 127.0.0.1', () => {
    expect(secure.baseUrl).toBe(`https://certcentral.test:${secure.port}/services/v2`)
    expect(ca.caCertPem).toMatch(/^-----BEGIN CERTIFICATE-----/)
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/)
  })

  it('tunnels to certcentral.test, where the test CA verifies and the API answers', async () => {
    for (const [method, path, body, status] of [
      ['PUT', sendPath(freshId()), sendBody, 204],
      ['GET', orderPath('7002'), undefined, 200]
    ] as const) {
      const before = proxy.connects.length
      const tunnel = await connectThrough(proxy, `certcentral.test:${secure.port}`)
      expect(tunnel.status).toBe(200)
      const tls = await tlsOver(tunnel.socket, ca.caCertPem)
      expect(tls.authorized).toBe(true)
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: 'certcentral.test',
            port: secure.port,
            method,
            path,
            createConnection: () => tls,
            headers: {
              'X-DC-DEVKEY': secure.apiKey,
              ...(body ? { 'Content-Type': 'application/json' } : {})
            }
          },
          res => collect(res).then(resolve, reject)
        )
        req.on('error', reject)
        req.end(body)
      })
      expect(answer.status).toBe(status)
      if (status === 200) expect(JSON.parse(answer.body).certificate.id).toBe(9007002)
      expect(proxy.connects.slice(before)).toMatchObject([
        { host: 'certcentral.test', port: secure.port, allowed: true }
      ])
      tls.destroy()
    }
    expect(secure.requests.at(-1)?.headers.host).toBe(`certcentral.test:${secure.port}`)
    expect(proxy.dials.every(d => d.host === '127.0.0.1')).toBe(true)
  })

  it('fails verification without the test CA', async () => {
    const tunnel = await connectThrough(proxy, `certcentral.test:${secure.port}`)
    await expect(tlsOver(tunnel.socket, undefined)).rejects.toThrow(/certificate/i)
    tunnel.socket.destroy()
  })

  it('writes the CA for NODE_EXTRA_CA_CERTS, which a child process then trusts', async () => {
    const file = ca.writeCaFile()
    expect(ca.writeCaFile()).toBe(file)
    const script = `
      const http = require('node:http'), tls = require('node:tls')
      http.request({ host: '127.0.0.1', port: ${proxy.port}, method: 'CONNECT', path: 'certcentral.test:${secure.port}' })
        .on('connect', (res, socket) => {
          const s = tls.connect({ socket, servername: 'certcentral.test' }, () => { console.log(s.authorized); s.destroy() })
          s.on('error', e => { console.log(e.code); process.exit(1) })
        }).end()`
    // asynchronously: the proxy and the stand-in live in this process
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: file },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let stdout = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    const code = await new Promise(resolve => child.on('close', resolve))
    expect([code, stdout.trim()]).toEqual([0, 'true'])
  })

  it('refuses CONNECT to any host but *.test and loopback, without dialling it', async () => {
    const dials = proxy.dials.length
    for (const target of ['www.digicert.com:443', 'certcentral.digicert.eu:443', '10.0.0.1:443']) {
      const refused = await connectThrough(proxy, target)
      expect(refused.status).toBe(403)
      refused.socket.destroy()
    }
    expect(proxy.dials.length).toBe(dials)
    expect(proxy.connects.slice(-3)).toMatchObject([
      { host: 'www.digicert.com', port: 443, allowed: false },
      { host: 'certcentral.digicert.eu', port: 443, allowed: false },
      { host: '10.0.0.1', port: 443, allowed: false }
    ])
  })

  it('records a plain-HTTP forward-proxy request with its headers and answers 502', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: proxy.port,
          method: 'PUT',
          path: 'http://certcentral.test/services/v2/certificate/1/sendemail',
          agent: false,
          headers: { Host: 'certcentral.test', 'X-DC-DEVKEY': 'a-key-in-clear' }
        },
        res => collect(res).then(resolve, reject)
      )
      req.on('error', reject)
      req.end(sendBody)
    })
    expect(answer.status).toBe(502)
    expect(proxy.plainRequests.at(-1)).toMatchObject({
      method: 'PUT',
      url: 'http://certcentral.test/services/v2/certificate/1/sendemail',
      headers: { 'x-dc-devkey': 'a-key-in-clear' },
      body: sendBody
    })
  })
})

describe('a proxy that never answers CONNECT', () => {
  it('accepts the CONNECT, stays silent, and close() ends it', async () => {
    const proxy = await startConnectProxy({ mode: 'never-answer' })
    const socket = netConnect({ host: '127.0.0.1', port: proxy.port })
    let data = ''
    let closed = false
    socket.on('data', chunk => (data += chunk))
    socket.on('close', () => (closed = true))
    socket.on('error', () => {})
    socket.write('CONNECT certcentral.test:443 HTTP/1.1\r\nHost: certcentral.test:443\r\n\r\n')
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(data).toBe('')
    expect(closed).toBe(false)
    expect(proxy.connects).toMatchObject([{ host: 'certcentral.test', port: 443 }])
    expect(proxy.dials).toEqual([])
    await proxy.close()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(closed).toBe(true)
  })
})

describe('rate-limit-first: a 429 that clears', () => {
  it('answers the first N requests 429, whatever the ID and route, then serves as usual', async () => {
    const limited = await startStandIn({ rateLimitFirst: { count: 3, retryAfter: '1' } })
    try {
      const [a, b, c] = [freshId(), freshId(), freshId()]
      const answers = []
      for (const [method, path, body] of [
        ['PUT', sendPath(a), sendBody],
        ['GET', orderPath(b), undefined],
        ['POST', sealPath(c), undefined],
        ['PUT', sendPath(a), sendBody],
        ['GET', orderPath(b), undefined],
        ['POST', sealPath(c), undefined]
      ] as const)
        answers.push(await call(limited, method, path, body === undefined ? {} : { body }))
      // its own list of requests is no request to CertCentral: it counts for nothing
      expect((await call(limited, 'GET', '/_standin/requests')).status).toBe(200)
      expect(answers.map(a => a.status)).toEqual([429, 429, 429, 204, 200, 204])
      for (const answer of answers.slice(0, 3)) {
        expect(answer.headers['retry-after']).toBe('1')
        expect(JSON.parse(answer.body)).toEqual({
          errors: [
            {
              code: 'request_limit_exceeded',
              message: 'Service unavailable, please limit request volume'
            }
          ]
        })
      }
      expect(limited.requests.map(r => r.status)).toEqual([429, 429, 429, 204, 200, 204])
    } finally {
      await limited.close()
    }
  })

  it('sends no Retry-After when none is given, and is off by default', async () => {
    const limited = await startStandIn({ rateLimitFirst: { count: 1 } })
    try {
      const first = await call(limited, 'PUT', sendPath(freshId()), { body: sendBody })
      expect(first.status).toBe(429)
      expect(first.headers['retry-after']).toBeUndefined()
      expect((await call(limited, 'PUT', sendPath(freshId()), { body: sendBody })).status).toBe(204)
    } finally {
      await limited.close()
    }
    expect((await call(standIn, 'PUT', sendPath(freshId()), { body: sendBody })).status).toBe(204)
  })

  it('parses --rate-limit-first N[:RETRY_AFTER]', () => {
    expect(parseArgs(['--rate-limit-first', '7:1'])).toMatchObject({
      rateLimitFirst: { count: 7, retryAfter: '1' }
    })
    expect(parseArgs(['--rate-limit-first=2'])).toMatchObject({ rateLimitFirst: { count: 2 } })
    expect(parseArgs(['--rate-limit-first=2']).rateLimitFirst).not.toHaveProperty('retryAfter')
    expect(
      parseArgs(['--rate-limit-first', '1:Wed, 21 Oct 2026 07:28:00 GMT']).rateLimitFirst
    ).toEqual({ count: 1, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' })
    expect(parseArgs([]).rateLimitFirst).toBeUndefined()
  })

  it.each([
    ['0', /--rate-limit-first 0: expected a whole number from 1 to 1000000, not "0"/],
    ['x:1', /--rate-limit-first x:1: expected a whole number from 1 to 1000000, not "x"/],
    ['3:', /--rate-limit-first 3:: an empty Retry-After; omit ":" for none/]
  ])('refuses --rate-limit-first %s in one plain line, exit 2', (value, message) => {
    const run = standInCli('--rate-limit-first', value)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('the command line: 429 for the first 2 requests, then served, without a restart', async () => {
    const child = spawn(
      process.execPath,
      ['standin/certcentral-standin.js', '--rate-limit-first', '2:1'],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', chunk => {
          out += chunk
          if (out.includes('\n')) resolve(out)
        })
        child.on('exit', code => reject(new Error(`exited ${code}`)))
      })
      const port = Number(
        /^listening on http:\/\/127\.0\.0\.1:(\d+)\/services\/v2$/m.exec(line)?.[1]
      )
      const target = { port, apiKey: 'standin-api-key-0000' } as StandIn
      const statuses = []
      for (let i = 0; i < 3; i++)
        statuses.push((await call(target, 'PUT', sendPath(freshId()), { body: sendBody })).status)
      expect(statuses).toEqual([429, 429, 204])
    } finally {
      child.kill('SIGTERM')
    }
  })
})

describe('the command line', () => {
  it('prints usage with every option and fault kind for --help, exit 0', () => {
    const run = standInCli('--help')
    expect(run.status).toBe(0)
    for (const option of ['--port', '--key', '--fault', '--order', '--tls-cert', '--tls-key'])
      expect(run.stdout).toContain(option)
    expect(run.stdout).toContain('--rate-limit-first N[:RETRY_AFTER]')
    for (const { kind, arg } of FAULT_KINDS)
      expect(run.stdout).toContain(arg ? `${kind}[:${arg}]` : kind)
  })

  it.each([
    [
      ['--fault', '9=explode'],
      /unknown kind explode; valid kinds: status\[:CODE\[:BODY\]\], .*echo-key\[:FORM\]/
    ],
    [['--bogus'], /unknown option --bogus; valid options: --port, --key, --fault, --order/],
    [['--order', '7001=pending*x'], /--order 7001=pending\*x: .*expected ID=STATUS/],
    [['--fault', 'abc'], /expected ID=KIND\[:ARG\]/],
    [['--tls-cert', 'x.pem'], /--tls-cert and --tls-key go together/]
  ])('refuses %j in one plain line, exit 2', (args, message) => {
    const run = standInCli(...args)
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).not.toMatch(/\n\s+at |Error:/)
  })

  it('parses --fault for every kind and --order specs', () => {
    for (const kind of SIMPLE_FAULT_KINDS)
      expect(parseFaultSpec(`3=${kind}`)).toEqual(['3', { kind }])
    expect(parseFaultSpec('3=reset-after-headers:502')).toEqual([
      '3',
      { kind: 'reset-after-headers', status: 502 }
    ])
    expect(parseFaultSpec('3=hang-mid-body:200')).toEqual([
      '3',
      { kind: 'hang-mid-body', status: 200 }
    ])
    expect(() => parseFaultSpec('3=hang-mid-body:99')).toThrow('from 200 to 599')
    expect(parseFaultSpec('3=switching-protocols')).toEqual(['3', { kind: 'switching-protocols' }])
    expect(parseFaultSpec('3=echo-key')).toEqual(['3', { kind: 'echo-key' }])
    expect(parseFaultSpec('3=echo-key:base64url')).toEqual([
      '3',
      { kind: 'echo-key', form: 'base64url' }
    ])
    expect(() => parseFaultSpec('3=echo-key:x')).toThrow(
      'unknown form x; valid forms: json, base64, base64url, hex, percent'
    )
    expect(parseFaultSpec('3=unavailable')).toEqual(['3', { kind: 'unavailable' }])
    expect(parseFaultSpec('3=unavailable:30')).toEqual([
      '3',
      { kind: 'unavailable', retryAfter: '30' }
    ])
    expect(() => parseFaultSpec('3=unavailable:')).toThrow('an empty Retry-After')
    expect(parseFaultSpec('3=ok-with-errors')).toEqual(['3', { kind: 'ok-with-errors' }])
    expect(parseFaultSpec('3=ok-with-errors:access_denied|missing_permission')).toEqual([
      '3',
      { kind: 'ok-with-errors', code: 'access_denied|missing_permission' }
    ])
    expect(() => parseFaultSpec('3=ok-with-errors:')).toThrow('an empty error code')
    expect(parseFaultSpec('3=many-sans')).toEqual(['3', { kind: 'many-sans', sans: 3000 }])
    expect(parseFaultSpec('3=many-sans:20')).toEqual(['3', { kind: 'many-sans', sans: 20 }])
    expect(() => parseFaultSpec('3=many-sans:0')).toThrow('from 1 to 100000')
    expect(() => parseFaultSpec('3=status:99')).toThrow('from 200 to 599')
    expect(parseFaultSpec('3=status')).toEqual(['3', { kind: 'status', status: 500 }])
    expect(parseFaultSpec('3=status:502')).toEqual(['3', { kind: 'status', status: 502 }])
    expect(parseFaultSpec('3=status:200:{"a":"b:c"}')).toEqual([
      '3',
      { kind: 'status', status: 200, body: '{"a":"b:c"}' }
    ])
    expect(parseFaultSpec('3=status:200:')).toEqual([
      '3',
      { kind: 'status', status: 200, body: '' }
    ])
    expect(() => parseFaultSpec('3=status:x:{}')).toThrow('3=status:x:{}')
    expect(parseOrderSpec('7001=pending*2,issued:9007001')).toEqual([
      '7001',
      { statuses: ['pending', 'pending', 'issued'], certificateId: 9007001 }
    ])
    expect(parseOrderSpec('7002=rejected')).toEqual(['7002', { statuses: ['rejected'] }])
    expect(() => parseOrderSpec('7002=')).toThrow('expected ID=STATUS')
    expect(
      parseArgs(['--port=0', '--order', '5=issued', '--hostname', 'certcentral.test'])
    ).toMatchObject({
      port: 0,
      orders: { '5': { statuses: ['issued'] } },
      hostname: 'certcentral.test'
    })
  })

  it('serves HTTPS with --tls-cert/--tls-key and scripted orders from --order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standin-cli-'))
    writeFileSync(join(dir, 'cert.pem'), ca.certPem)
    writeFileSync(join(dir, 'key.pem'), ca.keyPem)
    const child = spawn(
      process.execPath,
      [
        'standin/certcentral-standin.js',
        ...['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
        ...['--hostname', 'certcentral.test', '--order', '7001=pending*2,issued:9007001']
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', chunk => {
          out += chunk
          if (out.includes('\n')) resolve(out)
        })
        child.on('exit', code => reject(new Error(`exited ${code}`)))
      })
      const match = /^listening on https:\/\/certcentral\.test:(\d+)\/services\/v2 /.exec(line)
      expect(match).not.toBeNull()
      const port = Number(match?.[1])
      const statuses = []
      for (let i = 0; i < 3; i++) {
        const answer = await new Promise<Answer>((resolve, reject) => {
          httpsRequest(
            {
              host: '127.0.0.1',
              servername: 'certcentral.test',
              port,
              path: orderPath('7001'),
              ca: ca.caCertPem,
              agent: false,
              headers: { 'X-DC-DEVKEY': 'standin-api-key-0000' }
            },
            res => collect(res).then(resolve, reject)
          )
            .on('error', reject)
            .end()
        })
        const order = JSON.parse(answer.body)
        statuses.push([order.status, order.certificate.id])
      }
      expect(statuses).toEqual([
        ['pending', undefined],
        ['pending', undefined],
        ['issued', 9007001]
      ])
    } finally {
      child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('runAction', () => {
  it('never passes on proxy settings from the outer environment, only those given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standin-env-'))
    const entry = join(dir, 'print-env.mjs')
    writeFileSync(
      entry,
      `console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(https?_proxy|no_proxy|all_proxy|node_extra_ca_certs|node_tls_reject_unauthorized)$/i.test(k)))))`
    )
    // what a developer's shell might carry; the address is never contacted (nothing may use it)
    for (const name of ['http_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'ALL_PROXY'])
      vi.stubEnv(name, 'http://10.9.9.9:3128')
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0')
    try {
      const run = await runAction({
        inputs: {},
        entry,
        env: { https_proxy: 'http://127.0.0.1:9', NODE_EXTRA_CA_CERTS: '/tmp/ca.pem' }
      })
      expect(JSON.parse(run.stdout)).toEqual({
        https_proxy: 'http://127.0.0.1:9',
        NODE_EXTRA_CA_CERTS: '/tmp/ca.pem'
      })
    } finally {
      vi.unstubAllEnvs()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
