// End-to-end: what dist/index.js publishes of recipients and the custom message, by the
// repository's visibility (the event file) and summary-details, and a summary that never depends
// on the event file; then `results` within its budget for 16,000 IDs. Run the way the runner runs
// it, against the stand-in on loopback, under this machine's Node and Node 24.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { runAction, type ActionRun } from '../../standin/run-action.js'
import { RESULTS_BUDGET, outputSize } from '../../src/report/results.js'
import { resultsOf } from '../support/action.js'
import { REPOSITORIES, eventFile } from '../support/event.js'
import { count, expectCleanRun, messagesOf } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES } from '../support/node24.js'
import { freshId, requestsFor, type StandIn } from '../support/standin.js'

let standIn: StandIn
let guard: NetworkGuard | undefined
let guardArgs: string[]

beforeAll(async () => {
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  standIn = await startStandIn()
})
afterAll(async () => {
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

const LINK = 'href="https://github.com/octo-org/renewals/actions/runs/4242"'
const MESSAGE = 'Renewed today.\nPlease install by Friday.\n'
const COUNTED =
  '<li><strong>Recipients</strong>: 2 recipients at example.com, example.org</li><li><strong>Format</strong>: attachment</li><li><strong>Message</strong>: a custom message (41 characters)</li>'
const FULL =
  '<li><strong>Recipients</strong>: ops@example.com, pki@example.org</li><li><strong>Format</strong>: attachment</li><li><strong>Message</strong>: Renewed today. Please install by Friday.</li>'

describe.each(RUNTIMES)('dist/index.js under %s', (_, nodePath) => {
  const send = (inputs: Record<string, string>, env: Record<string, string>) => {
    const id = freshId()
    const run = runAction({
      inputs: {
        'api-url': standIn.baseUrl,
        'api-key': standIn.apiKey,
        operation: 'send-certificate',
        'certificate-id': id,
        emails: 'ops@example.com, pki@example.org',
        message: MESSAGE,
        ...inputs
      },
      env,
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 20_000
    })
    return run.then(result => ({ id, result }))
  }
  const expectCounted = (result: ActionRun): void => {
    expect(result.summary).toContain(COUNTED)
    for (const hidden of ['ops@', 'pki@', 'Friday']) expect(result.summary).not.toContain(hidden)
  }

  it('a public repository: recipients by count and domain, the message by length; sent as given', async () => {
    const { id, result } = await send({}, { GITHUB_EVENT_PATH: eventFile(REPOSITORIES.public) })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(messagesOf(result.stdout, 'warning')).toEqual([])
    expectCounted(result)
    expect(result.summary).toContain(
      '<p>Recipients and the message are shown by count: the repository is public (summary-details: full shows them).</p>'
    )
    expect(result.summary).toContain(LINK)
    expect(requestsFor(standIn, id)[0]?.body).toEqual({
      emails: ['ops@example.com', 'pki@example.org'],
      certificate_collect_format: 'attachment',
      custom_message: MESSAGE
    })
  })

  it('a private repository keeps the addresses and the message; full shows them in public too', async () => {
    for (const [inputs, repository] of [
      [{}, REPOSITORIES.private],
      [{ 'summary-details': 'full' }, REPOSITORIES.public]
    ] as const) {
      const { result } = await send(inputs, { GITHUB_EVENT_PATH: eventFile(repository) })
      expect(result.code).toBe(0)
      expect(result.summary).toContain(FULL)
      expect(result.summary).not.toContain('shown by count')
    }
  })

  it('counts: by count in a private repository too', async () => {
    const { result } = await send(
      { 'summary-details': 'counts' },
      { GITHUB_EVENT_PATH: eventFile(REPOSITORIES.private) }
    )
    expect(result.code).toBe(0)
    expectCounted(result)
  })

  it('no event file named: by count, without a warning', async () => {
    const { result } = await send({}, {})
    expect(result.code).toBe(0)
    expect(messagesOf(result.stdout, 'warning')).toEqual([])
    expectCounted(result)
    expect(result.summary).toContain('the event file does not say whether the repository is public')
  })

  it('an event file missing or unreadable: the summary and its link still written, one warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-dir-'))
    for (const [path, reason] of [
      [join(dir, 'gone.json'), 'ENOENT: no such file or directory'],
      [dir, 'EISDIR: illegal operation on a directory']
    ]) {
      const { result } = await send({}, { GITHUB_EVENT_PATH: path as string })
      expect(result.code).toBe(0)
      expectCleanRun(result, standIn.apiKey)
      expect(messagesOf(result.stdout, 'warning')).toEqual([
        `the event file (GITHUB_EVENT_PATH) could not be read (${reason}): the repository is taken as public, so the job summary shows recipients and the message by count (summary-details: full shows them)`
      ])
      expect(result.stdout).not.toContain(path as string)
      expect(count(result.stdout, '::warning')).toBe(1)
      expectCounted(result)
      expect(result.summary).toContain(LINK)
    }
  })

  it('a dry run and the debug log in public: addresses as …@domain, the message by length', async () => {
    const { result } = await send(
      { 'dry-run': 'true' },
      { GITHUB_EVENT_PATH: eventFile(REPOSITORIES.public), RUNNER_DEBUG: '1' }
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('"…@example.com"')
    expect(result.stdout).toContain('"…@example.org"')
    // the message by count as a placeholder, not a JSON string that reads as the text sent
    const placeholder = '<a custom message of 41 characters, not shown>'
    expect(result.stdout).toContain(`"custom_message": ${placeholder}`)
    expect(result.stdout).toContain(`"custom_message":${placeholder}`)
    expect(result.stdout).not.toMatch(/"custom_message": ?"/)
    expect(result.stdout).toContain('::debug::plan: ')
    for (const hidden of ['ops@', 'pki@', 'Friday']) expect(result.stdout).not.toContain(hidden)
    expectCounted(result)
  })
})

describe("dist/index.js under this machine's node: results at 16,000 IDs", () => {
  it('a 16,000-ID dry run: results within its budget, every output together under 1 MB', async () => {
    const ids = Array.from({ length: 16_000 }, freshId)
    const result = await runAction({
      inputs: {
        'api-url': standIn.baseUrl,
        'api-key': standIn.apiKey,
        operation: 'send-certificate',
        'certificate-id': ids.join(','),
        emails: 'ops@example.com',
        'dry-run': 'true'
      },
      nodeArgs: guardArgs,
      killAfterMs: 60_000
    })
    expect(result.code).toBe(0)
    const results = result.outputs.results ?? ''
    expect(outputSize(results)).toBeLessThanOrEqual(RESULTS_BUDGET)
    const all = Object.values(result.outputs).reduce((sum, value) => sum + outputSize(value), 0)
    expect(all).toBeLessThan(1_000_000)
    expect(resultsOf(result)).toEqual([])
    expect(messagesOf(result.stdout, 'warning')).toEqual([
      "results: only the 0 IDs not sent are listed (errors cut to 40 characters) to keep the output within its budget (GitHub holds a job's outputs to 1 MB); the other 16000 went through (sent-ids lists those sent)"
    ])
  })
})
