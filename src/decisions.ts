// The rules DigiCert's API drives, as pure functions of one argument object; the scheduler only
// sequences them. Each takes what it decides on (times as numbers, the random draw for jitter) and
// returns what to do: no clock, no I/O, no state. Where the next rules land:
// - retrying a look-up that failed on a timeout, reset or 502: `retryDecision`;
// - a 503 with Retry-After, or a 2xx whose body carries `errors`: `fateOf`;
// - an order not issued yet, or still pending when the wait ends, as unsent: `orderStep`;
// - stopping when every ID meets the same body-level error: `stopFor`.
import { ISSUED, isFinalWithoutCertificate, type OrderInfo, type RateWindow } from './api.js'
import { CertCentralError } from './certcentral.js'
import type { Fate, RunOutcome } from './outcome.js'
import { formatDuration } from './parse.js'

/** Added to every window: DigiCert counts arrivals, we count departures. */
export const RATE_MARGIN_MS = 250
export const BACKOFF_BASE_MS = 5_000
/** The longest any single wait may be (a 429's Retry-After or backoff); longer stops the run. */
export const MAX_PAUSE_SECONDS = 300
/** Order polling: the first re-check after about 5 s, doubling, at most every 2 minutes. */
export const FIRST_POLL_MS = 5_000
export const MAX_POLL_MS = 120_000

/** The two kinds of request: an operation's call (a send) and an Order info look-up. */
export type RequestKind = 'send' | 'lookup'

/** Why the run stopped early: see RunOutcome. */
export type RunStop = NonNullable<RunOutcome['stop']>

// ---- Waits --------------------------------------------------------------------------------------

/** Exponential backoff from BACKOFF_BASE_MS with up to 50 % jitter, capped at MAX_PAUSE_SECONDS. */
export function backoffMs({ retry, random }: { retry: number; random: number }): number {
  const base = BACKOFF_BASE_MS * 2 ** (retry - 1)
  return Math.min(MAX_PAUSE_SECONDS * 1000, Math.round(base + base * 0.5 * random))
}

/** The wait before re-checking an order after `check` checks: 5 s doubling to 2 min, ±10 % jitter. */
export function pollDelayMs({ check, random }: { check: number; random: number }): number {
  const base = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, check - 1))
  return Math.min(MAX_POLL_MS, Math.round(base * (0.9 + 0.2 * random)))
}

/** Look-ups' share of a budget (requests in flight, or a rate window's limit): half, at least 1. */
export function lookupShare({ total }: { total: number }): number {
  return Math.max(1, Math.floor(total / 2))
}

/** The steady pace of look-ups their half of every window allows, as ms between two. */
export function lookupSpacingMs({ windows }: { windows: readonly RateWindow[] }): number {
  return Math.max(...windows.map(w => w.windowMs / lookupShare({ total: w.limit })))
}

// ---- Pacing -------------------------------------------------------------------------------------

export interface PacingInput {
  kind: RequestKind
  now: number
  windows: readonly RateWindow[]
  /** When recent requests of both kinds started, oldest first. */
  starts: readonly number[]
  /** When recent look-ups started, oldest first. */
  lookupStarts: readonly number[]
  /** No request starts before this (a 429's pause). */
  pausedUntil: number
  /** Sends waiting for their turn: look-ups leave them that much room in every window. */
  sendsWaiting: number
  marginMs: number
}

/**
 * Milliseconds until a request of this kind may start, 0 or less when it may start now: after the
 * pause, with room in every window, and for a look-up also under half of every window (less the
 * room the waiting sends need).
 */
export function pacingDelayMs(input: PacingInput): number {
  const { kind, now, windows, starts, lookupStarts, pausedUntil, sendsWaiting, marginMs } = input
  const reserve = kind === 'lookup' ? sendsWaiting : 0
  const waits = [pausedUntil - now]
  for (const { limit, windowMs } of windows) {
    const room = { now, windowMs, marginMs }
    waits.push(untilRoom({ ...room, starts, limit: Math.max(1, limit - reserve) }))
    if (kind === 'lookup') {
      waits.push(untilRoom({ ...room, starts: lookupStarts, limit: lookupShare({ total: limit }) }))
    }
  }
  return Math.max(...waits)
}

/** Until `limit` starts fit in the window again: when the oldest of the last `limit` leaves it. */
function untilRoom(window: {
  starts: readonly number[]
  limit: number
  windowMs: number
  marginMs: number
  now: number
}): number {
  const { starts, limit, windowMs, marginMs, now } = window
  if (starts.length < limit) return -Infinity
  return (starts[starts.length - limit] as number) + windowMs + marginMs - now
}

// ---- Retries ------------------------------------------------------------------------------------

export interface RetryInput {
  failure: CertCentralError
  /** Retries already made of this request: 0 after its first failure. */
  retry: number
  maxRetries: number
  /** Whether the run has stopped (a stop, a refused key or cancellation elsewhere). */
  runStopped: boolean
  now: number
  /** A draw in [0, 1) for the backoff's jitter. */
  random: number
  /** How long the run has paused for 429s so far, counting overlapping pauses once. */
  pausedMs: number
  /** When the run's current pause ends (0 before any). */
  pauseEnd: number
}

/** Why a failed request is not retried. */
export type GiveUp =
  'not-retryable' | 'max-retries' | 'run-stopped' | 'wait-too-long' | 'pause-budget-used'

export type RetryDecision =
  | {
      retry: true
      /** How long to wait before the retry, and the time that is. */
      waitMs: number
      until: number
      /** The run's pause bookkeeping once this wait is counted. */
      pausedMs: number
      pauseEnd: number
    }
  /** `appended` is said after the failure's message ('' when nothing needs saying). */
  | { retry: false; why: GiveUp; appended: string }

/**
 * After a failed request: retry a 429 after its Retry-After (or backoff), unless max-retries is
 * reached, the run stopped, the wait is longer than MAX_PAUSE_SECONDS, or it would take the run's
 * pauses past max-retries × MAX_PAUSE_SECONDS. Nothing else is retried.
 */
export function retryDecision(input: RetryInput): RetryDecision {
  const { failure, retry, maxRetries, now, pausedMs, pauseEnd } = input
  if (failure.kind !== 'rate-limited') return { retry: false, why: 'not-retryable', appended: '' }
  if (retry >= maxRetries) return { retry: false, why: 'max-retries', appended: '' }
  if (input.runStopped) return { retry: false, why: 'run-stopped', appended: '' }
  const asked = failure.retryAfterSeconds
  const waitMs =
    asked !== undefined ? asked * 1000 : backoffMs({ retry: retry + 1, random: input.random })
  if (waitMs > MAX_PAUSE_SECONDS * 1000) {
    const appended = `, longer than the ${MAX_PAUSE_SECONDS} s this action waits`
    return { retry: false, why: 'wait-too-long', appended }
  }
  // Waits overlap when several requests meet the same 429: only what extends the pause counts.
  const until = now + waitMs
  const extension = Math.max(0, until - Math.max(now, pauseEnd))
  if (pausedMs + extension > maxRetries * MAX_PAUSE_SECONDS * 1000) {
    const waited = formatDuration(pausedMs / 1000)
    const appended = `; the run already waited ${waited} for 429s, the most max-retries allows`
    return { retry: false, why: 'pause-budget-used', appended }
  }
  return {
    retry: true,
    waitMs,
    until,
    pausedMs: pausedMs + extension,
    pauseEnd: Math.max(pauseEnd, until)
  }
}

// ---- Fates and stops ----------------------------------------------------------------------------

/**
 * Where an ID ends with this answer: sent on a 2xx. A 429 or a refused key says nothing against
 * the ID, so it is unsent (worth sending again, with a key that works); any other failure failed.
 */
export function fateOf({
  answer
}: {
  answer: { status: number } | CertCentralError
}): Exclude<Fate, 'validated'> {
  if (!(answer instanceof CertCentralError)) return 'sent'
  return answer.kind === 'rate-limited' || answer.kind === 'key-refused' ? 'unsent' : 'failed'
}

export type StopEvent =
  | { event: 'cancelled' }
  /** A request's last failure: after its retries, with what they appended to its message. */
  | { event: 'failure'; id: string; failure: CertCentralError }

/**
 * Whether this stops the whole run, and why: the runner's cancellation; a refused key (every other
 * request would be refused too); a 429 not retried (the key is over DigiCert's limits).
 */
export function stopFor(input: StopEvent): RunStop | undefined {
  if (input.event === 'cancelled') {
    return { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
  }
  const { id, failure } = input
  if (failure.kind === 'key-refused' || failure.kind === 'rate-limited') {
    return { reason: failure.kind, id, message: failure.message }
  }
  return undefined
}

/** The error of an ID the run stopped before it was sent: what stopped it, and how far it got. */
export function unsentError({
  stop,
  noun,
  attempts
}: {
  stop: RunStop
  /** 'certificate' or 'order': what the IDs are. */
  noun: string
  /** Requests made for this ID. */
  attempts: number
}): string {
  const why =
    stop.reason === 'cancelled'
      ? 'cancelled'
      : stop.reason === 'key-refused'
        ? `CertCentral refused the API key (${noun} ${stop.id})`
        : `DigiCert rate-limited the key while sending ${noun} ${stop.id}; run again later for this ID`
  return attempts === 0 ? `not attempted: ${why}` : `not sent: ${why}`
}

// ---- Orders -------------------------------------------------------------------------------------

export interface OrderStepInput {
  orderId: string
  /** What this Order info look-up found. */
  order: OrderInfo
  /** The ID the operation's call takes: the order's certificate's, or the order's own. */
  orderTarget: 'certificate' | 'order'
  /** Look-ups of this order made so far, this one included. */
  check: number
  now: number
  /** wait-for-issuance, in seconds (0: do not wait). */
  waitSeconds: number
  /** When the wait for issuance ends. */
  deadline: number
  /** Orders waiting to be issued, this one included: they share the look-up budget. */
  ordersWaiting: number
  windows: readonly RateWindow[]
  /** A draw in [0, 1) for the poll's jitter. */
  random: number
}

export type OrderStep =
  /** Send, with the ID the call takes. */
  | { step: 'send'; target: string }
  /** End the ID without a send. */
  | { step: 'end'; fate: Exclude<Fate, 'validated' | 'sent'>; error: string; hint?: string }
  /** Look the order up again in `delayMs`. */
  | { step: 'wait'; delayMs: number }

/** After an Order info answer: send, end the ID, or look the order up again and when. */
export function orderStep(input: OrderStepInput): OrderStep {
  const { orderId: id, order, now, waitSeconds, deadline } = input
  if (order.status === ISSUED) {
    if (input.orderTarget === 'order') return { step: 'send', target: id }
    if (order.certificateId !== undefined) return { step: 'send', target: order.certificateId }
    const error = `order ${id} is issued but its Order info names no certificate.id; check api-url`
    return { step: 'end', fate: 'failed', error }
  }
  if (isFinalWithoutCertificate(order.status)) {
    return {
      step: 'end',
      fate: 'failed',
      error: `order ${id} is ${order.status}: it ended without a certificate, so there is nothing to send`,
      hint: 'check the order in CertCentral; a new order is needed'
    }
  }
  if (waitSeconds === 0) {
    const error = `order ${id} is not issued yet (status ${order.status}); set wait-for-issuance to wait for it`
    return { step: 'end', fate: 'failed', error }
  }
  if (now >= deadline) {
    return {
      step: 'end',
      fate: 'failed',
      error: `order ${id} still ${order.status} after ${formatDuration(waitSeconds)}`,
      hint: 'raise wait-for-issuance, or run again once the order is issued'
    }
  }
  // Many orders waiting at once share the look-up budget: checking one sooner than its share
  // allows would only queue behind the others. The last check falls on the deadline, so "still
  // pending" is said when the wait is over.
  const share = Math.round(input.ordersWaiting * lookupSpacingMs({ windows: input.windows }))
  const poll = pollDelayMs({ check: input.check, random: input.random })
  return { step: 'wait', delayMs: Math.min(Math.max(poll, share), deadline - now) }
}
