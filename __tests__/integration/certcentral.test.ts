// The CertCentral client over the real transport, against small servers on loopback (and the
// stand-in for ordinary answers): what it sends, how it judges each answer into success or a
// CertCentralError, what it logs, and that nothing a server sends can smuggle the key, a line
// break or a runner command into a message.
import * as http from 'node:http'
import * as net from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isLoopbackHost, mayCarryKey, parseRetryAfter } from '../../src/certcentral/api.js'
import { parseDigiCertErrors, parseOrderInfo } from '../../src/certcentral/bodies.js'
import { MAX_ERRORS_SHOWN } from '../../src/certcentral/answers.js'
import { CertCentralClient } from '../../src/certcentral/client.js'
import { UNAVAILABLE_HINT } from '../../src/certcentral/hints.js'
import { CertCentralError, MAY_HAVE_BEEN_SENT } from '../../src/certcentral/errors.js'
import type { IdInput } from '../../src/operations.js'
import { SHOWN_CHARS, Sanitizer } from '../../src/sanitize.js'
import { realClock } from '../../src/clock.js'
import {
  Transport,
  TransportError,
  type TransportFailureInfo
} from '../../src/certcentral/transport.js'
import { VIEW_ONLY_KEY, startStandIn } from '../../standin/certcentral-standin.js'
import { freshId, type StandIn } from '../support/standin.js'
import { closedPort } from '../support/unreachable.js'

const KEY = 'K7QX2M9ZP4RT8WL5NC3HV6JB1DF0GSYA'
const DEADLINE_MS = 300

// ---- one server whose answer each test sets -------------------------------------------------------

interface Seen {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void

const seen: Seen[] = []
const sockets = new Set<net.Socket>()
let handler: Handler
let connections = 0
let server: http.Server
let origin: string
let baseUrl: string
/** The base URL as the client shows it: whole, its path being /services/v2 (no secret). */
let shown: string

/** Answers every request with this status, body and headers. */
function answer(status: number, body = '', headers: Record<string, string> = {}): Handler {
  return (_, res) => {
    res.writeHead(status, { 'Content-Length': String(Buffer.byteLength(body)), ...headers })
    res.end(body)
  }
}

/** A DigiCert error body. */
function errors(...entries: { code: unknown; message?: unknown; description?: unknown }[]): string {
  return JSON.stringify({ errors: entries })
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body })
      handler(req, res, body)
    })
  })
  server.on('connection', (socket: net.Socket) => {
    connections++
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  baseUrl = `${origin}/services/v2`
  shown = baseUrl
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => server.close(resolve))
})

const transports: Transport[] = []
const extraServers: net.Server[] = []

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.dispose()
  for (const socket of sockets) socket.destroy()
  for (const extra of extraServers.splice(0)) {
    extra.close()
    if (extra instanceof http.Server) extra.closeAllConnections()
  }
  seen.length = 0
  handler = answer(204)
})

// ---- the client -----------------------------------------------------------------------------------

interface Made {
  client: CertCentralClient
  logs: string[]
}

function make(
  options: {
    idInput?: IdInput
    timeoutMs?: number
    baseUrl?: string
    apiKey?: string
    now?: () => number
    wallNow?: () => number
    transport?: Pick<Transport, 'request'>
  } = {}
): Made {
  const timeoutMs = options.timeoutMs ?? 5000
  const apiKey = options.apiKey ?? KEY
  let transport = options.transport
  if (!transport) {
    const real = new Transport({
      timeoutMs,
      userAgent: 'certcentral-email-action/test',
      maxSockets: 4,
      proxyFor: () => undefined
    })
    transports.push(real)
    transport = real
  }
  const logs: string[] = []
  const client = new CertCentralClient({
    baseUrl: options.baseUrl ?? baseUrl,
    apiKey,
    idInput: options.idInput ?? 'certificate-id',
    timeoutMs,
    transport,
    sanitizer: new Sanitizer([apiKey]),
    log: { debug: message => void logs.push(message) },
    clock: { now: options.now ?? realClock.now, wallNow: options.wallNow ?? realClock.wallNow }
  })
  return { client, logs }
}

const sendBody = { emails: ['ops@example.com'], certificate_collect_format: 'attachment' }

/** Sends a certificate with the test's answer; the promise a failing test inspects. */
function send(made: Made = make(), id = '123'): Promise<{ status: number }> {
  return made.client.call('send-certificate', id, sendBody, 1)
}

/** The CertCentralError a call must reject with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<CertCentralError> {
  await expect(promise).rejects.toBeInstanceOf(CertCentralError)
  return promise.then(
    () => {
      throw new Error('resolved')
    },
    (error: unknown) => error as CertCentralError
  )
}

/** `\uXXXX` for every character: how a JSON body can spell the key without its characters. */
function jsonEscaped(text: string, upper = false): string {
  return [...text]
    .map(c => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0')
      return `\\u${upper ? hex.toUpperCase() : hex}`
    })
    .join('')
}

/** Whether the runner could read any part of `text` as a command or a new line. */
function expectOneSafeLine(text: string): void {
  expect(text).not.toMatch(/[\r\n\u0085\u2028\u2029]/)
  for (const line of text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)) {
    expect(line.trimStart().startsWith('::'), line).toBe(false)
  }
}

// ---- pure helpers kept from the old API ----------------------------------------------------------

describe('pure helpers', () => {
  it('knows loopback, and that *.localhost is not', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true)
    }
    for (const host of [
      '128.0.0.1',
      '10.0.0.1',
      'example.com',
      '127.0.0.1.nip.io',
      '[::2]',
      'api.localhost'
    ]) {
      expect(isLoopbackHost(host), host).toBe(false)
    }
  })

  it('lets the key travel over HTTPS anywhere, over plain HTTP only to loopback', () => {
    expect(mayCarryKey(new URL('https://www.digicert.com/services/v2'))).toBe(true)
    expect(mayCarryKey(new URL('http://127.0.0.1:8080/services/v2'))).toBe(true)
    expect(mayCarryKey(new URL('http://example.com/services/v2'))).toBe(false)
    expect(mayCarryKey(new URL('http://api.localhost/services/v2'))).toBe(false)
    expect(mayCarryKey(new URL('ftp://127.0.0.1/'))).toBe(false)
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T12:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter(' 7 ', now)).toBe(7)
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30)
    expect(parseRetryAfter(new Date(now - 3_600_000).toUTCString(), now)).toBe(0)
    for (const header of ['soon', '-5', 'a 1', '1.5', '', '1e3']) {
      expect(parseRetryAfter(header, now), header).toBeUndefined()
    }
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it('parses DigiCert error bodies and nothing else', () => {
    expect(parseDigiCertErrors('{"errors":[{"code":"a","message":"b"},{"code":"c"}]}')).toEqual([
      { code: 'a', message: 'b' },
      { code: 'c', message: '' }
    ])
    expect(parseDigiCertErrors('{"errors":{"code":"a","description":"d"}}')).toEqual([
      { code: 'a', message: 'd' }
    ])
    expect(parseDigiCertErrors('{"errors":[]}')).toBeUndefined()
    expect(parseDigiCertErrors('{"message":"x"}')).toBeUndefined()
    expect(parseDigiCertErrors('<html>')).toBeUndefined()
    expect(parseDigiCertErrors('null')).toBeUndefined()
  })

  it('reads the Order info fields it uses', () => {
    expect(
      parseOrderInfo(
        '{"id":7,"status":"Issued","certificate":{"id":99,"common_name":"a.example","valid_till":"2027-01-31"}}'
      )
    ).toEqual({
      status: 'issued',
      certificateId: '99',
      commonName: 'a.example',
      validTill: '2027-01-31',
      orderId: '7'
    })
    expect(parseOrderInfo('{"status":"pending","certificate":{"id":"0"}}')).toMatchObject({
      status: 'pending',
      certificateId: undefined
    })
    expect(parseOrderInfo('{"id":7}')).toBeUndefined()
    expect(parseOrderInfo('not json')).toBeUndefined()
  })

  it('names an unusable certificate.id of an Order info sanitized and bounded, never the key', async () => {
    const made = make({ idInput: 'order-id' })
    const long = `${KEY}\u202e${'9'.repeat(60)}`
    handler = answer(200, JSON.stringify({ status: ' Issued ', certificate: { id: [long] } }))
    const { order } = await made.client.lookup('34', 1)
    expect(order.status).toBe('issued')
    expect(order.certificateId).toBeUndefined()
    expect(order.unusableCertificateId).toBe(
      `["***${'9'.repeat(SHOWN_CHARS.id - 6)}… (67 characters in all)`
    )
  })

  it('flattens control characters, defuses a leading ::, and bounds length', () => {
    const safe = new Sanitizer([KEY])
    expect(safe.text('a\n::set-output name=x::y\u001b[31m')).toBe('a ::set-output name=x::y [31m')
    expect(safe.text('\n::error::x')).not.toMatch(/^::/)
    expect(safe.text('x'.repeat(5000), 1024)).toMatch(/^x{1023}… \(5000 characters in all\)$/)
  })
})

// ---- what the client sends -------------------------------------------------------------------------

describe('the request', () => {
  it('sends a certificate with the key, Accept, Content-Type and the JSON body', async () => {
    const body = { ...sendBody, custom_message: 'Grüße\nfrom CI ✓' }
    await expect(make().client.call('send-certificate', '12', body, 1)).resolves.toEqual({
      status: 204
    })
    expect(seen).toHaveLength(1)
    const request = seen[0] as Seen
    expect(request).toMatchObject({ method: 'PUT', path: '/services/v2/certificate/12/sendemail' })
    expect(JSON.parse(request.body)).toEqual(body)
    expect(request.headers).toMatchObject({
      'x-dc-devkey': KEY,
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
      'user-agent': 'certcentral-email-action/test'
    })
  })

  it('emails a site seal with an undefined body as no body and no Content-Type', async () => {
    await expect(make().client.call('email-site-seal', '34', undefined, 1)).resolves.toEqual({
      status: 204
    })
    const request = seen[0] as Seen
    expect(request).toMatchObject({
      method: 'POST',
      path: '/services/v2/order/certificate/34/site-seal/email-seal',
      body: ''
    })
    expect(request.headers['content-length']).toBe('0')
    expect(request.headers).not.toHaveProperty('content-type')
    expect(request.headers).not.toHaveProperty('transfer-encoding')
    expect(request.headers).toMatchObject({ 'x-dc-devkey': KEY, accept: 'application/json' })
  })

  it('looks an order up with a GET that has no body headers', async () => {
    handler = answer(200, '{"id":56,"status":"pending"}')
    await make({ idInput: 'order-id' }).client.lookup('56', 1)
    const request = seen[0] as Seen
    expect(request).toMatchObject({ method: 'GET', path: '/services/v2/order/certificate/56' })
    expect(request.headers).toMatchObject({ 'x-dc-devkey': KEY, accept: 'application/json' })
    expect(request.headers).not.toHaveProperty('content-type')
    expect(request.headers).not.toHaveProperty('content-length')
  })

  it('sends nothing for an ID that is not digits', async () => {
    await expect(make().client.call('send-certificate', '1/../2', sendBody, 1)).rejects.toThrow(
      'refusing'
    )
    await expect(make().client.lookup('1?x', 1)).rejects.toThrow('refusing')
    expect(seen).toEqual([])
  })

  it('reuses one kept-alive connection for sequential requests', async () => {
    const made = make()
    await send(made)
    const before = connections
    for (let i = 0; i < 4; i++) await send(made, String(200 + i))
    expect(connections - before).toBe(0)
    expect(seen).toHaveLength(5)
  })
})

describe('against the stand-in', () => {
  let standIn: StandIn
  beforeAll(async () => {
    standIn = await startStandIn()
  })
  afterAll(() => standIn.close())

  it('sends a certificate the way the stand-in checks it', async () => {
    const id = freshId()
    const made = make({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey })
    await expect(
      made.client.call('send-certificate', id, { ...sendBody, custom_message: 'Hi\nthere' }, 1)
    ).resolves.toEqual({ status: 204 })
    expect(standIn.requests.find(r => r.id === id)).toMatchObject({
      method: 'PUT',
      path: `/services/v2/certificate/${id}/sendemail`,
      keyPresent: true,
      keyValid: true,
      status: 204,
      body: { ...sendBody, custom_message: 'Hi\nthere' }
    })
  })

  it('emails a site seal with POST', async () => {
    const id = freshId()
    const made = make({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey })
    await expect(
      made.client.call('email-site-seal', id, { recipient_email: 'web@example.com' }, 1)
    ).resolves.toEqual({ status: 204 })
    expect(standIn.requests.find(r => r.id === id)).toMatchObject({
      method: 'POST',
      path: `/services/v2/order/certificate/${id}/site-seal/email-seal`,
      status: 204
    })
  })

  it('tells a View Only key (a missing permission) from a refused key, with its hint', async () => {
    const made = make({ baseUrl: standIn.baseUrl, apiKey: VIEW_ONLY_KEY })
    const error = await failure(send(made, freshId()))
    expect(error).toMatchObject({
      kind: 'permission',
      status: 403,
      codes: ['access_denied|missing_permission']
    })
    expect(error.hint).toContain('View Only')
    expect(error.message).toMatch(/^HTTP 403: access_denied\|missing_permission: .*View Only/)
  })
})

// ---- judging the answer ----------------------------------------------------------------------------

describe('success', () => {
  it.each([200, 201, 204])('resolves on %i', async status => {
    handler = answer(status, status === 204 ? '' : '{}')
    await expect(send()).resolves.toEqual({ status })
  })

  it.each(['', ' \n', '{}', ' { \r\n } '])(
    'resolves on a 200 with %j: empty, or an empty JSON object',
    async body => {
      handler = answer(200, body, { 'Content-Type': 'application/json' })
      await expect(send()).resolves.toEqual({ status: 200 })
    }
  )

  it('resolves on a seal answered 204, and on a look-up answered 200 with its JSON', async () => {
    handler = answer(204, '')
    await expect(make().client.call('email-site-seal', '7', {}, 1)).resolves.toEqual({
      status: 204
    })
    handler = answer(200, '{"id":7,"status":"pending"}')
    await expect(make().client.lookup('7', 1)).resolves.toMatchObject({ status: 200 })
  })
})

describe('a 2xx that is not CertCentral’s answer', () => {
  const notSent = ', so the email was most likely not sent; check api-url and the network'

  it('rejects an HTML sign-in page, saying what came and that the email was not sent', async () => {
    handler = answer(200, '<!DOCTYPE html>\n<title>Sign in</title>', {
      'Content-Type': 'text/html'
    })
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'bad-success', status: 200, codes: [] })
    expect(error.message).toBe(
      `HTTP 200 but the answer is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; body: <!DOCTYPE html> <title>Sign in</title>)${notSent}`
    )
    handler = answer(200, 'Welcome', { 'Content-Type': 'text/html; charset=utf-8' })
    expect((await failure(send())).message).toContain('(an HTML page')
  })

  it.each([
    ['an array', 200, '[1]'],
    ['a string', 200, '"ok"'],
    ['plain text', 201, 'OK'],
    ['null', 200, 'null'],
    ['a message', 200, '{"message":"Unauthorized"}'],
    ['an error', 200, '{"error":"denied"}'],
    ['errors: null', 200, '{"errors":null}'],
    ['errors: []', 202, '{"errors":[]}'],
    ['a JSON object with fields', 200, '{"id":5}']
  ])(
    'rejects %s as an answer CertCentral does not give, which may have been sent',
    async (_, status, body) => {
      handler = answer(status, body, { 'Content-Type': 'application/json' })
      const error = await failure(send())
      expect(error).toMatchObject({ kind: 'bad-success', status, codes: [] })
      expect(error.message).toBe(
        `HTTP ${status}, an answer CertCentral does not give to a send (${MAY_HAVE_BEEN_SENT}): body: ${body}; check api-url and the network`
      )
    }
  )

  it('says the email may have been sent before a long body, so that shortening keeps it', async () => {
    handler = answer(200, JSON.stringify({ message: 'x'.repeat(5000) }))
    const error = await failure(send())
    expect(error.message.indexOf(MAY_HAVE_BEEN_SENT)).toBeLessThan(120)
    expect(error.message).toContain('… (5014 characters in all); check api-url and the network')
  })

  it("rejects DigiCert's errors in a 2xx, with their codes and hint", async () => {
    handler = answer(
      200,
      errors({ code: 'bad_request_format', message: 'Bad format.' }, { code: 'x', message: 'y' })
    )
    const error = await failure(send())
    expect(error).toMatchObject({
      kind: 'bad-success',
      status: 200,
      codes: ['bad_request_format', 'x'],
      hint: 'DigiCert could not read the request: check emails, format, message and seal-settings'
    })
    expect(error.message).toBe(
      `HTTP 200 but the answer carries DigiCert's errors (bad_request_format: Bad format.; x: y), so it is not taken as sent; ${error.hint}`
    )
    handler = answer(201, '{"errors":{"code":"odd","message":"as an object"}}')
    const single = await failure(send())
    expect(single).toMatchObject({
      kind: 'bad-success',
      status: 201,
      codes: ['odd'],
      hint: undefined
    })
    expect(single.message).toBe(
      "HTTP 201 but the answer carries DigiCert's errors (odd: as an object), so it is not taken as sent"
    )
  })

  it('takes a body starting with < after whitespace, without a Content-Type, as an HTML page', async () => {
    handler = (_, res) => {
      res.writeHead(200)
      res.end('\n  <html><body>Sign in</body></html>')
    }
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'bad-success', status: 200 })
    expect(error.message).toContain('(an HTML page: a sign-in page or a gateway?')
  })

  it('reads no DigiCert codes from an error answer without DigiCert errors', async () => {
    handler = answer(400, '{"message":"no errors here"}')
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'http', status: 400, codes: [] })
    handler = answer(500, '<html>oops</html>', { 'Content-Type': 'text/html' })
    expect(await failure(send())).toMatchObject({ status: 500, codes: [] })
  })

  it('says a 2xx cut off at its limit was too large', async () => {
    const transport: Pick<Transport, 'request'> = {
      request: () =>
        Promise.resolve({ status: 200, headers: {}, text: '{"status":"iss', truncated: true })
    }
    const error = await failure(send(make({ transport })))
    expect(error).toMatchObject({ kind: 'bad-success', status: 200 })
    expect(error.message).toBe(
      "HTTP 200 but the answer is too large to be CertCentral's answer (cut off after 1 MiB), so the email was most likely not sent; check api-url and the network"
    )
    const lookup = await failure(make({ transport }).client.lookup('7', 1))
    expect(lookup.message).toBe(
      "HTTP 200 but the Order info of order 7 is too large to be CertCentral's answer (cut off after 1 MiB); check api-url and the network"
    )
  })
})

describe('redirects', () => {
  it.each([300, 302, 307])(
    'rejects a %i naming the Location, and never follows it',
    async status => {
      let reached = 0
      const other = http.createServer((_, res) => {
        reached++
        res.end()
      })
      extraServers.push(other)
      await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
      const location = `http://127.0.0.1:${(other.address() as net.AddressInfo).port}/steal`
      handler = answer(status, '', { Location: `${location}?key=${KEY}` })
      const error = await failure(send())
      expect(error).toMatchObject({ kind: 'redirect', status })
      expect(error.message).toContain(`redirect to ${location}?key=***, which is not followed`)
      expect(error.message).toContain(`stays with 127.0.0.1:`)
      expect(error.message).not.toContain(KEY)
      expect(seen).toHaveLength(1)
      expect(reached).toBe(0)
    }
  )

  it('says when a redirect names no Location', async () => {
    handler = answer(301)
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'redirect', status: 301 })
    expect(error.message).toContain('redirect to (none)')
  })
})

describe('rate limits', () => {
  const limited = errors({
    code: 'request_limit_exceeded',
    message: 'Service unavailable, please limit request volume'
  })

  it('reads Retry-After in seconds', async () => {
    handler = answer(429, limited, { 'Retry-After': '30' })
    const error = await failure(send())
    expect(error).toMatchObject({
      kind: 'rate-limited',
      status: 429,
      retryAfterSeconds: 30,
      codes: ['request_limit_exceeded']
    })
    expect(error.message).toBe(
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded: Service unavailable, please limit request volume); it asked to wait 30 s'
    )
    expect(error.hint).toContain('100 requests per 5 s')
  })

  it('reads Retry-After as an HTTP date against the wall clock it is given, without a Date', async () => {
    const now = Date.parse('2026-11-23T12:00:00Z')
    handler = (_, res) => {
      res.sendDate = false
      answer(429, limited, { 'Retry-After': new Date(now + 42_000).toUTCString() })(_, res, '')
    }
    const error = await failure(send(make({ wallNow: () => now, now: () => 0 })))
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterSeconds: 42 })
    expect(error.message).toMatch(/it asked to wait 42 s$/)
  })

  it("reads Retry-After as an HTTP date against the answer's own Date, whatever the runner's clock says", async () => {
    const served = Date.parse('2026-11-23T12:00:00Z')
    handler = answer(429, limited, {
      Date: new Date(served).toUTCString(),
      'Retry-After': new Date(served + 42_000).toUTCString()
    })
    // the runner's clock an hour ahead (a VM resumed): the date is not already past
    const error = await failure(send(make({ wallNow: () => served + 3_600_000 })))
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 42 })
  })

  it('takes a 503 as "later", with its Retry-After and a hint', async () => {
    const served = Date.parse('2026-11-23T12:00:00Z')
    handler = answer(503, '<html>Down for maintenance</html>', {
      'Content-Type': 'text/html',
      Date: new Date(served).toUTCString(),
      'Retry-After': new Date(served + 120_000).toUTCString()
    })
    const error = await failure(send(make({ wallNow: () => served - 3_600_000 })))
    expect(error).toMatchObject({
      kind: 'unavailable',
      status: 503,
      retryAfterSeconds: 120,
      hint: UNAVAILABLE_HINT
    })
    expect(error.message).toBe(
      'HTTP 503: CertCentral is unavailable, maybe for maintenance (body: <html>Down for maintenance</html>); it asked to wait 120 s'
    )
    handler = answer(503)
    const bare = await failure(make().client.lookup('5', 1))
    expect(bare).toMatchObject({ kind: 'unavailable', status: 503, retryAfterSeconds: undefined })
    expect(bare.message).toBe(
      'HTTP 503: CertCentral is unavailable, maybe for maintenance (empty body)'
    )
  })

  it('counts an unreadable Retry-After as absent, and says so', async () => {
    handler = answer(429, limited, { 'Retry-After': 'a 1' })
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429 })
    expect(error.retryAfterSeconds).toBeUndefined()
    expect(error.message).toContain('its Retry-After "a 1" is not a number of seconds or a date')
    expect(error.message).toContain('counts as absent')
  })

  it('gives no wait without Retry-After', async () => {
    handler = answer(429, limited)
    const error = await failure(send())
    expect(error.retryAfterSeconds).toBeUndefined()
    expect(error.message).toMatch(/please limit request volume\)$/)
  })

  it('keeps a 429 a 429 whatever its body holds', async () => {
    handler = answer(429, '{"errors":[{"code":{"toString":1}}]}', { 'Retry-After': '5' })
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterSeconds: 5 })
    expect(error.message).toMatch(/^HTTP 429: DigiCert rate-limited this API key/)
  })
})

describe('refused keys', () => {
  it('refuses on any 401', async () => {
    handler = answer(401, errors({ code: 'access_denied|invalid_auth', message: 'Bad key.' }))
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'key-refused', status: 401 })
    expect(error.hint).toContain('wrong, revoked or expired')
    handler = answer(401)
    await expect(send()).rejects.toMatchObject({ kind: 'key-refused', status: 401 })
  })

  it("refuses on DigiCert's recorded 403 for a wrong key, with its hint", async () => {
    handler = answer(
      403,
      '{"errors":[{"code":"access_denied|access_denied_invalid_key","message":"Access denied due to access_denied_invalid_key."}]}',
      { 'Content-Type': 'application/json' }
    )
    const error = await failure(send())
    expect(error).toMatchObject({
      kind: 'key-refused',
      status: 403,
      codes: ['access_denied|access_denied_invalid_key']
    })
    expect(error.hint).toContain('the API key is wrong, revoked or expired')
    expect(error.message).toBe(
      `HTTP 403: access_denied|access_denied_invalid_key: Access denied due to access_denied_invalid_key.; ${error.hint}`
    )
  })

  it('tells a missing permission (a View Only key) from a refused key, with its hint', async () => {
    handler = answer(
      403,
      errors({ code: 'access_denied|missing_permission', message: 'Missing permission.' })
    )
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'permission', status: 403 })
    expect(error.hint).toContain('View Only')
    expect(error.message).toContain(error.hint as string)
  })

  it('does not blame the key for a 403 about something else', async () => {
    handler = answer(403, errors({ code: 'forbidden', message: 'No.' }))
    await expect(send()).rejects.toMatchObject({ kind: 'http', status: 403 })
  })
})

describe('error bodies', () => {
  it('names the ID input and the region for not_found', async () => {
    handler = answer(404, errors({ code: 'not_found', message: 'Not found.' }))
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'http', status: 404, codes: ['not_found'] })
    expect(error.hint).toBe(
      'check certificate-id, and region if the account is on CertCentral Europe'
    )
    expect(error.message).toBe(`HTTP 404: not_found: Not found.; ${error.hint}`)
    const byOrder = await failure(
      make({ idInput: 'order-id' }).client.call('email-site-seal', '9', undefined, 1)
    )
    expect(byOrder.hint).toContain('check order-id')
  })

  it.each([
    ['an empty body', '', {}, 'empty body'],
    [
      'an HTML page',
      '<html><body>Not Found</body></html>',
      { 'content-type': 'text/html' },
      'body: <html><body>Not Found</body></html>'
    ],
    ['plain text', 'Not Found', { 'content-type': 'text/plain' }, 'body: Not Found'],
    ['JSON without errors', '{"message":"no route"}', {}, 'body: {"message":"no route"}']
  ])(
    "a 404 that is not DigiCert's (%s) says the URL is wrong, on a send and a look-up alike",
    async (_, body, headers, detail) => {
      handler = answer(404, body, headers)
      const hint = 'the URL is wrong: check that api-url ends in /services/v2'
      const client = make({ idInput: 'thumbprint' }).client
      for (const request of [
        () => send(),
        () => client.lookup('AB'.repeat(20), 1),
        () => client.listOrders({ filter: 'common_name', value: 'a.example', offset: 0 }, 1),
        () => client.duplicates('8001', 1)
      ]) {
        const error = await failure(request())
        expect(error).toMatchObject({ kind: 'http', status: 404, codes: [], hint })
        expect(error.message).toBe(`HTTP 404: ${detail}; ${hint}`)
      }
    }
  )

  it("a 404 with DigiCert's errors keeps its own hint, or none", async () => {
    handler = answer(404, errors({ code: 'gone', message: 'Gone.' }))
    const error = await failure(send())
    expect(error).toMatchObject({ status: 404, codes: ['gone'], hint: undefined })
    expect(error.message).toBe('HTTP 404: gone: Gone.')
  })

  it('names order-id for not_found|order', async () => {
    handler = answer(404, errors({ code: 'not_found|order', message: 'Order not found.' }))
    const error = await failure(make({ idInput: 'order-id' }).client.lookup('9', 1))
    expect(error).toMatchObject({ kind: 'http', status: 404 })
    expect(error.hint).toContain('check order-id')
    expect(error.message).toContain('region')
  })

  it('shows every code and message of a DigiCert error body', async () => {
    handler = answer(
      400,
      errors(
        { code: 'invalid_value:emails', message: 'Bad address.' },
        { code: 'required_param:certificate_collect_format', message: 'Missing.' }
      )
    )
    const error = await failure(send())
    expect(error).toMatchObject({
      kind: 'http',
      status: 400,
      codes: ['invalid_value:emails', 'required_param:certificate_collect_format']
    })
    expect(error.message).toBe(
      'HTTP 400: invalid_value:emails: Bad address.; required_param:certificate_collect_format: Missing.; ' +
        'DigiCert rejected the value of emails: fix the input behind it'
    )
  })

  it('reads errors given as a single object', async () => {
    handler = answer(400, '{"errors":{"code":"bad_request_format","message":"Bad JSON."}}')
    const error = await failure(send())
    expect(error.codes).toEqual(['bad_request_format'])
    expect(error.message).toMatch(/^HTTP 400: bad_request_format: Bad JSON\.; DigiCert could not/)
  })

  it('reads description when there is no message', async () => {
    handler = answer(400, errors({ code: 'invalid_value:emails', description: 'Described.' }))
    expect((await failure(send())).message).toMatch(/^HTTP 400: invalid_value:emails: Described\./)
  })

  it('lists three errors and counts the rest', async () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ code: `e${i}`, message: `m${i}` }))
    handler = answer(400, errors(...many))
    const error = await failure(send())
    expect(MAX_ERRORS_SHOWN).toBe(3)
    expect(error.message).toBe('HTTP 400: e0: m0; e1: m1; e2: m2; and 7 more errors')
  })

  it('lists three errors and counts the rest, with five', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ code: `e${i}`, message: `m${i}` }))
    handler = answer(400, errors(...many))
    expect((await failure(send())).message).toBe(
      'HTTP 400: e0: m0; e1: m1; e2: m2; and 2 more errors'
    )
  })

  it('lists exactly three errors without a count, and counts a fourth as one more error', async () => {
    const many = Array.from({ length: 4 }, (_, i) => ({ code: `e${i}`, message: `m${i}` }))
    handler = answer(400, errors(...many.slice(0, 3)))
    expect((await failure(send())).message).toBe('HTTP 400: e0: m0; e1: m1; e2: m2')
    handler = answer(400, errors(...many))
    expect((await failure(send())).message).toBe(
      'HTTP 400: e0: m0; e1: m1; e2: m2; and 1 more error'
    )
  })

  it('gives no hint to an error without a code that is not a 401', async () => {
    handler = answer(403, 'Forbidden')
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'http', status: 403, hint: undefined })
    expect(error.message).toBe('HTTP 403: body: Forbidden')
  })

  it('says so for an empty body, and that a send may have gone through on a 5xx', async () => {
    handler = answer(500)
    expect((await failure(send())).message).toBe(`HTTP 500 (${MAY_HAVE_BEEN_SENT}): empty body`)
    handler = answer(502, ' \r\n ')
    expect((await failure(send())).message).toBe(`HTTP 502 (${MAY_HAVE_BEEN_SENT}): empty body`)
    expect((await failure(make().client.lookup('5', 1))).message).toBe('HTTP 502: empty body')
    handler = answer(400)
    expect((await failure(send())).message).toBe('HTTP 400: empty body')
  })

  it('shows JSON without errors as a body', async () => {
    handler = answer(400, '{"message":"nope"}')
    expect((await failure(send())).message).toBe('HTTP 400: body: {"message":"nope"}')
    handler = answer(400, '{"errors":[]}')
    expect((await failure(send())).message).toBe('HTTP 400: body: {"errors":[]}')
  })

  it('shows a non-JSON body flattened and cut to 1024 characters', async () => {
    const html = `<html>\n<body>${'Bad gateway '.repeat(500)}</body></html>`
    handler = answer(502, html, { 'Content-Type': 'text/html' })
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'http', status: 502 })
    const shown =
      /^HTTP 502 \(it may have been sent: check the audit log in CertCentral before sending it again\): body: (<html> <body>Bad gateway .*)… \((\d+) characters in all\)$/.exec(
        error.message
      )
    expect(shown).not.toBeNull()
    expect(shown?.[1]?.length).toBeLessThanOrEqual(SHOWN_CHARS.body)
    expect(Number(shown?.[2])).toBe(html.length)
    expect(error.message).not.toContain('cut off')
    expectOneSafeLine(error.message)
  })

  it('says a body over 64 KiB was cut off, and moves on quickly', async () => {
    handler = (_, res) => {
      res.on('error', () => undefined)
      res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end('x'.repeat(5 * 1024 * 1024))
    }
    const started = Date.now()
    const error = await failure(send())
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error.status).toBe(500)
    expect(error.message).toContain('cut off')
    expect(error.message).toContain('characters in all')
    expect(/x+/.exec(error.message)?.[0].length).toBeLessThanOrEqual(SHOWN_CHARS.body)
    expect(error.message.length).toBeLessThan(1200)
  })

  it('marks a body cut at 64 KiB before what it shows, even when all of it is blank', async () => {
    handler = (_, res) => {
      res.on('error', () => undefined)
      res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end('abc'.repeat(30_000))
    }
    expect((await failure(send())).message).toMatch(
      /^HTTP 500 \(it may have been sent: check the audit log in CertCentral before sending it again\): body \(cut off after 64 KiB\): abc/
    )
    handler = (_, res) => {
      res.on('error', () => undefined)
      res.writeHead(502, { 'Content-Type': 'text/plain' })
      res.end(' '.repeat(100_000))
    }
    expect((await failure(send())).message).toBe(
      `HTTP 502 (${MAY_HAVE_BEEN_SENT}): body (cut off after 64 KiB): empty`
    )
  })

  it('shows a non-string code and message as JSON', async () => {
    handler = answer(400, '{"errors":[{"code":42,"message":{"a":1}},{"message":"no code"}]}')
    const error = await failure(send())
    expect(error.message).toBe('HTTP 400: 42: {"a":1}; (no code): no code')
  })
})

describe('hostile answers', () => {
  it.each([
    ['LF', 'x\n::add-mask::hello\n::error title=FAKE::spoofed'],
    ['CR', 'x\r::add-mask::hello\r::error title=FAKE::spoofed'],
    ['CRLF', 'x\r\n::add-mask::hello\r\n::error title=FAKE::spoofed'],
    ['a leading command', '::error title=FAKE::spoofed\n::add-mask::hello'],
    ['Unicode separators', 'x\u2028::add-mask::hello\u2029::error::spoofed\u0085::warning::y']
  ])('keeps a code with %s on one line that starts no command', async (_, code) => {
    handler = answer(400, errors({ code, message: `${code} again` }))
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'http', status: 400 })
    expectOneSafeLine(error.message)
    for (const shown of error.codes) expectOneSafeLine(shown)
  })

  it('keeps a hostile non-JSON body and Retry-After on one line', async () => {
    handler = answer(429, 'oops\n::error title=FAKE::spoofed\r::add-mask::x', {
      'Retry-After': '::error::x'
    })
    const error = await failure(send())
    expect(error.kind).toBe('rate-limited')
    expectOneSafeLine(error.message)
  })

  it('bounds a 60 KB code and a 60 KB message', async () => {
    handler = answer(400, errors({ code: 'c'.repeat(60_000), message: 'short' }))
    const byCode = await failure(send())
    expect(byCode.message.length).toBeLessThan(2048)
    expect(byCode.codes[0]?.length).toBeLessThan(200)
    handler = answer(400, errors({ code: 'x', message: 'm'.repeat(60_000) }))
    expect((await failure(send())).message.length).toBeLessThan(2048)
  })

  it('bounds a body with thousands of errors', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ code: `e${i}`, message: 'm' }))
    handler = answer(400, errors(...many))
    expect((await failure(send())).message.length).toBeLessThan(2048)
  })

  it.each([
    ['plainly in a non-JSON body', () => answer(400, `bad key ${KEY}!`)],
    ['JSON-escaped in a non-JSON body', () => answer(400, `bad key ${jsonEscaped(KEY)}!`)],
    [
      'JSON-escaped in upper case in a non-JSON body',
      () => answer(502, `<p>${jsonEscaped(KEY, true)}</p>`)
    ],
    [
      'plainly in the code and message',
      () => answer(401, errors({ code: `access_denied|${KEY}`, message: `key ${KEY}` }))
    ],
    [
      'JSON-escaped in the code and message',
      () =>
        answer(
          403,
          `{"errors":[{"code":"access_denied|${jsonEscaped(KEY)}","message":"key ${jsonEscaped(KEY, true)}"}]}`
        )
    ],
    ['in a Location', () => answer(302, '', { Location: `https://evil.invalid/${KEY}` })],
    ['in a Retry-After', () => answer(429, '', { 'Retry-After': `${KEY}` })],
    [
      'JSON-escaped in an Order info body without a status',
      () => answer(200, `{"id":1,"note":"${jsonEscaped(KEY)}"}`)
    ]
  ])('never shows the key echoed %s', async (_, makeHandler) => {
    handler = makeHandler()
    const made = make()
    const error = await failure(_.includes('Order info') ? made.client.lookup('1', 1) : send(made))
    expect(error.message).not.toContain(KEY)
    expect(error.message.toLowerCase()).not.toContain(jsonEscaped(KEY).toLowerCase())
    expect(error.message).toContain('***')
    expect(JSON.stringify(error.codes)).not.toContain(KEY)
    expect(made.logs.join('\n')).not.toContain(KEY)
  })

  it('shows a body whose errors are not a list or object as a body, without the key', async () => {
    handler = answer(400, `{"errors":"${KEY} went wrong"}`)
    const error = await failure(send())
    expect(error.message).toBe('HTTP 400: body: {"errors":"*** went wrong"}')
  })
})

// ---- Order info ----------------------------------------------------------------------------------

describe('lookup', () => {
  it('reads status, certificate ID, common name and expiry', async () => {
    handler = answer(
      200,
      JSON.stringify({
        id: 77,
        status: 'Issued',
        certificate: { id: 123456, common_name: 'www.example.com', valid_till: '2027-01-31' }
      })
    )
    await expect(make({ idInput: 'order-id' }).client.lookup('77', 1)).resolves.toEqual({
      status: 200,
      order: {
        status: 'issued',
        certificateId: '123456',
        commonName: 'www.example.com',
        validTill: '2027-01-31',
        orderId: '77'
      }
    })
  })

  it('reads an order not yet issued, without a certificate ID', async () => {
    handler = answer(200, '{"id":78,"status":"pending","certificate":{"common_name":"a.example"}}')
    await expect(make({ idInput: 'order-id' }).client.lookup('78', 1)).resolves.toEqual({
      status: 200,
      order: {
        status: 'pending',
        certificateId: undefined,
        commonName: 'a.example',
        validTill: undefined,
        orderId: '78'
      }
    })
  })

  it('rejects a 200 without a status, saying what came', async () => {
    handler = answer(200, '{"id":79}')
    const error = await failure(make({ idInput: 'order-id' }).client.lookup('79', 1))
    expect(error).toMatchObject({ kind: 'bad-success', status: 200 })
    expect(error.message).toBe(
      'HTTP 200: the Order info of order 79 has no status (body: {"id":79}); check api-url'
    )
  })

  it('rejects a 200 that is an HTML page, DigiCert errors, or empty', async () => {
    handler = answer(200, '<html>\n<title>Login</title>')
    const error = await failure(make({ idInput: 'order-id' }).client.lookup('80', 1))
    expect(error).toMatchObject({ kind: 'bad-success', status: 200 })
    expect(error.message).toBe(
      "HTTP 200 but the Order info of order 80 is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; body: <html> <title>Login</title>); check api-url and the network"
    )
    handler = answer(200, errors({ code: 'not_found|order', message: 'No such order.' }))
    const withErrors = await failure(make({ idInput: 'order-id' }).client.lookup('80', 1))
    expect(withErrors).toMatchObject({ kind: 'bad-success', codes: ['not_found|order'] })
    expect(withErrors.message).toBe(
      "HTTP 200 but the Order info of order 80 carries DigiCert's errors (not_found|order: No such order.); check order-id, and region if the account is on CertCentral Europe"
    )
    handler = answer(200)
    expect((await failure(make().client.lookup('81', 1))).message).toContain(
      'has no status (empty body)'
    )
  })

  it('judges a failed look-up like a call', async () => {
    handler = answer(401)
    await expect(make().client.lookup('82', 1)).rejects.toMatchObject({
      kind: 'key-refused',
      status: 401
    })
  })
})

// ---- failures of the connection ------------------------------------------------------------------

describe('connection failures', () => {
  it('times out a request that gets no answer, within its deadline', async () => {
    handler = () => undefined
    const started = Date.now()
    const error = await failure(send(make({ timeoutMs: DEADLINE_MS })))
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 500)
    expect(error).toMatchObject({ kind: 'timeout', status: null })
    expect(error.message).toMatch(
      /^timed out after 0\.3 s waiting for 127\.0\.0\.1:\d+; it may have been sent: check the audit log in CertCentral before sending it again, or raise timeout-seconds$/
    )
    const lookup = await failure(make({ timeoutMs: DEADLINE_MS }).client.lookup('5', 1))
    expect(lookup.message).toMatch(
      /^timed out after 0\.3 s waiting for 127\.0\.0\.1:\d+; raise timeout-seconds if it persists$/
    )
  })

  it('times out a body that stops halfway, naming the status that came', async () => {
    handler = (_, res) => {
      res.writeHead(500, { 'Content-Length': '1000' })
      res.write('{"errors":[{"code":"internal')
    }
    const error = await failure(send(make({ timeoutMs: DEADLINE_MS })))
    expect(error).toMatchObject({ kind: 'timeout', status: 500 })
    expect(error.message).toContain('(HTTP 500 arrived, its body did not)')
  })

  it('holds a deadline against a body that trickles forever', async () => {
    handler = (_, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' })
      const timer = setInterval(() => res.write('.'), 20)
      res.once('close', () => clearInterval(timer))
    }
    const started = Date.now()
    await expect(send(make({ timeoutMs: DEADLINE_MS }))).rejects.toMatchObject({
      kind: 'timeout',
      status: 500
    })
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 500)
  })

  it('names the system error of a reset before the answer', async () => {
    handler = req => req.socket.destroy()
    const error = await failure(send())
    expect(error).toMatchObject({ kind: 'network', status: null })
    expect(error.message).toMatch(
      /^the connection to 127\.0\.0\.1:\d+ failed \((ECONNRESET|EPIPE): .*\); check the runner's network, proxy and api-url; it may have been sent: check the audit log in CertCentral before sending it again$/
    )
  })

  it("says nothing of the audit log when a look-up's connection is reset", async () => {
    handler = req => req.socket.destroy()
    const error = await failure(make({ idInput: 'order-id' }).client.lookup('5', 1))
    expect(error).toMatchObject({ kind: 'network', status: null })
    expect(error.message).toMatch(
      /^the connection to 127\.0\.0\.1:\d+ failed \((ECONNRESET|EPIPE): .*\); check the runner's network, proxy and api-url$/
    )
  })

  it('names the status and the system error of a reset mid-body', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' })
      res.write('{"status":')
      setTimeout(() => req.socket.destroy(), 30)
    }
    const error = await failure(make({ idInput: 'order-id' }).client.lookup('5', 1))
    expect(error).toMatchObject({ kind: 'network', status: 200 })
    expect(error.message).toMatch(
      /^HTTP 200 from 127\.0\.0\.1:\d+, then the connection failed while reading its body \(ECONNRESET/
    )
  })

  it('names the host and ECONNREFUSED when nothing listens', async () => {
    const closed = net.createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as net.AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const error = await failure(send(make({ baseUrl: `http://127.0.0.1:${port}/services/v2` })))
    // 'unreached' once the transport tells a refused connection (reached: false)
    expect(error.status).toBeNull()
    expect(error.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}( failed)? \\(ECONNREFUSED`))
  })

  it.each<[string, TransportError, string]>([
    [
      'a refused connection',
      new TransportError({
        kind: 'network',
        status: null,
        code: 'ECONNREFUSED',
        detail: 'connect ECONNREFUSED 127.0.0.1:1',
        reached: false
      }),
      "could not reach HOST (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1): nothing was sent; check the runner's network, proxy and api-url, then send it again"
    ],
    [
      'a connect timeout',
      new TransportError({
        kind: 'timeout',
        status: null,
        code: 'ETIMEDOUT',
        detail: 'no connection in 300 ms',
        reached: false
      }),
      "could not reach HOST (ETIMEDOUT: no connection in 300 ms): nothing was sent; check the runner's network, proxy and api-url, then send it again"
    ],
    [
      'a cancellation before the request left',
      new TransportError({
        kind: 'cancelled',
        status: null,
        code: 'ECANCELED',
        detail: 'the run was cancelled',
        reached: false
      }),
      "cancelled before the request left the runner: nothing was sent; check the runner's network, proxy and api-url, then send it again"
    ]
  ])(
    'says nothing was sent when the request never left the runner: %s',
    async (_, error, message) => {
      const transport: Pick<Transport, 'request'> = { request: () => Promise.reject(error) }
      const failed = await failure(send(make({ transport })))
      expect(failed).toMatchObject({ kind: 'unreached', status: null })
      expect(failed.message).toBe(message.replace('HOST', new URL(baseUrl).host))
    }
  )

  it.each<[TransportFailureInfo['kind'], number | null, boolean]>([
    ['network', null, false],
    ['timeout', 200, true],
    ['cancelled', null, true],
    ['protocol', 101, true],
    ['network', 200, true]
  ])(
    "keeps the transport's error as its cause: %s, HTTP %s, reached %s",
    async (kind, status, reached) => {
      const error = new TransportError({ kind, status, code: 'ECODE', detail: 'detail', reached })
      const transport: Pick<Transport, 'request'> = { request: () => Promise.reject(error) }
      const failed = await failure(send(make({ transport })))
      expect(failed.cause).toBe(error)
    }
  )

  it("keeps the real transport's error as its cause, and none for a failure of its own", async () => {
    const port = await closedPort()
    const error = await failure(send(make({ baseUrl: `http://127.0.0.1:${port}/services/v2` })))
    expect(error.cause).toBeInstanceOf(TransportError)
    expect(error.cause).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', reached: false })
    const bug: Pick<Transport, 'request'> = {
      request: () => Promise.reject(new TypeError('a bug'))
    }
    const own = await failure(send(make({ transport: bug })))
    expect(own.cause).toBeUndefined()
    expect(Object.hasOwn(own, 'cause')).toBe(false)
  })

  it('reports a protocol switch as a network failure, promptly', async () => {
    const raw = net.createServer(socket =>
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
        )
      )
    )
    extraServers.push(raw)
    const rawSockets: net.Socket[] = []
    raw.on('connection', socket => {
      rawSockets.push(socket)
      socket.on('error', () => undefined)
    })
    await new Promise<void>(resolve => raw.listen(0, '127.0.0.1', resolve))
    const port = (raw.address() as net.AddressInfo).port
    const started = Date.now()
    const error = await failure(send(make({ baseUrl: `http://127.0.0.1:${port}/services/v2` })))
    for (const socket of rawSockets) socket.destroy()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toMatchObject({ kind: 'network', status: 101 })
    expect(error.message).toBe(
      `HTTP 101: 127.0.0.1:${port} switched protocols instead of answering; check api-url`
    )
  })

  it('takes a status below 100 for neither a success nor a redirect', async () => {
    const raw = net.createServer(socket => {
      socket.on('error', () => undefined)
      socket.once('data', () =>
        socket.end('HTTP/1.1 099 Odd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      )
    })
    extraServers.push(raw)
    await new Promise<void>(resolve => raw.listen(0, '127.0.0.1', resolve))
    const port = (raw.address() as net.AddressInfo).port
    const error = await failure(send(make({ baseUrl: `http://127.0.0.1:${port}/services/v2` })))
    expect(error).toMatchObject({ status: 99 })
    expect(error.message).toMatch(/^HTTP 99\b/)
    expect(error.message).not.toContain('redirect')
  })

  it('carries no DigiCert codes in a failure of the connection', async () => {
    handler = () => undefined
    const error = await failure(send(make({ timeoutMs: DEADLINE_MS })))
    expect(error).toMatchObject({ name: 'CertCentralError', kind: 'timeout', codes: [] })
  })

  it('reports a cancellation', async () => {
    handler = () => undefined
    const cancel = new AbortController()
    const promise = make().client.call('send-certificate', '1', sendBody, 1, cancel.signal)
    setTimeout(() => cancel.abort(), 30)
    const error = await failure(promise)
    expect(error).toMatchObject({ kind: 'cancelled' })
    expect(error.message).toBe(`cancelled while the request was in flight; ${MAY_HAVE_BEEN_SENT}`)
  })

  it.each([
    [
      'Order info',
      (made: ReturnType<typeof make>, cancel: AbortSignal) => made.client.lookup('5', 1, cancel)
    ],
    [
      'the order list',
      (made: ReturnType<typeof make>, cancel: AbortSignal) =>
        made.client.listOrders({ filter: 'common_name', value: 'a.example', offset: 0 }, 1, cancel)
    ],
    [
      'a duplicate list',
      (made: ReturnType<typeof make>, cancel: AbortSignal) => made.client.duplicates('5', 1, cancel)
    ]
  ])('says a look-up (%s) cancelled in flight sent nothing', async (_, lookUp) => {
    handler = () => undefined
    const cancel = new AbortController()
    const promise = lookUp(make(), cancel.signal)
    setTimeout(() => cancel.abort(), 30)
    const error = await failure(promise)
    expect(error).toMatchObject({ kind: 'cancelled' })
    expect(error.message).toBe(
      'cancelled while a look-up was in flight: nothing was sent; send it again'
    )
  })

  it('sanitizes system text and blames no network for a failure of its own', async () => {
    const transport: Pick<Transport, 'request'> = {
      request: () => Promise.reject(new TypeError(`bug with ${KEY}\n::error::x`))
    }
    const made = make({ transport })
    const error = await failure(send(made))
    expect(error).toMatchObject({ kind: 'network', status: null })
    expect(error.message).toBe('unexpected failure: bug with *** ::error::x')
    const detail: Pick<Transport, 'request'> = {
      request: () =>
        Promise.reject(
          new TransportError({
            kind: 'network',
            status: null,
            code: 'EX',
            detail: `connect ${KEY}\n::error::y`,
            reached: true
          })
        )
    }
    const second = await failure(send(make({ transport: detail })))
    expect(second.message).not.toContain(KEY)
    expectOneSafeLine(second.message)
  })
})

// ---- the debug log ---------------------------------------------------------------------------------

describe('the debug log', () => {
  /** A clock the server moves: each answer takes 250 ms. */
  function slowClock(): { now: () => number; tick: () => void } {
    let time = 1_000_000
    return { now: () => time, tick: () => void (time += 250) }
  }

  it('logs one line per request with method, URL, attempt, duration and status', async () => {
    const clock = slowClock()
    handler = (req, res, body) => {
      clock.tick()
      answer(204)(req, res, body)
    }
    const made = make({ now: clock.now })
    await made.client.call('send-certificate', '12', sendBody, 2)
    expect(made.logs).toEqual([
      `PUT ${shown}/certificate/12/sendemail attempt 2: HTTP 204 in 250 ms`
    ])
  })

  it('adds Retry-After when present, and never logs the key', async () => {
    const clock = slowClock()
    handler = (req, res, body) => {
      clock.tick()
      answer(429, errors({ code: 'request_limit_exceeded', message: KEY }), {
        'Retry-After': '30'
      })(req, res, body)
    }
    const made = make({ now: clock.now, idInput: 'order-id' })
    await expect(made.client.lookup('34', 3)).rejects.toMatchObject({ kind: 'rate-limited' })
    expect(made.logs).toEqual([
      `GET ${shown}/order/certificate/34 attempt 3: HTTP 429 in 250 ms, Retry-After: 30`
    ])
  })

  it('logs a failure with its kind, duration and the status that came', async () => {
    handler = (_, res) => {
      res.writeHead(500, { 'Content-Length': '10' })
      res.write('x')
    }
    const made = make({ timeoutMs: DEADLINE_MS })
    await expect(send(made)).rejects.toMatchObject({ kind: 'timeout' })
    expect(made.logs).toHaveLength(1)
    expect(made.logs[0]).toMatch(
      new RegExp(
        `^PUT ${shown.replace(/\./g, '\\.')}/certificate/123/sendemail attempt 1: timeout after \\d+ ms \\(HTTP 500\\)$`
      )
    )
  })

  it('logs the duration of a failed request from the clock it is given', async () => {
    const clock = slowClock()
    handler = req => {
      clock.tick()
      req.socket.destroy()
    }
    const made = make({ now: clock.now })
    await expect(send(made)).rejects.toMatchObject({ kind: 'network' })
    expect(made.logs).toEqual([
      `PUT ${shown}/certificate/123/sendemail attempt 1: network after 250 ms`
    ])
  })

  it('sends below a path of api-url and shows only its origin (a gateway token never logged)', async () => {
    const made = make({ baseUrl: `${origin}/t0k3n/services/v2`, idInput: 'order-id' })
    handler = (req, res, body) =>
      req.method === 'GET'
        ? answer(200, '{"status":"issued","certificate":{"id":77}}')(req, res, body)
        : answer(204)(req, res, body)
    await made.client.lookup('34', 1)
    await made.client.call('send-certificate', '77', sendBody, 1)
    expect(seen.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /t0k3n/services/v2/order/certificate/34',
      'PUT /t0k3n/services/v2/certificate/77/sendemail'
    ])
    expect(made.logs.map(line => line.replace(/ in \d+ ms$/, ''))).toEqual([
      `GET ${origin}/…/order/certificate/34 attempt 1: HTTP 200`,
      `PUT ${origin}/…/certificate/77/sendemail attempt 1: HTTP 204`
    ])
  })

  it('logs a sanitized Retry-After and never the key', async () => {
    handler = answer(429, '', { 'Retry-After': `${KEY} ::error::x` })
    const made = make()
    await expect(send(made)).rejects.toMatchObject({ kind: 'rate-limited' })
    expect(made.logs).toHaveLength(1)
    expect(made.logs[0]).toContain('Retry-After: *** ::error::x')
    expect(made.logs.join('\n')).not.toContain(KEY)
  })
})

// ---- finding a certificate (issue 17) -------------------------------------------------------------

describe('the look-ups that find a certificate', () => {
  const THUMB = 'AB'.repeat(20)

  it('Order info by thumbprint: the upper-case hex in the path', async () => {
    handler = answer(
      200,
      JSON.stringify({ id: 8001, status: 'issued', certificate: { id: 5, thumbprint: THUMB } })
    )
    await expect(make({ idInput: 'thumbprint' }).client.lookup(THUMB, 1)).resolves.toMatchObject({
      order: { orderId: '8001', certificateId: '5', thumbprint: THUMB }
    })
    expect(seen.map(s => `${s.method} ${s.path}`)).toEqual([
      `GET /services/v2/order/certificate/${THUMB}`
    ])
  })

  it('a 404 is a CertCentralError with its status (the chain takes it as "not this step")', async () => {
    handler = answer(404, errors({ code: 'not_found|order', message: 'Order not found' }))
    await expect(make({ idInput: 'serial-number' }).client.lookup('0A1B', 1)).rejects.toMatchObject(
      {
        kind: 'http',
        status: 404
      }
    )
  })

  it('the order list: the filters in the query, the empty list without orders', async () => {
    handler = answer(200, '{"page":{"total":0,"limit":1,"offset":0}}', {
      'content-type': 'application/json'
    })
    const { client } = make({ idInput: 'common-name' })
    await expect(
      client.listOrders({ filter: 'common_name', value: 'shop.example.com', offset: 100 }, 1)
    ).resolves.toEqual({
      status: 200,
      list: { orders: [], total: 0, offset: 0 }
    })
    expect(seen[0]?.path).toBe(
      '/services/v2/order/certificate?filters[common_name]=shop.example.com&filters[status]=issued&offset=100&limit=100'
    )
    expect(seen[0]?.headers['x-dc-devkey']).toBe(KEY)
  })

  it('the order list: a body that is not one is a bad success', async () => {
    handler = answer(200, '{"orders":"none"}')
    await expect(
      make({ idInput: 'serial-number' }).client.listOrders(
        { filter: 'serial_number', value: '0A', offset: 0 },
        1
      )
    ).rejects.toMatchObject({
      kind: 'bad-success',
      status: 200,
      message: 'HTTP 200: the order list is not one (body: {"orders":"none"}); check api-url'
    })
  })

  it("the order list: DigiCert's errors in a 200 are not an answer", async () => {
    handler = answer(200, errors({ code: 'invalid_filter', message: 'Bad filter' }))
    await expect(
      make({ idInput: 'serial-number' }).client.listOrders(
        { filter: 'serial_number', value: '0A', offset: 0 },
        1
      )
    ).rejects.toMatchObject({ kind: 'bad-success', codes: ['invalid_filter'] })
  })

  it('the duplicates of an order', async () => {
    handler = answer(200, JSON.stringify({ certificates: [{ id: 777, serial_number: '0a1b' }] }))
    const { client } = make({ idInput: 'certificate-file' })
    await expect(client.duplicates('8001', 1)).resolves.toEqual({
      status: 200,
      certificates: [
        {
          id: '777',
          serialNumber: '0A1B',
          thumbprint: undefined,
          commonName: undefined,
          status: undefined,
          dateIssued: undefined,
          validFrom: undefined,
          validTill: undefined
        }
      ]
    })
    expect(seen[0]?.path).toBe('/services/v2/order/certificate/8001/duplicate')
    handler = answer(200, '[1]')
    await expect(client.duplicates('8001', 1)).rejects.toMatchObject({
      kind: 'bad-success',
      message: 'HTTP 200: the duplicate list of order 8001 is not one (body: [1]); check api-url'
    })
    handler = answer(200, '<html>sign in</html>', { 'content-type': 'text/html' })
    await expect(client.duplicates('8001', 1)).rejects.toMatchObject({ kind: 'bad-success' })
  })

  it('the order list and the duplicates: a GET each, logged, and a 5xx not said to have sent anything', async () => {
    handler = answer(500)
    const made = make({ idInput: 'serial-number' })
    await expect(
      made.client.listOrders({ filter: 'serial_number', value: '0A', offset: 0 }, 2)
    ).rejects.toMatchObject({ kind: 'http', status: 500, message: 'HTTP 500: empty body' })
    await expect(made.client.duplicates('8001', 3)).rejects.toMatchObject({
      kind: 'http',
      status: 500,
      message: 'HTTP 500: empty body'
    })
    expect(seen.map(s => s.method)).toEqual(['GET', 'GET'])
    expect(made.logs.map(line => line.replace(/ in \d+ ms$/, ''))).toEqual([
      `GET ${shown}/order/certificate?filters[serial_number]=0A&offset=0&limit=100 attempt 2: HTTP 500`,
      `GET ${shown}/order/certificate/8001/duplicate attempt 3: HTTP 500`
    ])
  })

  it("the duplicates: an HTML page or DigiCert's errors in a 200 are not an answer, said as such", async () => {
    const { client } = make({ idInput: 'certificate-file' })
    handler = answer(200, '<html>sign in</html>', { 'content-type': 'text/html' })
    await expect(client.duplicates('8001', 1)).rejects.toMatchObject({
      kind: 'bad-success',
      status: 200,
      message:
        "HTTP 200 but the duplicate list of order 8001 is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; body: <html>sign in</html>); check api-url and the network"
    })
    handler = answer(200, errors({ code: 'invalid_filter', message: 'Bad filter' }))
    await expect(client.duplicates('8001', 1)).rejects.toMatchObject({
      kind: 'bad-success',
      codes: ['invalid_filter'],
      message:
        "HTTP 200 but the duplicate list of order 8001 carries DigiCert's errors (invalid_filter: Bad filter)"
    })
  })
})
