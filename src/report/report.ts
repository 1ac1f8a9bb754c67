// src/report/: what the step says about a run, as a value, and publishing it. Every module but
// publish.ts is pure: it sees only what it shows (never the key), passes every string through the
// sanitizer, and keeps within GitHub's limits: 10 error annotations a step, 1 MiB of job summary,
// 1 MB for a job's outputs together (RESULTS_BUDGET). Where each part lives:
//   report.ts       the Report value and buildReport, which assembles a run's report (this module)
//   context.ts      what a report is made from: the plan as shown, the outcome
//   privacy.ts      summary-details: what is shown of the recipients and the message
//   results.ts      the `results` output: an entry per ID (a new field) and its size budget
//   summary.ts      the job summary's HTML: counts, details, warnings, the table (a new column)
//   verdict.ts      the verdict, error annotations, status-code and retry-after
//   dry-run-log.ts  the dry run's log lines
//   failures.ts     input problems, cancelled, unexpected failure, outputs that cannot be written
//   publish.ts      the one place that hands a report to @actions/core
//
// This module: the report as a value (Report: the outputs, the warning and error annotations, the
// verdict, the dry-run listing and the job summary's HTML), the report of a run assembled from the
// modules above, and the two small reports main.ts publishes on their own.
import type { OutputName } from '../action-metadata.js'
import type { Operation } from '../operations.js'
import type { Fate, IdResult } from '../outcome.js'
import { SHOWN_CHARS } from '../sanitize.js'
import type { RunReportInput } from './context.js'
import { dryRunLog, type DryRunLog } from './dry-run-log.js'
import { detailsShown, shownBody } from './privacy.js'
import { resultsOutput } from './results.js'
import { summaryHtml } from './summary.js'
import {
  failureAnnotations,
  retryAfterOf,
  retryAfterOutput,
  notRecordedWarnings,
  verdict,
  verdictStatus,
  type ErrorAnnotation
} from './verdict.js'

/**
 * The step's outputs, keyed by action.yml's names (generated: OutputName), set in the order of
 * this object's keys: an output action.yml adds and the report does not set, or one the report
 * sets that action.yml does not declare, does not compile.
 */
export type Outputs = { [name in OutputName]: string }

/**
 * Everything the step publishes about a run, in the order it is published: the dry-run log, the
 * outputs, the warning annotations, the summary, the error annotations and the verdict. A part
 * left undefined is not published.
 */
export interface Report {
  dryRunLog?: DryRunLog
  outputs?: Outputs
  warnings: string[]
  /** The job summary's HTML; publishing adds the run's link. */
  summary?: string
  errors: ErrorAnnotation[]
  /** setFailed's text; undefined when the step succeeds. */
  verdict?: string
  /**
   * The IDs this run sent, which the failure message names should the outputs be lost; undefined
   * for a report that sent nothing (input problems, a failure before the run).
   */
  sent?: SentIds
}

/** The IDs a run sent, and by which operation. */
export interface SentIds {
  operation: Operation
  ids: string[]
}

/** Warning annotations at most (GitHub shows 10 a step); the rest are counted in one more. */
export const MAX_WARNING_ANNOTATIONS = 9

/** The report of a run (or a dry run): everything the step publishes once it has an outcome. */
export function buildReport({ context, outcome, planned, sanitizer }: RunReportInput): Report {
  const results = resultsOutput({ results: outcome.results, sanitizer })
  const retryAfter = retryAfterOutput(retryAfterOf(outcome))
  return {
    dryRunLog:
      planned === undefined
        ? undefined
        : dryRunLog({
            idInput: context.idInput,
            planned: {
              ...planned,
              body: shownBody({
                ...planned,
                details: context.details,
                shown: detailsShown(context)
              })
            }
          }),
    outputs: {
      'status-code': String(verdictStatus(outcome) ?? ''),
      results: results.json,
      'sent-ids': idsOf(outcome.results, 'sent'),
      'failed-ids': idsOf(outcome.results, 'failed'),
      'unsent-ids': idsOf(outcome.results, 'unsent'),
      'skipped-ids': idsOf(outcome.results, 'skipped'),
      'retry-after': retryAfter.value
    },
    warnings: [
      ...notRecordedWarnings({ context, outcome, sanitizer }),
      ...results.warnings,
      ...retryAfter.warnings
    ],
    summary: summaryHtml({ context, outcome, planned, sanitizer }),
    errors: failureAnnotations({ context, outcome, sanitizer }),
    verdict: verdict({ context, outcome, sanitizer }),
    sent: {
      operation: context.operation,
      ids: outcome.results.filter(r => r.fate === 'sent').map(r => r.id)
    }
  }
}

function idsOf(results: IdResult[], fate: Fate): string {
  return results
    .filter(r => r.fate === fate)
    .map(r => r.id)
    .join(',')
}

/**
 * The plan's warnings, shown before the run starts: annotations within GitHub's 10, each through
 * the sanitizer as the summary shows it (a file or an address a warning names, hidden by domain
 * when recipients are shown by count).
 */
export function planWarningsReport({
  context,
  sanitizer
}: Pick<RunReportInput, 'context' | 'sanitizer'>): Report {
  const { warnings } = context
  const more = warnings.length - MAX_WARNING_ANNOTATIONS
  return {
    warnings: [
      ...warnings
        .slice(0, MAX_WARNING_ANNOTATIONS)
        .map(warning => sanitizer.text(warning, SHOWN_CHARS.detail)),
      ...(more > 0 ? [`and ${more} more warnings (see the job summary)`] : [])
    ],
    errors: []
  }
}

/** The verdict alone: what is left to publish when nothing else can be. */
export function verdictReport(verdict: string): Report {
  return { warnings: [], errors: [], verdict }
}
