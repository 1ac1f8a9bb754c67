// The pacer and the slots on the virtual clock: starts kept under every rate window, look-ups to
// half of each window and of the slots, a waiting send first, pauses after a 429, halting, and
// what pacing says in the log. Every time below is virtual milliseconds.
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS } from '../../../src/certcentral/api.js'
import { RATE_MARGIN_MS } from '../../../src/run/pacing.js'
import { Pacer, Slots, describeLimits, seconds } from '../../../src/run/gates.js'
import { FakeClock, abortAt, recordLog, tightest } from '../../support/clock.js'

describe('Pacer', () => {
  const running = (): AbortSignal => new AbortController().signal

  it('keeps a rolling window under its limit', async () => {
    const clock = new FakeClock()
    const pacer = new Pacer([{ limit: 3, windowMs: 1000 }], clock, running(), undefined, 0)
    const starts: number[] = []
    for (let i = 0; i < 7; i++) {
      await pacer.acquire('send')
      starts.push(clock.time)
    }
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000])
  })

  it("paces 1200 starts under DigiCert's two windows, and no slower than they require", async () => {
    const clock = new FakeClock()
    const pacer = new Pacer(RATE_LIMITS, clock, running())
    const starts: number[] = []
    for (let i = 0; i < 1200; i++) {
      await pacer.acquire('send')
      starts.push(clock.time)
    }
    for (const { limit, windowMs } of RATE_LIMITS) {
      expect(tightest(starts, limit)).toBeGreaterThanOrEqual(windowMs + RATE_MARGIN_MS)
    }
    expect(starts[100]).toBe(5_000 + RATE_MARGIN_MS)
    // the 1001st start waits for the 3-minute window
    expect(starts[1000]).toBe(180_000 + RATE_MARGIN_MS)
  })

  it('gives look-ups at most half of either window', async () => {
    const clock = new FakeClock()
    const pacer = new Pacer(RATE_LIMITS, clock, running())
    const starts: number[] = []
    for (let i = 0; i < 600; i++) {
      await pacer.acquire('lookup')
      starts.push(clock.time)
    }
    expect(tightest(starts, 50)).toBeGreaterThanOrEqual(5_000)
    expect(tightest(starts, 500)).toBeGreaterThanOrEqual(180_000)
    // and sends still have the other half at once
    const sendStart = clock.time
    for (let i = 0; i < 50; i++) await pacer.acquire('send')
    expect(clock.time).toBe(sendStart)
  })

  it('lets a waiting send take the room before look-ups queued ahead of it', async () => {
    const clock = new FakeClock()
    const pacer = new Pacer([{ limit: 4, windowMs: 1000 }], clock, running(), undefined, 0)
    // the window fills one start at a time: look-ups at 0 and 100, sends at 200 and 300
    await pacer.acquire('lookup')
    await clock.sleep(100)
    await pacer.acquire('lookup')
    await clock.sleep(100)
    await pacer.acquire('send')
    await clock.sleep(100)
    await pacer.acquire('send')
    expect(clock.time).toBe(300)
    const order: string[] = []
    const lookup = pacer.acquire('lookup').then(() => void order.push(`lookup@${clock.time}`))
    const send = pacer.acquire('send').then(() => void order.push(`send@${clock.time}`))
    await Promise.all([lookup, send])
    // at 1000 one start leaves the window: that room is the send's
    expect(order).toEqual(['send@1000', 'lookup@1100'])
  })

  it('holds sends and look-ups alike during a pause', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const pacer = new Pacer(RATE_LIMITS, clock, running(), log)
    pacer.pause(4_000)
    const at: number[] = []
    await Promise.all([
      pacer.acquire('send').then(() => void at.push(clock.time)),
      pacer.acquire('lookup').then(() => void at.push(clock.time))
    ])
    expect(at).toEqual([4_000, 4_000])
    expect(of('debug').map(l => l.message)).toContain(
      'pacing: the next send waits 4000 ms after a 429 or 503'
    )
    // a 429's pause is announced with its retry, not as pacing
    expect(of('info')).toEqual([])
  })

  it('wakes a waiting acquire at once when the run halts', async () => {
    const clock = new FakeClock()
    const halt = new AbortController()
    const pacer = new Pacer(RATE_LIMITS, clock, halt.signal)
    pacer.pause(300_000)
    abortAt(clock, 1_000, halt)
    await pacer.acquire('send')
    expect(clock.time).toBe(1_000)
  })

  it('says so at info when a wait is exactly 1 s, and not when it is 999 ms', async () => {
    for (const [windowMs, info] of [
      [1000, ["pacing: waiting 1.0 s to stay under DigiCert's rate limits (1 requests per 1 s)"]],
      [999, []]
    ] as const) {
      const clock = new FakeClock()
      const { log, of } = recordLog(clock)
      const pacer = new Pacer([{ limit: 1, windowMs }], clock, running(), log, 0)
      await pacer.acquire('send')
      await pacer.acquire('send')
      expect(clock.time).toBe(windowMs)
      expect(of('info').map(l => l.message)).toEqual(info)
      expect(of('debug').map(l => l.message)).toEqual([
        `pacing: the next send waits ${windowMs} ms to stay under DigiCert's rate limits`
      ])
    }
  })

  it('logs pacing to debug, and only waits of 1 s or more to info', async () => {
    const clock = new FakeClock()
    const short = recordLog(clock)
    const pacer = new Pacer([{ limit: 2, windowMs: 500 }], clock, running(), short.log)
    for (let i = 0; i < 3; i++) await pacer.acquire('send')
    expect(clock.time).toBe(500 + RATE_MARGIN_MS)
    expect(short.of('debug').map(l => l.message)).toEqual([
      `pacing: the next send waits ${500 + RATE_MARGIN_MS} ms to stay under DigiCert's rate limits`
    ])
    expect(short.of('info')).toEqual([])
  })
})

describe('Slots', () => {
  /** Lets every granted slot's promise settle. */
  const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

  it('grants at most its size at once, and the next one when a slot is released', async () => {
    const slots = new Slots(2)
    const granted: string[] = []
    const releases: (() => void)[] = []
    for (const name of ['a', 'b', 'c']) {
      void slots.acquire('send').then(release => {
        granted.push(name)
        releases.push(release)
      })
    }
    await settle()
    expect(granted).toEqual(['a', 'b'])
    ;(releases[0] as () => void)()
    await settle()
    expect(granted).toEqual(['a', 'b', 'c'])
  })

  it('gives look-ups at most half of the slots (at least one), and the rest to sends', async () => {
    for (const [size, lookups] of [
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 2],
      [5, 2],
      [6, 3]
    ] as const) {
      const slots = new Slots(size)
      const granted = { send: 0, lookup: 0 }
      for (let i = 0; i < size; i++) {
        void slots.acquire('lookup').then(() => void granted.lookup++)
      }
      await settle()
      expect(granted).toEqual({ send: 0, lookup: lookups })
      for (let i = 0; i < size; i++) void slots.acquire('send').then(() => void granted.send++)
      await settle()
      expect(granted).toEqual({ send: size - lookups, lookup: lookups })
    }
  })

  it('lets a waiting send take a released slot before look-ups queued ahead of it', async () => {
    const slots = new Slots(1)
    const order: string[] = []
    const first = await slots.acquire('send')
    void slots.acquire('lookup').then(() => void order.push('lookup'))
    void slots.acquire('send').then(release => {
      order.push('send')
      release()
    })
    await settle()
    expect(order).toEqual([])
    first()
    await settle()
    expect(order).toEqual(['send', 'lookup'])
  })

  it("serves an ID's first request of a kind before the later ones queued ahead of it, in order", async () => {
    for (const kind of ['send', 'lookup'] as const) {
      const slots = new Slots(1)
      const order: string[] = []
      const held = await slots.acquire(kind)
      const queue = (name: string, first: boolean): void =>
        // A later one as most are asked for: without saying it is not a first.
        void (first ? slots.acquire(kind, true) : slots.acquire(kind)).then(release => {
          order.push(name)
          release()
        })
      queue('later 1', false)
      queue('first 1', true)
      queue('later 2', false)
      queue('first 2', true)
      expect(slots.firstsWaiting).toBe(2)
      held()
      await settle()
      expect(order).toEqual(['first 1', 'first 2', 'later 1', 'later 2'])
      expect(slots.firstsWaiting).toBe(0)
    }
  })

  it("still gives sends, later ones too, a slot before a look-up that is an ID's first", async () => {
    const slots = new Slots(1)
    const order: string[] = []
    const held = await slots.acquire('send')
    void slots.acquire('lookup', true).then(() => void order.push('first lookup'))
    void slots.acquire('send', false).then(release => {
      order.push('later send')
      release()
    })
    expect(slots.firstsWaiting).toBe(1)
    held()
    await settle()
    expect(order).toEqual(['later send', 'first lookup'])
  })

  it('says, in a microtask after each, when a first request gets its slot, and only then', async () => {
    const turns: number[] = []
    const slots = new Slots(2, () => turns.push(slots.firstsWaiting))
    const releases: (() => void)[] = []
    const take = (first: boolean): void =>
      void slots.acquire('send', first).then(release => void releases.push(release))
    take(true)
    // Not while the slot is granted: once the code granting it has run.
    expect(turns).toEqual([])
    take(false)
    take(true)
    take(true)
    await settle()
    // The first one and the later one took the two slots; the two first ones wait.
    expect(turns).toEqual([2])
    ;(releases[1] as () => void)()
    await settle()
    expect(turns).toEqual([2, 1])
    ;(releases[0] as () => void)()
    await settle()
    expect(turns).toEqual([2, 1, 0])
  })
})

describe('what pacing writes', () => {
  it("names DigiCert's windows, and says seconds with one decimal", () => {
    expect(describeLimits(RATE_LIMITS)).toBe(
      "DigiCert's rate limits (100 requests per 5 s, 1000 requests per 180 s)"
    )
    expect(describeLimits([{ limit: 2, windowMs: 1_500 }])).toBe(
      "DigiCert's rate limits (2 requests per 1.5 s)"
    )
    expect([12_000, 1_250, 999, 0].map(seconds)).toEqual(['12.0 s', '1.3 s', '1.0 s', '0.0 s'])
  })
})
