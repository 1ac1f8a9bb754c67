// The fault suite: every way a network or a server can misbehave, thrown at the bundled action
// through the real stand-in on loopback. Each ends with a clear error for the affected ID,
// correct results for every ID, the key absent from all output, and a prompt exit.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn, type Fault } from '../standin/certcentral-standin.js'
import { runAction, type ActionRun } from '../standin/run-action.js'

type StandIn = Awaited<ReturnType<typeof startStandIn>>
let standIn: StandIn
/** A second server on another port: the target of a cross-port redirect. */
let elsewhere: Server
let elsewhereHits = 0
let elsewhereUrl = ''

const TIMEOUT_SECONDS = 1
/** The process must be gone within timeout-seconds + 2 s. */
const EXIT_WITHIN_MS = (TIMEOUT_SECONDS + 2) * 1000

beforeAll(async () => {
  standIn = await startStandIn()
  elsewhere = createServer((req, res) => {
    elsewhereHits++
    res.end(JSON.stringify({ got: req.headers['x-dc-devkey'] ?? null }))
  })
  await new Promise<void>(resolve => elsewhere.listen(0, '127.0.0.1', resolve))
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/services/v2/certificate/1/sendemail`
})
afterAll(async () => {
  elsewhere.close()
  await standIn.close()
})

let nextId = 9000
const freshId = () => String(nextId++)

interface Result {
  id: string
  ok: boolean
  status: number | null
  error?: string
  attempts: number
}

async function runBatch(
  ids: string[],
  inputs: Record<string, string> = {}
): Promise<{ run: ActionRun; results: Result[] }> {
  const run = await runAction({
    inputs: {
      operation: 'send-certificate',
      'api-key': standIn.apiKey,
      'api-url': standIn.baseUrl,
      'certificate-id': ids.join(' '),
      emails: 'ops@example.com',
      'timeout-seconds': String(TIMEOUT_SECONDS),
      ...inputs
    },
    killAfterMs: 20_000
  })
  // whatever happened, the key is nowhere but in the mask command
  const printed = run.stdout.replace(`::add-mask::${standIn.apiKey}`, '') + run.stderr
  expect(printed).not.toContain(standIn.apiKey)
  expect(JSON.stringify(run.outputs)).not.toContain(standIn.apiKey)
  expect(run.summary).not.toContain(standIn.apiKey)
  expect(run.signal).toBeNull()
  expect(run.durationMs).toBeLessThan(EXIT_WITHIN_MS)
  const results = JSON.parse(run.outputs.results ?? 'null') as Result[]
  expect(results.map(r => r.id)).toEqual(ids)
  return { run, results }
}

const faults: [string, () => Fault, RegExp, number | null][] = [
  [
    'no answer at all',
    () => ({ kind: 'hang' }),
    /^timed out after 1 s waiting for 127\.0\.0\.1:\d+;/,
    null
  ],
  [
    'headers, then silence mid-body',
    () => ({ kind: 'hang-mid-body' }),
    /^timed out after 1 s waiting for 127\.0\.0\.1:\d+ \(HTTP 500 arrived, its body did not\)/,
    500
  ],
  [
    'a reset before the request body is read',
    () => ({ kind: 'reset-before-body' }),
    /^could not complete the request to 127\.0\.0\.1:\d+ \((ECONNRESET|EPIPE)/,
    null
  ],
  [
    'a reset after the request body',
    () => ({ kind: 'reset-after-body' }),
    /^could not complete the request to 127\.0\.0\.1:\d+ \(ECONNRESET/,
    null
  ],
  [
    'a redirect to another port',
    () => ({ kind: 'redirect', location: elsewhereUrl }),
    /^HTTP 302: CertCentral answered with a redirect to http:\/\/127\.0\.0\.1:\d+\/services\/v2\/certificate\/1\/sendemail, which is not followed/,
    302
  ],
  [
    'a redirect loop',
    () => ({
      kind: 'redirect',
      location: `${standIn.baseUrl}/certificate/9999/sendemail`,
      status: 301
    }),
    /^HTTP 301: CertCentral answered with a redirect to .*\/certificate\/9999\/sendemail/,
    301
  ],
  [
    'a 5 MB body',
    () => ({ kind: 'big-body', bytes: 5 * 1024 * 1024 }),
    /^HTTP 500: body: x{1024}… .*\(cut off\)$/,
    500
  ],
  [
    'a non-JSON error body',
    () => ({
      kind: 'status',
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>'
    }),
    /^HTTP 502: body: <html><body><h1>502 Bad Gateway<\/h1><\/body><\/html>$/,
    502
  ],
  [
    'JSON without an errors array',
    () => ({ kind: 'status', status: 400, body: '{"error":"bad thing"}' }),
    /^HTTP 400: body: \{"error":"bad thing"\}$/,
    400
  ],
  ['an empty 500', () => ({ kind: 'status', status: 500 }), /^HTTP 500: empty body$/, 500]
]

describe('fault suite', () => {
  it.each(faults)('%s', async (_, fault, message, status) => {
    const [before, faulty, after] = [freshId(), freshId(), freshId()]
    standIn.setFault(faulty, fault())
    const hitsBefore = elsewhereHits
    const { run, results } = await runBatch([before, faulty, after])
    expect(run.code).toBe(1)
    expect(results[0]).toEqual({ id: before, ok: true, status: 204, attempts: 1 })
    expect(results[2]).toEqual({ id: after, ok: true, status: 204, attempts: 1 })
    expect(results[1]).toMatchObject({ id: faulty, ok: false, status, attempts: 1 })
    expect(results[1]?.error).toMatch(message)
    expect(run.stdout).toContain(
      `::error title=CertCentral send-certificate failed for certificate ${faulty}::`
    )
    // nothing followed a redirect, so the key never reached another port
    expect(elsewhereHits).toBe(hitsBefore)
    // a 5xx, a timeout or a reset is never retried
    expect(standIn.requests.filter(r => r.id === faulty)).toHaveLength(1)
  })

  it.each([
    ['as seconds', '7', '7'],
    ['as an HTTP date', () => new Date(Date.now() + 20_000).toUTCString(), /^(19|20)$/],
    ['absent', undefined, '']
  ] as const)('429 with Retry-After %s', async (_, header, retryAfter) => {
    const [before, faulty, after] = [freshId(), freshId(), freshId()]
    const value = typeof header === 'function' ? header() : header
    standIn.setFault(
      faulty,
      value === undefined ? { kind: 'rate-limit' } : { kind: 'rate-limit', retryAfter: value }
    )
    const { run, results } = await runBatch([before, faulty, after])
    expect(run.code).toBe(1)
    expect(results[1]).toMatchObject({ id: faulty, ok: false, status: 429, attempts: 1 })
    expect(results[1]?.error).toContain(
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded'
    )
    expect(run.outputs['retry-after']).toMatch(retryAfter)
    // the other two were in flight together with it: they finish and are reported
    expect([results[0]?.ok, results[2]?.ok]).toEqual([true, true])
  })

  it('connection refused', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const ids = [freshId(), freshId()]
    const { run, results } = await runBatch(ids, {
      'api-url': `http://127.0.0.1:${port}/services/v2`
    })
    expect(run.code).toBe(1)
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, status: null, attempts: 1 })
      expect(result.error).toBe(
        `could not complete the request to 127.0.0.1:${port} (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port})`
      )
    }
    expect(run.outputs['status-code']).toBe('')
  })

  it('a batch where faults hit some IDs and not others reports each correctly', async () => {
    const ids = Array.from({ length: 12 }, freshId)
    const plan: Record<number, [Fault, RegExp]> = {
      1: [{ kind: 'not-found' }, /^HTTP 404: not_found: Not found\.$/],
      4: [{ kind: 'hang' }, /^timed out after 1 s/],
      5: [{ kind: 'status', status: 503 }, /^HTTP 503: empty body$/],
      8: [{ kind: 'reset-after-body' }, /ECONNRESET/],
      10: [
        {
          kind: 'status',
          status: 400,
          body: '{"errors":[{"code":"invalid_value:emails","message":"x"}]}'
        },
        /^HTTP 400: invalid_value:emails: x$/
      ]
    }
    for (const [index, [fault]] of Object.entries(plan))
      standIn.setFault(ids[Number(index)] as string, fault)
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    results.forEach((result, index) => {
      const expected = plan[index]
      if (expected) {
        expect(result.ok, result.id).toBe(false)
        expect(result.error).toMatch(expected[1])
      } else {
        expect(result, result.id).toEqual({ id: ids[index], ok: true, status: 204, attempts: 1 })
      }
    })
    const annotations = run.stdout.split('\n').filter(line => line.startsWith('::error title='))
    expect(annotations).toHaveLength(5)
    expect(run.stdout).toContain('send-certificate failed for 5 of 12 certificates')
  })
})
