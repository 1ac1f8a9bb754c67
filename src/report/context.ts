// What a report is made from: the plan as the report shows it (ReportContext) and, for a run's
// report, its outcome, its dry run's requests and the sanitizer (RunReportInput). Every part of
// the report reads these; a new fact the report shows of the plan is a field here.
import type { Detail, IdInput, Operation } from '../operations.js'
import type { RunOutcome } from '../outcome.js'
import type { Sanitizer } from '../sanitize.js'
import type { DryRunPlan } from './dry-run-log.js'
import type { Privacy } from '../input/summary-details.js'

/** What the report shows of the plan. */
export interface ReportContext extends Privacy {
  operation: Operation
  idInput: IdInput
  /** Shown once above the table: recipients, format, message, settings. */
  details: Detail[]
  dryRun: boolean
  warnings: string[]
}

/** What the report of a run is made of. */
export interface RunReportInput {
  context: ReportContext
  outcome: RunOutcome
  /** A dry run's requests; undefined for a run that sent. */
  planned?: DryRunPlan
  sanitizer: Sanitizer
}
