// src/run/: sending a plan. runPlan runs each ID's work (id-run.ts: find its certificate or wait
// for its order's issuance, make the call, conclude) through the run's gates (a slot and a turn
// under DigiCert's rate limits: gates.ts, requests.ts) until every ID has its result or the run
// stops. This module only sequences: the gates, the stop, the results in plan order; each ID's
// work starts in plan order as its turn nears (id-starts.ts), not all at once. Every rule
// is a pure function of one argument object in its own module: when a request may start
// (pacing.ts), retried or not (retry.ts), the look-up chain (finding.ts), an order's next step
// and whether it is looked up at all (orders.ts), an answer's fate and issued-within (fates.ts),
// what stops the run (stops.ts); what those rules remember of the run (StopHistory) is kept here
// as plain data. The dry run lists its requests from the same rules (dry-run.ts). Time and
// CertCentral are injected (clock.ts, port.ts), so tests of waits, windows and polls run in
// milliseconds.
import { setMaxListeners } from 'node:events'
import { RATE_LIMITS, type RateWindow } from '../certcentral/api.js'
import type { CertCentralError } from '../certcentral/errors.js'
import { realClock, type Clock } from '../clock.js'
import { idNoun } from '../operations.js'
import type { RunOutcome } from '../outcome.js'
import type { RunContext, RunLog, RunOptions } from './context.js'
import { Pacer, Slots } from './gates.js'
import type { IdRecord } from './id-record.js'
import { IdStarts } from './id-starts.js'
import type { CertCentralPort, RequestUse } from './port.js'
import { Requests } from './requests.js'
import {
  NO_HISTORY,
  afterAttempt,
  afterResult,
  stopFor,
  type RunStop,
  type StopEvent,
  type StopHistory
} from './stops.js'
import { WaitingOrders } from './waiting-orders.js'

export type { RunLog, RunOptions } from './context.js'

export const MAX_IN_FLIGHT = 4
/** First requests kept waiting, per slot: more than the slots, which could take them all at once. */
const START_AHEAD = 2

const silent: RunLog = { info: () => {}, warning: () => {}, debug: () => {} }

export async function runPlan(
  options: RunOptions,
  certCentral: CertCentralPort,
  clock: Clock = realClock
): Promise<RunOutcome> {
  return new Run(options, certCentral, clock).execute()
}

/** One run of a plan: its gates, its stop, and each ID's work, whose results come in plan order. */
class Run implements RunContext {
  readonly log: RunLog
  readonly noun: string
  readonly limits: readonly RateWindow[]
  readonly deadline: number
  readonly waiting: WaitingOrders
  sent = 0
  // Halts every wait at once on a stop (429, refused key) or the runner's cancellation. Requests in
  // flight see only the runner's cancellation: after a 429 they finish and are reported.
  private readonly halting = new AbortController()
  private readonly requests: Requests
  private readonly starts: IdStarts
  private why: RunStop | undefined
  /** What the stop rules remember: silent requests in a row and since when, the last IDs' errors, the first IDs'. */
  private remembered: StopHistory = NO_HISTORY
  private readonly onCancel = (): void => this.stop({ event: 'cancelled' })

  constructor(
    readonly options: RunOptions,
    readonly certCentral: CertCentralPort,
    readonly clock: Clock
  ) {
    this.log = options.log ?? silent
    this.noun = idNoun(options.idInput)
    this.limits = options.limits ?? RATE_LIMITS
    // Every order waiting for issuance sleeps on it at once: hundreds of listeners are expected,
    // each removed when its wait ends, so Node's leak warning (from the 11th) would only mislead.
    setMaxListeners(0, this.halting.signal)
    const pacer = new Pacer(this.limits, clock, this.halting.signal, this.log)
    const size = Math.max(1, options.concurrency ?? MAX_IN_FLIGHT)
    // The next IDs start as a first request gets its slot, while fewer than twice the slots wait.
    const slots = new Slots(size, () => this.starts.topUp())
    this.starts = new IdStarts(this, () => slots.firstsWaiting < START_AHEAD * size)
    this.requests = new Requests(this, pacer, slots)
    this.deadline = clock.now() + options.waitSeconds * 1000
    this.waiting = new WaitingOrders(clock, this.log, options.ids.length)
  }

  get halt(): AbortSignal {
    return this.halting.signal
  }

  get stopped(): RunStop | undefined {
    return this.why
  }

  get history(): StopHistory {
    return this.remembered
  }

  async execute(): Promise<RunOutcome> {
    const { cancel } = this.options
    // A signal aborts once; the listener goes when the run ends.
    cancel?.addEventListener('abort', this.onCancel)
    if (cancel?.aborted) this.onCancel()
    // IDs start in plan order, whatever order they end in; their results are in plan order.
    const results = await this.starts.all()
    cancel?.removeEventListener('abort', this.onCancel)
    return { results, stop: this.why, retryAfter: this.requests.retryAfter }
  }

  request<T>(
    kind: RequestUse,
    record: IdRecord,
    send: (attempt: number) => Promise<T>
  ): Promise<T | CertCentralError | undefined> {
    return this.requests.request(kind, record, send, this.starts.starting)
  }

  noteAttempt(failure: CertCentralError | undefined): void {
    this.remembered = afterAttempt({ history: this.remembered, failure, now: this.clock.now() })
  }

  stop(event: StopEvent): void {
    const stop = stopFor(event)
    if (!stop || this.why) return
    this.why = stop
    this.log.debug(`stopping the run: ${stop.reason}${stop.id ? ` (${this.noun} ${stop.id})` : ''}`)
    this.halting.abort()
  }

  countResult(record: IdRecord, failure: CertCentralError | undefined): void {
    const { id, position } = record
    this.remembered = afterResult({ history: this.remembered, id, position, failure })
    this.stop({ event: 'result', id, history: this.remembered })
  }
}
