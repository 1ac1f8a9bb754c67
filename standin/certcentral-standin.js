// A CertCentral stand-in: a real HTTP(S) server on loopback that serves the endpoints the action
// calls (send certificate, email site seal, order info, the order list, an order's duplicates and
// reissues, an order's notes: notes.js) from an account of orders and certificates (account.js), checks the key, headers and body
// the way DigiCert's pages describe, answers a wrong key the way www.digicert.com was recorded
// answering, records every request, and can be told to misbehave per ID.
// Used by the tests, `npm run demo` and CI. `node standin/certcentral-standin.js --help` for the
// command line; it prints `listening on http://127.0.0.1:PORT/services/v2` and serves until
// SIGINT/SIGTERM. GET /_standin/requests returns what it received (the key is never recorded).
// This file holds the server, the account's state (key, faults, orders, rate limits), the
// recording of requests and the command line; each fault is an entry in faults.js, each
// endpoint an entry in resources.js, the account of issued certificates is account.js (the
// built-in one, which the command line serves unless --account, default-account.js).
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { pathToFileURL } from 'node:url'
import { EMPTY_ACCOUNT, parseAccount, readAccountFile } from './account.js'
import { DEFAULT_ACCOUNT } from './default-account.js'
import { FAULTS, RATE_LIMITED_BODY, faultEntry } from './faults.js'
import { recipientsOf, resourceOf } from './resources.js'
import { addNote, checkMode, createNotes, listNotes } from './notes.js'
import { UsageError, integerArg } from './usage.js'

export {
  DEFAULT_CERTIFICATE_ID_OFFSET,
  DEFAULT_DATE_ISSUED,
  DEFAULT_VALID_TILL
} from './resources.js'
export { UsageError } from './usage.js'
export { parseAccount, readAccountFile } from './account.js'
export { DEFAULT_ACCOUNT, DEMO_CA_PEM, DEMO_CERTIFICATE_PEM } from './default-account.js'
/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./resources.js').Route} Route */

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
 * @property {Record<string, unknown>} [people]  Order info's people fields (additional_emails,
 *   user, …), served as given
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
 * @property {string[]} recipients  whom a send (`emails`) or seal (`recipient_email`) asked to mail
 * @property {number} status  what the stand-in answered (0 when it hung or reset before a status)
 * @property {number} at  milliseconds since the stand-in started
 */

/**
 * The account the stand-in serves: its key, its faults and orders by ID, its rate limits, and
 * what it has received.
 * @typedef {object} Account
 * @property {string} apiKey
 * @property {number} latencyMs
 * @property {Map<string, Fault>} faults
 * @property {Map<string, OrderScript>} orders
 * @property {Map<string, number>} served  statuses served per order
 * @property {import('./account.js').CertificateAccount} certificates  the orders and certificates
 *   of issue 17 (an account order answers Order info instead of a script of the same ID)
 * @property {{ limit: number, windowMs: number }[]} rateLimits
 * @property {{ left: number, retryAfter?: string }} limitedFirst  requests still to answer 429
 *   (rateLimitFirst), whatever the ID, and the Retry-After they carry
 * @property {string} pathPrefix  before /services/v2 in every path ('' by default)
 * @property {number[]} arrivals  when each request past the recording arrived
 * @property {RecordedRequest[]} requests
 * @property {import('./notes.js').NotesStore} notes  the orders' notes, and their mode
 * @property {Set<string>} refused  recipients every send or seal naming them is refused for
 * @property {number} started
 */

/**
 * @param {object} [options]
 * @param {string} [options.apiKey]
 * @param {number} [options.port]  0 (any free port) by default; always on 127.0.0.1
 * @param {number} [options.latencyMs]  added before every answer
 * @param {Record<string, Fault>} [options.faults]  by certificate or order ID
 * @param {Record<string, OrderScript>} [options.orders]  by order ID
 * @param {unknown} [options.account]  orders with certificates, duplicates and reissues, in the
 *   format of --account (checked by parseAccount); none by default
 * @param {{ limit: number, windowMs: number }[]} [options.rateLimits]  answer 429 past these windows
 * @param {RateLimitFirst} [options.rateLimitFirst]  answer the first `count` requests 429
 *   request_limit_exceeded, whatever the ID (with Retry-After `retryAfter` when given), then serve
 * @param {string[]} [options.refuseRecipients]  a send or seal naming one of these addresses (in
 *   any case) is answered 400 invalid_value, as an address DigiCert will not mail
 * @param {{ key: string | Buffer, cert: string | Buffer }} [options.tls]  serve HTTPS
 * @param {string} [options.pathPrefix]  served before /services/v2 (e.g. `/t0k3n`, a gateway's
 *   token in the path): baseUrl holds it, and a request without it is off every route
 * @param {string} [options.hostname]  the name in origin and baseUrl (127.0.0.1 by default); the
 *   server still listens on 127.0.0.1 only: a name such as certcentral.test is for a proxy to map
 * @param {'refuse' | 'fail' | 'hostile'} [options.notesMode]  Add note answers 403 (`refuse`) or
 *   500 (`fail`); every notes list also carries hostile notes (`hostile`); see notes.js
 */
export async function startStandIn(options = {}) {
  /** @type {Account} */
  const account = {
    apiKey: options.apiKey ?? DEFAULT_KEY,
    latencyMs: options.latencyMs ?? 0,
    faults: new Map(Object.entries(options.faults ?? {})),
    orders: new Map(),
    served: new Map(),
    certificates: options.account === undefined ? EMPTY_ACCOUNT : parseAccount(options.account),
    rateLimits: options.rateLimits ?? [],
    limitedFirst: {
      left: options.rateLimitFirst?.count ?? 0,
      ...(options.rateLimitFirst?.retryAfter === undefined
        ? {}
        : { retryAfter: options.rateLimitFirst.retryAfter })
    },
    pathPrefix: options.pathPrefix ?? '',
    arrivals: [],
    requests: [],
    notes: createNotes(options.notesMode),
    refused: new Set((options.refuseRecipients ?? []).map(r => r.toLowerCase())),
    started: 0
  }
  for (const [id, script] of Object.entries(options.orders ?? {})) setOrder(account, id, script)
  account.started = Date.now()
  /** @type {import('node:http').RequestListener} */
  const handle = (req, res) => arrive(account, req, res)
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
    : createHttpServer(handle)
  const sockets = trackSockets(server)
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
    baseUrl: `${origin}${account.pathPrefix}/services/v2`,
    /** The port on 127.0.0.1. */
    port: address.port,
    apiKey: account.apiKey,
    requests: account.requests,
    /** Connections accepted so far. */
    connections: sockets.connections,
    /** @param {string} id @param {Fault} fault */
    setFault: (id, fault) => void account.faults.set(id, fault),
    /** @param {string} id */
    clearFault: id => void account.faults.delete(id),
    /**
     * Replaces an order's script and starts it again from its first status.
     * @param {string} id
     * @param {OrderScript} script
     */
    setOrder: (id, script) => setOrder(account, id, script),
    /**
     * Replaces the account of orders and certificates (the format of --account).
     * @param {unknown} json
     */
    setAccount: json => void (account.certificates = parseAccount(json)),
    /**
     * An order's notes as List order notes answers them: newest first (hostile ones first in
     * that mode).
     * @param {string} orderId
     */
    notes: orderId => listNotes(account.notes, orderId).notes,
    /**
     * Adds a note to an order as a person (or another tool) would, `date_created` now or at `ms`.
     * @param {string} orderId @param {string} text @param {number} [ms]
     */
    addNote: (orderId, text, ms) => addNote(account.notes, orderId, text, ms),
    /**
     * Sets the notes' mode (see notes.js), or none.
     * @param {'refuse' | 'fail' | 'hostile' | undefined} mode
     */
    setNotesMode: mode => void (account.notes.mode = checkMode(mode)),
    /**
     * GETs of this order received so far, whatever they were answered.
     * @param {string} id
     */
    orderGets: id => account.requests.filter(r => r.method === 'GET' && r.id === id).length,
    close: () =>
      new Promise(resolve => {
        sockets.destroyAll()
        server.close(() => resolve(undefined))
      })
  }
}

/**
 * Counts the connections a server accepts and keeps its open sockets, to destroy on close.
 * @param {import('node:http').Server} server
 */
function trackSockets(server) {
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  let connections = 0
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
  return {
    connections: () => connections,
    destroyAll: () => {
      for (const socket of sockets) socket.destroy()
    }
  }
}

/**
 * @param {Account} account
 * @param {string} id
 * @param {OrderScript} script
 */
function setOrder(account, id, script) {
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
  account.orders.set(id, script)
  account.served.set(id, 0)
}

/**
 * An order's script and how many of its statuses were served before this GET, which counts.
 * @param {Account} account
 * @param {string} id
 */
function takeOrder(account, id) {
  const served = account.served.get(id) ?? 0
  account.served.set(id, served + 1)
  return { script: account.orders.get(id) ?? {}, served }
}

/**
 * A request arrives: a fault that acts on arrival acts now; otherwise the body is read and
 * answered after the latency.
 * @param {Account} account
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
function arrive(account, req, res) {
  const chunks = /** @type {Buffer[]} */ ([])
  const id = idOf(pathOf(req.url ?? ''))
  const fault = id ? account.faults.get(id) : undefined
  if (fault && fault.times !== undefined && --fault.times <= 0 && id) account.faults.delete(id)
  const onArrival = fault && faultEntry(fault.kind)?.arrive
  if (onArrival) {
    record(account, req, { text: undefined, id, status: 0 })
    onArrival(req)
    return
  }
  req.on('data', chunk => chunks.push(chunk))
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8')
    setTimeout(() => answer({ account, req, res, id, text, fault }), account.latencyMs)
  })
}

/**
 * @param {Account} account
 * @param {import('node:http').IncomingMessage} req
 * @param {{ text: string | undefined, id: string | undefined, status: number }} what
 */
function record(account, req, { text, id, status }) {
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
    keyValid: key === account.apiKey || key === VIEW_ONLY_KEY,
    headers,
    body,
    recipients: recipientsOf(body),
    status,
    at: Date.now() - account.started
  }
  account.requests.push(entry)
  return entry
}

/**
 * Whether this request, counted now, goes past one of the account's rate-limit windows.
 * @param {Account} account
 */
function pastRateLimit(account) {
  const now = Date.now()
  account.arrivals.push(now)
  return account.rateLimits.some(
    ({ limit, windowMs }) => account.arrivals.filter(t => t > now - windowMs).length > limit
  )
}

/**
 * The answer to a request read in full: the stand-in's own list of requests, else (recorded) a
 * 429 past a rate limit, a 404 off every route, the recorded 403 for a wrong key, a 403 for a
 * view-only key on anything but GET, the ID's fault, or the resource's answer.
 * @param {{ account: Account, req: import('node:http').IncomingMessage,
 *   res: import('node:http').ServerResponse, id: string | undefined, text: string,
 *   fault: Fault | undefined }} request
 */
function answer({ account, req, res, id, text, fault }) {
  const method = req.method ?? ''
  const full = pathOf(req.url ?? '')
  if (full === '/_standin/requests' && method === 'GET') {
    return send(res, 200, JSON.stringify(account.requests))
  }
  const entry = record(account, req, { text, id, status: 0 })
  /** @type {import('./faults.js').Reply} */
  const reply = (status, body = '', headers = {}) => {
    entry.status = status
    send(res, status, body, headers)
  }
  /** @type {import('./faults.js').ErrorsReply} */
  const errors = (status, code, message) =>
    reply(status, JSON.stringify({ errors: [{ code, message }] }))
  if (pastRateLimit(account)) {
    return errors(429, 'request_limit_exceeded', 'Service unavailable, please limit request volume')
  }
  const { limitedFirst } = account
  if (limitedFirst.left > 0) {
    limitedFirst.left--
    const { retryAfter } = limitedFirst
    return reply(
      429,
      RATE_LIMITED_BODY,
      retryAfter === undefined ? {} : { 'Retry-After': retryAfter }
    )
  }
  // Below the prefix only: a request without it is off every route.
  const prefix = account.pathPrefix
  const path = full.startsWith(`${prefix}/`) ? full.slice(prefix.length) : ''
  const resource = resourceOf(method, path)
  if (!resource) return errors(404, 'not_found|route', 'The specified route was not found.')
  const key = req.headers['x-dc-devkey']
  if (key !== account.apiKey && key !== VIEW_ONLY_KEY) {
    // a wrong, empty or missing key: the answer recorded from www.digicert.com
    entry.status = 403
    res.writeHead(403, 'Forbidden', {
      ...INVALID_KEY_HEADERS,
      'content-length': String(Buffer.byteLength(INVALID_KEY_BODY))
    })
    res.end(INVALID_KEY_BODY)
    return
  }
  if (key === VIEW_ONLY_KEY && resource.method !== 'GET') {
    return errors(403, 'access_denied|missing_permission', 'This API key is view only.')
  }
  const proceed = () =>
    resource.handle({
      req,
      text,
      id: /** @type {string} */ (id),
      segment: resource.path.exec(path)?.[1] ?? '',
      query: new URL(req.url ?? '', 'http://standin').searchParams,
      reply,
      errors,
      takeOrder: id => takeOrder(account, id),
      account: account.certificates,
      notes: account.notes,
      refused: account.refused
    })
  if (fault) {
    return faultEntry(fault.kind)?.act?.({
      req,
      res,
      entry,
      route: resource.name,
      fault,
      reply,
      errors,
      proceed
    })
  }
  proceed()
}

/** @param {string} url */
function pathOf(url) {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/**
 * The first all-digits path segment: the certificate or order ID; else the thumbprint or serial
 * of an Order info look-up (as sent).
 * @param {string} path
 */
function idOf(path) {
  return (
    /\/(\d+)(?=\/|$)/.exec(path)?.[1] ??
    /^\/services\/v2\/order\/certificate\/([^/]+)$/.exec(path)?.[1]
  )
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
export const FAULT_KINDS = FAULTS.map(({ kind, arg, help }) =>
  arg === undefined ? { kind, help } : { kind, arg, help }
)

/** Fault kinds that take no argument: `--fault ID=KIND`. */
export const SIMPLE_FAULT_KINDS = FAULT_KINDS.filter(k => k.arg === undefined).map(k => k.kind)

const validKinds = () => FAULT_KINDS.map(k => (k.arg ? `${k.kind}[:${k.arg}]` : k.kind)).join(', ')

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
  const known = faultEntry(kind)
  if (!known)
    throw new UsageError(`--fault ${spec}: unknown kind ${kind}; valid kinds: ${validKinds()}`)
  if (arg !== undefined && known.arg === undefined)
    throw new UsageError(`--fault ${spec}: ${kind} takes no argument; valid kinds: ${validKinds()}`)
  const fault = known.parse
    ? known.parse(arg, `--fault ${spec}`)
    : /** @type {Fault} */ ({ kind: known.kind })
  return [id, fault]
}

/**
 * How many requests the stand-in answers 429 first, whatever the ID, and with which Retry-After.
 * @typedef {{ count: number, retryAfter?: string }} RateLimitFirst
 */

/**
 * `N[:RETRY_AFTER]` of --rate-limit-first, e.g. `7:1`, `3`, `1:Wed, 21 Oct 2026 07:28:00 GMT`.
 * @param {string} value
 * @returns {RateLimitFirst}
 */
export function parseRateLimitFirst(value) {
  const what = `--rate-limit-first ${value}`
  const colon = value.indexOf(':')
  const count = integerArg(what, colon === -1 ? value : value.slice(0, colon), 1, 1_000_000)
  if (colon === -1) return { count }
  const retryAfter = value.slice(colon + 1)
  if (retryAfter === '') throw new UsageError(`${what}: an empty Retry-After; omit ":" for none`)
  return { count, retryAfter }
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
POST /order/certificate/{id}/site-seal/email-seal, GET /order/certificate/{id} (an order ID, or the
upper-case thumbprint or serial of an account order's primary), GET /order/certificate (the order
list: filters[status|common_name|domain_name|serial_number|certificate_id], sort, offset, limit),
GET /order/certificate/{id}/duplicate and /reissue.
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
  --account FILE         the account's orders and certificates (JSON: {"orders":[{"id","status",
                         "date_created","certificate":{…},"duplicates":[…],"reissues":[…]}]},
                         each certificate given by fields (id, common_name, dns_names,
                         serial_number, thumbprint, date_issued, valid_from, valid_till) or as
                         {"id", "pem"}; "list_matches_duplicates": true makes filters[serial_number]
                         match duplicates too; "list_omits_date_issued" and
                         "list_omits_common_name" leave them out of the order list;
                         "list_ignores_common_name" makes filters[common_name] keep every
                         order); without it, a built-in account of orders
                         8001 to 8005
  --rate-limit-first N[:RETRY_AFTER]
                         answer the first N requests, whatever the ID, 429 request_limit_exceeded
                         (with a Retry-After header when given: seconds or a date), then serve as
                         usual: a 429 that clears, e.g. for the README's "Sending the rest again
                         after a 429" end to end
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
  '--account',
  '--rate-limit-first',
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
 * @property {string | undefined} account  the --account file
 * @property {RateLimitFirst | undefined} rateLimitFirst
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
    account: undefined,
    rateLimitFirst: undefined,
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
    } else if (name === '--account') cli.account = value
    else if (name === '--rate-limit-first') cli.rateLimitFirst = parseRateLimitFirst(value)
    else if (name === '--latency-ms') cli.latencyMs = integerArg(name, value, 0, 600_000)
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
  /** @type {unknown} */
  let accountJson = DEFAULT_ACCOUNT
  try {
    cli = parseArgs(process.argv.slice(2))
    if (cli.help) {
      console.log(USAGE)
      return
    }
    if (cli.tlsCert !== undefined && cli.tlsKey !== undefined)
      tls = { cert: readPem(cli.tlsCert, '--tls-cert'), key: readPem(cli.tlsKey, '--tls-key') }
    if (cli.account !== undefined) accountJson = readAccountFile(cli.account)
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
      account: accountJson,
      latencyMs: cli.latencyMs,
      ...(cli.rateLimitFirst ? { rateLimitFirst: cli.rateLimitFirst } : {}),
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
