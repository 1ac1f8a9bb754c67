// What a run is given (RunOptions: the plan's part it needs; RunLog: where its live lines go), and
// what one ID's work gets from its run (RunContext): the options, CertCentral (the port), the
// clock, the log, and the run's own services: a request through its gates, its stop and what the
// stop rules remember, the orders waiting for issuance. The Run (scheduler.ts) is the one
// RunContext; the per-ID pieces (id-run.ts and the modules it calls) only use this interface.
import type { RateWindow } from '../certcentral/api.js'
import type { CertCentralError } from '../certcentral/errors.js'
import type { Clock } from '../clock.js'
import type { Role } from '../input/roles.js'
import type { IdInput, Operation, Target } from '../operations.js'
import type { IdRecord } from './id-record.js'
import type { CertCentralPort, RequestUse } from './port.js'
import type { RunStop, StopEvent, StopHistory } from './stops.js'
import type { WaitingOrders } from './waiting-orders.js'

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
  /** The addresses of `emails`, which recipients-from-order adds each order's people to. */
  emails?: readonly string[]
  /** recipients-from-order: the roles of each certificate's order it is also sent to. */
  roles?: readonly Role[]
  maxRetries: number
  /** How long to wait for an order to be issued, in seconds (order IDs only). */
  waitSeconds: number
  concurrency?: number
  limits?: readonly RateWindow[]
  /**
   * deliver-once: each certificate's order notes read before its call, its recipients already
   * delivered left out, a note written after each send (deliver-once.ts).
   */
  deliverOnce?: boolean
  /** The workflow run's link and attempt, written in deliver-once's notes; undefined: unknown. */
  runLink?: string | undefined
  runAttempt?: number | undefined
  /** The runner's cancellation (SIGINT/SIGTERM). */
  cancel?: AbortSignal
  log?: RunLog
}

/** What one ID's work gets from its run. */
export interface RunContext {
  readonly options: RunOptions
  /** CertCentral, as the run needs it (the operation's call and the look-ups). */
  readonly certCentral: CertCentralPort
  readonly clock: Clock
  readonly log: RunLog
  /** What the IDs are, for the log: 'certificate', 'order', … (idNoun). */
  readonly noun: string
  /** DigiCert's rate windows the run keeps under. */
  readonly limits: readonly RateWindow[]
  /** When the wait for issuance ends (monotonic ms). */
  readonly deadline: number
  /** Aborts on a stop or the runner's cancellation: every wait of the run ends at once. */
  readonly halt: AbortSignal
  /** The orders waiting to be issued, and the log's waiting line. */
  readonly waiting: WaitingOrders
  /** IDs sent so far, for the waiting line. */
  sent: number
  /** Why the run stopped (the first stop, the one reported); undefined while it goes on. */
  readonly stopped: RunStop | undefined
  /** What the stop rules remember of the run so far. */
  readonly history: StopHistory
  /**
   * One request with its slot, its turn under the rate limits and its retries (see Requests).
   * Resolves with the answer, a CertCentralError, or undefined when the run stopped before it
   * could start.
   */
  request<T>(
    kind: RequestUse,
    record: IdRecord,
    send: (attempt: number) => Promise<T>
  ): Promise<T | CertCentralError | undefined>
  /** A request ended, with its failure (undefined for a 2xx): for the stop rules. */
  noteAttempt(failure: CertCentralError | undefined): void
  /** Stops the run once (the first stop is the one reported), halting every wait. */
  stop(event: StopEvent): void
  /** An ID ended (not by a stop): counted for the stop rules, which may stop the run. */
  countResult(record: IdRecord, failure: CertCentralError | undefined): void
}
