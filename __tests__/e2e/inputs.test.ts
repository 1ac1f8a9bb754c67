// End-to-end (issue 22): the bundled dist/index.js, run the way the runner runs it, under this
// machine's Node and Node 24, on the step's inputs and certificate files: a misspelled input
// (an INPUT_ variable close to a declared one) fails before any request, any other INPUT_
// variable is a warning; a matched file whose name an ID cannot hold (a line break, a comma) is
// an input error and no raw line break reaches any output or log line; a file's common name is
// looked up as the certificate holds it (UTF-8, a comma); a pattern that matches nothing says so,
// naming the workspace only for a relative one; SIGTERM during a long walk ends the step at once,
// nothing sent, with the cancellation's verdict.
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address, and this process refuses DNS lookups too.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ROOT, runAction, type ActionRun } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import {
  linkedTree,
  makeCertificates,
  orderHolding,
  type Certificates,
  type Holding,
  type TestCertificate
} from '../support/certificates.js'
import { expectCleanRun, messagesOf, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, type StandIn } from '../support/standin.js'

const V2 = '/services/v2'
const CANCELLED = 'cancelled while matching certificate-file patterns: nothing was sent'

let guard: NetworkGuard | undefined
let guardArgs: string[]
let standIn: StandIn
let certs: Certificates
/** A certificate whose common name holds `ü` and `,`, held by its order as a duplicate. */
let umlaut: TestCertificate
let umlautHolding: Holding
/** A workspace whose walk is long: `self` is a linkedTree (beforeAll). */
let loop: string

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  node24()
  certs = await makeCertificates()
  umlaut = await certs.leaf({ commonName: 'bücher,example', dnsNames: ['xn--bcher-kva.example'] })
  // a duplicate is found only through its common name: the look-up must ask for it as it is
  umlautHolding = orderHolding(umlaut, 'duplicate')
  standIn = await startStandIn({ account: { orders: [umlautHolding.order] } })
  certs.writeLeaf(umlaut, 'umlaut/cert.pem')
  const leaf = await certs.leaf({ commonName: 'names.example.com' })
  certs.writeLeaf(leaf, 'names/a\n::warning::x.pem')
  certs.writeLeaf(leaf, 'names/b,c.pem')
  loop = join(certs.dir, 'loop')
  linkedTree(join(loop, 'self'))
})
afterAll(async () => {
  await standIn?.close()
  certs?.cleanup()
  expect(guard?.uninstall()).toEqual([])
})

/** Every line of the log, every output and the summary: none holds what `text` matches. */
function expectNowhere(result: ActionRun, text: RegExp) {
  for (const line of result.stdout.split('\n')) expect(line).not.toMatch(text)
  for (const value of Object.values(result.outputs)) expect(value).not.toMatch(text)
  expect(result.summary).not.toMatch(text)
}

describe.each(RUNTIMES)('dist/index.js under %s', (_, nodePath) => {
  const run = (
    inputs: Record<string, string>,
    options: { env?: Record<string, string>; signalOn?: { stdout: RegExp; signal: 'SIGTERM' } } = {}
  ) =>
    runAction({
      inputs: {
        operation: 'send-certificate',
        'api-url': standIn.baseUrl,
        'api-key': standIn.apiKey,
        emails: 'ops@example.com',
        ...inputs
      },
      env: { GITHUB_WORKSPACE: certs.dir, ...options.env },
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 30_000,
      ...(options.signalOn ? { signalOn: options.signalOn } : {})
    })

  it('refuses a misspelled input (issued-whithin) before any request, naming issued-within', async () => {
    const before = standIn.requests.length
    const result = await run(
      { 'order-id': freshId() },
      { env: { 'INPUT_ISSUED-WHITHIN': '1d', 'INPUT_MAX-RETRY': '2' } }
    )
    expect(result.code).toBe(1)
    expect(standIn.requests.length).toBe(before)
    const errors = messagesOf(result.stdout, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(
      '`issued-whithin` is not an input of this action; did you mean `issued-within`? (its value was ignored)'
    )
    expect(errors[0]).toContain('did you mean `max-retries`?')
    expect(result.outputs).toMatchObject({ results: '[]', 'sent-ids': '' })
    expect(result.summary).toContain('invalid inputs, nothing sent')
  })

  it('only warns of an INPUT_ variable unlike any input, never showing its value, and sends', async () => {
    const id = freshId()
    const result = await run(
      { 'certificate-id': id },
      { env: { INPUT_FOO: 'the-workflow-value', 'INPUT_NODE-VERSION': '24' } }
    )
    expect(result.code).toBe(0)
    expect(standIn.requests.filter(r => r.id === id).map(r => r.method)).toEqual(['PUT'])
    expect(messagesOf(result.stdout, 'warning')).toEqual([
      "environment variables that are not inputs of this action were ignored: `INPUT_FOO`, `INPUT_NODE-VERSION` (a key under with: that is no input, or set by the workflow's env: or an enclosing action)"
    ])
    expect(result.stdout).not.toContain('the-workflow-value')
    expect(result.outputs['sent-ids']).toBe(id)
  })

  it.each([
    [
      'a line break',
      'names/a*.pem',
      '"names/a\\n::warning::x.pem"',
      'a control character (U+000A)'
    ],
    ['a comma', 'names/b*.pem', '"names/b,c.pem"', 'a comma (certificate-file splits on it)']
  ])(
    'refuses a file whose name holds %s, naming it safely, before any request',
    async (_, pattern, shown, what) => {
      const before = standIn.requests.length
      const result = await run({ 'certificate-file': pattern })
      expect(result.code).toBe(1)
      expect(standIn.requests.length).toBe(before)
      expect(messagesOf(result.stdout, 'error')).toEqual([
        `certificate-file: ${shown} has a name that holds ${what}, which an ID cannot hold; rename the file, or give a pattern that leaves it out`
      ])
      // the runner reads one command a line: no line of the log starts one from the file's name
      expect(workflowCommands(result.stdout).map(c => c.name)).toEqual([
        'add-mask',
        'debug',
        'error'
      ])
      expectNowhere(result, /^::warning::x\.pem/m)
      expect(result.outputs).toMatchObject({ results: '[]', 'sent-ids': '', 'failed-ids': '' })
      for (const value of Object.values(result.outputs)) expect(value).not.toContain('\n')
      expect(result.stderr).toBe('')
    }
  )

  it('looks a file up by its common name as the certificate holds it (ü and a comma)', async () => {
    const before = standIn.requests.length
    const result = await run({ 'certificate-file': 'umlaut/cert.pem' })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const paths = standIn.requests.slice(before).map(r => r.path)
    const listed = paths.filter(p => p.includes('filters[common_name]'))
    expect(listed).toEqual([
      `${V2}/order/certificate?filters[common_name]=b%C3%BCcher%2Cexample&filters[status]=issued&offset=0&limit=100`
    ])
    expect(paths.at(-1)).toBe(`${V2}/certificate/${umlautHolding.certificateId}/sendemail`)
    expect(resultsOf(result)).toEqual([
      expect.objectContaining({
        id: 'umlaut/cert.pem',
        outcome: 'sent',
        common_name: 'bücher,example',
        certificate_id: String(umlautHolding.certificateId)
      })
    ])
  })

  it('says a pattern matches no file, naming the workspace for a relative one only', async () => {
    const relative = await run({ 'certificate-file': 'missing.pem' })
    const absolute = await run({ 'certificate-file': join(certs.dir, 'missing.pem') })
    expect(messagesOf(relative.stdout, 'error')).toEqual([
      `certificate-file: "missing.pem" matches no file (relative to the workspace ${certs.dir})`
    ])
    expect(messagesOf(absolute.stdout, 'error')).toEqual([
      `certificate-file: ${JSON.stringify(join(certs.dir, 'missing.pem'))} matches no file`
    ])
    expect([relative.code, absolute.code]).toEqual([1, 1])
  })

  it('ends at once on SIGTERM during a long walk: nothing sent, every output, the verdict', async () => {
    const before = standIn.requests.length
    const result = await run(
      { 'certificate-file': 'self/**/x' },
      {
        env: { GITHUB_WORKSPACE: loop },
        signalOn: { stdout: /^::debug::certificate-file: matching/m, signal: 'SIGTERM' }
      }
    )
    expect(result.signalledAtMs).toBeDefined()
    expect(result.durationMs - (result.signalledAtMs ?? 0)).toBeLessThan(2000)
    expect(result.signal).toBeNull()
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    expect(standIn.requests.length).toBe(before)
    expect(messagesOf(result.stdout, 'warning')).toEqual([
      'SIGTERM: the run was cancelled; reporting what was done'
    ])
    expect(messagesOf(result.stdout, 'error')).toEqual([CANCELLED])
    expect(result.outputs).toEqual({
      'status-code': '',
      'sent-ids': '',
      'failed-ids': '',
      'retry-after': '',
      'unsent-ids': '',
      'skipped-ids': '',
      results: '[]'
    })
    expect(result.summary).toContain('cancelled, nothing sent')
    expect(result.summary).toContain(CANCELLED)
  })
})
