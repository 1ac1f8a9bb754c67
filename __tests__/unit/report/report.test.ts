// Unit tests of src/report.ts: a run's report as a whole value, the reports of input problems and
// of an unexpected failure, the `results` entry, and the key (never in anything published). The
// outputs, the verdict and the summary each have their own file: report.{outputs,verdict,summary}.
import { describe, expect, it } from 'vitest'
import { buildReport, verdictReport, type Outputs } from '../../../src/report/report.js'
import { resultEntry } from '../../../src/report/results.js'
import { isDelivered } from '../../../src/report/verdict.js'
import {
  inputProblemsReport,
  unexpectedMessage,
  unexpectedReport
} from '../../../src/report/failures.js'
import type { IdResult } from '../../../src/outcome.js'
import { InputError } from '../../../src/input/parse.js'
import { Sanitizer } from '../../../src/sanitize.js'
import { count } from '../../support/log.js'
import {
  context,
  failed,
  KEY,
  notAttempted,
  outcomeOf,
  safe,
  sent,
  validated
} from '../../support/report.js'
import { visible } from '../../support/summary.js'

describe('buildReport: the whole value', () => {
  it('a run with a failure, a stop and an unusable Retry-After', () => {
    const results: IdResult[] = [
      sent('1'),
      failed('2', 404, 'HTTP 404: not_found'),
      failed('3', 500, 'HTTP 500'),
      { ...failed('4', 503, 'HTTP 503: later'), fate: 'unsent' }
    ]
    expect(
      buildReport({
        context: context({ warnings: ['emails: 1 duplicate address was dropped'] }),
        outcome: outcomeOf(results, {
          stop: { reason: 'key-refused', id: '3', message: 'HTTP 403' },
          retryAfter: 2.5
        }),
        sanitizer: safe
      })
    ).toEqual({
      dryRunLog: undefined,
      outputs: {
        'status-code': '404',
        results:
          '[{"id":"1","ok":true,"outcome":"sent","status":204,"attempts":1,"lookups":0},' +
          '{"id":"2","ok":false,"outcome":"failed","status":404,"attempts":1,"lookups":0,"error":"HTTP 404: not_found"},' +
          '{"id":"3","ok":false,"outcome":"failed","status":500,"attempts":1,"lookups":0,"error":"HTTP 500"},' +
          '{"id":"4","ok":false,"outcome":"unsent","status":503,"attempts":1,"lookups":0,"error":"HTTP 503: later"}]',
        'sent-ids': '1',
        'failed-ids': '2,3',
        'unsent-ids': '4',
        'skipped-ids': '',
        'retry-after': ''
      },
      warnings: [
        'DigiCert asked to wait 2.5 s, not a whole number of seconds up to 86400 (a day): the retry-after output is left empty'
      ],
      summary: [
        '<h2>DigiCert CertCentral: send-certificate</h2>',
        '<p>4 certificate(s): ✅ 1 sent · ❌ 2 failed · ⏸ 1 not sent</p>',
        '<p>The run stopped: HTTP 403</p>',
        '<ul><li><strong>IDs from</strong>: certificate-id</li><li><strong>Recipients</strong>: ops@example.com, pki@example.com</li><li><strong>Format</strong>: attachment</li></ul>',
        '<p><strong>Warnings</strong></p><ul><li>emails: 1 duplicate address was dropped</li></ul>',
        '<table><tr><th>Certificate</th><th>HTTP status</th><th>Outcome</th></tr>' +
          '<tr><td>2</td><td>404</td><td>❌ HTTP 404: not&#95;found</td></tr>' +
          '<tr><td>3</td><td>500</td><td>❌ HTTP 500</td></tr>' +
          '<tr><td>4</td><td>503</td><td>⏸ HTTP 503: later</td></tr>' +
          '<tr><td>1</td><td>204</td><td>✅ sent</td></tr></table>'
      ].join('\n'),
      errors: [
        { message: 'certificate 3: HTTP 500', title: 'send-certificate failed for certificate 3' }
      ],
      verdict:
        'send-certificate: 2 failed, 1 not sent (unsent-ids) of 4 certificates; the run stopped: HTTP 403. First failure: certificate 2: HTTP 404: not_found; 1 more failure is annotated',
      sent: { operation: 'send-certificate', ids: ['1'] }
    })
  })

  it('a dry run: validated, no verdict, no warnings', () => {
    const report = buildReport({
      context: context({ dryRun: true, details: [] }),
      outcome: outcomeOf([validated('7')]),
      planned: { requests: [], body: undefined },
      sanitizer: safe
    })
    expect(report.outputs).toEqual({
      'status-code': '',
      results:
        '[{"id":"7","ok":true,"outcome":"validated","status":null,"attempts":0,"lookups":0}]',
      'sent-ids': '',
      'failed-ids': '',
      'unsent-ids': '',
      'skipped-ids': '',
      'retry-after': ''
    })
    expect(report.warnings).toEqual([])
    expect(report.errors).toEqual([])
    expect(report.verdict).toBeUndefined()
    expect(report.dryRunLog?.lines[0]).toBe(
      'dry-run: nothing is sent; 0 certificate ID(s) validated'
    )
  })
})

describe('isDelivered', () => {
  it('is true for sent and validated IDs only', () => {
    expect(isDelivered(sent('1'))).toBe(true)
    expect(isDelivered(validated('2'))).toBe(true)
    expect(isDelivered(failed('3', 404, 'HTTP 404'))).toBe(false)
    expect(isDelivered(notAttempted('4'))).toBe(false)
  })
})

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

describe('the report of a failed step', () => {
  it('an unexpected failure: every ID unsent with the reason, in the outputs and the summary', () => {
    const report = unexpectedReport({
      message: `TypeError: x is undefined ${KEY}`,
      ids: ['1', '2'],
      sanitizer: safe
    })
    const error = 'not attempted: TypeError: x is undefined ***'
    expect(report).toEqual({
      outputs: {
        'status-code': '',
        'sent-ids': '',
        'failed-ids': '',
        'retry-after': '',
        'unsent-ids': '1,2',
        'skipped-ids': '',
        results: JSON.stringify(
          ['1', '2'].map(id => ({
            id,
            ok: false,
            outcome: 'unsent',
            status: null,
            attempts: 0,
            lookups: 0,
            error
          }))
        )
      },
      warnings: [],
      summary:
        '<h2>DigiCert CertCentral: the action failed</h2>\n<ul><li>TypeError: x is undefined &#42;&#42;&#42;</li></ul>',
      errors: [],
      verdict: `TypeError: x is undefined ${KEY}`
    })
    // In the order these outputs have always been set.
    expect(Object.keys(report.outputs as Outputs)).toEqual([
      'status-code',
      'sent-ids',
      'failed-ids',
      'retry-after',
      'unsent-ids',
      'skipped-ids',
      'results'
    ])
  })

  it('the unexpected message: the reason on one line, sanitized, whatever was thrown', () => {
    expect(
      unexpectedMessage({ error: new Error(`the clock broke\n::error::${KEY}`), sanitizer: safe })
    ).toBe('unexpected error: the clock broke ::error::***')
    expect(unexpectedMessage({ error: 'a string', sanitizer: safe })).toBe(
      'unexpected error: a string'
    )
    expect(unexpectedMessage({ error: 'x'.repeat(2001), sanitizer: safe })).toBe(
      `unexpected error: ${'x'.repeat(1999)}… (2001 characters in all)`
    )
  })

  it('input problems: the heading says nothing was sent; the verdict lists them', () => {
    const error = new InputError(['emails: missing', 'format: "zip" unknown'])
    expect(inputProblemsReport({ error, sanitizer: safe })).toEqual({
      outputs: {
        'status-code': '',
        'sent-ids': '',
        'failed-ids': '',
        'retry-after': '',
        'unsent-ids': '',
        'skipped-ids': '',
        results: '[]'
      },
      warnings: [],
      summary:
        '<h2>DigiCert CertCentral: invalid inputs, nothing sent</h2>\n<ul><li>emails: missing</li><li>format: &#34;zip&#34; unknown</li></ul>',
      errors: [],
      verdict: '2 input problems:\n- emails: missing\n- format: "zip" unknown'
    })
  })

  it('input problems: each listed in the summary, never the key', () => {
    const problems = [
      'format: "zip" is not one of attachment, plaintext, downloadlink; did you mean "x"?',
      'certificate-id: "12a" is not a valid certificate ID (a positive whole number)',
      `emails: "${KEY}" is not an email address (it needs exactly one @)`,
      'api-url: <b>not</b> a URL'
    ]
    const html = inputProblemsReport({ error: new InputError(problems), sanitizer: safe })
      .summary as string
    expect(count(html, '<li>')).toBe(problems.length)
    const text = visible(html)
    for (const problem of problems.slice(0, 2)) expect(text).toContain(problem)
    expect(text).toContain('emails: "***" is not an email address')
    expect(text).toContain('api-url: <b>not</b> a URL')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain(KEY)
  })

  it('input problems: the verdict passes through the sanitizer too, one problem a line', () => {
    const counts = new Sanitizer([KEY], { shown: 'counts' })
    const seal =
      'emails: email-site-seal sends to one recipient only, got 2 recipients (Ops@Example.com, pki@example.org); run the step once per recipient'
    const error = new InputError([
      `emails: "x${KEY}" is not an email address (it needs exactly one @)`,
      seal,
      '\u202e::error::x',
      `seal-settings: ${'y'.repeat(1200)}`
    ])
    const report = inputProblemsReport({ error, sanitizer: counts })
    const counted =
      'emails: email-site-seal sends to one recipient only, got 2 recipients (…@example.com, …@example.org); run the step once per recipient'
    expect(report.verdict).toBe(
      [
        '4 input problems:',
        '- emails: "x***" is not an email address (it needs exactly one @)',
        `- ${counted}`,
        `- seal-settings: ${'y'.repeat(984)}… (1215 characters in all)`,
        // a problem that names no input comes last (action.yml's order of inputs)
        '- : :error::x'
      ].join('\n')
    )
    expect(visible(report.summary as string)).toContain(counted)
    expect(inputProblemsReport({ error: new InputError([seal]), sanitizer: counts }).verdict).toBe(
      counted
    )
    expect(inputProblemsReport({ error: new InputError([seal]), sanitizer: safe }).verdict).toBe(
      seal
    )
  })

  it('the verdict alone', () => {
    expect(verdictReport('unexpected error: EISDIR')).toEqual({
      warnings: [],
      errors: [],
      verdict: 'unexpected error: EISDIR'
    })
  })
})

describe('the key', () => {
  it('never shows in the outputs, annotations, warnings or summary, even when an error holds it', () => {
    const withKey = (text: string): string => `${text} ${KEY} (X-DC-DEVKEY: "${KEY}")`
    const results: IdResult[] = [
      { ...failed('101', 401, withKey('HTTP 401: invalid key')), hint: withKey('rotate') },
      failed('102', 500, withKey('HTTP 500: body:')),
      failed('103', 500, `HTTP 500: body: {"echo":"${KEY.replace('-', '\\u002d')}"}`),
      sent('104', { commonName: withKey('cn'), validTill: KEY, certificateId: KEY }),
      notAttempted('105', withKey('stopped')),
      { ...failed('106', 429, withKey('HTTP 429')), fate: 'unsent' }
    ]
    const report = buildReport({
      context: context({
        idInput: 'order-id',
        details: [['Recipients', withKey('ops@example.com')]],
        warnings: [withKey('a warning')]
      }),
      outcome: outcomeOf(results, {
        stop: { reason: 'key-refused', id: '101', message: withKey('HTTP 401') },
        retryAfter: 1e26
      }),
      sanitizer: safe
    })
    expect(report.errors.length).toBeGreaterThan(1)
    expect(report.warnings).toHaveLength(1)
    expect(JSON.parse(report.outputs?.results as string)).toHaveLength(6)
    const everything = JSON.stringify(report)
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain('7Hq2Zp9Lw4')
  })
})
