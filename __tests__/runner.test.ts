import { describe, expect, it } from 'vitest'
import { CertCentralError, type Operation } from '../src/certcentral.js'
import {
  BACKOFF_BASE_MS,
  RATE_LIMITS,
  RATE_MARGIN_MS,
  RateLimiter,
  backoffMs,
  realClock,
  runPlan,
  type Clock,
  type Sender
} from '../src/runner.js'

/** A clock whose sleeps advance virtual time at once; `sleeps` records every wait. */
function fakeClock(random = 0.5): Clock & { sleeps: number[]; time: number } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms)
      clock.time += ms
    },
    random: () => random
  }
  return clock
}

type Answer = number | CertCentralError | (() => Promise<number>)
/** A sender that answers from a script per ID (last answer repeats) and logs calls. */
function scriptedSender(script: Record<string, Answer[]>, clock?: { time: number }) {
  const calls: { id: string; at: number }[] = []
  const sender: Sender = {
    async send(_op: Operation, id: string) {
      calls.push({ id, at: clock?.time ?? 0 })
      const answers = script[id] ?? [204]
      const answer = answers.length > 1 ? answers.shift() : answers[0]
      if (answer instanceof CertCentralError) throw answer
      const status = typeof answer === 'function' ? await answer() : (answer as number)
      return { status }
    }
  }
  return { sender, calls }
}

const rateLimited = (retryAfter?: number) =>
  new CertCentralError(
    'HTTP 429: DigiCert rate-limited this API key',
    'rate-limited',
    429,
    [],
    retryAfter
  )
const notFound = () => new CertCentralError('HTTP 404: not_found: Not found.', 'http', 404)
const base = { operation: 'send-certificate' as const, body: {}, maxRetries: 0 }

describe('backoffMs', () => {
  it('starts at 5 s and doubles, with up to 50 % jitter', () => {
    expect(backoffMs(1, 0)).toBe(BACKOFF_BASE_MS)
    expect(backoffMs(1, 1)).toBe(7500)
    expect(backoffMs(2, 0)).toBe(10_000)
    expect(backoffMs(3, 0.5)).toBe(25_000)
  })
})

describe('runPlan', () => {
  it('sends every ID and keeps input order whatever the completion order', async () => {
    const slow = () => new Promise<number>(resolve => setTimeout(() => resolve(200), 30))
    const { sender } = scriptedSender({ '1': [slow], '2': [204], '3': [201] })
    const outcome = await runPlan({ ...base, ids: ['1', '2', '3'] }, sender, fakeClock())
    expect(outcome.results).toEqual([
      { id: '1', ok: true, status: 200, attempts: 1 },
      { id: '2', ok: true, status: 204, attempts: 1 },
      { id: '3', ok: true, status: 201, attempts: 1 }
    ])
    expect(outcome.lastStatus).toBe(200)
    expect(outcome.rateLimited).toBe(false)
  })

  it('goes on after a failure that is not a 429', async () => {
    const { sender, calls } = scriptedSender({ '2': [notFound()] })
    const outcome = await runPlan(
      { ...base, ids: ['1', '2', '3'], concurrency: 1 },
      sender,
      fakeClock()
    )
    expect(calls.map(c => c.id)).toEqual(['1', '2', '3'])
    expect(outcome.results[1]).toEqual({
      id: '2',
      ok: false,
      status: 404,
      error: 'HTTP 404: not_found: Not found.',
      attempts: 1
    })
    expect(outcome.results.filter(r => r.ok)).toHaveLength(2)
  })

  it('never retries anything but a 429', async () => {
    const timeout = new CertCentralError('timed out', 'timeout')
    const serverError = new CertCentralError('HTTP 503: empty body', 'http', 503)
    const { sender, calls } = scriptedSender({ '1': [timeout], '2': [serverError] })
    const outcome = await runPlan({ ...base, ids: ['1', '2'], maxRetries: 5 }, sender, fakeClock())
    expect(calls).toHaveLength(2)
    expect(outcome.results.map(r => r.attempts)).toEqual([1, 1])
  })

  it('stops at a 429 without retries: later IDs are not attempted', async () => {
    const clock = fakeClock()
    const { sender, calls } = scriptedSender({ '2': [rateLimited(30)] })
    const outcome = await runPlan(
      { ...base, ids: ['1', '2', '3', '4'], concurrency: 1 },
      sender,
      clock
    )
    expect(calls.map(c => c.id)).toEqual(['1', '2'])
    expect(outcome.rateLimited).toBe(true)
    expect(outcome.retryAfter).toBe(30)
    expect(outcome.lastStatus).toBe(429)
    expect(outcome.results.slice(2)).toEqual(
      ['3', '4'].map(id => ({
        id,
        ok: false,
        status: null,
        attempts: 0,
        error:
          'not attempted: DigiCert rate-limited the key while sending 2; run again later for this ID'
      }))
    )
    expect(clock.sleeps).toEqual([])
  })

  it('retries a 429 after Retry-After seconds', async () => {
    const clock = fakeClock()
    const { sender, calls } = scriptedSender({ '1': [rateLimited(12), rateLimited(3), 204] }, clock)
    const retries: number[] = []
    const outcome = await runPlan(
      { ...base, ids: ['1'], maxRetries: 2, onRetry: (_id, _n, waitMs) => retries.push(waitMs) },
      sender,
      clock
    )
    expect(outcome.results[0]).toEqual({ id: '1', ok: true, status: 204, attempts: 3 })
    expect(retries).toEqual([12_000, 3_000])
    expect(calls.map(c => c.at)).toEqual([0, 12_000, 15_000])
    expect(outcome.retryAfter).toBe(3)
  })

  it('backs off exponentially with jitter when there is no Retry-After', async () => {
    const clock = fakeClock(0)
    const { sender, calls } = scriptedSender(
      { '1': [rateLimited(), rateLimited(), rateLimited(), 204] },
      clock
    )
    const outcome = await runPlan({ ...base, ids: ['1'], maxRetries: 3 }, sender, clock)
    expect(calls.map(c => c.at)).toEqual([0, 5_000, 15_000, 35_000])
    expect(outcome.results[0]?.ok).toBe(true)
    expect(outcome.retryAfter).toBeUndefined()
  })

  it('fails the ID and stops when the retries run out', async () => {
    const clock = fakeClock()
    const { sender, calls } = scriptedSender({ '1': [rateLimited(1)] }, clock)
    const outcome = await runPlan(
      { ...base, ids: ['1', '2'], maxRetries: 2, concurrency: 1 },
      sender,
      clock
    )
    expect(calls).toHaveLength(3)
    expect(outcome.results[0]).toMatchObject({ ok: false, status: 429, attempts: 3 })
    expect(outcome.results[1]?.error).toMatch(/^not attempted/)
  })

  it('does not retry an ID once another has stopped the run', async () => {
    const clock = fakeClock()
    // 1 is rate-limited with retries left; while it waits, 2 runs out of its (zero) retries...
    const { sender, calls } = scriptedSender(
      { '1': [rateLimited(10), 204], '2': [rateLimited(3600)] },
      clock
    )
    const outcome = await runPlan(
      { ...base, ids: ['1', '2'], maxRetries: 1, concurrency: 2 },
      sender,
      clock
    )
    // ...so 1 is not sent again: the run stopped at 2
    expect(calls.map(c => c.id)).toEqual(['1', '2'])
    expect(outcome.results[0]).toMatchObject({ id: '1', ok: false, status: 429, attempts: 1 })
    expect(outcome.results[1]?.error).toContain('longer than the 300 s this action waits')
    expect(outcome.rateLimited).toBe(true)
  })

  it('does not wait longer than the cap a Retry-After asks for', async () => {
    const clock = fakeClock()
    const { sender, calls } = scriptedSender({ '1': [rateLimited(3600)] }, clock)
    const outcome = await runPlan({ ...base, ids: ['1'], maxRetries: 3 }, sender, clock)
    expect(calls).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
    expect(outcome.results[0]?.error).toContain('longer than the 300 s this action waits')
  })

  it('keeps at most the given number of requests in flight', async () => {
    let inFlight = 0
    let peak = 0
    const tracked = () => {
      inFlight++
      peak = Math.max(peak, inFlight)
      return new Promise<number>(resolve =>
        setTimeout(() => {
          inFlight--
          resolve(204)
        }, 5)
      )
    }
    const ids = Array.from({ length: 20 }, (_, i) => String(i + 1))
    const { sender } = scriptedSender(Object.fromEntries(ids.map(id => [id, [tracked]])))
    const outcome = await runPlan({ ...base, ids, concurrency: 4 }, sender, fakeClock())
    expect(peak).toBe(4)
    expect(outcome.results.map(r => r.id)).toEqual(ids)
  })

  it('lets in-flight requests finish after a 429 and starts no new one', async () => {
    const later = (status: number) => () =>
      new Promise<number>(resolve => setTimeout(() => resolve(status), 20))
    // 1's 429 arrives while 2 and 3 are already on the wire
    const rateLimitedLater = () =>
      new Promise<number>((_, reject) => setTimeout(() => reject(rateLimited()), 5))
    const { sender, calls } = scriptedSender({
      '1': [rateLimitedLater],
      '2': [later(204)],
      '3': [later(204)]
    })
    const outcome = await runPlan(
      { ...base, ids: ['1', '2', '3', '4', '5'], concurrency: 3 },
      sender,
      fakeClock()
    )
    expect(calls.map(c => c.id)).toEqual(['1', '2', '3'])
    expect(outcome.results.map(r => [r.id, r.ok, r.attempts])).toEqual([
      ['1', false, 1],
      ['2', true, 1],
      ['3', true, 1],
      ['4', false, 0],
      ['5', false, 0]
    ])
  })
})

describe('runPlan pacing', () => {
  /** Virtual time, but sleeps yield to real timers so answers in flight are handled first. */
  function steppingClock(): Clock & { time: number } {
    const clock = {
      time: 0,
      now: () => clock.time,
      sleep: (ms: number) =>
        new Promise<void>(resolve =>
          setTimeout(() => {
            clock.time += ms
            resolve()
          }, 5)
        ),
      random: () => 0
    }
    return clock
  }

  it('reports pacing waits and each result as it finishes', async () => {
    const clock = steppingClock()
    const paced: number[] = []
    const finished: string[] = []
    const { sender } = scriptedSender({})
    await runPlan(
      {
        ...base,
        ids: ['1', '2', '3'],
        concurrency: 1,
        limits: [{ limit: 2, windowMs: 1000 }],
        onPace: ms => paced.push(ms),
        onResult: r => finished.push(`${r.id}:${r.ok}`)
      },
      sender,
      clock
    )
    expect(paced).toEqual([1000 + RATE_MARGIN_MS])
    expect(finished).toEqual(['1:true', '2:true', '3:true'])
  })

  it('starts no request held back by pacing once a 429 has stopped the run', async () => {
    const clock = steppingClock()
    const { sender, calls } = scriptedSender({ '1': [rateLimited()] })
    const outcome = await runPlan(
      { ...base, ids: ['1', '2', '3'], concurrency: 2, limits: [{ limit: 1, windowMs: 1000 }] },
      sender,
      clock
    )
    expect(calls.map(c => c.id)).toEqual(['1'])
    expect(outcome.results.map(r => r.attempts)).toEqual([1, 0, 0])
    expect(outcome.results[1]?.error).toMatch(/^not attempted/)
  })
})

describe('runPlan with an unexpected failure', () => {
  it('reports a sender that throws something else as that ID failing, and goes on', async () => {
    const sender: Sender = {
      send: async (_op, id) => {
        if (id === '1') throw new TypeError('boom')
        return { status: 204 }
      }
    }
    const outcome = await runPlan({ ...base, ids: ['1', '2'] }, sender, fakeClock())
    expect(outcome.results).toEqual([
      { id: '1', ok: false, status: null, error: 'unexpected failure: boom', attempts: 1 },
      { id: '2', ok: true, status: 204, attempts: 1 }
    ])
  })
})

describe('realClock', () => {
  it('sleeps for real and tells the time', async () => {
    const started = realClock.now()
    await realClock.sleep(20)
    expect(realClock.now() - started).toBeGreaterThanOrEqual(19)
    expect(realClock.random()).toBeLessThan(1)
  })
})

describe('RateLimiter', () => {
  it('keeps every rolling window under its limit', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter([{ limit: 3, windowMs: 1000 }], clock, 0)
    const starts: number[] = []
    for (let i = 0; i < 7; i++) {
      await limiter.acquire()
      starts.push(clock.time)
    }
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000])
  })

  it("paces 1200 starts under DigiCert's two windows", async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter(RATE_LIMITS, clock)
    const starts: number[] = []
    for (let i = 0; i < 1200; i++) {
      await limiter.acquire()
      starts.push(clock.time)
    }
    for (const { limit, windowMs } of RATE_LIMITS) {
      // the start `limit` places earlier must lie a whole window (plus margin) before
      const gaps = starts.slice(limit).map((start, i) => start - (starts[i] as number))
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(windowMs + RATE_MARGIN_MS)
    }
    // and no slower than the windows require: the 1001st start waits for the 3-minute window
    expect(starts[1000]).toBe(180_000 + RATE_MARGIN_MS)
  })

  it('holds every start during a pause', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter(RATE_LIMITS, clock)
    limiter.pause(4_000)
    await limiter.acquire()
    expect(clock.time).toBe(4_000)
  })
})
