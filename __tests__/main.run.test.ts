// run() in-process against the stand-in, with the runner's environment (INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY) stubbed and a virtual clock, so retries take no real time.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { run } from '../src/main.js'
import type { Clock } from '../src/runner.js'
import { startStandIn } from '../standin/certcentral-standin.js'
import { parseOutputFile } from '../standin/run-action.js'

type StandIn = Awaited<ReturnType<typeof startStandIn>>
let standIn: StandIn
// core.summary remembers the first file it wrote to, so every test shares one, emptied first.
const dir = mkdtempSync(join(tmpdir(), 'main-run-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }
let printed: string[]

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn.close())

beforeEach(() => {
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  for (const name of Object.keys(process.env))
    if (name.startsWith('INPUT_')) vi.stubEnv(name, undefined)
  vi.stubEnv('DIGICERT_API_KEY', undefined)
  vi.stubEnv('GITHUB_OUTPUT', files.output)
  vi.stubEnv('GITHUB_STEP_SUMMARY', files.summary)
  vi.stubEnv('GITHUB_REPOSITORY', 'octo-org/renewals')
  vi.stubEnv('GITHUB_RUN_ID', '99')
  printed = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(String(chunk))
    return true
  })
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  process.exitCode = undefined
})

function inputs(values: Record<string, string>): void {
  const all = { 'api-key': standIn.apiKey, 'api-url': standIn.baseUrl, ...values }
  for (const [name, value] of Object.entries(all)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)
}
const outputs = () => parseOutputFile(readFileSync(files.output, 'utf8'))
const log = () => printed.join('')

function virtualClock(): Clock & { slept: number[] } {
  let time = Date.now()
  const slept: number[] = []
  return {
    slept,
    now: () => time,
    random: () => 0,
    sleep: async ms => void (slept.push(ms), (time += ms))
  }
}

let nextId = 30_000
const freshId = () => String(nextId++)

describe('run()', () => {
  it('sends, sets outputs, writes the summary and does not fail', async () => {
    const id = freshId()
    inputs({ operation: 'send-certificate', 'certificate-id': id, emails: 'ops@example.com' })
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(outputs()).toEqual({
      'status-code': '204',
      results: JSON.stringify([{ id, ok: true, status: 204, attempts: 1 }]),
      'retry-after': ''
    })
    expect(readFileSync(files.summary, 'utf8')).toContain(`<td>${id}</td>`)
    expect(log()).toContain(`${id}: sent (HTTP 204)`)
  })

  it('masks the key before it logs anything', async () => {
    inputs({ operation: 'email-site-seal', 'order-id': freshId() })
    await run()
    expect(printed[0]).toBe(`::add-mask::${standIn.apiKey}\n`)
  })

  it('retries a 429 with the injected clock and logs each retry', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '30', times: 1 })
    inputs({ operation: 'email-site-seal', 'order-id': id, 'max-retries': '1' })
    const clock = virtualClock()
    await run(clock)
    expect(process.exitCode).toBeUndefined()
    expect(clock.slept).toEqual([30_000])
    expect(log()).toContain(`::warning::${id}: HTTP 429: DigiCert rate-limited this API key`)
    expect(log()).toContain('retry 1 of 1 in 30.0 s')
    expect(outputs()['retry-after']).toBe('30')
  })

  it('fails the step when an ID fails', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'not-found' })
    inputs({ operation: 'send-certificate', 'certificate-id': id, emails: 'ops@example.com' })
    await run()
    expect(process.exitCode).toBe(1)
    expect(log()).toContain(
      `::error::send-certificate failed for certificate ${id}: HTTP 404: not_found: Not found.`
    )
  })

  it('fails on bad input before any request', async () => {
    const before = standIn.requests.length
    inputs({
      operation: 'send-certificate',
      'certificate-id': '1',
      emails: 'ops@example.com',
      format: 'zip'
    })
    await run()
    expect(process.exitCode).toBe(1)
    expect(standIn.requests.length).toBe(before)
    expect(log()).toContain(
      '::error::format: "zip" is not one of attachment, plaintext, downloadlink'
    )
  })

  it('fails on a dry-run value that is not a YAML boolean', async () => {
    inputs({
      operation: 'send-certificate',
      'certificate-id': '1',
      emails: 'ops@example.com',
      'dry-run': 'maybe'
    })
    await run()
    expect(process.exitCode).toBe(1)
    expect(log()).toContain('dry-run')
  })

  it('dry-run logs the requests, sets outputs, writes a summary and sends nothing', async () => {
    const id = freshId()
    const before = standIn.requests.length
    inputs({
      operation: 'email-site-seal',
      'order-id': id,
      'dry-run': 'true',
      'seal-settings': '{"seal_size":"s"}'
    })
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(standIn.requests.length).toBe(before)
    expect(log()).toContain(`POST ${standIn.baseUrl}/order/certificate/${id}/site-seal/email-seal`)
    expect(JSON.parse(outputs().results ?? '')).toEqual([
      { id, ok: true, status: null, attempts: 0 }
    ])
    expect(readFileSync(files.summary, 'utf8')).toContain('(dry run)')
  })

  it('takes the key from DIGICERT_API_KEY when api-key is empty', async () => {
    const id = freshId()
    inputs({ operation: 'email-site-seal', 'order-id': id, 'api-key': '' })
    vi.stubEnv('DIGICERT_API_KEY', standIn.apiKey)
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(standIn.requests.find(r => r.id === id)?.keyValid).toBe(true)
  })
})
