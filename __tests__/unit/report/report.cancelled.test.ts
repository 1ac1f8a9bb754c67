// The report of a run cancelled while certificate-file was matched (issue 22): every output written
// (results is []), nothing sent, the heading and the verdict say so.
import { describe, expect, it } from 'vitest'
import { cancelledReport } from '../../../src/report/failures.js'
import { safe } from '../../support/report.js'

describe('cancelledReport', () => {
  it('writes every output, empty, and says in the summary and the verdict what happened', () => {
    const message = 'cancelled while matching certificate-file patterns: nothing was sent'
    expect(cancelledReport({ message, sanitizer: safe })).toEqual({
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
      summary: `<h2>DigiCert CertCentral: cancelled, nothing sent</h2>\n<ul><li>${message}</li></ul>`,
      errors: [],
      verdict: message
    })
  })
})
