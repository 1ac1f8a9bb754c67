// The stand-in's resources, one entry each: method and path pattern, and the handler that answers
// a request whose key passed, given one context object. Also what the answers are made of: the
// checks of a send or site seal body, and an order's Order info. A new resource is a new entry.
// The order list, the duplicate and reissue lists, and Order info by thumbprint or serial answer
// from the account of issued certificates (account.js).
import { listOrders, orderFor, orderInfo, relatedCertificates } from './account.js'
import { addNote, listNotes } from './notes.js'

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

/** @typedef {'send' | 'seal' | 'order' | 'list' | 'duplicate' | 'reissue' | 'notes' | 'note'} Route */

/**
 * What a handler answers from: the request, its body as text, the ID in its path (the path's
 * captured segment), its query, two ways to answer that record the status, the next Order info of
 * a scripted order (which counts the GET), and the account of issued certificates.
 * @typedef {object} ResourceContext
 * @property {import('node:http').IncomingMessage} req
 * @property {string} text
 * @property {string} id
 * @property {string} segment  what the resource's path captured ('' when it captures nothing)
 * @property {URLSearchParams} query
 * @property {import('./account.js').CertificateAccount} account
 * @property {import('./notes.js').NotesStore} notes  the orders' notes and their mode
 * @property {import('./faults.js').Reply} reply
 * @property {import('./faults.js').ErrorsReply} errors
 * @property {(id: string) => { script: import('./certcentral-standin.js').OrderScript, served: number }} takeOrder
 * @property {ReadonlySet<string>} refused  recipients a send or seal is refused for (lower case)
 */

/**
 * @typedef {object} Resource
 * @property {Route} name  what faults see as the route
 * @property {string} method
 * @property {RegExp} path  the whole path, /services/v2 included, without the query
 * @property {(ctx: ResourceContext) => void} handle
 */

/** @type {Resource[]} */
export const RESOURCES = [
  {
    name: 'send',
    method: 'PUT',
    // any certificate ID: the account's primaries, duplicates and reissues, and every other
    path: /^\/services\/v2\/certificate\/\d+\/sendemail$/,
    handle: ctx => jsonBody(ctx, body => refusal(ctx, body) ?? sendProblem(body))
  },
  {
    name: 'seal',
    method: 'POST',
    path: /^\/services\/v2\/order\/certificate\/\d+\/site-seal\/email-seal$/,
    // any order ID, the account's among them. The email-seal call needs no body at all; a body,
    // when there is one, must be JSON.
    handle: ctx =>
      ctx.text === ''
        ? ctx.reply(204)
        : jsonBody(ctx, body => refusal(ctx, body) ?? sealProblem(body))
  },
  {
    name: 'order',
    method: 'GET',
    // by order ID, or by the upper-case thumbprint or serial of an account order's primary (as
    // DigiCert documents); anything else that is not an order ID: 404 not_found|order
    path: /^\/services\/v2\/order\/certificate\/([^/]+)$/,
    handle: ({ segment, reply, errors, takeOrder, account }) => {
      const order = orderFor(account, segment)
      if (order) return reply(200, JSON.stringify(orderInfo(order)))
      if (!/^\d+$/.test(segment))
        return errors(404, 'not_found|order', 'The specified order was not found.')
      const { script, served } = takeOrder(segment)
      reply(200, JSON.stringify(orderBody(segment, script, served)))
    }
  },
  {
    name: 'list',
    method: 'GET',
    path: /^\/services\/v2\/order\/certificate$/,
    handle: ({ query, reply, errors, account }) => {
      const answer = listOrders(account, query)
      if ('problem' in answer) return errors(400, answer.problem.code, answer.problem.message)
      reply(200, JSON.stringify(answer.body))
    }
  },
  {
    name: 'duplicate',
    method: 'GET',
    path: /^\/services\/v2\/order\/certificate\/(\d+)\/duplicate$/,
    handle: ({ segment, reply, account }) =>
      reply(200, JSON.stringify(relatedCertificates(account, segment, 'duplicates')))
  },
  {
    name: 'notes',
    method: 'GET',
    path: /^\/services\/v2\/order\/certificate\/(\d+)\/note$/,
    handle: ({ segment, reply, notes }) => reply(200, JSON.stringify(listNotes(notes, segment)))
  },
  {
    name: 'note',
    method: 'POST',
    path: /^\/services\/v2\/order\/certificate\/(\d+)\/note$/,
    handle: addNoteAnswer
  },
  {
    name: 'reissue',
    method: 'GET',
    path: /^\/services\/v2\/order\/certificate\/(\d+)\/reissue$/,
    handle: ({ segment, reply, account }) =>
      reply(200, JSON.stringify(relatedCertificates(account, segment, 'reissues')))
  }
]

/**
 * Add note: 201 with the note kept; in the notes' modes a 403 (`refuse`) or a 500 (`fail`) and
 * nothing kept. A body without a text answers as DigiCert was seen answering (`description`).
 * @param {ResourceContext} ctx
 */
function addNoteAnswer({ segment, text, reply, errors, notes }) {
  if (notes.mode === 'refuse')
    return errors(403, 'access_denied|missing_permission', 'You may not add notes to this order.')
  if (notes.mode === 'fail') return reply(500, '{"errors":[{"code":"internal_error"}]}')
  let body
  try {
    body = JSON.parse(text)
  } catch {
    return errors(400, 'bad_request_format', 'The request body is not valid JSON.')
  }
  if (typeof body?.text !== 'string' || body.text.trim() === '')
    return reply(
      400,
      '{"errors":[{"code":"required_param:note","description":"Note is required"}]}'
    )
  reply(201, JSON.stringify(addNote(notes, segment, body.text)))
}

/**
 * The recipients a send (`emails`) or a seal (`recipient_email`) body asks to mail, as written;
 * none when it names none.
 * @param {unknown} body
 * @returns {string[]}
 */
export function recipientsOf(body) {
  if (typeof body !== 'object' || body === null) return []
  const b = /** @type {Record<string, unknown>} */ (body)
  if (Array.isArray(b.emails)) return b.emails.filter(e => typeof e === 'string')
  return typeof b.recipient_email === 'string' ? [b.recipient_email] : []
}

/**
 * A body naming a refused recipient (startStandIn's refuseRecipients): 400, as DigiCert refuses
 * an address it will not mail.
 * @param {ResourceContext} ctx
 * @param {unknown} body
 */
function refusal({ refused }, body) {
  const address = recipientsOf(body).find(r => refused.has(r.toLowerCase()))
  if (address === undefined) return undefined
  const field = Array.isArray(/** @type {Record<string, unknown>} */ (body).emails)
    ? 'emails'
    : 'recipient_email'
  return { code: `invalid_value:${field}`, message: `${address} cannot be mailed.` }
}

/** @param {string} method @param {string} path */
export function resourceOf(method, path) {
  return RESOURCES.find(r => r.method === method && r.path.test(path))
}

/**
 * A JSON body checked by `problemOf`: 204 when it passes, 400 otherwise.
 * @param {ResourceContext} ctx
 * @param {(body: unknown) => { code: string, message: string } | undefined} problemOf
 */
function jsonBody({ req, text, reply, errors }, problemOf) {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return errors(400, 'bad_request_format', 'Content-Type must be application/json.')
  }
  let body
  try {
    body = JSON.parse(text)
  } catch {
    return errors(400, 'bad_request_format', 'The request body is not valid JSON.')
  }
  const problem = problemOf(body)
  if (problem) return errors(400, problem.code, problem.message)
  reply(204)
}

/**
 * An order's Order info at its `served`-th answered GET: the status that GET takes, the last one
 * repeating.
 * @param {string} id
 * @param {import('./certcentral-standin.js').OrderScript} script
 * @param {number} served
 */
export function orderBody(id, script, served) {
  const statuses = script.statuses ?? ['issued']
  const status = /** @type {string} */ (statuses[Math.min(served, statuses.length - 1)])
  const commonName = script.commonName ?? `order-${id}.example.com`
  /** @type {Record<string, unknown>} */
  const certificate = {
    common_name: commonName,
    dns_names: script.dnsNames ?? [commonName],
    signature_hash: 'sha256',
    key_size: 2048
  }
  // A status written oddly (" Issued ") is still an issued order with its certificate.
  if (status.trim().toLowerCase() === 'issued') {
    certificate.id = script.certificateId ?? Number(id) + DEFAULT_CERTIFICATE_ID_OFFSET
    certificate.date_issued = script.dateIssued ?? DEFAULT_DATE_ISSUED
    certificate.valid_till = script.validTill ?? DEFAULT_VALID_TILL
  }
  return {
    id: Number(id),
    status,
    certificate,
    date_created: '2026-01-14T09:30:00+00:00',
    product: { name_id: 'ssl_basic', name: 'Basic TLS/SSL', type: 'ssl_certificate' },
    ...script.people
  }
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
