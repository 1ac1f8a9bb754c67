// What a run comes to: each ID's fate and result, and why the run stopped early if it did. The
// scheduler produces it (or run/dry-run.ts's dryRunOutcome, for a dry run), the report shows it.

import type { Known } from './operations.js'

/**
 * Where an ID ended: sent; failed (sending it again unchanged will not help); unsent (stopped or
 * rate-limited: send it again); skipped (issued longer ago than issued-within: nothing to do);
 * validated (a dry run).
 */
export type Fate = 'sent' | 'failed' | 'unsent' | 'skipped' | 'validated'

/** What became of one ID; the report shows it as an entry of the `results` output. */
export interface IdResult {
  id: string
  fate: Fate
  /** The HTTP status of the last answer for this ID. */
  status: number | null
  /**
   * Times the operation's call (the send) was made for this ID: 1, more after 429 or 503 retries,
   * 0 when it never was.
   */
  attempts: number
  /** GETs made for this ID: Order info, order list pages, duplicate lists (see requestsOf). */
  lookups: number
  error?: string
  hint?: string
  certificateId?: string
  commonName?: string
  validTill?: string
  /** The order's status when it was not issued. */
  orderStatus?: string
  /** The order of a certificate found from a file, serial, thumbprint or common name. */
  orderId?: string
  /** The certificate's serial (upper-case hex) and SHA-1 thumbprint, when known. */
  serialNumber?: string
  thumbprint?: string
  /** The certificate file the ID came from. */
  file?: string
  /**
   * Why a skipped ID was skipped: issued-within, or deliver-once ("sent to all 3 recipients on
   * 2026-12-01, note 4512"), for the log and the summary.
   */
  skipReason?: string
  /**
   * With recipients-from-order: whom the certificate was to be sent to (`emails` and its order's
   * people, recipientsFor), how many of them it was sent to, and the roles that named no one.
   */
  recipients?: string[]
  sentTo?: number
  rolesWithout?: string[]
  /**
   * With deliver-once, once something was sent for the ID: whether its delivery note was written
   * on its order (false: sent, but a later run may mail it again).
   */
  recorded?: boolean
}

/** Requests made for an ID, sends and look-ups: 0 when none ever left for it. */
export function requestsOf({ attempts, lookups }: Pick<IdResult, 'attempts' | 'lookups'>): number {
  return attempts + lookups
}

/**
 * Why a run stopped: DigiCert said later (a 429 or 503 not retried), refused the key, gave no
 * answer for several requests in a row, gave the same error for several IDs in a row, or denied
 * the first IDs for a missing permission, or refused deliver-once's note (403); or the runner
 * cancelled it.
 */
export type StopReason =
  | 'rate-limited'
  | 'unavailable'
  | 'key-refused'
  | 'unreachable'
  | 'same-error'
  | 'missing-permission'
  | 'notes-refused'
  | 'cancelled'

export interface RunOutcome {
  results: IdResult[]
  /** Why the run stopped early, if it did. */
  stop: { reason: StopReason; id: string | undefined; message: string } | undefined
  /** Seconds DigiCert asked to wait (a usable Retry-After), only when IDs are left unsent for a 429 or 503. */
  retryAfter: number | undefined
}

/**
 * What an ID's input tells of its certificate, for its result: a file's facts, a serial or a
 * thumbprint. The expiry as CertCentral writes valid_till: yyyy-MM-dd (UTC).
 */
export function knownFields(
  known: Known
): Pick<IdResult, 'file' | 'serialNumber' | 'thumbprint' | 'commonName' | 'validTill'> {
  const fields: ReturnType<typeof knownFields> = {}
  if (known.file !== undefined) fields.file = known.file
  if (known.commonName !== undefined) fields.commonName = known.commonName
  if (known.validTo !== undefined) fields.validTill = known.validTo.slice(0, 10)
  if (known.serialNumber !== undefined) fields.serialNumber = known.serialNumber
  if (known.thumbprint !== undefined) fields.thumbprint = known.thumbprint
  return fields
}
