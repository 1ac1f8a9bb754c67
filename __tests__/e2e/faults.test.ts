// The fault suite: every way a network, a proxy or a hostile server can misbehave, thrown at the
// bundled action through the real stand-in on loopback. Each ends with a clear error for the
// affected ID, correct results for every ID, the key absent from all output, no workflow command
// but the action's own, and a prompt exit (timeout-seconds + 2 s).
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address (and says so on stderr, which must stay empty); certcentral.test is
// resolved by the CONNECT proxy alone. This process refuses DNS lookups too.
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn, type Fault } from '../../standin/certcentral-standin.js'
import { startConnectProxy } from '../../standin/connect-proxy.js'
import { runAction, type ActionRun } from '../../standin/run-action.js'
import { makeTestCa, type TestCa } from '../../standin/test-ca.js'
import { MIB, resultsOf } from '../support/action.js'
import { batchRunner, sent } from '../support/batch.js'
import { FAST_CLOCK } from '../support/clock.js'
import { expectCleanRun, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { freshId, requestsFor, type StandIn } from '../support/standin.js'

let standIn: StandIn
/** A second server on another port: the target of a cross-port redirect. */
let elsewhere: Server
let elsewhereHits = 0
let elsewhereUrl = ''
let guard: NetworkGuard | undefined
let guardArgs: string[]
let fastClockArgs: string[]
/**
 * 300 IDs take ~10 s of pacing (DigiCert's 100 requests per 5 s): that run starts in the first
 * hook on a stand-in of its own and goes on while the other tests run; its test awaits it.
 */
let bulk: StandIn
let bulkRun: Promise<{ ids: string[]; run: ActionRun }>
/**
 * 60 KB with few characters JSON escapes, so that the body stays under what the action reads.
 * Each ID's code starts with its own number: the same error for 3 IDs in a row stops a run.
 */
const BIG_CODE = ('\n\n::error title=FAKE::big\n| x |' + 'A'.repeat(2000))
  .repeat(31)
  .slice(0, 60 * 1024)

beforeAll(async () => {
  // No name may be looked up in this process either.
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  writeFileSync(join(guard.dir, 'fast-clock.mjs'), FAST_CLOCK)
  fastClockArgs = ['--import', pathToFileURL(join(guard.dir, 'fast-clock.mjs')).href]
  standIn = await startStandIn()
  bulk = await startStandIn()
  const ids = Array.from({ length: 300 }, freshId)
  for (const id of ids)
    bulk.setFault(id, {
      kind: 'status',
      status: 400,
      body: JSON.stringify({
        errors: [{ code: `${id}${BIG_CODE}`.slice(0, BIG_CODE.length), message: 'm' }]
      })
    })
  bulkRun = startBatch(ids, { 'api-url': bulk.baseUrl }).then(run => ({ ids, run }))
  bulkRun.catch(() => {})
  elsewhere = createServer((req, res) => {
    elsewhereHits++
    res.end(JSON.stringify({ got: req.headers['x-dc-devkey'] ?? null }))
  })
  await new Promise<void>(resolve => elsewhere.listen(0, '127.0.0.1', resolve))
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/services/v2/certificate/1/sendemail`
})
afterAll(async () => {
  await Promise.allSettled([bulkRun])
  await bulk?.close()
  await new Promise(resolve => elsewhere?.close(resolve))
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

const { startBatch, checkBatch, runBatch } = batchRunner({
  standIn: () => standIn,
  guardArgs: () => guardArgs
})

const faults: [string, () => Fault, RegExp, number | null][] = [
  [
    'no answer at all',
    () => ({ kind: 'hang' }),
    /^timed out after 1 s waiting for 127\.0\.0\.1:\d+\b(?=.*may have been sent: check the audit log)/,
    null
  ],
  [
    'a body that trickles forever',
    () => ({ kind: 'trickle' }),
    /^timed out after 1 s waiting for 127\.0\.0\.1:\d+ \(HTTP 500 arrived, its body did not\)(?=.*may have been sent: check the audit log)/,
    500
  ],
  [
    'headers that trickle forever',
    () => ({ kind: 'trickle-headers' }),
    /^timed out after 1 s waiting for 127\.0\.0\.1:\d+\b(?=.*may have been sent: check the audit log)/,
    null
  ],
  [
    'headers, then silence mid-body',
    () => ({ kind: 'hang-mid-body' }),
    /^timed out after 1 s waiting for 127\.0\.0\.1:\d+ \(HTTP 500 arrived, its body did not\)(?=.*may have been sent: check the audit log)/,
    500
  ],
  [
    'a reset before the request body is read',
    () => ({ kind: 'reset-before-body' }),
    /^the connection to 127\.0\.0\.1:\d+ failed \((ECONNRESET|EPIPE)(?=.*may have been sent: check the audit log)/,
    null
  ],
  [
    'a reset after the request body',
    () => ({ kind: 'reset-after-body' }),
    /^the connection to 127\.0\.0\.1:\d+ failed \(ECONNRESET(?=.*may have been sent: check the audit log)/,
    null
  ],
  [
    'a reset after the headers',
    () => ({ kind: 'reset-after-headers', status: 502 }),
    /^HTTP 502 from 127\.0\.0\.1:\d+, then the connection failed while reading its body \(ECONNRESET(?=.*may have been sent: check the audit log)/,
    502
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
    /^HTTP 301: CertCentral answered with a redirect to .*\/certificate\/9999\/sendemail, which is not followed/,
    301
  ],
  [
    'a 5 MB body',
    () => ({ kind: 'big-body', bytes: 5 * 1024 * 1024 }),
    // the results must still say that the body was cut off, not only how long the message was
    /^HTTP 500 \(it may have been sent: check the audit log in CertCentral before sending it again\): body \(cut off after 64 KiB\): x{400,}/,
    500
  ],
  [
    'a non-JSON error body',
    () => ({
      kind: 'status',
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>'
    }),
    /^HTTP 502 \(it may have been sent: check the audit log in CertCentral before sending it again\): body: <html><body><h1>502 Bad Gateway<\/h1><\/body><\/html>/,
    502
  ],
  [
    'JSON without an errors array',
    () => ({ kind: 'status', status: 400, body: '{"error":"bad thing"}' }),
    /^HTTP 400: body: \{"error":"bad thing"\}$/,
    400
  ],
  [
    'a truncated JSON body',
    () => ({ kind: 'status', status: 500, body: '{"errors":[{"code":"internal' }),
    /^HTTP 500 \(it may have been sent: check the audit log in CertCentral before sending it again\): body: \{"errors":\[\{"code":"internal/,
    500
  ],
  [
    'an empty 500',
    () => ({ kind: 'status', status: 500 }),
    /^HTTP 500 \(it may have been sent: check the audit log in CertCentral before sending it again\): empty body$/,
    500
  ],
  [
    'an empty 504',
    () => ({ kind: 'status', status: 504 }),
    /^HTTP 504 \(it may have been sent: check the audit log in CertCentral before sending it again\): empty body$/,
    504
  ]
]

describe('fault suite', () => {
  it.each(faults)('%s', async (_, fault, message, status) => {
    const [before, faulty, after] = [freshId(), freshId(), freshId()]
    standIn.setFault(faulty, fault())
    const hitsBefore = elsewhereHits
    const { run, results } = await runBatch([before, faulty, after])
    expect(run.code).toBe(1)
    expect(results[0]).toEqual(sent(before))
    expect(results[2]).toEqual(sent(after))
    expect(results[1]).toMatchObject({
      id: faulty,
      ok: false,
      outcome: 'failed',
      status,
      attempts: 1
    })
    expect(results[1]?.error).toMatch(message)
    expect(results[1]?.error?.length).toBeLessThan(1200)
    expect(run.outputs).toMatchObject({
      'sent-ids': `${before},${after}`,
      'failed-ids': faulty,
      'unsent-ids': ''
    })
    if (status !== null) expect(run.outputs['status-code']).toBe(String(status))
    const errors = workflowCommands(run.stdout).filter(c => c.name === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.data).toContain(`certificate ${faulty}: `)
    expect(run.summary).toContain(`<td>${faulty}</td>`)
    // nothing followed a redirect, so the key never reached another port
    expect(elsewhereHits).toBe(hitsBefore)
    // a 5xx, a timeout or a reset is never retried
    expect(requestsFor(standIn, faulty)).toHaveLength(1)
  })

  it('a failure without any answer never reports the success status as the verdict', async () => {
    const [before, faulty, after] = [freshId(), freshId(), freshId()]
    standIn.setFault(faulty, { kind: 'hang' })
    const { run, results } = await runBatch([before, faulty, after])
    expect(run.code).toBe(1)
    expect(results[1]).toMatchObject({ outcome: 'failed', status: null })
    // status-code is the verdict: the step failed, and the failure had no HTTP status
    expect(run.outputs['status-code']).toBe('')
  })

  it.each([
    ['as seconds', '7', '7'],
    ['as an HTTP date', () => new Date(Date.now() + 20_000).toUTCString(), /^(19|20|21)$/],
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
    expect(results[1]).toMatchObject({ id: faulty, ok: false, outcome: 'unsent', status: 429 })
    expect(results[1]?.error).toContain(
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded'
    )
    expect(run.outputs['retry-after']).toMatch(retryAfter)
    expect(run.outputs['status-code']).toBe('429')
    expect(run.outputs['unsent-ids']?.split(',')).toContain(faulty)
    // the other two were in flight together with it: they finish and are reported
    expect(results[0]).toEqual(sent(before))
    expect(results[2]).toEqual(sent(after))
  })

  it('connection refused: never reached CertCentral, so unsent, and the run stops after 3', async () => {
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
      expect(result).toMatchObject({ ok: false, outcome: 'unsent', status: null, attempts: 1 })
      expect(result.error).toMatch(/ECONNREFUSED/)
      expect(result.error).not.toMatch(/may have been sent|may still have acted/)
    }
    expect(run.outputs['unsent-ids']).toBe(ids.join(','))
    expect(run.outputs['failed-ids']).toBe('')
    expect(run.outputs['status-code']).toBe('')
  })

  it('a batch where faults hit some IDs and not others reports each correctly', async () => {
    const ids = Array.from({ length: 12 }, freshId)
    const plan: Record<number, [Fault, RegExp]> = {
      1: [{ kind: 'not-found' }, /^HTTP 404: not_found: Not found\./],
      4: [{ kind: 'hang' }, /^timed out after 1 s/],
      5: [
        { kind: 'status', status: 502 },
        /^HTTP 502 \(it may have been sent: check the audit log in CertCentral before sending it again\): empty body$/
      ],
      8: [{ kind: 'reset-after-body' }, /ECONNRESET/],
      10: [
        {
          kind: 'status',
          status: 400,
          body: '{"errors":[{"code":"invalid_value:emails","message":"x"}]}'
        },
        /^HTTP 400: invalid_value:emails: x/
      ]
    }
    for (const [index, [fault]] of Object.entries(plan))
      standIn.setFault(ids[Number(index)] as string, fault)
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    results.forEach((result, index) => {
      const expected = plan[index]
      if (expected) {
        expect(result, result.id).toMatchObject({ ok: false, outcome: 'failed' })
        expect(result.error).toMatch(expected[1])
      } else {
        expect(result, result.id).toEqual(sent(ids[index] as string))
      }
    })
    const errors = workflowCommands(run.stdout).filter(c => c.name === 'error')
    expect(errors).toHaveLength(5)
    expect(errors.filter(c => c.properties === '')[0]?.data).toContain(
      'send-certificate: 5 failed of 12 certificates'
    )
    expect(run.outputs['status-code']).toBe('404')
  })
})

/** The summary's table, and that nothing in it can end the HTML block or start markdown. */
function expectIntactTable(summary: string): void {
  const table = /<table>[\s\S]*<\/table>/.exec(summary)?.[0] ?? ''
  expect(table).not.toBe('')
  expect(table).not.toContain('\n')
  expect(table).not.toMatch(/<(?!\/?(table|tr|th|td)>)/)
  expect(table).not.toContain('|')
  expect(summary).not.toMatch(/\n[ \t]*\n/)
}

describe('a hostile server: workflow commands and markup in its answers', () => {
  const injected = 'x\n::add-mask::hello\n::error title=FAKE::spoofed\n::stop-commands::tok'
  const markup = '\n\n# Heading\n| a | b |\n<script>alert(1)</script>\n\n*'

  it('no error code or message becomes a workflow command or breaks the summary', async () => {
    const ids = Array.from({ length: 5 }, freshId)
    const bodies = [
      { errors: [{ code: injected + markup, message: `m\n::warning::W\n::tok::` }] },
      { errors: [{ code: 'y\r::error title=FAKE::cr\r::add-mask::hello', message: '\r::tok::' }] },
      {
        errors: [
          { code: { toString: `\n::error title=FAKE::obj` }, message: ['::add-mask::hello'] }
        ]
      },
      { errors: [{ code: 42, message: '\u2028::error title=FAKE::ls\u0085::stop-commands::tok' }] }
    ]
    bodies.forEach((body, i) =>
      standIn.setFault(ids[i + 1] as string, {
        kind: 'status',
        status: 400,
        body: JSON.stringify(body)
      })
    )
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    expect(results[0]).toEqual(sent(ids[0] as string))
    expect(results.slice(1).map(r => r.status)).toEqual([400, 400, 400, 400])
    const all = workflowCommands(run.stdout)
    expect(all.filter(c => c.name === 'add-mask')).toHaveLength(1)
    for (const command of all) {
      expect(command.name).not.toBe('stop-commands')
      expect(command.name).not.toBe('tok')
      expect(command.properties).not.toContain('FAKE')
      expect(`${command.name}::${command.data}`).not.toMatch(/^add-mask::hello/)
    }
    expect(run.stdout).not.toMatch(/[\u0085\u2028\u2029]/)
    for (const value of Object.values(run.outputs))
      expect(value).not.toMatch(/[\r\n\u0085\u2028\u2029]/)
    expectIntactTable(run.summary)
    expect(run.summary).not.toContain('<script')
  })

  it(
    'a 60 KB error code on 300 IDs keeps results, summary and log bounded',
    { timeout: 60_000 },
    async () => {
      const { ids, run: started } = await bulkRun
      // 300 requests at DigiCert's 100 per 5 s take about 10 s
      const { run, results } = checkBatch(started, ids, { exitWithinMs: 30_000 })
      expect(bulk.requests).toHaveLength(300)
      expect(bulk.requests.every(r => r.status === 400)).toBe(true)
      expect(run.code).toBe(1)
      expect(results.every(r => r.outcome === 'failed' && r.status === 400)).toBe(true)
      expect(Buffer.byteLength(run.outputs.results ?? '')).toBeLessThan(MIB)
      expect(Buffer.byteLength(run.summary)).toBeLessThan(MIB)
      expect(Buffer.byteLength(run.stdout)).toBeLessThan(MIB)
      expect(
        workflowCommands(run.stdout).filter(c => c.name === 'error').length
      ).toBeLessThanOrEqual(10)
      for (const command of workflowCommands(run.stdout))
        expect(command.properties).not.toContain('FAKE')
      expectIntactTable(run.summary)
    }
  )
})

describe('a proxy between the runner and CertCentral', () => {
  let ca: TestCa
  let secure: StandIn
  beforeAll(async () => {
    ca = await makeTestCa(['certcentral.test'])
    secure = await startStandIn({
      tls: { key: ca.keyPem, cert: ca.certPem },
      hostname: 'certcentral.test'
    })
  })
  afterAll(async () => {
    await secure?.close()
    ca?.cleanup()
  })

  it('HTTPS through the CONNECT proxy to certcentral.test, trusting the test CA', async () => {
    const proxy = await startConnectProxy()
    try {
      const id = freshId()
      const { run, results } = await runBatch(
        [id],
        { 'api-url': secure.baseUrl },
        { env: { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: ca.writeCaFile() } }
      )
      expect(run.code).toBe(0)
      expect(results).toEqual([sent(id)])
      expect(run.stdout).toContain(`through the proxy 127.0.0.1:${proxy.port}`)
      expect(proxy.connects).toMatchObject([
        { host: 'certcentral.test', port: secure.port, allowed: true }
      ])
      expect(JSON.stringify(proxy.connects).toLowerCase()).not.toContain('x-dc-devkey')
      expect(proxy.dials.every(d => d.host === '127.0.0.1')).toBe(true)
      expect(proxy.plainRequests).toEqual([])
      expect(secure.requests.filter(r => r.id === id)).toMatchObject([
        { method: 'PUT', keyValid: true, status: 204 }
      ])
    } finally {
      await proxy.close()
    }
  })

  it('refuses the stand-in when its CA is not trusted: the certificate check is real', async () => {
    const proxy = await startConnectProxy()
    try {
      const id = freshId()
      const { run, results } = await runBatch(
        [id],
        { 'api-url': secure.baseUrl },
        { env: { https_proxy: proxy.url } }
      )
      expect(run.code).toBe(1)
      expect(results[0]?.error).toMatch(
        /^could not reach certcentral\.test:\d+ \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*\): nothing was sent/
      )
      // the TLS handshake failed: the request never left the runner
      expect(results[0]).toMatchObject({ outcome: 'unsent', status: null })
      expect(run.outputs['unsent-ids']).toBe(id)
      expect(secure.requests.filter(r => r.id === id)).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('a proxy that never answers CONNECT: the step ends within the deadline', async () => {
    const proxy = await startConnectProxy({ mode: 'never-answer' })
    try {
      const ids = [freshId(), freshId()]
      const { run, results } = await runBatch(
        ids,
        { 'api-url': secure.baseUrl, 'timeout-seconds': '3' },
        {
          env: { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: ca.writeCaFile() },
          exitWithinMs: 5000
        }
      )
      expect(run.code).toBe(1)
      expect(proxy.connects.length).toBeGreaterThan(0)
      expect(proxy.dials).toEqual([])
      // the tunnel never opened: nothing left the runner, so both are worth sending again
      for (const result of results) {
        expect(result).toMatchObject({ ok: false, outcome: 'unsent', status: null })
        expect(result.error).toMatch(
          /^could not reach certcentral\.test:\d+ \(ETIMEDOUT: .*\): nothing was sent/
        )
        expect(result.error).not.toMatch(/may have been sent/)
      }
      expect(run.outputs['unsent-ids']).toBe(ids.join(','))
      expect(run.outputs['failed-ids']).toBe('')
      expect(run.summary).toContain(`<td>${ids[0]}</td>`)
    } finally {
      await proxy.close()
    }
  })

  it('plain HTTP to loopback with http_proxy set: the key never reaches the proxy', async () => {
    const proxy = await startConnectProxy()
    try {
      const id = freshId()
      const { run, results } = await runBatch(
        [id],
        {},
        {
          env: { http_proxy: proxy.url, HTTP_PROXY: proxy.url },
          valid: 'either'
        }
      )
      expect(proxy.plainRequests).toEqual([])
      expect(proxy.connects).toEqual([])
      if (run.code === 0) {
        // it went direct
        expect(results).toEqual([sent(id)])
        expect(requestsFor(standIn, id)).toMatchObject([{ keyValid: true }])
      } else {
        // or it refused the input, naming the proxy
        expect(results).toEqual([])
        expect(run.stdout).toMatch(/::error::api-url: .*proxy/)
        expect(requestsFor(standIn, id)).toEqual([])
      }
    } finally {
      await proxy.close()
    }
  })
})

describe('switching protocols', () => {
  it('a 101 fails its ID at once; the rest of the batch is sent and reported', async () => {
    const [before, faulty, after] = [freshId(), freshId(), freshId()]
    standIn.setFault(faulty, { kind: 'switching-protocols' })
    const { run, results } = await runBatch([before, faulty, after], { 'timeout-seconds': '10' })
    // well before the 10 s deadline
    expect(run.durationMs).toBeLessThan(3000)
    expect(run.code).toBe(1)
    expect(results[0]).toEqual(sent(before))
    expect(results[2]).toEqual(sent(after))
    expect(results[1]).toMatchObject({ id: faulty, ok: false, outcome: 'failed', status: 101 })
    expect(results[1]?.error).toMatch(
      /^HTTP 101: 127\.0\.0\.1:\d+ switched protocols instead of answering/
    )
    expect(run.outputs).toMatchObject({
      'sent-ids': `${before},${after}`,
      'failed-ids': faulty,
      'status-code': '101'
    })
    expect(run.summary).toContain(`<td>${faulty}</td><td>101</td>`)
  })
})

describe('429s', () => {
  /** The waits the warnings announce, in seconds. */
  const waits = (stdout: string): number[] =>
    workflowCommands(stdout)
      .filter(c => c.name === 'warning')
      .map(c => /; retry \d+ of \d+ in ([\d.]+) s$/.exec(c.data)?.[1])
      .filter((wait): wait is string => wait !== undefined)
      .map(Number)

  it('no Retry-After and max-retries 10: every backoff at most 300 s, then the run stops', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit' })
    const { run, results } = await runBatch(
      [id],
      { 'max-retries': '10' },
      { nodeArgs: fastClockArgs }
    )
    expect(run.code).toBe(1)
    const announced = waits(run.stdout)
    expect(announced).toHaveLength(10)
    expect(announced[0]).toBeGreaterThanOrEqual(5)
    expect(Math.max(...announced)).toBeLessThanOrEqual(300)
    expect(announced).toEqual([...announced].sort((a, b) => a - b))
    expect(requestsFor(standIn, id)).toHaveLength(11)
    expect(results[0]).toMatchObject({ outcome: 'unsent', status: 429, attempts: 11 })
    expect(run.outputs['status-code']).toBe('429')
    expect(run.outputs['unsent-ids']).toBe(id)
  })

  it('Retry-After "a 1" counts as absent, and says so', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: 'a 1' })
    const { run, results } = await runBatch(
      [id],
      { 'max-retries': '1' },
      { nodeArgs: fastClockArgs }
    )
    expect(run.code).toBe(1)
    // the backoff, not 1 s
    const announced = waits(run.stdout)
    expect(announced).toHaveLength(1)
    expect(announced[0]).toBeGreaterThanOrEqual(5)
    expect(results[0]?.error).toContain('Retry-After "a 1" is not a number of seconds or a date')
    expect(results[0]?.error).toContain('counts as absent')
    expect(run.outputs['retry-after']).toBe('')
    expect(run.outputs['status-code']).toBe('429')
  })

  it('Retry-After 999999999: retry-after left empty with a warning, the run stops', async () => {
    const ids = Array.from({ length: 6 }, freshId)
    for (const id of ids.slice(0, 4))
      standIn.setFault(id, { kind: 'rate-limit', retryAfter: '999999999' })
    const { run, results } = await runBatch(ids, { 'max-retries': '3' })
    expect(run.code).toBe(1)
    expect(run.outputs['retry-after']).toBe('')
    expect(
      workflowCommands(run.stdout).filter(
        c => c.name === 'warning' && c.data.includes('999999999 s')
      )
    ).toHaveLength(1)
    for (const id of ids.slice(0, 4)) expect(requestsFor(standIn, id)).toHaveLength(1)
    expect(requestsFor(standIn, ...ids.slice(4))).toEqual([])
    expect(results.map(r => r.outcome)).toEqual(Array(6).fill('unsent'))
    expect(results[4]?.error).toMatch(/^not attempted: DigiCert rate-limited the key/)
    expect(run.outputs['status-code']).toBe('429')
    expect(run.outputs['unsent-ids']).toBe(ids.join(','))
    expect(run.summary).toContain('The run stopped')
  })

  it('a 429 whose error code is an object is still a 429 that stops the run', async () => {
    const ids = Array.from({ length: 8 }, freshId)
    for (const id of ids.slice(0, 4))
      standIn.setFault(id, {
        kind: 'status',
        status: 429,
        body: '{"errors":[{"code":{"toString":1}}]}'
      })
    const { run, results } = await runBatch(ids)
    expect(run.code).toBe(1)
    for (const result of results.slice(0, 4))
      expect(result).toMatchObject({ ok: false, outcome: 'unsent', status: 429, attempts: 1 })
    for (const result of results.slice(4))
      expect(result).toMatchObject({ ok: false, outcome: 'unsent', status: null, attempts: 0 })
    expect(requestsFor(standIn, ...ids.slice(4))).toEqual([])
    expect(run.outputs['status-code']).toBe('429')
    expect(run.outputs['unsent-ids']).toBe(ids.join(','))
  })
})

describe('the API key', () => {
  it('a wrong key with 12 IDs: at most 4 requests, the rest not attempted naming the refusal', async () => {
    const ids = Array.from({ length: 12 }, freshId)
    const { run, results } = await runBatch(ids, {}, { key: 'not-the-right-key-0000' })
    expect(run.code).toBe(1)
    const made = requestsFor(standIn, ...ids)
    expect(made.length).toBeGreaterThan(0)
    expect(made.length).toBeLessThanOrEqual(4)
    expect(made.every(r => r.status === 403 && !r.keyValid)).toBe(true)
    const requested = new Set(made.map(r => r.id))
    for (const result of results) {
      if (requested.has(result.id)) {
        expect(result).toMatchObject({ ok: false, outcome: 'unsent', status: 403, attempts: 1 })
        expect(result.error).toContain('access_denied|access_denied_invalid_key')
      } else {
        expect(result).toMatchObject({ ok: false, outcome: 'unsent', attempts: 0 })
        expect(result.error).toMatch(
          /^not attempted: CertCentral refused the API key \(certificate (\d+)\)$/
        )
        const named = /\(certificate (\d+)\)$/.exec(result.error ?? '')?.[1] ?? ''
        expect(requested.has(named)).toBe(true)
      }
    }
    expect(run.outputs['status-code']).toBe('403')
    // Every ID is worth sending again once the key is fixed; none is annotated on its own.
    expect(run.outputs['unsent-ids']?.split(',')).toEqual(ids)
    expect(run.outputs['failed-ids']).toBe('')
    expect(run.stdout.split('\n').filter(line => line.startsWith('::error'))).toHaveLength(1)
  })

  it('an answer that echoes the key shows it nowhere, plain or escaped', async () => {
    const key = 'ek_T3st*K3y|[0]`x&<y>~'
    const echoing = await startStandIn({ apiKey: key })
    try {
      const id = freshId()
      echoing.setFault(id, { kind: 'echo-key' })
      const run = await runAction({
        inputs: {
          operation: 'send-certificate',
          'api-key': key,
          'api-url': echoing.baseUrl,
          'certificate-id': id,
          emails: 'ops@example.com',
          'timeout-seconds': '1'
        },
        nodeArgs: guardArgs,
        killAfterMs: 20_000
      })
      expect(run.code).toBe(1)
      expectCleanRun(run, key)
      expect(echoing.requests).toMatchObject([{ keyValid: true, status: 400 }])
      const html = key.replace(/[&<>"'|`*_[\]\\]/g, c => `&#${c.charCodeAt(0)};`)
      const unicode = [...key].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      const forms = [
        key,
        html,
        unicode.join(''),
        unicode.join('').toUpperCase().replace(/\\U/g, '\\u'),
        JSON.stringify(key).slice(1, -1),
        encodeURIComponent(key)
      ]
      const shown = [
        run.stdout.slice(run.stdout.indexOf('\n') + 1),
        run.stderr,
        ...Object.values(run.outputs),
        JSON.stringify(run.outputs),
        run.summary
      ]
      for (const form of forms) for (const text of shown) expect(text).not.toContain(form)
      expect(resultsOf(run)[0]?.error).toContain('***')
    } finally {
      await echoing.close()
    }
  })

  it('a whitespace-only api-key uses DIGICERT_API_KEY and masks no blanks', async () => {
    const id = freshId()
    const { run, results } = await runBatch(
      [id],
      {},
      {
        key: ' \n\t ',
        env: { DIGICERT_API_KEY: standIn.apiKey }
      }
    )
    expect(run.code).toBe(0)
    expect(results).toEqual([sent(id)])
    expect(requestsFor(standIn, id)).toMatchObject([{ keyValid: true }])
    expect(run.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))).toEqual([
      `::add-mask::${standIn.apiKey}`
    ])
  })

  it('a key with a non-ASCII character is refused without being shown', async () => {
    const key = 'standin-api-kéy-0000'
    const before = standIn.requests.length
    const { run, results } = await runBatch([freshId()], {}, { key, valid: false })
    expect(run.code).toBe(1)
    expect(results).toEqual([])
    expect(standIn.requests.length).toBe(before)
    expect(run.stdout).toMatch(/::error::api-key: /)
    expect(run.summary).toContain('api-key: ')
  })
})

describe('api-url and inputs', () => {
  it('refuses plain HTTP to *.localhost: only real loopback may carry the key in clear', async () => {
    const before = standIn.requests.length
    const { run, results } = await runBatch(
      [freshId()],
      { 'api-url': `http://anything.localhost:${standIn.port}/services/v2` },
      { valid: false }
    )
    expect(run.code).toBe(1)
    expect(results).toEqual([])
    expect(run.stdout).toMatch(/::error::api-url: .*plain HTTP/)
    expect(standIn.requests.length).toBe(before)
  })

  it.each([
    ['a user name and password', 'http://user:pass@127.0.0.1:1/services/v2', ['pass', 'user:']],
    ['a query', 'https://x.test/?token=abc', ['abc', 'token']],
    ['a fragment', 'https://x.test/services/v2#abc', ['abc']]
  ])('an api-url with %s is refused without echoing it', async (_, url, secrets) => {
    const { run, results } = await runBatch([freshId()], { 'api-url': url }, { valid: false })
    expect(run.code).toBe(1)
    expect(results).toEqual([])
    expect(run.stdout).toMatch(/::error::api-url: /)
    // "password" in the explanation is fine; the value itself is not
    const shown = [run.stdout, run.summary, JSON.stringify(run.outputs)].map(text =>
      text.replace(/password/g, '')
    )
    for (const secret of secrets) for (const text of shown) expect(text).not.toContain(secret)
  })

  it('timeout-seconds 0x10 and certificate IDs 0 and 007 are refused, each named', async () => {
    const { run, results } = await runBatch(
      [],
      { 'certificate-id': '0 007', 'timeout-seconds': '0x10' },
      { valid: false }
    )
    expect(run.code).toBe(1)
    expect(results).toEqual([])
    const errors = workflowCommands(run.stdout).filter(c => c.name === 'error')
    expect(errors).toHaveLength(1)
    for (const problem of [
      'timeout-seconds: "0x10"',
      'certificate-id: "0"',
      'certificate-id: "007"'
    ])
      expect(errors[0]?.data).toContain(problem)
    expect(run.outputs['results']).toBe('[]')
  })
})
