// A CertCentral stand-in: a real HTTP server on loopback that serves the two endpoints the action
// calls, checks the key, headers and body the way DigiCert's pages describe, records every
// request, and can be told to misbehave per ID. Used by the tests, `npm run demo` and CI.
//
//   node standin/certcentral-standin.js [--port N] [--key KEY] [--fault ID=KIND[:ARG]]...
//
// prints `listening on http://127.0.0.1:PORT/services/v2` and serves until SIGINT/SIGTERM.
// GET /_standin/requests returns what it received (the key itself is never recorded).
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'

export const DEFAULT_KEY = 'standin-api-key-0000'
export const VIEW_ONLY_KEY = 'standin-view-only-key'
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

/**
 * What the stand-in does for one ID instead of its normal answer.
 * @typedef {(
 *   | { kind: 'status', status: number, body?: string, headers?: Record<string, string> }
 *   | { kind: 'rate-limit', retryAfter?: string }
 *   | { kind: 'redirect', location: string, status?: number }
 *   | { kind: 'hang' }
 *   | { kind: 'hang-mid-body' }
 *   | { kind: 'trickle', intervalMs?: number }
 *   | { kind: 'trickle-headers', intervalMs?: number }
 *   | { kind: 'reset-before-body' }
 *   | { kind: 'reset-after-body' }
 *   | { kind: 'big-body', bytes: number }
 *   | { kind: 'not-found' }
 * ) & { times?: number }} Fault
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {string | undefined} id
 * @property {boolean} keyPresent
 * @property {boolean} keyValid
 * @property {Record<string, string | string[] | undefined>} headers  every header but the key
 * @property {unknown} body  parsed JSON, or the raw text when it was not JSON
 * @property {number} status  what the stand-in answered (0 when it hung or reset)
 * @property {number} at  milliseconds since the stand-in started
 */

/**
 * @param {object} [options]
 * @param {string} [options.apiKey]
 * @param {number} [options.port]
 * @param {number} [options.latencyMs]  added before every answer
 * @param {Record<string, Fault>} [options.faults]  by certificate or order ID
 * @param {{ limit: number, windowMs: number }[]} [options.rateLimits]  answer 429 past these windows
 */
export async function startStandIn(options = {}) {
  const apiKey = options.apiKey ?? DEFAULT_KEY
  const latencyMs = options.latencyMs ?? 0
  /** @type {Map<string, Fault>} */
  const faults = new Map(Object.entries(options.faults ?? {}))
  const rateLimits = options.rateLimits ?? []
  /** @type {number[]} */
  const arrivals = []
  /** @type {RecordedRequest[]} */
  const requests = []
  const sockets = new Set()
  const started = Date.now()
  let connections = 0

  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([])
    const id = /\/(\d+)\//.exec(req.url ?? '')?.[1]
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
  })

  server.on('connection', socket => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

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
    if (req.url === '/_standin/requests' && req.method === 'GET') {
      return send(res, 200, JSON.stringify(requests))
    }
    const entry = record(req, text, id, 0)
    const reply = (/** @type {number} */ status, /** @type {string} */ body = '', headers = {}) => {
      entry.status = status
      send(res, status, body, headers)
    }
    const errors = (
      /** @type {number} */ status,
      /** @type {string} */ code,
      /** @type {string} */ message,
      headers = {}
    ) => reply(status, JSON.stringify({ errors: [{ code, message }] }), headers)

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

    const route = routeOf(req.method ?? '', req.url ?? '')
    if (!route) return errors(404, 'not_found|route', 'The requested route was not found.')
    const key = req.headers['x-dc-devkey']
    if (key === undefined || key === '')
      return errors(401, 'access_denied|invalid_auth', 'No API key was provided.')
    if (key === VIEW_ONLY_KEY) {
      return errors(403, 'access_denied|missing_permission', 'This API key is view only.')
    }
    if (key !== apiKey)
      return errors(401, 'access_denied|invalid_auth', 'The API key is not valid.')

    if (fault) return misbehave(req, res, entry, fault)

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
   * @param {Fault} fault
   */
  function misbehave(req, res, entry, fault) {
    switch (fault.kind) {
      case 'status':
        entry.status = fault.status
        return send(res, fault.status, fault.body ?? '', fault.headers ?? {})
      case 'not-found':
        entry.status = 404
        return send(
          res,
          404,
          JSON.stringify({ errors: [{ code: 'not_found', message: 'Not found.' }] })
        )
      case 'rate-limit': {
        entry.status = 429
        const body = JSON.stringify({
          errors: [
            {
              code: 'request_limit_exceeded',
              message: 'Service unavailable, please limit request volume'
            }
          ]
        })
        return send(
          res,
          429,
          body,
          fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }
        )
      }
      case 'redirect':
        entry.status = fault.status ?? 302
        return send(res, entry.status, '', { Location: fault.location })
      case 'hang':
        return // never answers; closed with the server
      case 'hang-mid-body':
        entry.status = 500
        res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': '1000' })
        res.write('{"errors":[{"code":"internal')
        return
      case 'reset-after-body':
        req.socket.destroy()
        return
      case 'trickle-headers': {
        // a status line, then one header line at a time, never ending the headers
        entry.status = 200
        req.socket.write('HTTP/1.1 200 OK\r\n')
        const timer = setInterval(() => req.socket.write('X-Slow: .\r\n'), fault.intervalMs ?? 50)
        req.socket.on('close', () => clearInterval(timer))
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

  await new Promise(resolve =>
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  )
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const origin = `http://127.0.0.1:${address.port}`
  return {
    origin,
    baseUrl: `${origin}/services/v2`,
    apiKey,
    requests,
    /** Connections accepted so far. */
    connections: () => connections,
    /** @param {string} id @param {Fault} fault */
    setFault: (id, fault) => void faults.set(id, fault),
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve(undefined))
      })
  }
}

/** @param {string} method @param {string} url */
function routeOf(method, url) {
  if (method === 'PUT' && /^\/services\/v2\/certificate\/\d+\/sendemail$/.test(url)) return 'send'
  if (
    method === 'POST' &&
    /^\/services\/v2\/order\/certificate\/\d+\/site-seal\/email-seal$/.test(url)
  )
    return 'seal'
  return undefined
}

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
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  const type =
    body.startsWith('{') || body.startsWith('[') ? { 'Content-Type': 'application/json' } : {}
  res.writeHead(status, { ...type, 'Content-Length': String(Buffer.byteLength(body)), ...headers })
  res.end(body)
}

/** Fault kinds that take no argument: `--fault ID=KIND`. */
export const SIMPLE_FAULT_KINDS = [
  'hang',
  'hang-mid-body',
  'trickle',
  'trickle-headers',
  'reset-before-body',
  'reset-after-body',
  'not-found'
]

/**
 * `ID=KIND[:ARG]`, e.g. `404=not-found`, `7=rate-limit:30`, `9=status:500`, `5=redirect:https://x/`.
 * @param {string} spec
 * @returns {[string, Fault]}
 */
export function parseFaultSpec(spec) {
  const match = /^(\d+)=([a-z-]+)(?::(.*))?$/.exec(spec)
  if (!match) throw new Error(`--fault ${spec}: expected ID=KIND[:ARG]`)
  const [, id, kind, arg] = /** @type {[string, string, string, string | undefined]} */ (
    /** @type {unknown} */ (match)
  )
  /** @type {Fault} */
  let fault
  if (kind === 'status') fault = { kind, status: Number(arg ?? 500) }
  else if (kind === 'rate-limit') fault = arg === undefined ? { kind } : { kind, retryAfter: arg }
  else if (kind === 'redirect') fault = { kind, location: arg ?? 'https://example.invalid/' }
  else if (kind === 'big-body') fault = { kind, bytes: Number(arg ?? 5 * 1024 * 1024) }
  else if (SIMPLE_FAULT_KINDS.includes(kind)) {
    fault = /** @type {Fault} */ ({ kind })
  } else throw new Error(`--fault ${spec}: unknown kind ${kind}`)
  return [id, fault]
}

async function main() {
  const args = process.argv.slice(2)
  /** @type {Record<string, Fault>} */
  const faults = {}
  let port = 0
  let apiKey = DEFAULT_KEY
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1] ?? ''
    if (args[i] === '--port') port = Number(value)
    else if (args[i] === '--key') apiKey = value
    else if (args[i] === '--fault')
      Object.assign(faults, Object.fromEntries([parseFaultSpec(value)]))
    else throw new Error(`unknown argument ${args[i]}`)
    i++
  }
  const standIn = await startStandIn({ apiKey, port, faults })
  console.log(`listening on ${standIn.baseUrl}`)
  const stop = () => void standIn.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
