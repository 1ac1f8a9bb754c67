// Unit tests of src/report.ts alone, with @actions/core mocked.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@actions/core', async importOriginal => {
  const actual = await importOriginal<typeof import('@actions/core')>()
  return { ...actual, setOutput: vi.fn(), error: vi.fn(), info: vi.fn(), warning: vi.fn() }
})
const core = await import('@actions/core')
const { annotateFailures, failureMessage, logDryRun, setOutputs, writeSummary } =
  await import('../src/report.js')
import type { Plan } from '../src/inputs.js'
import type { IdResult, RunOutcome } from '../src/runner.js'

const plan: Plan = {
  operation: 'send-certificate',
  apiKey: 'k',
  baseUrl: 'https://www.digicert.com/services/v2',
  ids: ['1', '2', '3'],
  emails: ['ops@example.com'],
  format: 'attachment',
  body: { emails: ['ops@example.com'], certificate_collect_format: 'attachment' },
  timeoutMs: 30_000,
  maxRetries: 0,
  dryRun: false,
  warnings: []
}
const outcome: RunOutcome = {
  results: [
    { id: '1', ok: true, status: 204, attempts: 2 },
    { id: '2', ok: false, status: 502, error: 'HTTP 502: body: <b>Bad gateway</b>', attempts: 1 },
    { id: '3', ok: false, status: null, error: 'not attempted: ...', attempts: 0 }
  ],
  lastStatus: 502,
  retryAfter: 9,
  rateLimited: true
}

// core.summary remembers the first file it wrote to, so every test shares one, emptied first.
const summaryFile = join(mkdtempSync(join(tmpdir(), 'report-')), 'summary.md')
beforeEach(() => {
  writeFileSync(summaryFile, '')
  vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile)
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
  vi.stubEnv('GITHUB_RUN_ID', '77')
  vi.stubEnv('GITHUB_SERVER_URL', 'https://ghe.example.com')
  vi.mocked(core.setOutput).mockClear()
  vi.mocked(core.error).mockClear()
  vi.mocked(core.info).mockClear()
  core.summary.emptyBuffer()
})
afterEach(() => vi.unstubAllEnvs())

describe('report', () => {
  it('sets the three outputs', () => {
    setOutputs(outcome)
    expect(vi.mocked(core.setOutput).mock.calls).toEqual([
      ['status-code', 502],
      ['results', JSON.stringify(outcome.results)],
      ['retry-after', 9]
    ])
    setOutputs({ ...outcome, lastStatus: undefined, retryAfter: undefined })
    expect(vi.mocked(core.setOutput).mock.calls.slice(3)).toEqual([
      ['status-code', ''],
      ['results', JSON.stringify(outcome.results)],
      ['retry-after', '']
    ])
  })

  it('annotates each failed ID once, naming it', () => {
    annotateFailures(plan, outcome.results)
    expect(vi.mocked(core.error).mock.calls).toEqual([
      [
        'certificate 2: HTTP 502: body: <b>Bad gateway</b>',
        { title: 'CertCentral send-certificate failed for certificate 2' }
      ],
      [
        'certificate 3: not attempted: ...',
        { title: 'CertCentral send-certificate failed for certificate 3' }
      ]
    ])
  })

  it('sums up failures in one verdict', () => {
    expect(failureMessage(plan, outcome)).toBe(
      'send-certificate failed for 2 of 3 certificates (2, 3); DigiCert rate-limited the key and the run stopped; ' +
        'first error: HTTP 502: body: <b>Bad gateway</b>'
    )
    expect(
      failureMessage(
        { operation: 'email-site-seal' },
        { ...outcome, results: [outcome.results[1] as IdResult] }
      )
    ).toBe('email-site-seal failed for order 2: HTTP 502: body: <b>Bad gateway</b>')
    expect(
      failureMessage(plan, { ...outcome, results: [outcome.results[0] as IdResult] })
    ).toBeUndefined()
  })

  it('writes a summary table with escaped server text and a link to the run', async () => {
    await writeSummary(plan, outcome)
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain('<h2>DigiCert CertCentral: send-certificate</h2>')
    expect(summary).toContain('1 of 3 sent.')
    expect(summary).toContain(
      '<td>send-certificate</td><td>1</td><td>ops@example.com</td><td>attachment</td><td>204</td><td>✅ sent (after 2 attempts)</td>'
    )
    expect(summary).toContain(
      '<td>502</td><td>❌ HTTP 502: body: &#60;b&#62;Bad gateway&#60;/b&#62;</td>'
    )
    expect(summary).toContain('<td>3</td><td>ops@example.com</td><td>attachment</td><td>—</td>')
    expect(summary).toContain(
      '<a href="https://ghe.example.com/acme/certs/actions/runs/77">Workflow run</a>'
    )
    expect(summary).not.toContain('<b>')
  })

  it("writes a dry-run summary of a seal to the key's owner, without a link outside a run", async () => {
    vi.stubEnv('GITHUB_REPOSITORY', '')
    const seal: Plan = {
      ...plan,
      operation: 'email-site-seal',
      emails: [],
      format: undefined,
      dryRun: true
    }
    await writeSummary(seal, {
      ...outcome,
      results: [{ id: '5', ok: true, status: null, attempts: 0 }]
    })
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain('<h2>DigiCert CertCentral: email-site-seal (dry run)</h2>')
    expect(summary).toContain('1 request(s) validated, none sent.')
    expect(summary).toContain(
      '<td>email-site-seal</td><td>5</td><td>the key&#39;s owner</td><td>—</td><td>—</td><td>dry run: not sent</td>'
    )
    expect(summary).not.toContain('<a href')
  })

  it('warns, and does not throw, when the summary cannot be written', async () => {
    vi.mocked(core.warning).mockClear()
    const unwritable = join(summaryFile, '..', 'no-such-dir', 'summary.md')
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce(new Error(`ENOENT: ${unwritable}`))
    await expect(writeSummary(plan, outcome)).resolves.toBeUndefined()
    expect(vi.mocked(core.warning).mock.calls[0]?.[0]).toMatch(
      /^could not write the job summary: ENOENT/
    )
  })

  it('writes no summary without GITHUB_STEP_SUMMARY', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '')
    await expect(writeSummary(plan, outcome)).resolves.toBeUndefined()
    expect(readFileSync(summaryFile, 'utf8')).toBe('')
  })

  it('lists a dry run without the key', () => {
    logDryRun(plan, [{ id: '1', method: 'PUT', url: 'https://x.example/certificate/1/sendemail' }])
    const lines = vi.mocked(core.info).mock.calls.map(call => call[0])
    expect(lines).toContain('PUT https://x.example/certificate/1/sendemail')
    expect(lines.join('\n')).toContain('"certificate_collect_format": "attachment"')
    expect(lines.join('\n')).not.toMatch(/X-DC-DEVKEY: k\b/)
  })
})
