// 300 orders issued at spread-out times over an hour, sent by order ID with wait-for-issuance,
// on the virtual clock: no request DigiCert would answer 429, every certificate sent within one
// poll interval of its issuance, and how many requests each order costs. `npm run bench` prints
// these figures (BENCH_ORDERS_OUT names the file it reads them from).
import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS, type OrderInfo } from '../../src/api.js'
import { CertCentralError } from '../../src/certcentral.js'
import { MAX_POLL_MS } from '../../src/decisions.js'
import { runPlan, type CertCentralPort } from '../../src/scheduler.js'
import { FakeClock } from '../support/clock.js'

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
    const arrivals: number[] = []
    const checks = new Map<string, { at: number; issued: boolean }[]>()
    const sends = new Map<string, number>()
    const api: CertCentralPort = {
      async lookup(orderId) {
        arrivals.push(clock.now())
        await clock.sleep(LATENCY_MS)
        const issued = clock.now() >= (issuedAt.get(orderId) as number)
        checks.set(orderId, [...(checks.get(orderId) ?? []), { at: clock.now(), issued }])
        const order: OrderInfo = {
          status: issued ? 'issued' : 'pending',
          certificateId: issued ? `9${orderId}` : undefined,
          commonName: `order-${orderId}.example.com`,
          validTill: issued ? '2027-06-01' : undefined
        }
        return { status: 200, order }
      },
      async call(_operation, certificateId) {
        arrivals.push(clock.now())
        await clock.sleep(LATENCY_MS)
        if (sends.has(certificateId))
          throw new CertCentralError({ message: 'sent twice', kind: 'http', status: 400 })
        sends.set(certificateId, clock.now())
        return { status: 204 }
      }
    }
    const ids = [...issuedAt.keys()]
    const outcome = await runPlan(
      {
        operation: 'send-certificate',
        idInput: 'order-id',
        ids,
        body: { emails: ['ops@example.com'], certificate_collect_format: 'attachment' },
        maxRetries: 0,
        waitSeconds: 2 * 3600
      },
      api,
      clock
    )

    expect(outcome.results.filter(r => r.fate === 'sent')).toHaveLength(ORDERS)
    expect(overLimit(arrivals)).toBe(0)
    const lateness: number[] = []
    let longestInterval = 0
    for (const id of ids) {
      const sentAt = sends.get(`9${id}`) as number
      const history = checks.get(id) ?? []
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
