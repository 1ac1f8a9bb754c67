import { getEventListeners } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DeadlineExceeded, type Outcome, type Settle, settleOnce } from '../../src/deadline.js'

/** The settle function a started operation was handed, and the promise. */
function started<T>(options: Parameters<typeof settleOnce<T>>[0] = {}) {
  let handed: Settle<T> | undefined
  const cleanups: Outcome<T>[] = []
  const promise = settleOnce<T>(options, settle => {
    handed = settle
    return outcome => void cleanups.push(outcome)
  })
  return { settle: handed as Settle<T>, promise, cleanups }
}

/** Whether a promise has settled yet (after the microtasks queued so far). */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending')
  const first = await Promise.race([promise.catch(() => undefined), Promise.resolve(marker)])
  return first === marker
}

describe('settleOnce', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves with the value the operation settles with, and runs its cleanup once with it', async () => {
    const { settle, promise, cleanups } = started<string>({ timeoutMs: 1_000 })
    expect(cleanups).toEqual([])
    settle({ value: 'answer' })
    await expect(promise).resolves.toBe('answer')
    expect(cleanups).toEqual([{ value: 'answer' }])
  })

  it('rejects with the error the operation settles with', async () => {
    const { settle, promise, cleanups } = started<string>({ timeoutMs: 1_000 })
    const error = new Error('reset')
    settle({ error })
    await expect(promise).rejects.toBe(error)
    expect(cleanups).toEqual([{ error }])
  })

  it('settles once: later outcomes, the deadline and an abort are ignored', async () => {
    const halt = new AbortController()
    const onTimeout = vi.fn((): Outcome<string> => ({ value: 'late' }))
    const onAbort = vi.fn((): Outcome<string> => ({ value: 'aborted' }))
    const { settle, promise, cleanups } = started<string>({
      timeoutMs: 100,
      onTimeout,
      signal: halt.signal,
      onAbort
    })
    settle({ value: 'first' })
    settle({ value: 'second' })
    settle({ error: new Error('third') })
    halt.abort()
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(promise).resolves.toBe('first')
    expect(cleanups).toEqual([{ value: 'first' }])
    expect(onTimeout).not.toHaveBeenCalled()
    expect(onAbort).not.toHaveBeenCalled()
  })

  it('clears its timer and removes its abort listener when the operation settles', async () => {
    const halt = new AbortController()
    const { settle, promise } = started<number>({ timeoutMs: 5_000, signal: halt.signal })
    expect(vi.getTimerCount()).toBe(1)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(1)
    settle({ value: 7 })
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(0)
    await expect(promise).resolves.toBe(7)
  })

  it('settles with onTimeout() at the deadline, read when it fires, not before', async () => {
    const halt = new AbortController()
    let state = 'connecting'
    const { promise, cleanups } = started<string>({
      timeoutMs: 300,
      onTimeout: () => ({ error: new Error(`timed out while ${state}`) }),
      signal: halt.signal
    })
    const outcome = promise.catch((error: Error) => error.message)
    await vi.advanceTimersByTimeAsync(299)
    expect(await pending(promise)).toBe(true)
    state = 'reading the body'
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toBe('timed out while reading the body')
    expect(cleanups).toHaveLength(1)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(0)
  })

  it('rejects with a DeadlineExceeded naming the deadline when no onTimeout is given', async () => {
    const { promise } = started<string>({ timeoutMs: 250 })
    const outcome = promise.catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(250)
    const error = await outcome
    expect(error).toBeInstanceOf(DeadlineExceeded)
    expect(error).toMatchObject({
      name: 'DeadlineExceeded',
      timeoutMs: 250,
      message: 'no outcome in 250 ms'
    })
  })

  it('has no deadline when timeoutMs is undefined', async () => {
    const { settle, promise } = started<string>({})
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(await pending(promise)).toBe(true)
    settle({ value: 'eventually' })
    await expect(promise).resolves.toBe('eventually')
  })

  it('settles with onAbort() when the signal aborts, clearing the timer and the listener', async () => {
    const halt = new AbortController()
    const { promise, cleanups } = started<string>({
      timeoutMs: 5_000,
      signal: halt.signal,
      onAbort: () => ({ value: 'stopped' })
    })
    halt.abort()
    await expect(promise).resolves.toBe('stopped')
    expect(cleanups).toEqual([{ value: 'stopped' }])
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(0)
  })

  it("rejects with the signal's reason when no onAbort is given", async () => {
    const halt = new AbortController()
    const { promise } = started<string>({ signal: halt.signal })
    const reason = new Error('the run was cancelled')
    halt.abort(reason)
    await expect(promise).rejects.toBe(reason)
  })

  it('does not start, set a timer or listen when the signal has already aborted', async () => {
    const halt = new AbortController()
    halt.abort()
    const start = vi.fn()
    const promise = settleOnce<string>(
      { timeoutMs: 1_000, signal: halt.signal, onAbort: () => ({ error: new Error('too late') }) },
      start
    )
    await expect(promise).rejects.toThrow('too late')
    expect(start).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(0)
  })

  it('runs the cleanup once, after start returns, when start settles synchronously', async () => {
    const halt = new AbortController()
    const cleanup = vi.fn()
    const promise = settleOnce<string>({ timeoutMs: 1_000, signal: halt.signal }, settle => {
      settle({ value: 'at once' })
      expect(cleanup).not.toHaveBeenCalled()
      return cleanup
    })
    expect(cleanup).toHaveBeenCalledTimes(1)
    expect(cleanup).toHaveBeenCalledWith({ value: 'at once' })
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(0)
    await expect(promise).resolves.toBe('at once')
  })

  it('does not run the cleanup before the operation settles', async () => {
    const cleanup = vi.fn()
    let handed: Settle<string> | undefined
    const promise = settleOnce<string>({}, settle => {
      handed = settle
      return cleanup
    })
    expect(cleanup).not.toHaveBeenCalled()
    handed?.({ value: 'later' })
    expect(cleanup).toHaveBeenCalledTimes(1)
    await expect(promise).resolves.toBe('later')
  })

  it('settles an operation that returns no cleanup', async () => {
    let handed: Settle<string> | undefined
    const promise = settleOnce<string>({ timeoutMs: 1_000 }, settle => {
      handed = settle
      return undefined
    })
    handed?.({ value: 'no cleanup' })
    await expect(promise).resolves.toBe('no cleanup')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with what start throws, clearing the timer and the listener', async () => {
    const halt = new AbortController()
    const thrown = new Error('cannot start')
    const promise = settleOnce<string>({ timeoutMs: 1_000, signal: halt.signal }, () => {
      throw thrown
    })
    await expect(promise).rejects.toBe(thrown)
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(halt.signal, 'abort')).toHaveLength(0)
  })
})

describe('realClock.now', () => {
  afterEach(() => vi.restoreAllMocks())

  it('is monotonic: performance.now() in whole ms, whatever the wall clock does', async () => {
    const { realClock } = await import('../../src/clock.js')
    vi.spyOn(performance, 'now').mockReturnValue(1234.5)
    const wall = vi.spyOn(Date, 'now').mockReturnValue(10 ** 12)
    expect(realClock.now()).toBe(1234)
    // an NTP step back an hour moves nothing
    wall.mockReturnValue(10 ** 12 - 3_600_000)
    expect(realClock.now()).toBe(1234)
    expect(wall).not.toHaveBeenCalled()
  })
})
