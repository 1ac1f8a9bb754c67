// The scheduler against an unreliable CertCentral, on the virtual clock: look-ups repeated (at the
// next check while waiting, 2 s then 4 s apart when not), sends never; a 503 as a 429; the 1 s
// floor of a retry; and the stops when going on cannot help (no answer from the host, the same
// error for every ID, a missing permission for the first IDs). Every time is virtual ms.
import { describe, expect, it } from 'vitest'
import { runPlan } from '../../../src/run/scheduler.js'
import { FakeClock, recordLog } from '../../support/clock.js'
import {
  ScriptedApi,
  badGateway,
  badRequest,
  byCertificate,
  byOrder,
  missingPermission,
  notAttempted,
  notFound,
  range,
  rateLimited,
  silentTimeout,
  stalledTimeout,
  unavailable,
  unreached
} from '../../support/scripted-certcentral.js'
import { certificateOf } from '../../support/standin.js'

describe('runPlan: look-ups are repeated, sends are not', () => {
  it('looks an order up again at its next check after a 502, a timeout or a refused connection', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lookups: { '5': ['pending', badGateway(), silentTimeout(), unreached(), 'issued'] }
    })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 1800, log }), api, clock)
    expect(api.lookups().map(c => c.at)).toEqual([0, 5_000, 15_000, 35_000, 75_000])
    expect(api.sends().map(c => [c.id, c.at])).toEqual([[certificateOf('5'), 75_000]])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', status: 204, attempts: 1, lookups: 5 })
    expect(outcome.stop).toBeUndefined()
    expect(of('info').map(l => l.message)).toContain(
      'order 5: check 2 failed (HTTP 502: empty body); trying again at the next check in 10.0 s'
    )
  })

  it('counts an order whose first check failed as of unknown status while it waits', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, { lookups: { '5': [badGateway(), 'issued'] } })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 1800, log }), api, clock)
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 1, lookups: 2 })
    expect(of('info').map(l => l.message)).toContain(
      'waiting for 1 of 1 orders (1 unknown); next check in 5 s; 0 sent'
    )
  })

  it('leaves an order unsent, with the last failure, when its check at the deadline fails', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '5': ['pending', badGateway()] } })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 30 }), api, clock)
    expect(api.lookups().map(c => c.at)).toEqual([0, 5_000, 15_000, 30_000])
    expect(outcome.results[0]).toEqual({
      id: '5',
      fate: 'unsent',
      status: null,
      attempts: 0,
      lookups: 4,
      commonName: '5.example.com',
      orderStatus: 'pending',
      error:
        'order 5 was not known to be issued when the wait of 30 s ended (last seen pending): its last check failed: HTTP 502: empty body',
      hint: 'run again once CertCentral answers and the order is issued, or raise wait-for-issuance'
    })
  })

  it('ends an order at once on a definite answer while waiting (404)', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '5': ['pending', notFound()] } })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: 1800 }), api, clock)
    expect(api.lookups()).toHaveLength(2)
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      status: 404,
      attempts: 0,
      lookups: 2
    })
  })

  it('tries a look-up twice more, 2 s then 4 s apart, when not waiting', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lookups: { '5': [badGateway(), silentTimeout(), 'issued'], '6': [badGateway()] }
    })
    const outcome = await runPlan(byOrder(['5', '6'], { log }), api, clock)
    expect(api.lookups('5').map(c => c.at)).toEqual([0, 2_000, 6_000])
    expect(api.lookups('6').map(c => c.at)).toEqual([0, 2_000, 6_000])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', attempts: 1, lookups: 3 })
    expect(outcome.results[1]).toEqual({
      id: '6',
      fate: 'unsent',
      status: 502,
      attempts: 0,
      lookups: 3,
      error: 'HTTP 502: empty body; tried 3 times'
    })
    expect(of('warning').map(l => l.message)).toContain(
      'order 6: HTTP 502: empty body; retry 2 of 2 in 4.0 s'
    )
  })

  it('never repeats a send that may have reached CertCentral', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [badGateway(), 204], '2': [silentTimeout(), 204] }
    })
    const outcome = await runPlan(byCertificate(['1', '2'], { maxRetries: 3 }), api, clock)
    expect(api.sends()).toHaveLength(2)
    expect(outcome.results.map(r => r.fate)).toEqual(['failed', 'failed'])
  })

  it('leaves a send that never reached CertCentral unsent, without repeating it', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [unreached(), 204] } })
    const outcome = await runPlan(byCertificate(['1', '2'], { maxRetries: 3 }), api, clock)
    expect(api.sends().map(c => c.id)).toEqual(['1', '2'])
    expect(outcome.results.map(r => r.fate)).toEqual(['unsent', 'sent'])
    expect(outcome.stop).toBeUndefined()
  })
})

describe('runPlan: 503 and Retry-After', () => {
  it('retries a 503 after its Retry-After, and sets no retry-after once sent', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [unavailable(20), 204] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 1 }), api, clock)
    expect(api.sends().map(c => c.at)).toEqual([0, 20_000])
    expect(outcome.results[0]?.fate).toBe('sent')
    expect(outcome.retryAfter).toBeUndefined()
  })

  it('stops the run on a 503 not retried, the rest unsent, with retry-after', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [unavailable(600)] } })
    const outcome = await runPlan(byCertificate(['1', '2'], { concurrency: 1 }), api, clock)
    expect(outcome.results).toEqual([
      {
        id: '1',
        fate: 'unsent',
        status: 503,
        attempts: 1,
        lookups: 0,
        error: unavailable(600).message
      },
      notAttempted(
        '2',
        'not attempted: CertCentral was unavailable (HTTP 503) while sending certificate 1; run again later for this ID'
      )
    ])
    expect(outcome.stop).toEqual({
      reason: 'unavailable',
      id: '1',
      message: unavailable(600).message
    })
    expect(outcome.retryAfter).toBe(600)
  })

  it('waits at least 1 s, doubling, for a Retry-After of 0', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { sends: { '1': [rateLimited(0)] } })
    const outcome = await runPlan(byCertificate(['1'], { maxRetries: 3 }), api, clock)
    expect(api.sends().map(c => c.at)).toEqual([0, 1_000, 3_000, 7_000])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', attempts: 4, lookups: 0 })
    expect(outcome.retryAfter).toBe(0)
  })
})

describe('runPlan: stopping when going on cannot help', () => {
  it('stops after 3 requests in a row with no answer from the host, the rest unsent', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(
        range(1, 6).map(id => [id, [id === '2' ? silentTimeout() : unreached()]])
      )
    })
    const outcome = await runPlan(byCertificate(range(1, 6), { concurrency: 1 }), api, clock)
    expect(api.sends().map(c => c.id)).toEqual(['1', '2', '3'])
    expect(outcome.results.map(r => r.fate)).toEqual([
      'unsent',
      'failed',
      'unsent',
      'unsent',
      'unsent',
      'unsent'
    ])
    expect(outcome.stop).toEqual({
      reason: 'unreachable',
      id: '3',
      message: `no answer from CertCentral for 3 requests in a row, so the rest were not tried (the last: ${unreached().message})`
    })
    expect(outcome.results[3]).toEqual(
      notAttempted(
        '4',
        "not attempted: CertCentral gave no answer to 3 requests in a row (the last for certificate 3); check the runner's network, proxy and api-url, then send it again"
      )
    )
  })

  it('does not stop when an answer comes between requests without one', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: {
        '1': [unreached()],
        '2': [unreached()],
        '3': [notFound()],
        '4': [unreached()],
        '5': [unreached()]
      }
    })
    const outcome = await runPlan(byCertificate(range(1, 6), { concurrency: 1 }), api, clock)
    expect(api.sends()).toHaveLength(6)
    expect(outcome.stop).toBeUndefined()
  })

  it('stops a black-holed batch of order look-ups after 3 silent requests, retries included', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: Object.fromEntries(range(1, 300).map(id => [id, [silentTimeout()]])),
      latencyMs: 30_000
    })
    const outcome = await runPlan(byOrder(range(1, 300)), api, clock)
    expect(outcome.stop?.reason).toBe('unreachable')
    // two look-ups (half the slots) time out together; 2 s later the first is tried again, alone
    // (the other waits for it to end), and its timeout is the third in a row
    expect(api.lookups().map(c => c.at)).toEqual([0, 0, 32_000])
    expect(clock.time).toBe(62_000)
    expect(api.sends()).toEqual([])
    expect(
      outcome.results.filter(r => r.attempts + r.lookups === 0 && r.fate === 'unsent')
    ).toHaveLength(298)
    expect(outcome.results.slice(0, 2).map(r => [r.fate, r.attempts, r.lookups])).toEqual([
      ['unsent', 0, 2],
      ['unsent', 0, 1]
    ])
  })

  it('stops a black-holed batch of sends after one timeout: nothing starts while the host is silent', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 300).map(id => [id, [silentTimeout()]])),
      latencyMs: 30_000
    })
    const outcome = await runPlan(byCertificate(range(1, 300)), api, clock)
    // 4 in flight time out together: after the first, nothing new starts before the others end,
    // and the third stops the run: one timeout in all
    expect(api.sends().map(c => c.at)).toEqual([0, 0, 0, 0])
    expect(clock.time).toBe(30_000)
    expect(outcome.results.filter(r => r.fate === 'failed')).toHaveLength(4)
    expect(outcome.results.filter(r => r.fate === 'unsent')).toHaveLength(296)
  })

  it('stops a batch of sends whose answers stall after their headers after one timeout', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 16).map(id => [id, [stalledTimeout()]])),
      latencyMs: 30_000
    })
    const outcome = await runPlan(byCertificate(range(1, 16)), api, clock)
    // 4 in flight get their headers and time out together: the third in a row stops the run
    expect(api.sends().map(c => c.at)).toEqual([0, 0, 0, 0])
    expect(clock.time).toBe(30_000)
    expect(outcome.stop).toMatchObject({ reason: 'unreachable', id: '3' })
    expect(outcome.results.slice(0, 4)).toEqual(
      range(1, 4).map(id => ({
        id,
        fate: 'failed',
        status: 200,
        attempts: 1,
        lookups: 0,
        error: stalledTimeout().message
      }))
    )
    expect(outcome.results.slice(4)).toEqual(
      range(5, 12).map(id =>
        notAttempted(
          id,
          "not attempted: CertCentral gave no answer to 3 requests in a row (the last for certificate 3); check the runner's network, proxy and api-url, then send it again"
        )
      )
    )
  })

  it('starts nothing new after a request without an answer until those in flight end', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [unreached()] },
      latencyMs: { '1': 1, '2': 100, '3': 100, '4': 100, '5': 10, '6': 10 }
    })
    const outcome = await runPlan(byCertificate(range(1, 6)), api, clock)
    // 1 fails at 1 ms; 5 waits for 2, 3 and 4 to end at 100 ms, and 6 with it
    expect(api.sends().map(c => [c.id, c.at])).toEqual([
      ['1', 0],
      ['2', 0],
      ['3', 0],
      ['4', 0],
      ['5', 100],
      ['6', 100]
    ])
    expect(outcome.results.map(r => r.fate)).toEqual([
      'unsent',
      'sent',
      'sent',
      'sent',
      'sent',
      'sent'
    ])
  })

  it('starts the next request once none is in flight, even when none answered', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: { '1': [unreached()], '2': [unreached()] },
      latencyMs: { '1': 1, '2': 50 }
    })
    const outcome = await runPlan(byCertificate(range(1, 3), { concurrency: 2 }), api, clock)
    expect(api.sends().map(c => [c.id, c.at])).toEqual([
      ['1', 0],
      ['2', 0],
      ['3', 50]
    ])
    expect(outcome.results.map(r => r.fate)).toEqual(['unsent', 'unsent', 'sent'])
  })

  it('ends a request held after a silent one at the stop, not when the last one in flight ends', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      sends: {
        '1': [unavailable(1), 204],
        '2': [silentTimeout()],
        '3': [silentTimeout()],
        '4': [silentTimeout()]
      },
      latencyMs: { '1': 100, '2': 500, '3': 2_000, '4': 3_000, '5': 10_000 }
    })
    const outcome = await runPlan(
      byCertificate(range(1, 6), { concurrency: 5, maxRetries: 1, log }),
      api,
      clock
    )
    // 1's retry (after its 503's pause) is held from 1.1 s by 2's silence; 4's silence, the third
    // in a row, stops the run at 3 s while 5 is still on the wire: 1 ends then, unsent, not at 10 s
    expect(api.sends().map(c => [c.id, c.at])).toEqual([
      ['1', 0],
      ['2', 0],
      ['3', 0],
      ['4', 0],
      ['5', 0]
    ])
    expect(outcome.stop?.reason).toBe('unreachable')
    const unsent =
      "not sent: CertCentral gave no answer to 3 requests in a row (the last for certificate 4); check the runner's network, proxy and api-url, then send it again"
    expect(of('info').map(l => [l.message, l.at])).toEqual([
      [`certificate 2: ${silentTimeout().message}`, 500],
      [`certificate 3: ${silentTimeout().message}`, 2_000],
      [`certificate 4: ${silentTimeout().message}`, 3_000],
      [`certificate 1: ${unsent}`, 3_000],
      ['certificate 5: sent (HTTP 204)', 10_000]
    ])
    expect(outcome.results[0]).toEqual({
      id: '1',
      fate: 'unsent',
      status: 503,
      attempts: 1,
      lookups: 0,
      error: unsent
    })
  })

  it('stops when the same error comes back for 3 IDs in a row', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 10).map(id => [id, [badRequest()]]))
    })
    const outcome = await runPlan(byCertificate(range(1, 10), { concurrency: 1 }), api, clock)
    expect(api.sends().map(c => c.id)).toEqual(['1', '2', '3'])
    expect(outcome.results.map(r => r.fate)).toEqual([
      'failed',
      'failed',
      'failed',
      ...Array<string>(7).fill('unsent')
    ])
    expect(outcome.stop).toMatchObject({ reason: 'same-error', id: '3' })
    expect(outcome.results[3]?.error).toBe(
      'not attempted: DigiCert answered bad_request_format for 3 IDs in a row (1, 2, 3), so the rest were not sent: fix what it says, then send them again'
    )
  })

  it('does not stop for 404s that name each ID', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 5).map(id => [id, [notFound()]]))
    })
    const outcome = await runPlan(byCertificate(range(1, 5), { concurrency: 1 }), api, clock)
    expect(api.sends()).toHaveLength(5)
    expect(outcome.stop).toBeUndefined()
  })

  it('stops when the first 3 IDs tried all lack the permission', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 5).map(id => [id, [missingPermission()]]))
    })
    const outcome = await runPlan(byCertificate(range(1, 5), { concurrency: 1 }), api, clock)
    expect(api.sends()).toHaveLength(3)
    expect(outcome.results.map(r => r.fate)).toEqual([
      'failed',
      'failed',
      'failed',
      'unsent',
      'unsent'
    ])
    expect(outcome.stop?.reason).toBe('missing-permission')
  })

  it('counts the first 3 IDs tried, not the first 3 to end: a later ID sent sooner does not save the run', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 3).map(id => [id, [missingPermission()]])),
      // Four in flight at once: the fourth ID's 204 comes before the three denials (at 100, 101
      // and 102 ms), and the IDs started in the slots they free are sent before the third.
      latencyMs: {
        '1': 100,
        '2': 101,
        '3': 102,
        '4': 0,
        '5': 200,
        ...Object.fromEntries(range(6, 5).map(id => [id, 50]))
      }
    })
    const outcome = await runPlan(byCertificate(range(1, 10)), api, clock)
    expect(outcome.stop?.reason).toBe('missing-permission')
    expect(outcome.results.slice(0, 7).map(r => r.fate)).toEqual([
      'failed',
      'failed',
      'failed',
      'sent',
      'sent',
      'sent',
      'sent'
    ])
    expect(outcome.results.slice(8).map(r => r.fate)).toEqual(['unsent', 'unsent'])
  })

  it('goes on past a missing permission when one of the first 3 IDs was sent', async () => {
    const clock = new FakeClock()
    const denied = [missingPermission()]
    const api = new ScriptedApi(clock, {
      sends: { '1': denied, '2': [204], '3': denied, '4': denied, '5': denied, '6': [204] }
    })
    const outcome = await runPlan(byCertificate(range(1, 6), { concurrency: 1 }), api, clock)
    expect(api.sends()).toHaveLength(6)
    expect(outcome.results.map(r => r.fate)).toEqual([
      'failed',
      'sent',
      'failed',
      'failed',
      'failed',
      'sent'
    ])
    expect(outcome.stop).toBeUndefined()
  })
})

describe('runPlan: an outage while orders wait for issuance', () => {
  const SIX_HOURS = 6 * 3600

  it('goes on through a minute without an answer: the order is sent once the host answers', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lookups: {
        '5': [
          'pending',
          unreached(),
          silentTimeout(),
          unreached(),
          unreached(),
          'pending',
          'issued'
        ]
      }
    })
    const outcome = await runPlan(byOrder(['5'], { waitSeconds: SIX_HOURS, log }), api, clock)
    // four checks in a row fail, from 5 s to 75 s; each goes on to the next check
    expect(api.lookups().map(c => c.at)).toEqual([
      0, 5_000, 15_000, 35_000, 75_000, 155_000, 275_000
    ])
    expect(outcome.stop).toBeUndefined()
    expect(api.sends().map(c => [c.id, c.at])).toEqual([[certificateOf('5'), 275_000]])
    expect(outcome.results[0]).toMatchObject({
      id: '5',
      fate: 'sent',
      status: 204,
      attempts: 1,
      lookups: 7
    })
    expect(of('info').map(l => l.message)).toContain(
      `order 5: check 5 failed (${unreached().message}); trying again at the next check in 80.0 s`
    )
  })

  it('stops after ten minutes without an answer, the orders waiting unsent', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '5': ['pending', unreached()], '6': ['pending', 'pending', unreached()] }
    })
    const outcome = await runPlan(byOrder(['5', '6'], { waitSeconds: SIX_HOURS }), api, clock)
    // 6's answer at 5 s ends the first streak; the silence begins with 5's check at 15 s, and the
    // first check to end 10 min after that (5's, at 635 s) stops the run: 6 is not checked again
    const checks = [0, 5_000, 15_000, 35_000, 75_000, 155_000, 275_000, 395_000, 515_000]
    expect(api.lookups('5').map(c => c.at)).toEqual([...checks, 635_000])
    expect(api.lookups('6').map(c => c.at)).toEqual(checks)
    expect(clock.time).toBe(635_000)
    expect(outcome.stop).toEqual({
      reason: 'unreachable',
      id: '5',
      message: `no answer from CertCentral for 15 requests in a row over 10 min 20 s, longer than the next checks of the orders waiting could bridge (10 min), so the rest were not tried (the last: ${unreached().message})`
    })
    expect(api.sends()).toEqual([])
    for (const result of outcome.results)
      expect(result).toMatchObject({
        fate: 'unsent',
        orderStatus: 'pending',
        error:
          "not sent: CertCentral gave no answer to 3 requests in a row (the last for order 5); check the runner's network, proxy and api-url, then send it again"
      })
  })

  it('still stops after 3 requests in a row when no order waits any more', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      sends: Object.fromEntries(range(1, 6).map(id => [certificateOf(id), [unreached()]])),
      latencyMs: Object.fromEntries(range(1, 6).map(id => [certificateOf(id), 10]))
    })
    const outcome = await runPlan(byOrder(range(1, 6), { waitSeconds: SIX_HOURS }), api, clock)
    // the orders are issued at their first check, at once: no order waits, and the sends on the
    // wire get no answer at 10 ms; the third in a row stops the run
    expect(api.lookups().every(c => c.at === 0)).toBe(true)
    expect(api.sends().length).toBeGreaterThanOrEqual(3)
    expect(api.sends().every(c => c.at === 0)).toBe(true)
    expect(outcome.stop).toMatchObject({ reason: 'unreachable' })
    expect(outcome.results.map(r => r.fate)).toEqual(Array(6).fill('unsent'))
    expect(clock.time).toBe(10)
  })
})
