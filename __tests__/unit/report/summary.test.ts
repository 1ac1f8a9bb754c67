// Unit tests of src/report/summary.ts: the job summary's HTML, asserted on the value buildReport
// returns (publishing adds the run's link and writes the file: publish.test.ts).
import { describe, expect, it } from 'vitest'
import { buildReport } from '../../../src/report/report.js'
import type { ReportContext } from '../../../src/report/context.js'
import {
  MAX_SUMMARY_ROWS,
  SUMMARY_BUDGET_BYTES,
  recipientsCell
} from '../../../src/report/summary.js'
import type { DryRunPlan } from '../../../src/report/dry-run-log.js'
import { inputProblemsReport } from '../../../src/report/failures.js'
import type { IdResult, RunOutcome } from '../../../src/outcome.js'
import { InputError } from '../../../src/input/parse.js'
import { count } from '../../support/log.js'
import {
  BASE,
  context,
  failed,
  ids,
  MIB,
  notAttempted,
  outcomeOf,
  requests,
  safe,
  sent,
  validated
} from '../../support/report.js'
import { visible } from '../../support/summary.js'

const summaryOf = (
  outcome: RunOutcome,
  over: Partial<ReportContext> = {},
  planned?: DryRunPlan
): string =>
  buildReport({ context: context(over), outcome, planned, sanitizer: safe }).summary as string
const tableOf = (html: string): string => html.slice(html.indexOf('<table>'))

describe('the summary', () => {
  it('counts first, then the details once, warnings, and failures before successes', () => {
    const results = [
      sent('61'),
      failed('62', 404, 'HTTP 404: not_found: Not found.'),
      sent('63'),
      notAttempted('64'),
      failed('65', 400, 'HTTP 400: invalid_value: emails.')
    ]
    const html = summaryOf(outcomeOf(results), {
      warnings: ['emails: 2 duplicate addresses were dropped']
    })
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

  it('shows a common name and expiry column when results carry them', () => {
    const text = visible(
      summaryOf(
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
        ]),
        { idInput: 'order-id' }
      )
    )
    expect(text).toMatch(/Common name/)
    expect(text).toMatch(/Expires/)
    expect(text).toContain('www.example.com')
    expect(text).toContain('2026-05-01')
  })

  it('has no common name column for plain certificate IDs', () => {
    expect(visible(summaryOf(outcomeOf([sent('73')])))).not.toMatch(/Common name|Expires/)
  })

  it('hostile text cannot end the table or start markdown', () => {
    const hostile = '</td></tr></table>\n\n# hi ![x](http://evil) | a `b` <script>x</script>\r\n*y*'
    const html = summaryOf(
      outcomeOf(
        [
          failed('81', 500, hostile),
          sent('82', { commonName: hostile, validTill: hostile, certificateId: '9082' }),
          notAttempted('83', hostile)
        ],
        { stop: { reason: 'key-refused', id: '81', message: hostile } }
      ),
      { idInput: 'order-id', details: [['Recipients', hostile]], warnings: [hostile] }
    )
    expect(count(html, '<table>')).toBe(1)
    expect(count(html, '</table>')).toBe(1)
    // Every `<` opens one of the summary's own tags (a backtick span is code, its text escaped).
    expect(html.match(/<(?!\/?(?:h2|p|ul|li|strong|table|tr|th|td|a|code)[\s>])/g)).toBeNull()
    expect(html).not.toContain('<script')
    expect(html).not.toContain('![x]')
    expect(html).not.toMatch(/[`|]/)
    expect(html).not.toMatch(/^\s*[#!*|]/m)
    // The text is still there for the reader, on one line.
    expect(visible(html)).toContain('# hi ![x](http://evil) | a ')
    expect(visible(html)).toContain(' <script>x</script> *y*')
    expect(html).toContain('&#124; a <code>b</code> &#60;script&#62;')
  })

  it('10,000 IDs with long errors: under 1 MiB, saying how many rows are only in results', () => {
    const error = '<&>'.repeat(20_000)
    const html = summaryOf(outcomeOf(ids(10_000).map(id => failed(id, 500, error))))
    expect(Buffer.byteLength(html)).toBeLessThan(MIB)
    const rows = count(html, '<tr><td>')
    expect(rows).toBeGreaterThan(0)
    const more = /(\d+) more certificate.*results/.exec(visible(html))
    expect(Number(more?.[1])).toBe(10_000 - rows)
  })

  it('10,000 IDs in a dry run: under 1 MiB, saying how many rows are only in results', () => {
    const all = ids(10_000)
    const html = summaryOf(
      outcomeOf(all.map(validated)),
      { dryRun: true },
      {
        requests: requests(
          ...all.map((id): [string, [string, string][]] => [
            id,
            [['PUT', `${BASE}/certificate/${id}/sendemail`]]
          ])
        ),
        body: undefined
      }
    )
    expect(Buffer.byteLength(html)).toBeLessThan(MIB)
    expect(visible(html)).toContain('(dry run)')
    expect(visible(html)).toContain(`PUT ${BASE}/certificate/5000001/sendemail`)
    const rows = count(html, '<tr><td>')
    const more = /(\d+) more certificate.*results/.exec(visible(html))
    expect(rows).toBeGreaterThan(0)
    expect(Number(more?.[1])).toBe(10_000 - rows)
  })

  it("a dry run of a seal to the key's owner shows the requests", () => {
    const html = summaryOf(
      outcomeOf([validated('91')]),
      {
        operation: 'email-site-seal',
        idInput: 'order-id',
        details: [
          ['Recipient', "the API key's owner"],
          ['Seal settings', 'as set in CertCentral']
        ],
        dryRun: true
      },
      {
        requests: requests([
          '91',
          [
            ['GET', `${BASE}/order/certificate/91`],
            ['POST', `${BASE}/order/certificate/91/site-seal/email-seal`]
          ]
        ]),
        body: undefined
      }
    )
    const text = visible(html)
    expect(text).toContain('email-site-seal (dry run)')
    expect(text).toContain("the API key's owner")
    expect(text).toMatch(
      /GET \S+\/order\/certificate\/91 → POST \S+\/order\/certificate\/91\/site-seal\/email-seal/
    )
    expect(html).not.toContain('<a href')
  })

  it('lists 50 warnings of 75, counting the rest', () => {
    const many = Array.from(
      { length: 75 },
      (_, i) => `seal-settings: "extra_${i}" is not a site-seal setting`
    )
    const shown = visible(summaryOf(outcomeOf([sent('1')]), { warnings: many }))
    expect(shown).toContain('"extra_49" is not a site-seal setting')
    expect(shown).not.toContain('"extra_50"')
    expect(shown).toContain('and 25 more warnings')
  })
})

describe('code spans', () => {
  it('a backtick span is code in the summary, escaped first; the log and outputs keep the text', () => {
    const notFound = 'not found in this CertCentral account (check `region`)'
    const report = buildReport({
      context: context({
        idInput: 'common-name',
        warnings: ['a `x<y>` and a lone ` tick', 'two: `a`, `b` and ``']
      }),
      outcome: outcomeOf(
        [failed('shop.example.com', null, notFound), failed('b', 400, 'HTTP 400: `<b>x</b>`')],
        { stop: { reason: 'same-error', id: 'b', message: 'DigiCert said `same`' } }
      ),
      sanitizer: safe
    })
    const html = report.summary as string
    expect(html).toContain(
      '<td>❌ not found in this CertCentral account (check <code>region</code>)</td>'
    )
    expect(html).toContain('<td>❌ HTTP 400: <code>&#60;b&#62;x&#60;/b&#62;</code></td>')
    expect(html).toContain('<li>a <code>x&#60;y&#62;</code> and a lone &#96; tick</li>')
    expect(html).toContain('<li>two: <code>a</code>, <code>b</code> and &#96;&#96;</li>')
    expect(html).toContain('<p>The run stopped: DigiCert said <code>same</code></p>')
    expect(report.verdict).toContain(notFound)
    expect(report.outputs?.results).toContain(notFound)
    expect(report.errors[0]?.message).toContain('`<b>x</b>`')
  })

  it('in the input problems too', () => {
    const html = inputProblemsReport({
      error: new InputError(['format: use `attachment`', 'emails: required']),
      sanitizer: safe
    }).summary
    expect(html).toContain('<li>format: use <code>attachment</code></li>')
  })
})

describe('the summary: the HTML in full', () => {
  it('a certificate run: heading, counts, stop, details, then the table failures first', () => {
    const results: IdResult[] = [
      sent('1'),
      sent('2', { attempts: 2 }),
      notAttempted('3'),
      failed('4', null, 'no answer from DigiCert'),
      { ...failed('5', 500, ''), error: undefined }
    ]
    expect(
      summaryOf(
        outcomeOf(results, {
          stop: { reason: 'key-refused', id: '5', message: 'HTTP 403: access_denied' }
        })
      )
    ).toBe(
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
          '<tr><td>2</td><td>204</td><td>✅ sent (after 1 retry)</td></tr></table>'
      ].join('\n')
    )
  })

  it('an order run: certificate, common name and expiry columns, — where one is missing', () => {
    const html = summaryOf(
      outcomeOf([
        sent('1', { lookups: 2, certificateId: '9001', commonName: 'www.example.com' }),
        sent('2', { attempts: 3, lookups: 1, validTill: '2027-01-31' }),
        sent('3', { attempts: 2, lookups: 1 })
      ]),
      { idInput: 'order-id' }
    )
    expect(tableOf(html)).toBe(
      '<table><tr><th>Order</th><th>Certificate</th><th>Common name</th><th>Expires</th><th>HTTP status</th><th>Outcome</th></tr>' +
        '<tr><td>1</td><td>9001</td><td>www.example.com</td><td>—</td><td>204</td><td>✅ sent</td></tr>' +
        '<tr><td>2</td><td>—</td><td>—</td><td>2027-01-31</td><td>204</td><td>✅ sent (after 2 retries)</td></tr>' +
        '<tr><td>3</td><td>—</td><td>—</td><td>—</td><td>204</td><td>✅ sent (after 1 retry)</td></tr></table>'
    )
  })

  it.each([
    ['certificate_id', 'certificateId'],
    ['common_name', 'commonName'],
    ['valid_till', 'validTill']
  ] as const)('shows the order columns when only %s is known', (_, field) => {
    const table = tableOf(
      summaryOf(
        outcomeOf([sent('1', { attempts: 2, [field]: 'known' }), sent('2', { attempts: 2 })]),
        {
          idInput: 'order-id'
        }
      )
    )
    expect(table).toContain(
      '<tr><th>Order</th><th>Certificate</th><th>Common name</th><th>Expires</th>'
    )
    expect(count(table, '<td>known</td>')).toBe(1)
    expect(count(table, '<td>—</td>')).toBe(5)
  })

  it('a dry run: the requests per ID in input order, empty where none is planned', () => {
    const html = summaryOf(
      outcomeOf([validated('3'), validated('1'), validated('2')]),
      { idInput: 'order-id', dryRun: true, details: [] },
      {
        requests: requests(
          [
            '3',
            [
              ['GET', `${BASE}/order/certificate/3`],
              ['POST', `${BASE}/x`]
            ]
          ],
          ['1', [['GET', `${BASE}/order/certificate/1`]]]
        ),
        body: undefined
      }
    )
    expect(html).toBe(
      [
        '<h2>DigiCert CertCentral: send-certificate (dry run)</h2>',
        '<p>3 order ID(s) validated, nothing sent.</p>',
        '<ul><li><strong>IDs from</strong>: order-id</li></ul>',
        '<table><tr><th>Order</th><th>Requests</th></tr>' +
          `<tr><td>3</td><td>GET ${BASE}/order/certificate/3 → POST ${BASE}/x</td></tr>` +
          `<tr><td>1</td><td>GET ${BASE}/order/certificate/1</td></tr>` +
          '<tr><td>2</td><td></td></tr></table>'
      ].join('\n')
    )
  })

  it('a dry run without its requests: the Requests column, empty', () => {
    expect(tableOf(summaryOf(outcomeOf([validated('4')]), { dryRun: true }))).toBe(
      '<table><tr><th>Certificate</th><th>Requests</th></tr><tr><td>4</td><td></td></tr></table>'
    )
  })

  it('every result failed: each one has a row, none counted as sent', () => {
    const html = summaryOf(outcomeOf([failed('1', 404, 'HTTP 404'), failed('2', 500, 'HTTP 500')]))
    expect(html).toContain('<p>2 certificate(s): ✅ 0 sent · ❌ 2 failed · ⏸ 0 not sent</p>')
    expect(tableOf(html)).toBe(
      '<table><tr><th>Certificate</th><th>HTTP status</th><th>Outcome</th></tr>' +
        '<tr><td>1</td><td>404</td><td>❌ HTTP 404</td></tr>' +
        '<tr><td>2</td><td>500</td><td>❌ HTTP 500</td></tr></table>'
    )
  })

  it('warnings: none, no heading; 50 all listed; 51, the last counted', () => {
    expect(summaryOf(outcomeOf([sent('1')]))).not.toContain('Warnings')

    const numbered = (n: number): string[] => Array.from({ length: n }, (_, i) => `warning ${i}`)
    const listed = (n: number): string =>
      `<p><strong>Warnings</strong></p><ul>${numbered(n)
        .map(w => `<li>${w}</li>`)
        .join('')}`
    expect(summaryOf(outcomeOf([sent('1')]), { warnings: numbered(50) })).toContain(
      `${listed(50)}</ul>\n<table>`
    )
    expect(summaryOf(outcomeOf([sent('1')]), { warnings: numbered(51) })).toContain(
      `${listed(50)}<li>and 1 more warnings</li></ul>\n<table>`
    )
  })

  it(`shows ${MAX_SUMMARY_ROWS} rows and no more`, () => {
    const all = summaryOf(outcomeOf(ids(MAX_SUMMARY_ROWS).map(id => sent(id))))
    expect(count(all, '<tr><td>')).toBe(1000)
    expect(all).toMatch(/<\/table>$/)

    const html = summaryOf(outcomeOf(ids(MAX_SUMMARY_ROWS + 1).map(id => sent(id))))
    expect(count(html, '<tr><td>')).toBe(1000)
    expect(html).not.toContain('<tr><td>5001001</td>')
    expect(html).toMatch(
      /<\/table>\n<p>1 more certificate\(s\) are not shown here; every ID is in the results output \(and in sent-ids, failed-ids, unsent-ids\)\.<\/p>$/
    )
  })

  it('adds rows while the rows so far are within 900 KiB, the one reaching it included', () => {
    // A row's bytes: r0 plus 5 for each "&" (shown as &#38;) and 1 for each "x" of the error.
    const one = summaryOf(outcomeOf([failed('5000001', 500, 'x')]))
    const r0 = Buffer.byteLength(/<tr><td>.*?<\/tr>/.exec(one)?.[0] ?? '') - 1
    const base = r0 + 5 * 200
    const k = Math.floor(SUMMARY_BUDGET_BYTES / base) - 1
    const rest = SUMMARY_BUDGET_BYTES - k * base - r0
    const error = `${'&'.repeat(Math.floor(rest / 5))}${'x'.repeat(rest % 5)}`
    expect(error.length).toBeLessThan(590)
    const all = ids(k + 3)
    const results = all.map((id, i) =>
      failed(id, 500, i < k ? '&'.repeat(200) : i === k ? error : 'last')
    )
    const html = summaryOf(outcomeOf(results))
    const rows = html.match(/<tr><td>.*?<\/tr>/g) ?? []
    expect(rows.slice(0, k + 1).reduce((sum, row) => sum + Buffer.byteLength(row), 0)).toBe(
      SUMMARY_BUDGET_BYTES
    )
    expect(rows).toHaveLength(k + 2)
    expect(visible(html)).toContain('1 more certificate(s) are not shown here')
  })
})

describe('the summary with recipients-from-order', () => {
  const own = (id: string, recipients: string[], rolesWithout: string[] = []): IdResult => ({
    ...sent(id),
    recipients,
    sentTo: recipients.length,
    rolesWithout
  })
  const outcome = outcomeOf([
    own('61', ['a@example.com', 'b@example.org']),
    own('62', ['c@example.com'], ['requester'])
  ])

  it("shows each certificate's own recipients with full", () => {
    const table = tableOf(summaryOf(outcome, { summaryDetails: 'full' }))
    expect(table).toContain('<th>Recipients</th>')
    expect(visible(table)).toContain('a@example.com, b@example.org')
    expect(visible(table)).toContain('c@example.com (none named for requester)')
  })

  it('shows them by count and domain with counts, and in a public repository', () => {
    for (const over of [
      { summaryDetails: 'counts' as const },
      { summaryDetails: 'auto' as const, visibility: 'public' as const }
    ]) {
      const text = visible(tableOf(summaryOf(outcome, over)))
      expect(text).toContain('2 recipients at example.com, example.org')
      expect(text).toContain('1 recipient at example.com (none named for requester)')
      expect(text).not.toContain('a@example.com')
    }
  })

  it('has no Recipients column without recipients-from-order, nor in a dry run', () => {
    expect(summaryOf(outcomeOf([sent('61')]))).not.toContain('<th>Recipients</th>')
    expect(summaryOf(outcome, { dryRun: true })).not.toContain('<th>Recipients</th>')
  })

  it('shows — for a certificate with no recipients', () => {
    expect(recipientsCell({ result: own('1', [], ['requester']), shown: 'full' })).toBe(
      '— (none named for requester)'
    )
    expect(recipientsCell({ result: sent('1'), shown: 'counts' })).toBe('—')
  })
})

describe('the summary with deliver-once', () => {
  it('counts those skipped, and those sent but not recorded, only when there are any', () => {
    const skipped: IdResult = {
      ...sent('3'),
      fate: 'skipped',
      skipReason: 'sent to its recipient on 2026-12-01, note 9001'
    }
    const html = summaryOf(outcomeOf([sent('1', { recorded: false }), sent('2'), skipped]))
    expect(html).toContain(
      '<p>3 certificate(s): ✅ 2 sent · ❌ 0 failed · ⏸ 0 not sent · ⏭ 1 skipped · ⚠ 1 sent but not recorded (deliver-once)</p>'
    )
    expect(summaryOf(outcomeOf([sent('1', { recorded: true })]))).toContain(
      '<p>1 certificate(s): ✅ 1 sent · ❌ 0 failed · ⏸ 0 not sent</p>'
    )
  })
})
