// Time, injected: the scheduler reads durations, deadlines and waits from a Clock, so tests of
// hours of waiting run on a virtual one in milliseconds.
import { settleOnce } from './deadline.js'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or at once when `halt` aborts. */
  sleep(ms: number, halt?: AbortSignal): Promise<void>
  random(): number
}

export const realClock: Clock = {
  now: () => Date.now(),
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
