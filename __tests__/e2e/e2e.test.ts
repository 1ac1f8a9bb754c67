// End-to-end: the bundled dist/index.js run the way the runner runs it (INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY) against the stand-in on loopback. The basic send, seal and order cases run
// under this machine's Node and under Node 24 (the runtime action.yml names); the slow ones (order
// polling, cancellation, 10,000 IDs) under this machine's Node only.
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address (and says so on stderr, which the tests check is empty), and this
// process refuses DNS lookups too.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn, type OrderScript } from '../../standin/certcentral-standin.js'
import {
  NOT_INHERITED,
  ROOT,
  actionInputs,
  parseOutputFile,
  runAction,
  type ActionRun
} from '../../standin/run-action.js'
import { MIB, resultsOf } from '../support/action.js'
import { REPOSITORIES, eventFile } from '../support/event.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { count, escapeRegExp, expectCleanRun, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { freshId, requestsFor, type StandIn } from '../support/standin.js'

let standIn: StandIn
let guard: NetworkGuard | undefined
let guardArgs: string[]
/**
 * The runs that mostly wait (order polling takes ~15 s of real time) start in the first hook on
 * a stand-in of their own and go on while the other tests run; their tests await them.
 */
let slow: StandIn
let pendingTwice: Promise<{ id: string; result: ActionRun }>
let runsOut: Promise<{ id: string; result: ActionRun }>

/** A run started now whose outcome a test checks later (a failure is reported by that test). */
function inBackground<T>(start: () => Promise<T>): Promise<T> {
  const promise = start()
  promise.catch(() => {})
  return promise
}

/** Sends by order ID under this machine's node against `target`, waiting as long as given. */
async function sendWhenIssued(target: StandIn, wait: string, script: OrderScript) {
  const id = freshId()
  target.setOrder(id, script)
  const result = await runAction({
    inputs: {
      operation: 'send-certificate',
      'api-url': target.baseUrl,
      'api-key': target.apiKey,
      'order-id': id,
      emails: 'ops@example.com',
      'wait-for-issuance': wait
    },
    nodeArgs: guardArgs,
    killAfterMs: 40_000
  })
  return { id, result }
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  // No name may be looked up in this process either.
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  node24() // resolves the Node 24 that npm ci installed (or $NODE24) before any test needs it
  standIn = await startStandIn()
  slow = await startStandIn()
  pendingTwice = inBackground(() =>
    sendWhenIssued(slow, '2m', {
      statuses: ['pending', 'pending', 'issued'],
      certificateId: 7_700_001,
      commonName: 'later.example.com',
      validTill: '2027-09-30'
    })
  )
  runsOut = inBackground(() => sendWhenIssued(slow, '3s', { statuses: ['pending'] }))
})
afterAll(async () => {
  await Promise.allSettled([pendingTwice, runsOut])
  await slow?.close()
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

/** The lines of the log between ::group:: and ::endgroup::. */
function groupLines(stdout: string): string[] {
  const lines = stdout.split('\n')
  const start = lines.findIndex(line => line.startsWith('::group::'))
  const end = lines.indexOf('::endgroup::')
  expect(start).toBeGreaterThanOrEqual(0)
  expect(end).toBeGreaterThan(start)
  return lines.slice(start + 1, end)
}

describe.each(RUNTIMES)('dist/index.js under %s', (_, nodePath, version) => {
  const major = version.split('.')[0] as string
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      inputs: { 'api-url': standIn.baseUrl, 'api-key': standIn.apiKey, ...inputs },
      env,
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 20_000
    })

  it('sends a certificate by certificate-id: body, headers, masked key, outputs and summary', async () => {
    const id = freshId()
    // A private repository: the summary shows the recipients (summary-details: auto).
    const result = await run(
      {
        operation: 'send-certificate',
        'certificate-id': id,
        emails: 'ops@example.com, web@example.com',
        format: 'downloadlink',
        message: 'Renewed today.\nPlease install.\n'
      },
      { GITHUB_EVENT_PATH: eventFile(REPOSITORIES.private) }
    )
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(result.outputs).toEqual({
      'status-code': '204',
      results: expect.any(String),
      'sent-ids': id,
      'failed-ids': '',
      'unsent-ids': '',
      'skipped-ids': '',
      'retry-after': ''
    })
    expect(resultsOf(result)).toEqual([
      { id, ok: true, outcome: 'sent', status: 204, attempts: 1, lookups: 0 }
    ])
    const requests = requestsFor(standIn, id)
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      path: `/services/v2/certificate/${id}/sendemail`,
      keyPresent: true,
      keyValid: true,
      status: 204,
      body: {
        emails: ['ops@example.com', 'web@example.com'],
        certificate_collect_format: 'downloadlink',
        custom_message: 'Renewed today.\nPlease install.\n'
      },
      headers: { accept: 'application/json', 'content-type': 'application/json' }
    })
    expect(requests[0]?.headers['user-agent']).toMatch(
      new RegExp(`^certcentral-email-action/\\d+\\.\\d+\\.\\d+ \\(GitHub Action; node v${major}\\.`)
    )
    // the details once, above the table; the table itself only per ID
    const table = result.summary.indexOf('<table>')
    expect(table).toBeGreaterThan(0)
    expect(result.summary).toContain(
      '<li><strong>Recipients</strong>: ops@example.com, web@example.com</li>'
    )
    expect(result.summary.indexOf('<strong>Recipients</strong>')).toBeLessThan(table)
    expect(count(result.summary, 'ops@example.com')).toBe(1)
    expect(count(result.summary, 'downloadlink')).toBe(1)
    expect(result.summary).toContain(`<tr><td>${id}</td><td>204</td><td>✅ sent</td></tr>`)
    expect(result.summary).toContain(
      'href="https://github.com/octo-org/renewals/actions/runs/4242"'
    )
  })

  it('emails a site seal with no emails and no settings without any body', async () => {
    const id = freshId()
    const result = await run({ operation: 'email-site-seal', 'order-id': id })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    // By order ID without a wait: the POST alone, no look-up (issue 17).
    const [seal, ...rest] = requestsFor(standIn, id)
    expect(rest).toEqual([])
    expect(seal).toMatchObject({
      method: 'POST',
      path: `/services/v2/order/certificate/${id}/site-seal/email-seal`,
      keyValid: true,
      status: 204
    })
    expect([undefined, '']).toContain(seal?.body)
    expect(seal?.headers['content-type']).toBeUndefined()
    expect([undefined, '0']).toContain(seal?.headers['content-length'])
    expect(resultsOf(result)).toMatchObject([
      { id, ok: true, outcome: 'sent', status: 204, attempts: 1, lookups: 0 }
    ])
    expect(result.outputs['sent-ids']).toBe(id)
    expect(result.summary).toContain('the API key&#39;s owner')
  })

  it('dry-run: nothing sent, one line per request in a group, the body once', async () => {
    const [a, b] = [freshId(), freshId()]
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'order-id': `${a}, ${b}`,
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(standIn.requests.length).toBe(before)
    // api-url whole: its path is /services/v2 (only another path may hold a gateway's token)
    const base = standIn.baseUrl
    expect(groupLines(result.stdout)).toEqual([
      `GET ${base}/order/certificate/${a} → then PUT ${base}/certificate/{certificate.id}/sendemail`,
      `GET ${base}/order/certificate/${b} → then PUT ${base}/certificate/{certificate.id}/sendemail`
    ])
    expect(count(result.stdout, '"certificate_collect_format": "attachment"')).toBe(1)
    expect(resultsOf(result)).toEqual([
      { id: a, ok: true, outcome: 'validated', status: null, attempts: 0, lookups: 0 },
      { id: b, ok: true, outcome: 'validated', status: null, attempts: 0, lookups: 0 }
    ])
    expect(result.outputs).toMatchObject({
      'status-code': '',
      'sent-ids': '',
      'failed-ids': '',
      'unsent-ids': ''
    })
    expect(result.summary).toContain('(dry run)')
  })

  it('dry-run: the URL of region eu shown whole, a path of api-url hidden everywhere', async () => {
    const id = freshId()
    const dryRun = (more: Record<string, string>) =>
      run({
        operation: 'send-certificate',
        'certificate-id': id,
        emails: 'ops@example.com',
        'dry-run': 'true',
        ...more
      })
    const eu = await dryRun({ region: 'eu', 'api-url': '' })
    expect(eu.code).toBe(0)
    expectCleanRun(eu, standIn.apiKey)
    const whole = `PUT https://certcentral.digicert.eu/services/v2/certificate/${id}/sendemail`
    expect(groupLines(eu.stdout)).toEqual([whole])
    expect(eu.summary).toContain(`<td>${whole}</td>`)
    const gateway = await dryRun({ 'api-url': 'https://gw.example/t0k3n/services/v2' })
    expect(gateway.code).toBe(0)
    expectCleanRun(gateway, standIn.apiKey)
    const hidden = `PUT https://gw.example/…/certificate/${id}/sendemail`
    expect(groupLines(gateway.stdout)).toEqual([hidden])
    expect(gateway.summary).toContain(`<td>${hidden}</td>`)
    for (const written of [gateway.stdout, JSON.stringify(gateway.outputs), gateway.summary])
      expect(written).not.toContain('t0k3n')
  })

  it('a 429 that stops the run: every annotation says each thing once', async () => {
    const [before, limited, after] = [freshId(), freshId(), freshId()]
    standIn.setFault(limited, { kind: 'rate-limit', retryAfter: '30' })
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': `${before},${limited},${after}`,
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    const error =
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded: Service unavailable, please limit request volume); it asked to wait 30 s'
    const annotations = workflowCommands(result.stdout).filter(c =>
      ['error', 'warning', 'notice'].includes(c.name)
    )
    expect(annotations.map(c => `${c.name}: ${c.data}`)).toEqual([
      `error: send-certificate: 1 not sent (unsent-ids) of 3 certificates; the run stopped at certificate ${limited}: ${error}`
    ])
    expect(result.outputs).toMatchObject({ 'status-code': '429', 'retry-after': '30' })
  })

  it('reports every input problem in one error, writes the outputs and sends nothing', async () => {
    const id = freshId()
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': `${id} 12x`,
      emails: 'ops@example.com, nope',
      format: 'pdf',
      'timeout-seconds': 'soon',
      'dry-run': 'yes'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    expect(standIn.requests.length).toBe(before)
    const errors = workflowCommands(result.stdout).filter(c => c.name === 'error')
    expect(errors).toHaveLength(1)
    const problems = [
      'certificate-id: "12x"',
      'emails: "nope"',
      'format: "pdf"',
      'timeout-seconds: "soon"',
      'dry-run: "yes"'
    ]
    for (const problem of problems) {
      expect(errors[0]?.data).toContain(problem)
      expect(result.summary).toContain(problem.replace(/"/g, '&#34;'))
    }
    // in action.yml's order of inputs, in the verdict and the summary alike
    const positions = (text: string, quote: string): number[] =>
      problems.map(problem => text.indexOf(problem.replace(/"/g, quote)))
    for (const at of [positions(errors[0]?.data ?? '', '"'), positions(result.summary, '&#34;')])
      expect(at).toEqual([...at].sort((a, b) => a - b))
    expect(result.outputs).toEqual({
      'status-code': '',
      results: '[]',
      'sent-ids': '',
      'failed-ids': '',
      'unsent-ids': '',
      'skipped-ids': '',
      'retry-after': ''
    })
    expect(result.summary).toContain('invalid inputs')
  })

  it('debug mode logs the plan without the key and a line per request', async () => {
    const id = freshId()
    standIn.setOrder(id, { certificateId: 9_100_000 + (Number(id) % 100_000) })
    const certificate = String(9_100_000 + (Number(id) % 100_000))
    const result = await run(
      { operation: 'send-certificate', 'order-id': id, emails: 'ops@example.com' },
      { RUNNER_DEBUG: '1' }
    )
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const debug = workflowCommands(result.stdout).filter(c => c.name === 'debug')
    const plans = debug.filter(c => c.data.startsWith('plan: '))
    expect(plans).toHaveLength(1)
    expect(plans[0]?.data).toContain(`"ids":["${id}"]`)
    expect(plans[0]?.data).not.toMatch(/apiKey|api-key/)
    const base = escapeRegExp(`${standIn.baseUrl}`)
    expect(debug.map(c => c.data)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^GET ${base}/order/certificate/${id} attempt 1: HTTP 200 in \\d+ ms$`)
        ),
        expect.stringMatching(
          new RegExp(
            // attempts counted per request kind: the first send after a look-up is attempt 1
            `^PUT ${base}/certificate/${certificate}/sendemail attempt 1: HTTP 204 in \\d+ ms$`
          )
        )
      ])
    )
  })

  it('sends an order issued at once: its certificate, common name and expiry reported', async () => {
    const id = freshId()
    const certificate = 8_000_000 + (Number(id) % 1_000_000)
    standIn.setOrder(id, {
      statuses: ['issued'],
      certificateId: certificate,
      commonName: 'www.example.com',
      validTill: '2027-06-01'
    })
    const result = await run({
      operation: 'send-certificate',
      'order-id': id,
      emails: 'ops@example.com',
      'wait-for-issuance': '10m'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(result.durationMs).toBeLessThan(4000)
    expect(requestsFor(standIn, id).map(r => [r.method, r.path])).toEqual([
      ['GET', `/services/v2/order/certificate/${id}`]
    ])
    expect(
      requestsFor(standIn, String(certificate)).map(r => [r.method, r.path, r.status])
    ).toEqual([['PUT', `/services/v2/certificate/${certificate}/sendemail`, 204]])
    expect(resultsOf(result)).toEqual([
      {
        id,
        ok: true,
        outcome: 'sent',
        status: 204,
        attempts: 1,
        lookups: 1,
        certificate_id: String(certificate),
        common_name: 'www.example.com',
        valid_till: '2027-06-01'
      }
    ])
    expect(result.outputs['status-code']).toBe('204')
    expect(result.summary).toContain(
      `<tr><td>${id}</td><td>${certificate}</td><td>www.example.com</td><td>2027-06-01</td><td>204</td>`
    )
  })

  it('an order whose send got a 429 once: attempts counts the sends, lookups the look-up', async () => {
    const id = freshId()
    const certificate = 8_100_000 + (Number(id) % 100_000)
    standIn.setOrder(id, { certificateId: certificate, commonName: 'retried.example.com' })
    standIn.setFault(String(certificate), { kind: 'rate-limit', retryAfter: '1', times: 1 })
    const result = await run({
      operation: 'send-certificate',
      'order-id': id,
      emails: 'ops@example.com',
      'max-retries': '1'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(resultsOf(result)).toMatchObject([
      { id, outcome: 'sent', status: 204, attempts: 2, lookups: 1 }
    ])
    // one retry of the send; the look-up is no retry
    expect(result.summary).toContain('<td>204</td><td>✅ sent (after 1 retry)</td></tr>')
  })

  it('fails a rejected order with its status and never polls it again', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['rejected'], commonName: 'rejected.example.com' })
    const result = await run({
      operation: 'send-certificate',
      'order-id': id,
      emails: 'ops@example.com',
      'wait-for-issuance': '1h'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    expect(result.durationMs).toBeLessThan(4000)
    expect(standIn.orderGets(id)).toBe(1)
    expect(requestsFor(standIn, id).filter(r => r.method !== 'GET')).toEqual([])
    const [entry] = resultsOf(result)
    expect(entry).toMatchObject({
      id,
      ok: false,
      outcome: 'failed',
      attempts: 0,
      lookups: 1,
      order_status: 'rejected',
      common_name: 'rejected.example.com'
    })
    expect(entry?.error).toContain(`order ${id} is rejected`)
    expect(result.outputs['failed-ids']).toBe(id)
    expect(result.summary).toContain('rejected.example.com')
  })

  it('leaves a pending order unsent at once with wait-for-issuance 0', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['pending'] })
    const result = await run({
      operation: 'send-certificate',
      'order-id': id,
      emails: 'ops@example.com',
      'wait-for-issuance': '0'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    expect(standIn.orderGets(id)).toBe(1)
    expect(resultsOf(result)).toMatchObject([
      {
        id,
        ok: false,
        outcome: 'unsent',
        order_status: 'pending',
        error: `order ${id} is not issued yet (status pending); send it again once it is, or set wait-for-issuance to wait for it`
      }
    ])
    // Not issued yet: nothing was sent, so it is to be sent again.
    expect(result.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '' })
  })
})

describe('node 24', () => {
  it('is what the second runtime really is', () => {
    expect(execFileSync(node24(), ['-p', 'process.versions.node']).toString()).toMatch(/^24\./)
  })
})

/** Runs the action under this machine's node, the key and URL of the stand-in filled in. */
const runHere = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction({
    inputs: { 'api-url': standIn.baseUrl, 'api-key': standIn.apiKey, ...inputs },
    env,
    nodeArgs: guardArgs,
    killAfterMs: 40_000
  })

describe('send when issued', () => {
  const slowRequestsFor = (id: string) => slow.requests.filter(r => r.id === id)

  it(
    're-checks a pending order after about 5 s, then 10 s, and sends it once issued',
    { timeout: 45_000 },
    async () => {
      const { id, result } = await pendingTwice
      expect(result.code).toBe(0)
      expectCleanRun(result, slow.apiKey)
      expect(result.stdout).toMatch(/, waiting up to (2 min|120 s) for each order to be issued\n/)
      const gets = slowRequestsFor(id).map(r => r.at)
      expect(gets).toHaveLength(3)
      const [first, second, third] = gets as [number, number, number]
      expect(second - first).toBeGreaterThanOrEqual(4000)
      expect(second - first).toBeLessThan(7000)
      expect(third - second).toBeGreaterThanOrEqual(8500)
      expect(third - second).toBeLessThan(13_000)
      expect(slowRequestsFor('7700001').map(r => [r.method, r.status])).toEqual([['PUT', 204]])
      expect(resultsOf(result)).toEqual([
        {
          id,
          ok: true,
          outcome: 'sent',
          status: 204,
          attempts: 1,
          lookups: 3,
          certificate_id: '7700001',
          common_name: 'later.example.com',
          valid_till: '2027-09-30'
        }
      ])
      expect(result.outputs['sent-ids']).toBe(id)
      expect(result.summary).toContain(
        `<td>${id}</td><td>7700001</td><td>later.example.com</td><td>2027-09-30</td><td>204</td>`
      )
    }
  )

  it('gives up when the wait runs out: still pending after 3 s', { timeout: 20_000 }, async () => {
    const { id, result } = await runsOut
    expect(result.code).toBe(1)
    expectCleanRun(result, slow.apiKey)
    expect(result.durationMs).toBeGreaterThanOrEqual(2900)
    expect(result.durationMs).toBeLessThan(6000)
    const [entry] = resultsOf(result)
    expect(entry).toMatchObject({ id, ok: false, outcome: 'unsent', order_status: 'pending' })
    expect(entry?.error).toBe(`order ${id} still pending after 3 s`)
    expect(slowRequestsFor(id).filter(r => r.method !== 'GET')).toEqual([])
    expect(result.outputs).toMatchObject({ 'unsent-ids': id, 'failed-ids': '' })
  })
})

/** The action started by hand, as runAction does, so that a test can signal it. */
function startAction(inputs: Record<string, string>) {
  const work = mkdtempSync(join(tmpdir(), 'certcentral-cancel-'))
  const files = { output: join(work, 'output'), summary: join(work, 'summary') }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^(INPUT_|GITHUB_|RUNNER_|DIGICERT_)/.test(name) &&
      !NOT_INHERITED.test(name)
    )
      env[name] = value
  }
  for (const [name, spec] of Object.entries(actionInputs()))
    env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  Object.assign(env, {
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ACTIONS: 'true'
  })
  const child = spawn(process.execPath, [...guardArgs, join(ROOT, 'dist', 'index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(resolve =>
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, at: performance.now() })
    })
  )
  return {
    child,
    stdout: () => stdout,
    exited,
    /** Waits until `done()` holds, or fails after `ms`. */
    async waitFor(done: () => boolean, ms = 10_000): Promise<void> {
      const until = performance.now() + ms
      while (!done()) {
        if (performance.now() > until) throw new Error(`the run never got there:\n${stdout}`)
        await new Promise(resolve => setTimeout(resolve, 20))
      }
    },
    /** What the run left: its log, outputs and summary; the files are removed. */
    collect() {
      const outputs = parseOutputFile(readFileSync(files.output, 'utf8'))
      const summary = readFileSync(files.summary, 'utf8')
      rmSync(work, { recursive: true, force: true })
      return { stdout, stderr, outputs, summary }
    }
  }
}

describe('cancellation', () => {
  it('exits promptly on SIGTERM with the outputs and summary written, the order unsent', async () => {
    const id = freshId()
    standIn.setOrder(id, { statuses: ['pending'] })
    const action = startAction({
      operation: 'send-certificate',
      'order-id': id,
      emails: 'ops@example.com',
      'api-url': standIn.baseUrl,
      'api-key': standIn.apiKey,
      'wait-for-issuance': '1h'
    })
    // looked up once and pending: the next check is ~5 s away, so the run is waiting now
    await action.waitFor(() => standIn.requests.some(r => r.id === id && r.status === 200))
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(standIn.orderGets(id)).toBe(1)
    const signalled = performance.now()
    action.child.kill('SIGTERM')
    const { code, signal, at } = await action.exited
    const { stdout, stderr, outputs, summary } = action.collect()
    expect(at - signalled).toBeLessThan(2000)
    expect(signal).toBeNull()
    expect(code).toBe(1)
    expect(stderr).toBe('')
    expect(stdout).toMatch(/^::warning::.*SIGTERM.*cancel/m)
    expect(standIn.orderGets(id)).toBe(1)
    expect(JSON.parse(outputs.results ?? 'null')).toMatchObject([
      { id, ok: false, outcome: 'unsent', order_status: 'pending' }
    ])
    expect(JSON.parse(outputs.results ?? 'null')[0].error).toMatch(/^not sent: cancelled/)
    expect(outputs['unsent-ids']).toBe(id)
    expect(outputs['sent-ids']).toBe('')
    expect(outputs['failed-ids']).toBe('')
    expect(summary).toContain('the run was cancelled')
    expect(summary).toContain(`<td>${id}</td>`)
    expect(summary).toContain('not sent: cancelled')
  })
})

describe('10,000 IDs', () => {
  it('dry run: a summary under 1 MiB and one short log line per request', async () => {
    const ids = Array.from({ length: 10_000 }, freshId)
    const before = standIn.requests.length
    const result = await runHere({
      operation: 'send-certificate',
      'certificate-id': ids.join('\n'),
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(standIn.requests.length).toBe(before)
    const lines = groupLines(result.stdout)
    expect(lines).toHaveLength(10_000)
    const pattern = new RegExp(
      `^PUT ${escapeRegExp(`${standIn.baseUrl}`)}/certificate/(\\d+)/sendemail$`
    )
    expect(lines.every(line => pattern.test(line))).toBe(true)
    expect(lines.map(line => pattern.exec(line)?.[1])).toEqual(ids)
    // everything outside the group is a few lines, whatever the number of IDs
    const outside = result.stdout.length - lines.join('\n').length
    expect(outside).toBeLessThan(5000)
    expect(count(result.stdout, '"certificate_collect_format": "attachment"')).toBe(1)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(MIB)
    expect(Buffer.byteLength(result.outputs.results ?? '')).toBeLessThan(MIB)
    expect(resultsOf(result).every(r => r.outcome === 'validated')).toBe(true)
  })

  it('a real run whose first answers are 429 stops at once, every ID reported', async () => {
    const ids = Array.from({ length: 10_000 }, freshId)
    for (const id of ids.slice(0, 8)) standIn.setFault(id, { kind: 'rate-limit', retryAfter: '30' })
    const result = await runHere({
      operation: 'send-certificate',
      'certificate-id': ids.join(','),
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    expect(result.durationMs).toBeLessThan(15_000)
    const made = requestsFor(standIn, ...ids)
    expect(made.length).toBeGreaterThan(0)
    expect(made.length).toBeLessThanOrEqual(8)
    expect(made.every(r => r.status === 429)).toBe(true)
    const results = resultsOf(result)
    expect(results.map(r => r.id)).toEqual(ids)
    expect(Buffer.byteLength(result.outputs.results ?? '')).toBeLessThan(MIB)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(MIB)
    expect(result.outputs['status-code']).toBe('429')
    expect(result.outputs['retry-after']).toBe('30')
    expect(result.outputs['sent-ids']).toBe('')
    expect(result.outputs['failed-ids']).toBe('')
    expect(result.outputs['unsent-ids']?.split(',')).toEqual(ids)
    const requested = new Set(made.map(r => r.id))
    expect(results.filter(r => r.ok || r.outcome !== 'unsent')).toEqual([])
    expect(results.filter(r => r.attempts !== (requested.has(r.id) ? 1 : 0))).toEqual([])
    expect(result.summary).toContain('not attempted: DigiCert rate-limited the key')
    // one error annotation per requested ID at most, and the verdict
    expect(
      workflowCommands(result.stdout).filter(c => c.name === 'error').length
    ).toBeLessThanOrEqual(10)
  })
})

describe('annotations', () => {
  it('12 failing IDs: at most 10 error lines, the verdict counting the rest', async () => {
    const ids = Array.from({ length: 12 }, freshId)
    for (const id of ids) standIn.setFault(id, { kind: 'not-found' })
    const result = await runHere({
      operation: 'send-certificate',
      'certificate-id': ids.join(' '),
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    const errors = workflowCommands(result.stdout).filter(c => c.name === 'error')
    expect(errors.length).toBeLessThanOrEqual(10)
    const verdicts = errors.filter(c => c.properties === '')
    expect(verdicts).toHaveLength(1)
    const verdict = verdicts[0]?.data ?? ''
    expect(verdict).toContain('12 failed of 12 certificates')
    // the failures without an annotation of their own are counted in the verdict
    const annotated = errors.length - 1
    expect(verdict).toMatch(new RegExp(`\\b${12 - 1 - annotated} more\\b`))
    expect(result.outputs['failed-ids']?.split(',')).toEqual(ids)
    expect(result.outputs['status-code']).toBe('404')
  })

  it('a single failed ID: exactly one error line, alone or in a batch', async () => {
    const [a, b, c, alone] = [freshId(), freshId(), freshId(), freshId()]
    standIn.setFault(b, { kind: 'not-found' })
    standIn.setFault(alone, { kind: 'not-found' })
    const batch = await runHere({
      operation: 'send-certificate',
      'certificate-id': `${a} ${b} ${c}`,
      emails: 'ops@example.com'
    })
    const single = await runHere({
      operation: 'send-certificate',
      'certificate-id': alone,
      emails: 'ops@example.com'
    })
    for (const [result, failed] of [
      [batch, b],
      [single, alone]
    ] as const) {
      expect(result.code).toBe(1)
      expectCleanRun(result, standIn.apiKey)
      const errors = workflowCommands(result.stdout).filter(command => command.name === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]?.data).toContain(`certificate ${failed}: HTTP 404`)
      expect(result.outputs['failed-ids']).toBe(failed)
    }
    expect(batch.outputs['sent-ids']).toBe(`${a},${c}`)
  })
})
