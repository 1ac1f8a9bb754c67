// The fault suite for an unreliable world (issue 16): transient failures, gateways, full disks, an
// unreachable host and clock steps, thrown at the bundled action through the real stand-in on
// loopback. Each test names the point of the issue it shows; every ID's fate must be true and say
// what to do next: sent, unsent (send again) or failed (fix something first).
//
// Loopback only: every child runs with the network guard's preload (no DNS, nothing beyond
// 127.0.0.1); time is bent by preloads from support/clock.ts, never by waiting for it.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn, type Fault } from '../../standin/certcentral-standin.js'
import { startConnectProxy } from '../../standin/connect-proxy.js'
import type { ActionRun } from '../../standin/run-action.js'
import { type Result } from '../support/action.js'
import { batchRunner, sent } from '../support/batch.js'
import { BENT_CLOCK } from '../support/clock.js'
import { messagesOf, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { certificateOf, freshId, requestsFor, type StandIn } from '../support/standin.js'
import { blackHole, canBlackHole, closedPort, silentHost } from '../support/unreachable.js'

let standIn: StandIn
let guard: NetworkGuard | undefined
let guardArgs: string[]
/** Node flags that load BENT_CLOCK; its environment (see there) says how it bends time. */
let bentClockArgs: string[]

beforeAll(async () => {
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  writeFileSync(join(guard.dir, 'bent-clock.mjs'), BENT_CLOCK)
  bentClockArgs = ['--import', pathToFileURL(join(guard.dir, 'bent-clock.mjs')).href]
  standIn = await startStandIn()
})
afterAll(async () => {
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

const { runBatch } = batchRunner({ standIn: () => standIn, guardArgs: () => guardArgs })

/** Waits of 1.5 s or more pass in milliseconds, both clocks moving on; deadlines run for real. */
const quick = (): { nodeArgs: string[]; exitWithinMs: number } => ({
  nodeArgs: bentClockArgs,
  exitWithinMs: 15_000
})

/** An order run: send-certificate by order ID. */
const byOrder = (id: string, wait = '0'): Record<string, string> => ({
  'certificate-id': '',
  'order-id': id,
  'wait-for-issuance': wait
})

const methods = (id: string): string[] => requestsFor(standIn, id).map(r => r.method)

/** The waits the 429/503 warnings announce, in seconds. */
const announcedWaits = (stdout: string): number[] =>
  messagesOf(stdout, 'warning')
    .map(message => /; retry \d+ of \d+ in ([\d.]+) s/.exec(message)?.[1])
    .filter((wait): wait is string => wait !== undefined)
    .map(Number)

const UNKNOWN = /may have been sent: check the audit log/

describe('1. a blip while waiting for issuance does not end the wait', () => {
  it.each<[string, Fault]>([
    ['a 502', { kind: 'status', status: 502, times: 1 }],
    [
      'a 504 with an HTML page',
      { kind: 'status', status: 504, body: '<html>504</html>', times: 1 }
    ],
    ['a timeout', { kind: 'hang', times: 1 }],
    ['a reset after the request', { kind: 'reset-after-body', times: 1 }],
    ['a reset mid-body', { kind: 'reset-after-headers', times: 1 }]
  ])('%s on one Order info look-up: checked again, then sent once issued', async (_, fault) => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['pending', 'issued'] })
    standIn.setFault(id, fault)
    const { run, results } = await runBatch([id], byOrder(id, '30m'), quick())
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, ok: true, outcome: 'sent', status: 204 })
    expect(methods(id)).toEqual(['GET', 'GET', 'GET'])
    expect(requestsFor(standIn, certificateOf(id)).map(r => r.method)).toEqual(['PUT'])
    expect(run.outputs).toMatchObject({ 'sent-ids': id, 'failed-ids': '', 'unsent-ids': '' })
  })

  it('with wait-for-issuance 0, a failing look-up is tried twice more, seconds apart', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'status', status: 502, times: 2 })
    // real time: the two retries wait 2 s and 4 s (or so), which is what is measured here
    const { run, results } = await runBatch([id], byOrder(id), { exitWithinMs: 15_000 })
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, outcome: 'sent' })
    const gets = requestsFor(standIn, id)
    expect(gets.map(r => r.status)).toEqual([502, 502, 200])
    const gaps = [1, 2].map(i => (gets[i]?.at ?? 0) - (gets[i - 1]?.at ?? 0))
    expect(gaps[0]).toBeGreaterThanOrEqual(900)
    expect(gaps[1]).toBeGreaterThanOrEqual(gaps[0] as number)
    expect(run.durationMs).toBeLessThan(12_000)
  })

  it('with wait-for-issuance 0, three failed look-ups leave the order unsent, naming the last', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'reset-after-headers' })
    const { run, results } = await runBatch([id], byOrder(id), quick())
    expect(run.code).toBe(1)
    expect(methods(id)).toEqual(['GET', 'GET', 'GET'])
    expect(requestsFor(standIn, certificateOf(id))).toEqual([])
    // nothing was sent: a look-up is always safe to repeat
    expect(results[0]).toMatchObject({ id, ok: false, outcome: 'unsent' })
    expect(results[0]?.error).toMatch(/ECONNRESET/)
    expect(results[0]?.error).not.toMatch(UNKNOWN)
    expect(run.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '' })
  })

  it('a definite answer ends an order at once: 404 not_found|order is not looked up again', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'not-found' })
    const { run, results } = await runBatch([id], byOrder(id, '30m'), quick())
    expect(run.code).toBe(1)
    expect(methods(id)).toEqual(['GET'])
    expect(results[0]).toMatchObject({ id, outcome: 'failed', status: 404 })
  })
})

describe('2. a 2xx is sent only when it is an answer from CertCentral', () => {
  it.each<[string, Fault, number]>([
    ['a 200 with an HTML sign-in page', { kind: 'sign-in-page' }, 200],
    ['a 200 with DigiCert errors', { kind: 'ok-with-errors' }, 200],
    ['a 200 with a JSON array', { kind: 'status', status: 200, body: '[]' }, 200],
    ['a 201 with plain text', { kind: 'status', status: 201, body: 'OK' }, 201],
    ['a 200 with a JSON object', { kind: 'status', status: 200, body: '{"ok":true}' }, 200]
  ])('%s fails the ID and the step', async (_, fault, status) => {
    const [before, faulty] = [freshId(), freshId()]
    standIn.setFault(faulty, fault)
    const { run, results } = await runBatch([before, faulty])
    expect(run.code).toBe(1)
    expect(results[0]).toEqual(sent(before))
    expect(results[1]).toMatchObject({ id: faulty, ok: false, outcome: 'failed', status })
    expect(run.outputs).toMatchObject({ 'sent-ids': before, 'failed-ids': faulty })
    expect(messagesOf(run.stdout, 'error').some(m => m.includes(`certificate ${faulty}`))).toBe(
      true
    )
  })

  it.each<[string, string]>([
    ['an empty 200', ''],
    ['a 200 with an empty JSON object', '{}']
  ])('%s is sent', async (_, body) => {
    const id = freshId()
    standIn.setFault(id, { kind: 'status', status: 200, body })
    const { run, results } = await runBatch([id])
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, ok: true, outcome: 'sent', status: 200 })
  })
})

describe('3. outputs that cannot be written do not lose what happened', () => {
  it.each([
    ['on a full disk', '/dev/full', /ENOSPC/],
    ['in a missing folder', '/nonexistent-certcentral-test/output', /ENOENT|[Mm]issing file/]
  ])(
    'GITHUB_OUTPUT %s: the summary and the log still name every ID sent',
    async (_, file, code) => {
      const ids = [freshId(), freshId(), freshId()]
      const { run } = await runBatchWithoutOutputs(ids, { GITHUB_OUTPUT: file })
      expect(run.code).toBe(1)
      for (const id of ids) expect(run.summary).toContain(`<td>${id}</td>`)
      const errors = messagesOf(run.stdout, 'error')
      const lost = errors.find(m => m.includes('could not be written'))
      expect(lost).toBeDefined()
      expect(lost).toContain(`3 sent (${ids.join(', ')})`)
      expect(lost).toMatch(code)
      expect(lost).toContain('do not send these again')
      expect(run.stdout).not.toMatch(/unexpected error/i)
      for (const id of ids) expect(requestsFor(standIn, id)).toHaveLength(1)
    }
  )

  it('a step summary on a full disk: every output is still written', async () => {
    const ids = [freshId(), freshId()]
    const { run } = await runBatchWithoutOutputs(ids, { GITHUB_STEP_SUMMARY: '/dev/full' })
    expect(run.outputs['sent-ids']).toBe(ids.join(','))
    expect(JSON.parse(run.outputs.results ?? '[]')).toEqual(ids.map(sent))
    expect(run.stdout).not.toMatch(/unexpected error/i)
  })

  /** A run whose outputs or summary go somewhere unwritable: checked without resultsOf. */
  async function runBatchWithoutOutputs(
    ids: string[],
    env: Record<string, string>
  ): Promise<{ run: ActionRun }> {
    const { startBatch } = batchRunner({ standIn: () => standIn, guardArgs: () => guardArgs })
    const run = await startBatch(ids, {}, { env })
    expect(run.stderr).toBe('')
    expect(run.signal).toBeNull()
    expect(run.durationMs).toBeLessThan(5000)
    return { run }
  }
})

describe('4. an unreachable CertCentral: a 300-ID batch ends in seconds', () => {
  const ids = (): string[] => Array.from({ length: 300 }, freshId)

  /** Every ID unsent, at most a few tried, the run over in seconds. */
  function expectAllUnsent(run: ActionRun, results: Result[], batch: string[]): void {
    expect(run.code).toBe(1)
    expect(results.every(r => r.outcome === 'unsent')).toBe(true)
    expect(results.filter(r => r.attempts > 0).length).toBeLessThanOrEqual(6)
    expect(run.outputs['unsent-ids']).toBe(batch.join(','))
    expect(run.outputs['failed-ids']).toBe('')
    expect(results.at(-1)?.error).toMatch(/^not attempted: /)
    for (const result of results) expect(result.error).not.toMatch(UNKNOWN)
  }

  it('a refused host: every ID unsent, stopped after 3 requests in a row without an answer', async () => {
    const batch = ids()
    const port = await closedPort()
    const { run, results } = await runBatch(
      batch,
      { 'api-url': `http://127.0.0.1:${port}/services/v2` },
      { exitWithinMs: 10_000, killAfterMs: 15_000 }
    )
    expectAllUnsent(run, results, batch)
    expect(results[0]?.error).toMatch(/ECONNREFUSED/)
  })

  it.skipIf(!canBlackHole)(
    'a black-holed host (connections never complete): every ID unsent',
    async () => {
      const hole = await blackHole()
      try {
        const batch = ids()
        const { run, results } = await runBatch(
          batch,
          { 'api-url': `http://127.0.0.1:${hole.port}/services/v2` },
          { exitWithinMs: 10_000, killAfterMs: 15_000 }
        )
        expectAllUnsent(run, results, batch)
        expect(results[0]?.error).toMatch(
          /^could not reach 127\.0\.0\.1:\d+ \(ETIMEDOUT: .*\): nothing was sent/
        )
      } finally {
        await hole.close()
      }
    }
  )

  it('a proxy that never answers CONNECT: every ID unsent', async () => {
    const proxy = await startConnectProxy({ mode: 'never-answer' })
    try {
      const batch = ids()
      const { run, results } = await runBatch(
        batch,
        { 'api-url': 'https://certcentral.test:8443/services/v2' },
        { env: { https_proxy: proxy.url }, exitWithinMs: 10_000, killAfterMs: 15_000 }
      )
      expectAllUnsent(run, results, batch)
      expect(proxy.dials).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('a host that accepts and never answers: the few in flight failed, the rest unsent', async () => {
    const host = await silentHost()
    try {
      const batch = ids()
      const { run, results } = await runBatch(
        batch,
        { 'api-url': `http://127.0.0.1:${host.port}/services/v2` },
        { exitWithinMs: 10_000, killAfterMs: 15_000 }
      )
      expect(run.code).toBe(1)
      const tried = results.filter(r => r.attempts > 0)
      expect(tried.length).toBeGreaterThanOrEqual(3)
      expect(tried.length).toBeLessThanOrEqual(6)
      // each may have been written before the silence: the outcome is unknown
      for (const result of tried) {
        expect(result.outcome).toBe('failed')
        expect(result.error).toMatch(UNKNOWN)
      }
      for (const result of results.filter(r => r.attempts === 0))
        expect(result).toMatchObject({
          outcome: 'unsent',
          error: expect.stringMatching(/^not attempted: /)
        })
      expect(host.connections()).toBeLessThanOrEqual(6)
    } finally {
      await host.close()
    }
  })
})

describe('5. the right bucket: DigiCert said later, or the order is not issued yet', () => {
  it('a 503 with Retry-After is retried like a 429, and retry-after stays empty once sent', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'unavailable', retryAfter: '1', times: 1 })
    const { run, results } = await runBatch([id], { 'max-retries': '2' }, { exitWithinMs: 8000 })
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, outcome: 'sent', status: 204, attempts: 2 })
    expect(requestsFor(standIn, id).map(r => r.status)).toEqual([503, 204])
    expect(run.outputs['retry-after']).toBe('')
  })

  it('a 503 with Retry-After and max-retries 0: unsent, retry-after set, the run stops', async () => {
    const ids = Array.from({ length: 8 }, freshId)
    for (const id of ids.slice(0, 4))
      standIn.setFault(id, { kind: 'unavailable', retryAfter: '30' })
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    expect(results.map(r => r.outcome)).toEqual(Array(8).fill('unsent'))
    for (const result of results.slice(0, 4)) expect(result).toMatchObject({ status: 503 })
    expect(requestsFor(standIn, ...ids.slice(4))).toEqual([])
    expect(run.outputs).toMatchObject({
      'unsent-ids': ids.join(','),
      'failed-ids': '',
      'retry-after': '30',
      'status-code': '503'
    })
  })

  it('a retried 429 that then succeeded leaves retry-after empty', async () => {
    const [limited, other] = [freshId(), freshId()]
    standIn.setFault(limited, { kind: 'rate-limit', retryAfter: '1', times: 1 })
    const { run, results } = await runBatch(
      [limited, other],
      { 'max-retries': '1' },
      {
        exitWithinMs: 8000
      }
    )
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ outcome: 'sent', attempts: 2 })
    expect(run.outputs['retry-after']).toBe('')
  })

  it('wait-for-issuance 0 on a pending order: unsent, nothing sent', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['pending'] })
    const { run, results } = await runBatch([id], byOrder(id))
    expect(run.code).toBe(1)
    expect(methods(id)).toEqual(['GET'])
    expect(results[0]).toMatchObject({ id, ok: false, outcome: 'unsent' })
    expect(results[0]?.error).toMatch(/pending/)
    expect(run.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '' })
  })

  it('an order still pending when the wait ends: unsent', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['needs_approval'] })
    const { run, results } = await runBatch([id], byOrder(id, '1m'), quick())
    expect(run.code).toBe(1)
    expect(methods(id).length).toBeGreaterThan(1)
    expect(results[0]).toMatchObject({ id, ok: false, outcome: 'unsent' })
    expect(results[0]?.error).toMatch(/needs_approval/)
    expect(run.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '' })
  })
})

describe('6. stop when going on cannot help, and only then', () => {
  const errorsBody = (code: string, status = 400): Fault => ({
    kind: 'status',
    status,
    body: JSON.stringify({ errors: [{ code, message: `${code} for this request.` }] })
  })

  it('the same bad_request_format for 3 IDs in a row stops the run; the rest unsent', async () => {
    const ids = Array.from({ length: 20 }, freshId)
    for (const id of ids) standIn.setFault(id, errorsBody('bad_request_format'))
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    const tried = requestsFor(standIn, ...ids)
    expect(tried.length).toBeGreaterThanOrEqual(3)
    expect(tried.length).toBeLessThanOrEqual(6)
    for (const result of results.filter(r => r.attempts > 0))
      expect(result).toMatchObject({ outcome: 'failed', status: 400 })
    const left = results.filter(r => r.attempts === 0)
    expect(left.length).toBeGreaterThanOrEqual(14)
    for (const result of left) {
      expect(result.outcome).toBe('unsent')
      expect(result.error).toMatch(/^not attempted: .*bad_request_format/)
    }
  })

  it('one access_denied|missing_permission among others fails that ID only', async () => {
    const ids = Array.from({ length: 6 }, freshId)
    standIn.setFault(ids[3] as string, errorsBody('access_denied|missing_permission', 403))
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    results.forEach((result, i) => {
      if (i === 3) expect(result).toMatchObject({ outcome: 'failed', status: 403 })
      else expect(result).toEqual(sent(ids[i] as string))
    })
    expect(run.outputs['failed-ids']).toBe(ids[3])
  })

  it('missing_permission for the first 3 IDs tried stops the run', async () => {
    const ids = Array.from({ length: 12 }, freshId)
    // Every ID that can start before the third one ends is denied (4 in flight, then one more as
    // each of the first two ends, and one as the third ends): whichever three end first, all were
    // denied, so the test does not hang on the order in which answers arrive.
    for (const id of ids.slice(0, 7))
      standIn.setFault(id, errorsBody('access_denied|missing_permission', 403))
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    expect(requestsFor(standIn, ...ids.slice(7))).toEqual([])
    for (const result of results.slice(7)) {
      expect(result.outcome).toBe('unsent')
      expect(result.error).toMatch(/^not attempted: .*permission/i)
    }
  })
})

describe('7. the wall clock drives no wait', () => {
  it('a step forward of an hour in the middle of a 30-minute wait does not end it', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['pending', 'pending', 'pending', 'issued'] })
    const { run, results } = await runBatch([id], byOrder(id, '30m'), {
      ...quick(),
      env: { STEP_MS: String(3_600_000), STEP_AT: 'first-skip', SKIP_MOVES_DATE: '0' }
    })
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, outcome: 'sent' })
    expect(methods(id)).toEqual(['GET', 'GET', 'GET', 'GET'])
  })

  it('a step back of an hour in the middle of a 429 pause does not stretch it', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '2', times: 1 })
    const { run, results } = await runBatch(
      [id],
      { 'max-retries': '1' },
      {
        ...quick(),
        env: { STEP_MS: String(-3_600_000), STEP_AT: 'first-skip', SKIP_MOVES_DATE: '0' },
        exitWithinMs: 8000,
        killAfterMs: 20_000
      }
    )
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, outcome: 'sent', attempts: 2 })
  })
})

describe('8. Retry-After that asks for no wait still waits', () => {
  it('Retry-After: 0 waits at least 1 s, doubling per retry of the same ID', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '0' })
    // real time: this is what the floor is for
    const { run, results } = await runBatch(
      [id],
      { 'max-retries': '2' },
      { exitWithinMs: 10_000, killAfterMs: 15_000 }
    )
    expect(run.code).toBe(1)
    expect(results[0]).toMatchObject({ outcome: 'unsent', status: 429, attempts: 3 })
    const at = requestsFor(standIn, id).map(r => r.at)
    expect(at).toHaveLength(3)
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(950)
    expect((at[2] as number) - (at[1] as number)).toBeGreaterThanOrEqual(1950)
    expect(announcedWaits(run.stdout)).toEqual([1, 2])
  })

  it('Retry-After: 0 with max-retries 10 does not spend the retries in milliseconds', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '0' })
    const { run } = await runBatch([id], { 'max-retries': '10' }, quick())
    expect(run.code).toBe(1)
    const waits = announcedWaits(run.stdout)
    expect(waits.length).toBeGreaterThanOrEqual(5)
    // 1, 2, 4 … s, each capped at the 300 s any single wait may last
    waits.forEach((wait, i) => expect(wait).toBeGreaterThanOrEqual(Math.min(2 ** i, 300)))
  })

  it('a Retry-After date already past waits at least 1 s', async () => {
    const id = freshId()
    standIn.setFault(id, {
      kind: 'rate-limit',
      retryAfter: new Date(Date.now() - 60_000).toUTCString(),
      times: 1
    })
    const { run, results } = await runBatch([id], { 'max-retries': '1' }, { exitWithinMs: 8000 })
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ outcome: 'sent', attempts: 2 })
    const at = requestsFor(standIn, id).map(r => r.at)
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(950)
  })

  it.each([
    ['an hour ahead', 3_600_000],
    ['an hour behind', -3_600_000]
  ])(
    'a Retry-After date is read against the answer’s Date, not a runner clock %s',
    async (_, step) => {
      const id = freshId()
      const now = Date.now()
      standIn.setFault(id, {
        kind: 'rate-limit',
        retryAfter: new Date(now + 3000).toUTCString(),
        date: new Date(now).toUTCString(),
        times: 1
      })
      const { run, results } = await runBatch(
        [id],
        { 'max-retries': '1' },
        {
          nodeArgs: bentClockArgs,
          // nothing skipped: the 3 s are waited for real
          env: { STEP_MS: String(step), STEP_AT: 'start', SKIP_FROM_MS: String(10 ** 9) },
          exitWithinMs: 10_000
        }
      )
      expect(run.code).toBe(0)
      expect(results[0]).toMatchObject({ outcome: 'sent', attempts: 2 })
      const [wait] = announcedWaits(run.stdout)
      expect(wait).toBeGreaterThanOrEqual(2)
      expect(wait).toBeLessThanOrEqual(4)
      const at = requestsFor(standIn, id).map(r => r.at)
      expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(1900)
    }
  )
})

describe('9. an Order info over 64 KiB is read whole', () => {
  it('an order with 3000 SANs is sent once issued', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'many-sans', sans: 3000 })
    const { run, results } = await runBatch([id], byOrder(id))
    expect(run.code).toBe(0)
    expect(results[0]).toMatchObject({ id, outcome: 'sent', status: 204 })
    expect(requestsFor(standIn, certificateOf(id)).map(r => r.method)).toEqual(['PUT'])
    expect(workflowCommands(run.stdout).filter(c => c.name === 'error')).toEqual([])
  })
})
