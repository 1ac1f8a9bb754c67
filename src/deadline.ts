// Settling an operation exactly once: on its own success or failure, on a deadline, or on an
// AbortSignal, whichever comes first; the timer is always cleared, the abort listener always
// removed, and the operation's own cleanup always run once. The one "settle once with a deadline"
// machine behind the transport's request, body and CONNECT and the real clock's sleep (as got's
// timedOut()). It knows nothing of HTTP or DigiCert.

/** How an operation ends: a value, or an error to reject with. */
export type Outcome<T> = { value: T } | { error: unknown }

/** Ends the operation; every call after the first is ignored. */
export type Settle<T> = (outcome: Outcome<T>) => void

/** What an operation undoes once it has settled, told how. */
export type Cleanup<T> = (outcome: Outcome<T>) => void

/** The default deadline error, when no onTimeout is given. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded'
  constructor(readonly timeoutMs: number) {
    super(`no outcome in ${timeoutMs} ms`)
  }
}

export interface SettleOnceOptions<T> {
  /** Settles with onTimeout() this long after the start; no deadline when undefined. */
  timeoutMs?: number
  /** The outcome at the deadline; a DeadlineExceeded error by default. Read when it fires. */
  onTimeout?: () => Outcome<T>
  /** Settles with onAbort() when it aborts, at once (without starting) when already aborted. */
  signal?: AbortSignal
  /** The outcome on abort; the signal's reason as the error by default. */
  onAbort?: () => Outcome<T>
}

/**
 * Starts the operation and settles its promise exactly once. `start` gets `settle` and may return
 * a cleanup, run once with the outcome right after it settles (at once when start settled
 * synchronously); a throw from start settles with that error.
 */
export function settleOnce<T>(
  options: SettleOnceOptions<T>,
  start: (settle: Settle<T>) => Cleanup<T> | undefined
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { timeoutMs, signal } = options
    let settled: Outcome<T> | undefined
    let cleanup: Cleanup<T> | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle: Settle<T> = outcome => {
      if (settled) return
      settled = outcome
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (cleanup) cleanup(outcome)
      if ('value' in outcome) resolve(outcome.value)
      else reject(outcome.error)
    }
    const onAbort = (): void =>
      settle(options.onAbort ? options.onAbort() : { error: signal?.reason })
    if (signal?.aborted) return onAbort()
    if (timeoutMs !== undefined)
      timer = setTimeout(
        () =>
          settle(
            options.onTimeout ? options.onTimeout() : { error: new DeadlineExceeded(timeoutMs) }
          ),
        timeoutMs
      )
    signal?.addEventListener('abort', onAbort)
    try {
      cleanup = start(settle)
    } catch (error) {
      settle({ error })
    }
    if (settled && cleanup) cleanup(settled)
  })
}
