// 300 orders issued at spread-out times over an hour, sent by order ID with wait-for-issuance,
// on the virtual clock: no request DigiCert would answer 429, every certificate sent within one
// poll interval of its issuance, and how many requests each order costs. `npm run bench` prints
// these figures (BENCH_ORDERS_OUT names the file it reads them from).
import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS } from '../../../src/certcentral/api.js'
import { MAX_POLL_MS } from '../../../src/run/orders.js'
import { runPlan } from '../../../src/run/scheduler.js'
import { FakeClock } from '../../support/clock.js'
import { ScriptedApi, byOrder, type Call } from '../../support/scripted-certcentral.js'
import { certificateOf } from '../../support/standin.js'

const ORDERS = 300
const LATENCY_MS = 50
const SPREAD_MS = 60 * 60_000

/** A deterministic spread of issuance times: a few at once, the rest over the hour. */
function issueTimes(): Map<string, number> {
  const times = new Map<string, number>()
  let seed = 42
  for (let i = 0; i < ORDERS; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    times.set(String(700_000 + i), i < 20 ? 0 : Math.floor((seed / 2 ** 31) * SPREAD_MS))
  }
  return times
}

/** Requests DigiCert would have refused: arrivals past either window, counted as it would. */
function overLimit(arrivals: number[]): number {
  let refused = 0
  for (let i = 0; i < arrivals.length; i++) {
    const at = arrivals[i] as number
    for (const { limit, windowMs } of RATE_LIMITS) {
      const inWindow = arrivals.filter(t => t > at - windowMs && t <= at).length
      if (inWindow > limit) {
        refused++
        break
      }
    }
  }
  return refused
}

describe('a batch of 300 orders issued over an hour', () => {
  it('sends each certificate within one poll interval of its issuance, never over the rate limits', async () => {
    const clock = new FakeClock(0.5)
    const issuedAt = issueTimes()
    const api = new ScriptedApi(clock, {
      issuedAt: Object.fromEntries(issuedAt),
      latencyMs: LATENCY_MS
    })
    const ids = [...issuedAt.keys()]
    const outcome = await runPlan(byOrder(ids, { waitSeconds: 2 * 3600 }), api, clock)
    const arrivals = api.calls.map(c => c.at)
    /** When a request's answer came back. */
    const answered = (call: Call): number => call.at + LATENCY_MS

    expect(outcome.results.filter(r => r.fate === 'sent')).toHaveLength(ORDERS)
    // each certificate once
    expect(
      api
        .sends()
        .map(c => c.id)
        .sort()
    ).toEqual(ids.map(id => certificateOf(id)).sort())
    expect(overLimit(arrivals)).toBe(0)
    const lateness: number[] = []
    let longestInterval = 0
    for (const id of ids) {
      const sentAt = answered(api.sends().find(c => c.id === certificateOf(id)) as Call)
      const history = api.lookups(id).map(c => ({ at: answered(c), issued: c.status === 'issued' }))
      const lastPending = [...history].reverse().find(c => !c.issued)
      // The interval of the poll that found it issued: from the last check that did not.
      // (An order issued before its first check waited for that check from the start of the run.)
      const interval = (history.find(c => c.issued)?.at ?? Infinity) - (lastPending?.at ?? 0)
      const late = sentAt - (issuedAt.get(id) as number)
      expect(late).toBeLessThanOrEqual(interval + 2 * LATENCY_MS + 1000)
      // 2 min of backoff, or the order's share of the look-up budget when that is longer (300
      // orders at 500 look-ups per 3 min: 108 s), plus the queueing of a budget used to the full.
      expect(interval).toBeLessThanOrEqual(MAX_POLL_MS * 1.5)
      lateness.push(late)
      longestInterval = Math.max(longestInterval, interval)
    }
    const requests = arrivals.length / ORDERS
    const sorted = [...lateness].sort((a, b) => a - b)
    const figures = {
      orders: ORDERS,
      requestsPerOrder: Number(requests.toFixed(2)),
      tooMany: overLimit(arrivals),
      medianLatenessS: Number(((sorted[Math.floor(ORDERS / 2)] as number) / 1000).toFixed(1)),
      maxLatenessS: Number(((sorted[ORDERS - 1] as number) / 1000).toFixed(1)),
      longestPollIntervalS: Number((longestInterval / 1000).toFixed(1)),
      virtualMinutes: Number((clock.now() / 60_000).toFixed(1))
    }
    if (process.env.BENCH_ORDERS_OUT)
      writeFileSync(process.env.BENCH_ORDERS_OUT, JSON.stringify(figures))
    // Polling backs off to 2 min: about 30 checks an hour at most, far fewer for the early ones.
    expect(requests).toBeLessThan(35)
  }, 60_000)
})
