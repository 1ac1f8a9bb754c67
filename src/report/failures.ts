// The reports of a step that failed around its run rather than by an ID: input problems, a run
// cancelled before its plan, an unexpected failure (a bug of ours) — each writes every output,
// every ID unsent, and says what happened — and what is published instead when the outputs
// themselves cannot be written (the IDs sent named, so that nobody sends them again). Pure.
import { InputError } from '../input/parse.js'
import { SHOWN_CHARS, Sanitizer } from '../sanitize.js'
import type { Report, SentIds } from './report.js'
import { boundedResults, type ResultEntry } from './results.js'
import { escape, prose } from './summary.js'

/** Sent IDs a failure message names at most when the outputs are lost; the rest are counted. */
export const MAX_NAMED_SENT_IDS = 20
/** Sent IDs the summary lists at most when the outputs are lost; the log lists every one. */
export const MAX_SUMMARY_SENT_IDS = 2000
/** Sent IDs per log line when the outputs are lost. */
export const SENT_IDS_PER_LOG_LINE = 100

/** The report of input problems: every output (results is []), the problems listed, the verdict. */
export function inputProblemsReport({
  error,
  sanitizer
}: {
  error: InputError
  sanitizer: Sanitizer
}): Report {
  return {
    ...nothingSentReport({
      heading: 'invalid inputs, nothing sent',
      problems: error.problems,
      ids: [],
      sanitizer
    }),
    // The same text as error.message, each problem sanitized as the summary lists it.
    verdict: new InputError(
      error.problems.map(problem => sanitizer.text(problem, SHOWN_CHARS.problem))
    ).message
  }
}

/**
 * The report of a run cancelled before it had a plan (while certificate-file was matched): every
 * output (results is []), nothing sent, the verdict.
 */
export function cancelledReport({
  message,
  sanitizer
}: {
  message: string
  sanitizer: Sanitizer
}): Report {
  return {
    ...nothingSentReport({
      heading: 'cancelled, nothing sent',
      problems: [message],
      ids: [],
      sanitizer
    }),
    verdict: message
  }
}

/** The verdict of a failure that is a bug of ours: the reason, sanitized, on one line. */
export function unexpectedMessage({
  error,
  sanitizer
}: {
  error: unknown
  sanitizer: Sanitizer
}): string {
  return `unexpected error: ${sanitizer.text(error instanceof Error ? error.message : error, SHOWN_CHARS.logLine)}`
}

/**
 * The report of a run that ended before it had an outcome (a bug of ours): every ID unsent with
 * the reason, so that a follow-up step can still send them, and the verdict.
 */
export function unexpectedReport({
  message,
  ids,
  sanitizer
}: {
  message: string
  ids: string[]
  sanitizer: Sanitizer
}): Report {
  return {
    ...nothingSentReport({ heading: 'the action failed', problems: [message], ids, sanitizer }),
    verdict: message
  }
}

function nothingSentReport({
  heading,
  problems,
  ids,
  sanitizer
}: {
  heading: string
  problems: string[]
  ids: string[]
  sanitizer: Sanitizer
}): Report {
  const why = sanitizer.text(problems[0], SHOWN_CHARS.error)
  const results: ResultEntry[] = ids.map(id => ({
    id,
    ok: false,
    outcome: 'unsent',
    status: null,
    attempts: 0,
    lookups: 0,
    error: `not attempted: ${why}`
  }))
  const bounded = boundedResults({ entries: results })
  return {
    // In the order these outputs have always been set.
    outputs: {
      'status-code': '',
      'sent-ids': '',
      'failed-ids': '',
      'retry-after': '',
      'unsent-ids': ids.join(','),
      'skipped-ids': '',
      results: bounded.json
    },
    warnings: bounded.warnings,
    summary: [
      `<h2>DigiCert CertCentral: ${escape(heading)}</h2>`,
      `<ul>${problems.map(p => `<li>${prose(sanitizer.text(p, SHOWN_CHARS.problem))}</li>`).join('')}</ul>`
    ].join('\n'),
    errors: []
  }
}

/** The outputs that could not be written, and why (the first failure's reason). */
export interface OutputsLost {
  names: string[]
  /** Every output of the report failed. */
  all: boolean
  reason: string
}

/** What the step says instead when its outputs are lost: the log lines, the summary, the verdict. */
export interface OutputsLostReport {
  log: string[]
  summary: string | undefined
  verdict: string
}

/**
 * The failure message when outputs are lost: the IDs sent named (at most MAX_NAMED_SENT_IDS, the
 * count always true), so that nobody sends them again, then which outputs and why.
 */
export function outputsLostMessage({
  sent,
  lost
}: {
  sent: SentIds | undefined
  lost: OutputsLost
}): string {
  const which = lost.all
    ? 'the outputs'
    : `the output${lost.names.length === 1 ? '' : 's'} ${lost.names.join(', ')}`
  const failure = `${which} could not be written (${lost.reason})`
  if (sent === undefined) return failure
  const { operation, ids } = sent
  if (ids.length === 0) return `${operation}: nothing was sent, but ${failure}`
  const more = ids.length - MAX_NAMED_SENT_IDS
  const named = ids.slice(0, MAX_NAMED_SENT_IDS).join(', ')
  const rest = more > 0 ? ` and ${more} more, listed in the log and the job summary` : ''
  return `${operation}: ${ids.length} sent (${named}${rest}), but ${failure}: do not send these again`
}

/**
 * A report whose outputs were lost, as it is published instead: the log lists every ID sent, the
 * summary starts with the failure and the IDs sent, and the verdict leads with the failure.
 */
export function outputsLostReport({
  report,
  lost
}: {
  report: Report
  lost: OutputsLost
}): OutputsLostReport {
  const { sent } = report
  const message = outputsLostMessage({ sent, lost })
  const ids = sent?.ids ?? []
  const log: string[] = []
  if (ids.length) log.push(`the outputs could not be written; sent (${ids.length}):`)
  for (let at = 0; at < ids.length; at += SENT_IDS_PER_LOG_LINE)
    log.push(ids.slice(at, at + SENT_IDS_PER_LOG_LINE).join(','))
  const more = ids.length - MAX_SUMMARY_SENT_IDS
  const listed = ids.length
    ? `\n<p>${escape(`Sent (${ids.length}): ${ids.slice(0, MAX_SUMMARY_SENT_IDS).join(', ')}${more > 0 ? ` and ${more} more, listed in the log` : ''}`)}</p>`
    : ''
  return {
    log,
    summary:
      report.summary === undefined
        ? undefined
        : `<p><strong>${prose(message)}</strong></p>${listed}\n${report.summary}`,
    verdict: report.verdict === undefined ? message : `${message}. ${report.verdict}`
  }
}
