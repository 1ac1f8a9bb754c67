// Unit tests of src/report/results.ts: a `results` entry field by field, and the output within its
// budget: measured after every shortening (RESULTS_STAGES), with a final fallback, each with its
// warning. The output as buildReport sets it: report.outputs.test.ts.
import { describe, expect, it, vi } from 'vitest'
import { buildReport, type Outputs } from '../../../src/report/report.js'
import {
  boundedResults,
  outputSize,
  RESULTS_STAGES,
  resultsWarnings,
  shortenedResults,
  RESULTS_BUDGET,
  resultEntry,
  resultsOutput,
  writesTheSame,
  type ResultEntry,
  type ResultsStage
} from '../../../src/report/results.js'
import type { IdResult } from '../../../src/outcome.js'
import type { Sanitizer } from '../../../src/sanitize.js'
import {
  context,
  entryOf,
  failed,
  ids,
  KEY,
  noKey,
  outcomeOf,
  safe,
  sent,
  validated
} from '../../support/report.js'

describe('resultEntry', () => {
  it("maps every field to the output's name, sanitized, in the output's order", () => {
    const entry = resultEntry({
      result: {
        id: '9',
        fate: 'failed',
        status: 200,
        attempts: 0,
        lookups: 3,
        orderStatus: 'pending',
        validTill: '2027-01-15',
        commonName: `www ${KEY}`,
        certificateId: '1000009',
        hint: 'wait\nlonger',
        error: 'order 9 is not issued'
      },
      sanitizer: safe
    })
    expect(JSON.stringify(entry)).toBe(
      '{"id":"9","ok":false,"outcome":"failed","status":200,"attempts":0,"lookups":3,"error":"order 9 is not issued","hint":"wait longer","certificate_id":"1000009","common_name":"www ***","valid_till":"2027-01-15","order_status":"pending"}'
    )
  })

  it('leaves out, rather than sets to undefined, what is not known', () => {
    expect(resultEntry({ result: sent('5'), sanitizer: safe })).toStrictEqual({
      id: '5',
      ok: true,
      outcome: 'sent',
      status: 204,
      attempts: 1,
      lookups: 0
    })
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

  it.each([
    // tried, stage, the longest error, the same results
    [{ entries: 'all', errorChars: Infinity }, { entries: 'all', errorChars: 120 }, 50, true],
    [{ entries: 'all', errorChars: Infinity }, { entries: 'all', errorChars: 120 }, 120, true],
    [{ entries: 'all', errorChars: Infinity }, { entries: 'all', errorChars: 120 }, 121, false],
    [{ entries: 'all', errorChars: 120 }, { entries: 'all', errorChars: 40 }, 40, true],
    [{ entries: 'all', errorChars: 120 }, { entries: 'all', errorChars: 40 }, 41, false],
    [{ entries: 'all', errorChars: 40 }, { entries: 'all', errorChars: 120 }, 41, false],
    [{ entries: 'all', errorChars: 40 }, { entries: 'all', errorChars: 0 }, 0, false],
    [{ entries: 'all', errorChars: 0 }, { entries: 'all', errorChars: 40 }, 0, false],
    [{ entries: 'all', errorChars: 40 }, { entries: 'not-delivered', errorChars: 40 }, 10, false],
    [
      { entries: 'not-delivered', errorChars: 40 },
      { entries: 'not-delivered', errorChars: 0 },
      0,
      false
    ]
  ] as [ResultsStage, ResultsStage, number, boolean][])(
    'a stage cutting no error writes what the stage tried before it wrote: %j then %j, longest %i: %s',
    (tried, stage, longest, same) => {
      expect(writesTheSame({ tried, stage, longest })).toBe(same)
    }
  )

  it('skips a stage that would write the JSON that did not fit again, and finds the same', () => {
    // Errors of 30 characters: the stages cutting to 120 and to 40 write what the first wrote.
    const short = [entry('1', false, 'e'.repeat(30)), entry('2', true), entry('3', false, 'f')]
    const at = (stage: ResultsStage): number =>
      outputSize(JSON.stringify(shortenedResults({ entries: short, stage })))
    const [whole, , , bare] = RESULTS_STAGES.map(at) as [number, number, number, number]
    const stringify = vi.spyOn(JSON, 'stringify')
    const shown = boundedResults({ entries: short, budget: whole - 1 })
    // The first stage and the one without errors; not the two cutting to 120 and 40.
    expect(stringify).toHaveBeenCalledTimes(2)
    stringify.mockRestore()
    expect(outputSize(shown.json)).toBe(bare)
    expect(shown).toEqual({
      json: JSON.stringify(shortenedResults({ entries: short, stage: RESULTS_STAGES[3] })),
      warnings: resultsWarnings({ entries: short, stage: RESULTS_STAGES[3] })
    })
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

describe('resultEntry with recipients-from-order', () => {
  const result: IdResult = {
    ...sent('5'),
    recipients: ['a@example.com', 'b@example.org'],
    sentTo: 2,
    rolesWithout: ['requester', 'custom-field:Own\u202eers']
  }

  it('gives the number sent to and the roles that named no one, never an address', () => {
    const entry = resultEntry({ result, sanitizer: safe })
    expect(JSON.stringify(entry)).toBe(
      '{"id":"5","ok":true,"outcome":"sent","status":204,"attempts":1,"lookups":0,"recipients":2,"roles_without_recipients":["requester","custom-field:Owners"]}'
    )
  })

  it('gives 0 and no roles when so', () => {
    expect(
      resultEntry({
        result: { ...failed('6', 400, 'x'), sentTo: 0, rolesWithout: [] },
        sanitizer: safe
      })
    ).toMatchObject({ recipients: 0, roles_without_recipients: [] })
  })
})

describe('resultEntry with deliver-once', () => {
  it.each([
    [true, ',"recorded":true}'],
    [false, ',"recorded":false}']
  ])('gives recorded %s', (recorded, tail) => {
    const json = JSON.stringify(resultEntry({ result: sent('5', { recorded }), sanitizer: safe }))
    expect(json).toBe(
      `{"id":"5","ok":true,"outcome":"sent","status":204,"attempts":1,"lookups":0${tail}`
    )
  })

  it('gives none without deliver-once', () => {
    expect(resultEntry({ result: sent('5'), sanitizer: safe })).not.toHaveProperty('recorded')
  })
})
