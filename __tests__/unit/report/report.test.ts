// Unit tests of src/report/report.ts: a run's report as a whole value, the plan's warnings and the
// verdict alone as reports, and the key (never in anything published). The outputs buildReport
// sets: report.outputs.test.ts; each part has its module's file (results, verdict, summary,
// privacy, dry-run-log, failures).
import { describe, expect, it } from 'vitest'
import { buildReport, planWarningsReport, verdictReport } from '../../../src/report/report.js'
import type { IdResult } from '../../../src/outcome.js'
import { Sanitizer } from '../../../src/sanitize.js'
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
import { outputsWith } from '../../support/outputs.js'

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
      outputs: outputsWith({
        'status-code': '404',
        results:
          '[{"id":"1","ok":true,"outcome":"sent","status":204,"attempts":1,"lookups":0},' +
          '{"id":"2","ok":false,"outcome":"failed","status":404,"attempts":1,"lookups":0,"error":"HTTP 404: not_found"},' +
          '{"id":"3","ok":false,"outcome":"failed","status":500,"attempts":1,"lookups":0,"error":"HTTP 500"},' +
          '{"id":"4","ok":false,"outcome":"unsent","status":503,"attempts":1,"lookups":0,"error":"HTTP 503: later"}]',
        'sent-ids': '1',
        'failed-ids': '2,3',
        'unsent-ids': '4'
      }),
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
    expect(report.outputs).toEqual(
      outputsWith({
        results:
          '[{"id":"7","ok":true,"outcome":"validated","status":null,"attempts":0,"lookups":0}]'
      })
    )
    expect(report.warnings).toEqual([])
    expect(report.errors).toEqual([])
    expect(report.verdict).toBeUndefined()
    expect(report.dryRunLog?.lines[0]).toBe(
      'dry-run: nothing is sent; 0 certificate ID(s) validated'
    )
  })
})

describe('verdictReport', () => {
  it('the verdict alone', () => {
    expect(verdictReport('unexpected error: EISDIR')).toEqual({
      warnings: [],
      errors: [],
      verdict: 'unexpected error: EISDIR'
    })
  })
})

describe("planWarningsReport: the plan's warnings as annotations, before the run", () => {
  const numbered = (n: number): string[] => Array.from({ length: n }, (_, i) => `warning ${i}`)

  it('9 warnings: 9 annotations, and nothing else', () => {
    expect(
      planWarningsReport({ context: context({ warnings: numbered(9) }), sanitizer: safe })
    ).toEqual({
      warnings: numbered(9),
      errors: []
    })
  })

  it('10 warnings: 9 and one counting the last', () => {
    expect(
      planWarningsReport({ context: context({ warnings: numbered(10) }), sanitizer: safe }).warnings
    ).toEqual([...numbered(9), 'and 1 more warnings (see the job summary)'])
  })

  it('75 warnings: 9 and one counting the other 66', () => {
    const many = Array.from(
      { length: 75 },
      (_, i) => `seal-settings: "extra_${i}" is not a site-seal setting`
    )
    expect(
      planWarningsReport({ context: context({ warnings: many }), sanitizer: safe }).warnings
    ).toEqual([...many.slice(0, 9), 'and 66 more warnings (see the job summary)'])
  })

  it('annotates every warning when there are few, and none when there are none', () => {
    const few = [
      'format: "Attachment" applies to send-certificate only',
      'seal-settings: "x" unknown'
    ]
    expect(
      planWarningsReport({ context: context({ warnings: few }), sanitizer: safe }).warnings
    ).toEqual(few)
    expect(planWarningsReport({ context: context(), sanitizer: safe }).warnings).toEqual([])
  })

  it('shows each warning as the summary does: through the sanitizer, an address by domain in counts', () => {
    const warnings = [
      `certificate-file: certs/ops@example.com.pem holds the same certificate as "a.pem"; it is sent once`,
      `seal-settings: "${KEY}\u202e::x" is not a site-seal setting`
    ]
    const counts = new Sanitizer([KEY], { shown: 'counts' })
    expect(
      planWarningsReport({ context: context({ warnings }), sanitizer: counts }).warnings
    ).toEqual([
      'certificate-file: …@example.com.pem holds the same certificate as "a.pem"; it is sent once',
      'seal-settings: "***::x" is not a site-seal setting'
    ])
    expect(
      planWarningsReport({ context: context({ warnings }), sanitizer: safe }).warnings[0]
    ).toContain('certs/ops@example.com.pem')
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
