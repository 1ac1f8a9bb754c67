// What a failed request to CertCentral is: its kind, and the error that names it by its fields
// (status, DigiCert's codes, a hint, a Retry-After). Pure and free of HTTP, so that the run's rules
// can read a failure without loading the client or the transport.
import type { TransportError } from './transport.js'

/**
 * What kind of failure: `http` an error status; `rate-limited` a 429 and `unavailable` a 503
 * (DigiCert said "later"); `key-refused` the key itself (every ID would get it); `permission` the
 * key's user may not act on this ID; `bad-success` a 2xx that is not CertCentral's answer (HTML,
 * DigiCert's `errors`, too large, or for a send anything but a 204, empty or `{}`); `redirect`;
 * `timeout`, `network` and `cancelled` after the request may have reached CertCentral; `unreached`
 * when it provably never left the runner (nothing was sent).
 */
export type FailureKind =
  | 'http'
  | 'rate-limited'
  | 'unavailable'
  | 'key-refused'
  | 'permission'
  | 'bad-success'
  | 'redirect'
  | 'timeout'
  | 'network'
  | 'unreached'
  | 'cancelled'

/** Said of a send whose outcome is unknown (a timeout, a reset, a 5xx). */
export const MAY_HAVE_BEEN_SENT =
  'it may have been sent: check the audit log in CertCentral before sending it again'

/** Said of a note whose writing is unknown (a timeout, a 5xx, a 2xx that is not Add note's answer). */
export const MAY_HAVE_BEEN_WRITTEN =
  "the note may have been written: check the order's notes in CertCentral"

/** What went wrong with one request, by name: see CertCentralError. */
export interface CertCentralFailure {
  /** Safe to show: built from sanitized parts only. */
  message: string
  kind: FailureKind
  /** The HTTP status, when an answer (or its headers) arrived. */
  status?: number | null
  /** DigiCert's error codes, sanitized. */
  codes?: string[]
  hint?: string
  /** Seconds from a usable Retry-After header. */
  retryAfterSeconds?: number
}

/**
 * A request that did not succeed, with its fields by name (as ky's HTTPError). One that failed in
 * the transport keeps the TransportError as its `cause` (the standard Error cause): the system's
 * text as it came, not sanitized, so for debugging only, never shown.
 */
export class CertCentralError extends Error {
  override readonly name = 'CertCentralError'
  declare readonly cause?: TransportError
  readonly kind: FailureKind
  readonly status: number | null
  readonly codes: string[]
  readonly hint: string | undefined
  readonly retryAfterSeconds: number | undefined

  constructor(failure: CertCentralFailure, options?: { cause: TransportError }) {
    super(failure.message, options)
    this.kind = failure.kind
    this.status = failure.status ?? null
    this.codes = failure.codes ?? []
    this.hint = failure.hint
    this.retryAfterSeconds = failure.retryAfterSeconds
  }
}
