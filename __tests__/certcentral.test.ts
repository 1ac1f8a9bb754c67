import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  CertCentralClient,
  CertCentralError,
  endpointFor,
  isLoopbackHost,
  parseDigiCertErrors,
  retryAfterSeconds,
  showable
} from '../src/certcentral.js'
import { SIMPLE_FAULT_KINDS, parseFaultSpec, startStandIn } from '../standin/certcentral-standin.js'

type StandIn = Awaited<ReturnType<typeof startStandIn>>
let standIn: StandIn
const clients: CertCentralClient[] = []

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn.close())
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose()
})

function client(
  options: { timeoutMs?: number; baseUrl?: string; apiKey?: string } = {}
): CertCentralClient {
  const c = new CertCentralClient({
    baseUrl: options.baseUrl ?? standIn.baseUrl,
    apiKey: options.apiKey ?? standIn.apiKey,
    timeoutMs: options.timeoutMs ?? 5000,
    userAgent: 'certcentral-email-action/test',
    maxSockets: 4
  })
  clients.push(c)
  return c
}

const sendBody = { emails: ['ops@example.com'], certificate_collect_format: 'attachment' }

async function failure(promise: Promise<unknown>): Promise<CertCentralError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(CertCentralError)
    return error as CertCentralError
  }
  throw new Error('expected the call to fail')
}

let nextId = 1000
/** A fresh ID per test, so faults and recorded requests never mix. */
function freshId(): string {
  return String(nextId++)
}

describe('pure helpers', () => {
  it('builds the two endpoints and refuses anything but digits', () => {
    expect(endpointFor('send-certificate', '12')).toEqual({
      method: 'PUT',
      path: '/certificate/12/sendemail'
    })
    expect(endpointFor('email-site-seal', '34')).toEqual({
      method: 'POST',
      path: '/order/certificate/34/site-seal/email-seal'
    })
    expect(() => endpointFor('send-certificate', '1/../2')).toThrow('refusing')
  })
  it('knows loopback', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', 'localhost', '[::1]', 'api.localhost']) {
      expect(isLoopbackHost(host), host).toBe(true)
    }
    for (const host of ['128.0.0.1', '10.0.0.1', 'example.com', '127.0.0.1.nip.io', '[::2]']) {
      expect(isLoopbackHost(host), host).toBe(false)
    }
  })
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T12:00:00Z')
    expect(retryAfterSeconds('120', now)).toBe(120)
    expect(retryAfterSeconds('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30)
    expect(retryAfterSeconds('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(retryAfterSeconds('soon', now)).toBeUndefined()
    expect(retryAfterSeconds('-5', now)).toBeUndefined()
    expect(retryAfterSeconds(undefined, now)).toBeUndefined()
  })
  it('parses DigiCert error bodies and nothing else', () => {
    expect(parseDigiCertErrors('{"errors":[{"code":"a","message":"b"},{"code":"c"}]}')).toEqual([
      { code: 'a', message: 'b' },
      { code: 'c', message: '' }
    ])
    expect(parseDigiCertErrors('{"errors":[]}')).toBeUndefined()
    expect(parseDigiCertErrors('{"message":"x"}')).toBeUndefined()
    expect(parseDigiCertErrors('<html>')).toBeUndefined()
    expect(parseDigiCertErrors('null')).toBeUndefined()
  })
  it('flattens control characters and bounds length', () => {
    expect(showable('a\n::set-output name=x::y\u001b[31m')).toBe('a ::set-output name=x::y [31m')
    expect(showable('x'.repeat(5000))).toMatch(/^x{1024}… \(5000 characters in all\)$/)
  })
  it('refuses to carry the key over plain HTTP beyond loopback', () => {
    expect(() => client({ baseUrl: 'http://example.com/services/v2' })).toThrow('over plain HTTP')
  })
})

describe('CertCentralClient against the stand-in', () => {
  it('sends a certificate with the documented method, path, headers and body', async () => {
    const id = freshId()
    await expect(
      client().send('send-certificate', id, { ...sendBody, custom_message: 'Hi\nthere' })
    ).resolves.toEqual({
      status: 204
    })
    const request = standIn.requests.find(r => r.id === id)
    expect(request).toMatchObject({
      method: 'PUT',
      path: `/services/v2/certificate/${id}/sendemail`,
      keyPresent: true,
      keyValid: true,
      status: 204,
      body: { ...sendBody, custom_message: 'Hi\nthere' }
    })
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['accept']).toBe('application/json')
    expect(request?.headers['user-agent']).toBe('certcentral-email-action/test')
    expect(Number(request?.headers['content-length'])).toBeGreaterThan(0)
  })

  it('emails a site seal with POST', async () => {
    const id = freshId()
    await expect(
      client().send('email-site-seal', id, { recipient_email: 'web@example.com' })
    ).resolves.toEqual({
      status: 204
    })
    expect(standIn.requests.find(r => r.id === id)).toMatchObject({
      method: 'POST',
      path: `/services/v2/order/certificate/${id}/site-seal/email-seal`,
      status: 204
    })
  })

  it('shows every code and message of a DigiCert error body', async () => {
    const id = freshId()
    const body = JSON.stringify({
      errors: [
        { code: 'invalid_value:emails', message: 'Bad address.' },
        { code: 'required_param:certificate_collect_format', message: 'Missing.' }
      ]
    })
    standIn.setFault(id, { kind: 'status', status: 400, body })
    const error = await failure(client().send('send-certificate', id, sendBody))
    expect(error).toMatchObject({ kind: 'http', status: 400 })
    expect(error.errors.map(e => e.code)).toEqual([
      'invalid_value:emails',
      'required_param:certificate_collect_format'
    ])
    expect(error.message).toBe(
      'HTTP 400: invalid_value:emails: Bad address.; required_param:certificate_collect_format: Missing.'
    )
  })

  it('reports a bad key and a view-only key with DigiCert codes', async () => {
    const bad = await failure(
      client({ apiKey: 'wrong-key' }).send('send-certificate', freshId(), sendBody)
    )
    expect(bad.message).toBe('HTTP 401: access_denied|invalid_auth: The API key is not valid.')
    const viewOnly = await failure(
      client({ apiKey: 'standin-view-only-key' }).send('send-certificate', freshId(), sendBody)
    )
    expect(viewOnly.message).toContain('HTTP 403: access_denied|missing_permission')
  })

  it('reports 404 not_found', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'not-found' })
    const error = await failure(client().send('email-site-seal', id, {}))
    expect(error.message).toBe('HTTP 404: not_found: Not found.')
  })

  it('says so for an empty 500', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'status', status: 500 })
    expect((await failure(client().send('send-certificate', id, sendBody))).message).toBe(
      'HTTP 500: empty body'
    )
  })

  it('shows a non-JSON body flattened and cut to about 1 KB', async () => {
    const id = freshId()
    const html = `<html>\n<body>${'Bad gateway '.repeat(500)}</body></html>`
    standIn.setFault(id, { kind: 'status', status: 502, body: html })
    const error = await failure(client().send('send-certificate', id, sendBody))
    expect(error.message).toMatch(/^HTTP 502: body: <html> <body>Bad gateway/)
    expect(error.message).not.toContain('\n')
    expect(error.message.length).toBeLessThan(1200)
    expect(error.message).toContain(`characters in all`)
  })

  it('shows JSON without an errors array as a body', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'status', status: 400, body: '{"message":"nope"}' })
    expect((await failure(client().send('send-certificate', id, sendBody))).message).toBe(
      'HTTP 400: body: {"message":"nope"}'
    )
  })

  it('never echoes the key a server puts in its body', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'status', status: 400, body: `bad key ${standIn.apiKey}!` })
    const error = await failure(client().send('send-certificate', id, sendBody))
    expect(error.message).toBe('HTTP 400: body: bad key ***!')
  })

  it('reads only the head of a 5 MB body and moves on quickly', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'big-body', bytes: 5 * 1024 * 1024 })
    const started = Date.now()
    const error = await failure(client().send('send-certificate', id, sendBody))
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error.status).toBe(500)
    expect(error.message).toContain('(cut off)')
    expect(error.message.length).toBeLessThan(1200)
  })

  it.each([
    ['seconds', '17', 17],
    ['an HTTP date', new Date(Date.now() + 42_000).toUTCString(), 42],
    ['nothing', undefined, undefined]
  ])('explains a 429 with Retry-After as %s', async (_, header, seconds) => {
    const id = freshId()
    standIn.setFault(
      id,
      header === undefined ? { kind: 'rate-limit' } : { kind: 'rate-limit', retryAfter: header }
    )
    const error = await failure(client().send('send-certificate', id, sendBody))
    expect(error.kind).toBe('rate-limited')
    expect(error.status).toBe(429)
    expect(error.message).toContain('DigiCert rate-limited this API key (request_limit_exceeded')
    if (seconds === undefined) {
      expect(error.retryAfterSeconds).toBeUndefined()
    } else {
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(seconds - 1)
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(seconds)
      expect(error.message).toMatch(/it asked to wait \d+ s$/)
    }
  })

  it('never follows a redirect, so the key never reaches the other host', async () => {
    let reached = 0
    const other: Server = createServer((_, res) => {
      reached++
      res.end()
    })
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`
    const id = freshId()
    standIn.setFault(id, { kind: 'redirect', location, status: 307 })
    const error = await failure(client().send('send-certificate', id, sendBody))
    other.close()
    expect(reached).toBe(0)
    expect(error).toMatchObject({ kind: 'redirect', status: 307 })
    expect(error.message).toContain(`redirect to ${location}`)
  })

  it('times out a request that gets no answer, within its deadline', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'hang' })
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 300 }).send('send-certificate', id, sendBody))
    expect(Date.now() - started).toBeLessThan(1500)
    expect(error.kind).toBe('timeout')
    expect(error.message).toMatch(/^timed out after 0.3 s waiting for 127\.0\.0\.1:\d+/)
  })

  it('times out a body that stops halfway', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'hang-mid-body' })
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 300 }).send('send-certificate', id, sendBody))
    expect(Date.now() - started).toBeLessThan(1500)
    expect(error).toMatchObject({ kind: 'timeout', status: 500 })
    expect(error.message).toContain('HTTP 500 arrived, its body did not')
  })

  it('holds a deadline, not an idle timeout, against a body that trickles forever', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'trickle', intervalMs: 50 })
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 400 }).send('send-certificate', id, sendBody))
    expect(Date.now() - started).toBeLessThan(1500)
    expect(error).toMatchObject({ kind: 'timeout', status: 500 })
  })

  it('holds a deadline against headers that trickle in forever', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'trickle-headers', intervalMs: 50 })
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 400 }).send('send-certificate', id, sendBody))
    expect(Date.now() - started).toBeLessThan(1500)
    expect(error).toMatchObject({ kind: 'timeout', status: null })
  })

  it.each(['reset-before-body', 'reset-after-body'] as const)(
    'names the system error on %s',
    async kind => {
      const id = freshId()
      standIn.setFault(id, { kind })
      const error = await failure(client().send('send-certificate', id, sendBody))
      expect(error.kind).toBe('network')
      expect(error.message).toMatch(
        /could not complete the request to 127\.0\.0\.1:\d+ \((ECONNRESET|EPIPE)/
      )
    }
  )

  it('names the host and ECONNREFUSED when nothing listens', async () => {
    const closed: Server = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const error = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}/services/v2` }).send(
        'send-certificate',
        freshId(),
        sendBody
      )
    )
    expect(error.message).toContain(
      `could not complete the request to 127.0.0.1:${port} (ECONNREFUSED`
    )
  })

  it('reuses one kept-alive connection for sequential requests', async () => {
    const before = standIn.connections()
    const c = client()
    for (let i = 0; i < 5; i++) await c.send('send-certificate', freshId(), sendBody)
    expect(standIn.connections() - before).toBe(1)
  })
})

describe('the stand-in command line', () => {
  it.each(SIMPLE_FAULT_KINDS)('accepts --fault 42=%s', kind => {
    expect(parseFaultSpec(`42=${kind}`)).toEqual(['42', { kind }])
  })
  it('accepts faults with an argument and refuses unknown kinds', () => {
    expect(parseFaultSpec('7=rate-limit:30')).toEqual([
      '7',
      { kind: 'rate-limit', retryAfter: '30' }
    ])
    expect(parseFaultSpec('9=status:503')).toEqual(['9', { kind: 'status', status: 503 }])
    expect(() => parseFaultSpec('9=explode')).toThrow('unknown kind explode')
  })
})
