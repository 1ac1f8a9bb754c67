// What CertCentral is, apart from how we talk to it: base URLs, the key header, rate limits, the
// Order info call, the shape of error bodies and what each DigiCert error code asks the user to do.
// Pure: no HTTP, no @actions/core.
//
// Sources: DigiCert's CertCentral Services API v2 reference,
// https://dev.digicert.com/en/certcentral-apis/services-api.html (Send certificate via email, Email
// site seal, Order info, Errors, Rate limits).
import { isIP } from 'node:net'
import { asText } from '../sanitize.js'

export const REGION_BASE_URLS = {
  us: 'https://www.digicert.com/services/v2',
  eu: 'https://certcentral.digicert.eu/services/v2'
} as const

export const API_KEY_HEADER = 'X-DC-DEVKEY'

/** DigiCert's documented limits per API key (Rate limits page); they may change without notice. */
export const RATE_LIMITS: readonly RateWindow[] = [
  { limit: 100, windowMs: 5_000 },
  { limit: 1000, windowMs: 180_000 }
]

export interface RateWindow {
  limit: number
  windowMs: number
}

/**
 * Order info: `GET {base}/order/certificate/{order_id}`, or by the upper-case hex thumbprint or
 * serial of the order's primary certificate in place of the order ID.
 */
export function orderInfoPath(key: string): string {
  if (!/^[0-9A-F]{1,64}$/.test(key))
    throw new Error(`refusing to build a URL with the key ${JSON.stringify(key)}`)
  return `/order/certificate/${key}`
}

/** Refuses anything but digits in a path segment: the last line of defence against splicing. */
export function digits(id: string): string {
  if (!/^\d+$/.test(id))
    throw new Error(`refusing to build a URL with the ID ${JSON.stringify(id)}`)
  return id
}

// ---- Order info -------------------------------------------------------------------------------

/** The status in which an order's certificate can be sent. */
export const ISSUED = 'issued'
/** Statuses that end without a certificate: an order in one of these is never polled again. */
export const FINAL_WITHOUT_CERTIFICATE = [
  'rejected',
  'canceled',
  'cancelled',
  'revoked',
  'expired'
] as const

export interface OrderInfo {
  /** Trimmed and in lower case: `" Issued "` is `issued`. */
  status: string
  /** The certificate ID `sendemail` takes; read only when the order is issued. */
  certificateId: string | undefined
  /**
   * A `certificate.id` that is there but no ID (0, −5, 5.5, an unsafe integer, an array…), as
   * JSON text not yet sanitized: the caller shows it. Absent when certificateId is read, or when
   * the Order info names none (no `id`, or null).
   */
  unusableCertificateId?: string
  commonName: string | undefined
  validTill: string | undefined
  /** The order's own ID (asked by thumbprint or serial, it is not the key asked with). */
  orderId?: string | undefined
  /** The primary certificate's serial (upper-case hex) and SHA-1 thumbprint, when given. */
  serialNumber?: string | undefined
  thumbprint?: string | undefined
  /** When the primary certificate was issued (ISO 8601), and its validity's start. */
  dateIssued?: string | undefined
  validFrom?: string | undefined
}

/** Reads the fields this action uses from an Order info body; undefined when it is not one. */
export function parseOrderInfo(body: string): OrderInfo | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed) || typeof parsed.status !== 'string') return undefined
  const status = parsed.status.trim().toLowerCase()
  if (status === '') return undefined
  const certificate = isRecord(parsed.certificate) ? parsed.certificate : {}
  const id = certificate.id
  const certificateId = idOf(id)
  return {
    status,
    certificateId,
    ...(certificateId === undefined && id !== undefined && id !== null
      ? { unusableCertificateId: idAsWritten({ body, id }) }
      : {}),
    commonName: textOf(certificate.common_name),
    validTill: textOf(certificate.valid_till),
    // The fields the look-up chain reads, each only when given.
    ...defined({
      orderId: idOf(parsed.id),
      serialNumber: hexOf(certificate.serial_number),
      thumbprint: hexOf(certificate.thumbprint),
      dateIssued: textOf(certificate.date_issued),
      validFrom: textOf(certificate.valid_from)
    })
  }
}

/** The fields with a value. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined)
  ) as Partial<T>
}

/**
 * An unusable certificate.id as text: a number as the body wrote it (JSON.parse turns `1e400` into
 * Infinity, which JSON shows as null, and `9007199254740993` into another integer), else as JSON.
 */
export function idAsWritten({ body, id }: { body: string; id: unknown }): string {
  if (typeof id === 'number') {
    for (const [, text] of body.matchAll(/"id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g))
      if (Object.is(Number(text), id)) return text as string
  }
  return asText(id)
}

/** A CertCentral ID as the ID a call takes: a positive safe integer, or its digits (at most 20). */
function idOf(id: unknown): string | undefined {
  return (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ||
    (typeof id === 'string' && /^[1-9]\d{0,19}$/.test(id))
    ? String(id)
    : undefined
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** A serial or thumbprint as CertCentral gives it, upper case without separators; else undefined. */
function hexOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const hex = value.replace(/[:\s-]/g, '').toUpperCase()
  return /^[0-9A-F]{1,64}$/.test(hex) ? hex : undefined
}

/** A serial or thumbprint as a number's digits: separators, case and leading zeros dropped. */
export function hexKey(hex: string): string {
  return hex
    .replace(/[:\s-]/g, '')
    .toUpperCase()
    .replace(/^0+(?=.)/, '')
}

/** Serials (or thumbprints) compared as numbers (hexKey). */
export function sameHex(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false
  return hexKey(a) === hexKey(b)
}

// ---- Order list and duplicates ----------------------------------------------------------------

/** Orders asked for per page of the order list. */
export const LIST_PAGE_LIMIT = 100
/** Entries read at most from one answer (a list or a duplicate list): a hostile body may hold more. */
export const MAX_LIST_ENTRIES = 1000

/** A certificate in the order list (an order's primary) or a duplicate list. */
export interface CertificateSummary {
  id: string
  serialNumber: string | undefined
  thumbprint: string | undefined
  commonName: string | undefined
  status: string | undefined
  dateIssued: string | undefined
  validFrom: string | undefined
  validTill: string | undefined
}

/** An order of the order list. */
export interface OrderSummary {
  id: string
  status: string
  certificate: CertificateSummary | undefined
  /** `has_duplicates`: false says there is no duplicate list worth asking for. */
  hasDuplicates: boolean | undefined
}

/** One page of the order list: its orders and the page's `total` and `offset`. */
export interface OrderList {
  orders: OrderSummary[]
  total: number
  offset: number
}

/**
 * The filters the order list is asked with: by serial; issued orders by common name, page by
 * page; or (`anyStatus`) a common name's orders in any status, newest first (anyStatusQuery).
 */
export type OrderQuery =
  | { filter: 'serial_number'; value: string; offset: number }
  | { filter: 'common_name'; value: string; offset: number; anyStatus?: true }

/** A common name's orders in any status, newest first, the first page: is one still waiting? */
export function anyStatusQuery(commonName: string): OrderQuery {
  return { filter: 'common_name', value: commonName, offset: 0, anyStatus: true }
}

/** `GET {base}/order/certificate?filters[...]=...`: the path and query of one page. */
export function orderListPath(query: OrderQuery): string {
  const value = encodeURIComponent(query.value)
  const narrowed =
    query.filter !== 'common_name'
      ? ''
      : query.anyStatus
        ? '&sort=-date_created'
        : '&filters[status]=issued'
  return `/order/certificate?filters[${query.filter}]=${value}${narrowed}&offset=${query.offset}&limit=${LIST_PAGE_LIMIT}`
}

/** `GET {base}/order/certificate/{order_id}/duplicate`. */
export function duplicatesPath(orderId: string): string {
  return `/order/certificate/${digits(orderId)}/duplicate`
}

export function parseCertificateSummary(value: unknown): CertificateSummary | undefined {
  if (!isRecord(value)) return undefined
  const id = idOf(value.id)
  if (id === undefined) return undefined
  return {
    id,
    serialNumber: hexOf(value.serial_number),
    thumbprint: hexOf(value.thumbprint),
    commonName: textOf(value.common_name),
    status: textOf(value.status)?.toLowerCase(),
    dateIssued: textOf(value.date_issued),
    validFrom: textOf(value.valid_from),
    validTill: textOf(value.valid_till)
  }
}

/**
 * An order list page; undefined when the body is not one. An empty list may come without `orders`
 * (recorded from DigiCert); at most MAX_LIST_ENTRIES orders are read, entries without an ID skipped.
 */
export function parseOrderList(body: string): OrderList | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed)) return undefined
  const page = isRecord(parsed.page) ? parsed.page : {}
  if (parsed.orders !== undefined && !Array.isArray(parsed.orders)) return undefined
  const entries = ((parsed.orders as unknown[] | undefined) ?? []).slice(0, MAX_LIST_ENTRIES)
  const orders = entries.flatMap((entry): OrderSummary[] => {
    if (!isRecord(entry)) return []
    const id = idOf(entry.id)
    if (id === undefined) return []
    const hasDuplicates =
      typeof entry.has_duplicates === 'boolean' ? entry.has_duplicates : undefined
    const status = textOf(entry.status)?.toLowerCase() ?? ''
    return [{ id, status, certificate: parseCertificateSummary(entry.certificate), hasDuplicates }]
  })
  const count = (value: unknown, fallback: number): number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fallback
  const offset = count(page.offset, 0)
  return { orders, total: count(page.total, offset + orders.length), offset }
}

/** A duplicate (or reissue) list: `{"certificates":[...]}`; undefined when the body is not one. */
export function parseCertificateList(body: string): CertificateSummary[] | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed)) return undefined
  if (parsed.certificates === undefined) return []
  if (!Array.isArray(parsed.certificates)) return undefined
  return parsed.certificates
    .slice(0, MAX_LIST_ENTRIES)
    .flatMap(entry => parseCertificateSummary(entry) ?? [])
}

export function isFinalWithoutCertificate(status: string): boolean {
  return (FINAL_WITHOUT_CERTIFICATE as readonly string[]).includes(status)
}

/** Whether an order in this status may still get its certificate: neither issued nor ended. */
export function isWaitingForCertificate(status: string): boolean {
  return status !== '' && status !== ISSUED && !isFinalWithoutCertificate(status)
}

// ---- A send's answer ---------------------------------------------------------------------------

/**
 * Whether a send's answer is CertCentral's, so the email was sent: a 204 (what `sendemail` and
 * `email-seal` answer, with no body), or another 2xx whose body is empty or an empty JSON object
 * (`{}`), JSON whitespace (space, tab, CR, LF) around it or alone. Any other 2xx (`{"message":
 * "Unauthorized"}`, `{"errors":null}`, HTML, text) is an answer CertCentral does not give: a
 * gateway, a proxy or another server answered, and the email may or may not have gone out.
 */
export function isSendAnswer({ status, text }: { status: number; text: string }): boolean {
  if (status < 200 || status > 299) return false
  return status === 204 || /^[ \t\r\n]*(?:\{[ \t\r\n]*\}[ \t\r\n]*)?$/.test(text)
}

// ---- Errors -----------------------------------------------------------------------------------

/** One entry of DigiCert's `errors`, as text not yet sanitized (the caller shows it). */
export interface DigiCertError {
  code: string
  message: string
}

/** Entries read from one body at most: a hostile body may list thousands. */
export const MAX_ERRORS_READ = 5

/**
 * DigiCert's errors, read tolerantly: `errors` as an array or a single object, text from
 * `message`, else `description`; non-string fields as JSON. Undefined when the body has none.
 */
export function parseDigiCertErrors(body: string): DigiCertError[] | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed)) return undefined
  const errors = parsed.errors
  const entries = Array.isArray(errors) ? errors : isRecord(errors) ? [errors] : []
  if (entries.length === 0) return undefined
  return entries.slice(0, MAX_ERRORS_READ).map(entry => {
    const e: Record<string, unknown> = isRecord(entry) ? entry : { message: entry }
    return {
      code: asText(e.code ?? '(no code)'),
      message: asText(e.message ?? e.description ?? '')
    }
  })
}

/** How many entries a body's `errors` holds, including those parseDigiCertErrors did not read. */
export function countDigiCertErrors(body: string): number {
  const parsed = parseJson(body)
  if (!isRecord(parsed)) return 0
  return Array.isArray(parsed.errors) ? parsed.errors.length : isRecord(parsed.errors) ? 1 : 0
}

export interface HintContext {
  /** The input that held the ID: `certificate-id` or `order-id`. */
  idInput: string
}

/**
 * One short, actionable sentence per DigiCert code this action can meet (DigiCert's Errors page).
 * The README's troubleshooting table is tested against this table.
 */
export const HINTS: Record<string, (context: HintContext) => string> = {
  'access_denied|access_denied_invalid_key': () =>
    'the API key is wrong, revoked or expired: create one in CertCentral (Automation › API keys) and update the secret',
  'access_denied|missing_permission': () =>
    'a View Only key, or a user without the role: use a key without the View Only restriction whose user may manage this certificate or order',
  not_found: ({ idInput }) =>
    `check ${idInput}, and region if the account is on CertCentral Europe`,
  'not_found|order': () => 'check order-id, and region if the account is on CertCentral Europe',
  'not_found|route': () => 'the URL is wrong: check that api-url ends in /services/v2',
  bad_request_format: () =>
    'DigiCert could not read the request: check emails, format, message and seal-settings',
  request_limit_exceeded: () =>
    'the key is over 100 requests per 5 s or 1000 per 3 min (other jobs using it count too): wait retry-after seconds and send unsent-ids again, or set max-retries'
}

/** Hints for codes of a family, e.g. `invalid_value:emails` (DigiCert's older API; unconfirmed here). */
const HINT_FAMILIES: [RegExp, (field: string) => string][] = [
  [
    /^invalid_value:(.+)$/,
    field => `DigiCert rejected the value of ${field}: fix the input behind it`
  ],
  [/^required_param:(.+)$/, field => `DigiCert expected ${field}: set the input behind it`]
]

/** The hint for the first code that has one, or undefined. */
export function hintFor(codes: readonly string[], context: HintContext): string | undefined {
  for (const code of codes) {
    if (Object.hasOwn(HINTS, code)) return (HINTS[code] as (c: HintContext) => string)(context)
    for (const [pattern, hint] of HINT_FAMILIES) {
      const match = pattern.exec(code)
      if (match) return hint(match[1] as string)
    }
  }
  return undefined
}

/** The code DigiCert gives a key whose user lacks the role for this certificate or order. */
export const MISSING_PERMISSION = 'access_denied|missing_permission'

/**
 * Whether an answer refuses the key itself, so every other ID would be refused the same way: any
 * 401, and a 403 whose codes are `access_denied|…` other than a missing permission.
 */
export function refusesKey(status: number, codes: readonly string[]): boolean {
  return (
    status === 401 ||
    (status === 403 &&
      codes.some(code => code.startsWith('access_denied') && code !== MISSING_PERMISSION))
  )
}

/**
 * Whether a 403 says only that the key's user may not act on this ID (`missing_permission`): it may
 * hold for this certificate and not the next (another division), so it is not a refused key.
 */
export function lacksPermission(status: number, codes: readonly string[]): boolean {
  return status === 403 && codes.includes(MISSING_PERMISSION) && !refusesKey(status, codes)
}

// ---- Retry-After ------------------------------------------------------------------------------

/** `Retry-After` values above this are absurd: the output shows none and a warning says why. */
export const MAX_RETRY_AFTER_SECONDS = 86_400

const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

/**
 * `Retry-After` as whole seconds: delta-seconds, or an IMF-fixdate (RFC 9110) counted from the
 * answer's own `Date` header when it has a usable one (both then come from the server's clock),
 * else from `nowMs`, the runner's wall clock. Any other text counts as absent, as does a number
 * too long to be meant.
 */
export function parseRetryAfter(
  header: string | undefined,
  nowMs: number,
  dateHeader?: string
): number | undefined {
  if (header === undefined) return undefined
  const value = header.trim()
  if (/^\d{1,15}$/.test(value)) return Number(value)
  const date = httpDate(value)
  if (date === undefined) return undefined
  const served = dateHeader === undefined ? undefined : httpDate(dateHeader.trim())
  return Math.max(0, Math.ceil((date - (served ?? nowMs)) / 1000))
}

/** An IMF-fixdate as ms since the epoch, or undefined. */
function httpDate(value: string): number | undefined {
  if (!HTTP_DATE.test(value)) return undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : date
}

// ---- Where the key may go ---------------------------------------------------------------------

/** Loopback means loopback: 127.0.0.0/8, ::1 and the name `localhost`, never `*.localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '0:0:0:0:0:0:0:1'
}

/** Whether the key may travel to this URL at all: HTTPS anywhere, plain HTTP only to loopback. */
export function mayCarryKey(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

/** The path every CertCentral base URL ends in; any other path of api-url may hold a secret. */
export const SERVICES_PATH = '/services/v2'

/**
 * The path of a base URL that may hold a secret (a gateway's token, `/t0k3n/services/v2`), without
 * its trailing slashes; undefined when it cannot: none, or `/services/v2` (SERVICES_PATH), the
 * regions' own. The one rule shownBase and secretPathOf ask.
 */
export function secretPath(url: URL): string | undefined {
  const path = url.pathname.replace(/\/+$/, '')
  return path === '' || path === SERVICES_PATH ? undefined : path
}

/**
 * A base URL as every line the step writes shows it: whole when its path holds no secret
 * (`https://certcentral.digicert.eu/services/v2`, see secretPath), else its origin and `/…`
 * (`https://gw.example/…`). A request is shown as this plus its path below the base:
 * `https://gw.example/…/certificate/123/sendemail`.
 */
export function shownBase({ baseUrl }: { baseUrl: string }): string {
  const url = new URL(baseUrl)
  const origin = `${url.protocol}//${url.host}`
  return secretPath(url) === undefined
    ? `${origin}${url.pathname.replace(/\/+$/, '')}`
    : `${origin}/…`
}

/**
 * The path of api-url for the sanitizer to hide wherever a server echoes it (a redirect's
 * Location, an error body): its secretPath, none when it has none or is not a URL.
 */
export function secretPathOf({ apiUrl }: { apiUrl: string }): string[] {
  let url: URL
  try {
    url = new URL(apiUrl.trim())
  } catch {
    return []
  }
  const path = secretPath(url)
  return path === undefined ? [] : [path]
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
