// src/certcentral/: talking to DigiCert CertCentral, the one folder that knows its API.
//   api.ts        (this module) what CertCentral is: base URLs, the key header, rate limits, the
//                 paths of the look-ups (Order info, the order list, duplicates) and of an
//                 order's notes, Retry-After, and
//                 where the key may go; pure, no HTTP, no @actions/core
//   bodies.ts     what its answers hold: Order info and an order's statuses, the order list and
//                 the duplicates, a send's answer, DigiCert's error entries
//   note-bodies.ts  an order's notes list and the Add note answer
//   hints.ts      what each DigiCert error code asks the user to do: a new error hint goes there
//   errors.ts     what a failed request is: CertCentralError, its kinds and fields
//   answers.ts    an answer (or a transport failure) judged into success or a CertCentralError
//   client.ts     an operation's call or a look-up for one ID, built and sent with the key
//   transport.ts  HTTP: one deadline over the whole request, bounded bodies, no redirects
//   proxy.ts      the runner's proxy conventions (https_proxy, no_proxy), and their warning
//
// Sources: DigiCert's CertCentral Services API v2 reference,
// https://dev.digicert.com/en/certcentral-apis/services-api.html (Send certificate via email, Email
// site seal, Order info, Errors, Rate limits).
import { isIP } from 'node:net'

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

// ---- The order list and duplicates -------------------------------------------------------------

/** Orders asked for per page of the order list. */
export const LIST_PAGE_LIMIT = 100

/**
 * The filters the order list is asked with: by serial; by certificate ID; issued orders by common name, page by
 * page; or (`anyStatus`) a common name's orders in any status, newest first (anyStatusQuery).
 */
export type OrderQuery =
  | { filter: 'serial_number'; value: string; offset: number }
  /** The order of a certificate ID (recipients-from-order reads its people). */
  | { filter: 'certificate_id'; value: string; offset: number }
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

/**
 * An order's notes: `GET` lists them, `POST` with `{"text":…}` adds one (DigiCert's List order
 * notes and Add note pages): `{base}/order/certificate/{order_id}/note`.
 */
export function orderNotesPath(orderId: string): string {
  return `/order/certificate/${digits(orderId)}/note`
}

/** `GET {base}/order/certificate/{order_id}/duplicate`. */
export function duplicatesPath(orderId: string): string {
  return `/order/certificate/${digits(orderId)}/duplicate`
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
