// The rules DigiCert's API drives, as pure functions of one argument object; the scheduler only
// sequences them. Each takes what it decides on (times as numbers, the random draw for jitter) and
// returns what to do: no clock, no I/O; what the scheduler remembers for them (recent failures)
// comes in as plain data (`StopHistory`), updated by `afterAttempt` and `afterResult`.
import { anyStatusQuery, type OrderQuery, type RateWindow } from '../certcentral/api.js'
import {
  ISSUED,
  MAX_LIST_ENTRIES,
  isFinalWithoutCertificate,
  isWaitingForCertificate,
  hexKey,
  sameHex,
  type CertificateSummary,
  type OrderInfo,
  type OrderSummary
} from '../certcentral/bodies.js'
import { CertCentralError } from '../certcentral/errors.js'
import type { Known } from '../operations.js'
import type { Fate, RunOutcome } from '../outcome.js'
import { formatDuration } from '../input/parse.js'

/** Added to every window: DigiCert counts arrivals, we count departures. */
export const RATE_MARGIN_MS = 250
export const BACKOFF_BASE_MS = 5_000
/** The longest any single wait may be (a 429's Retry-After or backoff); longer stops the run. */
export const MAX_PAUSE_SECONDS = 300
/** A 429 or 503 retry waits at least this, doubling per retry, whatever Retry-After says. */
export const MIN_RETRY_WAIT_MS = 1_000
/** With wait-for-issuance 0, a look-up failing without a definite answer is tried this often more. */
export const LOOKUP_RETRIES = 2
/** ... first after this, doubling: 2 s, then 4 s. */
export const LOOKUP_RETRY_MS = 2_000
/** Requests in a row without an answer from the host, or IDs in a row with the same error, that stop the run. */
export const STOP_AFTER = 3
/**
 * While orders wait for issuance, requests without an answer stop the run only once the host has
 * been silent this long too: five checks at the longest poll interval (MAX_POLL_MS, 2 min), so a
 * short outage during a long wait is bridged by the next checks.
 */
export const SILENT_BRIDGE_MS = 600_000
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
  /** What failed: an operation's call (a send, never repeated but for a 429 or 503) or a look-up. */
  request: RequestKind
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
 * for (else at its next check). Nothing else is retried: a send may have reached DigiCert.
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

// ---- Fates and stops ----------------------------------------------------------------------------

/** Failures that say nothing against the ID and sent nothing: send it again (later, or with a key that works). */
const UNSENT_KINDS: readonly string[] = ['rate-limited', 'unavailable', 'key-refused', 'unreached']

/**
 * Where an ID ends with this answer: sent on a 2xx the client took as CertCentral's answer; unsent
 * when DigiCert said later (429, 503), refused the key, the request never left the runner, or a
 * look-up (which sends nothing) got no definite answer, the runner's cancellation included;
 * failed otherwise (DigiCert refused this ID, a 2xx that is not its answer, or an unknown outcome).
 */
export function fateOf({
  answer,
  request
}: {
  answer: { status: number } | CertCentralError
  /** The request the answer ended: a look-up that got no definite answer sent nothing. */
  request: RequestKind
}): Exclude<Fate, 'validated' | 'skipped'> {
  if (!(answer instanceof CertCentralError)) return 'sent'
  if (request === 'lookup' && (isTransient({ failure: answer }) || answer.kind === 'cancelled'))
    return 'unsent'
  return UNSENT_KINDS.includes(answer.kind) ? 'unsent' : 'failed'
}

/** DigiCert's code for a path it does not know: the URL is wrong, whatever was asked. */
const ROUTE_NOT_FOUND = 'not_found|route'

/**
 * Whether a code says the thing asked was not found (`not_found`, `not_found|order`, any other
 * `not_found|…` but the route's): it names the ID, so the same one for many IDs says nothing of
 * the run.
 */
function isNotFoundCode(code: string): boolean {
  return code === 'not_found' || (code.startsWith('not_found|') && code !== ROUTE_NOT_FOUND)
}

/**
 * Whether a look-up's failure is "not this step" of the look-up chain: a 404 carrying DigiCert's
 * not-found code for what was asked. A 404 `not_found|route`, or one that is not DigiCert's (no
 * `errors` in its body: empty, HTML, text), says the URL is wrong: no miss, the ID ends on it.
 */
export function isMiss({ failure }: { failure: CertCentralError }): boolean {
  return (
    failure.status === 404 &&
    failure.codes.some(isNotFoundCode) &&
    !failure.codes.includes(ROUTE_NOT_FOUND)
  )
}

/** The stop rules' words for a 404 that is not DigiCert's: the URL is wrong for every ID alike. */
const NOT_DIGICERT_404 = "api-url's server answered HTTP 404 without DigiCert's errors"

/** What the stop rules remember of the run so far, kept by the scheduler as plain data. */
export interface StopHistory {
  /** Requests in a row, up to the last one, that got no answer from the host (see isSilent). */
  silent: number
  /** When the first of those ended (monotonic ms); undefined when the last request was answered. */
  silentSince: number | undefined
  /**
   * The last IDs that ended (at most STOP_AFTER), latest last: what they were answered that says
   * something of the run, as a stop says it ('DigiCert answered bad_request_format'); '' for none.
   */
  recent: readonly { id: string; error: string }[]
  /** The first STOP_AFTER IDs of the plan (the first tried): how many ended, how many on missing_permission. */
  first: { ended: number; denied: number }
}

export const NO_HISTORY: StopHistory = {
  silent: 0,
  silentSince: undefined,
  recent: [],
  first: { ended: 0, denied: 0 }
}

/**
 * Whether a failure is no answer from the host: never reached, or a request that ran out its
 * deadline, whatever came before (headers that then stall are no answer either).
 */
export function isSilent({ failure }: { failure: CertCentralError }): boolean {
  return failure.kind === 'unreached' || failure.kind === 'timeout'
}

/**
 * The history after one request: an answer of any kind ends a run of silent requests; the first
 * of a run sets when the silence began.
 */
export function afterAttempt({
  history,
  failure,
  now
}: {
  history: StopHistory
  /** The request's failure, undefined when it was answered with a 2xx. */
  failure: CertCentralError | undefined
  /** When the request ended (monotonic ms). */
  now: number
}): StopHistory {
  if (failure === undefined || !isSilent({ failure }))
    return { ...history, silent: 0, silentSince: undefined }
  return { ...history, silent: history.silent + 1, silentSince: history.silentSince ?? now }
}

/** The history after an ID ended (not by a stop): its body-level error, and the first IDs' permissions. */
export function afterResult({
  history,
  id,
  position,
  failure
}: {
  history: StopHistory
  id: string
  /** The ID's place in the plan, 0 first: IDs start in plan order, but may end in any order. */
  position: number
  /** The failure the ID ended on, undefined when it was sent or its order ended it. */
  failure: CertCentralError | undefined
}): StopHistory {
  const error = failure === undefined ? '' : runError(failure)
  const { ended, denied } = history.first
  return {
    ...history,
    recent: [...history.recent, { id, error }].slice(-STOP_AFTER),
    first:
      position < STOP_AFTER
        ? { ended: ended + 1, denied: denied + (failure?.kind === 'permission' ? 1 : 0) }
        : history.first
  }
}

/**
 * What a failure says of the run, as a stop says it: DigiCert's codes (but a not-found of the ID),
 * or a 404 that is not DigiCert's (a wrong api-url); '' when it names the ID only, or is no answer
 * of the server's (a timeout, a refused key, a 429: their own rules).
 */
function runError(failure: CertCentralError): string {
  if (failure.kind !== 'http' && failure.kind !== 'bad-success') return ''
  if (failure.status === 404 && failure.codes.length === 0) return NOT_DIGICERT_404
  if (failure.codes.every(isNotFoundCode)) return ''
  return `DigiCert answered ${[...new Set(failure.codes)].sort().join(', ')}`
}

export type StopEvent =
  | { event: 'cancelled' }
  /** A failed request, after the retry decision, with the history that counts it. */
  | {
      event: 'failure'
      id: string
      failure: CertCentralError
      retried: boolean
      history: StopHistory
      /** When the request ended (monotonic ms). */
      now: number
      /** Whether an order waits for a next check (wait-for-issuance): the silence may be bridged. */
      ordersWaiting: boolean
    }
  /** An ID ended (not by a stop), with the history that counts it. */
  | { event: 'result'; id: string; history: StopHistory }

/**
 * Whether this stops the whole run, and why: the runner's cancellation; a refused key (every
 * other request would be refused too); STOP_AFTER requests in a row with no answer from the host
 * (while orders wait, only once it has been silent SILENT_BRIDGE_MS too: see `silenceStop`);
 * a 429 or 503 not retried; the same body-level error for STOP_AFTER IDs in a row; the first
 * STOP_AFTER IDs all denied for missing_permission.
 */
export function stopFor(input: StopEvent): RunStop | undefined {
  if (input.event === 'cancelled') {
    return { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
  }
  if (input.event === 'result') return stopForResults(input)
  const { id, failure } = input
  if (failure.kind === 'key-refused') return { reason: failure.kind, id, message: failure.message }
  const silence = silenceStop(input)
  if (silence) return silence
  if (!input.retried && (failure.kind === 'rate-limited' || failure.kind === 'unavailable')) {
    return { reason: failure.kind, id, message: failure.message }
  }
  return undefined
}

/**
 * The host's silence: STOP_AFTER requests in a row without an answer stop the run, built for a
 * host unreachable from the start. While orders wait for a next check, a short outage is bridged:
 * the run stops only once the host has also been silent SILENT_BRIDGE_MS, from the end of the
 * first silent request of the streak.
 */
function silenceStop({
  id,
  failure,
  history,
  now,
  ordersWaiting
}: Extract<StopEvent, { event: 'failure' }>): RunStop | undefined {
  if (history.silent < STOP_AFTER) return undefined
  const last = `so the rest were not tried (the last: ${failure.message})`
  if (!ordersWaiting) {
    const message = `no answer from CertCentral for ${history.silent} requests in a row, ${last}`
    return { reason: 'unreachable', id, message }
  }
  const silentMs = now - (history.silentSince ?? now)
  if (silentMs < SILENT_BRIDGE_MS) return undefined
  const message = `no answer from CertCentral for ${history.silent} requests in a row over ${formatDuration(silentMs / 1000)}, longer than the next checks of the orders waiting could bridge (${formatDuration(SILENT_BRIDGE_MS / 1000)}), ${last}`
  return { reason: 'unreachable', id, message }
}

function stopForResults({
  id,
  history
}: {
  id: string
  history: StopHistory
}): RunStop | undefined {
  const { recent, first } = history
  const [error] = recent.map(r => r.error)
  if (
    error &&
    recent.every(r => r.error === error) &&
    new Set(recent.map(r => r.id)).size === STOP_AFTER
  ) {
    const ids = recent.map(r => r.id).join(', ')
    const message = `${error} for ${STOP_AFTER} IDs in a row (${ids}), so the rest were not sent: fix what it says, then send them again`
    return { reason: 'same-error', id, message }
  }
  if (first.denied === STOP_AFTER) {
    const message = `the first ${STOP_AFTER} IDs tried all got access_denied|missing_permission, so the rest were not sent: use a key whose user may manage them (not View Only), then send them again`
    return { reason: 'missing-permission', id, message }
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
  const whys: Record<RunStop['reason'], string> = {
    cancelled: 'cancelled',
    'key-refused': `CertCentral refused the API key (${noun} ${stop.id})`,
    'rate-limited': `DigiCert rate-limited the key while sending ${noun} ${stop.id}; run again later for this ID`,
    unavailable: `CertCentral was unavailable (HTTP 503) while sending ${noun} ${stop.id}; run again later for this ID`,
    unreachable: `CertCentral gave no answer to ${STOP_AFTER} requests in a row (the last for ${noun} ${stop.id}); check the runner's network, proxy and api-url, then send it again`,
    'same-error': stop.message,
    'missing-permission': `the first ${STOP_AFTER} ${noun}s tried all got access_denied|missing_permission; use a key whose user may manage them, then send it again`
  }
  const why = whys[stop.reason]
  return attempts === 0 ? `not attempted: ${why}` : `not sent: ${why}`
}

// ---- Orders -------------------------------------------------------------------------------------

export interface OrderStepInput {
  orderId: string
  /** What this Order info look-up found, or its failure (after its retries). */
  answer: OrderInfo | CertCentralError
  /** The order's status at its last answered look-up, if any. */
  lastStatus?: string
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
  | {
      step: 'end'
      fate: Exclude<Fate, 'validated' | 'sent' | 'skipped'>
      error: string
      hint?: string
    }
  /** End the ID on the look-up's failure, as any answer (its fate by fateOf). */
  | { step: 'settle' }
  /** Look the order up again in `delayMs`. */
  | { step: 'wait'; delayMs: number }

/**
 * After an Order info look-up: send, end the ID, or look the order up again and when. Only a
 * definite answer ends an order (issued, a final status, a failure that is one); an order not
 * issued yet, or not known to be when the wait ends, is unsent (send it again later).
 */
export function orderStep(input: OrderStepInput): OrderStep {
  const { orderId: id, answer, now, waitSeconds, deadline } = input
  if (answer instanceof CertCentralError) {
    if (waitSeconds === 0 || !isTransient({ failure: answer })) return { step: 'settle' }
    if (now >= deadline) {
      const last = input.lastStatus === undefined ? '' : ` (last seen ${input.lastStatus})`
      return {
        step: 'end',
        fate: 'unsent',
        error: `order ${id} was not known to be issued when the wait of ${formatDuration(waitSeconds)} ended${last}: its last check failed: ${answer.message}`,
        hint: 'run again once CertCentral answers and the order is issued, or raise wait-for-issuance'
      }
    }
    return nextCheck(input)
  }
  if (answer.status === ISSUED) {
    if (input.orderTarget === 'order') return { step: 'send', target: id }
    if (answer.certificateId !== undefined) return { step: 'send', target: answer.certificateId }
    const error =
      answer.unusableCertificateId === undefined
        ? `order ${id} is issued but its Order info names no certificate.id; check api-url`
        : `order ${id} is issued but its Order info has an unusable certificate.id (${answer.unusableCertificateId}); check api-url`
    return { step: 'end', fate: 'failed', error }
  }
  if (isFinalWithoutCertificate(answer.status)) {
    return {
      step: 'end',
      fate: 'failed',
      error: `order ${id} is ${answer.status}: it ended without a certificate, so there is nothing to send`,
      hint: 'check the order in CertCentral; a new order is needed'
    }
  }
  if (waitSeconds === 0) {
    const error = `order ${id} is not issued yet (status ${answer.status}); send it again once it is, or set wait-for-issuance to wait for it`
    return { step: 'end', fate: 'unsent', error }
  }
  if (now >= deadline) {
    return {
      step: 'end',
      fate: 'unsent',
      error: `order ${id} still ${answer.status} after ${formatDuration(waitSeconds)}`,
      hint: 'run again once the order is issued, or raise wait-for-issuance'
    }
  }
  return nextCheck(input)
}

/** When to look the order up again. */
function nextCheck(input: OrderStepInput): OrderStep {
  const { now, deadline } = input
  // Many orders waiting at once share the look-up budget: checking one sooner than its share
  // allows would only queue behind the others. The last check falls on the deadline, so "still
  // pending" is said when the wait is over.
  const share = Math.round(input.ordersWaiting * lookupSpacingMs({ windows: input.windows }))
  const poll = pollDelayMs({ check: input.check, random: input.random })
  return { step: 'wait', delayMs: Math.min(Math.max(poll, share), deadline - now) }
}

// ---- Finding a certificate ----------------------------------------------------------------------

/** What the look-ups of the chain answered so far, kept by the scheduler as plain data. */
export interface FindAnswers {
  /** Order info by the thumbprint: the order, or null when it answered 404. */
  byThumbprint?: OrderInfo | null
  /** Order info by the serial: the order, or null on a 404. */
  bySerial?: OrderInfo | null
  /** The order list filtered by the serial (its first page). */
  serialList?: readonly OrderSummary[]
  /** The issued orders with the common name: every page read so far, and whether that is all. */
  commonNameList?: { orders: readonly OrderSummary[]; complete: boolean }
  /** A common name's orders in any status, newest first (the first page), when none is issued. */
  anyStatusList?: readonly OrderSummary[]
  /** Duplicate lists by order ID ([] for a 404). */
  duplicates: Readonly<Record<string, readonly CertificateSummary[]>>
  /** Order info by order ID, for listed orders without date_issued (null on a 404). */
  orders: Readonly<Record<string, OrderInfo | null>>
}

export const NO_ANSWERS: FindAnswers = { duplicates: {}, orders: {} }

/** The certificate the chain found: its own ID, its order's, and what CertCentral says of it. */
export interface Found {
  certificateId: string
  orderId: string | undefined
  commonName?: string
  serialNumber?: string
  thumbprint?: string
  validTill?: string
  /** date_issued, else valid_from: when the certificate was issued. */
  issued?: string
}

export interface FindInput {
  /** What the ID tells of its certificate. */
  known: Known
  /** `match`: the certificate with this serial or thumbprint; `newest`: the newest with the common name. */
  pick: 'match' | 'newest'
  answers: FindAnswers
  /** The wall clock (ms since the epoch): a certificate expired by now is no candidate. */
  now: number
}

export type FindStep =
  /** Order info by a key: the thumbprint, the serial, or an order ID (for its date_issued). */
  | { step: 'lookup'; key: string; as: 'thumbprint' | 'serial' | 'order' }
  | { step: 'list'; query: OrderQuery }
  | { step: 'duplicates'; orderId: string }
  | { step: 'found'; found: Found }
  | { step: 'not-found'; error: string }
  /** A common name with no issued certificate, whose newest order is still waiting for one. */
  | { step: 'not-issued'; orderId: string; status: string; error: string }

/** What a step of the chain was answered: the answer's content, or null for a 404 (not this step). */
export type FindAnswer =
  | { order: OrderInfo }
  | { list: { orders: readonly OrderSummary[]; total: number; offset: number } }
  | { certificates: readonly CertificateSummary[] }
  | null

/** The chain's answers once a look-up step is answered. */
export function withFindAnswer({
  answers,
  step,
  answer
}: {
  answers: FindAnswers
  step: Extract<FindStep, { step: 'lookup' | 'list' | 'duplicates' }>
  answer: FindAnswer
}): FindAnswers {
  if (step.step === 'duplicates') {
    const certificates = answer !== null && 'certificates' in answer ? answer.certificates : []
    return { ...answers, duplicates: { ...answers.duplicates, [step.orderId]: certificates } }
  }
  if (step.step === 'lookup') {
    const order = answer !== null && 'order' in answer ? answer.order : null
    if (step.as === 'thumbprint') return { ...answers, byThumbprint: order }
    if (step.as === 'serial') return { ...answers, bySerial: order }
    return { ...answers, orders: { ...answers.orders, [step.key]: order } }
  }
  const page = answer !== null && 'list' in answer ? answer.list : undefined
  const orders = page?.orders ?? []
  if (step.query.filter === 'serial_number') return { ...answers, serialList: orders }
  if (step.query.anyStatus) return { ...answers, anyStatusList: orders }
  const all = [...(answers.commonNameList?.orders ?? []), ...orders]
  // The last page: what the total says is read, or a page that brought nothing (no loop forever).
  // At most MAX_LIST_ENTRIES orders in all: a common name on more orders is not paged further.
  const complete =
    page === undefined ||
    orders.length === 0 ||
    all.length >= page.total ||
    all.length >= MAX_LIST_ENTRIES
  return { ...answers, commonNameList: { orders: all, complete } }
}

/** Said of an ID the chain did not find. */
export const NOT_FOUND = 'not found in this CertCentral account (check `region`)'

/**
 * The next step of the look-up chain (issue 17): Order info by thumbprint, then by serial, then
 * the order list by serial and the duplicates of the orders it lists, then the issued orders with
 * the common name and their duplicates. The first match by serial or thumbprint wins; for a
 * common-name input, the newest issued, unexpired certificate among every primary and duplicate.
 */
export function findStep(input: FindInput): FindStep {
  const { known, answers } = input
  if (input.pick === 'newest') return newestStep(input)
  if (known.thumbprint !== undefined) {
    if (answers.byThumbprint === undefined)
      return { step: 'lookup', key: known.thumbprint, as: 'thumbprint' }
    const hit = fromOrderInfo(known, answers.byThumbprint)
    if (hit) return { step: 'found', found: hit }
  }
  if (known.serialNumber !== undefined) {
    if (answers.bySerial === undefined)
      return { step: 'lookup', key: known.serialNumber, as: 'serial' }
    const hit = fromOrderInfo(known, answers.bySerial)
    if (hit) return { step: 'found', found: hit }
    if (answers.serialList === undefined) {
      const query = { filter: 'serial_number', value: known.serialNumber, offset: 0 } as const
      return { step: 'list', query }
    }
    const step = searchOrders(known, answers.serialList, answers)
    if (step) return step
  }
  if (known.commonName !== undefined) {
    const list = answers.commonNameList
    if (!list?.complete) return commonNamePage(known.commonName, list)
    const step = searchOrders(known, list.orders, answers)
    if (step) return step
  }
  return { step: 'not-found', error: NOT_FOUND }
}

function commonNamePage(commonName: string, list: FindAnswers['commonNameList']): FindStep {
  const offset = list?.orders.length ?? 0
  return { step: 'list', query: { filter: 'common_name', value: commonName, offset } }
}

/**
 * An Order info answer by thumbprint or serial: its primary certificate, when it names one and
 * is this certificate. CertCentral finds an order only by its primary's thumbprint or serial, but
 * when the answer names the primary's serial or thumbprint and neither is ours (a reissue since?),
 * sending it would send another certificate: the chain goes on instead.
 */
function fromOrderInfo(known: Known, order: OrderInfo | null): Found | undefined {
  if (order === null || order.certificateId === undefined) return undefined
  const named = order.serialNumber !== undefined || order.thumbprint !== undefined
  if (named && !matches(known, order)) return undefined
  return withoutUndefined({
    certificateId: order.certificateId,
    orderId: order.orderId,
    commonName: order.commonName,
    serialNumber: order.serialNumber,
    thumbprint: order.thumbprint,
    validTill: order.validTill,
    issued: order.dateIssued ?? order.validFrom
  })
}

function fromSummary(order: OrderSummary, certificate: CertificateSummary): Found {
  return withoutUndefined({
    certificateId: certificate.id,
    orderId: order.id,
    commonName: certificate.commonName,
    serialNumber: certificate.serialNumber,
    thumbprint: certificate.thumbprint,
    validTill: certificate.validTill,
    issued: certificate.dateIssued ?? certificate.validFrom
  })
}

function withoutUndefined(found: Found): Found {
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as Found
}

function matches(
  known: Known,
  certificate: { serialNumber?: string | undefined; thumbprint?: string | undefined } | undefined
): boolean {
  return (
    certificate !== undefined &&
    (sameHex(certificate.serialNumber, known.serialNumber) ||
      sameHex(certificate.thumbprint, known.thumbprint))
  )
}

/** Listed orders: a primary that matches, else the duplicates of each order, in list order. */
function searchOrders(
  known: Known,
  orders: readonly OrderSummary[],
  answers: FindAnswers
): FindStep | undefined {
  for (const order of orders) {
    if (matches(known, order.certificate))
      return { step: 'found', found: fromSummary(order, order.certificate as CertificateSummary) }
  }
  for (const order of orders) {
    if (order.hasDuplicates === false) continue
    const duplicates = answers.duplicates[order.id]
    if (duplicates === undefined) return { step: 'duplicates', orderId: order.id }
    const hit = duplicates.find(certificate => matches(known, certificate))
    if (hit) return { step: 'found', found: fromSummary(order, hit) }
  }
  return undefined
}

/**
 * A common name's newest issued, unexpired certificate, by date_issued (else valid_from) among the
 * orders' primaries and duplicates, each taken only when its name is the one asked (see
 * orderCandidates for what its order's Order info tells).
 */
function newestStep({ known, answers, now }: FindInput): FindStep {
  const commonName = known.commonName as string
  const list = answers.commonNameList
  if (!list?.complete) return commonNamePage(commonName, list)
  const candidates: Found[] = []
  for (const order of list.orders) {
    const found = orderCandidates(order, answers)
    if (!Array.isArray(found)) return found
    candidates.push(...found)
  }
  const newest = pickNewest({ candidates, commonName, now })
  if (newest) return { step: 'found', found: newest }
  return notIssuedStep(commonName, answers.anyStatusList)
}

/**
 * A common name without an issued certificate: its orders in any status first (one page, newest
 * first), then the first named as asked that still waits for its certificate (send again once it
 * is issued), else not found.
 */
function notIssuedStep(commonName: string, orders: readonly OrderSummary[] | undefined): FindStep {
  if (orders === undefined) return { step: 'list', query: anyStatusQuery(commonName) }
  const waiting = orders.find(
    ({ status, certificate }) =>
      isWaitingForCertificate(status) &&
      certificate?.commonName !== undefined &&
      sameDnsName(certificate.commonName, commonName)
  )
  if (waiting === undefined) return { step: 'not-found', error: NOT_FOUND }
  const { id, status } = waiting
  return {
    step: 'not-issued',
    orderId: id,
    status,
    error: `common name ${commonName} is not issued yet: order ${id} is ${status}; send it again once it is issued`
  }
}

/**
 * A listed order's candidates (its primary, its issued duplicates), or the look-up they still
 * need. The order's Order info (one GET, null on a 404) dates a primary listed without date_issued
 * or valid_from and names one listed without common_name; a duplicate without common_name has its
 * order's: the primary's, else the Order info's.
 */
function orderCandidates(order: OrderSummary, answers: FindAnswers): Found[] | FindStep {
  const info = answers.orders[order.id]
  const lookup: FindStep = { step: 'lookup', key: order.id, as: 'order' }
  const candidates: Found[] = []
  const primary = order.certificate && fromSummary(order, order.certificate)
  if (primary !== undefined) {
    if (primary.issued === undefined || primary.commonName === undefined) {
      if (info === undefined) return lookup
      const issued = primary.issued ?? info?.dateIssued ?? info?.validFrom
      if (issued !== undefined) primary.issued = issued
      // One still unnamed is no candidate (pickNewest): its name may stay undefined.
      primary.commonName ??= info?.commonName
    }
    candidates.push(primary)
  }
  if (order.hasDuplicates === false) return candidates
  const duplicates = answers.duplicates[order.id]
  if (duplicates === undefined) return { step: 'duplicates', orderId: order.id }
  const issued = duplicates.filter(d => d.status === undefined || d.status === ISSUED)
  let name = primary?.commonName
  if (name === undefined && issued.some(d => d.commonName === undefined)) {
    if (info === undefined) return lookup
    name = info?.commonName
  }
  for (const duplicate of issued) {
    const found = fromSummary(order, duplicate)
    found.commonName ??= name
    candidates.push(found)
  }
  return candidates
}

/**
 * The newest candidate by issue date named `commonName` (as DNS names compare: sameDnsName),
 * unexpired, one per serial (the first listing of a serial counts). A candidate whose name is not
 * known is not taken: it could be any certificate.
 */
export function pickNewest({
  candidates,
  commonName,
  now
}: {
  candidates: readonly Found[]
  commonName: string
  now: number
}): Found | undefined {
  const seen = new Set<string>()
  let newest: { found: Found; at: number } | undefined
  for (const found of candidates) {
    if (found.commonName === undefined || !sameDnsName(found.commonName, commonName)) continue
    const serial = found.serialNumber === undefined ? undefined : hexKey(found.serialNumber)
    if (serial !== undefined && seen.has(serial)) continue
    if (serial !== undefined) seen.add(serial)
    if (found.validTill !== undefined && Date.parse(found.validTill) <= now) continue
    const at = found.issued === undefined ? -Infinity : Date.parse(found.issued)
    if (newest === undefined || at > newest.at)
      newest = { found, at: Number.isNaN(at) ? -Infinity : at }
  }
  return newest?.found
}

/** Whether two names are one DNS name: ASCII letters in any case, all else exactly (no wildcards). */
export function sameDnsName(a: string, b: string): boolean {
  const fold = (name: string): string => name.replace(/[A-Z]/g, letter => letter.toLowerCase())
  return fold(a) === fold(b)
}

/**
 * Whether issued-within skips a certificate: issued (ISO 8601) longer ago than `seconds` before
 * `now` (the wall clock). No limit, or no known issue date, skips nothing. Returns the reason.
 */
export function skipFor({
  issued,
  seconds,
  now
}: {
  issued: string | undefined
  seconds: number | undefined
  now: number
}): string | undefined {
  if (seconds === undefined || issued === undefined) return undefined
  const at = Date.parse(issued)
  if (Number.isNaN(at) || now - at <= seconds * 1000) return undefined
  return `issued on ${new Date(at).toISOString().slice(0, 10)}, longer ago than issued-within (${formatDuration(seconds)}): skipped, not sent`
}
