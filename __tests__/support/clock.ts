// A virtual clock for the runner: sleeps wait in a queue, and whenever the event loop is otherwise
// idle the earliest one fires and time jumps to it. Concurrent waits (polls, pauses, pacing) keep
// their real order, and hours of waiting run in milliseconds.
import type { Clock } from '../../src/clock.js'

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

  constructor(private readonly randomValue = 0.5) {}

  now = (): number => this.time
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
