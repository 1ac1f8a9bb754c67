// How the run went, as the step says it: whether each ID went through (isDelivered, isFine), the
// verdict (setFailed's one line), an error annotation for each next failure (within GitHub's 10 a
// step), and the outputs that judge the run: status-code (verdictStatus) and retry-after. Pure.
import { MAX_RETRY_AFTER_SECONDS } from '../certcentral/api.js'
import { idNoun } from '../operations.js'
import { requestsOf, type IdResult, type RunOutcome } from '../outcome.js'
import { SHOWN_CHARS, type Sanitizer } from '../sanitize.js'
import type { ReportContext } from './context.js'

/** An error annotation about one ID. */
export interface ErrorAnnotation {
  message: string
  title: string
}

/** Whether the ID went through: sent, or validated by a dry run. */
export function isDelivered(result: IdResult): boolean {
  return result.fate === 'sent' || result.fate === 'validated'
}

/** Whether nothing is left to do for the ID: it went through, or issued-within skipped it. */
export function isFine(result: IdResult): boolean {
  return isDelivered(result) || result.fate === 'skipped'
}

/** IDs named at most by the not-recorded warning; the rest are counted. */
export const MAX_NOT_RECORDED_NAMED = 20

/**
 * deliver-once's one warning for the IDs sent whose note could not be written (recorded false,
 * sent or sent to some): "sent but not recorded: a later run may mail them again", naming them
 * (at most MAX_NOT_RECORDED_NAMED); none when every note was written.
 */
export function notRecordedWarnings({ context, outcome, sanitizer }: VerdictInput): string[] {
  const ids = outcome.results.filter(r => r.recorded === false).map(r => r.id)
  if (ids.length === 0) return []
  const noun = idNoun(context.idInput)
  const named = ids.slice(0, MAX_NOT_RECORDED_NAMED).map(id => sanitizer.text(id, SHOWN_CHARS.id))
  const more = ids.length - named.length
  const list = named.join(', ') + (more > 0 ? ` and ${more} more (recorded: false in results)` : '')
  return [
    `sent but not recorded: a later run may mail them again (${ids.length} ${noun}${ids.length === 1 ? '' : 's'}: ${list}); deliver-once's note on the order could not be written, see the log`
  ]
}

/** GitHub shows 10 error annotations a step; the verdict (setFailed) is one of them. */
export const MAX_ID_ANNOTATIONS = 9

/** What the verdict and the annotations are made of. */
interface VerdictInput {
  context: ReportContext
  outcome: RunOutcome
  sanitizer: Sanitizer
}

/**
 * The next failures after the first (which the verdict carries in full), an error annotation
 * each, up to GitHub's limit; none when every ID went through. Unsent IDs (a 429, a refused key, a
 * stop) share the verdict's reason: no annotation each.
 */
export function failureAnnotations({
  context,
  outcome,
  sanitizer
}: VerdictInput): ErrorAnnotation[] {
  const noun = idNoun(context.idInput)
  const failed = outcome.results.filter(r => r.fate === 'failed')
  return failed.slice(1, 1 + MAX_ID_ANNOTATIONS).map(result => {
    const id = sanitizer.text(result.id, SHOWN_CHARS.id)
    return {
      message: `${noun} ${id}: ${sanitizer.text(result.error, SHOWN_CHARS.error)}`,
      title: `${context.operation} failed for ${noun} ${id}`
    }
  })
}

/** The one-line verdict, or undefined when every ID went through. */
export function verdict({ context, outcome, sanitizer }: VerdictInput): string | undefined {
  const { results, stop } = outcome
  const notOk = results.filter(r => !isFine(r))
  const [firstNotOk] = notOk
  if (firstNotOk === undefined) return undefined
  const { operation } = context
  const noun = idNoun(context.idInput)
  const failed = notOk.filter(r => r.fate === 'failed')
  const first = failed[0] ?? notOk.find(r => requestsOf(r) > 0) ?? firstNotOk
  const firstText = `${noun} ${sanitizer.text(first.id, SHOWN_CHARS.id)}: ${sanitizer.text(first.error, SHOWN_CHARS.error)}`
  if (results.length === 1)
    return first.fate === 'failed'
      ? `${operation} failed for ${firstText}`
      : `${operation}: not sent (unsent-ids): ${firstText}`
  const unsent = notOk.length - failed.length
  const counts = [
    failed.length ? `${failed.length} failed` : '',
    unsent ? `${unsent} not sent (unsent-ids)` : ''
  ].filter(Boolean)
  const annotated = Math.min(MAX_ID_ANNOTATIONS, Math.max(0, failed.length - 1))
  const rest = failed.length - 1 - annotated
  const more = annotated
    ? `; ${annotated} more failure${annotated === 1 ? ' is' : 's are'} annotated${rest > 0 ? `, ${rest} more ${rest === 1 ? 'is' : 'are'} only in the results output` : ''}`
    : ''
  const head = `${operation}: ${counts.join(', ')} of ${results.length} ${noun}s`
  // The stop's text is the first's error when the first stopped the run (a 429): said once.
  if (stop?.id === first.id && stop.message === first.error)
    return `${head}; the run stopped at ${firstText}${more}`
  const why = stop ? `; the run stopped: ${sanitizer.text(stop.message, SHOWN_CHARS.message)}` : ''
  const lead = failed.length ? 'First failure' : 'First'
  return `${head}${why}. ${lead}: ${firstText}${more}`
}

/**
 * The verdict as an HTTP status: 429 when a 429 stopped the run, else the first failure's (none
 * when it had no HTTP error), else the success status.
 */
export function verdictStatus(outcome: RunOutcome): number | undefined {
  const { stop } = outcome
  // A 503 that stopped the run as a 429 would (DigiCert said "later") keeps its own status.
  if (stop?.reason === 'rate-limited')
    return outcome.results.find(r => r.id === stop.id)?.status === 503 ? 503 : 429
  const failure = outcome.results.find(r => !isFine(r) && requestsOf(r) > 0)
  // A failure without an HTTP error (no answer, an order not issued) has no status: never 2xx.
  if (failure) return failure.status ?? undefined
  if (outcome.results.some(r => !isFine(r))) return undefined
  return outcome.results.find(r => isDelivered(r) && r.status !== null)?.status ?? undefined
}

/**
 * The wait DigiCert asked for, when it still matters: only while an ID is left unsent because
 * DigiCert said "later" (a 429 or a 503). After a retried 429 that then succeeded, none.
 */
export function retryAfterOf({ results, retryAfter }: RunOutcome): number | undefined {
  const later = results.some(r => r.fate === 'unsent' && (r.status === 429 || r.status === 503))
  return later ? retryAfter : undefined
}

/**
 * `retry-after`: the wait DigiCert asked for when it is a whole number of seconds up to a day,
 * else empty, with a warning saying why.
 */
export function retryAfterOutput(wait: number | undefined): { value: string; warnings: string[] } {
  if (wait === undefined) return { value: '', warnings: [] }
  if (Number.isSafeInteger(wait) && wait >= 0 && wait <= MAX_RETRY_AFTER_SECONDS)
    return { value: String(wait), warnings: [] }
  return {
    value: '',
    warnings: [
      `DigiCert asked to wait ${wait} s, not a whole number of seconds up to ${MAX_RETRY_AFTER_SECONDS} (a day): the retry-after output is left empty`
    ]
  }
}
