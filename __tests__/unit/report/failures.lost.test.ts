// Unit tests of src/report/failures.ts when the outputs are lost: the reason of a failed write (ioReason, src/sanitize.ts), the failure
// message naming the IDs sent, and what the log, the summary and the verdict say instead. Exact
// texts, on the values the pure functions return.
import { describe, expect, it } from 'vitest'
import { buildReport, type Report } from '../../../src/report/report.js'
import { ioReason } from '../../../src/sanitize.js'
import {
  MAX_NAMED_SENT_IDS,
  MAX_SUMMARY_SENT_IDS,
  outputsLostMessage,
  outputsLostReport,
  SENT_IDS_PER_LOG_LINE,
  type OutputsLost
} from '../../../src/report/failures.js'
import { RUN_OUTPUT_ORDER } from '../../support/outputs.js'
import { context, failed, ids, outcomeOf, safe, sent } from '../../support/report.js'
import { visible } from '../../support/summary.js'

const ENOSPC: OutputsLost = {
  names: [...RUN_OUTPUT_ORDER],
  all: true,
  reason: 'ENOSPC: no space left on device'
}

/** A system error as Node makes it: code, syscall, path, and a message of them all. */
function systemError(code: string, text: string, syscall: string, path?: string): Error {
  const where = path === undefined ? syscall : `${syscall} '${path}'`
  return Object.assign(new Error(`${code}: ${text}, ${where}`), { code, syscall, path })
}

describe('the constants', () => {
  it('are the documented bounds', () => {
    expect(MAX_NAMED_SENT_IDS).toBe(20)
    expect(MAX_SUMMARY_SENT_IDS).toBe(2000)
    expect(SENT_IDS_PER_LOG_LINE).toBe(100)
  })
})

describe('ioReason', () => {
  it("gives a system error's code and text, without the call and the path", () => {
    expect(ioReason(systemError('ENOSPC', 'no space left on device', 'write'))).toBe(
      'ENOSPC: no space left on device'
    )
    expect(
      ioReason(systemError('EISDIR', 'illegal operation on a directory', 'open', '/tmp/out'))
    ).toBe('EISDIR: illegal operation on a directory')
  })

  it('keeps any other message whole, on one line and bounded', () => {
    expect(ioReason(new Error('Missing file at path: /tmp/gone'))).toBe(
      'Missing file at path: /tmp/gone'
    )
    expect(ioReason('disk full\n::error::x')).toBe('disk full ::error::x')
    expect(ioReason(undefined)).toBe('undefined')
    // A syscall the message does not name, or names first: the message as it is.
    expect(ioReason(Object.assign(new Error('EIO: i/o error'), { syscall: 'write' }))).toBe(
      'EIO: i/o error'
    )
    expect(ioReason(Object.assign(new Error(', write x'), { syscall: 'write' }))).toBe(', write x')
    expect(ioReason(Object.assign(new Error('a, b'), { syscall: '' }))).toBe('a, b')
    expect(ioReason(Object.assign(new Error('a, 7'), { syscall: 7 }))).toBe('a, 7')
    expect(ioReason(new Error('x'.repeat(400)))).toBe(`${'x'.repeat(299)}… (400 characters in all)`)
  })
})

describe('outputsLostMessage', () => {
  it('names the IDs sent, the reason, and says not to send them again', () => {
    expect(
      outputsLostMessage({
        sent: { operation: 'send-certificate', ids: ['4', '5', '6'] },
        lost: ENOSPC
      })
    ).toBe(
      'send-certificate: 3 sent (4, 5, 6), but the outputs could not be written (ENOSPC: no space left on device): do not send these again'
    )
  })

  it('names which outputs, when only some could not be written', () => {
    const some = { names: ['results'], all: false, reason: 'EFBIG: file too large' }
    expect(
      outputsLostMessage({ sent: { operation: 'email-site-seal', ids: ['7'] }, lost: some })
    ).toBe(
      'email-site-seal: 1 sent (7), but the output results could not be written (EFBIG: file too large): do not send these again'
    )
    expect(
      outputsLostMessage({
        sent: undefined,
        lost: { ...some, names: ['sent-ids', 'results'] }
      })
    ).toBe('the outputs sent-ids, results could not be written (EFBIG: file too large)')
  })

  it('says nothing was sent, or only the failure for a report that sends nothing', () => {
    expect(
      outputsLostMessage({ sent: { operation: 'send-certificate', ids: [] }, lost: ENOSPC })
    ).toBe(
      'send-certificate: nothing was sent, but the outputs could not be written (ENOSPC: no space left on device)'
    )
    expect(outputsLostMessage({ sent: undefined, lost: ENOSPC })).toBe(
      'the outputs could not be written (ENOSPC: no space left on device)'
    )
  })

  it('names 20 IDs at most, the count always true', () => {
    const sentIds = ids(21)
    expect(
      outputsLostMessage({
        sent: { operation: 'send-certificate', ids: sentIds.slice(0, 20) },
        lost: ENOSPC
      })
    ).toBe(
      `send-certificate: 20 sent (${sentIds.slice(0, 20).join(', ')}), but the outputs could not be written (ENOSPC: no space left on device): do not send these again`
    )
    expect(
      outputsLostMessage({ sent: { operation: 'send-certificate', ids: sentIds }, lost: ENOSPC })
    ).toBe(
      `send-certificate: 21 sent (${sentIds.slice(0, 20).join(', ')} and 1 more, listed in the log and the job summary), but the outputs could not be written (ENOSPC: no space left on device): do not send these again`
    )
  })
})

describe('outputsLostReport', () => {
  const runReport = (results = [sent('4'), failed('5', 404, 'HTTP 404'), sent('6')]): Report =>
    buildReport({ context: context(), outcome: outcomeOf(results), sanitizer: safe })

  it('lists the IDs sent in the log and atop the summary, and leads the verdict with the failure', () => {
    const report = runReport()
    const lost = outputsLostReport({ report, lost: ENOSPC })
    const message =
      'send-certificate: 2 sent (4, 6), but the outputs could not be written (ENOSPC: no space left on device): do not send these again'
    expect(lost).toEqual({
      log: ['the outputs could not be written; sent (2):', '4,6'],
      summary: `<p><strong>${message.replace(/_/g, '&#95;')}</strong></p>\n<p>Sent (2): 4, 6</p>\n${report.summary}`,
      verdict: `${message}. ${report.verdict}`
    })
    expect(visible(lost.summary ?? '')).toContain(message)
  })

  it('a run that succeeded: the failure is the verdict', () => {
    const report = runReport([sent('8')])
    expect(report.verdict).toBeUndefined()
    expect(outputsLostReport({ report, lost: ENOSPC }).verdict).toBe(
      'send-certificate: 1 sent (8), but the outputs could not be written (ENOSPC: no space left on device): do not send these again'
    )
  })

  it('nothing sent: no log lines, no list; no summary when the report has none', () => {
    const report = runReport([failed('9', 404, 'HTTP 404')])
    const lost = outputsLostReport({ report, lost: ENOSPC })
    expect(lost.log).toEqual([])
    expect(lost.summary).toBe(
      `<p><strong>send-certificate: nothing was sent, but the outputs could not be written (ENOSPC: no space left on device)</strong></p>\n${report.summary}`
    )
    expect(outputsLostReport({ report: { warnings: [], errors: [] }, lost: ENOSPC })).toEqual({
      log: [],
      summary: undefined,
      verdict: 'the outputs could not be written (ENOSPC: no space left on device)'
    })
  })

  it('a long list: 100 IDs a log line, every one logged; the summary lists 2000 and counts the rest', () => {
    const many = ids(2001)
    const report = runReport(many.map(id => sent(id)))
    const lost = outputsLostReport({ report, lost: ENOSPC })
    expect(lost.log).toHaveLength(1 + 21)
    expect(lost.log[0]).toBe('the outputs could not be written; sent (2001):')
    expect(lost.log[1]).toBe(many.slice(0, 100).join(','))
    expect(lost.log[21]).toBe(many[2000])
    expect(lost.log.slice(1).join(',')).toBe(many.join(','))
    expect(lost.summary).toContain(
      `<p>Sent (2001): ${many.slice(0, 2000).join(', ')} and 1 more, listed in the log</p>`
    )
    const exactly = outputsLostReport({
      report: runReport(many.slice(0, 2000).map(id => sent(id))),
      lost: ENOSPC
    })
    expect(exactly.summary).toContain(`<p>Sent (2000): ${many.slice(0, 2000).join(', ')}</p>`)
    expect(exactly.log).toHaveLength(21)
  })
})
