// Unit tests of src/report/report.ts: the outputs a run's report sets (status-code, results, the
// IDs by fate, retry-after) and the warnings about them, asserted on the value buildReport returns.
// results' entries and budget stage by stage: results.test.ts; retry-after: verdict.test.ts.
import { describe, expect, it } from 'vitest'
import { buildReport, type Outputs, type Report } from '../../../src/report/report.js'
import type { ReportContext } from '../../../src/report/context.js'
import { RESULTS_BUDGET, type ResultEntry } from '../../../src/report/results.js'
import type { IdResult, RunOutcome } from '../../../src/outcome.js'
import type { Sanitizer } from '../../../src/sanitize.js'
import {
  context,
  entryOf,
  failed,
  ids,
  later,
  MIB,
  noKey,
  notAttempted,
  outcomeOf,
  safe,
  sent,
  validated
} from '../../support/report.js'
import { outputsWith, RUN_OUTPUT_ORDER } from '../../support/outputs.js'

const report = (
  outcome: RunOutcome,
  over: Partial<ReportContext> = {},
  sanitizer: Sanitizer = safe
): Report => buildReport({ context: context(over), outcome, sanitizer })
const outputsOf = (outcome: RunOutcome, over: Partial<ReportContext> = {}): Outputs =>
  report(outcome, over).outputs as Outputs

describe('buildReport: outputs', () => {
  it('sets every output, in order: the first failure in input order, and the IDs by outcome', () => {
    const results = [
      sent('11'),
      notAttempted('12'),
      failed('13', 404, 'HTTP 404: not_found: Not found.'),
      failed('14', 500, 'HTTP 500: body: <b>oops</b>'),
      sent('15', { attempts: 2 })
    ]
    const shown = report(outcomeOf(results))
    expect(shown.outputs).toEqual(
      outputsWith({
        'status-code': '404',
        results: expect.any(String),
        'sent-ids': '11,15',
        'failed-ids': '13,14',
        'unsent-ids': '12'
      })
    )
    expect(JSON.parse(shown.outputs?.results as string)).toEqual(results.map(entryOf))
    expect(Object.keys(shown.outputs as Outputs)).toEqual(RUN_OUTPUT_ORDER)
    expect(shown.warnings).toEqual([])
  })

  it('says 429 when a 429 stopped the run, whatever failed before it', () => {
    const results = [
      failed('21', 404, 'HTTP 404: not_found: Not found.'),
      { ...failed('22', 429, 'HTTP 429: DigiCert rate-limited this API key'), fate: 'unsent' },
      notAttempted('23', 'DigiCert rate-limited the key')
    ] satisfies IdResult[]
    expect(
      outputsOf(
        outcomeOf(results, {
          stop: { reason: 'rate-limited', id: '22', message: 'HTTP 429' },
          retryAfter: 30
        })
      )
    ).toMatchObject({
      'status-code': '429',
      'sent-ids': '',
      'failed-ids': '21',
      'unsent-ids': '22,23',
      'skipped-ids': '',
      'retry-after': '30'
    })
  })

  it('says the success status when every ID went through, and nothing without an answer', () => {
    expect(
      outputsOf(outcomeOf([sent('31', { status: 201 }), sent('32', { status: 201 })]))
    ).toMatchObject({ 'status-code': '201', 'failed-ids': '', 'unsent-ids': '' })

    expect(
      outputsOf(
        outcomeOf([notAttempted('33'), notAttempted('34')], {
          stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
        })
      )
    ).toMatchObject({ 'status-code': '', 'unsent-ids': '33,34', 'sent-ids': '' })

    expect(outputsOf(outcomeOf([validated('35')]), { dryRun: true })).toMatchObject({
      'status-code': '',
      'sent-ids': '',
      'retry-after': ''
    })
  })

  it.each([0, 1, 300, 86_400])('passes a Retry-After of %s s on as it is', wait => {
    const shown = report(outcomeOf([later('41')], { retryAfter: wait }))
    expect(shown.outputs?.['retry-after']).toBe(String(wait))
    expect(shown.warnings).toEqual([])
  })

  it.each([86_401, 999_999_999, 1e26, 2.5, -1])(
    'leaves retry-after empty, with a warning, for %s s',
    wait => {
      const shown = report(outcomeOf([later('42')], { retryAfter: wait }))
      expect(shown.outputs?.['retry-after']).toBe('')
      expect(shown.warnings).toEqual([
        `DigiCert asked to wait ${wait} s, not a whole number of seconds up to 86400 (a day): the retry-after output is left empty`
      ])
    }
  )
})

describe('buildReport: status-code', () => {
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
    expect(outputsOf(outcomeOf(results))['status-code']).toBe(status)
  })

  it('says 503 when a 503 stopped the run as a 429 would, 429 for the 429 or a stop by no ID', () => {
    const stopped = (id: string | undefined, results: IdResult[]): string =>
      outputsOf(outcomeOf(results, { stop: { reason: 'rate-limited', id, message: 'later' } }))[
        'status-code'
      ]
    expect(stopped('2', [failed('1', 404, 'HTTP 404'), later('2', 503)])).toBe('503')
    expect(stopped('2', [failed('1', 503, 'HTTP 503'), later('2')])).toBe('429')
    expect(stopped(undefined, [later('3', 503)])).toBe('429')
  })
})

describe('results under the output limit', () => {
  const long = 'x'.repeat(60_000)
  // Without a key to look for, so that 10,000 × 60 KB stays quick; redaction is tested below.
  const quick = (results: IdResult[]): Report => report(outcomeOf(results), {}, noKey)

  it('keeps 10,000 IDs with 60 KB errors under 1 MiB, dropping the errors, with a warning', () => {
    const shown = quick(ids(10_000).map(id => failed(id, 500, long)))
    const json = shown.outputs?.results as string
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(RESULTS_BUDGET)
    expect(Buffer.byteLength(json)).toBeLessThan(MIB)
    const entries = JSON.parse(json) as ResultEntry[]
    expect(entries.map(r => r.id)).toEqual(ids(10_000))
    expect(entries.every(r => !r.ok && r.status === 500 && r.outcome === 'failed')).toBe(true)
    expect(entries.every(r => (r.error ?? '').length <= 600)).toBe(true)
    expect(shown.outputs?.['failed-ids'].split(',')).toHaveLength(10_000)
    expect(shown.warnings).toEqual([
      "results: errors and hints are left out to keep the output within its budget (GitHub holds a job's outputs to 1 MB); see sent-ids, failed-ids and unsent-ids"
    ])
  })

  it('shortens the error texts, with a warning, when that is enough', () => {
    const shown = quick(ids(2_000).map(id => failed(id, 500, long)))
    const json = shown.outputs?.results as string
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(RESULTS_BUDGET)
    const entries = JSON.parse(json) as ResultEntry[]
    expect(entries).toHaveLength(2_000)
    for (const entry of entries) expect(entry.error).toBe(`${'x'.repeat(120)}…`)
    expect(shown.warnings).toEqual([
      "results: error texts are cut to 120 characters to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
    ])
  })
})
