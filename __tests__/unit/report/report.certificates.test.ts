// The report of IDs found from a file, serial, thumbprint or common name, and of skipped ones:
// the new `results` fields, skipped-ids, a verdict that takes skipped as fine, the summary's
// counts, serial column and outcome text, and a dry run of files showing what each holds.
import { describe, expect, it } from 'vitest'
import type { IdResult } from '../../../src/outcome.js'
import { dryRunOutcome } from '../../../src/run/dry-run.js'
import { buildReport } from '../../../src/report/report.js'
import type { ReportContext } from '../../../src/report/context.js'
import { resultEntry } from '../../../src/report/results.js'
import { isFine } from '../../../src/report/verdict.js'
import { KEY, context, failed, outcomeOf, safe, sent } from '../../support/report.js'

const fileContext = (over: Partial<ReportContext> = {}): ReportContext =>
  context({ idInput: 'certificate-file', ...over })

const found: IdResult = {
  id: 'live/shop/cert.pem',
  fate: 'sent',
  status: 204,
  attempts: 1,
  lookups: 1,
  file: 'live/shop/cert.pem',
  certificateId: '777',
  orderId: '8001',
  commonName: 'shop.example.com',
  serialNumber: '0A1B',
  thumbprint: 'AB'.repeat(20),
  validTill: '2026-08-29'
}

const skipped: IdResult = {
  id: 'old.pem',
  fate: 'skipped',
  status: null,
  attempts: 0,
  lookups: 0,
  file: 'old.pem',
  serialNumber: '0C',
  skipReason: 'issued on 2026-05-01, longer ago than issued-within (1 d): skipped, not sent'
}

describe('results entries', () => {
  it('carry order_id, serial_number, thumbprint and file, in this order', () => {
    const entry = resultEntry({ result: found, sanitizer: safe })
    expect(entry).toEqual({
      id: 'live/shop/cert.pem',
      ok: true,
      outcome: 'sent',
      status: 204,
      attempts: 1,
      lookups: 1,
      certificate_id: '777',
      order_id: '8001',
      common_name: 'shop.example.com',
      serial_number: '0A1B',
      thumbprint: 'AB'.repeat(20),
      valid_till: '2026-08-29',
      file: 'live/shop/cert.pem'
    })
    expect(Object.keys(entry)).toEqual([
      'id',
      'ok',
      'outcome',
      'status',
      'attempts',
      'lookups',
      'certificate_id',
      'order_id',
      'common_name',
      'serial_number',
      'thumbprint',
      'valid_till',
      'file'
    ])
  })

  it('a skipped ID is ok, with no error, and carries its reason as the log and summary say it', () => {
    const entry = resultEntry({ result: skipped, sanitizer: safe })
    expect(entry).toEqual({
      id: 'old.pem',
      ok: true,
      outcome: 'skipped',
      status: null,
      attempts: 0,
      lookups: 0,
      reason: 'issued on 2026-05-01, longer ago than issued-within (1 d): skipped, not sent',
      serial_number: '0C',
      file: 'old.pem'
    })
    expect(Object.keys(entry)).toEqual([
      'id',
      'ok',
      'outcome',
      'status',
      'attempts',
      'lookups',
      'reason',
      'serial_number',
      'file'
    ])
    expect(isFine(skipped)).toBe(true)
    expect(isFine(failed('1', 404, 'x'))).toBe(false)
  })

  it('a reason comes after the hint, sanitized and bounded as a hint is', () => {
    const entry = resultEntry({
      result: {
        ...skipped,
        error: 'e',
        hint: 'h',
        skipReason: `\u202Eissued\n::error::x ${KEY} ${'y'.repeat(250)}`
      },
      sanitizer: safe
    })
    expect(Object.keys(entry).slice(6, 9)).toEqual(['error', 'hint', 'reason'])
    expect(entry.reason).toBe(`issued ::error::x *** ${'y'.repeat(177)}… (272 characters in all)`)
    expect(resultEntry({ result: found, sanitizer: safe })).not.toHaveProperty('reason')
  })
})

describe('a run with skipped IDs', () => {
  it('skipped-ids lists them; the step succeeds with the sent ones status', () => {
    const report = buildReport({
      context: fileContext(),
      outcome: outcomeOf([found, skipped]),
      sanitizer: safe
    })
    expect(report.outputs).toMatchObject({
      'status-code': '204',
      'sent-ids': 'live/shop/cert.pem',
      'skipped-ids': 'old.pem',
      'failed-ids': '',
      'unsent-ids': ''
    })
    expect(report.verdict).toBeUndefined()
    expect(report.errors).toEqual([])
  })

  it('every ID skipped: no status, no verdict', () => {
    const report = buildReport({
      context: fileContext(),
      outcome: outcomeOf([skipped]),
      sanitizer: safe
    })
    expect(report.outputs?.['status-code']).toBe('')
    expect(report.verdict).toBeUndefined()
  })

  it('a failure among skipped ones: the verdict counts only what is not fine', () => {
    const report = buildReport({
      context: context(),
      outcome: outcomeOf([skipped, failed('5', 404, 'HTTP 404: not_found')]),
      sanitizer: safe
    })
    expect(report.verdict).toBe(
      'send-certificate: 1 failed of 2 certificates. First failure: certificate 5: HTTP 404: not_found'
    )
    expect(report.outputs?.['status-code']).toBe('404')
  })

  it('the summary: the skipped count, the serial column, the reason', () => {
    const summary = buildReport({
      context: fileContext(),
      outcome: outcomeOf([skipped, found]),
      sanitizer: safe
    }).summary as string
    expect(summary).toContain(
      '<p>2 file(s): ✅ 1 sent · ❌ 0 failed · ⏸ 0 not sent · ⏭ 1 skipped</p>'
    )
    expect(summary).toContain(
      '<tr><th>File</th><th>Certificate</th><th>Common name</th><th>Serial</th><th>Expires</th><th>HTTP status</th><th>Outcome</th></tr>'
    )
    // Sent before skipped.
    expect(summary.indexOf('live/shop/cert.pem')).toBeLessThan(summary.indexOf('old.pem'))
    expect(summary).toContain(
      '<tr><td>old.pem</td><td>—</td><td>—</td><td>0C</td><td>—</td><td>—</td><td>⏭ issued on 2026-05-01, longer ago than issued-within (1 d): skipped, not sent</td></tr>'
    )
    expect(summary).toContain('<td>204</td><td>✅ sent</td>')
    // A certificate skipped after its look-up: the 200 was the look-up's, no send's status.
    const looked = buildReport({
      context: fileContext(),
      outcome: outcomeOf([{ ...skipped, status: 200, lookups: 1 }]),
      sanitizer: safe
    }).summary as string
    expect(looked).toContain('<td>0C</td><td>—</td><td>⏭ issued on 2026-05-01')
    expect(looked).not.toContain('200')
    const chain = buildReport({
      context: context({ idInput: 'serial-number' }),
      outcome: outcomeOf([{ ...found, attempts: 1, lookups: 3 }]),
      sanitizer: safe
    }).summary as string
    // look-ups are no retries
    expect(chain).toContain('<td>✅ sent</td>')
  })

  it('no skipped count and no serial column when there are none', () => {
    const summary = buildReport({
      context: context(),
      outcome: outcomeOf([sent('1')]),
      sanitizer: safe
    }).summary as string
    expect(summary).not.toContain('skipped')
    expect(summary).not.toContain('Serial')
  })

  it('the serial column as soon as one result has a serial, a dash where another has none', () => {
    const unread: IdResult = {
      id: 'bad.pem',
      fate: 'failed',
      status: null,
      attempts: 0,
      lookups: 0
    }
    const summary = buildReport({
      context: fileContext(),
      outcome: outcomeOf([unread, found]),
      sanitizer: safe
    }).summary as string
    expect(summary).toContain(
      '<tr><th>File</th><th>Certificate</th><th>Common name</th><th>Serial</th><th>Expires</th><th>HTTP status</th><th>Outcome</th></tr>'
    )
    expect(summary).toContain(
      '<tr><td>bad.pem</td><td>—</td><td>—</td><td>—</td><td>—</td><td>—</td><td>❌ failed</td></tr>'
    )
    expect(summary).toContain(
      '<tr><td>live/shop/cert.pem</td><td>777</td><td>shop.example.com</td><td>0A1B</td><td>2026-08-29</td><td>204</td>'
    )
  })

  it('a skipped result without a reason says skipped', () => {
    const bare: IdResult = {
      id: 'x.pem',
      fate: 'skipped',
      status: null,
      attempts: 0,
      lookups: 0
    }
    const summary = buildReport({
      context: fileContext(),
      outcome: outcomeOf([bare]),
      sanitizer: safe
    }).summary as string
    expect(summary).toContain('<td>⏭ skipped</td>')
  })
})

describe('a dry run of files', () => {
  it('shows what each file holds: common name, serial, expiry', () => {
    const outcome = dryRunOutcome([
      {
        id: 'a.pem',
        known: {
          file: 'a.pem',
          commonName: 'shop.example.com',
          serialNumber: '0A1B',
          thumbprint: 'AB'.repeat(20),
          validFrom: '2026-05-01T00:00:00.000Z',
          validTo: '2026-08-01T00:00:00.000Z'
        }
      },
      { id: 'b.pem', known: { file: 'b.pem', serialNumber: '0C' } },
      { id: '0D', known: { serialNumber: '0D' } }
    ])
    expect(outcome.results).toEqual([
      {
        id: 'a.pem',
        fate: 'validated',
        status: null,
        attempts: 0,
        lookups: 0,
        file: 'a.pem',
        commonName: 'shop.example.com',
        validTill: '2026-08-01',
        serialNumber: '0A1B',
        thumbprint: 'AB'.repeat(20)
      },
      {
        id: 'b.pem',
        fate: 'validated',
        status: null,
        attempts: 0,
        lookups: 0,
        file: 'b.pem',
        serialNumber: '0C'
      },
      { id: '0D', fate: 'validated', status: null, attempts: 0, lookups: 0, serialNumber: '0D' }
    ])
    const summary = buildReport({
      context: fileContext({ dryRun: true }),
      outcome,
      planned: { requests: [], body: undefined },
      sanitizer: safe
    }).summary as string
    expect(summary).toContain(
      '<td>a.pem</td><td>—</td><td>shop.example.com</td><td>0A1B</td><td>2026-08-01</td>'
    )
  })
})

describe('the summary table of a common name or a serial number', () => {
  const summaryOf = (idInput: ReportContext['idInput'], result: IdResult): string =>
    buildReport({
      context: context({ idInput }),
      outcome: outcomeOf([result]),
      sanitizer: safe
    }).summary as string
  const headers = (summary: string): string[] =>
    [...summary.matchAll(/<th>([^<]*)<\/th>/g)].map(m => m[1] as string)

  it('shows the common name once: as the ID', () => {
    const summary = summaryOf('common-name', { ...found, id: 'shop.example.com' })
    expect(headers(summary)).toEqual([
      'Common name',
      'Certificate',
      'Serial',
      'Expires',
      'HTTP status',
      'Outcome'
    ])
    expect(summary).toContain(
      '<tr><td>shop.example.com</td><td>777</td><td>0A1B</td><td>2026-08-29</td><td>204</td>'
    )
  })

  it('shows the serial number once: as the ID', () => {
    const summary = summaryOf('serial-number', { ...found, id: '0A1B' })
    expect(headers(summary)).toEqual([
      'Serial number',
      'Certificate',
      'Common name',
      'Expires',
      'HTTP status',
      'Outcome'
    ])
    expect(summary).toContain(
      '<tr><td>0A1B</td><td>777</td><td>shop.example.com</td><td>2026-08-29</td><td>204</td>'
    )
  })
})
