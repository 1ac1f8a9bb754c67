// A virtual clock for the scheduler: sleeps wait in a queue, and whenever the event loop is
// otherwise idle the earliest one fires and time jumps to it. Concurrent waits (polls, pauses,
// pacing) keep their real order, and hours of waiting run in milliseconds. Also what tests read or
// do on it: log lines stamped with their virtual time, an abort at a virtual time, and the
// spacing of a list of times.
import type { Clock } from '../../src/clock.js'
import type { RunLog } from '../../src/run/scheduler.js'

interface Timer {
  at: number
  seq: number
  fire: () => void
}

export class FakeClock implements Clock {
  time = 0
  /** Every wait asked for, in order. */
  readonly sleeps: number[] = []
  private timers: Timer[] = []
  private seq = 0
  private scheduled = false

  /**
   * @param randomValue  what random() returns
   * @param wallStart  the wall clock at virtual time 0 (ms since the epoch); it moves with the
   *   virtual time. The real date when the clock is made, by default.
   */
  constructor(
    private readonly randomValue = 0.5,
    private readonly wallStart = Date.now()
  ) {}

  now = (): number => this.time
  wallNow = (): number => this.wallStart + this.time
  random = (): number => this.randomValue

  sleep = (ms: number, halt?: AbortSignal): Promise<void> =>
    new Promise<void>(resolve => {
      this.sleeps.push(ms)
      if (halt?.aborted) return resolve()
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          halt?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter(t => t !== timer)
        resolve()
      }
      halt?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
      this.schedule()
    })

  /** Pending sleeps, for assertions. */
  get pending(): number {
    return this.timers.length
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    // setImmediate runs after every microtask, so a woken task runs before the next timer fires.
    setImmediate(() => {
      this.scheduled = false
      this.fireNext()
    })
  }

  private fireNext(): void {
    if (this.timers.length === 0) return
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const timer = this.timers.shift() as Timer
    this.time = Math.max(this.time, timer.at)
    timer.fire()
    if (this.timers.length) this.schedule()
  }
}

/** A log line as the scheduler wrote it, at its virtual time. */
export interface Line {
  level: keyof RunLog
  message: string
  at: number
}

/** A RunLog that records each line with the clock's time. */
export function recordLog(clock: FakeClock): {
  log: RunLog
  lines: Line[]
  of(level: keyof RunLog): Line[]
} {
  const lines: Line[] = []
  const add = (level: keyof RunLog) => (message: string) =>
    void lines.push({ level, message, at: clock.time })
  return {
    log: { info: add('info'), warning: add('warning'), debug: add('debug') },
    lines,
    of: level => lines.filter(l => l.level === level)
  }
}

/** Aborts the controller at a virtual time (only where the run is still going then). */
export function abortAt(clock: FakeClock, ms: number, controller: AbortController): void {
  void clock.sleep(ms).then(() => controller.abort())
}

/** The least time between a start and the start `limit` places later: over a window if < window. */
export function tightest(times: number[], limit: number): number {
  let least = Infinity
  for (let i = limit; i < times.length; i++) {
    least = Math.min(least, (times[i] as number) - (times[i - limit] as number))
  }
  return least
}

/** The time between each two consecutive times. */
export const gaps = (times: number[]): number[] =>
  times.slice(1).map((t, i) => t - (times[i] as number))

// ---- preloads for a child `node dist/index.js`: time as the fault suites bend it ---------------

/**
 * A preload that makes every timer of 4.5 s or more fire at once and moves the clocks (the
 * monotonic performance.now the action reads, and Date.now) on by its length: the action's 429
 * backoffs (5 s and up) pass in milliseconds, while request deadlines (timeout-seconds 1) run in
 * real time.
 */
export const FAST_CLOCK = `
const realSetTimeout = globalThis.setTimeout
const realNow = Date.now
const realPerformanceNow = performance.now.bind(performance)
let skipped = 0
Date.now = () => realNow() + skipped
performance.now = () => realPerformanceNow() + skipped
globalThis.setTimeout = function (callback, ms, ...args) {
  if (typeof ms === 'number' && ms >= 4500)
    return realSetTimeout(() => { skipped += ms; callback(...args) }, 5)
  return realSetTimeout(callback, ms, ...args)
}
`

/**
 * A preload that bends time as its environment says:
 * - SKIP_FROM_MS (1500 by default): every timer of at least this long fires after 5 ms, and the
 *   monotonic clock (performance.now) moves on by its length: waits of seconds pass in
 *   milliseconds, request deadlines shorter than that run in real time;
 * - SKIP_MOVES_DATE ('1' by default): whether the wall clock moves on with it too;
 * - STEP_MS: a step of the wall clock (Date.now, new Date()), as an NTP correction or a VM resume
 *   makes, by this many ms (negative: back), at STEP_AT: 'start' (as the process starts) or
 *   'first-skip' (when the first such timer is set: in the middle of a wait).
 */
export const BENT_CLOCK = `
const env = process.env
const skipFrom = Number(env.SKIP_FROM_MS ?? 1500)
const movesDate = (env.SKIP_MOVES_DATE ?? '1') === '1'
const step = Number(env.STEP_MS ?? 0)
const stepAt = env.STEP_AT ?? 'start'
const realSetTimeout = globalThis.setTimeout
const realPerformanceNow = performance.now.bind(performance)
const RealDate = Date
let skipped = 0
let shift = stepAt === 'start' ? step : 0
let stepped = stepAt === 'start'
class BentDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + shift)
    else super(...args)
  }
  static now() {
    return RealDate.now() + shift
  }
}
globalThis.Date = BentDate
performance.now = () => realPerformanceNow() + skipped
globalThis.setTimeout = function (callback, ms, ...args) {
  if (typeof ms === 'number' && ms >= skipFrom) {
    if (!stepped) {
      stepped = true
      shift += step
    }
    return realSetTimeout(() => {
      skipped += ms
      if (movesDate) shift += ms
      callback(...args)
    }, 5)
  }
  return realSetTimeout(callback, ms, ...args)
}
`
