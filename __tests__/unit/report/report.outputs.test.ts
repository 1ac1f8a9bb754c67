// Unit tests of src/report.ts: the outputs a run's report sets (status-code, results, the IDs by
// fate, retry-after) and the warnings about them, asserted on the value buildReport returns.
import { describe, expect, it } from 'vitest'
import { buildReport, type Outputs, type Report } from '../../../src/report/report.js'
import type { ReportContext } from '../../../src/report/context.js'
import {
  boundedResults,
  outputSize,
  RESULTS_STAGES,
  resultsWarnings,
  shortenedResults,
  RESULTS_BUDGET,
  resultsOutput,
  type ResultEntry
} from '../../../src/report/results.js'
import { retryAfterOf, retryAfterOutput } from '../../../src/report/verdict.js'
import type { IdResult, RunOutcome } from '../../../src/outcome.js'
import type { Sanitizer } from '../../../src/sanitize.js'
import {
  context,
  entryOf,
  failed,
  ids,
  KEY,
  later,
  MIB,
  noKey,
  notAttempted,
  outcomeOf,
  safe,
  sent,
  validated
} from '../../support/report.js'

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
    expect(shown.outputs).toEqual({
      'status-code': '404',
      results: expect.any(String),
      'sent-ids': '11,15',
      'failed-ids': '13,14',
      'unsent-ids': '12',
      'skipped-ids': '',
      'retry-after': ''
    })
    expect(JSON.parse(shown.outputs?.results as string)).toEqual(results.map(entryOf))
    expect(Object.keys(shown.outputs as Outputs)).toEqual([
      'status-code',
      'results',
      'sent-ids',
      'failed-ids',
      'unsent-ids',
      'skipped-ids',
      'retry-after'
    ])
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

describe('retryAfterOf', () => {
  it('keeps the wait while an ID is left unsent by a 429 or a 503', () => {
    expect(retryAfterOf(outcomeOf([sent('1'), later('2')], { retryAfter: 30 }))).toBe(30)
    expect(retryAfterOf(outcomeOf([later('3', 503), notAttempted('4')], { retryAfter: 0 }))).toBe(0)
    expect(retryAfterOf(outcomeOf([later('5')]))).toBeUndefined()
  })

  it('drops it when no ID is left unsent by DigiCert saying later', () => {
    // A retried 429 that then succeeded.
    expect(retryAfterOf(outcomeOf([sent('6', { attempts: 2 })], { retryAfter: 30 }))).toBe(
      undefined
    )
    // Unsent for another reason (cancelled), or a 429 / 503 that failed after all.
    expect(retryAfterOf(outcomeOf([notAttempted('7')], { retryAfter: 30 }))).toBeUndefined()
    expect(
      retryAfterOf(
        outcomeOf(
          [
            { ...later('8'), fate: 'failed' },
            { ...later('9', 503), fate: 'failed' }
          ],
          {
            retryAfter: 30
          }
        )
      )
    ).toBeUndefined()
    expect(
      retryAfterOf(outcomeOf([{ ...later('10'), status: 500 }], { retryAfter: 30 }))
    ).toBeUndefined()
  })

  it('is what buildReport sets: empty after a retried 429 that succeeded', () => {
    expect(
      outputsOf(outcomeOf([sent('11', { attempts: 2 })], { retryAfter: 30 }))['retry-after']
    ).toBe('')
  })
})

describe('retryAfterOutput', () => {
  it('is empty, without a warning, when DigiCert asked for no wait', () => {
    expect(retryAfterOutput(undefined)).toEqual({ value: '', warnings: [] })
  })

  it('says why retry-after is empty, in full', () => {
    expect(retryAfterOutput(86_401)).toEqual({
      value: '',
      warnings: [
        'DigiCert asked to wait 86401 s, not a whole number of seconds up to 86400 (a day): the retry-after output is left empty'
      ]
    })
  })
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

describe('resultsOutput: field by field and step by step', () => {
  const long = 'x'.repeat(60_000)
  const shownOf = (results: IdResult[], sanitizer: Sanitizer = noKey) => {
    const { json, warnings } = resultsOutput({ results, sanitizer })
    return { entries: JSON.parse(json) as ResultEntry[], json, warnings }
  }

  it('shows a long error as the summary does, saying its length, and cuts a hint at 200', () => {
    const shown = shownOf(
      [
        { ...failed('1', 500, 'x'.repeat(700)), hint: 'y'.repeat(250) },
        { ...failed('2', 400, 'z'.repeat(300)), orderStatus: `pending ${KEY}` }
      ],
      safe
    )
    expect(shown.entries).toEqual([
      {
        id: '1',
        ok: false,
        outcome: 'failed',
        status: 500,
        attempts: 1,
        lookups: 0,
        error: `${'x'.repeat(599)}… (700 characters in all)`,
        hint: `${'y'.repeat(199)}… (250 characters in all)`
      },
      {
        id: '2',
        ok: false,
        outcome: 'failed',
        status: 400,
        attempts: 1,
        lookups: 0,
        error: 'z'.repeat(300),
        order_status: 'pending ***'
      }
    ])
    expect(shown.warnings).toEqual([])
  })

  it('is whole at exactly its budget, and cut to 120 characters one byte over', () => {
    // [..., element, ...]: every element of a 7-digit ID and an error of n × "x" takes elem0 + n.
    const elem0 = JSON.stringify(entryOf(failed('5000001', 500, ''))).length
    const per = elem0 + 300 + 1
    const n = Math.floor((RESULTS_BUDGET - 2 - elem0 - 100) / per)
    const last = RESULTS_BUDGET - 2 - n * per - elem0
    expect(last).toBeGreaterThanOrEqual(100)
    expect(last).toBeLessThanOrEqual(600)
    const results = (extra: number): IdResult[] => [
      ...ids(n).map(id => failed(id, 500, 'x'.repeat(300))),
      failed(String(5_000_001 + n), 500, 'x'.repeat(last + extra))
    ]
    const whole = shownOf(results(0))
    expect(Buffer.byteLength(whole.json)).toBe(RESULTS_BUDGET)
    expect(whole.entries).toEqual(results(0).map(entryOf))
    expect(whole.warnings).toEqual([])

    const over = shownOf(results(1))
    expect(over.entries.map(r => r.error)).toEqual(
      Array.from({ length: n + 1 }, () => `${'x'.repeat(120)}…`)
    )
    expect(over.warnings).toEqual([
      "results: error texts are cut to 120 characters to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
    ])
  })

  it('cuts to 120 characters only the errors longer than that', () => {
    const shown = shownOf([
      failed('1', 500, 'e'.repeat(120)),
      failed('2', 500, 'f'.repeat(121)),
      ...ids(2_000).map(id => failed(id, 500, long))
    ])
    expect(shown.entries.slice(0, 3).map(r => r.error)).toEqual([
      'e'.repeat(120),
      `${'f'.repeat(120)}…`,
      `${'x'.repeat(120)}…`
    ])
    expect(shown.warnings).toEqual([
      "results: error texts are cut to 120 characters to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
    ])
  })

  it('cuts to 40 characters when 120 is still too much', () => {
    const shown = shownOf([
      failed('1', 500, 'e'.repeat(40)),
      failed('2', 500, 'f'.repeat(41)),
      ...ids(6_000).map(id => failed(id, 500, long))
    ])
    expect(shown.entries).toHaveLength(6_002)
    expect(shown.entries.slice(0, 3).map(r => r.error)).toEqual([
      'e'.repeat(40),
      `${'f'.repeat(40)}…`,
      `${'x'.repeat(40)}…`
    ])
    expect(shown.warnings).toEqual([
      "results: error texts are cut to 40 characters to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
    ])
  })

  it('leaves out errors and hints, keeping the rest, when even 40 characters are too much', () => {
    const shown = shownOf(
      ids(7_000).map(id => ({
        ...failed(id, 500, long),
        hint: 'check the order',
        orderStatus: 'pending'
      }))
    )
    expect(shown.json.slice(0, 112)).toBe(
      '[{"id":"5000001","ok":false,"outcome":"failed","status":500,"attempts":1,"lookups":0,"order_status":"pending"},{'
    )
    expect(shown.entries.filter(r => 'error' in r || 'hint' in r)).toEqual([])
    expect(shown.warnings).toEqual([
      "results: errors and hints are left out to keep the output within its budget (GitHub holds a job's outputs to 1 MB); see sent-ids, failed-ids and unsent-ids"
    ])
  })
})

describe('results: measured after every shortening, with a final fallback', () => {
  const entry = (id: string, ok: boolean, error?: string): ResultEntry => ({
    id,
    ok,
    outcome: ok ? 'sent' : 'failed',
    status: ok ? 204 : 500,
    attempts: 1,
    lookups: 0,
    ...(error === undefined ? {} : { error, hint: 'h' })
  })
  // Four sent, two failed with 50-character errors: each stage's JSON, and its length.
  const four = [
    entry('1', true),
    entry('2', false, 'e'.repeat(50)),
    entry('3', true),
    entry('4', false, 'f'.repeat(50)),
    entry('5', true),
    entry('6', true)
  ]
  const sizes = RESULTS_STAGES.map(
    stage => JSON.stringify(shortenedResults({ entries: four, stage })).length
  )

  it('the budget: 840 KiB of UTF-16 code units, leaving 128 KiB and more of 1 MB for the rest', () => {
    expect(RESULTS_BUDGET).toBe(860_160)
    expect(1_000_000 - RESULTS_BUDGET).toBeGreaterThan(128 * 1024 + 8_000)
  })

  it('measures UTF-16 code units, or UTF-8 bytes when they are more', () => {
    expect(outputSize('abc')).toBe(3)
    expect(outputSize('é')).toBe(2)
    expect(outputSize('😀')).toBe(4)
    expect(outputSize('')).toBe(0)
  })

  it('each stage is no larger than the one before it (120 cuts none of these errors)', () => {
    expect(sizes[1]).toBe(sizes[0])
    for (let at = 2; at < sizes.length; at++)
      expect(sizes[at] as number).toBeLessThan(sizes[at - 1] as number)
  })

  it('keeps every entry whole at exactly the budget', () => {
    const shown = boundedResults({ entries: four, budget: sizes[0] as number })
    expect(JSON.parse(shown.json)).toEqual(four)
    expect(shown.warnings).toEqual([])
  })

  it('one unit under the budget: errors cut to 40 (120 cuts none of these)', () => {
    const shown = boundedResults({ entries: four, budget: (sizes[0] as number) - 1 })
    expect((JSON.parse(shown.json) as ResultEntry[]).map(e => e.error)).toEqual([
      undefined,
      `${'e'.repeat(40)}…`,
      undefined,
      `${'f'.repeat(40)}…`,
      undefined,
      undefined
    ])
    expect(shown.warnings).toEqual([
      "results: error texts are cut to 40 characters to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
    ])
  })

  it('then errors and hints left out, every entry kept', () => {
    const shown = boundedResults({ entries: four, budget: sizes[3] as number })
    expect(shown.json).toBe(
      JSON.stringify(
        four.map(({ id, ok, outcome, status, attempts, lookups }) => ({
          id,
          ok,
          outcome,
          status,
          attempts,
          lookups
        }))
      )
    )
    expect(shown.warnings).toEqual([
      "results: errors and hints are left out to keep the output within its budget (GitHub holds a job's outputs to 1 MB); see sent-ids, failed-ids and unsent-ids"
    ])
  })

  it('then only the entries not sent, errors cut to 40', () => {
    const shown = boundedResults({ entries: four, budget: (sizes[3] as number) - 1 })
    expect(JSON.parse(shown.json)).toEqual([
      { ...entry('2', false, `${'e'.repeat(40)}…`) },
      { ...entry('4', false, `${'f'.repeat(40)}…`) }
    ])
    expect(shown.json.length).toBe(sizes[4])
    expect(shown.warnings).toEqual([
      "results: only the 2 IDs not sent are listed (errors cut to 40 characters) to keep the output within its budget (GitHub holds a job's outputs to 1 MB); the other 4 went through (sent-ids lists those sent)"
    ])
  })

  it('then only the entries not sent, without errors', () => {
    const shown = boundedResults({ entries: four, budget: (sizes[4] as number) - 1 })
    expect(shown.json).toBe(
      '[{"id":"2","ok":false,"outcome":"failed","status":500,"attempts":1,"lookups":0},{"id":"4","ok":false,"outcome":"failed","status":500,"attempts":1,"lookups":0}]'
    )
    expect(shown.warnings).toEqual([
      "results: only the 2 IDs not sent are listed (without errors) to keep the output within its budget (GitHub holds a job's outputs to 1 MB); the other 4 went through (sent-ids lists those sent)"
    ])
  })

  it('then [] with a warning, always within the budget', () => {
    for (const budget of [(sizes[5] as number) - 1, 2, 0]) {
      const shown = boundedResults({ entries: four, budget })
      expect(shown.json).toBe('[]')
      expect(shown.warnings).toEqual([
        `results: too many IDs for the output's ${budget} characters even listing only those not sent; results is [], see sent-ids, failed-ids and unsent-ids`
      ])
    }
  })

  it('a budget met in UTF-16 code units but not in UTF-8 bytes is not met', () => {
    const wide = [entry('1', false, 'é'.repeat(10))]
    const units = JSON.stringify(wide).length
    expect(boundedResults({ entries: wide, budget: units + 10 })).toEqual({
      json: JSON.stringify(wide),
      warnings: []
    })
    const shown = boundedResults({ entries: wide, budget: units })
    expect(JSON.parse(shown.json)).toEqual([
      { id: '1', ok: false, outcome: 'failed', status: 500, attempts: 1, lookups: 0 }
    ])
  })

  it('a stage warning for each stage, none for the first', () => {
    expect(RESULTS_STAGES.map(stage => resultsWarnings({ entries: four, stage }).length)).toEqual([
      0, 1, 1, 1, 1, 1
    ])
  })

  it('16,000 IDs with huge server errors, half sent: within the budget, the failed ones listed', () => {
    const results = ids(16_000).map((id, at) =>
      at % 2 ? sent(id) : failed(id, 500, `<html>${'z'.repeat(60_000)}</html>`)
    )
    const shown = resultsOutput({ results, sanitizer: noKey })
    expect(outputSize(shown.json)).toBeLessThanOrEqual(RESULTS_BUDGET)
    const entries = JSON.parse(shown.json) as ResultEntry[]
    expect(entries).toHaveLength(8_000)
    expect(entries).toEqual(
      ids(16_000)
        .filter((_, at) => at % 2 === 0)
        .map(id => ({ id, ok: false, outcome: 'failed', status: 500, attempts: 1, lookups: 0 }))
    )
    expect(shown.warnings).toEqual([
      "results: only the 8000 IDs not sent are listed (without errors) to keep the output within its budget (GitHub holds a job's outputs to 1 MB); the other 8000 went through (sent-ids lists those sent)"
    ])
  })

  it('a 16,000-ID dry run: within the budget', () => {
    const shown = buildReport({
      context: context({ dryRun: true }),
      outcome: outcomeOf(ids(16_000).map(validated)),
      sanitizer: noKey
    })
    const outputs = shown.outputs as Outputs
    expect(outputSize(outputs.results)).toBeLessThanOrEqual(RESULTS_BUDGET)
    const all = Object.values(outputs).reduce((sum, value) => sum + outputSize(value), 0)
    expect(all).toBeLessThan(1_000_000)
  })
})
