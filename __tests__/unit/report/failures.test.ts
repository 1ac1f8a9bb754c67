// Unit tests of src/report/failures.ts: the reports of a step that failed around its run: input
// problems (the heading says nothing was sent; the verdict lists them), an unexpected failure (every
// ID unsent with the reason) and a run cancelled while certificate-file was matched (issue 22:
// every output written, results [], nothing sent). Outputs that cannot be written:
// failures.lost.test.ts.
import { describe, expect, it } from 'vitest'
import {
  cancelledReport,
  inputProblemsReport,
  unexpectedMessage,
  unexpectedReport
} from '../../../src/report/failures.js'
import type { Outputs } from '../../../src/report/report.js'
import { InputError } from '../../../src/input/parse.js'
import { Sanitizer } from '../../../src/sanitize.js'
import { count } from '../../support/log.js'
import { EMPTY_OUTPUTS, NOTHING_SENT_OUTPUT_ORDER, outputsWith } from '../../support/outputs.js'
import { KEY, safe } from '../../support/report.js'
import { visible } from '../../support/summary.js'

describe('the report of a failed step', () => {
  it('an unexpected failure: every ID unsent with the reason, in the outputs and the summary', () => {
    const report = unexpectedReport({
      message: `TypeError: x is undefined ${KEY}`,
      ids: ['1', '2'],
      sanitizer: safe
    })
    const error = 'not attempted: TypeError: x is undefined ***'
    expect(report).toEqual({
      outputs: outputsWith({
        'unsent-ids': '1,2',
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
      }),
      warnings: [],
      summary:
        '<h2>DigiCert CertCentral: the action failed</h2>\n<ul><li>TypeError: x is undefined &#42;&#42;&#42;</li></ul>',
      errors: [],
      verdict: `TypeError: x is undefined ${KEY}`
    })
    // In the order these outputs have always been set.
    expect(Object.keys(report.outputs as Outputs)).toEqual(NOTHING_SENT_OUTPUT_ORDER)
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
      outputs: EMPTY_OUTPUTS,
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
})

describe('cancelledReport', () => {
  it('writes every output, empty, and says in the summary and the verdict what happened', () => {
    const message = 'cancelled while matching certificate-file patterns: nothing was sent'
    expect(cancelledReport({ message, sanitizer: safe })).toEqual({
      outputs: EMPTY_OUTPUTS,
      warnings: [],
      summary: `<h2>DigiCert CertCentral: cancelled, nothing sent</h2>\n<ul><li>${message}</li></ul>`,
      errors: [],
      verdict: message
    })
  })
})
