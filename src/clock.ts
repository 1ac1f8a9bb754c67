// Time, injected: the run reads durations, deadlines and waits from a Clock, so tests of hours of
// waiting run on a virtual one in milliseconds. The real one is monotonic: an NTP step or a VM
// resume moves the wall clock, never a deadline, a pacing window or a wait. The wall clock is read
// only through the same Clock, and only to read dates (issued-within, an expiry, an HTTP-date
// Retry-After): realClock is the one place in src/ that reads performance.now() and Date.now().
import { settleOnce } from './deadline.js'

export interface Clock {
  /** Milliseconds from an arbitrary origin, never going back: only for durations, never a date. */
  now(): number
  /** Milliseconds since the epoch: only to read a date, never for a duration. */
  wallNow(): number
  /** Resolves after `ms`, or at once when `halt` aborts. */
  sleep(ms: number, halt?: AbortSignal): Promise<void>
  random(): number
}

export const realClock: Clock = {
  // Whole milliseconds, as durations are logged and compared; floor keeps it monotonic.
  now: () => Math.floor(performance.now()),
  wallNow: () => Date.now(),
  // Resolves, never rejects: at the end of `ms`, or at once when `halt` aborts (or has aborted).
  sleep: (ms, halt) =>
    settleOnce<undefined>(
      {
        timeoutMs: ms,
        onTimeout: () => ({ value: undefined }),
        signal: halt,
        onAbort: () => ({ value: undefined })
      },
      () => undefined
    ),
  random: () => Math.random()
}
