// The run's two gates: Pacer (when the next request may start under DigiCert's rate limits and
// after a 429) and Slots (how many requests may be in flight). Both only keep the books and wait;
// how long to wait is decided by pacingDelayMs and lookupShare in pacing.ts.
import type { RateWindow } from '../certcentral/api.js'
import type { Clock } from '../clock.js'
import { RATE_MARGIN_MS, lookupShare, pacingDelayMs } from './pacing.js'
import type { RequestKind } from './port.js'

/** Where the pacer says that it holds requests back. */
export interface PacingLog {
  info(message: string): void
  debug(message: string): void
}

const silent: PacingLog = { info: () => {}, debug: () => {} }

/**
 * A sliding-window limiter over several windows, shared by sends and look-ups. Look-ups also keep
 * under half of every window, so sends always have the other half. Callers queue in order per kind.
 */
export class Pacer {
  private readonly starts: number[] = []
  private readonly lookupStarts: number[] = []
  private readonly tails: Record<RequestKind, Promise<void>> = {
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
    private readonly log: PacingLog = silent,
    private readonly marginMs = RATE_MARGIN_MS
  ) {}

  /** Resolves when one more request of this kind may start, or when the run halts. */
  acquire(kind: RequestKind): Promise<void> {
    if (kind === 'send') this.sendsWaiting++
    const turn = this.tails[kind].then(() => this.waitForRoom(kind))
    this.tails[kind] = turn
    return turn
  }

  /** Holds every new start until `until` (after a 429, nobody should knock sooner). */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }

  private delayMs(kind: RequestKind): number {
    return pacingDelayMs({
      kind,
      now: this.clock.now(),
      windows: this.windows,
      starts: this.starts,
      lookupStarts: this.lookupStarts,
      pausedUntil: this.pausedUntil,
      sendsWaiting: this.sendsWaiting,
      marginMs: this.marginMs
    })
  }

  private async waitForRoom(kind: RequestKind): Promise<void> {
    try {
      await this.takeRoom(kind)
    } finally {
      if (kind === 'send') this.sendsWaiting--
    }
  }

  private async takeRoom(kind: RequestKind): Promise<void> {
    for (let delay = this.delayMs(kind); delay > 0; delay = this.delayMs(kind)) {
      if (this.halt.aborted) return
      const paused = this.clock.now() < this.pausedUntil
      const why = paused ? 'after a 429 or 503' : "to stay under DigiCert's rate limits"
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
    this.record(kind)
  }

  private record(kind: RequestKind): void {
    const now = this.clock.now()
    this.starts.push(now)
    if (kind === 'lookup') this.lookupStarts.push(now)
    const longest = Math.max(...this.windows.map(w => w.limit))
    // Keep the last `longest` starts, all delayMs reads (a count of 0 or less removes nothing).
    for (const starts of [this.starts, this.lookupStarts]) starts.splice(0, starts.length - longest)
  }
}

/**
 * Requests in flight at most, with look-ups holding at most half of them. Of each kind, an ID's
 * first request (made as its work starts) waits ahead of every later one: the Run starts each ID
 * as its turn nears (IdStarts), and its first request takes the place it would have had, had
 * every ID started with the run. Told when a first request gets its slot (`onFirstTurn`, in a
 * microtask), the Run starts the next IDs.
 */
export class Slots {
  private inUse = 0
  private lookupsInUse = 0
  private readonly waiting: Record<RequestKind, Queue> = {
    send: { first: [], later: [] },
    lookup: { first: [], later: [] }
  }

  constructor(
    private readonly size: number,
    private readonly onFirstTurn: () => void = () => {}
  ) {}

  /** First requests waiting for a slot, of both kinds. */
  get firstsWaiting(): number {
    return this.waiting.send.first.length + this.waiting.lookup.first.length
  }

  /**
   * Resolves with the release of a slot, when one is free for this kind; sends go first, and of
   * each kind the IDs' first requests (`first`) before the later ones.
   */
  acquire(kind: RequestKind, first = false): Promise<() => void> {
    return new Promise(resolve => {
      this.waiting[kind][first ? 'first' : 'later'].push(() => resolve(() => this.release(kind)))
      this.grant()
    })
  }

  private release(kind: RequestKind): void {
    this.inUse--
    if (kind === 'lookup') this.lookupsInUse--
    this.grant()
  }

  private grant(): void {
    while (this.inUse < this.size) {
      const lookupRoom = this.lookupsInUse < lookupShare({ total: this.size })
      const kind: RequestKind | undefined = waitingOf(this.waiting.send)
        ? 'send'
        : waitingOf(this.waiting.lookup) && lookupRoom
          ? 'lookup'
          : undefined
      if (!kind) return
      const queue = waitingOf(this.waiting[kind]) as (() => void)[]
      const first = queue === this.waiting[kind].first
      this.inUse++
      if (kind === 'lookup') this.lookupsInUse++
      ;(queue.shift() as () => void)()
      if (first) queueMicrotask(this.onFirstTurn)
    }
  }
}

/** The requests of one kind waiting for a slot: the IDs' first ones, and the later ones. */
interface Queue {
  first: (() => void)[]
  later: (() => void)[]
}

/** The queue whose head is granted next: the first requests, then the later; undefined when none waits. */
function waitingOf({ first, later }: Queue): (() => void)[] | undefined {
  if (first.length) return first
  return later.length ? later : undefined
}

export function describeLimits(windows: readonly RateWindow[]): string {
  return `DigiCert's rate limits (${windows.map(w => `${w.limit} requests per ${w.windowMs / 1000} s`).join(', ')})`
}

/** Milliseconds as seconds with one decimal, for the log: "12.0 s". */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
