// The scheduler with order IDs on the shared virtual clock, against a scripted CertCentral: each
// order looked up until it is issued and then sent, re-checks in time, look-ups' share of the
// slots and of the rate windows, what a look-up leaves in the result, and the waiting lines in the
// log. The order step itself (send, end or wait, and how long) is in orders.test.ts. Every time
// below is virtual milliseconds.
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS } from '../../../src/certcentral/api.js'
import { CertCentralError } from '../../../src/certcentral/errors.js'
import { MAX_POLL_MS } from '../../../src/run/orders.js'
import { RATE_MARGIN_MS } from '../../../src/run/pacing.js'
import { MAX_IN_FLIGHT, runPlan } from '../../../src/run/scheduler.js'
import { WAITING_LOG_MS } from '../../../src/run/waiting-orders.js'
import { FakeClock, gaps, recordLog, tightest } from '../../support/clock.js'
import {
  BODY,
  ScriptedApi,
  byOrder,
  notAttempted,
  notFound,
  range,
  rateLimited,
  type Call
} from '../../support/scripted-certcentral.js'
import { certificateOf } from '../../support/standin.js'

// ---- Order IDs -----------------------------------------------------------------------------

describe('runPlan with order IDs', () => {
  it("looks each order up and sends its certificate's ID", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock)
    const outcome = await runPlan(byOrder(['101', '102']), api, clock)
    expect(api.lookups().map(c => c.id)).toEqual(['101', '102'])
    expect(api.sends().map(c => [c.id, c.operation, c.body])).toEqual([
      [certificateOf('101'), 'send-certificate', BODY],
      [certificateOf('102'), 'send-certificate', BODY]
    ])
    expect(outcome.results).toEqual(
      ['101', '102'].map(id => ({
        id,
        fate: 'sent',
        status: 204,
        attempts: 1,
        lookups: 1,
        certificateId: certificateOf(id),
        commonName: `${id}.example.com`,
        validTill: '2027-01-01'
      }))
    )
  })

  it('leaves an order not issued unsent when not waiting', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '123': ['pending'], '124': ['issued'] } })
    const outcome = await runPlan(byOrder(['123', '124']), api, clock)
    expect(outcome.results[0]).toEqual({
      id: '123',
      fate: 'unsent',
      status: null,
      // looked up, never sent
      attempts: 0,
      lookups: 1,
      commonName: '123.example.com',
      orderStatus: 'pending',
      error:
        'order 123 is not issued yet (status pending); send it again once it is, or set wait-for-issuance to wait for it'
    })
    expect(outcome.results[1]?.fate).toBe('sent')
    expect(api.lookups('123')).toHaveLength(1)
    expect(api.sends().map(c => c.id)).toEqual([certificateOf('124')])
    expect(clock.time).toBe(0)
  })

  it('re-checks after about 5 s, then doubling to at most 2 min between checks', async () => {
    const clock = new FakeClock(0.5)
    const api = new ScriptedApi(clock, {
      lookups: { '5': [...Array<string>(7).fill('pending'), 'issued'] }
    })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 1800 }), api, clock)
    expect(api.lookups().map(c => c.at)).toEqual([
      0, 5_000, 15_000, 35_000, 75_000, 155_000, 275_000, 395_000
    ])
    expect(api.sends().map(c => [c.id, c.at])).toEqual([[certificateOf('5'), 395_000]])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 1, lookups: 8 })
    expect(outcome.results[0]?.orderStatus).toBeUndefined()
  })

  it('jitters the first re-check between 4.5 and 5.5 s', async () => {
    for (const [random, expected] of [
      [0, 4_500],
      [1, 5_500]
    ] as const) {
      const clock = new FakeClock(random)
      const api = new ScriptedApi(clock, { lookups: { '5': ['pending', 'issued'] } })
      await runPlan(byOrder(['5'], { waitSeconds: 600 }), api, clock)
      expect(api.lookups().map(c => c.at)).toEqual([0, expected])
    }
  })

  it.each(['rejected', 'canceled', 'revoked', 'expired'])(
    'fails an order that became %s at once and never looks it up again',
    async status => {
      const clock = new FakeClock()
      const api = new ScriptedApi(clock, { lookups: { '7': ['pending', status, 'issued'] } })
      const outcome = await runPlan(byOrder(['7'], { waitSeconds: 1800 }), api, clock)
      expect(api.lookups()).toHaveLength(2)
      expect(api.sends()).toEqual([])
      expect(clock.time).toBe(5_000)
      expect(outcome.results[0]).toMatchObject({
        fate: 'failed',
        orderStatus: status,
        attempts: 0,
        lookups: 2
      })
      expect(outcome.results[0]?.error).toContain(`order 7 is ${status}`)
    }
  )

  it('leaves an order still pending when the wait ends unsent, checking last at the deadline', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '5': ['pending'] } })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 1800 }), api, clock)
    const times = api.lookups().map(c => c.at)
    expect(times.at(-1)).toBe(1_800_000)
    expect(Math.max(...gaps(times))).toBeLessThanOrEqual(MAX_POLL_MS)
    expect(clock.time).toBe(1_800_000)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'unsent',
      orderStatus: 'pending',
      attempts: 0,
      lookups: times.length
    })
    expect(outcome.results[0]?.error).toMatch(/^order 5 still pending after 30 min/)
  })

  it('sends each order as soon as it is issued, not when the slowest is', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '1': ['pending'], '2': ['pending', 'pending', 'issued'], '3': ['issued'] }
    })
    const outcome = await runPlan(byOrder(['1', '2', '3'], { waitSeconds: 1800 }), api, clock)
    expect(api.sends().map(c => [c.id, c.at])).toEqual([
      [certificateOf('3'), 0],
      [certificateOf('2'), 15_000]
    ])
    expect(outcome.results.map(r => r.fate)).toEqual(['unsent', 'sent', 'sent'])
  })

  it('emails a site seal with the order ID itself once the order is issued', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '201': ['pending', 'issued'] } })
    const outcome = await runPlan(
      byOrder(['201'], { operation: 'email-site-seal', body: undefined, waitSeconds: 60 }),
      api,
      clock
    )
    expect(api.calls.map(c => [c.kind, c.id, c.at])).toEqual([
      ['lookup', '201', 0],
      ['lookup', '201', 5_000],
      ['send', '201', 5_000]
    ])
    expect(api.sends()[0]?.operation).toBe('email-site-seal')
    expect(outcome.results[0]).toMatchObject({ id: '201', fate: 'sent' })
  })

  it('ends an order waiting for its next check at a stop, not once a look-up slot frees', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      sends: { [certificateOf('1')]: [rateLimited()] },
      lookups: { '2': ['pending'] },
      latencyMs: { [certificateOf('1')]: 3_000, '3': 100_000, '4': 100_000 }
    })
    const outcome = await runPlan(byOrder(range(1, 4), { waitSeconds: 60, log }), api, clock)
    // 1's send is answered 429 at 3 s and stops the run; 2 sleeps until its check at 5 s, and
    // the look-ups of 3 and 4 hold both look-up slots until 100 s: 2 ends at the stop
    expect(api.calls.map(c => [c.kind, c.id, c.at])).toEqual([
      ['lookup', '1', 0],
      ['lookup', '2', 0],
      ['lookup', '3', 0],
      ['send', certificateOf('1'), 0],
      ['lookup', '4', 0]
    ])
    const unsent =
      'not sent: DigiCert rate-limited the key while sending order 1; run again later for this ID'
    expect(of('info').map(l => [l.message, l.at])).toEqual([
      ['waiting for 1 of 4 orders (1 pending); next check in 5 s; 0 sent', 0],
      [`order 1: ${rateLimited().message}`, 3_000],
      [`order 2: ${unsent}`, 3_000],
      [`order 3: ${unsent}`, 100_000],
      [`order 4: ${unsent}`, 100_000]
    ])
    expect(outcome.results[1]).toEqual({
      id: '2',
      fate: 'unsent',
      status: 200,
      attempts: 0,
      lookups: 1,
      commonName: '2.example.com',
      orderStatus: 'pending',
      error: unsent
    })
  })

  it('stops at a 429 on a look-up without retries', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '2': [rateLimited(20)] } })
    const outcome = await runPlan(byOrder(['1', '2', '3'], { concurrency: 1 }), api, clock)
    expect(outcome.results[1]).toMatchObject({
      fate: 'unsent',
      status: 429,
      attempts: 0,
      lookups: 1
    })
    expect(outcome.results[2]).toEqual(
      notAttempted(
        '3',
        'not attempted: DigiCert rate-limited the key while sending order 2; run again later for this ID'
      )
    )
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '2' })
    expect(outcome.retryAfter).toBe(20)
  })

  it('retries a 429 on a look-up after its Retry-After', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '1': [rateLimited(20), 'issued'] } })
    const outcome = await runPlan(byOrder(['1'], { maxRetries: 1 }), api, clock)
    expect(api.calls.map(c => [c.kind, c.at])).toEqual([
      ['lookup', 0],
      ['lookup', 20_000],
      ['send', 20_000]
    ])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 1, lookups: 2 })
  })

  it('counts attempts per request kind: a first send after two look-ups is attempt 1; the result counts sends and look-ups apart', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '1': [rateLimited(20), 'issued'] },
      sends: { [certificateOf('1')]: [rateLimited(5), 204] }
    })
    const outcome = await runPlan(byOrder(['1'], { maxRetries: 2 }), api, clock)
    expect(api.calls.map(c => [c.kind, c.attempt])).toEqual([
      ['lookup', 1],
      ['lookup', 2],
      ['send', 1],
      ['send', 2]
    ])
    // attempts: the sends (one retried after its 429); lookups: the Order info GETs
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 2, lookups: 2 })
  })

  it('counts the checks of an order waited for as look-up attempts 1, 2, …', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '3': ['pending', 'pending', 'issued'] } })
    await runPlan(byOrder(['3'], { waitSeconds: 3600 }), api, clock)
    expect(api.calls.map(c => [c.kind, c.attempt])).toEqual([
      ['lookup', 1],
      ['lookup', 2],
      ['lookup', 3],
      ['send', 1]
    ])
  })

  it("holds look-ups during a send's 429 pause", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '2': ['pending', 'issued'] },
      sends: { [certificateOf('1')]: [rateLimited(30), 204] },
      latencyMs: 10
    })
    const outcome = await runPlan(
      byOrder(['1', '2'], { maxRetries: 1, waitSeconds: 600 }),
      api,
      clock
    )
    // 1's send went at 10 and met a 429 at 20: 2's re-check, due at 5010, waits for 30 020
    expect(api.calls.filter(c => c.at > 10 && c.at < 30_020)).toEqual([])
    expect(api.lookups('2').map(c => c.at)).toEqual([0, 30_020])
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'sent'])
  })

  it('fails an order whose look-up is answered 404, and goes on', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '8': [notFound()] } })
    const outcome = await runPlan(byOrder(['8', '9'], { waitSeconds: 60 }), api, clock)
    expect(outcome.results[0]).toEqual({
      id: '8',
      fate: 'failed',
      status: 404,
      attempts: 0,
      lookups: 1,
      error: 'HTTP 404: not_found: Not found.'
    })
    expect(outcome.results[1]?.fate).toBe('sent')
    expect(api.lookups('8')).toHaveLength(1)
  })
})

describe('runPlan with order IDs: slots, shares and results', () => {
  it('gives look-ups at most half of the requests in flight (at least one), and sends the rest', async () => {
    for (const [concurrency, lookups] of [
      [undefined, 2],
      [1, 1],
      [2, 1],
      [3, 1],
      [5, 2],
      [6, 3]
    ] as const) {
      const clock = new FakeClock()
      const api = new ScriptedApi(clock, { latencyMs: 100 })
      const outcome = await runPlan(byOrder(range(1, 12), { concurrency }), api, clock)
      expect(outcome.results.every(r => r.fate === 'sent')).toBe(true)
      expect([api.peakOf.lookup, api.peak]).toEqual([lookups, concurrency ?? MAX_IN_FLIGHT])
    }
  })

  it('spaces the re-checks of many waiting orders by their share of the look-up budget', async () => {
    // 500 look-ups per 180 s is the tighter half-budget: one look-up per 360 ms. The n-th order
    // found waiting re-checks after 5 s, or n × 360 ms when that is longer (from the 14th).
    const clock = new FakeClock(0.5)
    const ids = range(1, 20)
    const api = new ScriptedApi(clock, {
      lookups: Object.fromEntries(ids.map(id => [id, ['pending', 'issued']]))
    })
    const outcome = await runPlan(byOrder(ids, { waitSeconds: 600 }), api, clock)
    expect(outcome.results.every(r => r.fate === 'sent')).toBe(true)
    expect(ids.map(id => api.lookups(id).map(c => c.at))).toEqual([
      ...Array.from({ length: 13 }, () => [0, 5_000]),
      [0, 5_040],
      [0, 5_400],
      [0, 5_760],
      [0, 6_120],
      [0, 6_480],
      [0, 6_840],
      [0, 7_200]
    ])
  })

  it('counts an order waiting again once in its share, itself included', async () => {
    // one look-up per 10 s window: the order's share of the budget (10 s) outweighs the backoff
    const clock = new FakeClock(0.5)
    const api = new ScriptedApi(clock, { lookups: { '1': ['pending', 'pending', 'issued'] } })
    const limits = [{ limit: 2, windowMs: 10_000 }]
    const outcome = await runPlan(byOrder(['1'], { waitSeconds: 600, limits }), api, clock)
    expect(outcome.results[0]?.fate).toBe('sent')
    expect(api.lookups().map(c => c.at)).toEqual([0, 10_250, 20_500])
    expect(clock.sleeps.slice(0, 4)).toEqual([10_000, 250, 10_000, 250])
  })

  it('warns of no listener leak on the run when many orders wait at once', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error): void => void warnings.push(warning.message)
    process.on('warning', onWarning)
    try {
      const clock = new FakeClock()
      const ids = range(1, 30)
      const api = new ScriptedApi(clock, {
        lookups: Object.fromEntries(ids.map(id => [id, ['pending', 'issued']]))
      })
      const outcome = await runPlan(byOrder(ids, { waitSeconds: 600 }), api, clock)
      expect(outcome.results.every(r => r.fate === 'sent')).toBe(true)
      // Node emits its warnings on the next tick
      await new Promise(resolve => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).toEqual([])
  })

  it('keeps the status of the look-up when the send then fails without an HTTP answer', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: {
        [certificateOf('31')]: [
          new CertCentralError({ message: 'could not complete the request', kind: 'network' })
        ]
      }
    })
    const outcome = await runPlan(byOrder(['31']), api, clock)
    expect(outcome.results).toEqual([
      {
        id: '31',
        fate: 'failed',
        status: 200,
        attempts: 1,
        lookups: 1,
        certificateId: certificateOf('31'),
        commonName: '31.example.com',
        validTill: '2027-01-01',
        error: 'could not complete the request'
      }
    ])
  })

  it('keeps what an earlier look-up found when a later one leaves it out', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: {
        '5': [
          {
            status: 'pending',
            certificateId: undefined,
            commonName: 'www.example.com',
            validTill: '2026-12-31'
          },
          { status: 'issued', certificateId: '95', commonName: undefined, validTill: undefined }
        ]
      }
    })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 60 }), api, clock)
    expect(outcome.results).toEqual([
      {
        id: '5',
        fate: 'sent',
        status: 204,
        attempts: 1,
        lookups: 2,
        certificateId: '95',
        commonName: 'www.example.com',
        validTill: '2026-12-31'
      }
    ])
  })

  it('fails an issued order whose Order info names no certificate, without sending', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: {
        '6': [
          {
            status: 'issued',
            certificateId: undefined,
            commonName: '6.example.com',
            validTill: undefined
          }
        ]
      }
    })
    const outcome = await runPlan(byOrder(['6', '7']), api, clock)
    expect(outcome.results[0]).toStrictEqual({
      id: '6',
      fate: 'failed',
      status: null,
      attempts: 0,
      lookups: 1,
      commonName: '6.example.com',
      error: 'order 6 is issued but its Order info names no certificate.id; check api-url'
    })
    expect(outcome.results[1]?.fate).toBe('sent')
    expect(api.sends().map(c => c.id)).toEqual([certificateOf('7')])
  })

  it('tells what to do about an order that ended without a certificate', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '7': ['rejected'] } })
    const outcome = await runPlan(byOrder(['7'], { waitSeconds: 60 }), api, clock)
    expect(outcome.results).toEqual([
      {
        id: '7',
        fate: 'failed',
        status: null,
        attempts: 0,
        lookups: 1,
        commonName: '7.example.com',
        orderStatus: 'rejected',
        error: 'order 7 is rejected: it ended without a certificate, so there is nothing to send',
        hint: 'check the order in CertCentral; a new order is needed'
      }
    ])
  })

  it('tells what to do about an order still pending when the wait is over', async () => {
    const clock = new FakeClock(0.5)
    const api = new ScriptedApi(clock, { lookups: { '8': ['pending'] } })
    const outcome = await runPlan(byOrder(['8'], { waitSeconds: 30 }), api, clock)
    // checks at 0, 5 and 15 s, and the last on the deadline
    expect(api.lookups().map(c => c.at)).toEqual([0, 5_000, 15_000, 30_000])
    expect(outcome.results).toEqual([
      {
        id: '8',
        fate: 'unsent',
        status: null,
        attempts: 0,
        lookups: 4,
        commonName: '8.example.com',
        orderStatus: 'pending',
        error: 'order 8 still pending after 30 s',
        hint: 'run again once the order is issued, or raise wait-for-issuance'
      }
    ])
  })
})

// ---- The pacer's split under a batch of orders ---------------------------------------------

describe('runPlan with 300 orders and waiting', () => {
  it('keeps look-ups to half of each window, both windows whole, and sends unstarved', async () => {
    const clock = new FakeClock()
    const ids = range(500, 300)
    // order i is issued at its (i mod 10 + 1)-th check
    const lookups = Object.fromEntries(
      ids.map((id, i) => [id, [...Array<string>(i % 10).fill('pending'), 'issued']])
    )
    const api = new ScriptedApi(clock, { lookups, latencyMs: 20 })
    const outcome = await runPlan(byOrder(ids, { waitSeconds: 3600 }), api, clock)
    expect(outcome.results.every(r => r.fate === 'sent')).toBe(true)
    expect(api.sends()).toHaveLength(300)

    const all = api.calls.map(c => c.at)
    for (const { limit, windowMs } of RATE_LIMITS) {
      expect(tightest(all, limit)).toBeGreaterThanOrEqual(windowMs + RATE_MARGIN_MS)
    }
    const lookupTimes = api.lookups().map(c => c.at)
    // the budget for look-ups was used to the full: more than 500 were wanted in 3 min
    expect(lookupTimes.filter(t => t < 180_000).length).toBeGreaterThan(450)
    expect(tightest(lookupTimes, 50)).toBeGreaterThanOrEqual(5_000)
    expect(tightest(lookupTimes, 500)).toBeGreaterThanOrEqual(180_000)

    // each send starts within one window of the look-up that found its order issued
    for (const id of ids) {
      const found = (api.lookups(id).at(-1) as Call).at + 20
      const sent = (api.sends().find(c => c.id === certificateOf(id)) as Call).at
      expect(sent - found).toBeLessThanOrEqual(5_000 + RATE_MARGIN_MS)
    }
  })
})
// ---- The log -------------------------------------------------------------------------------

describe('runPlan log while orders wait', () => {
  const WAITING =
    /^waiting for (\d+) of (\d+) orders \(([^)]*)\); next check in (\d+) s; (\d+) sent$/

  it('says what it waits for at most once a minute, with the next check and the sent count', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const ids = range(1, 10)
    const api = new ScriptedApi(clock, {
      lookups: { '8': ['pending'], '9': ['pending'], '10': ['needs_approval'] }
    })
    const outcome = await runPlan(byOrder(ids, { waitSeconds: 600, log }), api, clock)
    expect(outcome.results.filter(r => r.fate === 'sent')).toHaveLength(7)
    const waiting = of('info').filter(l => l.message.startsWith('waiting for'))
    expect(waiting.length).toBeGreaterThanOrEqual(5)
    for (const line of waiting) expect(line.message).toMatch(WAITING)
    expect(Math.min(...gaps(waiting.map(l => l.at)))).toBeGreaterThanOrEqual(60_000)
    const later = waiting.slice(1)
    for (const { message, at } of later) {
      const [, count, total, statuses, inSeconds, sent] = WAITING.exec(message) ?? []
      expect([count, total, statuses, sent]).toEqual([
        '3',
        '10',
        '2 pending, 1 needs_approval',
        '7'
      ])
      // the next check it announces is the next look-up made
      const nextLookup = api.lookups().find(c => c.at >= at)
      expect(nextLookup).toBeDefined()
      expect(Math.abs((nextLookup as Call).at - at - Number(inSeconds) * 1000)).toBeLessThanOrEqual(
        500
      )
    }
  })

  it('says what it waits for again exactly a minute later, with the seconds to the next check', async () => {
    // a slow CertCentral: each look-up takes 22.5 s, so the answers come at 22.5 s, 50 s
    // (re-check after 5 s) and 82.5 s (after 10 s), exactly a minute after the first
    expect(WAITING_LOG_MS).toBe(60_000)
    const clock = new FakeClock(0.5)
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lookups: { '5': ['pending', 'pending', 'pending', 'issued'] },
      latencyMs: 22_500
    })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 600, log }), api, clock)
    expect(api.lookups().map(c => c.at)).toEqual([0, 27_500, 60_000, 102_500])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 1, lookups: 4 })
    expect(of('info').map(l => [l.at, l.message])).toEqual([
      [22_500, 'waiting for 1 of 1 orders (1 pending); next check in 5 s; 0 sent'],
      [82_500, 'waiting for 1 of 1 orders (1 pending); next check in 20 s; 0 sent'],
      [147_500, 'order 5: sent (HTTP 204)']
    ])
    expect(of('debug').map(l => [l.at, l.message])).toEqual([
      [22_500, 'order 5: pending; check 2 in 5000 ms'],
      [50_000, 'order 5: pending; check 3 in 10000 ms'],
      [82_500, 'order 5: pending; check 4 in 20000 ms']
    ])
  })

  it('counts as sent only the sends that succeeded', async () => {
    const clock = new FakeClock(0.5)
    const { log, of } = recordLog(clock)
    // 1 is issued and its send fails at once; 2's first look-up answers pending at 100
    const api = new ScriptedApi(clock, {
      lookups: { '2': ['pending', 'issued'] },
      sends: { [certificateOf('1')]: [notFound()] },
      latencyMs: { '2': 100 }
    })
    const outcome = await runPlan(byOrder(['1', '2'], { waitSeconds: 600, log }), api, clock)
    expect(outcome.results.map(r => r.fate)).toEqual(['failed', 'sent'])
    expect(of('info').map(l => [l.at, l.message])).toEqual([
      [0, 'order 1: HTTP 404: not_found: Not found.'],
      [100, 'waiting for 1 of 2 orders (1 pending); next check in 5 s; 0 sent'],
      [5_200, 'order 2: sent (HTTP 204)']
    ])
  })

  it('counts only the orders still waiting: not one whose look-up failed, nor one sent', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lookups: {
        '1': ['pending'],
        '2': ['pending', notFound()],
        '3': ['pending'],
        '4': ['pending', 'pending', 'issued']
      }
    })
    const outcome = await runPlan(
      byOrder(['1', '2', '3', '4'], { waitSeconds: 600, log }),
      api,
      clock
    )
    // 2 failed at its check at 5 s; 4 was sent at its check at 15 s
    expect(outcome.results.map(r => r.fate)).toEqual(['unsent', 'failed', 'unsent', 'sent'])
    expect(outcome.results[1]).toMatchObject({ status: 404, attempts: 0, lookups: 2 })
    expect(api.sends().map(c => c.at)).toEqual([15_000])
    const later = of('info').filter(l => l.message.startsWith('waiting for') && l.at > 15_000)
    expect(later.length).toBeGreaterThan(0)
    for (const { message } of later) {
      expect(message).toMatch(
        /^waiting for 2 of 4 orders \(2 pending\); next check in \d+ s; 1 sent$/
      )
    }
  })
})
