// What CertCentral is, apart from how we talk to it: base URLs, the key header, rate limits, the
// Order info call, the shape of error bodies and what each DigiCert error code asks the user to do.
// Pure: no HTTP, no @actions/core.
//
// Sources: DigiCert's CertCentral Services API v2 reference,
// https://dev.digicert.com/en/certcentral-apis/services-api.html (Send certificate via email, Email
// site seal, Order info, Errors, Rate limits).
import { isIP } from 'node:net'
import { asText } from './sanitize.js'

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

/** Order info: `GET {base}/order/certificate/{order_id}`. */
export function orderInfoPath(orderId: string): string {
  return `/order/certificate/${digits(orderId)}`
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
}

/** Reads the fields this action uses from an Order info body; undefined when it is not one. */
export function parseOrderInfo(body: string): OrderInfo | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed) || typeof parsed.status !== 'string') return undefined
  const status = parsed.status.trim().toLowerCase()
  if (status === '') return undefined
  const certificate = isRecord(parsed.certificate) ? parsed.certificate : {}
  const id = certificate.id
  const certificateId = usableCertificateId(id)
  return {
    status,
    certificateId,
    ...(certificateId === undefined && id !== undefined && id !== null
      ? { unusableCertificateId: idAsWritten({ body, id }) }
      : {}),
    commonName: typeof certificate.common_name === 'string' ? certificate.common_name : undefined,
    validTill: typeof certificate.valid_till === 'string' ? certificate.valid_till : undefined
  }
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

/** A certificate.id as the ID a call takes: a positive safe integer, or its digits as a string. */
function usableCertificateId(id: unknown): string | undefined {
  return (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ||
    (typeof id === 'string' && /^[1-9]\d{0,19}$/.test(id))
    ? String(id)
    : undefined
}

export function isFinalWithoutCertificate(status: string): boolean {
  return (FINAL_WITHOUT_CERTIFICATE as readonly string[]).includes(status)
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
 * A base URL as every line the step writes shows it: its origin, then `/…` for a path. The path
 * may hold a gateway's token (`https://gw.example/t0k3n/services/v2`), so it is never shown; the
 * region's URLs follow the same rule (`https://www.digicert.com/…`). A request is shown as this
 * plus its path below the base: `https://gw.example/…/certificate/123/sendemail`.
 */
export function shownBase({ baseUrl }: { baseUrl: string }): string {
  const url = new URL(baseUrl)
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '') === '' ? '' : '/…'}`
}

/**
 * The path of api-url for the sanitizer to hide wherever a server echoes it (a redirect's
 * Location, an error body): none when it is empty, not a URL, or the usual /services/v2.
 */
export function secretPathOf({ apiUrl }: { apiUrl: string }): string[] {
  let path: string
  try {
    path = new URL(apiUrl.trim()).pathname.replace(/\/+$/, '')
  } catch {
    return []
  }
  return path === '' || path === SERVICES_PATH ? [] : [path]
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
