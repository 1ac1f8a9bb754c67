// Time, injected: the scheduler reads durations, deadlines and waits from a Clock, so tests of
// hours of waiting run on a virtual one in milliseconds.

export interface Clock {
  now(): number
  /** Resolves after `ms`, or at once when `halt` aborts. */
  sleep(ms: number, halt?: AbortSignal): Promise<void>
  random(): number
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, halt) =>
    new Promise(resolve => {
      if (halt?.aborted) return resolve()
      const done = (): void => {
        clearTimeout(timer)
        halt?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      // done removes itself, whichever comes first
      halt?.addEventListener('abort', done)
    }),
  random: () => Math.random()
}
