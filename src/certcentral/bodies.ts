// What CertCentral's answers hold, read tolerantly from untrusted text: Order info and the
// statuses an order goes through, the order list and the duplicate list, what a send's answer is,
// and DigiCert's error entries. Pure: no HTTP; the caller sanitizes what it shows.
import { asText } from '../sanitize.js'
import { parsePeople, type OrderPeople } from './people.js'

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
  /** Who the order names (people.ts), when the answer has any of its people's fields. */
  people?: OrderPeople | undefined
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
      validFrom: textOf(certificate.valid_from),
      people: parsePeople(parsed)
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
export function idOf(id: unknown): string | undefined {
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

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
