// run() in-process (issue 22): the step's INPUT_ variables judged before any request (a misspelled
// input is an input error, any other INPUT_ variable a warning), certificate-file read before the
// plan, and a walk cancelled by SIGTERM: nothing sent, every output written, the verdict says so.
// The real @actions/core; the server is the CertCentral stand-in.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/main.js'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { parseOutputFile } from '../../standin/run-action.js'
import { tempDir, type TempDir } from '../support/certificates.js'
import { actAsRunner, messagesOf } from '../support/log.js'
import { EMPTY_OUTPUTS } from '../support/outputs.js'
import { freshId, requestsFor, type StandIn } from '../support/standin.js'

let standIn: StandIn
let tree: TempDir

const dir = mkdtempSync(join(tmpdir(), 'main-inputs-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }
let printed: string[]

beforeAll(async () => {
  standIn = await startStandIn()
  tree = tempDir()
  for (let i = 0; i < 50; i++) tree.write(`d${i}/e/f.txt`, '')
})
afterAll(async () => {
  await standIn.close()
  tree.cleanup()
})

beforeEach(() => {
  for (const name of Object.keys(process.env))
    if (/^(INPUT_|RUNNER_DEBUG$|DIGICERT_API_KEY$|GITHUB_WORKSPACE$)/.test(name))
      vi.stubEnv(name, undefined)
  printed = actAsRunner(files)
})
afterEach(() => {
  vi.unstubAllEnvs()
  process.exitCode = undefined
})

/** Sets the inputs (by their names in action.yml) as the runner does, and starts run(). */
function start(values: Record<string, string>): Promise<void> {
  const all = { 'api-key': standIn.apiKey, 'api-url': standIn.baseUrl, ...values }
  for (const [name, value] of Object.entries(all)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)
  return run()
}

const log = (): string => printed.join('')
const outputs = (): Record<string, string> => parseOutputFile(readFileSync(files.output, 'utf8'))
const summary = (): string => readFileSync(files.summary, 'utf8')

describe('run() with INPUT_ variables', () => {
  it('refuses a misspelled input before any request, naming the input meant', async () => {
    const id = freshId()
    vi.stubEnv('INPUT_ISSUED-WHITHIN', '1d')
    await start({ operation: 'send-certificate', 'order-id': id, emails: 'ops@example.com' })
    expect(requestsFor(standIn, id)).toEqual([])
    expect(process.exitCode).toBe(1)
    expect(messagesOf(log(), 'error')).toEqual([
      '`issued-whithin` is not an input of this action; did you mean `issued-within`? (its value was ignored)'
    ])
    expect(outputs()).toEqual(EMPTY_OUTPUTS)
  })

  it('warns of an INPUT_ variable unlike any input, naming it but not its value, and sends', async () => {
    const id = freshId()
    vi.stubEnv('INPUT_FOO', 'a value of the workflow')
    await start({ operation: 'send-certificate', 'certificate-id': id, emails: 'ops@example.com' })
    expect(requestsFor(standIn, id)).toHaveLength(1)
    expect(process.exitCode).toBeUndefined()
    const warnings = messagesOf(log(), 'warning')
    expect(warnings).toContainEqual(expect.stringContaining('`INPUT_FOO`'))
    expect(log()).not.toContain('a value of the workflow')
    expect(outputs()['sent-ids']).toBe(id)
  })
})

describe('run() cancelled while certificate-file is matched', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: nothing sent, every output written, the verdict says so',
    async signal => {
      vi.stubEnv('GITHUB_WORKSPACE', tree.dir)
      const before = process.listeners(signal)
      const running = start({
        operation: 'send-certificate',
        'certificate-file': '**/**/**/*.pem',
        emails: 'ops@example.com'
      })
      // run() is now inside the walk, waiting on the file system: the signal's handler is set
      const added = process.listeners(signal).filter(listener => !before.includes(listener))
      expect(added).toHaveLength(1)
      const requests = standIn.requests.length
      for (const listener of added) listener(signal)
      await running
      expect(standIn.requests.length).toBe(requests)
      expect(process.listeners(signal)).toEqual(before)
      expect(process.exitCode).toBe(1)
      expect(messagesOf(log(), 'warning')).toContain(
        `${signal}: the run was cancelled; reporting what was done`
      )
      expect(messagesOf(log(), 'error')).toEqual([
        'cancelled while matching certificate-file patterns: nothing was sent'
      ])
      expect(outputs()).toEqual(EMPTY_OUTPUTS)
      expect(summary()).toContain('DigiCert CertCentral: cancelled, nothing sent')
      expect(summary()).toContain(
        'cancelled while matching certificate-file patterns: nothing was sent'
      )
    }
  )

  it('reads no file when certificate-file is not given', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', tree.dir)
    vi.stubEnv('RUNNER_DEBUG', '1')
    const id = freshId()
    await start({ operation: 'send-certificate', 'certificate-id': id, emails: 'ops@example.com' })
    expect(requestsFor(standIn, id)).toHaveLength(1)
    expect(log()).not.toContain('certificate-file: matching')
  })

  it('says where it matches the patterns, in the debug log', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', tree.dir)
    await start({
      operation: 'send-certificate',
      'certificate-file': 'd0/e/f.txt',
      emails: 'ops@example.com'
    })
    expect(messagesOf(log(), 'debug')).toContain(
      `certificate-file: matching the patterns under ${tree.dir}`
    )
    expect(messagesOf(log(), 'error')).toEqual([
      'certificate-file: "d0/e/f.txt" holds no certificate (neither PEM nor DER)'
    ])
  })
})
