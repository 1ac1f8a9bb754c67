// The stand-in's account of issued certificates (issue 17): orders, each with its primary
// certificate, its duplicates and its reissues, read from a JSON file (`--account FILE`) or given
// to startStandIn, checked field by field (a mistake is a plain message naming the field). From it
// the stand-in answers Order info by order ID or by the upper-case thumbprint or serial of an
// order's primary, the order list (filters, sort, offset, limit, the empty shape recorded from
// DigiCert) and the duplicate and reissue lists (with a copy of the primary, as the real service
// answers). A certificate given as PEM gets its facts from node:crypto's X509Certificate, its
// common name from its DER as the certificate holds it (subjectCommonName).
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import forge from 'node-forge'
import { UsageError } from './usage.js'

/** certificate.date_issued and valid_till of an account certificate given by fields without them. */
export const ACCOUNT_DATE_ISSUED = '2026-01-15T12:00:00+00:00'
export const ACCOUNT_VALID_TILL = '2027-01-15'
/** The order list's `limit` when none is asked for, and the most it takes (DigiCert's). */
export const LIST_LIMIT = 1000

/**
 * One certificate of the account, its facts normalized: serial and thumbprint upper-case hex
 * without separators, dates as DigiCert writes them.
 * @typedef {object} AccountCertificate
 * @property {number} id
 * @property {string} common_name
 * @property {string[]} dns_names
 * @property {string} serial_number
 * @property {string | undefined} thumbprint
 * @property {string} status
 * @property {string} date_created
 * @property {string} date_issued
 * @property {string} valid_from  yyyy-MM-dd
 * @property {string} valid_till  yyyy-MM-dd
 */

/**
 * @typedef {object} AccountOrder
 * @property {number} id
 * @property {string} status
 * @property {string} date_created
 * @property {AccountCertificate} certificate  the primary
 * @property {AccountCertificate[]} duplicates
 * @property {AccountCertificate[]} reissues  the order's earlier certificates
 * @property {Record<string, unknown>} people  Order info's people fields, as given (PEOPLE_FIELDS)
 */

/**
 * @typedef {object} CertificateAccount
 * @property {AccountOrder[]} orders  in the file's order: the order list's order without `sort`
 * @property {boolean} listMatchesDuplicates  `filters[serial_number]` and
 *   `filters[certificate_id]` also match duplicates and reissues (the primary only by default)
 * @property {boolean} listOmitsDateIssued  the order list leaves out certificate.date_issued (Order
 *   info still gives it)
 * @property {boolean} listOmitsCommonName  the order list leaves out certificate.common_name (Order
 *   info still gives it; `filters[common_name]` still matches by it): a partial listing
 * @property {boolean} listIgnoresCommonName  `filters[common_name]` keeps every order: a server
 *   that ignores the filter
 */

/** An account without orders: the stand-in's behaviour before issue 17. */
export const EMPTY_ACCOUNT = Object.freeze({
  orders: [],
  listMatchesDuplicates: false,
  listOmitsDateIssued: false,
  listOmitsCommonName: false,
  listIgnoresCommonName: false
})

/** Statuses whose Order info shows the certificate (its ID, serial, thumbprint, dates). */
const WITH_CERTIFICATE = ['issued', 'expired', 'revoked', 'reissue_pending']
const ACCOUNT_FIELDS = [
  'orders',
  'list_matches_duplicates',
  'list_omits_date_issued',
  'list_omits_common_name',
  'list_ignores_common_name'
]
/**
 * Order info's people (issue 24), served as given, odd shapes included (null, "", [] where an
 * object is expected): who the order names, which recipients-from-order reads.
 */
export const PEOPLE_FIELDS = [
  'additional_emails',
  'user',
  'organization_contact',
  'technical_contact',
  'user_assignments',
  'custom_fields'
]
const ORDER_FIELDS = [
  'id',
  'status',
  'date_created',
  'certificate',
  'duplicates',
  'reissues',
  ...PEOPLE_FIELDS
]
const CERTIFICATE_FIELDS = [
  'id',
  'pem',
  'common_name',
  'dns_names',
  'serial_number',
  'thumbprint',
  'status',
  'date_created',
  'date_issued',
  'valid_from',
  'valid_till'
]
/** Fields a certificate given as PEM may still set (everything else comes from the PEM). */
const PEM_OVERRIDES = ['id', 'pem', 'status', 'date_created', 'date_issued']

/**
 * Reads an account file and checks it; returns its JSON, for startStandIn's `account`.
 * @param {string} file
 * @returns {unknown}
 */
export function readAccountFile(file) {
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`--account ${file}: ${/** @type {Error} */ (error).message}`)
  }
  let json
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--account ${file}: not JSON: ${/** @type {Error} */ (error).message}`)
  }
  try {
    parseAccount(json)
    return json
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    throw new UsageError(`--account ${file}: ${error.message}`)
  }
}

/**
 * Checks an account (the file's JSON) and normalizes it. Throws a UsageError naming the field.
 * @param {unknown} json
 * @returns {CertificateAccount}
 */
export function parseAccount(json) {
  const top = object(json, 'the account')
  unknownFields(top, ACCOUNT_FIELDS, '')
  if (!Array.isArray(top.orders)) throw new UsageError('orders: expected a list of orders')
  const orders = top.orders.map((order, i) => parseOrder(order, `orders[${i}]`))
  uniqueIds(
    orders.map((o, i) => ({ id: o.id, where: `orders[${i}].id` })),
    'order'
  )
  uniqueIds(
    orders.flatMap((o, i) => [
      { id: o.certificate.id, where: `orders[${i}].certificate.id` },
      ...o.duplicates.map((c, j) => ({ id: c.id, where: `orders[${i}].duplicates[${j}].id` })),
      ...o.reissues.map((c, j) => ({ id: c.id, where: `orders[${i}].reissues[${j}].id` }))
    ]),
    'certificate'
  )
  return {
    orders,
    listMatchesDuplicates: flag(top.list_matches_duplicates, 'list_matches_duplicates'),
    listOmitsDateIssued: flag(top.list_omits_date_issued, 'list_omits_date_issued'),
    listOmitsCommonName: flag(top.list_omits_common_name, 'list_omits_common_name'),
    listIgnoresCommonName: flag(top.list_ignores_common_name, 'list_ignores_common_name')
  }
}

/** @param {unknown} value @param {string} where */
function object(value, where) {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${where}: expected a JSON object`)
  return /** @type {Record<string, unknown>} */ (value)
}

/** @param {Record<string, unknown>} value @param {string[]} known @param {string} prefix */
function unknownFields(value, known, prefix) {
  for (const field of Object.keys(value)) {
    if (!known.includes(field))
      throw new UsageError(`${prefix}${field}: unknown field; known: ${known.join(', ')}`)
  }
}

/** @param {unknown} value @param {string} where */
function flag(value, where) {
  if (value !== undefined && typeof value !== 'boolean')
    throw new UsageError(`${where}: expected true or false`)
  return value === true
}

/** @param {{ id: number, where: string }[]} ids @param {string} what */
function uniqueIds(ids, what) {
  /** @type {Map<number, string>} */
  const seen = new Map()
  for (const { id, where } of ids) {
    const first = seen.get(id)
    if (first !== undefined)
      throw new UsageError(`${where}: ${what} ID ${id} is already ${first}'s`)
    seen.set(id, where)
  }
}

/** @param {unknown} value @param {string} where */
function positiveId(value, where) {
  if (!Number.isSafeInteger(value) || /** @type {number} */ (value) < 1)
    throw new UsageError(`${where}: expected a whole number above 0`)
  return /** @type {number} */ (value)
}

/** @param {unknown} value @param {string} where @param {string} [fallback] */
function text(value, where, fallback) {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`${where}: expected a non-empty string`)
  return value
}

/** @param {unknown} value @param {string} where @param {string} fallback */
function date(value, where, fallback) {
  const given = text(value, where, fallback)
  if (Number.isNaN(Date.parse(given)))
    throw new UsageError(`${where}: "${given}" is not a date (e.g. 2026-01-15T12:00:00+00:00)`)
  return given
}

/** @param {unknown} value @param {string} where @param {number} [digits] */
function hex(value, where, digits) {
  const stripped = typeof value === 'string' ? value.replace(/:/g, '') : ''
  if (!/^[0-9A-Fa-f]+$/.test(stripped) || (digits !== undefined && stripped.length !== digits))
    throw new UsageError(
      `${where}: expected ${digits === undefined ? '' : `${digits} `}hex digits (colons allowed)`
    )
  return stripped.toUpperCase()
}

/** @param {unknown} value @param {string} where @returns {AccountOrder} */
function parseOrder(value, where) {
  const order = object(value, where)
  unknownFields(order, ORDER_FIELDS, `${where}.`)
  const list = (/** @type {'duplicates' | 'reissues'} */ name) => {
    const items = order[name] ?? []
    if (!Array.isArray(items)) throw new UsageError(`${where}.${name}: expected a list`)
    return items.map((c, i) => parseCertificate(c, `${where}.${name}[${i}]`))
  }
  const id = positiveId(order.id, `${where}.id`)
  if (order.certificate === undefined)
    throw new UsageError(`${where}.certificate: missing (every order has its primary certificate)`)
  return {
    id,
    status: text(order.status, `${where}.status`, 'issued'),
    date_created: date(order.date_created, `${where}.date_created`, ACCOUNT_DATE_ISSUED),
    certificate: parseCertificate(order.certificate, `${where}.certificate`),
    duplicates: list('duplicates'),
    reissues: list('reissues'),
    people: Object.fromEntries(PEOPLE_FIELDS.filter(f => f in order).map(f => [f, order[f]]))
  }
}

/** @param {unknown} value @param {string} where @returns {AccountCertificate} */
function parseCertificate(value, where) {
  const c = object(value, where)
  unknownFields(c, CERTIFICATE_FIELDS, `${where}.`)
  const id = positiveId(c.id, `${where}.id`)
  if (c.pem !== undefined) {
    for (const field of Object.keys(c)) {
      if (!PEM_OVERRIDES.includes(field))
        throw new UsageError(`${where}.${field}: comes from pem; give either pem or fields`)
    }
    const facts = pemFacts(c.pem, `${where}.pem`)
    const issued = date(c.date_issued, `${where}.date_issued`, facts.date_issued)
    return {
      id,
      ...facts,
      status: text(c.status, `${where}.status`, 'issued'),
      date_created: date(c.date_created, `${where}.date_created`, issued),
      date_issued: issued
    }
  }
  const commonName = text(c.common_name, `${where}.common_name`)
  const issued = date(c.date_issued, `${where}.date_issued`, ACCOUNT_DATE_ISSUED)
  const dnsNames = c.dns_names ?? [commonName]
  if (!Array.isArray(dnsNames) || !dnsNames.every(n => typeof n === 'string'))
    throw new UsageError(`${where}.dns_names: expected a list of strings`)
  if (c.serial_number === undefined)
    throw new UsageError(`${where}.serial_number: missing (give it, or the certificate as pem)`)
  return {
    id,
    common_name: commonName,
    dns_names: dnsNames,
    serial_number: hex(c.serial_number, `${where}.serial_number`),
    thumbprint:
      c.thumbprint === undefined ? undefined : hex(c.thumbprint, `${where}.thumbprint`, 40),
    status: text(c.status, `${where}.status`, 'issued'),
    date_created: date(c.date_created, `${where}.date_created`, issued),
    date_issued: issued,
    valid_from: day(date(c.valid_from, `${where}.valid_from`, issued)),
    valid_till: day(date(c.valid_till, `${where}.valid_till`, ACCOUNT_VALID_TILL))
  }
}

/** yyyy-MM-dd of a date. @param {string | Date} when */
function day(when) {
  return new Date(when).toISOString().slice(0, 10)
}

/** DigiCert's way of writing a time: 2026-01-15T12:00:00+00:00. @param {Date} when */
function timestamp(when) {
  return when.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

/**
 * What the stand-in takes from a PEM certificate: common name, SANs, serial, SHA-1 thumbprint,
 * and its validity (issued when it became valid).
 * @param {unknown} pem
 * @param {string} where
 */
export function pemFacts(pem, where) {
  let x509
  try {
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error()
    x509 = new X509Certificate(pem)
  } catch {
    throw new UsageError(`${where}: expected a PEM certificate (-----BEGIN CERTIFICATE-----)`)
  }
  const commonName = subjectCommonName(x509.raw)
  if (commonName === undefined) throw new UsageError(`${where}: the certificate has no common name`)
  const dnsNames = (x509.subjectAltName ?? '')
    .split(', ')
    .filter(name => name.startsWith('DNS:'))
    .map(name => name.slice(4))
  const validFrom = new Date(x509.validFrom)
  return {
    common_name: commonName,
    dns_names: dnsNames.length > 0 ? dnsNames : [commonName],
    serial_number: x509.serialNumber.toUpperCase(),
    thumbprint: x509.fingerprint.replace(/:/g, '').toUpperCase(),
    date_issued: timestamp(validFrom),
    valid_from: day(validFrom),
    valid_till: day(new Date(x509.validTo))
  }
}

/** @typedef {{ type: string, value: string, valueTagClass: number }} RdnAttribute */

/**
 * The subject's first common name as the certificate holds it, read from its DER with node-forge:
 * node:crypto's `subject` turns UTF-8 into Latin-1 and escapes `,`, `<` and others. A UTF8String
 * decoded, a BMPString as forge reads it, any other string type one character per byte.
 * @param {Buffer} der
 * @returns {string | undefined}
 */
export function subjectCommonName(der) {
  const certificate = forge.asn1.fromDer(der.toString('binary'))
  const fields = /** @type {forge.asn1.Asn1[]} */ (
    /** @type {forge.asn1.Asn1[]} */ (certificate.value)[0]?.value
  )
  const versioned = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC
  const subject = /** @type {forge.asn1.Asn1} */ (fields[versioned ? 5 : 4])
  // forge's own reading of a Name (its types do not declare it)
  const pki = /** @type {{ RDNAttributesAsArray(name: forge.asn1.Asn1): RdnAttribute[] }} */ (
    /** @type {unknown} */ (forge.pki)
  )
  const attributes = pki.RDNAttributesAsArray(subject)
  const cn = attributes.find(attribute => attribute.type === '2.5.4.3')
  if (cn === undefined) return undefined
  return cn.valueTagClass === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(cn.value) : cn.value
}

/** Every certificate ID of the account (primaries, duplicates, reissues). @param {CertificateAccount} account */
export function certificateIds(account) {
  return new Set(
    account.orders.flatMap(o => [o.certificate, ...o.duplicates, ...o.reissues]).map(c => c.id)
  )
}

/**
 * The order `GET /order/certificate/{key}` names: by order ID, else by the upper-case thumbprint
 * or serial of its primary (exactly as stored: lower case or colons find nothing, nor do a
 * duplicate's or reissue's).
 * @param {CertificateAccount} account
 * @param {string} key
 */
export function orderFor(account, key) {
  return (
    account.orders.find(o => String(o.id) === key) ??
    account.orders.find(
      o =>
        WITH_CERTIFICATE.includes(o.status) &&
        (o.certificate.thumbprint === key || o.certificate.serial_number === key)
    )
  )
}

const PRODUCT = { name_id: 'ssl_basic', name: 'Basic TLS/SSL', type: 'ssl_certificate' }

/** An account order's Order info. @param {AccountOrder} order */
export function orderInfo(order) {
  const c = order.certificate
  /** @type {Record<string, unknown>} */
  const certificate = {
    common_name: c.common_name,
    dns_names: c.dns_names,
    signature_hash: 'sha256',
    key_size: 2048
  }
  if (WITH_CERTIFICATE.includes(order.status)) {
    Object.assign(certificate, {
      id: c.id,
      serial_number: c.serial_number,
      ...(c.thumbprint === undefined ? {} : { thumbprint: c.thumbprint }),
      date_issued: c.date_issued,
      valid_from: c.valid_from,
      valid_till: c.valid_till
    })
  }
  return {
    id: order.id,
    status: order.status,
    certificate,
    date_created: order.date_created,
    product: PRODUCT,
    ...order.people
  }
}

/** A certificate as the duplicate and reissue lists show it. @param {AccountCertificate} c */
function listedCertificate(c) {
  return {
    id: c.id,
    ...(c.thumbprint === undefined ? {} : { thumbprint: c.thumbprint }),
    serial_number: c.serial_number,
    common_name: c.common_name,
    dns_names: c.dns_names,
    status: c.status,
    date_created: c.date_created,
    date_issued: c.date_issued,
    valid_from: c.valid_from,
    valid_till: c.valid_till,
    signature_hash: 'sha256',
    key_size: 2048
  }
}

/**
 * `GET /order/certificate/{order_id}/duplicate` or `/reissue`: a copy of the primary first, then
 * the order's own. An order outside the account has none.
 * @param {CertificateAccount} account
 * @param {string} orderId
 * @param {'duplicates' | 'reissues'} which
 */
export function relatedCertificates(account, orderId, which) {
  const order = account.orders.find(o => String(o.id) === orderId)
  if (!order) return { certificates: [] }
  return {
    certificates: [order.certificate, ...order[which]].map(listedCertificate)
  }
}

/** @typedef {{ code: string, message: string }} Problem */

const SORTS = /** @type {Record<string, (o: AccountOrder) => string | number>} */ ({
  id: o => o.id,
  date_created: o => o.date_created,
  status: o => o.status,
  common_name: o => o.certificate.common_name,
  date_issued: o => o.certificate.date_issued,
  valid_till: o => o.certificate.valid_till
})

/**
 * What a filter keeps, by its name in `filters[name]`.
 * @type {Record<string, (o: AccountOrder, value: string, account: CertificateAccount) => boolean>}
 */
const FILTERS = {
  // as a filter, issued also matches orders that have expired (DigiCert)
  status: (o, v) => o.status === v || (v === 'issued' && o.status === 'expired'),
  common_name: (o, v, account) =>
    account.listIgnoresCommonName || o.certificate.common_name.toLowerCase() === v.toLowerCase(),
  domain_name: (o, v) =>
    [o.certificate.common_name, ...o.certificate.dns_names].some(
      name => name.toLowerCase() === v.toLowerCase()
    ),
  serial_number: (o, v, account) => listed(o, account).some(c => c.serial_number === v),
  certificate_id: (o, v, account) => listed(o, account).some(c => String(c.id) === v)
}

/** The certificates of an order a serial or certificate-ID filter looks at. */
function listed(/** @type {AccountOrder} */ o, /** @type {CertificateAccount} */ account) {
  return account.listMatchesDuplicates
    ? [o.certificate, ...o.duplicates, ...o.reissues]
    : [o.certificate]
}

/** @param {string | null} value @param {number} fallback @param {number} max */
function whole(value, fallback, max) {
  if (value === null) return fallback
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > max) return undefined
  return n
}

/** An order as the order list shows it. @param {AccountOrder} o @param {CertificateAccount} account */
function listedOrder(o, account) {
  const c = o.certificate
  /** @type {Record<string, unknown>} */
  const certificate = {
    id: c.id,
    ...(account.listOmitsCommonName ? {} : { common_name: c.common_name }),
    dns_names: c.dns_names,
    valid_till: c.valid_till,
    serial_number: c.serial_number,
    signature_hash: 'sha256'
  }
  if (!account.listOmitsDateIssued) certificate.date_issued = c.date_issued
  return {
    id: o.id,
    status: o.status,
    date_created: o.date_created,
    certificate,
    product: PRODUCT,
    has_duplicates: o.duplicates.length > 0,
    is_renewed: false
  }
}

/**
 * `GET /order/certificate?filters[...]=...&sort=...&offset=...&limit=...`: the page asked for, or
 * the problem with the query (a 400). An empty page has no `orders` key (recorded from DigiCert).
 * @param {CertificateAccount} account
 * @param {URLSearchParams} query
 * @returns {{ body: Record<string, unknown> } | { problem: Problem }}
 */
export function listOrders(account, query) {
  /** @type {[string, string][]} */
  const filters = []
  for (const [key, value] of query) {
    const name = /^filters\[(.+)\]$/.exec(key)?.[1]
    if (name === undefined) continue
    if (!(name in FILTERS))
      return {
        problem: {
          code: `invalid_value:${key}`,
          message: `The stand-in does not filter by ${key}; it knows ${Object.keys(FILTERS).join(', ')}.`
        }
      }
    filters.push([name, value])
  }
  const sort = query.get('sort')
  const sortKey = sort === null ? undefined : SORTS[sort.replace(/^-/, '')]
  if (sort !== null && sortKey === undefined)
    return { problem: { code: 'invalid_value:sort', message: `Cannot sort by ${sort}.` } }
  const offset = whole(query.get('offset'), 0, Number.MAX_SAFE_INTEGER)
  const limit = whole(query.get('limit'), LIST_LIMIT, LIST_LIMIT)
  if (offset === undefined)
    return { problem: { code: 'invalid_value:offset', message: 'offset must be a whole number.' } }
  if (limit === undefined || limit === 0)
    return {
      problem: { code: 'invalid_value:limit', message: `limit must be from 1 to ${LIST_LIMIT}.` }
    }
  const kept = account.orders.filter(o =>
    filters.every(([name, value]) => /** @type {Function} */ (FILTERS[name])(o, value, account))
  )
  if (sortKey) {
    const sign = sort?.startsWith('-') ? -1 : 1
    kept.sort((a, b) => (sortKey(a) < sortKey(b) ? -sign : sortKey(a) > sortKey(b) ? sign : 0))
  }
  const page = kept.slice(offset, offset + limit)
  const pageInfo = { total: kept.length, limit, offset }
  return {
    body:
      page.length === 0
        ? { page: pageInfo }
        : { orders: page.map(o => listedOrder(o, account)), page: pageInfo }
  }
}
