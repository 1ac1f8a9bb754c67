// Unit tests of main.ts's run(): the key masked first, and what is published when a stage fails.
// @actions/core is wrapped, not replaced (support/core.ts): every call goes through to the real
// toolkit and is recorded, so the order of calls can be checked.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CoreCall } from '../support/core.js'
import { actAsRunner, messagesOf } from '../support/log.js'
import { RUN_OUTPUT_ORDER } from '../support/outputs.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const calls = vi.hoisted(() => [] as CoreCall[])
/** How many of the next calls of each function throw (setOutput: as an outputs file that is gone would). */
const failing = vi.hoisted(() => ({ setOutput: 0, setFailed: 0 }) as Record<string, number>)

vi.mock('@actions/core', async importOriginal => {
  const { recordingCore } = await import('../support/core.js')
  return recordingCore(await importOriginal<typeof import('@actions/core')>(), calls, failing)
})

const { USER_AGENT, run } = await import('../../src/main.js')
const { parseOutputFile } = await import('../../standin/run-action.js')

// Nothing listens here: a request that should never be made fails on loopback, never on the net.
const CLOSED_PORT_URL = 'http://127.0.0.1:9/services/v2'
const dir = mkdtempSync(join(tmpdir(), 'main-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }
let printed: string[]

beforeEach(() => {
  calls.length = 0
  failing.setOutput = 0
  failing.setFailed = 0
  for (const name of Object.keys(process.env)) {
    if (
      /^(INPUT_|RUNNER_DEBUG$|DIGICERT_API_KEY$|GITHUB_REPOSITORY$|GITHUB_RUN_ID$|GITHUB_EVENT_PATH$)/.test(
        name
      )
    )
      vi.stubEnv(name, undefined)
  }
  printed = actAsRunner(files)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  process.exitCode = undefined
})

function inputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values))
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)
}

describe('USER_AGENT', () => {
  it('names the action and its version', () => {
    expect(USER_AGENT).toMatch(
      /^certcentral-email-action\/\d+\.\d+\.\d+ \(GitHub Action; node v\d+/
    )
  })
})

describe('run', () => {
  it('masks the key before any other call to the toolkit, then reports bad inputs', async () => {
    inputs({
      'api-key': 'run-KEY-1234',
      'api-url': CLOSED_PORT_URL,
      operation: 'send-certificate',
      'certificate-id': '123',
      emails: 'ops@example.com',
      format: 'zip'
    })
    await run()
    expect(calls.slice(0, 2)).toEqual([
      { name: 'getInput', args: ['api-key', expect.anything()] },
      { name: 'setSecret', args: ['run-KEY-1234'] }
    ])
    expect(printed[0]).toBe('::add-mask::run-KEY-1234\n')
    expect(process.exitCode).toBe(1)
    const setFailed = calls.filter(c => c.name === 'setFailed')
    expect(setFailed).toHaveLength(1)
    expect(setFailed[0]?.args[0]).toMatch(/^format: "zip"/)
    expect(parseOutputFile(readFileSync(files.output, 'utf8')).results).toBe('[]')
    expect(printed.slice(1).join('')).not.toContain('run-KEY-1234')
  })

  it.each([
    ['auto without an event file', {}, undefined, false],
    ['auto in a private repository', {}, true, true],
    ['auto in a public repository', {}, false, false],
    ['full in a public repository', { 'summary-details': 'full' }, false, true],
    ['counts in a private repository', { 'summary-details': 'counts' }, true, false],
    ['an invalid value in a private repository', { 'summary-details': 'fulll' }, true, false]
  ])(
    'input problems show recipients as the summary would, summary-details %s',
    async (_, given, isPrivate, full) => {
      if (isPrivate !== undefined) {
        const path = join(dir, `event-${String(isPrivate)}.json`)
        writeFileSync(path, JSON.stringify({ repository: { private: isPrivate } }))
        vi.stubEnv('GITHUB_EVENT_PATH', path)
      }
      inputs({
        'api-key': 'run-KEY-1234',
        'api-url': CLOSED_PORT_URL,
        operation: 'email-site-seal',
        'order-id': '123',
        emails: 'Ops@Example.com, pki@example.org',
        ...given
      })
      await run()
      expect(process.exitCode).toBe(1)
      const got = full
        ? 'got 2 recipients (Ops@Example.com, pki@example.org)'
        : 'got 2 recipients (…@example.com, …@example.org)'
      const verdict = String(calls.find(c => c.name === 'setFailed')?.args[0])
      expect(verdict).toContain(got)
      const summary = readFileSync(files.summary, 'utf8')
      expect(summary).toContain(got)
      if (!full)
        for (const text of [printed.join(''), summary]) {
          expect(text).not.toContain('Ops@')
          expect(text).not.toContain('pki@')
        }
    }
  )

  it('an output that cannot be written: the others, the summary, and a verdict saying so, never "unexpected error"', async () => {
    inputs({
      'api-key': 'run-KEY-1234',
      'api-url': CLOSED_PORT_URL,
      operation: 'send-certificate',
      'certificate-id': '123,124',
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    failing.setOutput = 1
    await run()
    const message =
      'send-certificate: nothing was sent, but the output status-code could not be written (the outputs file is gone)'
    expect(messagesOf(printed.join(''), 'error')).toEqual([message])
    expect(calls.filter(c => c.name === 'setOutput').map(c => c.args[0])).toEqual(RUN_OUTPUT_ORDER)
    const written = parseOutputFile(readFileSync(files.output, 'utf8'))
    expect(Object.keys(written)).toEqual(RUN_OUTPUT_ORDER.filter(name => name !== 'status-code'))
    expect(written['sent-ids']).toBe('')
    expect(readFileSync(files.summary, 'utf8')).toMatch(
      /^<p><strong>send-certificate: nothing was sent, but the output status-code could not be written \(the outputs file is gone\)<\/strong><\/p>\n<h2>/
    )
    expect(process.exitCode).toBe(1)
  })

  it('a failure publishing an outcome never reports its IDs as unsent: the verdict alone', async () => {
    inputs({
      'api-key': 'run-KEY-1234',
      'api-url': CLOSED_PORT_URL,
      operation: 'send-certificate',
      'certificate-id': '127',
      emails: 'ops@example.com'
    })
    failing.setFailed = 1
    await run()
    const shown = parseOutputFile(readFileSync(files.output, 'utf8'))
    // Its fate, from the run (a closed port: never reached), not from the failure to publish.
    expect(shown).toMatchObject({ 'unsent-ids': '127', 'failed-ids': '', 'sent-ids': '' })
    expect(calls.filter(c => c.name === 'setOutput')).toHaveLength(7)
    expect(calls.filter(c => c.name === 'setFailed')).toHaveLength(2)
    expect(messagesOf(printed.join(''), 'error')).toEqual(['unexpected error: setFailed broke'])
    expect(process.exitCode).toBe(1)
  })

  it('a failure before the outcome reports every ID unsent, and its verdict goes out even when that fails', async () => {
    inputs({
      'api-key': 'run-KEY-1234',
      'api-url': CLOSED_PORT_URL,
      operation: 'send-certificate',
      'certificate-id': '125,126',
      emails: 'ops@example.com'
    })
    const broken = {
      now: (): number => {
        throw new Error('the clock broke')
      },
      wallNow: (): number => Date.now(),
      sleep: async (): Promise<void> => undefined,
      random: (): number => 0.5
    }
    await run(broken)
    expect(parseOutputFile(readFileSync(files.output, 'utf8'))['unsent-ids']).toBe('125,126')
    expect(messagesOf(printed.join(''), 'error')).toEqual(['unexpected error: the clock broke'])

    printed.length = 0
    calls.length = 0
    failing.setOutput = 1
    await run(broken)
    expect(calls.filter(c => c.name === 'setOutput')).toHaveLength(7)
    expect(parseOutputFile(readFileSync(files.output, 'utf8'))['unsent-ids']).toBe('125,126')
    expect(messagesOf(printed.join(''), 'error')).toEqual([
      'the output status-code could not be written (the outputs file is gone). unexpected error: the clock broke'
    ])
    expect(process.exitCode).toBe(1)

    // A report that cannot be published at all: its verdict alone, once.
    printed.length = 0
    calls.length = 0
    failing.setFailed = 1
    await run(broken)
    expect(calls.filter(c => c.name === 'setFailed')).toHaveLength(2)
    expect(messagesOf(printed.join(''), 'error')).toEqual(['unexpected error: the clock broke'])
  })
})
