// Runs a plan: which ID goes when, how many at once, pacing under DigiCert's rate limits, and
// retries of 429. Time is injected so tests of waits and windows run in milliseconds.
import { CertCentralError, type Operation } from './certcentral.js'

/** DigiCert's documented limits per API key (certcentral-notes.md); they may change without notice. */
export const RATE_LIMITS: readonly RateWindow[] = [
  { limit: 100, windowMs: 5_000 },
  { limit: 1000, windowMs: 180_000 }
]
/** Added to every window: DigiCert counts arrivals, we count departures. */
export const RATE_MARGIN_MS = 250
export const MAX_IN_FLIGHT = 4
export const BACKOFF_BASE_MS = 5_000
/** The longest a single 429 wait may be before the action gives up on that ID instead. */
export const MAX_WAIT_SECONDS = 300

export interface RateWindow {
  limit: number
  windowMs: number
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
  random(): number
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: () => Math.random()
}

export interface Sender {
  send(operation: Operation, id: string, body: object): Promise<{ status: number }>
}

export interface IdResult {
  id: string
  ok: boolean
  status: number | null
  error?: string
  attempts: number
}

export interface RunOutcome {
  results: IdResult[]
  /** Status of the response received last, if any. */
  lastStatus: number | undefined
  /** Seconds DigiCert last asked to wait with Retry-After. */
  retryAfter: number | undefined
  rateLimited: boolean
}

export interface RunOptions {
  operation: Operation
  ids: string[]
  body: object
  maxRetries: number
  concurrency?: number
  limits?: readonly RateWindow[]
  onRetry?: (id: string, attempt: number, waitMs: number, reason: string) => void
  /** Called as each ID finishes, in completion order. */
  onResult?: (result: IdResult) => void
  /** Called when pacing holds the next request back. */
  onPace?: (waitMs: number) => void
}

/** Exponential backoff from BACKOFF_BASE_MS with up to 50 % jitter; `retry` counts from 1. */
export function backoffMs(retry: number, random: number): number {
  const base = BACKOFF_BASE_MS * 2 ** (retry - 1)
  return Math.round(base + base * 0.5 * random)
}

/** A sliding-window limiter over several windows; callers queue in order. */
export class RateLimiter {
  private readonly starts: number[] = []
  private queue: Promise<void> = Promise.resolve()
  private pausedUntil = 0

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly clock: Pick<Clock, 'now' | 'sleep'>,
    private readonly marginMs = RATE_MARGIN_MS,
    private readonly onWait?: (waitMs: number) => void
  ) {}

  /** Resolves when one more request may start without breaking any window. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForRoom())
    this.queue = turn
    return turn
  }

  /** Holds every new start until `until` (after a 429, nobody should knock sooner). */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }

  /** Milliseconds until a request may start, 0 when it may start now. */
  delayMs(now: number): number {
    let delay = this.pausedUntil - now
    for (const { limit, windowMs } of this.windows) {
      if (this.starts.length < limit) continue
      const oldestInWindow = this.starts[this.starts.length - limit] as number
      delay = Math.max(delay, oldestInWindow + windowMs + this.marginMs - now)
    }
    return delay
  }

  private async waitForRoom(): Promise<void> {
    for (
      let delay = this.delayMs(this.clock.now());
      delay > 0;
      delay = this.delayMs(this.clock.now())
    ) {
      // A 429's pause is announced with its retry; only pacing is reported here.
      if (this.clock.now() >= this.pausedUntil) this.onWait?.(delay)
      await this.clock.sleep(delay)
    }
    this.starts.push(this.clock.now())
    const longest = Math.max(...this.windows.map(w => w.limit))
    if (this.starts.length > longest) this.starts.splice(0, this.starts.length - longest)
  }
}

export async function runPlan(
  options: RunOptions,
  sender: Sender,
  clock: Clock = realClock
): Promise<RunOutcome> {
  const { operation, ids, body, maxRetries } = options
  const limiter = new RateLimiter(
    options.limits ?? RATE_LIMITS,
    clock,
    RATE_MARGIN_MS,
    options.onPace
  )
  const results: (IdResult | undefined)[] = ids.map(() => undefined)
  const outcome: RunOutcome = {
    results: [],
    lastStatus: undefined,
    retryAfter: undefined,
    rateLimited: false
  }
  let stoppedBy: string | undefined
  let next = 0

  /** One ID to its end; undefined when the run stopped before its first request started. */
  const sendOne = async (id: string): Promise<IdResult | undefined> => {
    let rateLimited: IdResult | undefined
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire()
      // The run stopped while this ID waited for its turn or its retry: no new request starts.
      if (stoppedBy !== undefined) return rateLimited
      try {
        const { status } = await sender.send(operation, id, body)
        outcome.lastStatus = status
        return { id, ok: true, status, attempts: attempt }
      } catch (error) {
        const failure = asCertCentralError(error)
        if (failure.status !== null) outcome.lastStatus = failure.status
        if (failure.retryAfterSeconds !== undefined) outcome.retryAfter = failure.retryAfterSeconds
        const failed = {
          id,
          ok: false,
          status: failure.status,
          error: failure.message,
          attempts: attempt
        }
        if (failure.kind !== 'rate-limited') return failed
        if (attempt > maxRetries || stoppedBy !== undefined) {
          stoppedBy ??= id
          return failed
        }
        const seconds = failure.retryAfterSeconds
        if (seconds !== undefined && seconds > MAX_WAIT_SECONDS) {
          stoppedBy ??= id
          return {
            ...failed,
            error: `${failure.message}, longer than the ${MAX_WAIT_SECONDS} s this action waits`
          }
        }
        const waitMs = seconds !== undefined ? seconds * 1000 : backoffMs(attempt, clock.random())
        options.onRetry?.(id, attempt, waitMs, failure.message)
        limiter.pause(clock.now() + waitMs)
        rateLimited = failed
      }
    }
  }

  const worker = async (): Promise<void> => {
    while (next < ids.length && stoppedBy === undefined) {
      const index = next++
      const result = await sendOne(ids[index] as string)
      if (result) options.onResult?.(result)
      results[index] = result
    }
  }
  const concurrency = Math.max(1, Math.min(options.concurrency ?? MAX_IN_FLIGHT, ids.length))
  await Promise.all(Array.from({ length: concurrency }, worker))

  outcome.rateLimited = stoppedBy !== undefined
  outcome.results = ids.map(
    (id, index) =>
      results[index] ?? {
        id,
        ok: false,
        status: null,
        error: `not attempted: DigiCert rate-limited the key while sending ${stoppedBy}; run again later for this ID`,
        attempts: 0
      }
  )
  return outcome
}

function asCertCentralError(error: unknown): CertCentralError {
  if (error instanceof CertCentralError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new CertCentralError(`unexpected failure: ${message}`, 'network')
}
