// The stand-in's faults, one entry each: the kind, its argument on the command line
// (`--fault ID=KIND[:ARG]`), its help text, how that argument becomes a Fault, and what the fault
// does instead of the normal answer, given one context object. A new fault is a new entry here.
import { STATUS_CODES } from 'node:http'
import { orderBody } from './resources.js'
import { UsageError, integerArg } from './usage.js'

export const REDIRECT_DEFAULT = 'http://127.0.0.1:1/services/v2/redirected'

/** A sign-in page, as a gateway or SSO proxy in front of an API answers with 200. */
export const SIGN_IN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login" method="post"><input name="user"><input name="password" type="password"><button>Sign in</button></form></body></html>'

/** DigiCert's 429 body: a rate-limit fault's, and --rate-limit-first's. */
export const RATE_LIMITED_BODY = JSON.stringify({
  errors: [
    { code: 'request_limit_exceeded', message: 'Service unavailable, please limit request volume' }
  ]
})

/** The forms an echo-key fault writes the key in. */
export const ECHO_FORMS = /** @type {const} */ (['json', 'base64', 'base64url', 'hex', 'percent'])
/** @typedef {(typeof ECHO_FORMS)[number]} EchoForm */

/** SANs of a many-sans Order info when ARG is omitted: well over 64 KiB of JSON. */
export const MANY_SANS_DEFAULT = 3000

/**
 * What the stand-in does for one ID instead of its normal answer. `times`: only for the next N
 * requests of that ID, then the fault is gone. A fault takes effect only for a request whose key
 * passes (a wrong key still gets the recorded 403), except reset-before-body, which acts on
 * arrival.
 * @typedef {(
 *   | { kind: 'status', status: number, body?: string, headers?: Record<string, string> }
 *   | { kind: 'rate-limit', retryAfter?: string, date?: string }
 *   | { kind: 'unavailable', retryAfter?: string, date?: string }
 *   | { kind: 'sign-in-page' }
 *   | { kind: 'ok-with-errors', code?: string }
 *   | { kind: 'many-sans', sans: number }
 *   | { kind: 'redirect', location: string, status?: number }
 *   | { kind: 'hang' }
 *   | { kind: 'hang-mid-body', status?: number }
 *   | { kind: 'trickle', intervalMs?: number }
 *   | { kind: 'trickle-headers', intervalMs?: number }
 *   | { kind: 'reset-before-body' }
 *   | { kind: 'reset-after-headers', status?: number }
 *   | { kind: 'reset-after-body' }
 *   | { kind: 'big-body', bytes: number }
 *   | { kind: 'not-found' }
 *   | { kind: 'switching-protocols' }
 *   | { kind: 'echo-key', form?: EchoForm }
 * ) & { times?: number }} Fault
 */

/** @typedef {(status: number, body?: string, headers?: Record<string, string | string[]>) => void} Reply */
/** @typedef {(status: number, code: string, message: string) => void} ErrorsReply */

/**
 * What a fault acts on: the request and its response, the recorded entry (its status is what the
 * fault answered, when it does not answer through reply), the resource's name, and two ways to
 * answer that record the status.
 * @template {Fault} F
 * @typedef {object} FaultContext
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {import('./certcentral-standin.js').RecordedRequest} entry
 * @property {import('./resources.js').Route} route
 * @property {F} fault
 * @property {Reply} reply
 * @property {ErrorsReply} errors
 * @property {() => void} proceed  answers as if there were no fault
 */

/**
 * One fault. `parse`: from the command line's ARG (`what` names the option in a UsageError);
 * `{ kind }` when absent. `act`: what it does once the key has passed. `arrive`: what it does on
 * arrival instead, before the body is read or the key checked.
 * @template {Fault['kind']} K
 * @typedef {object} FaultEntry
 * @property {K} kind
 * @property {string} [arg]
 * @property {string} help
 * @property {(arg: string | undefined, what: string) => Extract<Fault, { kind: K }>} [parse]
 * @property {(ctx: FaultContext<Extract<Fault, { kind: K }>>) => void} [act]
 * @property {(req: import('node:http').IncomingMessage) => void} [arrive]
 */

/**
 * An entry, typed for its own kind and kept in the table as one of all kinds.
 * @template {Fault['kind']} K
 * @param {FaultEntry<K>} entry
 */
const fault = entry => /** @type {FaultEntry<Fault['kind']>} */ (/** @type {unknown} */ (entry))

/** Every fault, in the order --help lists them. */
export const FAULTS = [
  fault({
    kind: 'status',
    arg: 'CODE[:BODY]',
    help: 'answer HTTP CODE (200-599; 500 if omitted) with BODY as given (empty if omitted), e.g. status:200:{"message":"Unauthorized"}',
    parse: (arg, what) => {
      if (arg === undefined) return { kind: 'status', status: 500 }
      const colon = arg.indexOf(':')
      const code = colon === -1 ? arg : arg.slice(0, colon)
      const status = integerArg(what, code, 200, 599)
      return colon === -1
        ? { kind: 'status', status }
        : { kind: 'status', status, body: arg.slice(colon + 1) }
    },
    act: ({ fault, reply }) => reply(fault.status, fault.body ?? '', fault.headers ?? {})
  }),
  fault({
    kind: 'rate-limit',
    arg: 'RETRY_AFTER',
    help: '429 request_limit_exceeded; with a Retry-After header when given (seconds or a date)',
    parse: (arg, what) => {
      if (arg === '') throw new UsageError(`${what}: an empty Retry-After; omit ":" for none`)
      return arg === undefined ? { kind: 'rate-limit' } : { kind: 'rate-limit', retryAfter: arg }
    },
    act: ({ fault, reply }) => reply(429, RATE_LIMITED_BODY, retryHeaders(fault))
  }),
  fault({
    kind: 'unavailable',
    arg: 'RETRY_AFTER',
    help: '503 (a maintenance window), HTML body; with a Retry-After header when given (seconds or a date)',
    parse: (arg, what) => {
      if (arg === '') throw new UsageError(`${what}: an empty Retry-After; omit ":" for none`)
      return arg === undefined ? { kind: 'unavailable' } : { kind: 'unavailable', retryAfter: arg }
    },
    act: ({ fault, reply }) =>
      reply(
        503,
        '<html><body><h1>503 Service Unavailable</h1><p>Scheduled maintenance.</p></body></html>',
        { 'Content-Type': 'text/html', ...retryHeaders(fault) }
      )
  }),
  fault({
    kind: 'sign-in-page',
    help: '200 with an HTML sign-in page (a gateway in front of the API), not an answer of CertCentral',
    act: ({ reply }) => reply(200, SIGN_IN_PAGE, { 'Content-Type': 'text/html; charset=utf-8' })
  }),
  fault({
    kind: 'ok-with-errors',
    arg: 'CODE',
    help: "200 with DigiCert's errors array, code CODE (internal_error if omitted)",
    parse: (arg, what) => {
      if (arg === '') throw new UsageError(`${what}: an empty error code; omit ":" for the default`)
      return arg === undefined ? { kind: 'ok-with-errors' } : { kind: 'ok-with-errors', code: arg }
    },
    act: ({ fault, errors }) =>
      errors(200, fault.code ?? 'internal_error', 'The request could not be completed.')
  }),
  fault({
    kind: 'many-sans',
    arg: 'N',
    help: `on an order GET, the order issued with N SANs (${MANY_SANS_DEFAULT} if omitted: an Order info over 64 KiB); anything else answered as usual`,
    parse: (arg, what) => ({
      kind: 'many-sans',
      sans: arg === undefined ? MANY_SANS_DEFAULT : integerArg(what, arg, 1, 100_000)
    }),
    act: ({ route, entry, fault, reply, proceed }) => {
      if (route !== 'order') return proceed()
      const id = /** @type {string} */ (entry.id)
      const dnsNames = Array.from(
        { length: fault.sans },
        (_, i) => `san-${i}.order-${id}.example.com`
      )
      reply(200, JSON.stringify(orderBody(id, { dnsNames }, 0)))
    }
  }),
  fault({
    kind: 'redirect',
    arg: 'URL',
    help: `302 to URL (${REDIRECT_DEFAULT} if omitted)`,
    parse: arg => ({ kind: 'redirect', location: arg || REDIRECT_DEFAULT }),
    act: ({ fault, reply }) => reply(fault.status ?? 302, '', { Location: fault.location })
  }),
  fault({
    kind: 'not-found',
    help: '404 not_found|order on an order GET, 404 not_found otherwise',
    act: ({ route, errors }) =>
      route === 'order'
        ? errors(404, 'not_found|order', 'The specified order was not found.')
        : errors(404, 'not_found', 'Not found.')
  }),
  fault({
    kind: 'hang',
    help: 'read the request, never answer',
    act: () => undefined // never answers; closed with the server
  }),
  fault({
    kind: 'hang-mid-body',
    arg: 'CODE',
    help: 'CODE headers (500 if omitted; 200: an answer that stalls) and part of the body, then silence',
    parse: (arg, what) =>
      arg === undefined
        ? { kind: 'hang-mid-body' }
        : { kind: 'hang-mid-body', status: integerArg(what, arg, 200, 599) },
    act: ({ res, entry, fault }) => {
      const status = fault.status ?? 500
      entry.status = status
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': '1000' })
      res.write('{"errors":[{"code":"internal')
    }
  }),
  fault({
    kind: 'trickle',
    help: '500, then one body byte every 50 ms, never ending',
    // one byte at a time, never finishing: an idle timeout never fires, only a deadline does
    act: ({ res, entry, fault }) => {
      entry.status = 500
      res.writeHead(500, { 'Content-Type': 'text/plain' })
      const timer = setInterval(() => res.write('.'), fault.intervalMs ?? 50)
      res.on('close', () => clearInterval(timer))
    }
  }),
  fault({
    kind: 'trickle-headers',
    help: 'a status line, then one header line every 50 ms, never ending',
    // a status line, then one header line at a time, never ending the headers
    act: ({ req, entry, fault }) => {
      entry.status = 200
      req.socket.write('HTTP/1.1 200 OK\r\n')
      const timer = setInterval(() => req.socket.write('X-Slow: .\r\n'), fault.intervalMs ?? 50)
      req.socket.on('close', () => clearInterval(timer))
    }
  }),
  fault({
    kind: 'reset-before-body',
    help: 'close the connection before reading the request body',
    arrive: req => req.socket.destroy()
  }),
  fault({
    kind: 'reset-after-headers',
    arg: 'CODE',
    help: 'status line and headers (Content-Length: 1000), part of the body, then close; CODE 200 on an order GET, 500 otherwise, if omitted',
    parse: (arg, what) =>
      arg === undefined
        ? { kind: 'reset-after-headers' }
        : { kind: 'reset-after-headers', status: integerArg(what, arg, 200, 599) },
    act: resetAfterHeaders
  }),
  fault({
    kind: 'reset-after-body',
    help: 'read the request, then close without answering',
    act: ({ req }) => void req.socket.destroy()
  }),
  fault({
    kind: 'big-body',
    arg: 'BYTES',
    help: '500 with a body of BYTES bytes (5 MiB if omitted)',
    parse: (arg, what) => ({
      kind: 'big-body',
      bytes: arg === undefined ? 5 * 1024 * 1024 : integerArg(what, arg, 1, 1024 * 1024 * 1024)
    }),
    act: bigBody
  }),
  fault({
    kind: 'switching-protocols',
    help: '101 Switching Protocols (Upgrade: websocket), then silence on the open socket',
    // a 101 nobody asked for, then silence on an open socket
    act: ({ req, entry }) => {
      entry.status = 101
      req.socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
      )
    }
  }),
  fault({
    kind: 'echo-key',
    arg: 'FORM',
    help: `400 whose message holds the X-DC-DEVKEY value in FORM: ${ECHO_FORMS.join(', ')} (json if omitted: \\u-escaped and in plain text; base64 and base64url after 0, 1 and 2 bytes; hex in both cases; percent as encodeURIComponent writes it and every byte as %xx and %XX)`,
    parse: (arg, what) => {
      if (arg === undefined) return { kind: 'echo-key' }
      const form = ECHO_FORMS.find(name => name === arg)
      if (form === undefined)
        throw new UsageError(`${what}: unknown form ${arg}; valid forms: ${ECHO_FORMS.join(', ')}`)
      return { kind: 'echo-key', form }
    },
    act: echoKey
  })
]

/**
 * The Retry-After header (and a Date header of its own) a rate-limit or unavailable fault sends.
 * @param {{ retryAfter?: string, date?: string }} fault
 * @returns {Record<string, string>}
 */
function retryHeaders({ retryAfter, date }) {
  return {
    ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }),
    ...(date === undefined ? {} : { Date: date })
  }
}

/** The entry of a fault kind, undefined for a kind the table does not know. @param {string} kind */
export function faultEntry(kind) {
  return FAULTS.find(entry => entry.kind === kind)
}

/**
 * A status line and headers promising 1000 bytes, part of the body, then the end.
 * @param {FaultContext<Extract<Fault, { kind: 'reset-after-headers' }>>} ctx
 */
function resetAfterHeaders({ req, entry, route, fault }) {
  const status = fault.status ?? (route === 'order' ? 200 : 500)
  entry.status = status
  const partial = route === 'order' ? `{"id":${entry.id},"status":"iss` : '{"errors":[{"code'
  req.socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n' +
      partial,
    () => req.socket.destroy()
  )
}

/** @param {FaultContext<Extract<Fault, { kind: 'big-body' }>>} ctx */
function bigBody({ res, entry, fault }) {
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
  pump()
}

/**
 * The key back in the error message, in the fault's form: `json` (the default) once JSON-escaped
 * character by character (\u0073\u0074...) and once as plain text; `base64` and `base64url` (the
 * URL-safe alphabet, no padding) alone and after one and two bytes, so at each of the three byte
 * alignments inside a longer string; `hex` in lower and upper case; `percent` as encodeURIComponent
 * writes it, then every byte as %xx, then as %XX. To test a client's redaction of each.
 * @param {FaultContext<Extract<Fault, { kind: 'echo-key' }>>} ctx
 */
function echoKey({ req, reply, fault }) {
  const key = String(req.headers['x-dc-devkey'] ?? '')
  const form = fault.form ?? 'json'
  if (form === 'json') {
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
  const message = `The key ${echoedForms(key, form).join(' and ')} is not valid for this request.`
  reply(400, JSON.stringify({ errors: [{ code: 'bad_request_format', message }] }))
}

/**
 * The key as an echo-key fault of a form other than json writes it, each way in turn.
 * @param {string} key
 * @param {Exclude<EchoForm, 'json'>} form
 * @returns {string[]}
 */
export function echoedForms(key, form) {
  const bytes = Buffer.from(key, 'utf8')
  const aligned = (/** @type {BufferEncoding} */ encoding) =>
    ['', 'x', 'xy'].map(lead => Buffer.concat([Buffer.from(lead), bytes]).toString(encoding))
  const percent = (/** @type {(hex: string) => string} */ hexCase) =>
    [...bytes].map(b => `%${hexCase(b.toString(16).padStart(2, '0'))}`).join('')
  switch (form) {
    case 'base64':
    case 'base64url':
      return aligned(form)
    case 'hex':
      return [bytes.toString('hex'), bytes.toString('hex').toUpperCase()]
    case 'percent':
      return [encodeURIComponent(key), percent(h => h), percent(h => h.toUpperCase())]
  }
}
