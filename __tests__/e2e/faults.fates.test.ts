// Issue 22, "every fate true": what a hostile server and a real runner did to the fates, thrown at
// the bundled action under this machine's Node and Node 24, against the real stand-in on
// loopback. Each test names the point of the issue it shows: a look-up cancelled by the runner
// sent nothing (1), a server that sends headers and then stalls stops the run (2), a short outage
// does not end a long wait for issuance, and a skipped ID says why in `results` (7).
//
// Loopback only: every child runs with the network guard's preload (no DNS, nothing beyond
// 127.0.0.1); time is bent by preloads from support/clock.ts, never by waiting for it.
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { batchRunner } from '../support/batch.js'
import { randomSerial } from '../support/certificates.js'
import { BENT_CLOCK } from '../support/clock.js'
import { messagesOf } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { certificateOf, freshId, requestsFor, type StandIn } from '../support/standin.js'

let standIn: StandIn
let guard: NetworkGuard | undefined
let guardArgs: string[]
/** Node flags that load BENT_CLOCK: waits of 1.5 s or more pass in milliseconds. */
let bentClockArgs: string[]

beforeAll(async () => {
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  writeFileSync(join(guard.dir, 'bent-clock.mjs'), BENT_CLOCK)
  bentClockArgs = ['--import', pathToFileURL(join(guard.dir, 'bent-clock.mjs')).href]
  node24() // resolves the Node 24 that npm ci installed (or $NODE24) before any test needs it
  standIn = await startStandIn()
})
afterAll(async () => {
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

const { startBatch, checkBatch, runBatch } = batchRunner({
  standIn: () => standIn,
  guardArgs: () => guardArgs
})

/** Waits until `done()` holds, or fails after `ms`. */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const by = performance.now() + ms
  while (!done()) {
    if (performance.now() > by) throw new Error('never got there')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe.each(RUNTIMES)('dist/index.js under %s', (_, binary) => {
  describe('1. a look-up cancelled by the runner sent nothing: unsent, not failed', () => {
    it.each([
      ['an order’s Order info while it waits for issuance', 'order-id'],
      ['Order info by serial (the look-up chain)', 'serial-number']
    ] as const)('SIGTERM during %s', async (_, input) => {
      const id = input === 'order-id' ? freshId() : randomSerial()
      if (input === 'order-id') standIn.setOrder(id, { statuses: ['pending'] })
      standIn.setFault(id, { kind: 'hang' })
      let child: ChildProcess | undefined
      const running = startBatch(
        [id],
        {
          'certificate-id': '',
          [input]: id,
          'wait-for-issuance': input === 'order-id' ? '1h' : '0',
          // the look-up hangs until the runner cancels the step, not until its deadline
          'timeout-seconds': '60'
        },
        { node: binary(), onSpawn: spawned => (child = spawned) }
      )
      await until(() => requestsFor(standIn, id).length === 1)
      await new Promise(resolve => setTimeout(resolve, 200))
      child?.kill('SIGTERM')
      const { run, results } = checkBatch(await running, [id], { exitWithinMs: 15_000 })
      expect(run.code).toBe(1)
      expect(requestsFor(standIn, id).map(r => r.method)).toEqual(['GET'])
      expect(results[0]).toMatchObject({
        id,
        ok: false,
        outcome: 'unsent',
        attempts: 0,
        lookups: 1
      })
      const said = 'cancelled while a look-up was in flight: nothing was sent; send it again'
      expect(results[0]?.error).toBe(said)
      expect(run.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '', 'sent-ids': '' })
      expect(run.stdout).not.toMatch(/may have been sent/)
      expect(messagesOf(run.stdout, 'error').join('\n')).toContain(said)
      expect(run.summary).toContain(said)
    })
  })

  describe('2. a server that sends headers and then stalls stops the run', () => {
    it('sixteen sends each getting 200 headers and no body: about one timeout, the rest unsent', async () => {
      const ids = Array.from({ length: 16 }, freshId)
      for (const id of ids) standIn.setFault(id, { kind: 'hang-mid-body', status: 200 })
      // sixteen timeouts of 2 s, four at a time, would take 8 s: the run ends after about one
      const { run, results } = await runBatch(
        ids,
        { 'timeout-seconds': '2' },
        { node: binary(), exitWithinMs: 5_000 }
      )
      expect(run.code).toBe(1)
      const tried = results.filter(r => r.attempts > 0)
      // those in flight when the third timeout in a row stopped the run (four at a time)
      expect(tried.length).toBeGreaterThanOrEqual(3)
      expect(tried.length).toBeLessThanOrEqual(4)
      expect(requestsFor(standIn, ...ids)).toHaveLength(tried.length)
      for (const result of tried) {
        // a send whose answer never came whole may have been acted on
        expect(result).toMatchObject({ ok: false, outcome: 'failed', status: 200 })
        expect(result.error).toMatch(
          new RegExp(
            `^timed out after 2 s waiting for 127\\.0\\.0\\.1:\\d+ \\(HTTP 200 arrived, its body did not\\); it may have been sent`
          )
        )
      }
      const left = results.filter(r => r.attempts === 0)
      expect(left).toHaveLength(16 - tried.length)
      for (const result of left) {
        expect(result.outcome).toBe('unsent')
        expect(result.error).toMatch(/^not attempted: CertCentral gave no answer to 3 requests/)
      }
      expect(run.outputs['unsent-ids']).toBe(left.map(r => r.id).join(','))
      expect(run.outputs['failed-ids']).toBe(tried.map(r => r.id).join(','))
    })
  })

  describe('7. a short outage does not end a long wait', () => {
    it('four checks in a row without an answer while an order waits: it is sent once the host answers', async () => {
      const id = freshId()
      standIn.setOrder(id, { statuses: ['pending', 'issued'] })
      // four checks time out (1 s each, for real), over about 75 s of the action's clock
      standIn.setFault(id, { kind: 'hang', times: 4 })
      const { run, results } = await runBatch(
        [id],
        { 'certificate-id': '', 'order-id': id, 'wait-for-issuance': '6h' },
        { node: binary(), nodeArgs: bentClockArgs, exitWithinMs: 15_000 }
      )
      expect(run.code).toBe(0)
      expect(results[0]).toMatchObject({ id, ok: true, outcome: 'sent', status: 204 })
      expect(requestsFor(standIn, id).map(r => r.method)).toEqual(Array(6).fill('GET'))
      expect(requestsFor(standIn, certificateOf(id)).map(r => r.method)).toEqual(['PUT'])
      expect(run.outputs).toMatchObject({ 'sent-ids': id, 'unsent-ids': '', 'failed-ids': '' })
    })
  })

  describe('7. a skipped entry in results carries its reason, as failed ones do', () => {
    it('a skipped ID carries its reason in results, as the log and the summary say it', async () => {
      const id = freshId()
      standIn.setOrder(id, { statuses: ['issued'], dateIssued: '2020-03-01T12:00:00+00:00' })
      const { run, results } = await runBatch(
        [id],
        { 'certificate-id': '', 'order-id': id, 'issued-within': '1d' },
        { node: binary() }
      )
      expect(run.code).toBe(0)
      const reason = 'issued on 2020-03-01, longer ago than issued-within (1 d): skipped, not sent'
      expect(results[0]).toMatchObject({ id, ok: true, outcome: 'skipped', reason })
      expect(results[0]).not.toHaveProperty('error')
      expect(run.stdout).toContain(`order ${id}: ${reason}`)
      expect(run.summary).toContain(reason)
      expect(run.outputs['skipped-ids']).toBe(id)
    })
  })
})

describe("7. a long outage still stops a wait (this machine's node)", () => {
  it('ten minutes without an answer while an order waits: the run stops, the order unsent', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['pending'] })
    // every check times out (1 s each, for real); the polls between them pass at once on the
    // action's clock: 5 s, 10 s, 20 s … 2 min apart, so the tenth check ends past 10 min
    standIn.setFault(id, { kind: 'hang' })
    const { run, results } = await runBatch(
      [id],
      { 'certificate-id': '', 'order-id': id, 'wait-for-issuance': '6h' },
      { nodeArgs: bentClockArgs, exitWithinMs: 25_000 }
    )
    expect(run.code).toBe(1)
    expect(requestsFor(standIn, id)).toHaveLength(10)
    expect(results[0]).toMatchObject({ id, ok: false, outcome: 'unsent', attempts: 0, lookups: 10 })
    expect(results[0]?.error).toMatch(/^not sent: CertCentral gave no answer to 3 requests/)
    expect(run.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '', 'sent-ids': '' })
    expect(run.summary).toMatch(
      /no answer from CertCentral for 10 requests in a row over 10 min \d+ s, longer than the next checks of the orders waiting could bridge \(10 min\)/
    )
  })
})
