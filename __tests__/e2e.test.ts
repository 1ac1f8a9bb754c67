// End-to-end: the bundled dist/index.js run the way the runner runs it, against the stand-in,
// under this machine's Node and under Node 24 (the runtime action.yml names).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../standin/certcentral-standin.js'
import { runAction } from '../standin/run-action.js'
import { node24 } from './support/node24.js'

type StandIn = Awaited<ReturnType<typeof startStandIn>>
let standIn: StandIn

beforeAll(async () => {
  if (!existsSync('dist/index.js'))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  node24() // the first call may download node@24 through npx: under the hook's longer timeout
  standIn = await startStandIn()
})
afterAll(() => standIn.close())

let nextId = 5000
const freshId = () => String(nextId++)
const requestsFor = (...ids: string[]) =>
  standIn.requests.filter(r => r.id !== undefined && ids.includes(r.id))

const runtimes: [string, () => string][] = [
  [`this machine's node (${process.version})`, () => process.execPath],
  ['node 24', node24]
]

describe.each(runtimes)('dist/index.js under %s', (_, nodePath) => {
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      inputs: { 'api-url': standIn.baseUrl, 'api-key': standIn.apiKey, ...inputs },
      env,
      node: nodePath()
    })

  function expectNoKey(result: Awaited<ReturnType<typeof runAction>>) {
    const everything = result.stdout.replace(`::add-mask::${standIn.apiKey}`, '') + result.stderr
    expect(everything).not.toContain(standIn.apiKey)
    expect(JSON.stringify(result.outputs)).not.toContain(standIn.apiKey)
    expect(result.summary).not.toContain(standIn.apiKey)
  }

  it('sends a certificate and reports it in outputs and the summary', async () => {
    const id = freshId()
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'ops@example.com, web@example.com',
      format: 'downloadlink',
      message: 'Renewed today.\nPlease install.\n'
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('') // no deprecation or other warnings from the runtime
    // the key is masked before anything else is printed
    expect(result.stdout.startsWith(`::add-mask::${standIn.apiKey}\n`)).toBe(true)
    expectNoKey(result)
    expect(result.outputs['status-code']).toBe('204')
    expect(result.outputs['retry-after']).toBe('')
    expect(JSON.parse(result.outputs.results ?? '')).toEqual([
      { id, ok: true, status: 204, attempts: 1 }
    ])
    const [request] = requestsFor(id)
    expect(request).toMatchObject({
      method: 'PUT',
      keyValid: true,
      body: {
        emails: ['ops@example.com', 'web@example.com'],
        certificate_collect_format: 'downloadlink',
        custom_message: 'Renewed today.\nPlease install.\n'
      }
    })
    expect(request?.headers['user-agent']).toMatch(/^certcentral-email-action\/\d+\.\d+\.\d+ /)
    expect(result.summary).toContain(
      `<td>send-certificate</td><td>${id}</td><td>ops@example.com, web@example.com</td><td>downloadlink</td><td>204</td><td>✅ sent</td>`
    )
    expect(result.summary).toContain(
      'href="https://github.com/octo-org/renewals/actions/runs/4242"'
    )
  })

  it('emails a site seal with settings, warning about an unknown one', async () => {
    const id = freshId()
    const result = await run({
      operation: 'email-site-seal',
      'order-id': id,
      emails: 'web@example.com',
      'seal-settings': '{"seal_size": "m", "seal_hover": true, "seal_theme": "dark"}'
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      '::warning::seal-settings: "seal_theme" is not a site-seal setting'
    )
    expect(requestsFor(id)[0]).toMatchObject({
      method: 'POST',
      path: `/services/v2/order/certificate/${id}/site-seal/email-seal`,
      body: {
        recipient_email: 'web@example.com',
        seal_size: 'm',
        seal_hover: true,
        seal_theme: 'dark'
      }
    })
  })

  it("mails a seal to the key's owner when emails is empty, with the key from DIGICERT_API_KEY", async () => {
    const id = freshId()
    const result = await run(
      { operation: 'email-site-seal', 'order-id': id, 'api-key': '' },
      { DIGICERT_API_KEY: standIn.apiKey }
    )
    expect(result.code).toBe(0)
    expect(result.stdout.startsWith(`::add-mask::${standIn.apiKey}\n`)).toBe(true)
    expect(requestsFor(id)[0]).toMatchObject({ keyValid: true, body: {} })
    expect(result.summary).toContain('the key&#39;s owner')
  })

  it('sends the rest of a batch after a failure and fails the step naming the failed ID', async () => {
    const [a, b, c] = [freshId(), freshId(), freshId()]
    standIn.setFault(b, { kind: 'not-found' })
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': `${a}\n${b}\n${c}`,
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expect(requestsFor(a, b, c)).toHaveLength(3)
    expect(JSON.parse(result.outputs.results ?? '')).toEqual([
      { id: a, ok: true, status: 204, attempts: 1 },
      { id: b, ok: false, status: 404, error: 'HTTP 404: not_found: Not found.', attempts: 1 },
      { id: c, ok: true, status: 204, attempts: 1 }
    ])
    const annotations = result.stdout.split('\n').filter(line => line.startsWith('::error title='))
    expect(annotations).toEqual([
      `::error title=CertCentral send-certificate failed for certificate ${b}::certificate ${b}: HTTP 404: not_found: Not found.`
    ])
    expect(result.stdout).toContain(
      `::error::send-certificate failed for 1 of 3 certificates (${b})`
    )
  })

  it('fails on a 429, sets retry-after, and reports unsent IDs as not attempted', async () => {
    const ids = Array.from({ length: 8 }, freshId)
    standIn.setFault(ids[0] as string, { kind: 'rate-limit', retryAfter: '45' })
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': ids.join(','),
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expect(result.outputs['retry-after']).toBe('45')
    const results = JSON.parse(result.outputs.results ?? '') as {
      id: string
      ok: boolean
      error?: string
    }[]
    expect(results.map(r => r.id)).toEqual(ids)
    expect(results[0]).toMatchObject({ ok: false, status: 429 })
    expect(results[0]?.error).toContain(
      'DigiCert rate-limited this API key (request_limit_exceeded'
    )
    const notAttempted = results.filter(r => r.error?.startsWith('not attempted'))
    expect(notAttempted.length).toBeGreaterThan(0)
    // every ID is either sent, or the 429 one, or not attempted (and then really not sent)
    for (const r of results.slice(1))
      expect(r.ok || r.error?.startsWith('not attempted')).toBe(true)
    expect(requestsFor(...notAttempted.map(r => r.id))).toEqual([])
    expect(result.stdout).toContain('DigiCert rate-limited the key and the run stopped')
  })

  it('retries a 429 when asked, waiting Retry-After', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '1', times: 1 })
    const result = await run({ operation: 'email-site-seal', 'order-id': id, 'max-retries': '2' })
    expect(result.code).toBe(0)
    const [first, second] = requestsFor(id)
    expect([first?.status, second?.status]).toEqual([429, 204])
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950)
    expect(JSON.parse(result.outputs.results ?? '')).toEqual([
      { id, ok: true, status: 204, attempts: 2 }
    ])
    expect(result.outputs['retry-after']).toBe('1')
  })

  it('rejects bad input before any request, naming the input and value', async () => {
    const id = freshId()
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': `${id} 12x`,
      emails: 'ops@example.com, nope'
    })
    expect(result.code).toBe(1)
    expect(requestsFor(id)).toEqual([])
    expect(result.stdout).toContain('certificate-id: "12x" is not a certificate ID (digits only')
    expect(result.stdout).toContain('emails: "nope" is not an email address')
  })

  it('fails without a key, naming both places it can come from', async () => {
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': '1',
      emails: 'a@example.com',
      'api-key': ''
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::api-key: no API key.*DIGICERT_API_KEY/)
  })

  it('masks every line of a multi-line key and rejects it without printing it', async () => {
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': '1',
      emails: 'a@example.com',
      'api-key': 'first-half-of-key\nsecond-half-of-key'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /^::add-mask::first-half-of-key\n::add-mask::second-half-of-key\n/
    )
    expect(result.stdout.split('\n').slice(2).join('\n')).not.toMatch(/half-of-key/)
    expect(result.stdout).toContain('api-key: the key contains whitespace or control characters')
  })

  it('refuses plain HTTP beyond loopback', async () => {
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': '1',
      emails: 'a@example.com',
      'api-url': 'http://certcentral.example.com/services/v2'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('uses plain HTTP')
  })

  it('dry-run shows each request and sends nothing', async () => {
    const [a, b] = [freshId(), freshId()]
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': `${a},${b}`,
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(result.code).toBe(0)
    expect(requestsFor(a, b)).toEqual([])
    expect(result.stdout).toContain(`PUT ${standIn.baseUrl}/certificate/${a}/sendemail`)
    expect(result.stdout).toContain(`PUT ${standIn.baseUrl}/certificate/${b}/sendemail`)
    expect(result.stdout).toContain('"certificate_collect_format": "attachment"')
    expectNoKey(result)
    expect(JSON.parse(result.outputs.results ?? '')).toEqual([
      { id: a, ok: true, status: null, attempts: 0 },
      { id: b, ok: true, status: null, attempts: 0 }
    ])
    expect(result.outputs['status-code']).toBe('')
  })

  it('fails a request that exceeds timeout-seconds, and exits promptly', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'hang' })
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'a@example.com',
      'timeout-seconds': '0.5'
    })
    expect(result.code).toBe(1)
    expect(result.durationMs).toBeLessThan(2500)
    expect(result.stdout).toMatch(/timed out after 0.5 s waiting for 127\.0\.0\.1:\d+/)
    expect(JSON.parse(result.outputs.results ?? '')[0]).toMatchObject({
      id,
      ok: false,
      status: null
    })
  })

  it('fails on a redirect without following it', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'redirect', location: `${standIn.origin}/elsewhere` })
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'a@example.com'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `redirect to ${standIn.origin}/elsewhere, which is not followed`
    )
    expect(standIn.requests.filter(r => r.path === '/elsewhere')).toEqual([])
  })
})

describe('node 24', () => {
  it('is what the second runtime really is', () => {
    expect(execFileSync(node24(), ['-p', 'process.versions.node']).toString()).toMatch(/^24\./)
  })
})

describe('a batch on one connection pool', () => {
  it('opens at most 4 connections for 24 IDs, keeps input order, and exits as soon as it is done', async () => {
    const pooled = await startStandIn({ latencyMs: 20 })
    try {
      const ids = Array.from({ length: 24 }, (_, i) => String(700 + i))
      const result = await runAction({
        inputs: {
          operation: 'send-certificate',
          'api-key': pooled.apiKey,
          'api-url': pooled.baseUrl,
          'certificate-id': ids.join(','),
          emails: 'ops@example.com'
        }
      })
      expect(result.code).toBe(0)
      expect(pooled.connections()).toBeLessThanOrEqual(4)
      expect(pooled.connections()).toBeGreaterThan(1)
      const results = JSON.parse(result.outputs.results ?? '') as { id: string; ok: boolean }[]
      expect(results.map(r => r.id)).toEqual(ids)
      expect(results.every(r => r.ok)).toBe(true)
      // 24 requests at 20 ms, 4 at a time, is about 120 ms of work: nothing kept alive may hold
      // the process open afterwards (the server would keep idle connections for 5 s).
      expect(result.durationMs).toBeLessThan(2500)
    } finally {
      await pooled.close()
    }
  })
})
