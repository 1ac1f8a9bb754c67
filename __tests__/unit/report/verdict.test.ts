// Unit tests of src/report/verdict.ts: whether an ID went through, the verdict (setFailed's text),
// the error annotations for the next failures, asserted on the value, and retry-after. status-code
// as buildReport sets it: report.outputs.test.ts.
import { describe, expect, it } from 'vitest'
import { buildReport, type Outputs, type Report } from '../../../src/report/report.js'
import type { ReportContext } from '../../../src/report/context.js'
import {
  isDelivered,
  MAX_ID_ANNOTATIONS,
  MAX_NOT_RECORDED_NAMED,
  retryAfterOf,
  retryAfterOutput
} from '../../../src/report/verdict.js'
import type { IdResult, RunOutcome } from '../../../src/outcome.js'
import {
  context,
  failed,
  ids,
  later,
  notAttempted,
  outcomeOf,
  safe,
  sent,
  validated
} from '../../support/report.js'

const report = (outcome: RunOutcome, over: Partial<ReportContext> = {}): Report =>
  buildReport({ context: context(over), outcome, sanitizer: safe })
const outputsOf = (outcome: RunOutcome): Outputs => report(outcome).outputs as Outputs

describe('isDelivered', () => {
  it('is true for sent and validated IDs only', () => {
    expect(isDelivered(sent('1'))).toBe(true)
    expect(isDelivered(validated('2'))).toBe(true)
    expect(isDelivered(failed('3', 404, 'HTTP 404'))).toBe(false)
    expect(isDelivered(notAttempted('4'))).toBe(false)
  })
})

describe('buildReport: annotations and the verdict', () => {
  it('one failed ID: no annotation, the verdict, with its error', () => {
    const shown = report(
      outcomeOf([
        sent('51'),
        failed('52', 502, 'HTTP 502: body: <b>Bad gateway</b>; try later'),
        sent('53')
      ])
    )
    expect(shown.errors).toEqual([])
    expect(shown.verdict).toBe(
      'send-certificate: 1 failed of 3 certificates. First failure: certificate 52: HTTP 502: body: <b>Bad gateway</b>; try later'
    )
  })

  it('a single ID: the verdict names the operation, the ID and its error', () => {
    const shown = report(outcomeOf([failed('54', 404, 'HTTP 404: not_found: Not found.')]), {
      operation: 'email-site-seal',
      idInput: 'order-id'
    })
    expect(shown.errors).toEqual([])
    expect(shown.verdict).toBe(
      'email-site-seal failed for order 54: HTTP 404: not_found: Not found.'
    )
  })

  it('12 failed IDs: the verdict and 9 annotations, the rest counted; none for IDs not attempted', () => {
    const failures = ids(12, 6_000_001).map(id => failed(id, 404, `HTTP 404: no certificate ${id}`))
    const results = [...failures, notAttempted('6000101'), notAttempted('6000102')]
    const shown = report(
      outcomeOf(results, {
        stop: { reason: 'key-refused', id: '6000012', message: 'HTTP 403: access_denied' }
      })
    )
    expect(MAX_ID_ANNOTATIONS).toBe(9)
    expect(shown.errors).toEqual(
      ids(9, 6_000_002).map(id => ({
        message: `certificate ${id}: HTTP 404: no certificate ${id}`,
        title: `send-certificate failed for certificate ${id}`
      }))
    )
    expect(shown.verdict).toBe(
      'send-certificate: 12 failed, 2 not sent (unsent-ids) of 14 certificates; the run stopped: HTTP 403: access_denied. First failure: certificate 6000001: HTTP 404: no certificate 6000001; 9 more failures are annotated, 2 more are only in the results output'
    )
  })

  it('a run that was only stopped (nothing attempted failed) gets the verdict alone', () => {
    const shown = report(
      outcomeOf([sent('55'), notAttempted('56'), notAttempted('57')], {
        stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
      })
    )
    expect(shown.errors).toEqual([])
    expect(shown.verdict).toBe(
      'send-certificate: 2 not sent (unsent-ids) of 3 certificates; the run stopped: the run was cancelled. First: certificate 56: not attempted: cancelled'
    )
  })

  it('no annotation and no verdict when every ID went through', () => {
    const shown = report(outcomeOf([sent('58'), sent('59')]))
    expect(shown.errors).toEqual([])
    expect(shown.verdict).toBeUndefined()
  })
})

describe('buildReport: the verdict in full', () => {
  it('2 failures: one annotated, titled, with its error', () => {
    const shown = report(
      outcomeOf([
        sent('1'),
        failed('2', 404, 'HTTP 404: not_found'),
        failed('3', 500, 'HTTP 500: body: oops')
      ])
    )
    expect(shown.errors).toEqual([
      {
        title: 'send-certificate failed for certificate 3',
        message: 'certificate 3: HTTP 500: body: oops'
      }
    ])
    expect(shown.verdict).toBe(
      'send-certificate: 2 failed of 3 certificates. First failure: certificate 2: HTTP 404: not_found; 1 more failure is annotated'
    )
  })

  it('3 failures of orders: 2 more annotated', () => {
    const results = ['1', '2', '3'].map(id => failed(id, 404, 'HTTP 404: not_found'))
    expect(report(outcomeOf(results), { idInput: 'order-id' }).verdict).toBe(
      'send-certificate: 3 failed of 3 orders. First failure: order 1: HTTP 404: not_found; 2 more failures are annotated'
    )
  })

  it('10 failures: 9 annotated, none left over; 11: one only in the results', () => {
    const ten = report(outcomeOf(ids(10).map(id => failed(id, 404, 'HTTP 404'))))
    expect(ten.verdict).toBe(
      'send-certificate: 10 failed of 10 certificates. First failure: certificate 5000001: HTTP 404; 9 more failures are annotated'
    )
    expect(ten.errors.map(e => e.title)).toEqual(
      ids(9, 5_000_002).map(id => `send-certificate failed for certificate ${id}`)
    )

    const eleven = report(outcomeOf(ids(11).map(id => failed(id, 404, 'HTTP 404'))))
    expect(eleven.verdict).toBe(
      'send-certificate: 11 failed of 11 certificates. First failure: certificate 5000001: HTTP 404; 9 more failures are annotated, 1 more is only in the results output'
    )
    expect(eleven.errors).toEqual(ten.errors)
  })

  it('failures and IDs not sent: both counted, the stop said, the first failure named', () => {
    const shown = report(
      outcomeOf(
        [notAttempted('1', 'the key was refused'), failed('2', 404, 'HTTP 404'), sent('3')],
        {
          stop: { reason: 'key-refused', id: '4', message: 'HTTP 403: access_denied' }
        }
      )
    )
    expect(shown.verdict).toBe(
      'send-certificate: 1 failed, 1 not sent (unsent-ids) of 3 certificates; the run stopped: HTTP 403: access_denied. First failure: certificate 2: HTTP 404'
    )
  })

  it('nothing failed, some not sent: names the ID DigiCert answered, not the first listed', () => {
    const limited: IdResult = {
      id: '2',
      fate: 'unsent',
      status: 429,
      attempts: 1,
      lookups: 0,
      error: 'HTTP 429: DigiCert rate-limited this API key'
    }
    const shown = report(
      outcomeOf(
        [notAttempted('1', 'rate-limited'), limited, notAttempted('3', 'rate-limited'), sent('4')],
        {
          stop: { reason: 'rate-limited', id: '2', message: 'HTTP 429: retry after 30 s' }
        }
      )
    )
    expect(shown.errors).toEqual([])
    expect(shown.verdict).toBe(
      'send-certificate: 3 not sent (unsent-ids) of 4 certificates; the run stopped: HTTP 429: retry after 30 s. First: certificate 2: HTTP 429: DigiCert rate-limited this API key'
    )
  })

  it('a 429 that stopped the run at the ID it names: its text once, not as the stop and the first', () => {
    const error =
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded); it asked to wait 30 s'
    const limited: IdResult = {
      id: '2',
      fate: 'unsent',
      status: 429,
      attempts: 1,
      lookups: 0,
      error
    }
    const stop = { reason: 'rate-limited', id: '2', message: error } as const
    const shown = report(
      outcomeOf([sent('1'), limited, notAttempted('3', 'rate-limited')], { stop })
    )
    expect(shown.verdict).toBe(
      `send-certificate: 2 not sent (unsent-ids) of 3 certificates; the run stopped at certificate 2: ${error}`
    )
    // with failures before it, the first failure is named apart, the stop with its own text
    const failures = report(
      outcomeOf([failed('0', 404, 'HTTP 404'), failed('1', 404, 'HTTP 404'), limited], { stop })
    )
    expect(failures.verdict).toBe(
      `send-certificate: 2 failed, 1 not sent (unsent-ids) of 3 certificates; the run stopped: ${error}. First failure: certificate 0: HTTP 404; 1 more failure is annotated`
    )
    // a refused key: the ID it answered is unsent, the rest not attempted
    const refused = 'HTTP 403: CertCentral refused the API key'
    const keyStop = { reason: 'key-refused', id: '5', message: refused } as const
    const answered: IdResult = { ...limited, id: '5', status: 403, error: refused }
    expect(report(outcomeOf([answered, notAttempted('7')], { stop: keyStop })).verdict).toBe(
      `send-certificate: 2 not sent (unsent-ids) of 2 certificates; the run stopped at certificate 5: ${refused}`
    )
    // a first failure that stopped the run with its own text: said once, the others counted
    expect(
      report(
        outcomeOf([failed('5', 403, refused), failed('6', 404, 'HTTP 404'), notAttempted('7')], {
          stop: keyStop
        })
      ).verdict
    ).toBe(
      `send-certificate: 2 failed, 1 not sent (unsent-ids) of 3 certificates; the run stopped at certificate 5: ${refused}; 1 more failure is annotated`
    )
    // the same ID but another text: both said
    expect(
      report(outcomeOf([limited, sent('4')], { stop: { ...stop, message: 'HTTP 429' } })).verdict
    ).toBe(
      `send-certificate: 1 not sent (unsent-ids) of 2 certificates; the run stopped: HTTP 429. First: certificate 2: ${error}`
    )
  })

  it('an ID only looked up had a request made: the verdict names it, status-code is its status', () => {
    const pending: IdResult = {
      id: '2',
      fate: 'unsent',
      status: 200,
      attempts: 0,
      lookups: 1,
      error: 'order 2 is not issued yet (status pending)'
    }
    const shown = report(
      outcomeOf([notAttempted('1'), pending, notAttempted('3')], {
        stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
      }),
      { idInput: 'order-id' }
    )
    expect(shown.verdict).toBe(
      'send-certificate: 3 not sent (unsent-ids) of 3 orders; the run stopped: the run was cancelled. First: order 2: order 2 is not issued yet (status pending)'
    )
    const missing: IdResult = {
      id: '4',
      fate: 'failed',
      status: 404,
      attempts: 0,
      lookups: 1,
      error: 'HTTP 404: not_found|order'
    }
    expect(report(outcomeOf([notAttempted('1'), missing])).outputs?.['status-code']).toBe('404')
  })

  it('nothing attempted: names the first ID not sent', () => {
    expect(
      report(
        outcomeOf([sent('1'), notAttempted('2'), notAttempted('3')], {
          stop: { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
        })
      ).verdict
    ).toBe(
      'send-certificate: 2 not sent (unsent-ids) of 3 certificates; the run stopped: the run was cancelled. First: certificate 2: not attempted: cancelled'
    )
  })

  it('a single ID not sent', () => {
    expect(report(outcomeOf([notAttempted('1')])).verdict).toBe(
      'send-certificate: not sent (unsent-ids): certificate 1: not attempted: cancelled'
    )
  })
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

describe("deliver-once's warning for IDs sent but not recorded", () => {
  it('is one warning naming them, sent or sent to some; the run still succeeds', () => {
    const outcome = outcomeOf([
      sent('1', { recorded: false }),
      sent('2', { recorded: true }),
      sent('3'),
      { ...failed('4', 403, 'sent to 1 of 2'), recorded: false }
    ])
    const { warnings, verdict } = report(outcome, { idInput: 'order-id' })
    expect(warnings).toEqual([
      "sent but not recorded: a later run may mail them again (2 orders: 1, 4); deliver-once's note on the order could not be written, see the log"
    ])
    expect(verdict).toContain('1 failed')
    expect(report(outcomeOf([sent('1', { recorded: false })])).verdict).toBeUndefined()
  })

  it('says it for one, and none when every note was written', () => {
    expect(report(outcomeOf([sent('7', { recorded: false })])).warnings).toEqual([
      "sent but not recorded: a later run may mail them again (1 certificate: 7); deliver-once's note on the order could not be written, see the log"
    ])
    expect(report(outcomeOf([sent('7', { recorded: true }), sent('8')])).warnings).toEqual([])
  })

  it(`names at most ${MAX_NOT_RECORDED_NAMED}, counting the rest`, () => {
    const many = ids(MAX_NOT_RECORDED_NAMED + 3).map(id => sent(id, { recorded: false }))
    const [warning] = report(outcomeOf(many)).warnings
    const named = many.slice(0, MAX_NOT_RECORDED_NAMED).map(r => r.id)
    expect(warning).toBe(
      `sent but not recorded: a later run may mail them again (${MAX_NOT_RECORDED_NAMED + 3} certificates: ${named.join(', ')} and 3 more (recorded: false in results)); deliver-once's note on the order could not be written, see the log`
    )
    const exactly = many.slice(0, MAX_NOT_RECORDED_NAMED)
    expect(report(outcomeOf(exactly)).warnings[0]).not.toContain('more')
  })
})
