// One request through the run's gates, with its retries: a slot (Slots) held through its retries,
// a turn under the rate windows (Pacer), and, after a request the host did not answer, none in
// flight. Its failure is judged by the retry decision (retry.ts) and the stop rules (stops.ts):
// retried after its own wait (a look-up's) or the whole run's pause (a 429's or 503's), or
// reported. A deliver-once note goes through the send's gates, and is still made after a stop.
// Also what retry-after says once the run is over.
import { CertCentralError } from '../certcentral/errors.js'
import type { RunContext } from './context.js'
import { seconds, type Pacer, type Slots } from './gates.js'
import type { IdRecord } from './id-record.js'
import { gateOf, type RequestUse } from './port.js'
import { LOOKUP_RETRIES, retryDecision, saysLater } from './retry.js'

export class Requests {
  /** Requests on the wire, and who waits for there to be none (see `request`). */
  private inFlight = 0
  private readonly quietWaiters: (() => void)[] = []
  /** 429 and 503 pauses so far (overlaps counted once), and when the current one ends. */
  private pausedMs = 0
  private pauseEnd = 0
  /** The wait DigiCert last asked for with a 429 or 503, and whether one left an ID unsent. */
  private askedWait: number | undefined
  private leftForLater = false

  constructor(
    private readonly run: RunContext,
    private readonly pacer: Pacer,
    private readonly slots: Slots
  ) {
    run.halt.addEventListener('abort', () => this.wakeQuietWaiters())
  }

  /** retry-after says when to send again: only when a 429 or 503 left IDs unsent. */
  get retryAfter(): number | undefined {
    return this.leftForLater ? this.askedWait : undefined
  }

  /**
   * One request with its slot, its turn under the rate limits and its retries (429s, 503s, and a
   * look-up's). Resolves with the answer, a CertCentralError, or undefined when the run stopped
   * before it could start. An ID's first request waits ahead of the later ones (Slots).
   */
  async request<T>(
    kind: RequestUse,
    record: IdRecord,
    send: (attempt: number) => Promise<T>,
    /** Whether it is its ID's first request, made as the ID's work starts (see Slots). */
    first = false
  ): Promise<T | CertCentralError | undefined> {
    const { run } = this
    // The slot is held through the retries: a retry goes when the pause ends, not behind every ID
    // not yet started (nothing starts during the pause anyway).
    const gate = gateOf(kind)
    const release = await this.slots.acquire(gate, first)
    try {
      for (let retry = 0; ; retry++) {
        await this.pacer.acquire(gate)
        // After a request the host did not answer at all, the requests on the wire tell whether
        // it answers anything: nothing new starts before they end, so a host that never answers
        // costs one timeout-seconds, not one per slot.
        if (run.history.silent > 0) await this.untilNoneInFlight()
        // The run stopped while this request waited for its turn: nothing new starts, but the
        // note of a send already made (a stop ends new sends, not their record).
        if (run.stopped && kind !== 'note') return undefined
        // Counted by kind: the result's attempts (sends) and lookups, and the debug lines' attempt.
        const attempt = record.nextAttempt(kind)
        this.inFlight++
        let answer: T | CertCentralError
        let sleepMs: number
        try {
          answer = await send(attempt).catch(asCertCentralError)
          run.noteAttempt(answer instanceof CertCentralError ? answer : undefined)
          if (!(answer instanceof CertCentralError)) return answer
          record.facts.status = answer.status ?? record.facts.status
          const next = this.afterFailure(kind, record.id, answer, retry)
          if (next instanceof CertCentralError) return next
          sleepMs = next
        } finally {
          // Only once its answer is judged (and the run stopped if it must), so that a request
          // waiting for none to be in flight sees the stop.
          this.leaveFlight()
        }
        if (sleepMs > 0) await run.clock.sleep(sleepMs, run.halt)
      }
    } finally {
      release()
    }
  }

  /** A request is judged: those waiting go once none is in flight, or once the host answered. */
  private leaveFlight(): void {
    this.inFlight--
    if (this.inFlight === 0 || this.run.history.silent === 0) this.wakeQuietWaiters()
  }

  /** Resolves when no request is in flight (at once if none is), the host answered, or the run halts. */
  private untilNoneInFlight(): Promise<void> {
    if (this.inFlight === 0 || this.run.halt.aborted) return Promise.resolve()
    return new Promise(resolve => this.quietWaiters.push(resolve))
  }

  private wakeQuietWaiters(): void {
    for (const wake of this.quietWaiters.splice(0)) wake()
  }

  /**
   * After a failed attempt: the failure to report, or the ms this request sleeps before its retry
   * (0 when the whole run pauses instead, on the pacer).
   */
  private afterFailure(
    kind: RequestUse,
    id: string,
    failure: CertCentralError,
    retry: number
  ): CertCentralError | number {
    const { run } = this
    const { maxRetries } = run.options
    const later = saysLater({ failure })
    // Only a 429 or 503 carries a Retry-After (CertCentralClient reads it on no other answer).
    if (failure.retryAfterSeconds !== undefined) this.askedWait = failure.retryAfterSeconds
    const decision = retryDecision({
      failure,
      request: kind,
      waiting: run.options.waitSeconds > 0,
      retry,
      maxRetries,
      runStopped: run.stopped !== undefined,
      now: run.clock.now(),
      random: run.clock.random(),
      pausedMs: this.pausedMs,
      pauseEnd: this.pauseEnd
    })
    const last = decision.retry ? failure : withAppended(failure, decision.appended)
    run.stop({
      event: 'failure',
      id,
      request: kind,
      failure: last,
      retried: decision.retry,
      history: run.history,
      now: run.clock.now(),
      // Orders waiting for a next check may bridge a short silence (see stopFor).
      ordersWaiting: run.waiting.size > 0
    })
    if (!decision.retry) {
      if (later) this.leftForLater = true
      return last
    }
    const of = later ? maxRetries : LOOKUP_RETRIES
    run.log.warning(
      `${run.noun} ${id}: ${failure.message}; retry ${retry + 1} of ${of} in ${seconds(decision.waitMs)}`
    )
    if (!decision.pauseRun) return decision.waitMs
    this.pausedMs = decision.pausedMs
    this.pauseEnd = decision.pauseEnd
    this.pacer.pause(decision.until)
    return 0
  }
}

/** The failure as reported: its message with what the retry decision appended (why no retry). */
function withAppended(failure: CertCentralError, appended: string): CertCentralError {
  return new CertCentralError({
    message: failure.message + appended,
    kind: failure.kind,
    status: failure.status,
    codes: failure.codes,
    hint: failure.hint,
    retryAfterSeconds: failure.retryAfterSeconds
  })
}

function asCertCentralError(error: unknown): CertCentralError {
  if (error instanceof CertCentralError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new CertCentralError({ message: `unexpected failure: ${message}`, kind: 'network' })
}
