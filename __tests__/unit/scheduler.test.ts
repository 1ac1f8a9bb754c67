// The runner on the shared virtual clock, against a scripted CertCentral: which requests go when,
// how many at once, pacing under DigiCert's rate limits, 429s, a refused key, cancellation and
// waiting for orders to be issued. Every time below is virtual milliseconds.
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS, type OrderInfo, type RateWindow } from '../../src/api.js'
import { CertCentralError } from '../../src/certcentral.js'
import type { Operation } from '../../src/operations.js'
import { BACKOFF_BASE_MS, MAX_POLL_MS, RATE_MARGIN_MS } from '../../src/decisions.js'
import * as d from '../../src/decisions.js'
import { Pacer } from '../../src/pacer.js'
const backoffMs = (retry: number, random: number): number => d.backoffMs({ retry, random })
const pollDelayMs = (check: number, random: number): number => d.pollDelayMs({ check, random })
import {
  MAX_IN_FLIGHT,
  runPlan,
  type CertCentralPort,
  type RunLog,
  type RunOptions
} from '../../src/scheduler.js'
import { realClock } from '../../src/clock.js'
import type { IdResult } from '../../src/outcome.js'
import { FakeClock } from '../support/clock.js'

// ---- A scripted CertCentral ----------------------------------------------------------------

/** What a call answers: an HTTP status, or an error to throw. */
type SendAnswer = number | Error
/** What a look-up answers: an order status, a whole OrderInfo, or an error to throw. */
type LookupAnswer = string | OrderInfo | Error

interface Call {
  kind: 'send' | 'lookup'
  /** The ID the API was given: for a send by order ID, the certificate's. */
  id: string
  at: number
  attempt: number
  operation?: Operation
  body?: object | undefined
}

interface Script {
  /** Answers per ID as the call receives it, in order; the last one repeats. Default 204. */
  sends?: Record<string, SendAnswer[]>
  /** Answers per order ID, in order; the last one repeats. Default: issued. */
  lookups?: Record<string, LookupAnswer[]>
  /** How long a request is on the wire: one figure, or per ID (default 0). */
  latencyMs?: number | Record<string, number>
}

const certificateOf = (orderId: string): string => `9${orderId}`

function orderInfo(orderId: string, status: string): OrderInfo {
  const issued = status === 'issued'
  return {
    status,
    certificateId: issued ? certificateOf(orderId) : undefined,
    commonName: `${orderId}.example.com`,
    validTill: issued ? '2027-01-01' : undefined
  }
}

/** CertCentral as the runner sees it, answering from a script and recording every request. */
class ScriptedApi implements CertCentralPort {
  readonly calls: Call[] = []
  private inFlight = 0
  private readonly inFlightOf = { send: 0, lookup: 0 }
  /** The most requests on the wire at once. */
  peak = 0
  /** The most requests of each kind on the wire at once. */
  readonly peakOf = { send: 0, lookup: 0 }

  constructor(
    private readonly clock: FakeClock,
    private readonly script: Script = {}
  ) {}

  sends(): Call[] {
    return this.calls.filter(c => c.kind === 'send')
  }

  lookups(id?: string): Call[] {
    return this.calls.filter(c => c.kind === 'lookup' && (id === undefined || c.id === id))
  }

  async call(
    operation: Operation,
    id: string,
    body: object | undefined,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number }> {
    this.calls.push({ kind: 'send', id, at: this.clock.time, attempt, operation, body })
    const answer = next(this.script.sends?.[id], 204)
    await this.onTheWire('send', id, cancel)
    if (answer instanceof Error) throw answer
    return { status: answer }
  }

  async lookup(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; order: OrderInfo }> {
    this.calls.push({ kind: 'lookup', id: orderId, at: this.clock.time, attempt })
    const answer = next(this.script.lookups?.[orderId], 'issued')
    await this.onTheWire('lookup', orderId, cancel)
    if (answer instanceof Error) throw answer
    return {
      status: 200,
      order: typeof answer === 'string' ? orderInfo(orderId, answer) : answer
    }
  }

  /** The request's time in flight; like the real transport, an abort of `cancel` ends it. */
  private async onTheWire(
    kind: Call['kind'],
    id: string,
    cancel: AbortSignal | undefined
  ): Promise<void> {
    const { latencyMs = 0 } = this.script
    const ms = typeof latencyMs === 'number' ? latencyMs : (latencyMs[id] ?? 0)
    this.inFlight++
    this.inFlightOf[kind]++
    this.peak = Math.max(this.peak, this.inFlight)
    this.peakOf[kind] = Math.max(this.peakOf[kind], this.inFlightOf[kind])
    try {
      if (ms > 0) await this.clock.sleep(ms, cancel)
    } finally {
      this.inFlight--
      this.inFlightOf[kind]--
    }
    if (cancel?.aborted) {
      throw new CertCentralError({
        message: 'cancelled while the request was in flight; DigiCert may still have acted on it',
        kind: 'cancelled'
      })
    }
  }
}

function next<A>(answers: A[] | undefined, fallback: A): A {
  if (!answers || answers.length === 0) return fallback
  return (answers.length > 1 ? answers.shift() : answers[0]) as A
}

const rateLimited = (retryAfter?: number): CertCentralError =>
  new CertCentralError({
    message:
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded: Too many requests)' +
      (retryAfter === undefined ? '' : `; it asked to wait ${retryAfter} s`),
    kind: 'rate-limited',
    status: 429,
    codes: ['request_limit_exceeded'],
    hint: 'wait retry-after seconds and send unsent-ids again, or set max-retries',
    retryAfterSeconds: retryAfter
  })
const keyRefused = (): CertCentralError =>
  new CertCentralError({
    message: 'HTTP 403: access_denied|invalid_auth: Access denied; the API key was not accepted',
    kind: 'key-refused',
    status: 403,
    codes: ['access_denied|invalid_auth']
  })
const notFound = (): CertCentralError =>
  new CertCentralError({
    message: 'HTTP 404: not_found: Not found.',
    kind: 'http',
    status: 404,
    codes: ['not_found']
  })

// ---- Helpers -------------------------------------------------------------------------------

interface Line {
  level: keyof RunLog
  message: string
  at: number
}

function recorder(clock: FakeClock): {
  log: RunLog
  lines: Line[]
  of(level: keyof RunLog): Line[]
} {
  const lines: Line[] = []
  const add = (level: keyof RunLog) => (message: string) =>
    void lines.push({ level, message, at: clock.time })
  return {
    log: { info: add('info'), warning: add('warning'), debug: add('debug') },
    lines,
    of: level => lines.filter(l => l.level === level)
  }
}

const BODY = { emails: ['ops@example.com'], certificate_collect_format: 'attachment' }

/** A send-certificate run by certificate ID, no retries, no waiting. */
const byCertificate = (ids: string[], more: Partial<RunOptions> = {}): RunOptions => ({
  operation: 'send-certificate',
  idInput: 'certificate-id',
  ids,
  body: BODY,
  maxRetries: 0,
  waitSeconds: 0,
  ...more
})

/** A send-certificate run by order ID. */
const byOrder = (ids: string[], more: Partial<RunOptions> = {}): RunOptions =>
  byCertificate(ids, { idInput: 'order-id', ...more })

const range = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(from + i))

/** Aborts the controller at a virtual time (only where the run is still going then). */
function abortAt(clock: FakeClock, ms: number, controller: AbortController): void {
  void clock.sleep(ms).then(() => controller.abort())
}

/** The least time between a start and the start `limit` places later: over a window if < window. */
function tightest(times: number[], limit: number): number {
  let least = Infinity
  for (let i = limit; i < times.length; i++) {
    least = Math.min(least, (times[i] as number) - (times[i - limit] as number))
  }
  return least
}

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] as number))

const notAttempted = (id: string, error: string): IdResult => ({
  id,
  fate: 'unsent',
  status: null,
  attempts: 0,
  error
})

// ---- Waits ---------------------------------------------------------------------------------

describe('backoffMs', () => {
  it('starts at 5 s and doubles, with up to 50 % jitter', () => {
    expect(backoffMs(1, 0)).toBe(BACKOFF_BASE_MS)
    expect(backoffMs(1, 0.5)).toBe(6_250)
    expect(backoffMs(1, 1)).toBe(7_500)
    expect(backoffMs(2, 0)).toBe(10_000)
    expect(backoffMs(3, 0.5)).toBe(25_000)
    expect(backoffMs(6, 1)).toBe(240_000)
  })

  it('never waits more than 300 s, whatever the retry', () => {
    expect(backoffMs(7, 0)).toBe(300_000)
    expect(backoffMs(10, 1)).toBeLessThanOrEqual(300_000)
    expect(backoffMs(10, 1)).toBe(300_000)
    expect(backoffMs(2_000, 1)).toBe(300_000)
    for (let retry = 1; retry <= 60; retry++) {
      for (const random of [0, 0.5, 0.999, 1]) {
        const ms = backoffMs(retry, random)
        expect(ms).toBeGreaterThanOrEqual(BACKOFF_BASE_MS)
        expect(ms).toBeLessThanOrEqual(300_000)
      }
    }
  })
})

describe('pollDelayMs', () => {
  it('re-checks first after about 5 s (4.5 to 5.5 s with jitter)', () => {
    expect(pollDelayMs(1, 0)).toBe(4_500)
    expect(pollDelayMs(1, 0.5)).toBe(5_000)
    expect(pollDelayMs(1, 1)).toBe(5_500)
  })

  it('doubles with jitter up to 2 min between checks, never more', () => {
    expect([2, 3, 4, 5].map(check => pollDelayMs(check, 0.5))).toEqual([
      10_000, 20_000, 40_000, 80_000
    ])
    expect(pollDelayMs(6, 0.5)).toBe(MAX_POLL_MS)
    expect(pollDelayMs(6, 0)).toBe(108_000)
    expect(pollDelayMs(6, 1)).toBe(MAX_POLL_MS)
    expect(pollDelayMs(5, 1)).toBe(88_000)
    expect(pollDelayMs(100, 1)).toBe(MAX_POLL_MS)
    expect(pollDelayMs(5_000, 1)).toBe(MAX_POLL_MS)
    for (let check = 1; check <= 2_000; check++) {
      expect(pollDelayMs(check, 1)).toBeLessThanOrEqual(MAX_POLL_MS)
      expect(pollDelayMs(check, 0)).toBeGreaterThanOrEqual(4_500)
    }
  })
})

// ---- Pacer ---------------------------------------------------------------------------------

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
    const { log, of } = recorder(clock)
    const pacer = new Pacer(RATE_LIMITS, clock, running(), log)
    pacer.pause(4_000)
    const at: number[] = []
    await Promise.all([
      pacer.acquire('send').then(() => void at.push(clock.time)),
      pacer.acquire('lookup').then(() => void at.push(clock.time))
    ])
    expect(at).toEqual([4_000, 4_000])
    expect(of('debug').map(l => l.message)).toContain(
      'pacing: the next send waits 4000 ms after a 429'
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
      const { log, of } = recorder(clock)
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
    const short = recorder(clock)
    const pacer = new Pacer([{ limit: 2, windowMs: 500 }], clock, running(), short.log)
    for (let i = 0; i < 3; i++) await pacer.acquire('send')
    expect(clock.time).toBe(500 + RATE_MARGIN_MS)
    expect(short.of('debug').map(l => l.message)).toEqual([
      `pacing: the next send waits ${500 + RATE_MARGIN_MS} ms to stay under DigiCert's rate limits`
    ])
    expect(short.of('info')).toEqual([])
  })
})

// ---- Certificate IDs -----------------------------------------------------------------------

describe('runPlan with certificate IDs', () => {
  it('sends every ID once and keeps input order whatever the completion order', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [200], '2': [204], '3': [201] },
      latencyMs: { '1': 300, '2': 20, '3': 10 }
    })
    const outcome = await runPlan(byCertificate(['1', '2', '3']), api, clock)
    expect(outcome.results).toEqual([
      { id: '1', fate: 'sent', status: 200, attempts: 1 },
      { id: '2', fate: 'sent', status: 204, attempts: 1 },
      { id: '3', fate: 'sent', status: 201, attempts: 1 }
    ])
    expect(outcome.stop).toBeUndefined()
    expect(outcome.retryAfter).toBeUndefined()
    expect(api.calls.map(c => [c.id, c.operation, c.body])).toEqual([
      ['1', 'send-certificate', BODY],
      ['2', 'send-certificate', BODY],
      ['3', 'send-certificate', BODY]
    ])
    expect(api.lookups()).toEqual([])
  })

  it('keeps at most 4 requests in flight, or the concurrency given', async () => {
    expect(MAX_IN_FLIGHT).toBe(4)
    for (const [concurrency, expected] of [
      [undefined, MAX_IN_FLIGHT],
      [2, 2],
      [1, 1]
    ] as const) {
      const clock = new FakeClock()
      const api = new ScriptedApi(clock, { latencyMs: 100 })
      const ids = range(1, 20)
      const outcome = await runPlan(byCertificate(ids, { concurrency }), api, clock)
      expect(api.peak).toBe(expected)
      expect(outcome.results.map(r => [r.id, r.fate])).toEqual(ids.map(id => [id, 'sent']))
      // and as many as allowed are: 20 requests of 100 ms take 20 / n rounds
      expect(clock.time).toBe((20 / expected) * 100)
    }
  })

  it('sends a batch of 300 under both rate windows, no slower than they require', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock)
    const ids = range(1000, 300)
    const outcome = await runPlan(byCertificate(ids), api, clock)
    expect(outcome.results.every(r => r.fate === 'sent' && r.attempts === 1)).toBe(true)
    expect(api.calls.map(c => c.id).sort()).toEqual([...ids].sort())
    const times = api.calls.map(c => c.at)
    for (const { limit, windowMs } of RATE_LIMITS) {
      expect(tightest(times, limit)).toBeGreaterThanOrEqual(windowMs + RATE_MARGIN_MS)
    }
    expect(times.at(-1)).toBe(2 * (5_000 + RATE_MARGIN_MS))
  })

  it('goes on after a failure that is not a 429', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '2': [notFound()] } })
    const outcome = await runPlan(byCertificate(['1', '2', '3'], { concurrency: 1 }), api, clock)
    expect(api.calls.map(c => c.id)).toEqual(['1', '2', '3'])
    expect(outcome.results[1]).toEqual({
      id: '2',
      fate: 'failed',
      status: 404,
      attempts: 1,
      error: 'HTTP 404: not_found: Not found.'
    })
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'failed', 'sent'])
    expect(outcome.stop).toBeUndefined()
  })

  it('never retries anything but a 429', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: {
        '1': [
          new CertCentralError({ message: 'timed out after 30 s waiting for x', kind: 'timeout' }),
          204
        ],
        '2': [
          new CertCentralError({ message: 'HTTP 503: empty body', kind: 'http', status: 503 }),
          204
        ],
        '3': [
          new CertCentralError({ message: 'could not complete the request', kind: 'network' }),
          204
        ]
      }
    })
    const outcome = await runPlan(byCertificate(['1', '2', '3'], { maxRetries: 5 }), api, clock)
    expect(api.calls).toHaveLength(3)
    expect(outcome.results.map(r => [r.fate, r.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['failed', 1]
    ])
    expect(outcome.results[1]?.status).toBe(503)
    expect(clock.sleeps).toEqual([])
  })

  it('reports an API that throws something else as that ID failing, and goes on', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [new TypeError('boom')] } })
    const outcome = await runPlan(byCertificate(['1', '2']), api, clock)
    expect(outcome.results).toEqual([
      {
        id: '1',
        fate: 'failed',
        status: null,
        attempts: 1,
        error: 'unexpected failure: boom'
      },
      { id: '2', fate: 'sent', status: 204, attempts: 1 }
    ])
  })
})

// ---- 429 -----------------------------------------------------------------------------------

describe('runPlan and 429', () => {
  const unsentAfter429 = (id: string): string =>
    `not attempted: DigiCert rate-limited the key while sending certificate ${id}; run again later for this ID`

  it('without retries stops at the first 429: requests in flight finish, the rest are not attempted', async () => {
    const clock = new FakeClock()
    // 1's 429 arrives while 2, 3 and 4 are still on the wire
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(30)] },
      latencyMs: { '1': 10, '2': 50, '3': 50, '4': 50 }
    })
    const ids = range(1, 8)
    const outcome = await runPlan(byCertificate(ids), api, clock)
    expect(api.calls.map(c => c.id)).toEqual(['1', '2', '3', '4'])
    expect(outcome.results[0]).toMatchObject({
      id: '1',
      fate: 'unsent',
      status: 429,
      attempts: 1
    })
    expect(outcome.results.slice(1, 4)).toEqual(
      ['2', '3', '4'].map(id => ({ id, fate: 'sent', status: 204, attempts: 1 }))
    )
    expect(outcome.results.slice(4)).toEqual(
      ['5', '6', '7', '8'].map(id => notAttempted(id, unsentAfter429('1')))
    )
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '1' })
    expect(outcome.retryAfter).toBe(30)
  })

  it('without retries waits for nothing', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '2': [rateLimited(30)] } })
    const outcome = await runPlan(
      byCertificate(['1', '2', '3', '4'], { concurrency: 1 }),
      api,
      clock
    )
    expect(api.calls.map(c => c.id)).toEqual(['1', '2'])
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'unsent', 'unsent', 'unsent'])
    expect(outcome.results.slice(2)).toEqual([
      notAttempted('3', unsentAfter429('2')),
      notAttempted('4', unsentAfter429('2'))
    ])
    expect(clock.sleeps).toEqual([])
    expect(clock.time).toBe(0)
  })

  it('retries after exactly the Retry-After seconds', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(12), rateLimited(3), 204] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 2, log }), api, clock)
    expect(outcome.results[0]).toEqual({
      id: '1',
      fate: 'sent',
      status: 204,
      attempts: 3
    })
    expect(api.calls.map(c => [c.at, c.attempt])).toEqual([
      [0, 1],
      [12_000, 2],
      [15_000, 3]
    ])
    expect(outcome.retryAfter).toBe(3)
    expect(outcome.stop).toBeUndefined()
    const warnings = of('warning').map(l => l.message)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/^certificate 1: HTTP 429: .*; retry 1 of 2 in 12\.0 s$/)
    expect(warnings[1]).toMatch(/; retry 2 of 2 in 3\.0 s$/)
  })

  it('waits a Retry-After of 300 s', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(300), 204] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 1 }), api, clock)
    expect(api.calls.map(c => c.at)).toEqual([0, 300_000])
    expect(outcome.results[0]?.fate).toBe('sent')
    expect(outcome.retryAfter).toBe(300)
  })

  it('stops the run on a Retry-After of 301 s, without waiting', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(301), 204] } })
    const outcome = await runPlan(
      byCertificate(['1', '2'], { maxRetries: 3, concurrency: 1 }),
      api,
      clock
    )
    expect(api.calls.map(c => c.id)).toEqual(['1'])
    expect(clock.time).toBe(0)
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', status: 429, attempts: 1 })
    expect(outcome.results[0]?.error).toContain('longer than the 300 s this action waits')
    expect(outcome.results[1]).toEqual(notAttempted('2', unsentAfter429('1')))
    expect(outcome.stop?.reason).toBe('rate-limited')
    expect(outcome.stop?.message).toContain('longer than the 300 s this action waits')
    expect(outcome.retryAfter).toBe(301)
  })

  it('backs off from 5 s, doubling with jitter, when there is no Retry-After', async () => {
    for (const [random, expected] of [
      [0, [0, 5_000, 15_000, 35_000]],
      [1, [0, 7_500, 22_500, 52_500]]
    ] as const) {
      const clock = new FakeClock(random)
      const api = new ScriptedApi(clock, {
        sends: { '1': [rateLimited(), rateLimited(), rateLimited(), 204] }
      })
      const outcome = await runPlan(byCertificate(['1'], { maxRetries: 3 }), api, clock)
      expect(api.calls.map(c => c.at)).toEqual(expected)
      expect(outcome.results[0]?.fate).toBe('sent')
      expect(outcome.retryAfter).toBeUndefined()
    }
  })

  it('never waits more than 300 s at once, however many retries are allowed', async () => {
    const clock = new FakeClock(1)
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited()] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 10 }), api, clock)
    const waits = gaps(api.calls.map(c => c.at))
    expect(waits).toEqual([
      7_500, 15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000
    ])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', status: 429, attempts: 11 })
    expect(outcome.stop?.reason).toBe('rate-limited')
  })

  it('holds every other request during the pause', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(30), 204] },
      latencyMs: 10
    })
    const ids = range(1, 8)
    const outcome = await runPlan(byCertificate(ids, { maxRetries: 1 }), api, clock)
    expect(outcome.results.every(r => r.fate === 'sent')).toBe(true)
    // 1, 2, 3 and 4 were on the wire when the 429 came at 10; nothing starts until 30 s later
    expect(api.calls.filter(c => c.at > 0 && c.at < 30_010)).toEqual([])
    expect(api.calls.slice(4).every(c => c.at >= 30_010)).toBe(true)
    expect(api.calls).toHaveLength(9)
  })

  it('retries a rate-limited ID when the pause ends, not behind IDs waiting for a slot', async () => {
    // in a batch: 1 is retried exactly 30 s after its 429, with 5 to 8 and not after them
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(30), 204] },
      latencyMs: 10
    })
    await runPlan(byCertificate(range(1, 8), { maxRetries: 1 }), api, clock)
    expect(api.calls.filter(c => c.id === '1').map(c => c.at)).toEqual([0, 30_010])

    // one at a time, max-retries 2: each 429 is retried before the next ID starts, so 1 and 2
    // are sent within the 600 s of pausing allowed, rather than four first attempts and nothing
    const serial = new FakeClock()
    const api2 = new ScriptedApi(serial, {
      sends: Object.fromEntries(range(1, 4).map(id => [id, [rateLimited(300), 204]]))
    })
    const outcome = await runPlan(
      byCertificate(range(1, 4), { maxRetries: 2, concurrency: 1 }),
      api2,
      serial
    )
    expect(api2.calls.map(c => `${c.id}@${c.at / 1000}`)).toEqual([
      '1@0',
      '1@300',
      '2@300',
      '2@600',
      '3@600'
    ])
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'sent', 'unsent', 'unsent'])
  })

  it('keeps the Retry-After of a 429 when a later failure has none', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(7), rateLimited(), 204], '2': [notFound()] }
    })
    const outcome = await runPlan(
      byCertificate(['1', '2'], { maxRetries: 2, concurrency: 1 }),
      api,
      clock
    )
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'failed'])
    expect(outcome.retryAfter).toBe(7)
  })

  it('fails the ID and stops the run when its retries run out', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(1)] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 2 }), api, clock)
    expect(api.calls.map(c => c.at)).toEqual([0, 1_000, 2_000])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', status: 429, attempts: 3 })
    expect(outcome.results[0]?.error).toMatch(/^HTTP 429: /)
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '1' })
  })

  it('reports the 429 as it came when the retries run out, with its hint, and says why the run stopped', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    const api = new ScriptedApi(clock, { sends: { '2': [rateLimited(1)] } })
    const outcome = await runPlan(
      byCertificate(['1', '2', '3'], { maxRetries: 1, concurrency: 1, log }),
      api,
      clock
    )
    const message = rateLimited(1).message
    expect(outcome.results[1]).toEqual({
      id: '2',
      fate: 'unsent',
      status: 429,
      attempts: 2,
      error: message,
      hint: 'wait retry-after seconds and send unsent-ids again, or set max-retries'
    })
    expect(outcome.stop).toEqual({ reason: 'rate-limited', id: '2', message })
    expect(of('debug').map(l => l.message)).toContain(
      'stopping the run: rate-limited (certificate 2)'
    )
    // one line per ID tried; none for 3, never attempted
    expect(of('info').map(l => l.message)).toEqual([
      'certificate 1: sent (HTTP 204)',
      `certificate 2: ${message}`
    ])
    expect(outcome.results[2]).toEqual(notAttempted('3', unsentAfter429('2')))
  })

  it('does not retry an ID once another has stopped the run', async () => {
    const clock = new FakeClock()
    // 1 is rate-limited with a retry left; while it waits, 2's 429 asks for more than 300 s
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(10), 204], '2': [rateLimited(3600)] },
      latencyMs: { '1': 1, '2': 2 }
    })
    const outcome = await runPlan(
      byCertificate(['1', '2'], { maxRetries: 1, concurrency: 2 }),
      api,
      clock
    )
    expect(api.calls.map(c => c.id)).toEqual(['1', '2'])
    expect(outcome.results[0]).toMatchObject({ id: '1', fate: 'unsent', status: 429 })
    expect(outcome.results[1]?.error).toContain('longer than the 300 s this action waits')
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '2' })
    expect(clock.time).toBeLessThan(10_000)
  })

  it('neither announces nor makes a retry for a 429 that comes after the run stopped', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    // 2's 429 stops the run at 1 ms; 1's 429, with a retry left, comes at 2 ms
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(10), 204], '2': [rateLimited(3600)] },
      latencyMs: { '1': 2, '2': 1 }
    })
    const outcome = await runPlan(
      byCertificate(['1', '2'], { maxRetries: 1, concurrency: 2, log }),
      api,
      clock
    )
    expect(api.calls.map(c => c.id)).toEqual(['1', '2'])
    expect(of('warning')).toEqual([])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', status: 429, attempts: 1 })
    expect(outcome.results[0]?.error).toMatch(/^HTTP 429: /)
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '2' })
  })

  it('never pauses for 429s longer than max-retries × 300 s in all', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 3).map(id => [id, [rateLimited(300), 204]]))
    })
    const outcome = await runPlan(
      byCertificate(range(1, 3), { maxRetries: 1, concurrency: 1 }),
      api,
      clock
    )
    // 1's 429 is paused for 300 s, all max-retries 1 allows; 2's 429 then stops the run
    expect(clock.time).toBe(300_000)
    expect(api.calls.every(c => c.at <= 300_000)).toBe(true)
    expect(outcome.results[1]).toMatchObject({ fate: 'unsent', status: 429, attempts: 1 })
    expect(outcome.results[1]?.error).toMatch(
      /; the run already waited 5 min for 429s, the most max-retries allows$/
    )
    expect(outcome.results[2]).toEqual(notAttempted('3', unsentAfter429('2')))
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '2' })
  })

  it('counts 429s that arrive together as one pause', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 4).map(id => [id, [rateLimited(300), 204]])),
      latencyMs: 10
    })
    const outcome = await runPlan(byCertificate(range(1, 4), { maxRetries: 1 }), api, clock)
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'sent', 'sent', 'sent'])
    expect(api.calls.slice(4).map(c => c.at)).toEqual([300_010, 300_010, 300_010, 300_010])
  })
})

// ---- A refused key -------------------------------------------------------------------------

describe('runPlan and a refused key', () => {
  it('stops the run: 12 IDs make only the requests already in flight', async () => {
    const clock = new FakeClock()
    const ids = range(1, 12)
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(ids.map(id => [id, [keyRefused()]])),
      latencyMs: 10
    })
    const outcome = await runPlan(byCertificate(ids, { maxRetries: 3 }), api, clock)
    expect(api.calls.length).toBeLessThanOrEqual(4)
    // Refused for the key, not for the ID: worth sending again with a key that works.
    expect(outcome.results[0]).toEqual({
      id: '1',
      fate: 'unsent',
      status: 403,
      attempts: 1,
      error: 'HTTP 403: access_denied|invalid_auth: Access denied; the API key was not accepted'
    })
    const why = 'not attempted: CertCentral refused the API key (certificate 1)'
    expect(outcome.results.slice(4)).toEqual(ids.slice(4).map(id => notAttempted(id, why)))
    expect(outcome.stop).toMatchObject({ reason: 'key-refused', id: '1' })
    expect(outcome.stop?.message).toContain('HTTP 403')
  })

  it('stops the run when the key is refused on a look-up', async () => {
    const clock = new FakeClock()
    const ids = range(100, 12)
    const api = new ScriptedApi(clock, {
      lookups: Object.fromEntries(ids.map(id => [id, [keyRefused()]])),
      latencyMs: 10
    })
    const outcome = await runPlan(byOrder(ids), api, clock)
    expect(api.calls.length).toBeLessThanOrEqual(4)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', status: 403 })
    expect(outcome.results.at(-1)).toEqual(
      notAttempted('111', 'not attempted: CertCentral refused the API key (order 100)')
    )
    expect(outcome.stop).toMatchObject({ reason: 'key-refused', id: '100' })
  })
})

// ---- Cancellation --------------------------------------------------------------------------

describe('runPlan and cancellation', () => {
  it('starts nothing when cancelled before it starts', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock)
    const cancel = new AbortController()
    cancel.abort()
    const outcome = await runPlan(byCertificate(['1', '2'], { cancel: cancel.signal }), api, clock)
    expect(api.calls).toEqual([])
    expect(outcome.results).toEqual([
      notAttempted('1', 'not attempted: cancelled'),
      notAttempted('2', 'not attempted: cancelled')
    ])
    expect(outcome.stop).toEqual({
      reason: 'cancelled',
      id: undefined,
      message: 'the run was cancelled'
    })
  })

  it('says at debug that the run stops, and logs no line for IDs never attempted', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    const api = new ScriptedApi(clock, { latencyMs: 100 })
    const cancel = new AbortController()
    abortAt(clock, 50, cancel)
    const outcome = await runPlan(
      byCertificate(['1', '2'], { concurrency: 1, cancel: cancel.signal, log }),
      api,
      clock
    )
    expect(of('debug').map(l => l.message)).toEqual(['stopping the run: cancelled'])
    expect(outcome.results[0]).toMatchObject({ id: '1', fate: 'failed', attempts: 1 })
    expect(outcome.results[1]).toEqual(notAttempted('2', 'not attempted: cancelled'))
    expect(of('info').map(l => l.message)).toEqual([
      'certificate 1: cancelled while the request was in flight; DigiCert may still have acted on it'
    ])
  })

  it('is not touched by a cancellation after it finished', async () => {
    const clock = new FakeClock()
    const { log, lines } = recorder(clock)
    const cancel = new AbortController()
    const outcome = await runPlan(
      byCertificate(['1'], { cancel: cancel.signal, log }),
      new ScriptedApi(clock),
      clock
    )
    const logged = lines.length
    cancel.abort()
    expect(outcome.stop).toBeUndefined()
    expect(outcome.results).toEqual([{ id: '1', fate: 'sent', status: 204, attempts: 1 }])
    expect(lines).toHaveLength(logged)
  })

  it('starts no new request once cancelled', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { latencyMs: 100 })
    const cancel = new AbortController()
    abortAt(clock, 150, cancel)
    const ids = range(1, 20)
    const outcome = await runPlan(byCertificate(ids, { cancel: cancel.signal }), api, clock)
    // two rounds of four had started by 150
    expect(api.calls).toHaveLength(8)
    expect(outcome.results.slice(0, 4).map(r => r.fate)).toEqual(['sent', 'sent', 'sent', 'sent'])
    expect(outcome.results.slice(8)).toEqual(
      ids.slice(8).map(id => notAttempted(id, 'not attempted: cancelled'))
    )
    expect(outcome.stop?.reason).toBe('cancelled')
    expect(clock.time).toBe(150)
  })

  it('wakes a 300 s pause after a 429 at once', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(300), 204] },
      latencyMs: 10
    })
    const cancel = new AbortController()
    abortAt(clock, 2_000, cancel)
    const ids = range(1, 6)
    const outcome = await runPlan(
      byCertificate(ids, { maxRetries: 1, cancel: cancel.signal }),
      api,
      clock
    )
    expect(clock.time).toBe(2_000)
    expect(api.calls.every(c => c.at === 0)).toBe(true)
    expect(outcome.results[0]).toEqual({
      id: '1',
      fate: 'unsent',
      status: 429,
      attempts: 1,
      error: 'not sent: cancelled'
    })
    expect(outcome.results.slice(1, 4).map(r => r.fate)).toEqual(['sent', 'sent', 'sent'])
    expect(outcome.results.slice(4)).toEqual([
      notAttempted('5', 'not attempted: cancelled'),
      notAttempted('6', 'not attempted: cancelled')
    ])
    expect(outcome.stop?.reason).toBe('cancelled')
  })

  it('wakes a wait for issuance at once', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '55': ['pending'] } })
    const cancel = new AbortController()
    abortAt(clock, 3_000, cancel)
    const outcome = await runPlan(
      byOrder(['55'], { waitSeconds: 1800, cancel: cancel.signal }),
      api,
      clock
    )
    expect(clock.time).toBe(3_000)
    expect(api.calls).toHaveLength(1)
    expect(outcome.results[0]).toMatchObject({
      id: '55',
      fate: 'unsent',
      attempts: 1,
      orderStatus: 'pending',
      error: 'not sent: cancelled'
    })
    expect(outcome.stop?.reason).toBe('cancelled')
  })
})

// ---- Order IDs -----------------------------------------------------------------------------

describe('runPlan with order IDs', () => {
  it("looks each order up and sends its certificate's ID", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock)
    const outcome = await runPlan(byOrder(['101', '102']), api, clock)
    expect(api.lookups().map(c => c.id)).toEqual(['101', '102'])
    expect(api.sends().map(c => [c.id, c.operation, c.body])).toEqual([
      ['9101', 'send-certificate', BODY],
      ['9102', 'send-certificate', BODY]
    ])
    expect(outcome.results).toEqual(
      ['101', '102'].map(id => ({
        id,
        fate: 'sent',
        status: 204,
        attempts: 2,
        certificateId: `9${id}`,
        commonName: `${id}.example.com`,
        validTill: '2027-01-01'
      }))
    )
  })

  it('fails an order not issued at once when not waiting', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '123': ['pending'], '124': ['issued'] } })
    const outcome = await runPlan(byOrder(['123', '124']), api, clock)
    expect(outcome.results[0]).toEqual({
      id: '123',
      fate: 'failed',
      status: null,
      attempts: 1,
      commonName: '123.example.com',
      orderStatus: 'pending',
      error: 'order 123 is not issued yet (status pending); set wait-for-issuance to wait for it'
    })
    expect(outcome.results[1]?.fate).toBe('sent')
    expect(api.lookups('123')).toHaveLength(1)
    expect(api.sends().map(c => c.id)).toEqual(['9124'])
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
    expect(api.sends().map(c => [c.id, c.at])).toEqual([['95', 395_000]])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 9 })
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
        attempts: 2
      })
      expect(outcome.results[0]?.error).toContain(`order 7 is ${status}`)
    }
  )

  it('fails an order still pending when the wait ends, checking last at the deadline', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '5': ['pending'] } })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 1800 }), api, clock)
    const times = api.lookups().map(c => c.at)
    expect(times.at(-1)).toBe(1_800_000)
    expect(Math.max(...gaps(times))).toBeLessThanOrEqual(MAX_POLL_MS)
    expect(clock.time).toBe(1_800_000)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      orderStatus: 'pending',
      attempts: times.length
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
      ['93', 0],
      ['92', 15_000]
    ])
    expect(outcome.results.map(r => r.fate)).toEqual(['failed', 'sent', 'sent'])
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

  it('stops at a 429 on a look-up without retries', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '2': [rateLimited(20)] } })
    const outcome = await runPlan(byOrder(['1', '2', '3'], { concurrency: 1 }), api, clock)
    expect(outcome.results[1]).toMatchObject({ fate: 'unsent', status: 429, attempts: 1 })
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
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 3 })
  })

  it("holds look-ups during a send's 429 pause", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '2': ['pending', 'issued'] },
      sends: { '91': [rateLimited(30), 204] },
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
      attempts: 1,
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
        '931': [
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
        attempts: 2,
        certificateId: '931',
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
        attempts: 3,
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
    expect(outcome.results[0]).toEqual({
      id: '6',
      fate: 'failed',
      status: null,
      attempts: 1,
      commonName: '6.example.com',
      error: 'order 6 is issued but its Order info names no certificate.id; check api-url'
    })
    expect(outcome.results[1]?.fate).toBe('sent')
    expect(api.sends().map(c => c.id)).toEqual(['97'])
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
        attempts: 1,
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
        fate: 'failed',
        status: null,
        attempts: 4,
        commonName: '8.example.com',
        orderStatus: 'pending',
        error: 'order 8 still pending after 30 s',
        hint: 'raise wait-for-issuance, or run again once the order is issued'
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

describe('runPlan log', () => {
  const WAITING =
    /^waiting for (\d+) of (\d+) orders \(([^)]*)\); next check in (\d+) s; (\d+) sent$/

  it('says what it waits for at most once a minute, with the next check and the sent count', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
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
    const clock = new FakeClock(0.5)
    const { log, of } = recorder(clock)
    const api = new ScriptedApi(clock, {
      lookups: { '5': ['pending', 'pending', 'pending', 'issued'] },
      latencyMs: 22_500
    })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 600, log }), api, clock)
    expect(api.lookups().map(c => c.at)).toEqual([0, 27_500, 60_000, 102_500])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 5 })
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

  it('counts only the orders still waiting: not one whose look-up failed, nor one sent', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
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
    expect(outcome.results.map(r => r.fate)).toEqual(['failed', 'failed', 'failed', 'sent'])
    expect(outcome.results[1]).toMatchObject({ status: 404, attempts: 2 })
    expect(api.sends().map(c => c.at)).toEqual([15_000])
    const later = of('info').filter(l => l.message.startsWith('waiting for') && l.at > 15_000)
    expect(later.length).toBeGreaterThan(0)
    for (const { message } of later) {
      expect(message).toMatch(
        /^waiting for 2 of 4 orders \(2 pending\); next check in \d+ s; 1 sent$/
      )
    }
  })

  it('says when pacing holds requests back 1 s or more, naming the rate limits', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    const api = new ScriptedApi(clock)
    const limits: RateWindow[] = [{ limit: 2, windowMs: 1000 }]
    await runPlan(byCertificate(['1', '2', '3'], { limits, log }), api, clock)
    expect(api.calls.map(c => c.at)).toEqual([0, 0, 1_000 + RATE_MARGIN_MS])
    const pacing = of('info').filter(l => l.message.startsWith('pacing'))
    expect(pacing.map(l => l.message)).toEqual([
      "pacing: waiting 1.3 s to stay under DigiCert's rate limits (2 requests per 1 s)"
    ])
    expect(of('debug').map(l => l.message)).toContain(
      `pacing: the next send waits ${1_000 + RATE_MARGIN_MS} ms to stay under DigiCert's rate limits`
    )
  })

  it("names DigiCert's two windows when a large batch is paced", async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    await runPlan(byCertificate(range(1, 150), { log }), new ScriptedApi(clock), clock)
    const pacing = of('info').filter(l => l.message.startsWith('pacing'))
    expect(pacing.length).toBeGreaterThan(0)
    expect(pacing[0]?.message).toBe(
      "pacing: waiting 5.3 s to stay under DigiCert's rate limits (100 requests per 5 s, 1000 requests per 180 s)"
    )
  })

  it('logs each ID as it finishes', async () => {
    const clock = new FakeClock()
    const { log, of } = recorder(clock)
    const api = new ScriptedApi(clock, {
      sends: { '1': [204], '2': [notFound()] },
      latencyMs: { '1': 50, '2': 10 }
    })
    await runPlan(byCertificate(['1', '2'], { log }), api, clock)
    expect(of('info').map(l => l.message)).toEqual([
      'certificate 2: HTTP 404: not_found: Not found.',
      'certificate 1: sent (HTTP 204)'
    ])
  })
})

describe('realClock', () => {
  it('does not wait at all when already halted', async () => {
    const halted = new AbortController()
    halted.abort()
    const started = Date.now()
    const late = new Promise(resolve => setTimeout(() => resolve('late'), 1_000))
    expect(await Promise.race([realClock.sleep(5_000, halted.signal), late])).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('leaves no listener on the halt signal once a sleep is over', async () => {
    const halt = new AbortController()
    for (let i = 0; i < 3; i++) await realClock.sleep(1, halt.signal)
    expect(getEventListeners(halt.signal, 'abort')).toEqual([])
  })

  it('sleeps for real, wakes at once when halted, and tells the time', async () => {
    const started = realClock.now()
    await realClock.sleep(20)
    expect(realClock.now() - started).toBeGreaterThanOrEqual(19)
    const halt = new AbortController()
    const long = realClock.sleep(60_000, halt.signal)
    halt.abort()
    await long
    expect(realClock.now() - started).toBeLessThan(5_000)
    expect(realClock.random()).toBeLessThan(1)
  })
})
