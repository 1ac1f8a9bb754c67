// The scheduler on the shared virtual clock, against a scripted CertCentral: how it sequences the
// rules (pacing, retry, fates, stops) for certificate IDs. Which requests go when, how many at
// once, pacing in time, 429 pauses shared across requests, a refused key, cancellation, and the
// log. Orders waiting to be issued are in scheduler-orders.test.ts; the rules themselves, one by
// one, in pacing.test.ts, retry.test.ts, fates.test.ts and stops.test.ts. Every time below is
// virtual milliseconds.
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS, type RateWindow } from '../../../src/certcentral/api.js'
import { CertCentralError } from '../../../src/certcentral/errors.js'
import { realClock } from '../../../src/clock.js'
import { RATE_MARGIN_MS } from '../../../src/run/pacing.js'
import { MAX_IN_FLIGHT, runPlan } from '../../../src/run/scheduler.js'
import { FakeClock, abortAt, gaps, recordLog, tightest } from '../../support/clock.js'
import {
  BODY,
  ScriptedApi,
  byCertificate,
  byOrder,
  keyRefused,
  notAttempted,
  notFound,
  range,
  rateLimited
} from '../../support/scripted-certcentral.js'

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
      { id: '1', fate: 'sent', status: 200, attempts: 1, lookups: 0 },
      { id: '2', fate: 'sent', status: 204, attempts: 1, lookups: 0 },
      { id: '3', fate: 'sent', status: 201, attempts: 1, lookups: 0 }
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
      lookups: 0,
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
        lookups: 0,
        error: 'unexpected failure: boom'
      },
      { id: '2', fate: 'sent', status: 204, attempts: 1, lookups: 0 }
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
      attempts: 1,
      lookups: 0
    })
    expect(outcome.results.slice(1, 4)).toEqual(
      ['2', '3', '4'].map(id => ({ id, fate: 'sent', status: 204, attempts: 1, lookups: 0 }))
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

  it('retries after exactly the Retry-After seconds, and sets no retry-after once sent', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(12), rateLimited(3), 204] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 2, log }), api, clock)
    expect(outcome.results[0]).toEqual({
      id: '1',
      fate: 'sent',
      status: 204,
      attempts: 3,
      lookups: 0
    })
    expect(api.calls.map(c => [c.at, c.attempt])).toEqual([
      [0, 1],
      [12_000, 2],
      [15_000, 3]
    ])
    expect(outcome.retryAfter).toBeUndefined()
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
    expect(outcome.retryAfter).toBeUndefined()
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
    expect(outcome.results[0]).toMatchObject({
      fate: 'unsent',
      status: 429,
      attempts: 1,
      lookups: 0
    })
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
    expect(outcome.results[0]).toMatchObject({
      fate: 'unsent',
      status: 429,
      attempts: 11,
      lookups: 0
    })
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

  it('keeps the Retry-After of a 429 when the 429 that left IDs unsent has none', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(7), rateLimited(), 204], '2': [notFound()] }
    })
    const outcome = await runPlan(
      byCertificate(['1', '2'], { maxRetries: 1, concurrency: 1 }),
      api,
      clock
    )
    expect(outcome.results.map(r => r.fate)).toEqual(['unsent', 'unsent'])
    expect(outcome.retryAfter).toBe(7)
  })

  it('sets no retry-after when a 429 was retried and sent, whatever failed after', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [rateLimited(7), 204], '2': [notFound()] }
    })
    const outcome = await runPlan(
      byCertificate(['1', '2'], { maxRetries: 1, concurrency: 1 }),
      api,
      clock
    )
    expect(outcome.results.map(r => r.fate)).toEqual(['sent', 'failed'])
    expect(outcome.retryAfter).toBeUndefined()
  })

  it('fails the ID and stops the run when its retries run out', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(1)] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 2 }), api, clock)
    // Retry-After 1, but the second retry waits at least 2 s
    expect(api.calls.map(c => c.at)).toEqual([0, 1_000, 3_000])
    expect(outcome.results[0]).toMatchObject({
      fate: 'unsent',
      status: 429,
      attempts: 3,
      lookups: 0
    })
    expect(outcome.results[0]?.error).toMatch(/^HTTP 429: /)
    expect(outcome.stop).toMatchObject({ reason: 'rate-limited', id: '1' })
  })

  it('reports the 429 as it came when the retries run out, with its hint, and says why the run stopped', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
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
      lookups: 0,
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
    const { log, of } = recordLog(clock)
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
    expect(outcome.results[0]).toMatchObject({
      fate: 'unsent',
      status: 429,
      attempts: 1,
      lookups: 0
    })
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
    expect(outcome.results[1]).toMatchObject({
      fate: 'unsent',
      status: 429,
      attempts: 1,
      lookups: 0
    })
    expect(outcome.results[1]?.error).toMatch(
      /; the run already waited 5 min for 429s and 503s, the most max-retries allows$/
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
      lookups: 0,
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
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, { latencyMs: 100 })
    const cancel = new AbortController()
    abortAt(clock, 50, cancel)
    const outcome = await runPlan(
      byCertificate(['1', '2'], { concurrency: 1, cancel: cancel.signal, log }),
      api,
      clock
    )
    expect(of('debug').map(l => l.message)).toEqual(['stopping the run: cancelled'])
    expect(outcome.results[0]).toMatchObject({ id: '1', fate: 'failed', attempts: 1, lookups: 0 })
    expect(outcome.results[1]).toEqual(notAttempted('2', 'not attempted: cancelled'))
    expect(of('info').map(l => l.message)).toEqual([
      'certificate 1: cancelled while the request was in flight; DigiCert may still have acted on it'
    ])
  })

  it('is not touched by a cancellation after it finished', async () => {
    const clock = new FakeClock()
    const { log, lines } = recordLog(clock)
    const cancel = new AbortController()
    const outcome = await runPlan(
      byCertificate(['1'], { cancel: cancel.signal, log }),
      new ScriptedApi(clock),
      clock
    )
    const logged = lines.length
    cancel.abort()
    expect(outcome.stop).toBeUndefined()
    expect(outcome.results).toEqual([
      { id: '1', fate: 'sent', status: 204, attempts: 1, lookups: 0 }
    ])
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
      lookups: 0,
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
      attempts: 0,
      lookups: 1,
      orderStatus: 'pending',
      error: 'not sent: cancelled'
    })
    expect(outcome.stop?.reason).toBe('cancelled')
  })

  it.each([
    ['an order’s check while it waits', byOrder(['55'], { waitSeconds: 1800 })],
    ['an order’s only check', byOrder(['55'])],
    [
      'a look-up of the chain (Order info by serial)',
      byOrder(['55'], {
        idInput: 'serial-number',
        targets: [{ id: '55', known: { serialNumber: '55' } }]
      })
    ]
  ])(
    'leaves an ID unsent when %s is cancelled in flight: a look-up sends nothing',
    async (_, plan) => {
      const clock = new FakeClock()
      const api = new ScriptedApi(clock, { lookups: { '55': ['pending'] }, latencyMs: 1_000 })
      const cancel = new AbortController()
      abortAt(clock, 500, cancel)
      const outcome = await runPlan({ ...plan, cancel: cancel.signal }, api, clock)
      expect(api.calls.map(c => c.kind)).toEqual(['lookup'])
      expect(outcome.results[0]).toMatchObject({
        id: '55',
        fate: 'unsent',
        attempts: 0,
        lookups: 1
      })
      expect(outcome.stop?.reason).toBe('cancelled')
    }
  )
})

// ---- The log -------------------------------------------------------------------------------

describe('runPlan log', () => {
  it('says when pacing holds requests back 1 s or more, naming the rate limits', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
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
    const { log, of } = recordLog(clock)
    await runPlan(byCertificate(range(1, 150), { log }), new ScriptedApi(clock), clock)
    const pacing = of('info').filter(l => l.message.startsWith('pacing'))
    expect(pacing.length).toBeGreaterThan(0)
    expect(pacing[0]?.message).toBe(
      "pacing: waiting 5.3 s to stay under DigiCert's rate limits (100 requests per 5 s, 1000 requests per 180 s)"
    )
  })

  it('logs each ID as it finishes', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
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
