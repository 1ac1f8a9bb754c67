// The job summary's HTML: the heading, the counts, the stop, the details (as summary-details shows
// them), the warnings, then the table of IDs, failures first, within GitHub's 1 MiB. A new column
// of the table is a header and a cell in summaryTable (its value a field of the ID's result). Every
// text is escaped (escape), a backtick span shown as code (prose). Pure.
import { idCount, idNoun } from '../operations.js'
import type { Fate, IdResult } from '../outcome.js'
import { SHOWN_CHARS } from '../sanitize.js'
import type { RunReportInput } from './context.js'
import { countedText, countsNote, detailsShown, shownDetails } from './privacy.js'
import { isDelivered } from './verdict.js'
import { stepText } from '../run/dry-run.js'

/** GitHub refuses a job summary over 1 MiB; this leaves room for the parts after the table. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024
/** Warnings the summary lists at most; the rest are counted. */
export const MAX_SUMMARY_WARNINGS = 50
/** Rows the summary table shows at most; the rest are counted and in `results`. */
export const MAX_SUMMARY_ROWS = 1000

/** The job summary: heading, counts, the stop, the details, the warnings, then the table. */
export function summaryHtml({ context, outcome, planned, sanitizer }: RunReportInput): string {
  const { operation, dryRun, details, warnings } = context
  const noun = idNoun(context.idInput)
  const results = outcome.results
  const parts: string[] = [
    `<h2>DigiCert CertCentral: ${escape(operation)}${dryRun ? ' (dry run)' : ''}</h2>`
  ]
  const count = (fate: Fate): number => results.filter(r => r.fate === fate).length
  const notRecorded = results.filter(r => r.recorded === false).length
  parts.push(
    `<p>${escape(
      dryRun
        ? `${idCount(context.idInput, results.length)} validated, nothing sent.`
        : `${results.length} ${noun}(s): ✅ ${count('sent')} sent · ❌ ${count('failed')} failed · ⏸ ${count('unsent')} not sent` +
            (count('skipped') ? ` · ⏭ ${count('skipped')} skipped` : '') +
            (notRecorded ? ` · ⚠ ${notRecorded} sent but not recorded (deliver-once)` : '')
    )}</p>`
  )
  if (outcome.stop)
    parts.push(
      `<p>${prose(`The run stopped: ${sanitizer.text(outcome.stop.message, SHOWN_CHARS.error)}`)}</p>`
    )
  const shown = detailsShown(context)
  parts.push(
    `<ul>${[['IDs from', context.idInput], ...shownDetails({ details, shown })]
      .map(
        ([label, value]) =>
          `<li><strong>${escape(label)}</strong>: ${escape(sanitizer.text(value, SHOWN_CHARS.detail))}</li>`
      )
      .join('')}</ul>`
  )
  const note = countsNote(context)
  if (note !== undefined && details.some(detail => detail[2] !== undefined))
    parts.push(`<p>${escape(note)}</p>`)
  if (warnings.length) {
    const more = warnings.length - MAX_SUMMARY_WARNINGS
    const items = warnings
      .slice(0, MAX_SUMMARY_WARNINGS)
      .concat(more > 0 ? [`and ${more} more warnings`] : [])
    parts.push(
      `<p><strong>Warnings</strong></p><ul>${items.map(w => `<li>${prose(sanitizer.text(w, SHOWN_CHARS.detail))}</li>`).join('')}</ul>`
    )
  }
  parts.push(summaryTable({ context, outcome, planned, sanitizer }))
  return parts.join('\n')
}

/** The summary's table, failures first, within MAX_SUMMARY_ROWS and SUMMARY_BUDGET_BYTES. */
function summaryTable({ context, outcome, planned, sanitizer }: RunReportInput): string {
  const { results } = outcome
  const noun = idNoun(context.idInput)
  // Failures first: on a large batch they are what the reader came for. The sort is stable: a
  // dry run's results (all validated) stay in input order.
  const rank = { failed: 0, unsent: 1, sent: 2, skipped: 3, validated: 4 } as const
  const ordered = [...results].sort((a, b) => rank[a.fate] - rank[b.fate])
  const withOrder = results.some(
    r => r.commonName !== undefined || r.validTill !== undefined || r.certificateId !== undefined
  )
  // A column the ID column already is (common names, serial numbers) is not shown twice.
  const withCommonName = withOrder && context.idInput !== 'common-name'
  const withSerial =
    context.idInput !== 'serial-number' && results.some(r => r.serialNumber !== undefined)
  const stepsById = new Map((planned?.requests ?? []).map(p => [p.id, p.steps]))
  // recipients-from-order: each certificate's own recipients, as summary-details shows them.
  const withRecipients = !context.dryRun && results.some(r => r.recipients !== undefined)
  const shownAs = detailsShown(context)
  const headers = [
    noun.charAt(0).toUpperCase() + noun.slice(1),
    ...(withOrder ? ['Certificate'] : []),
    ...(withCommonName ? ['Common name'] : []),
    ...(withSerial ? ['Serial'] : []),
    ...(withOrder ? ['Expires'] : []),
    ...(withRecipients ? ['Recipients'] : []),
    ...(context.dryRun ? ['Requests'] : ['HTTP status', 'Outcome'])
  ]
  const rows: string[] = [`<tr>${headers.map(h => `<th>${escape(h)}</th>`).join('')}</tr>`]
  let bytes = 0
  let shown = 0
  for (const result of ordered) {
    if (shown >= MAX_SUMMARY_ROWS || bytes > SUMMARY_BUDGET_BYTES) break
    const cells = [
      result.id,
      ...(withOrder ? [result.certificateId ?? '—'] : []),
      ...(withCommonName ? [result.commonName ?? '—'] : []),
      ...(withSerial ? [result.serialNumber ?? '—'] : []),
      ...(withOrder ? [result.validTill ?? '—'] : []),
      ...(withRecipients ? [recipientsCell({ result, shown: shownAs })] : []),
      ...(context.dryRun
        ? [(stepsById.get(result.id) ?? []).map(stepText).join(' → ')]
        : [
            // A skipped ID's status was its look-up's: no send's, so none is shown.
            result.status === null || result.fate === 'skipped' ? '—' : String(result.status),
            outcomeText(result)
          ])
    ]
    const row = `<tr>${cells.map(c => `<td>${prose(sanitizer.text(c, SHOWN_CHARS.error))}</td>`).join('')}</tr>`
    bytes += Buffer.byteLength(row)
    rows.push(row)
    shown++
  }
  const more =
    shown < ordered.length
      ? `\n<p>${escape(`${ordered.length - shown} more ${noun}(s) are not shown here; every ID is in the results output (and in sent-ids, failed-ids, unsent-ids).`)}</p>`
      : ''
  return `<table>${rows.join('')}</table>${more}`
}

/**
 * A certificate's own recipients (recipients-from-order): each address with `full`, else their
 * count and domains; then the roles its order named no one for.
 */
export function recipientsCell({
  result,
  shown
}: {
  result: IdResult
  shown: 'full' | 'counts'
}): string {
  const recipients = result.recipients ?? []
  const listed =
    recipients.length === 0
      ? '—'
      : shown === 'full'
        ? recipients.join(', ')
        : countedText({ recipients })
  const without = result.rolesWithout ?? []
  return without.length ? `${listed} (none named for ${without.join(', ')})` : listed
}

function outcomeText(result: IdResult): string {
  if (result.fate === 'skipped') return `⏭ ${result.skipReason ?? 'skipped'}`
  // Retries of the send after a 429 or 503 (look-ups are no retries).
  const retries = result.attempts - 1
  if (isDelivered(result))
    return retries > 0 ? `✅ sent (after ${retries} retr${retries === 1 ? 'y' : 'ies'})` : '✅ sent'
  return `${result.fate === 'unsent' ? '⏸' : '❌'} ${result.error ?? 'failed'}`
}

/** Text as HTML that GitHub shows as written: markup and markdown characters as entities. */
export function escape(text: string): string {
  return text.replace(/[&<>"'|`*_[\]\\]/g, c => `&#${c.charCodeAt(0)};`)
}

/**
 * Text for the summary: escaped, then each backtick-delimited span as code (`region` becomes
 * <code>region</code>). Escaped first, so that nothing of the text but such a span becomes markup;
 * a lone or empty pair of backticks stays as written. Logs and outputs keep the backticks.
 */
export function prose(text: string): string {
  return escape(text).replace(/&#96;(.+?)&#96;/g, '<code>$1</code>')
}
