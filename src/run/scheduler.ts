// Runs a plan: which request goes when, how many at once (Slots), pacing under DigiCert's rate
// limits (Pacer), retries of 429s, 503s and look-ups, waiting for orders to be issued, and stopping
// the run. It only sequences: every rule (retry or give up, send or wait, an answer's fate, what
// stops the run) is a pure function in decisions.ts, and what those rules remember of the run
// (StopHistory) is kept here as plain data. Time and the CertCentral calls are injected, so tests
// of waits, windows and polls run in milliseconds.
import { setMaxListeners } from 'node:events'
import {
  ISSUED,
  RATE_LIMITS,
  type CertificateSummary,
  type OrderInfo,
  type OrderList,
  type RateWindow
} from '../certcentral/api.js'
import { CertCentralError } from '../certcentral/client.js'
import { realClock, type Clock } from '../clock.js'
import { fateOf, skipFor } from './fates.js'
import {
  NO_ANSWERS,
  findStep,
  isMiss,
  withFindAnswer,
  type FindAnswers,
  type FindStep,
  type Found
} from './finding.js'
import { orderStep, type OrderStep } from './orders.js'
import type { CertCentralPort, RequestKind } from './port.js'
import { LOOKUP_RETRIES, retryDecision, saysLater } from './retry.js'
import {
  NO_HISTORY,
  afterAttempt,
  afterResult,
  stopFor,
  unsentError,
  type RunStop,
  type StopEvent,
  type StopHistory
} from './stops.js'
import {
  OPERATIONS,
  idNoun,
  isFindingInput,
  type IdInput,
  type Operation,
  type Target
} from '../operations.js'
import { knownFields, requestsOf, type IdResult, type RunOutcome } from '../outcome.js'
import { Pacer, Slots, seconds } from './gates.js'

export const MAX_IN_FLIGHT = 4
/** The waiting line in the log comes at most this often. */
export const WAITING_LOG_MS = 60_000

export interface RunLog {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export interface RunOptions {
  operation: Operation
  idInput: IdInput
  ids: string[]
  /** The IDs with what is known of their certificates; by default each ID with nothing known. */
  targets?: Target[]
  /** issued-within in seconds: a certificate issued longer ago is skipped. */
  issuedWithinSeconds?: number
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

const silent: RunLog = { info: () => {}, warning: () => {}, debug: () => {} }

/** What one ID came to before its result is written. */
type Progress = Pick<
  IdResult,
  | 'certificateId'
  | 'commonName'
  | 'validTill'
  | 'orderStatus'
  | 'orderId'
  | 'serialNumber'
  | 'thumbprint'
  | 'file'
> & {
  attempts: number
  lookups: number
  status: number | null
}

export async function runPlan(
  options: RunOptions,
  api: CertCentralPort,
  clock: Clock = realClock
): Promise<RunOutcome> {
  return new Run(options, api, clock).execute()
}

/** One run of a plan: its gates, its bookkeeping and the steps of each ID. */
class Run {
  private readonly log: RunLog
  private readonly noun: string
  private readonly limits: readonly RateWindow[]
  // Halts every wait at once on a stop (429, refused key) or the runner's cancellation. Requests in
  // flight see only the runner's cancellation: after a 429 they finish and are reported.
  private readonly halt = new AbortController()
  private readonly pacer: Pacer
  private readonly slots: Slots
  private readonly outcome: RunOutcome = { results: [], stop: undefined, retryAfter: undefined }
  /** When the wait for issuance ends. */
  private readonly deadline: number
  /** Orders still waiting to be issued, with their last status and next check. */
  private readonly waiting = new Map<string, { status: string; nextCheck: number }>()
  /** Each ID's place in the plan: IDs start in this order, whatever order they end in. */
  private readonly positions = new Map<string, number>()
  private sent = 0
  private lastWaitingLog = -Infinity
  /** 429 and 503 pauses so far (overlaps counted once), and when the current one ends. */
  private pausedMs = 0
  private pauseEnd = 0
  /** What the stop rules remember: silent requests in a row and since when, the last IDs' errors, the first IDs'. */
  private history: StopHistory = NO_HISTORY
  /** The wait DigiCert last asked for with a 429 or 503, and whether one left an ID unsent. */
  private retryAfter: number | undefined
  private leftForLater = false
  /** Requests on the wire, and who waits for there to be none (see `request`). */
  private inFlight = 0
  private readonly quietWaiters: (() => void)[] = []
  private readonly onCancel = (): void => this.stop({ event: 'cancelled' })
  /** When each order looked up by order ID was issued, for issued-within. */
  private readonly issuedOf = new Map<string, string>()

  constructor(
    private readonly options: RunOptions,
    private readonly api: CertCentralPort,
    private readonly clock: Clock
  ) {
    this.log = options.log ?? silent
    this.noun = idNoun(options.idInput)
    this.limits = options.limits ?? RATE_LIMITS
    // Every order waiting for issuance sleeps on it at once: hundreds of listeners are expected,
    // each removed when its wait ends, so Node's leak warning (from the 11th) would only mislead.
    setMaxListeners(0, this.halt.signal)
    this.halt.signal.addEventListener('abort', () => this.wakeQuietWaiters())
    this.pacer = new Pacer(this.limits, clock, this.halt.signal, this.log)
    this.slots = new Slots(Math.max(1, options.concurrency ?? MAX_IN_FLIGHT))
    this.deadline = clock.now() + options.waitSeconds * 1000
  }

  async execute(): Promise<RunOutcome> {
    const { cancel, ids } = this.options
    // A signal aborts once; the listener goes when the run ends.
    cancel?.addEventListener('abort', this.onCancel)
    if (cancel?.aborted) this.onCancel()
    const targets = this.options.targets ?? ids.map(id => ({ id, known: {} }))
    targets.forEach(({ id }, position) => this.positions.set(id, position))
    this.outcome.results = await Promise.all(targets.map(target => this.finish(target)))
    cancel?.removeEventListener('abort', this.onCancel)
    // retry-after says when to send again: only when a 429 or 503 left IDs unsent.
    this.outcome.retryAfter = this.leftForLater ? this.retryAfter : undefined
    return this.outcome
  }

  /** One ID from start to result, with its line in the log. */
  private async finish(target: Target): Promise<IdResult> {
    const { id } = target
    const result = await this.handle(target)
    if (result.fate === 'sent') this.log.info(`${this.noun} ${id}: sent (HTTP ${result.status})`)
    else if (result.fate === 'skipped') this.log.info(`${this.noun} ${id}: ${result.skipReason}`)
    else if (requestsOf(result) > 0) this.log.info(`${this.noun} ${id}: ${result.error}`)
    return result
  }

  private async handle({ id, known }: Target): Promise<IdResult> {
    const progress: Progress = { attempts: 0, lookups: 0, status: null, ...knownFields(known) }
    const { operation, body, cancel, idInput, waitSeconds, issuedWithinSeconds } = this.options
    const spec = OPERATIONS[operation]
    // A file's issue date is known without a request.
    const fileSkip = this.skip(known.validFrom)
    if (fileSkip) return this.skipped(id, progress, fileSkip)
    let target = id
    if (isFindingInput(idInput)) {
      const found = await this.find({ id, known }, progress)
      if (found === undefined) return this.stopped(id, progress)
      if ('fate' in found) return found
      const skip = known.file === undefined ? this.skip(found.issued) : undefined
      if (skip) return this.skipped(id, progress, skip)
      const to = spec.orderTarget === 'order' ? found.orderId : found.certificateId
      if (to === undefined) return this.ended(id, progress, orderUnknown(found))
      target = to
    } else if (
      idInput === 'order-id' &&
      (spec.orderTarget === 'certificate' || waitSeconds > 0 || issuedWithinSeconds !== undefined)
    ) {
      const issued = await this.awaitIssued(id, progress)
      if (typeof issued !== 'string') return issued ?? this.stopped(id, progress)
      const skip = this.skip(this.issuedOf.get(id))
      if (skip) return this.skipped(id, progress, skip)
      target = issued
    }
    const answer = await this.request('send', id, progress, attempt =>
      this.api.call(operation, target, body, attempt, cancel)
    )
    if (answer === undefined) return this.stopped(id, progress)
    const result = this.settled(id, progress, answer, 'send')
    if (result.fate === 'sent') this.sent++
    return result
  }

  /** Why issued-within skips a certificate issued then, or undefined. */
  private skip(issued: string | undefined): string | undefined {
    const seconds = this.options.issuedWithinSeconds
    return skipFor({ issued, seconds, now: this.clock.wallNow() })
  }

  /** A certificate issued longer ago than issued-within: nothing sent, nothing to fix. */
  private skipped(id: string, progress: Progress, skipReason: string): IdResult {
    this.noteResult(id, undefined)
    return { id, fate: 'skipped', ...progress, skipReason }
  }

  /**
   * The look-up chain of a file, serial, thumbprint or common name (decisions.findStep), each
   * step a look-up: the certificate found, the ID's result (not found, a failed look-up), or
   * undefined when the run stopped.
   */
  private async find(target: Target, progress: Progress): Promise<Found | IdResult | undefined> {
    const { id, known } = target
    const pick = this.options.idInput === 'common-name' ? 'newest' : 'match'
    let answers: FindAnswers = NO_ANSWERS
    for (;;) {
      const step = findStep({ known, pick, answers, now: this.clock.wallNow() })
      if (step.step === 'found') {
        noteFound(progress, step.found)
        return step.found
      }
      if (step.step === 'not-found')
        return this.ended(id, progress, { step: 'end', fate: 'failed', error: step.error })
      if (step.step === 'not-issued') {
        progress.orderId = step.orderId
        progress.orderStatus = step.status
        return this.ended(id, progress, { step: 'end', fate: 'unsent', error: step.error })
      }
      const answer = await this.request('lookup', id, progress, attempt =>
        this.findRequest(step, attempt)
      )
      if (answer === undefined) return undefined
      // A miss is "not this step" (a list is never one): the chain goes on. Any other failure,
      // a 404 saying the URL is wrong among them, ends the ID.
      const miss = answer instanceof CertCentralError && isMiss({ failure: answer })
      if (answer instanceof CertCentralError && (!miss || step.step === 'list'))
        return this.settled(id, progress, answer, 'lookup')
      // The step's status: an answer's, or a miss's 404 (which request has already kept).
      progress.status = answer.status
      const content = answer instanceof CertCentralError ? null : answer
      answers = withFindAnswer({ answers, step, answer: content })
    }
  }

  /** The request of one look-up step of the chain. */
  private findRequest(
    step: Extract<FindStep, { step: 'lookup' | 'list' | 'duplicates' }>,
    attempt: number
  ): Promise<
    | { status: number; order: OrderInfo }
    | { status: number; list: OrderList }
    | { status: number; certificates: CertificateSummary[] }
  > {
    const { cancel } = this.options
    if (step.step === 'lookup') return this.api.lookup(step.key, attempt, cancel)
    if (step.step === 'list') return this.api.listOrders(step.query, attempt, cancel)
    return this.api.duplicates(step.orderId, attempt, cancel)
  }

  /** Stops the run once (the first stop is the one reported), halting every wait. */
  private stop(event: StopEvent): void {
    const stop = stopFor(event)
    if (!stop || this.outcome.stop) return
    this.outcome.stop = stop
    this.log.debug(`stopping the run: ${stop.reason}${stop.id ? ` (${this.noun} ${stop.id})` : ''}`)
    this.halt.abort()
  }

  /**
   * One request with its slot, its turn under the rate limits and its retries (429s, 503s, and a
   * look-up's). Resolves with the answer, a CertCentralError, or undefined when the run stopped
   * before it could start.
   */
  private async request<T>(
    kind: RequestKind,
    id: string,
    progress: Progress,
    send: (attempt: number) => Promise<T>
  ): Promise<T | CertCentralError | undefined> {
    // The slot is held through the retries: a retry goes when the pause ends, not behind every ID
    // not yet started (nothing starts during the pause anyway).
    const release = await this.slots.acquire(kind)
    try {
      for (let retry = 0; ; retry++) {
        await this.pacer.acquire(kind)
        // After a request the host did not answer at all, the requests on the wire tell whether
        // it answers anything: nothing new starts before they end, so a host that never answers
        // costs one timeout-seconds, not one per slot.
        if (this.history.silent > 0) await this.untilNoneInFlight()
        // The run stopped while this request waited for its turn: nothing new starts.
        if (this.outcome.stop) return undefined
        // Counted by kind: the result's attempts (sends) and lookups, and the debug lines' attempt.
        const attempt = ++progress[kind === 'send' ? 'attempts' : 'lookups']
        this.inFlight++
        let answer: T | CertCentralError
        let sleepMs: number
        try {
          answer = await send(attempt).catch(asCertCentralError)
          this.history = afterAttempt({
            history: this.history,
            failure: answer instanceof CertCentralError ? answer : undefined,
            now: this.clock.now()
          })
          if (!(answer instanceof CertCentralError)) return answer
          progress.status = answer.status ?? progress.status
          const next = this.afterFailure(kind, id, answer, retry)
          if (next instanceof CertCentralError) return next
          sleepMs = next
        } finally {
          // Only once its answer is judged (and the run stopped if it must), so that a request
          // waiting for none to be in flight sees the stop.
          this.leaveFlight()
        }
        if (sleepMs > 0) await this.clock.sleep(sleepMs, this.halt.signal)
      }
    } finally {
      release()
    }
  }

  /** A request is judged: those waiting go once none is in flight, or once the host answered. */
  private leaveFlight(): void {
    this.inFlight--
    if (this.inFlight === 0 || this.history.silent === 0) this.wakeQuietWaiters()
  }

  /** Resolves when no request is in flight (at once if none is), the host answered, or the run halts. */
  private untilNoneInFlight(): Promise<void> {
    if (this.inFlight === 0 || this.halt.signal.aborted) return Promise.resolve()
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
    kind: RequestKind,
    id: string,
    failure: CertCentralError,
    retry: number
  ): CertCentralError | number {
    const { maxRetries } = this.options
    const later = saysLater({ failure })
    // Only a 429 or 503 carries a Retry-After (CertCentralClient reads it on no other answer).
    if (failure.retryAfterSeconds !== undefined) this.retryAfter = failure.retryAfterSeconds
    const decision = retryDecision({
      failure,
      request: kind,
      waiting: this.options.waitSeconds > 0,
      retry,
      maxRetries,
      runStopped: this.outcome.stop !== undefined,
      now: this.clock.now(),
      random: this.clock.random(),
      pausedMs: this.pausedMs,
      pauseEnd: this.pauseEnd
    })
    const last = decision.retry ? failure : withAppended(failure, decision.appended)
    this.stop({
      event: 'failure',
      id,
      failure: last,
      retried: decision.retry,
      history: this.history,
      now: this.clock.now(),
      // Orders waiting for a next check may bridge a short silence (see stopFor).
      ordersWaiting: this.waiting.size > 0
    })
    if (!decision.retry) {
      if (later) this.leftForLater = true
      return last
    }
    const of = later ? maxRetries : LOOKUP_RETRIES
    this.log.warning(
      `${this.noun} ${id}: ${failure.message}; retry ${retry + 1} of ${of} in ${seconds(decision.waitMs)}`
    )
    if (!decision.pauseRun) return decision.waitMs
    this.pausedMs = decision.pausedMs
    this.pauseEnd = decision.pauseEnd
    this.pacer.pause(decision.until)
    return 0
  }

  /** Looks an order up until it is issued; the ID the call takes, or the ID's final result. */
  private async awaitIssued(
    id: string,
    progress: Progress
  ): Promise<string | IdResult | undefined> {
    for (let check = 1; ; check++) {
      const answer = await this.request('lookup', id, progress, attempt =>
        this.api.lookup(id, attempt, this.options.cancel)
      )
      if (answer === undefined) return undefined
      const failed = answer instanceof CertCentralError
      if (!failed) {
        noteOrder(progress, answer)
        const issued = answer.order.dateIssued ?? answer.order.validFrom
        if (issued !== undefined) this.issuedOf.set(id, issued)
      }
      const now = this.clock.now()
      const step = orderStep({
        orderId: id,
        answer: failed ? answer : answer.order,
        lastStatus: progress.orderStatus,
        orderTarget: OPERATIONS[this.options.operation].orderTarget,
        check,
        now,
        waitSeconds: this.options.waitSeconds,
        deadline: this.deadline,
        ordersWaiting: this.waiting.size + (this.waiting.has(id) ? 0 : 1),
        windows: this.limits,
        random: this.clock.random()
      })
      if (step.step !== 'wait') {
        this.waiting.delete(id)
        if (step.step === 'send') return step.target
        // A settled look-up always failed: orderStep settles only on a failure.
        return step.step === 'settle'
          ? this.settled(id, progress, answer as CertCentralError, 'lookup')
          : this.ended(id, progress, step)
      }
      const status = failed ? (progress.orderStatus ?? 'unknown') : answer.order.status
      this.waiting.set(id, { status, nextCheck: now + step.delayMs })
      if (failed) {
        this.log.info(
          `order ${id}: check ${check} failed (${answer.message}); trying again at the next check in ${seconds(step.delayMs)}`
        )
      } else this.log.debug(`order ${id}: ${status}; check ${check + 1} in ${step.delayMs} ms`)
      this.reportWaiting()
      await this.clock.sleep(step.delayMs, this.halt.signal)
      if (this.outcome.stop) return undefined
    }
  }

  private reportWaiting(): void {
    const now = this.clock.now()
    // Called right after an order is counted as waiting, so there is always one to report.
    if (now - this.lastWaitingLog < WAITING_LOG_MS) return
    this.lastWaitingLog = now
    const waiting = [...this.waiting.values()]
    const byStatus = new Map<string, number>()
    for (const { status } of waiting) byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    const next = Math.min(...waiting.map(w => w.nextCheck))
    this.log.info(
      `waiting for ${this.waiting.size} of ${this.options.ids.length} orders (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}); ` +
        `next check in ${Math.max(0, Math.round((next - now) / 1000))} s; ${this.sent} sent`
    )
  }

  /** The result of an ID whose last request was answered. */
  private settled(
    id: string,
    progress: Progress,
    answer: { status: number } | CertCentralError,
    request: RequestKind
  ): IdResult {
    const fate = fateOf({ answer, request })
    const failure = answer instanceof CertCentralError ? answer : undefined
    this.noteResult(id, failure)
    if (!(answer instanceof CertCentralError))
      return { id, fate, ...progress, status: answer.status }
    return {
      id,
      fate,
      ...progress,
      error: answer.message,
      ...(answer.hint ? { hint: answer.hint } : {})
    }
  }

  /** An order that ended without a send: no HTTP error, so no status (the look-up's was 200). */
  private ended(
    id: string,
    progress: Progress,
    step: Extract<OrderStep, { step: 'end' }>
  ): IdResult {
    this.noteResult(id, undefined)
    const { fate, error, hint } = step
    return { id, fate, ...progress, status: null, error, ...(hint ? { hint } : {}) }
  }

  /** An ID ended (not by a stop): counted for the stop rules, which may stop the run. */
  private noteResult(id: string, failure: CertCentralError | undefined): void {
    const position = this.positions.get(id) as number
    this.history = afterResult({ history: this.history, id, position, failure })
    this.stop({ event: 'result', id, history: this.history })
  }

  /** The result of an ID the run stopped before it was sent. */
  private stopped(id: string, progress: Progress): IdResult {
    this.waiting.delete(id)
    const stop = this.outcome.stop as RunStop
    const error = unsentError({ stop, noun: this.noun, attempts: requestsOf(progress) })
    return { id, fate: 'unsent', ...progress, error }
  }
}

/** What the chain found, kept for the ID's result. */
function noteFound(progress: Progress, found: Found): void {
  progress.certificateId = found.certificateId
  if (found.orderId !== undefined) progress.orderId = found.orderId
  if (found.commonName !== undefined) progress.commonName = found.commonName
  if (found.serialNumber !== undefined) progress.serialNumber = found.serialNumber
  if (found.thumbprint !== undefined) progress.thumbprint = found.thumbprint
  if (found.validTill !== undefined) progress.validTill = found.validTill
}

/** A found certificate whose order CertCentral did not name: a seal cannot go anywhere. */
function orderUnknown(found: Found): Extract<OrderStep, { step: 'end' }> {
  return {
    step: 'end',
    fate: 'failed',
    error: `certificate ${found.certificateId} was found, but CertCentral did not name its order; give its order-id instead`
  }
}

/** What an Order info answer tells about the ID, kept for its result. */
function noteOrder(progress: Progress, answer: { status: number; order: OrderInfo }): void {
  const { order } = answer
  progress.status = answer.status
  if (order.commonName !== undefined) progress.commonName = order.commonName
  if (order.validTill !== undefined) progress.validTill = order.validTill
  if (order.status === ISSUED) {
    delete progress.orderStatus
    if (order.certificateId !== undefined) progress.certificateId = order.certificateId
  } else {
    progress.orderStatus = order.status
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
