// Unit tests of src/report.ts. @actions/core is the real one: what a user sees is asserted where
// the runner would see it: workflow commands on stdout (annotations, warnings, log groups), the
// GITHUB_OUTPUT file and the GITHUB_STEP_SUMMARY file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { actAsRunner, count } from '../support/log.js'
import { visible } from '../support/summary.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  MAX_ID_ANNOTATIONS,
  MAX_SUMMARY_ROWS,
  OUTPUT_BUDGET_BYTES,
  Reporter,
  reportInputProblems,
  reportUnexpected,
  SUMMARY_BUDGET_BYTES,
  type ReportContext,
  type ResultEntry
} from '../../src/report.js'
import type { IdResult, RunOutcome } from '../../src/outcome.js'
import { Sanitizer } from '../../src/sanitize.js'
import { parseOutputFile } from '../../standin/run-action.js'

const KEY = 'dc-KEY-7Hq2Zp9Lw4'
const safe = new Sanitizer([KEY])
const MIB = 1024 * 1024
const BASE = 'https://www.digicert.com/services/v2'

// core.summary remembers the first file it wrote to, so every test shares one, emptied first.
const dir = mkdtempSync(join(tmpdir(), 'report-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md') }
let printed: string[]

beforeEach(() => {
  vi.stubEnv('GITHUB_REPOSITORY', undefined)
  vi.stubEnv('GITHUB_RUN_ID', undefined)
  printed = actAsRunner(files)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  core.summary.emptyBuffer()
  process.exitCode = undefined
})

// ---- what the runner sees ----------------------------------------------------------------------

interface Command {
  name: string
  props: Record<string, string>
  message: string
}

const ESCAPED: Record<string, string> = { '25': '%', '0D': '\r', '0A': '\n', '3A': ':', '2C': ',' }
const unescape = (text: string): string =>
  text.replace(/%(25|0D|0A|3A|2C)/g, (_, code: string) => ESCAPED[code] ?? '')

/** The workflow commands printed so far (`::name props::message`). */
function commands(name?: string): Command[] {
  const found: Command[] = []
  for (const line of printed.join('').split('\n')) {
    const match = /^::([a-z-]+)(?: (.*?))?::(.*)$/.exec(line)
    if (!match) continue
    const props: Record<string, string> = {}
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const at = pair.indexOf('=')
      props[pair.slice(0, at)] = unescape(pair.slice(at + 1))
    }
    found.push({ name: match[1] as string, props, message: unescape(match[3] as string) })
  }
  return name === undefined ? found : found.filter(c => c.name === name)
}
const errors = (): Command[] => commands('error')
const warnings = (): string[] => commands('warning').map(c => c.message)
const outputs = (): Record<string, string> => parseOutputFile(readFileSync(files.output, 'utf8'))
const summary = (): string => readFileSync(files.summary, 'utf8')

/** The summary as a reader sees it: tags dropped, character references decoded. */

// ---- fixtures --------------------------------------------------------------------------------

function context(over: Partial<ReportContext> = {}): ReportContext {
  return {
    operation: 'send-certificate',
    idInput: 'certificate-id',
    details: [
      ['Recipients', 'ops@example.com, pki@example.com'],
      ['Format', 'attachment']
    ],
    dryRun: false,
    warnings: [],
    ...over
  }
}
const reporter = (over: Partial<ReportContext> = {}): Reporter => new Reporter(context(over), safe)

const sent = (id: string, over: Partial<IdResult> = {}): IdResult => ({
  id,
  fate: 'sent',
  status: 204,
  attempts: 1,
  ...over
})
const failed = (id: string, status: number | null, error: string): IdResult => ({
  id,
  fate: 'failed',
  status,
  attempts: 1,
  error
})
const notAttempted = (id: string, why = 'cancelled'): IdResult => ({
  id,
  fate: 'unsent',
  status: null,
  attempts: 0,
  error: `not attempted: ${why}`
})
const validated = (id: string): IdResult => ({
  id,
  fate: 'validated',
  status: null,
  attempts: 0
})
/** What `results` shows of an ID's result whose texts need no cutting. */
const entryOf = ({
  fate,
  certificateId,
  commonName,
  validTill,
  orderStatus,
  ...rest
}: IdResult): ResultEntry => ({
  ...rest,
  ok: fate === 'sent' || fate === 'validated',
  outcome: fate,
  ...(certificateId === undefined ? {} : { certificate_id: certificateId }),
  ...(commonName === undefined ? {} : { common_name: commonName }),
  ...(validTill === undefined ? {} : { valid_till: validTill }),
  ...(orderStatus === undefined ? {} : { order_status: orderStatus })
})
const outcomeOf = (results: IdResult[], over: Partial<RunOutcome> = {}): RunOutcome => ({
  results,
  stop: undefined,
  retryAfter: undefined,
  ...over
})
const ids = (n: number, from = 5_000_001): string[] =>
  Array.from({ length: n }, (_, i) => String(from + i))

// ---- outputs ----------------------------------------------------------------------------------

describe('Reporter.setOutputs', () => {
  it('sets every output: the first failure in input order, and the IDs by outcome', () => {
    const results = [
      sent('11'),
      notAttempted('12'),
      failed('13', 404, 'HTTP 404: not_found: Not found.'),
      failed('14', 500, 'HTTP 500: body: <b>oops</b>'),
      sent('15', { attempts: 2 })
    ]
    reporter().setOutputs(outcomeOf(results))
    const shown = outputs()
    expect(shown).toEqual({
      'status-code': '404',
      results: expect.any(String),
      'sent-ids': '11,15',
      'failed-ids': '13,14',
      'unsent-ids': '12',
      'retry-after': ''
    })
    expect(JSON.parse(shown.results as string)).toEqual(results.map(entryOf))
    expect(warnings()).toEqual([])
  })

  it('says 429 when a 429 stopped the run, whatever failed before it', () => {
    const results = [
      failed('21', 404, 'HTTP 404: not_found: Not found.'),
      { ...failed('22', 429, 'HTTP 429: DigiCert rate-limited this API key'), fate: 'unsent' },
      notAttempted('23', 'DigiCert rate-limited the key')
    ] satisfies IdResult[]
    reporter().setOutputs(
      outcomeOf(results, {
        stop: { reason: 'rate-limited', id: '22', message: 'HTTP 429' },
        retryAfter: 30
      })
    )
    expect(outputs()).toMatchObject({
      'status-code': '429',
      'sent-ids': '',
      'failed-ids': '21',
      'unsent-ids': '22,23',
      'retry-after': '30'
    })
  })

  it('says the success status when every ID went through, and nothing without an answer', () => {
    reporter().setOutputs(outcomeOf([sent('31', { status: 201 }), sent('32', { status: 201 })]))
    expect(outputs()).toMatchObject({ 'status-code': '201', 'failed-ids': '', 'unsent-ids': '' })

    writeFileSync(files.output, '')
    reporter().setOutputs(
      outcomeOf([notAttempted('33'), notAttempted('34')], {
        stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
      })
    )
    expect(outputs()).toMatchObject({ 'status-code': '', 'unsent-ids': '33,34', 'sent-ids': '' })

    writeFileSync(files.output, '')
    reporter({ dryRun: true }).setOutputs(outcomeOf([validated('35')]))
    expect(outputs()).toMatchObject({ 'status-code': '', 'sent-ids': '', 'retry-after': '' })
  })

  it.each([0, 1, 300, 86_400])('passes a Retry-After of %s s on as it is', wait => {
    reporter().setOutputs(outcomeOf([notAttempted('41')], { retryAfter: wait }))
    expect(outputs()['retry-after']).toBe(String(wait))
    expect(warnings()).toEqual([])
  })

  it.each([86_401, 999_999_999, 1e26, 2.5, -1])(
    'leaves retry-after empty, with a warning, for %s s',
    wait => {
      reporter().setOutputs(outcomeOf([notAttempted('42')], { retryAfter: wait }))
      expect(outputs()['retry-after']).toBe('')
      expect(warnings()).toEqual([expect.stringMatching(/retry-after/)])
    }
  )
})

describe('Reporter: results under the output limit', () => {
  const long = 'x'.repeat(60_000)
  // Without a key to look for, so that 10,000 × 60 KB stays quick; redaction is tested below.
  const quick = (): Reporter => new Reporter(context(), new Sanitizer([]))

  it('keeps 10,000 IDs with 60 KB errors under 1 MiB, dropping the errors, with a warning', () => {
    const results = ids(10_000).map(id => failed(id, 500, long))
    quick().setOutputs(outcomeOf(results))
    const json = outputs().results as string
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(OUTPUT_BUDGET_BYTES)
    expect(Buffer.byteLength(json)).toBeLessThan(MIB)
    const shown = JSON.parse(json) as ResultEntry[]
    expect(shown.map(r => r.id)).toEqual(ids(10_000))
    expect(shown.every(r => !r.ok && r.status === 500 && r.outcome === 'failed')).toBe(true)
    expect(shown.every(r => (r.error ?? '').length <= 600)).toBe(true)
    expect(outputs()['failed-ids']?.split(',')).toHaveLength(10_000)
    expect(warnings()).toEqual([expect.stringMatching(/results.*1 MiB/)])
  })

  it('shortens the error texts, with a warning, when that is enough', () => {
    const results = ids(2_000).map(id => failed(id, 500, long))
    quick().setOutputs(outcomeOf(results))
    const json = outputs().results as string
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(OUTPUT_BUDGET_BYTES)
    const shown = JSON.parse(json) as ResultEntry[]
    expect(shown).toHaveLength(2_000)
    for (const result of shown) {
      expect(result.error).toMatch(/^x+/)
      expect((result.error as string).length).toBeLessThan(600)
    }
    expect(warnings()).toEqual([expect.stringMatching(/results.*(cut|shorten)/)])
  })
})

// ---- annotations and the verdict ---------------------------------------------------------------

describe('Reporter.fail', () => {
  it('one failed ID: exactly one error annotation, the verdict, with its error', () => {
    reporter().fail(
      outcomeOf([
        sent('51'),
        failed('52', 502, 'HTTP 502: body: <b>Bad gateway</b>; try later'),
        sent('53')
      ])
    )
    const shown = errors()
    expect(shown).toHaveLength(1)
    expect(shown[0]?.message).toContain('certificate 52: HTTP 502: body: <b>Bad gateway</b>')
    expect(shown[0]?.message).toMatch(/\b1 failed\b/)
    expect(process.exitCode).toBe(1)
  })

  it('a single ID: the verdict names the operation, the ID and its error', () => {
    reporter({ operation: 'email-site-seal', idInput: 'order-id' }).fail(
      outcomeOf([failed('54', 404, 'HTTP 404: not_found: Not found.')])
    )
    expect(errors().map(c => c.message)).toEqual([
      'email-site-seal failed for order 54: HTTP 404: not_found: Not found.'
    ])
  })

  it('12 failed IDs: the verdict and 9 annotations, the rest counted; none for IDs not attempted', () => {
    const failures = ids(12, 6_000_001).map(id => failed(id, 404, `HTTP 404: no certificate ${id}`))
    const results = [...failures, notAttempted('6000101'), notAttempted('6000102')]
    reporter().fail(
      outcomeOf(results, {
        stop: { reason: 'key-refused', id: '6000012', message: 'HTTP 403: access_denied' }
      })
    )
    const shown = errors()
    expect(MAX_ID_ANNOTATIONS).toBe(9)
    expect(shown).toHaveLength(10)
    const verdict = shown.at(-1) as Command
    expect(verdict.props).toEqual({})
    expect(verdict.message).toMatch(/\bcertificate 6000001: HTTP 404: no certificate 6000001\b/)
    expect(verdict.message).toContain('2 more are only in the results output')
    expect(verdict.message).toContain('2 not sent')
    const perId = shown.slice(0, -1)
    expect(perId.map(c => c.props.title)).toEqual(
      ids(9, 6_000_002).map(id => `send-certificate failed for certificate ${id}`)
    )
    for (const annotation of perId) {
      expect(annotation.message).not.toMatch(/\b6000001\b/)
      expect(annotation.message).not.toMatch(/\b600010[12]\b/)
    }
    expect(shown.some(c => c.message.includes('6000011') || c.message.includes('6000012'))).toBe(
      false
    )
  })

  it('a run that was only stopped (nothing attempted failed) gets the verdict alone', () => {
    reporter().fail(
      outcomeOf([sent('55'), notAttempted('56'), notAttempted('57')], {
        stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
      })
    )
    expect(errors()).toHaveLength(1)
    expect(errors()[0]?.message).toMatch(/2 not sent.*cancelled/)
  })

  it('no annotation and no failure when every ID went through', () => {
    reporter().fail(outcomeOf([sent('58'), sent('59')]))
    expect(errors()).toEqual([])
    expect(process.exitCode).toBeUndefined()
  })
})

// ---- the job summary --------------------------------------------------------------------------

describe('Reporter summary', () => {
  it('counts first, then the details once, warnings, and failures before successes', async () => {
    const results = [
      sent('61'),
      failed('62', 404, 'HTTP 404: not_found: Not found.'),
      sent('63'),
      notAttempted('64'),
      failed('65', 400, 'HTTP 400: invalid_value: emails.')
    ]
    await reporter({ warnings: ['emails: 2 duplicate addresses were dropped'] }).writeSummary(
      outcomeOf(results)
    )
    const html = summary()
    const text = visible(html)
    const table = html.indexOf('<table>')
    expect(text).toMatch(/5 certificate.*2 sent.*2 failed.*1 not sent/)
    expect(html.search(/2 sent/)).toBeLessThan(html.indexOf('Recipients'))
    expect(count(text, 'ops@example.com, pki@example.com')).toBe(1)
    expect(html.indexOf('Recipients')).toBeLessThan(table)
    expect(text).toContain('emails: 2 duplicate addresses were dropped')
    const rowOf = (id: string): number => html.indexOf(`<tr><td>${id}</td>`)
    for (const id of ['61', '62', '63', '64', '65']) expect(rowOf(id)).toBeGreaterThan(table)
    for (const bad of ['62', '65']) {
      for (const good of ['61', '63']) expect(rowOf(bad)).toBeLessThan(rowOf(good))
    }
    expect(text).toContain('HTTP 404: not_found: Not found.')
  })

  it('shows a common name and expiry column when results carry them', async () => {
    await reporter({ idInput: 'order-id' }).writeSummary(
      outcomeOf([
        sent('71', {
          certificateId: '9071',
          commonName: 'www.example.com',
          validTill: '2026-05-01'
        }),
        {
          ...failed('72', 200, 'order 72 is not issued yet (status pending)'),
          orderStatus: 'pending'
        }
      ])
    )
    const text = visible(summary())
    expect(text).toMatch(/Common name/)
    expect(text).toMatch(/Expires/)
    expect(text).toContain('www.example.com')
    expect(text).toContain('2026-05-01')
  })

  it('has no common name column for plain certificate IDs', async () => {
    await reporter().writeSummary(outcomeOf([sent('73')]))
    expect(visible(summary())).not.toMatch(/Common name|Expires/)
  })

  it('hostile text cannot end the table or start markdown', async () => {
    const hostile = '</td></tr></table>\n\n# hi ![x](http://evil) | a `b` <script>x</script>\r\n*y*'
    await reporter({
      idInput: 'order-id',
      details: [['Recipients', hostile]],
      warnings: [hostile]
    }).writeSummary(
      outcomeOf(
        [
          failed('81', 500, hostile),
          sent('82', { commonName: hostile, validTill: hostile, certificateId: '9082' }),
          notAttempted('83', hostile)
        ],
        { stop: { reason: 'key-refused', id: '81', message: hostile } }
      )
    )
    const html = summary()
    expect(count(html, '<table>')).toBe(1)
    expect(count(html, '</table>')).toBe(1)
    // Every `<` opens one of the summary's own tags.
    expect(html.match(/<(?!\/?(?:h2|p|ul|li|strong|table|tr|th|td|a)[\s>])/g)).toBeNull()
    expect(html).not.toContain('<script')
    expect(html).not.toContain('![x]')
    expect(html).not.toMatch(/[`|]/)
    expect(html).not.toMatch(/^\s*[#!*|]/m)
    // The text is still there for the reader, on one line.
    expect(visible(html)).toContain('# hi ![x](http://evil) | a `b` <script>x</script> *y*')
  })

  it('10,000 IDs with long errors: under 1 MiB, saying how many rows are only in results', async () => {
    const error = '<&>'.repeat(20_000)
    const results = ids(10_000).map(id => failed(id, 500, error))
    await reporter().writeSummary(outcomeOf(results))
    const html = summary()
    expect(Buffer.byteLength(html)).toBeLessThan(MIB)
    const rows = count(html, '<tr><td>')
    expect(rows).toBeGreaterThan(0)
    const more = /(\d+) more certificate.*results/.exec(visible(html))
    expect(Number(more?.[1])).toBe(10_000 - rows)
  })

  it('10,000 IDs in a dry run: under 1 MiB, saying how many rows are only in results', async () => {
    const all = ids(10_000)
    const planned = all.map(id => ({
      id,
      steps: [{ method: 'PUT', url: `${BASE}/certificate/${id}/sendemail` }]
    }))
    await reporter({ dryRun: true }).writeSummary(outcomeOf(all.map(validated)), planned)
    const html = summary()
    expect(Buffer.byteLength(html)).toBeLessThan(MIB)
    expect(visible(html)).toContain('(dry run)')
    expect(visible(html)).toContain(`PUT ${BASE}/certificate/5000001/sendemail`)
    const rows = count(html, '<tr><td>')
    const more = /(\d+) more certificate.*results/.exec(visible(html))
    expect(rows).toBeGreaterThan(0)
    expect(Number(more?.[1])).toBe(10_000 - rows)
  })

  it("a dry run of a seal to the key's owner shows the requests", async () => {
    await reporter({
      operation: 'email-site-seal',
      idInput: 'order-id',
      details: [
        ['Recipient', "the API key's owner"],
        ['Seal settings', 'as set in CertCentral']
      ],
      dryRun: true
    }).writeSummary(outcomeOf([validated('91')]), [
      {
        id: '91',
        steps: [
          { method: 'GET', url: `${BASE}/order/certificate/91` },
          { method: 'POST', url: `${BASE}/order/certificate/91/site-seal/email-seal` }
        ]
      }
    ])
    const text = visible(summary())
    expect(text).toContain('email-site-seal (dry run)')
    expect(text).toContain("the API key's owner")
    expect(text).toMatch(
      /GET \S+\/order\/certificate\/91 → POST \S+\/order\/certificate\/91\/site-seal\/email-seal/
    )
    expect(summary()).not.toContain('<a href')
  })

  it('links the workflow run when the run names one', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
    vi.stubEnv('GITHUB_RUN_ID', '77')
    vi.stubEnv('GITHUB_SERVER_URL', 'https://ghe.example.com')
    await reporter().writeSummary(outcomeOf([sent('92')]))
    expect(summary()).toContain(
      '<a href="https://ghe.example.com/acme/certs/actions/runs/77">Workflow run</a>'
    )
  })

  it('warns, and does not throw, when the summary cannot be written', async () => {
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce(new Error('ENOENT: no such file'))
    await expect(reporter().writeSummary(outcomeOf([sent('93')]))).resolves.toBeUndefined()
    expect(warnings()).toEqual([expect.stringMatching(/^could not write the job summary: ENOENT/)])
  })

  it('writes no summary without GITHUB_STEP_SUMMARY', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '')
    await expect(reporter().writeSummary(outcomeOf([sent('94')]))).resolves.toBeUndefined()
    expect(summary()).toBe('')
    expect(warnings()).toEqual([])
  })
})

// ---- the key ----------------------------------------------------------------------------------

describe("Reporter.warn and the summary's warnings", () => {
  it('annotates at most 10 warnings, counting the rest, and lists 50 in the summary', async () => {
    const many = Array.from(
      { length: 75 },
      (_, i) => `seal-settings: "extra_${i}" is not a site-seal setting`
    )
    const r = reporter({ warnings: many })
    r.warn()
    expect(warnings()).toEqual([...many.slice(0, 9), 'and 66 more warnings (see the job summary)'])
    await r.writeSummary(outcomeOf([sent('1')]))
    const shown = visible(summary())
    expect(shown).toContain('"extra_49" is not a site-seal setting')
    expect(shown).not.toContain('"extra_50"')
    expect(shown).toContain('and 25 more warnings')
  })

  it('annotates every warning when there are at most 10', () => {
    const few = [
      'format: "Attachment" applies to send-certificate only',
      'seal-settings: "x" unknown'
    ]
    reporter({ warnings: few }).warn()
    expect(warnings()).toEqual(few)
  })
})

describe('the key', () => {
  it('never shows in the outputs, annotations, warnings or summary, even when an error holds it', async () => {
    const withKey = (text: string): string => `${text} ${KEY} (X-DC-DEVKEY: "${KEY}")`
    const results: IdResult[] = [
      { ...failed('101', 401, withKey('HTTP 401: invalid key')), hint: withKey('rotate') },
      failed('102', 500, withKey('HTTP 500: body:')),
      failed('103', 500, `HTTP 500: body: {"echo":"${KEY.replace('-', '\\u002d')}"}`),
      sent('104', { commonName: withKey('cn'), validTill: KEY, certificateId: KEY }),
      notAttempted('105', withKey('stopped'))
    ]
    const run = outcomeOf(results, {
      stop: { reason: 'key-refused', id: '101', message: withKey('HTTP 401') },
      retryAfter: 1e26
    })
    const report = reporter({
      idInput: 'order-id',
      details: [['Recipients', withKey('ops@example.com')]],
      warnings: [withKey('a warning')]
    })
    report.setOutputs(run)
    await report.writeSummary(run)
    report.fail(run)
    const everything = [printed.join(''), readFileSync(files.output, 'utf8'), summary()]
    expect(errors().length).toBeGreaterThan(1)
    expect(JSON.parse(outputs().results as string)).toHaveLength(5)
    for (const text of everything) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain('7Hq2Zp9Lw4')
    }
  })
})

// ---- input problems ---------------------------------------------------------------------------

describe('reportInputProblems', () => {
  it('sets every output (results []), lists each problem in the summary, never the key', async () => {
    const problems = [
      'format: "zip" is not one of attachment, plaintext, downloadlink; did you mean "x"?',
      'certificate-id: "12a" is not a valid certificate ID (a positive whole number)',
      `emails: "${KEY}" is not an email address (it needs exactly one @)`,
      'api-url: <b>not</b> a URL'
    ]
    await reportInputProblems(problems, safe)
    expect(outputs()).toEqual({
      'status-code': '',
      results: '[]',
      'sent-ids': '',
      'failed-ids': '',
      'unsent-ids': '',
      'retry-after': ''
    })
    const html = summary()
    expect(count(html, '<li>')).toBe(problems.length)
    const text = visible(html)
    for (const problem of problems.slice(0, 2)) expect(text).toContain(problem)
    expect(text).toContain('emails: "***" is not an email address')
    expect(text).toContain('api-url: <b>not</b> a URL')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain(KEY)
  })
})

// ---- the dry-run log --------------------------------------------------------------------------

describe('Reporter.logDryRun', () => {
  it('one line per ID inside one log group, the body once', () => {
    const orders = ['111', '112', '113']
    const body = { emails: ['ops@example.com'], certificate_collect_format: 'attachment' }
    reporter({ idInput: 'order-id' }).logDryRun(
      orders.map(id => ({
        id,
        steps: [
          { method: 'GET', url: `${BASE}/order/certificate/${id}` },
          { method: 'PUT', url: `${BASE}/certificate/{certificate.id}/sendemail` }
        ]
      })),
      body
    )
    const lines = printed.join('').split('\n')
    const start = lines.findIndex(l => l.startsWith('::group::'))
    const end = lines.findIndex(l => l === '::endgroup::')
    expect(lines.filter(l => l.startsWith('::group::'))).toHaveLength(1)
    expect(lines.filter(l => l === '::endgroup::')).toHaveLength(1)
    const inside = lines.slice(start + 1, end)
    expect(inside).toHaveLength(orders.length)
    orders.forEach((id, i) => {
      expect(inside[i]).toContain(`GET ${BASE}/order/certificate/${id}`)
      expect(inside[i]).toContain(`PUT ${BASE}/certificate/{certificate.id}/sendemail`)
    })
    const log = printed.join('')
    expect(count(log, '"certificate_collect_format": "attachment"')).toBe(1)
    expect(count(log, 'ops@example.com')).toBe(1)
    expect(log).toContain('X-DC-DEVKEY')
  })

  it('says when the calls carry no body', () => {
    reporter({ operation: 'email-site-seal', idInput: 'order-id' }).logDryRun(
      [{ id: '114', steps: [{ method: 'POST', url: `${BASE}/order/certificate/114/x` }] }],
      undefined
    )
    expect(printed.join('')).toMatch(/without a body/)
    expect(commands('group')).toHaveLength(1)
  })
})

// ---- exact texts and boundaries ------------------------------------------------------------------

describe('Reporter.setOutputs: status-code and retry-after', () => {
  it.each<[string, IdResult[], string]>([
    [
      'the first failure DigiCert answered, not an ID never sent before it',
      [notAttempted('1'), failed('2', 404, 'HTTP 404: not_found'), failed('3', 500, 'HTTP 500')],
      '404'
    ],
    [
      'nothing when the first failure had no answer',
      [failed('1', null, 'no answer from DigiCert'), failed('2', 500, 'HTTP 500')],
      ''
    ],
    ['nothing when an ID was not sent, even if others were', [sent('1'), notAttempted('2')], ''],
    [
      'the first success status DigiCert gave',
      [sent('1', { status: null }), sent('2', { status: 201 })],
      '201'
    ]
  ])('status-code is %s', (_, results, status) => {
    reporter().setOutputs(outcomeOf(results))
    expect(outputs()['status-code']).toBe(status)
  })

  it('says why retry-after is empty, in full', () => {
    reporter().setOutputs(outcomeOf([notAttempted('1')], { retryAfter: 86_401 }))
    expect(warnings()).toEqual([
      'DigiCert asked to wait 86401 s, not a whole number of seconds up to 86400 (a day): the retry-after output is left empty'
    ])
  })
})

describe('Reporter: results, field by field and step by step', () => {
  const quick = (): Reporter => new Reporter(context(), new Sanitizer([]))
  const long = 'x'.repeat(60_000)
  const shownResults = (): ResultEntry[] => JSON.parse(outputs().results as string) as ResultEntry[]

  it('shows a long error as the summary does, saying its length, and cuts a hint at 200', () => {
    const results: IdResult[] = [
      { ...failed('1', 500, 'x'.repeat(700)), hint: 'y'.repeat(250) },
      { ...failed('2', 400, 'z'.repeat(300)), orderStatus: `pending ${KEY}` }
    ]
    reporter().setOutputs(outcomeOf(results))
    expect(shownResults()).toEqual([
      {
        id: '1',
        ok: false,
        outcome: 'failed',
        status: 500,
        attempts: 1,
        error: `${'x'.repeat(599)}… (700 characters in all)`,
        hint: `${'y'.repeat(199)}… (250 characters in all)`
      },
      {
        id: '2',
        ok: false,
        outcome: 'failed',
        status: 400,
        attempts: 1,
        error: 'z'.repeat(300),
        order_status: 'pending ***'
      }
    ])
    expect(warnings()).toEqual([])
  })

  it('is whole at exactly 1,000 KiB, and cut to 120 characters one byte over', () => {
    // [..., element, ...]: every element of a 7-digit ID and an error of n × "x" takes elem0 + n.
    const elem0 = JSON.stringify(entryOf(failed('5000001', 500, ''))).length
    const per = elem0 + 300 + 1
    const n = Math.floor((OUTPUT_BUDGET_BYTES - 2 - elem0 - 100) / per)
    const last = OUTPUT_BUDGET_BYTES - 2 - n * per - elem0
    expect(last).toBeGreaterThanOrEqual(100)
    expect(last).toBeLessThanOrEqual(600)
    const results = (extra: number): IdResult[] => [
      ...ids(n).map(id => failed(id, 500, 'x'.repeat(300))),
      failed(String(5_000_001 + n), 500, 'x'.repeat(last + extra))
    ]
    quick().setOutputs(outcomeOf(results(0)))
    expect(Buffer.byteLength(outputs().results as string)).toBe(OUTPUT_BUDGET_BYTES)
    expect(shownResults()).toEqual(results(0).map(entryOf))
    expect(warnings()).toEqual([])

    writeFileSync(files.output, '')
    quick().setOutputs(outcomeOf(results(1)))
    expect(shownResults().map(r => r.error)).toEqual(
      Array.from({ length: n + 1 }, () => `${'x'.repeat(120)}…`)
    )
    expect(warnings()).toEqual([
      "results: error texts are cut to 120 characters to keep the output under GitHub's 1 MiB limit"
    ])
  })

  it('cuts to 120 characters only the errors longer than that', () => {
    const results = [
      failed('1', 500, 'e'.repeat(120)),
      failed('2', 500, 'f'.repeat(121)),
      ...ids(2_000).map(id => failed(id, 500, long))
    ]
    quick().setOutputs(outcomeOf(results))
    const shown = shownResults()
    expect(shown.slice(0, 3).map(r => r.error)).toEqual([
      'e'.repeat(120),
      `${'f'.repeat(120)}…`,
      `${'x'.repeat(120)}…`
    ])
    expect(warnings()).toEqual([
      "results: error texts are cut to 120 characters to keep the output under GitHub's 1 MiB limit"
    ])
  })

  it('cuts to 40 characters when 120 is still too much', () => {
    const results = [
      failed('1', 500, 'e'.repeat(40)),
      failed('2', 500, 'f'.repeat(41)),
      ...ids(6_000).map(id => failed(id, 500, long))
    ]
    quick().setOutputs(outcomeOf(results))
    const shown = shownResults()
    expect(shown).toHaveLength(6_002)
    expect(shown.slice(0, 3).map(r => r.error)).toEqual([
      'e'.repeat(40),
      `${'f'.repeat(40)}…`,
      `${'x'.repeat(40)}…`
    ])
    expect(warnings()).toEqual([
      "results: error texts are cut to 40 characters to keep the output under GitHub's 1 MiB limit"
    ])
  })

  it('leaves out errors and hints, keeping the rest, when even 40 characters are too much', () => {
    const results = ids(10_000).map(id => ({
      ...failed(id, 500, long),
      hint: 'check the order',
      orderStatus: 'pending'
    }))
    quick().setOutputs(outcomeOf(results))
    const shown = shownResults()
    expect(shown[0]).toEqual({
      id: '5000001',
      ok: false,
      outcome: 'failed',
      status: 500,
      attempts: 1,
      order_status: 'pending'
    })
    expect(shown.filter(r => 'error' in r || 'hint' in r)).toEqual([])
    expect(warnings()).toEqual([
      "results: too many IDs for GitHub's 1 MiB output limit; errors are left out, see sent-ids, failed-ids and unsent-ids"
    ])
  })
})

describe('Reporter.fail: the verdict in full', () => {
  const verdictOf = (r: Reporter, outcome: RunOutcome): string => {
    r.fail(outcome)
    return errors().at(-1)?.message ?? ''
  }

  it('2 failures: one annotated, titled, with its error', () => {
    const verdict = verdictOf(
      reporter(),
      outcomeOf([
        sent('1'),
        failed('2', 404, 'HTTP 404: not_found'),
        failed('3', 500, 'HTTP 500: body: oops')
      ])
    )
    expect(errors()).toEqual([
      {
        name: 'error',
        props: { title: 'send-certificate failed for certificate 3' },
        message: 'certificate 3: HTTP 500: body: oops'
      },
      { name: 'error', props: {}, message: verdict }
    ])
    expect(verdict).toBe(
      'send-certificate: 2 failed of 3 certificates. First failure: certificate 2: HTTP 404: not_found; 1 more failure is annotated'
    )
  })

  it('3 failures of orders: 2 more annotated', () => {
    const results = ['1', '2', '3'].map(id => failed(id, 404, 'HTTP 404: not_found'))
    expect(verdictOf(reporter({ idInput: 'order-id' }), outcomeOf(results))).toBe(
      'send-certificate: 3 failed of 3 orders. First failure: order 1: HTTP 404: not_found; 2 more failures are annotated'
    )
  })

  it('10 failures: 9 annotated, none left over; 11: one only in the results', () => {
    const tenth = ids(10).map(id => failed(id, 404, 'HTTP 404'))
    expect(verdictOf(reporter(), outcomeOf(tenth))).toBe(
      'send-certificate: 10 failed of 10 certificates. First failure: certificate 5000001: HTTP 404; 9 more failures are annotated'
    )
    expect(errors()).toHaveLength(10)

    printed.length = 0
    const eleven = ids(11).map(id => failed(id, 404, 'HTTP 404'))
    expect(verdictOf(reporter(), outcomeOf(eleven))).toBe(
      'send-certificate: 11 failed of 11 certificates. First failure: certificate 5000001: HTTP 404; 9 more failures are annotated, 1 more is only in the results output'
    )
    expect(errors()).toHaveLength(10)
  })

  it('failures and IDs not sent: both counted, the stop said, the first failure named', () => {
    const verdict = verdictOf(
      reporter(),
      outcomeOf(
        [notAttempted('1', 'the key was refused'), failed('2', 404, 'HTTP 404'), sent('3')],
        {
          stop: { reason: 'key-refused', id: '4', message: 'HTTP 403: access_denied' }
        }
      )
    )
    expect(verdict).toBe(
      'send-certificate: 1 failed, 1 not sent (unsent-ids) of 3 certificates; the run stopped: HTTP 403: access_denied. First failure: certificate 2: HTTP 404'
    )
  })

  it('nothing failed, some not sent: names the ID DigiCert answered, not the first listed', () => {
    const limited: IdResult = {
      id: '2',
      fate: 'unsent',
      status: 429,
      attempts: 1,
      error: 'HTTP 429: DigiCert rate-limited this API key'
    }
    const verdict = verdictOf(
      reporter(),
      outcomeOf(
        [notAttempted('1', 'rate-limited'), limited, notAttempted('3', 'rate-limited'), sent('4')],
        {
          stop: { reason: 'rate-limited', id: '2', message: 'HTTP 429: retry after 30 s' }
        }
      )
    )
    expect(errors()).toHaveLength(1)
    expect(verdict).toBe(
      'send-certificate: 3 not sent (unsent-ids) of 4 certificates; the run stopped: HTTP 429: retry after 30 s. First: certificate 2: HTTP 429: DigiCert rate-limited this API key'
    )
  })

  it('nothing attempted: names the first ID not sent', () => {
    expect(
      verdictOf(
        reporter(),
        outcomeOf([sent('1'), notAttempted('2'), notAttempted('3')], {
          stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
        })
      )
    ).toBe(
      'send-certificate: 2 not sent (unsent-ids) of 3 certificates; the run stopped: the run was cancelled. First: certificate 2: not attempted: cancelled'
    )
  })

  it('a single ID not sent', () => {
    expect(verdictOf(reporter(), outcomeOf([notAttempted('1')]))).toBe(
      'send-certificate failed for certificate 1: not attempted: cancelled'
    )
  })
})

describe('Reporter.warn: the annotation limit exactly', () => {
  const numbered = (n: number): string[] => Array.from({ length: n }, (_, i) => `warning ${i}`)

  it('9 warnings: 9 annotations', () => {
    reporter({ warnings: numbered(9) }).warn()
    expect(warnings()).toEqual(numbered(9))
  })

  it('10 warnings: 9 and one counting the last', () => {
    reporter({ warnings: numbered(10) }).warn()
    expect(warnings()).toEqual([...numbered(9), 'and 1 more warnings (see the job summary)'])
  })
})

describe('Reporter.logDryRun: the log lines in full', () => {
  it('says what is validated, the headers, the body, and each request chain', () => {
    reporter({ idInput: 'order-id' }).logDryRun(
      [
        {
          id: '1',
          steps: [
            { method: 'GET', url: `${BASE}/order/certificate/1` },
            { method: 'PUT', url: `${BASE}/certificate/{certificate.id}/sendemail` }
          ]
        },
        { id: '2', steps: [{ method: 'GET', url: `${BASE}/order/certificate/2` }] }
      ],
      { emails: ['ops@example.com'] }
    )
    expect(printed.join('').split('\n')).toEqual([
      'dry-run: nothing is sent; 2 order ID(s) validated',
      'each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json',
      'each call sends Content-Type: application/json and this body:',
      '{',
      '  "emails": [',
      '    "ops@example.com"',
      '  ]',
      '}',
      '::group::the requests that would be made (2)',
      `GET ${BASE}/order/certificate/1 → then PUT ${BASE}/certificate/{certificate.id}/sendemail`,
      `GET ${BASE}/order/certificate/2`,
      '::endgroup::',
      ''
    ])
  })

  it('says so when the calls carry no body', () => {
    reporter().logDryRun([], undefined)
    expect(printed.join('').split('\n').slice(0, 4)).toEqual([
      'dry-run: nothing is sent; 0 certificate ID(s) validated',
      'each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json',
      'each call is sent without a body',
      '::group::the requests that would be made (0)'
    ])
  })
})

describe('Reporter summary: the HTML in full', () => {
  const tableOf = (html: string): string => html.slice(html.indexOf('<table>'))

  it('a certificate run: heading, counts, stop, details, then the table failures first', async () => {
    const results: IdResult[] = [
      sent('1'),
      sent('2', { attempts: 2 }),
      notAttempted('3'),
      failed('4', null, 'no answer from DigiCert'),
      { ...failed('5', 500, ''), error: undefined }
    ]
    await reporter().writeSummary(
      outcomeOf(results, {
        stop: { reason: 'key-refused', id: '5', message: 'HTTP 403: access_denied' }
      })
    )
    expect(summary()).toBe(
      [
        '<h2>DigiCert CertCentral: send-certificate</h2>',
        '<p>5 certificate(s): ✅ 2 sent · ❌ 2 failed · ⏸ 1 not sent</p>',
        '<p>The run stopped: HTTP 403: access&#95;denied</p>',
        '<ul><li><strong>IDs from</strong>: certificate-id</li><li><strong>Recipients</strong>: ops@example.com, pki@example.com</li><li><strong>Format</strong>: attachment</li></ul>',
        '<table><tr><th>Certificate</th><th>HTTP status</th><th>Outcome</th></tr>' +
          '<tr><td>4</td><td>—</td><td>❌ no answer from DigiCert</td></tr>' +
          '<tr><td>5</td><td>500</td><td>❌ failed</td></tr>' +
          '<tr><td>3</td><td>—</td><td>⏸ not attempted: cancelled</td></tr>' +
          '<tr><td>1</td><td>204</td><td>✅ sent</td></tr>' +
          '<tr><td>2</td><td>204</td><td>✅ sent (2 requests)</td></tr></table>',
        ''
      ].join('\n')
    )
  })

  it('an order run: certificate, common name and expiry columns, — where one is missing', async () => {
    await reporter({ idInput: 'order-id' }).writeSummary(
      outcomeOf([
        sent('1', { attempts: 2, certificateId: '9001', commonName: 'www.example.com' }),
        sent('2', { attempts: 3, validTill: '2027-01-31' })
      ])
    )
    expect(tableOf(summary())).toBe(
      '<table><tr><th>Order</th><th>Certificate</th><th>Common name</th><th>Expires</th><th>HTTP status</th><th>Outcome</th></tr>' +
        '<tr><td>1</td><td>9001</td><td>www.example.com</td><td>—</td><td>204</td><td>✅ sent</td></tr>' +
        '<tr><td>2</td><td>—</td><td>—</td><td>2027-01-31</td><td>204</td><td>✅ sent (3 requests)</td></tr></table>\n'
    )
  })

  it.each([
    ['certificate_id', 'certificateId'],
    ['common_name', 'commonName'],
    ['valid_till', 'validTill']
  ] as const)('shows the order columns when only %s is known', async (_, field) => {
    await reporter({ idInput: 'order-id' }).writeSummary(
      outcomeOf([sent('1', { attempts: 2, [field]: 'known' }), sent('2', { attempts: 2 })])
    )
    const table = tableOf(summary())
    expect(table).toContain(
      '<tr><th>Order</th><th>Certificate</th><th>Common name</th><th>Expires</th>'
    )
    expect(count(table, '<td>known</td>')).toBe(1)
    expect(count(table, '<td>—</td>')).toBe(5)
  })

  it('a dry run: the requests per ID in input order, empty where none is planned', async () => {
    await reporter({ idInput: 'order-id', dryRun: true, details: [] }).writeSummary(
      outcomeOf([validated('3'), validated('1'), validated('2')]),
      [
        {
          id: '3',
          steps: [
            { method: 'GET', url: `${BASE}/order/certificate/3` },
            { method: 'POST', url: `${BASE}/x` }
          ]
        },
        { id: '1', steps: [{ method: 'GET', url: `${BASE}/order/certificate/1` }] }
      ]
    )
    expect(summary()).toBe(
      [
        '<h2>DigiCert CertCentral: send-certificate (dry run)</h2>',
        '<p>3 order ID(s) validated, nothing sent.</p>',
        '<ul><li><strong>IDs from</strong>: order-id</li></ul>',
        '<table><tr><th>Order</th><th>Requests</th></tr>' +
          `<tr><td>3</td><td>GET ${BASE}/order/certificate/3 → POST ${BASE}/x</td></tr>` +
          `<tr><td>1</td><td>GET ${BASE}/order/certificate/1</td></tr>` +
          '<tr><td>2</td><td></td></tr></table>',
        ''
      ].join('\n')
    )
  })

  it('every result failed: each one has a row, none counted as sent', async () => {
    await reporter().writeSummary(
      outcomeOf([failed('1', 404, 'HTTP 404'), failed('2', 500, 'HTTP 500')])
    )
    const html = summary()
    expect(html).toContain('<p>2 certificate(s): ✅ 0 sent · ❌ 2 failed · ⏸ 0 not sent</p>')
    expect(tableOf(html)).toBe(
      '<table><tr><th>Certificate</th><th>HTTP status</th><th>Outcome</th></tr>' +
        '<tr><td>1</td><td>404</td><td>❌ HTTP 404</td></tr>' +
        '<tr><td>2</td><td>500</td><td>❌ HTTP 500</td></tr></table>\n'
    )
  })

  it('warnings: none, no heading; 50 all listed; 51, the last counted', async () => {
    await reporter().writeSummary(outcomeOf([sent('1')]))
    expect(summary()).not.toContain('Warnings')

    const numbered = (n: number): string[] => Array.from({ length: n }, (_, i) => `warning ${i}`)
    const listed = (n: number): string =>
      `<p><strong>Warnings</strong></p><ul>${numbered(n)
        .map(w => `<li>${w}</li>`)
        .join('')}`
    writeFileSync(files.summary, '')
    await reporter({ warnings: numbered(50) }).writeSummary(outcomeOf([sent('1')]))
    expect(summary()).toContain(`${listed(50)}</ul>\n<table>`)

    writeFileSync(files.summary, '')
    await reporter({ warnings: numbered(51) }).writeSummary(outcomeOf([sent('1')]))
    expect(summary()).toContain(`${listed(50)}<li>and 1 more warnings</li></ul>\n<table>`)
  })

  it(`shows ${MAX_SUMMARY_ROWS} rows and no more`, async () => {
    await reporter().writeSummary(outcomeOf(ids(MAX_SUMMARY_ROWS).map(id => sent(id))))
    expect(count(summary(), '<tr><td>')).toBe(1000)
    expect(summary()).toMatch(/<\/table>\n$/)

    writeFileSync(files.summary, '')
    await reporter().writeSummary(outcomeOf(ids(MAX_SUMMARY_ROWS + 1).map(id => sent(id))))
    const html = summary()
    expect(count(html, '<tr><td>')).toBe(1000)
    expect(html).not.toContain('<tr><td>5001001</td>')
    expect(html).toMatch(
      /<\/table>\n<p>1 more certificate\(s\) are not shown here; every ID is in the results output \(and in sent-ids, failed-ids, unsent-ids\)\.<\/p>\n$/
    )
  })

  it('adds rows while the rows so far are within 900 KiB, the one reaching it included', async () => {
    // A row's bytes: r0 plus 5 for each "&" (shown as &#38;) and 1 for each "x" of the error.
    await reporter().writeSummary(outcomeOf([failed('5000001', 500, 'x')]))
    const r0 = Buffer.byteLength(/<tr><td>.*?<\/tr>/.exec(summary())?.[0] ?? '') - 1
    const base = r0 + 5 * 200
    const k = Math.floor(SUMMARY_BUDGET_BYTES / base) - 1
    const rest = SUMMARY_BUDGET_BYTES - k * base - r0
    const error = `${'&'.repeat(Math.floor(rest / 5))}${'x'.repeat(rest % 5)}`
    expect(error.length).toBeLessThan(590)
    const all = ids(k + 3)
    const results = all.map((id, i) =>
      failed(id, 500, i < k ? '&'.repeat(200) : i === k ? error : 'last')
    )
    writeFileSync(files.summary, '')
    await reporter().writeSummary(outcomeOf(results))
    const html = summary()
    const rows = html.match(/<tr><td>.*?<\/tr>/g) ?? []
    expect(rows.slice(0, k + 1).reduce((sum, row) => sum + Buffer.byteLength(row), 0)).toBe(
      SUMMARY_BUDGET_BYTES
    )
    expect(rows).toHaveLength(k + 2)
    expect(visible(html)).toContain('1 more certificate(s) are not shown here')
  })

  it('links the run on its own line after the table, only with both repository and run', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
    vi.stubEnv('GITHUB_RUN_ID', '77')
    vi.stubEnv('GITHUB_SERVER_URL', 'https://ghe.example.com')
    await reporter().writeSummary(outcomeOf([sent('1')]))
    expect(summary()).toMatch(
      /<\/table>\n<a href="https:\/\/ghe\.example\.com\/acme\/certs\/actions\/runs\/77">Workflow run<\/a>\n$/
    )

    for (const unset of ['GITHUB_REPOSITORY', 'GITHUB_RUN_ID']) {
      writeFileSync(files.summary, '')
      vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
      vi.stubEnv('GITHUB_RUN_ID', '77')
      vi.stubEnv(unset, '')
      await reporter().writeSummary(outcomeOf([sent('1')]))
      expect(summary()).toMatch(/<\/table>\n$/)
    }
  })

  it('a summary that failed to write leaves nothing behind for the next one', async () => {
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce('disk full')
    await reporter().writeSummary(outcomeOf([sent('1')]))
    expect(warnings()).toEqual(['could not write the job summary: disk full'])
    await reporter({ operation: 'email-site-seal' }).writeSummary(outcomeOf([sent('2')]))
    expect(count(summary(), '<h2>')).toBe(1)
    expect(summary()).toContain('<h2>DigiCert CertCentral: email-site-seal</h2>')
  })
})

describe('reportUnexpected and reportInputProblems: the summary in full', () => {
  it('every ID unsent with the reason, in the outputs and the summary', async () => {
    await reportUnexpected(`TypeError: x is undefined ${KEY}`, ['1', '2'], safe)
    const shown = outputs()
    expect(shown).toEqual({
      'status-code': '',
      results: expect.any(String),
      'sent-ids': '',
      'failed-ids': '',
      'unsent-ids': '1,2',
      'retry-after': ''
    })
    expect(JSON.parse(shown.results as string)).toEqual(
      ['1', '2'].map(id => ({
        id,
        ok: false,
        outcome: 'unsent',
        status: null,
        attempts: 0,
        error: 'not attempted: TypeError: x is undefined ***'
      }))
    )
    expect(summary()).toBe(
      '<h2>DigiCert CertCentral: the action failed</h2>\n<ul><li>TypeError: x is undefined &#42;&#42;&#42;</li></ul>\n'
    )
  })

  it('input problems: the heading says nothing was sent', async () => {
    await reportInputProblems(['emails: missing', 'format: "zip" unknown'], safe)
    expect(summary()).toBe(
      '<h2>DigiCert CertCentral: invalid inputs, nothing sent</h2>\n<ul><li>emails: missing</li><li>format: &#34;zip&#34; unknown</li></ul>\n'
    )
  })
})
