// The input summary-details and what it depends on: its values, its value as given (read before
// the plan, so that input problems are shown as privately as the run would show them), and the
// repository's visibility from the workflow event's payload. The report decides from these what it
// shows (src/report/privacy.ts); the input stage reads them. Pure.
import { choiceOf } from './parse.js'

/** The input summary-details' values. */
export const SUMMARY_DETAILS = ['auto', 'full', 'counts'] as const
export type SummaryDetails = (typeof SUMMARY_DETAILS)[number]
/**
 * summary-details as given, read before the plan (input problems are shown through the same
 * sanitizer, which hides addresses when detailsShown says counts): a value that is not one of
 * SUMMARY_DETAILS counts as `counts`, the safe side; the plan reports it as a problem.
 */
export function givenSummaryDetails(value: string): SummaryDetails {
  return choiceOf(value, SUMMARY_DETAILS) ?? 'counts'
}

/** Whether anyone can read the repository's runs; unknown when the event file does not say. */
export type Visibility = 'public' | 'private' | 'unknown'

/** What decides whether recipients and the message are shown (a part of the ReportContext). */
export interface Privacy {
  /** The input summary-details: what is shown of recipients and the message. */
  summaryDetails: SummaryDetails
  /** The repository's, from the event file (read only for summary-details: auto). */
  visibility: Visibility
}

/**
 * The repository's visibility from a workflow event's payload: public when `repository.private`
 * is false or `repository.visibility` is `public` (either is enough: the safe side), private when
 * it says so (`internal` too), unknown otherwise.
 */
export function repositoryVisibility(payload: unknown): Visibility {
  const repository = (payload as { repository?: unknown } | null)?.repository
  if (typeof repository !== 'object' || repository === null) return 'unknown'
  const { private: isPrivate, visibility } = repository as Record<string, unknown>
  if (isPrivate === false || visibility === 'public') return 'public'
  if (isPrivate === true || visibility === 'private' || visibility === 'internal') return 'private'
  return 'unknown'
}
