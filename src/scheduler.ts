// Runs a plan: which request goes when, how many at once, pacing under DigiCert's rate limits,
// retries of 429, waiting for orders to be issued, and stopping the run. Time and the CertCentral
// calls are injected, so tests of waits, windows and polls run in milliseconds.
import { setMaxListeners } from 'node:events'
import {
  ISSUED,
  RATE_LIMITS,
  isFinalWithoutCertificate,
  type OrderInfo,
  type RateWindow
} from './api.js'
import { CertCentralError } from './certcentral.js'
import { OPERATIONS, idNoun, type IdInput, type Operation } from './operations.js'
import { realClock, type Clock } from './clock.js'
import type { Fate, IdResult, RunOutcome, StopReason } from './outcome.js'
import { formatDuration } from './parse.js'

/** Added to every window: DigiCert counts arrivals, we count departures. */
export const RATE_MARGIN_MS = 250
export const MAX_IN_FLIGHT = 4
export const BACKOFF_BASE_MS = 5_000
/** The longest any single wait may be (a 429's Retry-After or backoff); longer stops the run. */
export const MAX_PAUSE_SECONDS = 300
/** Order polling: the first re-check after about 5 s, doubling, at most every 2 minutes. */
export const FIRST_POLL_MS = 5_000
export const MAX_POLL_MS = 120_000
/** The waiting line in the log comes at most this often. */
export const WAITING_LOG_MS = 60_000

/** The CertCentral port: what the runner needs of CertCentral, the operation's call and the Order info look-up. */
export interface CertCentralPort {
  call(
    operation: Operation,
    id: string,
    body: object | undefined,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number }>
  lookup(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; order: OrderInfo }>
}

export interface RunLog {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export interface RunOptions {
  operation: Operation
  idInput: IdInput
  ids: string[]
  body: object | undefined
  maxRetries: number
  /** How long to wait for an order to be issued, in seconds (order IDs only). */
  waitSeconds: number
  concurrency?: number
  limits?: readonly RateWindow[]
  /** The runner's cancellation (SIGINT/SIGTERM). */
  cancel?: AbortSignal
  log?: RunLog
}

type Kind = 'send' | 'lookup'

const silent: RunLog = { info: () => {}, warning: () => {}, debug: () => {} }

/** Exponential backoff from BACKOFF_BASE_MS with up to 50 % jitter, capped at MAX_PAUSE_SECONDS. */
export function backoffMs(retry: number, random: number): number {
  const base = BACKOFF_BASE_MS * 2 ** (retry - 1)
  return Math.min(MAX_PAUSE_SECONDS * 1000, Math.round(base + base * 0.5 * random))
}

/** The wait before re-checking an order after `check` checks: 5 s doubling to 2 min, ±10 % jitter. */
export function pollDelayMs(check: number, random: number): number {
  const base = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, check - 1))
  return Math.min(MAX_POLL_MS, Math.round(base * (0.9 + 0.2 * random)))
}

/**
 * A sliding-window limiter over several windows, shared by sends and look-ups. Look-ups also keep
 * under half of every window, so sends always have the other half. Callers queue in order per kind.
 */
export class Pacer {
  private readonly starts: number[] = []
  private readonly lookupStarts: number[] = []
  private readonly tails: Record<Kind, Promise<void>> = {
    send: Promise.resolve(),
    lookup: Promise.resolve()
  }
  private pausedUntil = 0
  /** Sends waiting for their turn: look-ups leave them that much room in every window. */
  private sendsWaiting = 0

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly clock: Pick<Clock, 'now' | 'sleep'>,
    private readonly halt: AbortSignal,
    private readonly log: RunLog = silent,
    private readonly marginMs = RATE_MARGIN_MS
  ) {}

  /** Resolves when one more request of this kind may start, or when the run halts. */
  acquire(kind: Kind): Promise<void> {
    if (kind === 'send') this.sendsWaiting++
    const turn = this.tails[kind].then(() => this.waitForRoom(kind))
    this.tails[kind] = turn
    return turn
  }

  /** Holds every new start until `until` (after a 429, nobody should knock sooner). */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }

  /** Milliseconds until a request of this kind may start, 0 or less when it may start now. */
  delayMs(kind: Kind, now: number): number {
    let delay = this.pausedUntil - now
    const margin = this.marginMs
    const check = (starts: number[], limit: number, windowMs: number): void => {
      if (starts.length < limit) return
      delay = Math.max(delay, (starts[starts.length - limit] as number) + windowMs + margin - now)
    }
    const reserve = kind === 'lookup' ? this.sendsWaiting : 0
    for (const { limit, windowMs } of this.windows) {
      check(this.starts, Math.max(1, limit - reserve), windowMs)
      if (kind === 'lookup') check(this.lookupStarts, Math.max(1, Math.floor(limit / 2)), windowMs)
    }
    return delay
  }

  private async waitForRoom(kind: Kind): Promise<void> {
    try {
      await this.takeRoom(kind)
    } finally {
      if (kind === 'send') this.sendsWaiting--
    }
  }

  private async takeRoom(kind: Kind): Promise<void> {
    for (
      let delay = this.delayMs(kind, this.clock.now());
      delay > 0;
      delay = this.delayMs(kind, this.clock.now())
    ) {
      if (this.halt.aborted) return
      const paused = this.clock.now() < this.pausedUntil
      const why = paused ? 'after a 429' : "to stay under DigiCert's rate limits"
      this.log.debug(`pacing: the next ${kind} waits ${delay} ms ${why}`)
      // Short waits are routine at full speed; long ones would look like a hang. A 429's pause is
      // announced with its retry.
      if (!paused && delay >= 1000) {
        this.log.info(
          `pacing: waiting ${seconds(delay)} to stay under ${describeLimits(this.windows)}`
        )
      }
      await this.clock.sleep(delay, this.halt)
    }
    if (this.halt.aborted) return
    const now = this.clock.now()
    this.starts.push(now)
    if (kind === 'lookup') this.lookupStarts.push(now)
    const longest = Math.max(...this.windows.map(w => w.limit))
    for (const starts of [this.starts, this.lookupStarts]) {
      if (starts.length > longest) starts.splice(0, starts.length - longest)
    }
  }
}

/** Requests in flight at most, with look-ups holding at most half of them. */
class Slots {
  private inUse = 0
  private lookupsInUse = 0
  private readonly waiting: Record<Kind, (() => void)[]> = { send: [], lookup: [] }

  constructor(private readonly size: number) {}

  acquire(kind: Kind): Promise<() => void> {
    return new Promise(resolve => {
      this.waiting[kind].push(() => resolve(() => this.release(kind)))
      this.grant()
    })
  }

  private release(kind: Kind): void {
    this.inUse--
    if (kind === 'lookup') this.lookupsInUse--
    this.grant()
  }

  private grant(): void {
    while (this.inUse < this.size) {
      const lookupRoom = this.lookupsInUse < Math.max(1, Math.floor(this.size / 2))
      const kind: Kind | undefined = this.waiting.send.length
        ? 'send'
        : this.waiting.lookup.length && lookupRoom
          ? 'lookup'
          : undefined
      if (!kind) return
      this.inUse++
      if (kind === 'lookup') this.lookupsInUse++
      ;(this.waiting[kind].shift() as () => void)()
    }
  }
}

export function describeLimits(windows: readonly RateWindow[]): string {
  return `DigiCert's rate limits (${windows.map(w => `${w.limit} requests per ${w.windowMs / 1000} s`).join(', ')})`
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** What one ID came to before its result is written. */
type Progress = Pick<IdResult, 'certificateId' | 'commonName' | 'validTill' | 'orderStatus'> & {
  attempts: number
  status: number | null
}

export async function runPlan(
  options: RunOptions,
  api: CertCentralPort,
  clock: Clock = realClock
): Promise<RunOutcome> {
  const { operation, idInput, ids, body, maxRetries, waitSeconds } = options
  const log = options.log ?? silent
  const noun = idNoun(idInput)
  const spec = OPERATIONS[operation]
  // Halts every wait at once on a stop (429, refused key) or the runner's cancellation. Requests in
  // flight see only the runner's cancellation: after a 429 they finish and are reported.
  const halt = new AbortController()
  // Every order waiting for issuance sleeps on it at once: hundreds of listeners are expected, each
  // removed when its wait ends, so Node's leak warning (from the 11th) would only mislead the log.
  setMaxListeners(0, halt.signal)
  const onCancel = (): void => stopRun('cancelled', undefined, 'the run was cancelled')
  // A signal aborts once; the listener goes when the run ends.
  options.cancel?.addEventListener('abort', onCancel)

  const limits = options.limits ?? RATE_LIMITS
  const pacer = new Pacer(limits, clock, halt.signal, log)
  /** The steady pace of look-ups their half of the budget allows, as ms between two. */
  const lookupSpacingMs = Math.max(
    ...limits.map(w => w.windowMs / Math.max(1, Math.floor(w.limit / 2)))
  )
  const slots = new Slots(Math.max(1, options.concurrency ?? MAX_IN_FLIGHT))
  const outcome: RunOutcome = { results: [], stop: undefined, retryAfter: undefined }
  const started = clock.now()
  const waitUntil = started + waitSeconds * 1000
  /** Orders still waiting to be issued, with their last status and next check. */
  const waiting = new Map<string, { status: string; nextCheck: number }>()
  let sent = 0
  let lastWaitingLog = -Infinity
  let pausedMs = 0
  let pauseEnd = 0

  function stopRun(reason: StopReason, id: string | undefined, message: string): void {
    if (outcome.stop) return
    outcome.stop = { reason, id, message }
    log.debug(`stopping the run: ${reason}${id ? ` (${noun} ${id})` : ''}`)
    halt.abort()
  }
  if (options.cancel?.aborted) onCancel()

  function reportWaiting(): void {
    const now = clock.now()
    // Called right after an order is counted as waiting, so there is always one to report.
    if (now - lastWaitingLog < WAITING_LOG_MS) return
    lastWaitingLog = now
    const byStatus = new Map<string, number>()
    for (const { status } of waiting.values()) byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    const next = Math.min(...[...waiting.values()].map(w => w.nextCheck))
    log.info(
      `waiting for ${waiting.size} of ${ids.length} orders (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}); ` +
        `next check in ${Math.max(0, Math.round((next - now) / 1000))} s; ${sent} sent`
    )
  }

  /**
   * One request with its slot, its turn under the rate limits and its 429 retries. Resolves with
   * the answer, a CertCentralError, or undefined when the run stopped before it could start.
   */
  async function request<T>(
    kind: Kind,
    id: string,
    progress: Progress,
    send: (attempt: number) => Promise<T>
  ): Promise<T | CertCentralError | undefined> {
    // The slot is held through the retries: a retry goes when the pause ends, not behind every ID
    // not yet started (nothing starts during the pause anyway).
    const release = await slots.acquire(kind)
    try {
      for (let retry = 0; ; retry++) {
        await pacer.acquire(kind)
        // The run stopped while this request waited for its turn: nothing new starts.
        if (outcome.stop) return undefined
        progress.attempts++
        let failure: CertCentralError
        try {
          return await send(progress.attempts)
        } catch (error) {
          failure = asCertCentralError(error)
        }
        progress.status = failure.status ?? progress.status
        if (failure.kind === 'key-refused') stopRun('key-refused', id, failure.message)
        if (failure.kind !== 'rate-limited') return failure
        if (failure.retryAfterSeconds !== undefined) outcome.retryAfter = failure.retryAfterSeconds
        const asked = failure.retryAfterSeconds
        /** Stops the run at this 429, saying why it is not retried. */
        const giveUp = (why = ''): CertCentralError => {
          const message = failure.message + why
          stopRun('rate-limited', id, message)
          return new CertCentralError({
            message,
            kind: 'rate-limited',
            status: failure.status,
            codes: failure.codes,
            hint: failure.hint,
            retryAfterSeconds: asked
          })
        }
        if (retry >= maxRetries || outcome.stop) return giveUp()
        const waitMs = asked !== undefined ? asked * 1000 : backoffMs(retry + 1, clock.random())
        if (waitMs > MAX_PAUSE_SECONDS * 1000) {
          return giveUp(`, longer than the ${MAX_PAUSE_SECONDS} s this action waits`)
        }
        // Waits overlap when several requests meet the same 429: only what extends the pause counts.
        const until = clock.now() + waitMs
        const extension = Math.max(0, until - Math.max(clock.now(), pauseEnd))
        if (pausedMs + extension > maxRetries * MAX_PAUSE_SECONDS * 1000) {
          return giveUp(
            `; the run already waited ${formatDuration(pausedMs / 1000)} for 429s, the most max-retries allows`
          )
        }
        pausedMs += extension
        pauseEnd = Math.max(pauseEnd, until)
        log.warning(
          `${noun} ${id}: ${failure.message}; retry ${retry + 1} of ${maxRetries} in ${seconds(waitMs)}`
        )
        pacer.pause(until)
      }
    } finally {
      release()
    }
  }

  const failed = (
    id: string,
    progress: Progress,
    failure: CertCentralError,
    fate: Fate = 'failed'
  ): IdResult => ({
    id,
    // A 429 or a refused key says nothing against the ID: it is worth sending again (with a key
    // that works).
    fate: failure.kind === 'rate-limited' || failure.kind === 'key-refused' ? 'unsent' : fate,
    ...progress,
    status: failure.status ?? progress.status,
    error: failure.message,
    ...(failure.hint ? { hint: failure.hint } : {})
  })
  /** An order that ended without a send: no HTTP error, so no status (the look-up's was 200). */
  const failedWith = (id: string, progress: Progress, error: string, hint?: string): IdResult => ({
    id,
    fate: 'failed',
    ...progress,
    status: null,
    error,
    ...(hint ? { hint } : {})
  })

  /** Looks an order up until it is issued; the ID the call takes, or the ID's final result. */
  async function awaitIssued(
    id: string,
    progress: Progress
  ): Promise<string | IdResult | undefined> {
    for (let check = 1; ; check++) {
      const answer = await request('lookup', id, progress, attempt =>
        api.lookup(id, attempt, options.cancel)
      )
      if (answer === undefined) return undefined
      if (answer instanceof CertCentralError) {
        waiting.delete(id)
        return failed(id, progress, answer)
      }
      const { order } = answer
      progress.status = answer.status
      if (order.commonName !== undefined) progress.commonName = order.commonName
      if (order.validTill !== undefined) progress.validTill = order.validTill
      if (order.status === ISSUED) {
        waiting.delete(id)
        delete progress.orderStatus
        if (order.certificateId !== undefined) progress.certificateId = order.certificateId
        if (spec.orderTarget === 'order') return id
        if (order.certificateId === undefined) {
          return failedWith(
            id,
            progress,
            `order ${id} is issued but its Order info names no certificate.id; check api-url`
          )
        }
        return order.certificateId
      }
      progress.orderStatus = order.status
      if (isFinalWithoutCertificate(order.status)) {
        waiting.delete(id)
        return failedWith(
          id,
          progress,
          `order ${id} is ${order.status}: it ended without a certificate, so there is nothing to send`,
          'check the order in CertCentral; a new order is needed'
        )
      }
      const now = clock.now()
      if (waitSeconds === 0) {
        return failedWith(
          id,
          progress,
          `order ${id} is not issued yet (status ${order.status}); set wait-for-issuance to wait for it`
        )
      }
      if (now >= waitUntil) {
        waiting.delete(id)
        return failedWith(
          id,
          progress,
          `order ${id} still ${order.status} after ${formatDuration(waitSeconds)}`,
          'raise wait-for-issuance, or run again once the order is issued'
        )
      }
      waiting.set(id, { status: order.status, nextCheck: now })
      // Many orders waiting at once share the look-up budget: checking one sooner than its share
      // allows would only queue behind the others. The last check falls on the deadline, so
      // "still pending" is said when the wait is over.
      const delay = Math.min(
        Math.max(pollDelayMs(check, clock.random()), Math.round(waiting.size * lookupSpacingMs)),
        waitUntil - now
      )
      waiting.set(id, { status: order.status, nextCheck: now + delay })
      log.debug(`order ${id}: ${order.status}; check ${check + 1} in ${delay} ms`)
      reportWaiting()
      await clock.sleep(delay, halt.signal)
      if (outcome.stop) return undefined
    }
  }

  async function handle(id: string): Promise<IdResult | undefined> {
    const progress: Progress = { attempts: 0, status: null }
    let target = id
    if (idInput === 'order-id') {
      const issued = await awaitIssued(id, progress)
      if (typeof issued !== 'string') return issued ?? stopped(id, progress)
      target = issued
    }
    const answer = await request('send', id, progress, attempt =>
      api.call(operation, target, body, attempt, options.cancel)
    )
    if (answer === undefined) return stopped(id, progress)
    if (answer instanceof CertCentralError) return failed(id, progress, answer)
    sent++
    return { id, fate: 'sent', ...progress, status: answer.status }
  }

  /** The result of an ID the run stopped before it was sent. */
  function stopped(id: string, progress: Progress): IdResult {
    waiting.delete(id)
    const stop = outcome.stop
    const why =
      stop?.reason === 'cancelled'
        ? 'cancelled'
        : stop?.reason === 'key-refused'
          ? `CertCentral refused the API key (${noun} ${stop.id})`
          : `DigiCert rate-limited the key while sending ${noun} ${stop?.id}; run again later for this ID`
    return {
      id,
      fate: 'unsent',
      ...progress,
      error: progress.attempts === 0 ? `not attempted: ${why}` : `not sent: ${why}`
    }
  }

  const results = await Promise.all(
    ids.map(async id => {
      const result = (await handle(id)) ?? stopped(id, { attempts: 0, status: null })
      if (result.fate === 'sent') log.info(`${noun} ${id}: sent (HTTP ${result.status})`)
      else if (result.attempts > 0) log.info(`${noun} ${id}: ${result.error}`)
      return result
    })
  )
  options.cancel?.removeEventListener('abort', onCancel)
  outcome.results = results
  return outcome
}

function asCertCentralError(error: unknown): CertCentralError {
  if (error instanceof CertCentralError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new CertCentralError({ message: `unexpected failure: ${message}`, kind: 'network' })
}
