// After a failed request (pure): retried or not, and after how long (retryDecision). A 429 or 503
// after its Retry-After or a backoff, within max-retries and the run's pause budget; a look-up
// without a definite answer twice more, or at its next check; a write (a send, or a note added to
// an order by deliver-once) never otherwise (it may have reached DigiCert). Also which failures say "later" (saysLater) or are no answer (isTransient).
import type { CertCentralError } from '../certcentral/errors.js'
import { formatDuration } from '../input/parse.js'
import type { RequestKind } from './port.js'

export const BACKOFF_BASE_MS = 5_000
/** The longest any single wait may be (a 429's Retry-After or backoff); longer stops the run. */
export const MAX_PAUSE_SECONDS = 300
/** A 429 or 503 retry waits at least this, doubling per retry, whatever Retry-After says. */
export const MIN_RETRY_WAIT_MS = 1_000
/** With wait-for-issuance 0, a look-up failing without a definite answer is tried this often more. */
export const LOOKUP_RETRIES = 2
/** ... first after this, doubling: 2 s, then 4 s. */
export const LOOKUP_RETRY_MS = 2_000

/** Exponential backoff from BACKOFF_BASE_MS with up to 50 % jitter, capped at MAX_PAUSE_SECONDS. */
export function backoffMs({ retry, random }: { retry: number; random: number }): number {
  const base = BACKOFF_BASE_MS * 2 ** (retry - 1)
  return Math.min(MAX_PAUSE_SECONDS * 1000, Math.round(base + base * 0.5 * random))
}

export interface RetryInput {
  failure: CertCentralError
  /**
   * What failed: a look-up, or a write never repeated but for a 429 or 503: an operation's call (a
   * send) or a note added to an order (`note`, deliver-once's record).
   */
  request: RequestKind | 'note'
  /** Whether orders are waited for (wait-for-issuance > 0): a look-up is then repeated at its next check. */
  waiting: boolean
  /** Retries already made of this request: 0 after its first failure. */
  retry: number
  maxRetries: number
  /** Whether the run has stopped (a stop, a refused key or cancellation elsewhere). */
  runStopped: boolean
  now: number
  /** A draw in [0, 1) for the backoff's jitter. */
  random: number
  /** How long the run has paused for 429s and 503s so far, counting overlapping pauses once. */
  pausedMs: number
  /** When the run's current pause ends (0 before any). */
  pauseEnd: number
}

/** Why a failed request is not retried. */
export type GiveUp =
  | 'not-retryable'
  | 'max-retries'
  | 'run-stopped'
  | 'wait-too-long'
  | 'pause-budget-used'
  | 'next-check'
  | 'lookup-retries'

export type RetryDecision =
  | {
      retry: true
      /** How long to wait before the retry, and the time that is. */
      waitMs: number
      until: number
      /** Whether every request waits too (a 429's or 503's pause), or only this one (a look-up). */
      pauseRun: boolean
      /** The run's pause bookkeeping once this wait is counted. */
      pausedMs: number
      pauseEnd: number
    }
  /** `appended` is said after the failure's message ('' when nothing needs saying). */
  | { retry: false; why: GiveUp; appended: string }

/** Whether DigiCert said "later": a 429 or a 503. */
export function saysLater({ failure }: { failure: CertCentralError }): boolean {
  return failure.kind === 'rate-limited' || failure.kind === 'unavailable'
}

/**
 * Whether a failure is no definite answer, so a look-up (which sends nothing) may be repeated: a
 * timeout, a reset, no connection, a 5xx or a 408.
 */
export function isTransient({ failure }: { failure: CertCentralError }): boolean {
  const { kind, status } = failure
  if (kind === 'timeout' || kind === 'network' || kind === 'unreached') return true
  return kind === 'http' && status !== null && (status >= 500 || status === 408)
}

/**
 * After a failed request: a 429 or 503 is retried (see `laterRetry`); a look-up failing without a
 * definite answer is retried LOOKUP_RETRIES times, 2 s then 4 s apart, when orders are not waited
 * for (else at its next check). Nothing else is retried: a write (a send or a note) may have
 * reached DigiCert.
 */
export function retryDecision(input: RetryInput): RetryDecision {
  const { failure, retry, now, pausedMs, pauseEnd } = input
  if (saysLater({ failure })) return laterRetry(input)
  if (input.request !== 'lookup' || !isTransient({ failure }))
    return { retry: false, why: 'not-retryable', appended: '' }
  if (input.waiting) return { retry: false, why: 'next-check', appended: '' }
  if (input.runStopped) return { retry: false, why: 'run-stopped', appended: '' }
  if (retry >= LOOKUP_RETRIES) {
    return { retry: false, why: 'lookup-retries', appended: `; tried ${retry + 1} times` }
  }
  const waitMs = LOOKUP_RETRY_MS * 2 ** retry
  return { retry: true, waitMs, until: now + waitMs, pauseRun: false, pausedMs, pauseEnd }
}

/**
 * A 429 or 503, retried after its Retry-After (or backoff), at least MIN_RETRY_WAIT_MS doubling
 * per retry, unless max-retries is reached, the run stopped, the wait is longer than
 * MAX_PAUSE_SECONDS, or it would take the run's pauses past max-retries × MAX_PAUSE_SECONDS.
 */
function laterRetry(input: RetryInput): RetryDecision {
  const { failure, retry, maxRetries, now, pausedMs, pauseEnd } = input
  if (retry >= maxRetries) return { retry: false, why: 'max-retries', appended: '' }
  if (input.runStopped) return { retry: false, why: 'run-stopped', appended: '' }
  const asked = failure.retryAfterSeconds
  const floor = Math.min(MAX_PAUSE_SECONDS * 1000, MIN_RETRY_WAIT_MS * 2 ** retry)
  const waitMs = Math.max(
    floor,
    asked !== undefined ? asked * 1000 : backoffMs({ retry: retry + 1, random: input.random })
  )
  if (waitMs > MAX_PAUSE_SECONDS * 1000) {
    const appended = `, longer than the ${MAX_PAUSE_SECONDS} s this action waits`
    return { retry: false, why: 'wait-too-long', appended }
  }
  // Waits overlap when several requests meet the same 429: only what extends the pause counts.
  const until = now + waitMs
  const extension = Math.max(0, until - Math.max(now, pauseEnd))
  if (pausedMs + extension > maxRetries * MAX_PAUSE_SECONDS * 1000) {
    const waited = formatDuration(pausedMs / 1000)
    const appended = `; the run already waited ${waited} for 429s and 503s, the most max-retries allows`
    return { retry: false, why: 'pause-budget-used', appended }
  }
  return {
    retry: true,
    waitMs,
    until,
    pauseRun: true,
    pausedMs: pausedMs + extension,
    pauseEnd: Math.max(pauseEnd, until)
  }
}
