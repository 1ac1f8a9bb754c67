// A CertCentral stand-in: a real HTTP(S) server on loopback that serves the three endpoints the
// action calls (send certificate, email site seal, order info), checks the key, headers and body
// the way DigiCert's pages describe, answers a wrong key the way www.digicert.com was recorded
// answering, records every request, and can be told to misbehave per ID.
// Used by the tests, `npm run demo` and CI. `node standin/certcentral-standin.js --help` for the
// command line; it prints `listening on http://127.0.0.1:PORT/services/v2` and serves until
// SIGINT/SIGTERM. GET /_standin/requests returns what it received (the key is never recorded).
import { readFileSync } from 'node:fs'
import { STATUS_CODES, createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { pathToFileURL } from 'node:url'

export const DEFAULT_KEY = 'standin-api-key-0000'
/** A key that may only GET (DigiCert's "View Only" key): PUT and POST answer 403. */
export const VIEW_ONLY_KEY = 'standin-view-only-key'

/** The body www.digicert.com was recorded answering for a wrong key (status 403). */
export const INVALID_KEY_BODY =
  '{"errors":[{"code":"access_denied|access_denied_invalid_key","message":"Access denied due to access_denied_invalid_key."}]}'
/**
 * The headers of that recorded 403 (plus Content-Length and Date, which Node adds). No
 * Retry-After, no rate-limit headers. The Incapsula cookies' values are made up.
 * @type {Record<string, string | string[]>}
 */
export const INVALID_KEY_HEADERS = {
  server: 'nginx',
  'content-type': 'application/json',
  connection: 'close',
  'cache-control': 'private,no-cache',
  'strict-transport-security': 'max-age=31536000',
  'x-cdn': 'Imperva',
  'set-cookie': [
    'visid_incap_2318389=c3RhbmRpbi12aXNpdG9yLWlkLW5vdC1yZWFs; expires=Fri, 01 Jan 2038 00:00:00 GMT; HttpOnly; path=/; Domain=.digicert.com; Secure; SameSite=None',
    'incap_ses_1234_2318389=c3RhbmRpbi1zZXNzaW9uLW5vdC1yZWFs; path=/; Domain=.digicert.com; Secure; SameSite=None'
  ]
}

/** certificate.valid_till and certificate.date_issued of an order without its own. */
export const DEFAULT_VALID_TILL = '2027-01-15'
export const DEFAULT_DATE_ISSUED = '2026-01-15T12:00:00+00:00'
/** An order without a script: issued at once, with certificate.id = order ID + this. */
export const DEFAULT_CERTIFICATE_ID_OFFSET = 1_000_000

const FORMATS = ['attachment', 'plaintext', 'downloadlink']
const BOOLEAN_SEAL_FIELDS = [
  'seal_hover',
  'seal_autoplay',
  'seal_use_logo',
  'display_malware_scan',
  'display_ct_log',
  'display_pci_scan',
  'display_blocklist_check',
  'display_verified_customer'
]
const SEND_FIELDS = ['emails', 'certificate_collect_format', 'custom_message']
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const REDIRECT_DEFAULT = 'http://127.0.0.1:1/services/v2/redirected'

/**
 * What the stand-in does for one ID instead of its normal answer. `times`: only for the next N
 * requests of that ID, then the fault is gone. A fault takes effect only for a request whose key
 * passes (a wrong key still gets the recorded 403), except reset-before-body, which acts on
 * arrival.
 * @typedef {(
 *   | { kind: 'status', status: number, body?: string, headers?: Record<string, string> }
 *   | { kind: 'rate-limit', retryAfter?: string }
 *   | { kind: 'redirect', location: string, status?: number }
 *   | { kind: 'hang' }
 *   | { kind: 'hang-mid-body' }
 *   | { kind: 'trickle', intervalMs?: number }
 *   | { kind: 'trickle-headers', intervalMs?: number }
 *   | { kind: 'reset-before-body' }
 *   | { kind: 'reset-after-headers', status?: number }
 *   | { kind: 'reset-after-body' }
 *   | { kind: 'big-body', bytes: number }
 *   | { kind: 'not-found' }
 *   | { kind: 'switching-protocols' }
 *   | { kind: 'echo-key' }
 * ) & { times?: number }} Fault
 */

/**
 * How an order answers `GET /order/certificate/{id}`. Each GET answered 200 takes the next status,
 * the last one repeating (a GET that a fault, a 429 or a 403 answered takes none).
 * certificate.id, date_issued and valid_till are present only while the status is `issued`;
 * common_name and dns_names always.
 * @typedef {object} OrderScript
 * @property {string[]} [statuses]  `['issued']` by default
 * @property {number} [certificateId]  order ID + 1000000 by default
 * @property {string} [commonName]  `order-<id>.example.com` by default
 * @property {string[]} [dnsNames]  `[commonName]` by default
 * @property {string} [dateIssued]  DEFAULT_DATE_ISSUED by default
 * @property {string} [validTill]  DEFAULT_VALID_TILL by default
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {string | undefined} id  the certificate or order ID in the path
 * @property {boolean} keyPresent
 * @property {boolean} keyValid  the stand-in's key or its view-only key
 * @property {Record<string, string | string[] | undefined>} headers  every header but the key
 * @property {unknown} body  parsed JSON, or the raw text when it was not JSON ('' when empty)
 * @property {number} status  what the stand-in answered (0 when it hung or reset before a status)
 * @property {number} at  milliseconds since the stand-in started
 */

/**
 * @param {object} [options]
 * @param {string} [options.apiKey]
 * @param {number} [options.port]  0 (any free port) by default; always on 127.0.0.1
 * @param {number} [options.latencyMs]  added before every answer
 * @param {Record<string, Fault>} [options.faults]  by certificate or order ID
 * @param {Record<string, OrderScript>} [options.orders]  by order ID
 * @param {{ limit: number, windowMs: number }[]} [options.rateLimits]  answer 429 past these windows
 * @param {{ key: string | Buffer, cert: string | Buffer }} [options.tls]  serve HTTPS
 * @param {string} [options.hostname]  the name in origin and baseUrl (127.0.0.1 by default); the
 *   server still listens on 127.0.0.1 only: a name such as certcentral.test is for a proxy to map
 */
export async function startStandIn(options = {}) {
  const apiKey = options.apiKey ?? DEFAULT_KEY
  const latencyMs = options.latencyMs ?? 0
  /** @type {Map<string, Fault>} */
  const faults = new Map(Object.entries(options.faults ?? {}))
  /** @type {Map<string, OrderScript>} */
  const orders = new Map()
  /** @type {Map<string, number>} statuses served per order */
  const served = new Map()
  for (const [id, script] of Object.entries(options.orders ?? {})) setOrder(id, script)
  const rateLimits = options.rateLimits ?? []
  /** @type {number[]} */
  const arrivals = []
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  const started = Date.now()
  let connections = 0

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  const handle = (req, res) => {
    const chunks = /** @type {Buffer[]} */ ([])
    const id = idOf(pathOf(req.url ?? ''))
    const fault = id ? faults.get(id) : undefined
    if (fault && fault.times !== undefined && --fault.times <= 0 && id) faults.delete(id)
    if (fault?.kind === 'reset-before-body') {
      record(req, undefined, id, 0)
      req.socket.destroy()
      return
    }
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      setTimeout(() => answer(req, res, id, text, fault), latencyMs)
    })
  }
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
    : createHttpServer(handle)

  /** @param {import('node:net').Socket} socket */
  const track = socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  server.on('connection', socket => {
    connections++
    track(socket)
  })
  server.on('secureConnection', track)

  /**
   * @param {string} id
   * @param {OrderScript} script
   */
  function setOrder(id, script) {
    if (!/^\d+$/.test(id)) throw new TypeError(`setOrder: order ID ${id} is not digits`)
    const statuses = script.statuses
    if (
      statuses !== undefined &&
      (!Array.isArray(statuses) ||
        statuses.length === 0 ||
        !statuses.every(s => typeof s === 'string' && s !== ''))
    ) {
      throw new TypeError(`setOrder ${id}: statuses must be a non-empty list of strings`)
    }
    orders.set(id, script)
    served.set(id, 0)
  }

  /** @param {string} id */
  function orderBody(id) {
    const script = orders.get(id) ?? {}
    const statuses = script.statuses ?? ['issued']
    const count = served.get(id) ?? 0
    served.set(id, count + 1)
    const status = /** @type {string} */ (statuses[Math.min(count, statuses.length - 1)])
    const commonName = script.commonName ?? `order-${id}.example.com`
    /** @type {Record<string, unknown>} */
    const certificate = {
      common_name: commonName,
      dns_names: script.dnsNames ?? [commonName],
      signature_hash: 'sha256',
      key_size: 2048
    }
    if (status === 'issued') {
      certificate.id = script.certificateId ?? Number(id) + DEFAULT_CERTIFICATE_ID_OFFSET
      certificate.date_issued = script.dateIssued ?? DEFAULT_DATE_ISSUED
      certificate.valid_till = script.validTill ?? DEFAULT_VALID_TILL
    }
    return {
      id: Number(id),
      status,
      certificate,
      date_created: '2026-01-14T09:30:00+00:00',
      product: { name_id: 'ssl_basic', name: 'Basic TLS/SSL', type: 'ssl_certificate' }
    }
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {string | undefined} text
   * @param {string | undefined} id
   * @param {number} status
   */
  function record(req, text, id, status) {
    const headers = { ...req.headers }
    const key = headers['x-dc-devkey']
    delete headers['x-dc-devkey']
    let body = text
    try {
      body = text === undefined || text === '' ? text : JSON.parse(text)
    } catch {
      // kept as text
    }
    /** @type {RecordedRequest} */
    const entry = {
      method: req.method ?? '',
      path: req.url ?? '',
      id,
      keyPresent: key !== undefined,
      keyValid: key === apiKey || key === VIEW_ONLY_KEY,
      headers,
      body,
      status,
      at: Date.now() - started
    }
    requests.push(entry)
    return entry
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string | undefined} id
   * @param {string} text
   * @param {Fault | undefined} fault
   */
  function answer(req, res, id, text, fault) {
    const method = req.method ?? ''
    const path = pathOf(req.url ?? '')
    if (path === '/_standin/requests' && method === 'GET') {
      return send(res, 200, JSON.stringify(requests))
    }
    const entry = record(req, text, id, 0)
    /** @type {Reply} */
    const reply = (status, body = '', headers = {}) => {
      entry.status = status
      send(res, status, body, headers)
    }
    /** @type {(status: number, code: string, message: string) => void} */
    const errors = (status, code, message) =>
      reply(status, JSON.stringify({ errors: [{ code, message }] }))

    const now = Date.now()
    arrivals.push(now)
    for (const { limit, windowMs } of rateLimits) {
      if (arrivals.filter(t => t > now - windowMs).length > limit) {
        return errors(
          429,
          'request_limit_exceeded',
          'Service unavailable, please limit request volume'
        )
      }
    }

    const route = routeOf(method, path)
    if (!route) return errors(404, 'not_found|route', 'The specified route was not found.')
    const key = req.headers['x-dc-devkey']
    if (key !== apiKey && key !== VIEW_ONLY_KEY) {
      // a wrong, empty or missing key: the answer recorded from www.digicert.com
      entry.status = 403
      res.writeHead(403, 'Forbidden', {
        ...INVALID_KEY_HEADERS,
        'content-length': String(Buffer.byteLength(INVALID_KEY_BODY))
      })
      res.end(INVALID_KEY_BODY)
      return
    }
    if (key === VIEW_ONLY_KEY && route !== 'order') {
      return errors(403, 'access_denied|missing_permission', 'This API key is view only.')
    }

    if (fault) return misbehave(req, res, entry, route, fault, reply, errors)

    if (route === 'order') return reply(200, JSON.stringify(orderBody(/** @type {string} */ (id))))

    // The email-seal call needs no body at all; a body, when there is one, must be JSON.
    if (route === 'seal' && text === '') return reply(204)
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return errors(400, 'bad_request_format', 'Content-Type must be application/json.')
    }
    let body
    try {
      body = JSON.parse(text)
    } catch {
      return errors(400, 'bad_request_format', 'The request body is not valid JSON.')
    }
    const problem = route === 'send' ? sendProblem(body) : sealProblem(body)
    if (problem) return errors(400, problem.code, problem.message)
    reply(204)
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {RecordedRequest} entry
   * @param {Route} route
   * @param {Fault} fault
   * @param {Reply} reply
   * @param {(status: number, code: string, message: string) => void} errors
   */
  function misbehave(req, res, entry, route, fault, reply, errors) {
    const socket = req.socket
    switch (fault.kind) {
      case 'status':
        return reply(fault.status, fault.body ?? '', fault.headers ?? {})
      case 'not-found':
        return route === 'order'
          ? errors(404, 'not_found|order', 'The specified order was not found.')
          : errors(404, 'not_found', 'Not found.')
      case 'rate-limit':
        entry.status = 429
        return send(
          res,
          429,
          JSON.stringify({
            errors: [
              {
                code: 'request_limit_exceeded',
                message: 'Service unavailable, please limit request volume'
              }
            ]
          }),
          fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }
        )
      case 'redirect':
        return reply(fault.status ?? 302, '', { Location: fault.location })
      case 'hang':
        return // never answers; closed with the server
      case 'hang-mid-body':
        entry.status = 500
        res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': '1000' })
        res.write('{"errors":[{"code":"internal')
        return
      case 'reset-after-body':
        socket.destroy()
        return
      case 'reset-after-headers': {
        // a status line and headers promising 1000 bytes, part of the body, then the end
        const status = fault.status ?? (route === 'order' ? 200 : 500)
        entry.status = status
        const partial = route === 'order' ? `{"id":${entry.id},"status":"iss` : '{"errors":[{"code'
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n' +
            partial,
          () => socket.destroy()
        )
        return
      }
      case 'switching-protocols':
        // a 101 nobody asked for, then silence on an open socket
        entry.status = 101
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
        )
        return
      case 'echo-key': {
        // the key back in the error message: once JSON-escaped character by character
        // (\u0073\u0074...), once as plain text, to test a client's redaction of both
        const key = String(req.headers['x-dc-devkey'] ?? '')
        const escaped = Array.from(
          { length: key.length },
          (_, i) => `\\u${key.charCodeAt(i).toString(16).padStart(4, '0')}`
        ).join('')
        const plain = JSON.stringify(key).slice(1, -1)
        return reply(
          400,
          `{"errors":[{"code":"bad_request_format","message":"The key ${escaped} is not valid for this request (key: ${plain})."}]}`
        )
      }
      case 'trickle-headers': {
        // a status line, then one header line at a time, never ending the headers
        entry.status = 200
        socket.write('HTTP/1.1 200 OK\r\n')
        const timer = setInterval(() => socket.write('X-Slow: .\r\n'), fault.intervalMs ?? 50)
        socket.on('close', () => clearInterval(timer))
        return
      }
      case 'trickle': {
        // one byte at a time, never finishing: an idle timeout never fires, only a deadline does
        entry.status = 500
        res.writeHead(500, { 'Content-Type': 'text/plain' })
        const timer = setInterval(() => res.write('.'), fault.intervalMs ?? 50)
        res.on('close', () => clearInterval(timer))
        return
      }
      case 'big-body': {
        entry.status = 500
        res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Length': String(fault.bytes) })
        const chunk = Buffer.alloc(64 * 1024, 'x')
        let left = fault.bytes
        const pump = () => {
          while (left > 0) {
            const piece = chunk.subarray(0, Math.min(chunk.length, left))
            left -= piece.length
            if (!res.write(piece)) return res.once('drain', pump)
          }
          res.end()
        }
        res.on('error', () => {})
        return pump()
      }
      case 'reset-before-body':
        return // handled on arrival
    }
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const hostname = options.hostname ?? '127.0.0.1'
  const origin = `${options.tls ? 'https' : 'http'}://${
    hostname.includes(':') ? `[${hostname}]` : hostname
  }:${address.port}`
  return {
    /** `http://127.0.0.1:PORT`, or `https://HOSTNAME:PORT` with tls and hostname. */
    origin,
    baseUrl: `${origin}/services/v2`,
    /** The port on 127.0.0.1. */
    port: address.port,
    apiKey,
    requests,
    /** Connections accepted so far. */
    connections: () => connections,
    /** @param {string} id @param {Fault} fault */
    setFault: (id, fault) => void faults.set(id, fault),
    /** @param {string} id */
    clearFault: id => void faults.delete(id),
    /** Replaces an order's script and starts it again from its first status. */
    setOrder,
    /**
     * GETs of this order received so far, whatever they were answered.
     * @param {string} id
     */
    orderGets: id => requests.filter(r => r.method === 'GET' && r.id === id).length,
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve(undefined))
      })
  }
}

/** @typedef {'send' | 'seal' | 'order'} Route */
/** @typedef {(status: number, body?: string, headers?: Record<string, string | string[]>) => void} Reply */

/** @param {string} url */
function pathOf(url) {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/** The first all-digits path segment: the certificate or order ID. @param {string} path */
function idOf(path) {
  return /\/(\d+)(?=\/|$)/.exec(path)?.[1]
}

/**
 * @param {string} method
 * @param {string} path
 * @returns {Route | undefined}
 */
function routeOf(method, path) {
  if (method === 'PUT' && /^\/services\/v2\/certificate\/\d+\/sendemail$/.test(path)) return 'send'
  if (
    method === 'POST' &&
    /^\/services\/v2\/order\/certificate\/\d+\/site-seal\/email-seal$/.test(path)
  )
    return 'seal'
  // the real API also takes the certificate's thumbprint or serial number here; the stand-in
  // knows orders by ID only
  if (method === 'GET' && /^\/services\/v2\/order\/certificate\/\d+$/.test(path)) return 'order'
  return undefined
}

// The `invalid_value:<field>` and `required_param:<field>` codes below are the stand-in's own
// guess, not confirmed for this API: they come from DigiCert's older Retail API. Only the status
// (400) and the `{"errors":[{code, message}]}` shape are documented for CertCentral.

/** @param {unknown} body */
function sendProblem(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { code: 'bad_request_format', message: 'The body must be a JSON object.' }
  }
  const b = /** @type {Record<string, unknown>} */ (body)
  for (const field of Object.keys(b)) {
    if (!SEND_FIELDS.includes(field))
      return { code: `invalid_value:${field}`, message: `Unknown field ${field}.` }
  }
  if (b.emails === undefined)
    return { code: 'required_param:emails', message: 'emails is required.' }
  if (
    !Array.isArray(b.emails) ||
    b.emails.length === 0 ||
    !b.emails.every(e => typeof e === 'string' && EMAIL.test(e))
  ) {
    return { code: 'invalid_value:emails', message: 'emails must be a list of addresses.' }
  }
  if (b.certificate_collect_format === undefined) {
    return {
      code: 'required_param:certificate_collect_format',
      message: 'certificate_collect_format is required.'
    }
  }
  if (!FORMATS.includes(/** @type {string} */ (b.certificate_collect_format))) {
    return { code: 'invalid_value:certificate_collect_format', message: 'Not a collect format.' }
  }
  if (b.custom_message !== undefined && typeof b.custom_message !== 'string') {
    return { code: 'invalid_value:custom_message', message: 'custom_message must be a string.' }
  }
  return undefined
}

/** @param {unknown} body */
function sealProblem(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { code: 'bad_request_format', message: 'The body must be a JSON object.' }
  }
  const b = /** @type {Record<string, unknown>} */ (body)
  for (const field of SEND_FIELDS) {
    if (field in b)
      return { code: `invalid_value:${field}`, message: `${field} is not a site seal parameter.` }
  }
  if (
    b.recipient_email !== undefined &&
    (typeof b.recipient_email !== 'string' || !EMAIL.test(b.recipient_email))
  ) {
    return {
      code: 'invalid_value:recipient_email',
      message: 'recipient_email must be one address.'
    }
  }
  if (b.seal_size !== undefined && !['s', 'm', 'l'].includes(/** @type {string} */ (b.seal_size))) {
    return { code: 'invalid_value:seal_size', message: 'seal_size must be s, m or l.' }
  }
  if (b.seal_number !== undefined && ![16, 17, 18].includes(Number(b.seal_number))) {
    return { code: 'invalid_value:seal_number', message: 'seal_number must be 16, 17 or 18.' }
  }
  for (const field of BOOLEAN_SEAL_FIELDS) {
    if (b[field] !== undefined && typeof b[field] !== 'boolean') {
      return { code: `invalid_value:${field}`, message: `${field} must be a boolean.` }
    }
  }
  return undefined
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} body
 * @param {Record<string, string | string[]>} [headers]
 */
function send(res, status, body, headers = {}) {
  const type =
    body.startsWith('{') || body.startsWith('[') ? { 'Content-Type': 'application/json' } : {}
  res.writeHead(status, { ...type, 'Content-Length': String(Buffer.byteLength(body)), ...headers })
  res.end(body)
}

// ---------------------------------------------------------------------------------------------
// The command line

/**
 * Every fault kind, its argument on the command line (`--fault ID=KIND[:ARG]`) and what it does.
 * @type {{ kind: Fault['kind'], arg?: string, help: string }[]}
 */
export const FAULT_KINDS = [
  { kind: 'status', arg: 'CODE', help: 'answer HTTP CODE (200-599; 500 if omitted), empty body' },
  {
    kind: 'rate-limit',
    arg: 'RETRY_AFTER',
    help: '429 request_limit_exceeded; with a Retry-After header when given (seconds or a date)'
  },
  {
    kind: 'redirect',
    arg: 'URL',
    help: `302 to URL (${REDIRECT_DEFAULT} if omitted)`
  },
  { kind: 'not-found', help: '404 not_found|order on an order GET, 404 not_found otherwise' },
  { kind: 'hang', help: 'read the request, never answer' },
  { kind: 'hang-mid-body', help: '500 headers and part of the body, then silence' },
  { kind: 'trickle', help: '500, then one body byte every 50 ms, never ending' },
  {
    kind: 'trickle-headers',
    help: 'a status line, then one header line every 50 ms, never ending'
  },
  { kind: 'reset-before-body', help: 'close the connection before reading the request body' },
  {
    kind: 'reset-after-headers',
    arg: 'CODE',
    help: 'status line and headers (Content-Length: 1000), part of the body, then close; CODE 200 on an order GET, 500 otherwise, if omitted'
  },
  { kind: 'reset-after-body', help: 'read the request, then close without answering' },
  { kind: 'big-body', arg: 'BYTES', help: '500 with a body of BYTES bytes (5 MiB if omitted)' },
  {
    kind: 'switching-protocols',
    help: '101 Switching Protocols (Upgrade: websocket), then silence on the open socket'
  },
  {
    kind: 'echo-key',
    help: '400 whose message holds the X-DC-DEVKEY value \\u-escaped and in plain text'
  }
]

/** Fault kinds that take no argument: `--fault ID=KIND`. */
export const SIMPLE_FAULT_KINDS = FAULT_KINDS.filter(k => k.arg === undefined).map(k => k.kind)

const validKinds = () => FAULT_KINDS.map(k => (k.arg ? `${k.kind}[:${k.arg}]` : k.kind)).join(', ')

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * @param {string} what
 * @param {string | undefined} arg
 * @param {number} min
 * @param {number} max
 */
function integerArg(what, arg, min, max) {
  const n = Number(arg)
  if (!/^\d+$/.test(arg ?? '') || n < min || n > max)
    throw new UsageError(`${what}: expected a whole number from ${min} to ${max}, not "${arg}"`)
  return n
}

/**
 * `ID=KIND[:ARG]`, e.g. `404=not-found`, `7=rate-limit:30`, `9=status:500`, `5=redirect:https://x/`.
 * @param {string} spec
 * @returns {[string, Fault]}
 */
export function parseFaultSpec(spec) {
  const match = /^(\d+)=([a-z-]+)(?::(.*))?$/.exec(spec)
  if (!match)
    throw new UsageError(
      `--fault ${spec}: expected ID=KIND[:ARG] with a numeric ID; kinds: ${validKinds()}`
    )
  const [, id, kind, arg] = /** @type {[string, string, string, string | undefined]} */ (
    /** @type {unknown} */ (match)
  )
  const known = FAULT_KINDS.find(k => k.kind === kind)
  if (!known)
    throw new UsageError(`--fault ${spec}: unknown kind ${kind}; valid kinds: ${validKinds()}`)
  if (arg !== undefined && known.arg === undefined)
    throw new UsageError(`--fault ${spec}: ${kind} takes no argument; valid kinds: ${validKinds()}`)
  const what = `--fault ${spec}`
  /** @type {Fault} */
  let fault
  if (kind === 'status')
    fault = { kind, status: arg === undefined ? 500 : integerArg(what, arg, 200, 599) }
  else if (kind === 'rate-limit') {
    if (arg === '') throw new UsageError(`${what}: an empty Retry-After; omit ":" for none`)
    fault = arg === undefined ? { kind } : { kind, retryAfter: arg }
  } else if (kind === 'redirect') fault = { kind, location: arg || REDIRECT_DEFAULT }
  else if (kind === 'big-body')
    fault = {
      kind,
      bytes: arg === undefined ? 5 * 1024 * 1024 : integerArg(what, arg, 1, 1024 * 1024 * 1024)
    }
  else if (kind === 'reset-after-headers')
    fault = arg === undefined ? { kind } : { kind, status: integerArg(what, arg, 200, 599) }
  else fault = /** @type {Fault} */ ({ kind })
  return [id, fault]
}

const ORDER_SPEC = 'ID=STATUS[*N][,STATUS[*N]...][:CERTID]'

/**
 * `ID=STATUS[*N][,STATUS[*N]...][:CERTID]`, e.g. `7001=pending*2,issued:9007001`, `7002=rejected`.
 * @param {string} spec
 * @returns {[string, OrderScript]}
 */
export function parseOrderSpec(spec) {
  const match = /^(\d+)=([^:]+)(?::(\d+))?$/.exec(spec)
  const bad = (/** @type {string} */ why) =>
    new UsageError(
      `--order ${spec}: ${why}; expected ${ORDER_SPEC}, e.g. 7001=pending*2,issued:9007001`
    )
  if (!match) throw bad('not of the expected form')
  const [, id, list, certId] = /** @type {[string, string, string, string | undefined]} */ (
    /** @type {unknown} */ (match)
  )
  /** @type {string[]} */
  const statuses = []
  for (const item of list.split(',')) {
    const step = /^([a-z_]+)(?:\*(\d+))?$/.exec(item)
    if (!step) throw bad(`"${item}" is not a status (lower-case letters and _)`)
    const times = step[2] === undefined ? 1 : Number(step[2])
    if (times < 1 || times > 1000) throw bad(`"${item}": N must be from 1 to 1000`)
    for (let i = 0; i < times; i++) statuses.push(/** @type {string} */ (step[1]))
  }
  /** @type {OrderScript} */
  const script = { statuses }
  if (certId !== undefined) script.certificateId = Number(certId)
  return [id, script]
}

/**
 * One fault kind's lines in --help, wrapped at 100 columns.
 * @param {{ kind: string, arg?: string, help: string }} k
 */
function faultHelp(k) {
  const lines = [`    ${(k.arg ? `${k.kind}[:${k.arg}]` : k.kind).padEnd(27)}`]
  for (const word of k.help.split(' ')) {
    const last = /** @type {string} */ (lines[lines.length - 1])
    if (last.length + 1 + word.length > 100 && last.trim() !== '') lines.push(' '.repeat(31) + word)
    else lines[lines.length - 1] = last.length > 31 ? `${last} ${word}` : last + word
  }
  return lines.join('\n')
}

export const USAGE = `usage: node standin/certcentral-standin.js [options]

A CertCentral Services API v2 stand-in on 127.0.0.1: PUT /certificate/{id}/sendemail,
POST /order/certificate/{id}/site-seal/email-seal, GET /order/certificate/{id}.
Prints "listening on URL" and serves until SIGINT/SIGTERM. GET /_standin/requests lists what it got.

options:
  --port N               port on 127.0.0.1 (0, any free one, by default)
  --key KEY              the API key it accepts (default ${DEFAULT_KEY}); a wrong or
                         missing key gets DigiCert's 403 access_denied|access_denied_invalid_key;
                         ${VIEW_ONLY_KEY} is always a view-only key (GET only)
  --fault ID=KIND[:ARG]  misbehave for a certificate or order ID (repeatable), KIND one of:
${FAULT_KINDS.map(k => faultHelp(k)).join('\n')}
  --order ${ORDER_SPEC}
                         what GET /order/certificate/ID answers, one status per GET, the last
                         repeating; certificate.id (CERTID, default ID+1000000) only while issued.
                         e.g. --order 7001=pending*2,issued:9007001 --order 7002=rejected.
                         An order without one is issued at once (repeatable)
  --latency-ms MS        wait MS before every answer
  --tls-cert FILE        serve HTTPS with this certificate (PEM); needs --tls-key
  --tls-key FILE         the certificate's private key (PEM)
  --hostname NAME        the host name printed in the URL (e.g. certcentral.test for a proxy to
                         map to 127.0.0.1); it still listens on 127.0.0.1 only
  -h, --help             this text`

const OPTIONS = [
  '--port',
  '--key',
  '--fault',
  '--order',
  '--latency-ms',
  '--tls-cert',
  '--tls-key',
  '--hostname',
  '--help'
]

/**
 * @typedef {object} CommandLine
 * @property {boolean} help
 * @property {number} port
 * @property {string} apiKey
 * @property {Record<string, Fault>} faults
 * @property {Record<string, OrderScript>} orders
 * @property {number} latencyMs
 * @property {string | undefined} tlsCert
 * @property {string | undefined} tlsKey
 * @property {string | undefined} hostname
 */

/**
 * @param {string[]} args  process.argv.slice(2)
 * @returns {CommandLine}
 */
export function parseArgs(args) {
  /** @type {CommandLine} */
  const cli = {
    help: false,
    port: 0,
    apiKey: DEFAULT_KEY,
    faults: {},
    orders: {},
    latencyMs: 0,
    tlsCert: undefined,
    tlsKey: undefined,
    hostname: undefined
  }
  for (let i = 0; i < args.length; i++) {
    const arg = /** @type {string} */ (args[i])
    if (arg === '--help' || arg === '-h') {
      cli.help = true
      continue
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (!OPTIONS.includes(name))
      throw new UsageError(`unknown option ${name}; valid options: ${OPTIONS.join(', ')}, -h`)
    let value = eq === -1 ? args[++i] : arg.slice(eq + 1)
    if (value === undefined) throw new UsageError(`${name} needs a value (see --help)`)
    if (name === '--port') cli.port = integerArg('--port', value, 0, 65535)
    else if (name === '--key') {
      if (value === '') throw new UsageError('--key: an empty key')
      cli.apiKey = value
    } else if (name === '--fault') {
      const [id, fault] = parseFaultSpec(value)
      cli.faults[id] = fault
    } else if (name === '--order') {
      const [id, script] = parseOrderSpec(value)
      cli.orders[id] = script
    } else if (name === '--latency-ms') cli.latencyMs = integerArg(name, value, 0, 600_000)
    else if (name === '--tls-cert') cli.tlsCert = value
    else if (name === '--tls-key') cli.tlsKey = value
    else if (name === '--hostname') {
      value = value.toLowerCase()
      if (!/^[a-z0-9.:-]+$/.test(value))
        throw new UsageError(`--hostname ${value}: expected a host name or an IP literal`)
      cli.hostname = value
    }
  }
  if ((cli.tlsCert === undefined) !== (cli.tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together')
  return cli
}

/** @param {string} file @param {string} what */
function readPem(file, what) {
  try {
    return readFileSync(file)
  } catch (error) {
    throw new UsageError(`${what} ${file}: ${/** @type {Error} */ (error).message}`)
  }
}

async function main() {
  /** @type {CommandLine} */
  let cli
  /** @type {{ key: Buffer, cert: Buffer } | undefined} */
  let tls
  try {
    cli = parseArgs(process.argv.slice(2))
    if (cli.help) {
      console.log(USAGE)
      return
    }
    if (cli.tlsCert !== undefined && cli.tlsKey !== undefined)
      tls = { cert: readPem(cli.tlsCert, '--tls-cert'), key: readPem(cli.tlsKey, '--tls-key') }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`certcentral-standin: ${error.message}`)
    process.exitCode = 2
    return
  }
  let standIn
  try {
    standIn = await startStandIn({
      apiKey: cli.apiKey,
      port: cli.port,
      faults: cli.faults,
      orders: cli.orders,
      latencyMs: cli.latencyMs,
      ...(tls ? { tls } : {}),
      ...(cli.hostname ? { hostname: cli.hostname } : {})
    })
  } catch (error) {
    // e.g. EADDRINUSE, or a key and certificate that do not match
    console.error(`certcentral-standin: cannot start: ${/** @type {Error} */ (error).message}`)
    process.exitCode = 1
    return
  }
  const where = cli.hostname ? ` (on 127.0.0.1:${standIn.port})` : ''
  console.log(`listening on ${standIn.baseUrl}${where}`)
  const stop = () => void standIn.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
