// What the step publishes about a run, as a value: the outputs, the warning and error annotations,
// the verdict, the dry-run listing and the job summary's HTML (src/publish.ts publishes it). Pure:
// it sees only what it shows (never the key), passes every string through the sanitizer, and keeps
// within GitHub's limits: 10 error annotations a step, 1 MiB of job summary, 1 MB for a job's
// outputs together (RESULTS_BUDGET).
import { MAX_RETRY_AFTER_SECONDS } from '../certcentral/api.js'
import type { PlannedRequest } from '../run/dry-run.js'
import { idCount, idNoun, type Detail, type IdInput, type Operation } from '../operations.js'
import { requestsOf, type Fate, type IdResult, type RunOutcome } from '../outcome.js'
import { InputError, choiceOf } from '../input/parse.js'
import { SHOWN_CHARS, Sanitizer } from '../sanitize.js'

/** What the report shows of the plan. */
export interface ReportContext {
  operation: Operation
  idInput: IdInput
  /** Shown once above the table: recipients, format, message, settings. */
  details: Detail[]
  dryRun: boolean
  warnings: string[]
  /** The input summary-details: what is shown of recipients and the message. */
  summaryDetails: SummaryDetails
  /** The repository's, from the event file (read only for summary-details: auto). */
  visibility: Visibility
}

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

/**
 * What the summary, the dry-run listing and the debug log show of recipients and the message:
 * `full` (the addresses, the message) or `counts`. `auto` shows them in a private repository only:
 * an unknown visibility counts as public.
 */
export function detailsShown({
  summaryDetails,
  visibility
}: Pick<ReportContext, 'summaryDetails' | 'visibility'>): 'full' | 'counts' {
  if (summaryDetails !== 'auto') return summaryDetails
  return visibility === 'private' ? 'full' : 'counts'
}

/** Why recipients and the message are shown by count, or undefined when they are shown. */
export function countsNote(
  context: Pick<ReportContext, 'summaryDetails' | 'visibility'>
): string | undefined {
  if (detailsShown(context) === 'full') return undefined
  const why =
    context.summaryDetails === 'counts'
      ? 'summary-details is counts'
      : context.visibility === 'public'
        ? 'the repository is public'
        : 'the event file does not say whether the repository is public'
  return `Recipients and the message are shown by count: ${why} (summary-details: full shows them).`
}

/** A private detail by count: `3 recipients at example.com, example.org`, or the message's length. */
export function countedText(hidden: Exclude<Detail[2], undefined>): string {
  if ('message' in hidden) return `a custom message (${[...hidden.message].length} characters)`
  const { recipients } = hidden
  const domains = [
    ...new Set(recipients.map(address => address.slice(address.lastIndexOf('@') + 1).toLowerCase()))
  ]
  return `${recipients.length} recipient${recipients.length === 1 ? '' : 's'} at ${domains.join(', ')}`
}

/** The details as shown: label and value, a private one by count when `shown` is counts. */
export function shownDetails({
  details,
  shown
}: {
  details: Detail[]
  shown: 'full' | 'counts'
}): [string, string][] {
  return details.map(([label, value, hidden]) => [
    label,
    hidden !== undefined && shown === 'counts' ? countedText(hidden) : value
  ])
}

/** A value shown in place of a private one: written `<text>`, unquoted (see shownJson). */
export class Placeholder {
  constructor(readonly text: string) {}
}

/**
 * A body as the dry-run listing and the debug log show it: when `shown` is counts, each recipient's
 * address as `…@domain` and the message as a Placeholder of its length, wherever they stand in the
 * body (write it with shownJson).
 */
export function shownBody({
  body,
  details,
  shown
}: {
  body: object | undefined
  details: Detail[]
  shown: 'full' | 'counts'
}): object | undefined {
  if (shown === 'full') return body
  const hidden = new Map<string, string | Placeholder>()
  for (const [, , held] of details) {
    if (held === undefined) continue
    if ('message' in held) {
      const length = [...held.message].length
      const characters = `${length} character${length === 1 ? '' : 's'}`
      hidden.set(held.message, new Placeholder(`a custom message of ${characters}, not shown`))
    } else
      for (const address of held.recipients)
        hidden.set(address, `…${address.slice(address.lastIndexOf('@'))}`)
  }
  const replaced = (value: unknown): unknown => {
    if (typeof value === 'string') return hidden.get(value) ?? value
    if (typeof value !== 'object' || value === null) return value
    if (Array.isArray(value)) return value.map(replaced)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaced(item)]))
  }
  // No body stays none (replaced passes undefined through).
  return replaced(body) as object | undefined
}

/**
 * `JSON.stringify(value, null, indent)`, but each Placeholder written as `<its text>`, unquoted:
 * not a JSON string, so that it cannot be taken for the value sent.
 */
export function shownJson({ value, indent = 0 }: { value: unknown; indent?: number }): string {
  const pad = ' '.repeat(indent)
  const write = (item: unknown, depth: string): string | undefined => {
    if (item instanceof Placeholder) return `<${item.text}>`
    if (typeof item !== 'object' || item === null) return JSON.stringify(item)
    const inner = depth + pad
    const list = Array.isArray(item)
    const parts = list
      ? item.map(entry => write(entry, inner) ?? 'null')
      : Object.entries(item).flatMap(([key, entry]) => {
          const written = write(entry, inner)
          return written === undefined ? [] : [`${JSON.stringify(key)}:${pad && ' '}${written}`]
        })
    const [open, close] = list ? ['[', ']'] : ['{', '}']
    if (parts.length === 0) return open + close
    const [before, after] = pad ? [`\n${inner}`, `\n${depth}`] : ['', '']
    return `${open}${before}${parts.join(`,${before}`)}${after}${close}`
  }
  return write(value, '') as string
}

/** One entry of the `results` output, in the output's snake_case (action.yml documents it). */
export interface ResultEntry {
  id: string
  /** Sent, or validated by a dry run. */
  ok: boolean
  outcome: Fate
  status: number | null
  /** Times the operation's call was made: 1, more after retries, 0 when it never was. */
  attempts: number
  /** GETs made for the ID: Order info, order list pages, duplicate lists. */
  lookups: number
  error?: string
  hint?: string
  /** Why a skipped ID was skipped (issued-within), as the log and the summary say it. */
  reason?: string
  certificate_id?: string
  order_id?: string
  common_name?: string
  serial_number?: string
  thumbprint?: string
  valid_till?: string
  file?: string
  order_status?: string
}

/** The step's outputs (action.yml), set in the order of this object's keys. */
export interface Outputs {
  'status-code': string
  results: string
  'sent-ids': string
  'failed-ids': string
  'unsent-ids': string
  'skipped-ids': string
  'retry-after': string
}

/** An error annotation about one ID. */
export interface ErrorAnnotation {
  message: string
  title: string
}

/** The dry run's log: lines, then a group of lines (one per ID). */
export interface DryRunLog {
  lines: string[]
  group: { title: string; lines: string[] }
}

/** The requests a dry run would make, per ID, and the body each call would carry. */
export interface DryRunPlan {
  requests: { id: string; steps: PlannedRequest[] }[]
  body: object | undefined
}

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

/** Whether the ID went through: sent, or validated by a dry run. */
export function isDelivered(result: IdResult): boolean {
  return result.fate === 'sent' || result.fate === 'validated'
}

/** Whether nothing is left to do for the ID: it went through, or issued-within skipped it. */
export function isFine(result: IdResult): boolean {
  return isDelivered(result) || result.fate === 'skipped'
}

/** Sent IDs a failure message names at most when the outputs are lost; the rest are counted. */
export const MAX_NAMED_SENT_IDS = 20
/** Sent IDs the summary lists at most when the outputs are lost; the log lists every one. */
export const MAX_SUMMARY_SENT_IDS = 2000
/** Sent IDs per log line when the outputs are lost. */
export const SENT_IDS_PER_LOG_LINE = 100

/** GitHub shows 10 error annotations a step; the verdict (setFailed) is one of them. */
export const MAX_ID_ANNOTATIONS = 9
/** GitHub refuses a job summary over 1 MiB; this leaves room for the parts after the table. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024
/** Warnings the summary lists at most; the rest are counted. */
export const MAX_SUMMARY_WARNINGS = 50
/** Warning annotations at most (GitHub shows 10 a step); the rest are counted in one more. */
export const MAX_WARNING_ANNOTATIONS = 9
/** Rows the summary table shows at most; the rest are counted and in `results`. */
export const MAX_SUMMARY_ROWS = 1000

/** What the report of a run is made of. */
export interface RunReportInput {
  context: ReportContext
  outcome: RunOutcome
  /** A dry run's requests; undefined for a run that sent. */
  planned?: DryRunPlan
  sanitizer: Sanitizer
}

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
    warnings: [...results.warnings, ...retryAfter.warnings],
    summary: summaryHtml({ context, outcome, planned, sanitizer }),
    errors: failureAnnotations({ context, outcome, sanitizer }),
    verdict: verdict({ context, outcome, sanitizer }),
    sent: {
      operation: context.operation,
      ids: outcome.results.filter(r => r.fate === 'sent').map(r => r.id)
    }
  }
}

/**
 * The wait DigiCert asked for, when it still matters: only while an ID is left unsent because
 * DigiCert said "later" (a 429 or a 503). After a retried 429 that then succeeded, none.
 */
export function retryAfterOf({ results, retryAfter }: RunOutcome): number | undefined {
  const later = results.some(r => r.fate === 'unsent' && (r.status === 429 || r.status === 503))
  return later ? retryAfter : undefined
}

/** The plan's warnings, shown before the run starts: annotations within GitHub's 10. */
export function planWarningsReport(context: ReportContext): Report {
  const { warnings } = context
  const more = warnings.length - MAX_WARNING_ANNOTATIONS
  return {
    warnings: [
      ...warnings.slice(0, MAX_WARNING_ANNOTATIONS),
      ...(more > 0 ? [`and ${more} more warnings (see the job summary)`] : [])
    ],
    errors: []
  }
}

/** The verdict alone: what is left to publish when nothing else can be. */
export function verdictReport(verdict: string): Report {
  return { warnings: [], errors: [], verdict }
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
 * The reason an output or a file could not be written, on one line: a system error's code and
 * text without the call and path (`ENOSPC: no space left on device`), anything else as it says.
 */
export function ioReason(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error)
  const { syscall } = (error ?? {}) as { syscall?: unknown }
  if (typeof syscall === 'string' && syscall !== '') {
    const at = text.lastIndexOf(`, ${syscall}`)
    if (at > 0) text = text.slice(0, at)
  }
  return new Sanitizer([]).text(text, SHOWN_CHARS.message)
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

/**
 * What `results` may take, in UTF-16 code units (as GitHub counts an output; UTF-8 bytes when they
 * are more). GitHub holds a job's outputs together to 1 MB, taken here as 1,000,000: the other
 * 139,840 are left for the other outputs, and the ID outputs together are never longer than the ID
 * input (one environment variable, at most 128 KiB), status-code and retry-after a few characters.
 */
export const RESULTS_BUDGET = 840 * 1024

/** An output's size as GitHub may count it: UTF-16 code units, or UTF-8 bytes when more. */
export function outputSize(text: string): number {
  return Math.max(text.length, Buffer.byteLength(text))
}

/**
 * How `results` is shortened, one stage after the other until it fits: which entries it lists (all,
 * or only those that did not go through) and how long an error may be (Infinity: as shown; 0: no
 * errors and no hints). After the last, `[]`.
 */
export const RESULTS_STAGES = [
  { entries: 'all', errorChars: Infinity },
  { entries: 'all', errorChars: 120 },
  { entries: 'all', errorChars: 40 },
  { entries: 'all', errorChars: 0 },
  { entries: 'not-delivered', errorChars: 40 },
  { entries: 'not-delivered', errorChars: 0 }
] as const satisfies readonly ResultsStage[]

/** One stage of RESULTS_STAGES. */
export interface ResultsStage {
  entries: 'all' | 'not-delivered'
  errorChars: number
}

/** The results as JSON under the budget (RESULTS_BUDGET), measured after every shortening. */
export function resultsOutput({
  results,
  sanitizer
}: {
  results: IdResult[]
  sanitizer: Sanitizer
}): { json: string; warnings: string[] } {
  // Sanitized once, each error within SHOWN_CHARS.error (its length said when cut); shortening
  // a sanitized text further needs only a cut.
  return boundedResults({ entries: results.map(result => resultEntry({ result, sanitizer })) })
}

/**
 * `results` as JSON within `budget`: the first of RESULTS_STAGES whose JSON fits, with a warning
 * saying what was left out; `[]` with a warning when none does.
 */
export function boundedResults({
  entries,
  budget = RESULTS_BUDGET
}: {
  entries: ResultEntry[]
  budget?: number
}): { json: string; warnings: string[] } {
  for (const stage of RESULTS_STAGES) {
    const json = JSON.stringify(shortenedResults({ entries, stage }))
    if (outputSize(json) <= budget) return { json, warnings: resultsWarnings({ entries, stage }) }
  }
  return {
    json: '[]',
    warnings: [
      `results: too many IDs for the output's ${budget} characters even listing only those not sent; results is [], see sent-ids, failed-ids and unsent-ids`
    ]
  }
}

/** The entries a stage of RESULTS_STAGES keeps, each error cut (or left out with its hint). */
export function shortenedResults({
  entries,
  stage
}: {
  entries: ResultEntry[]
  stage: ResultsStage
}): ResultEntry[] {
  const kept = stage.entries === 'all' ? entries : entries.filter(entry => !entry.ok)
  const max = stage.errorChars
  return kept.map(entry => {
    if (max === 0) {
      const bare = { ...entry }
      delete bare.error
      delete bare.hint
      return bare
    }
    return entry.error !== undefined && entry.error.length > max
      ? { ...entry, error: `${entry.error.slice(0, max)}…` }
      : entry
  })
}

/** What a stage of RESULTS_STAGES left out, as warnings (none for the first). */
export function resultsWarnings({
  entries,
  stage
}: {
  entries: ResultEntry[]
  stage: ResultsStage
}): string[] {
  const { errorChars } = stage
  const why = "to keep the output within its budget (GitHub holds a job's outputs to 1 MB)"
  if (stage.entries === 'not-delivered') {
    const through = entries.filter(entry => entry.ok).length
    const errors = errorChars === 0 ? 'without errors' : `errors cut to ${errorChars} characters`
    return [
      `results: only the ${entries.length - through} IDs not sent are listed (${errors}) ${why}; the other ${through} went through (sent-ids lists those sent)`
    ]
  }
  if (errorChars === Infinity) return []
  if (errorChars === 0)
    return [
      `results: errors and hints are left out ${why}; see sent-ids, failed-ids and unsent-ids`
    ]
  return [`results: error texts are cut to ${errorChars} characters ${why}`]
}

/** The optional fields of a `results` entry, in the order the output lists them. */
const KNOWN_FIELDS = [
  'error',
  'hint',
  'reason',
  'certificate_id',
  'order_id',
  'common_name',
  'serial_number',
  'thumbprint',
  'valid_till',
  'file',
  'order_status'
] as const

/**
 * One entry of the `results` output: the output's snake_case names for the camelCase IdResult,
 * every text sanitized (an error within SHOWN_CHARS.error, the rest within SHOWN_CHARS.field), and
 * a field absent, not undefined, when it is not known.
 */
export function resultEntry({
  result,
  sanitizer
}: {
  result: IdResult
  sanitizer: Sanitizer
}): ResultEntry {
  const shown = (value: string | undefined, max: number = SHOWN_CHARS.field): string | undefined =>
    value === undefined ? undefined : sanitizer.text(value, max)
  const known: Record<(typeof KNOWN_FIELDS)[number], string | undefined> = {
    error: shown(result.error, SHOWN_CHARS.error),
    hint: shown(result.hint),
    reason: shown(result.skipReason),
    certificate_id: shown(result.certificateId),
    order_id: shown(result.orderId),
    common_name: shown(result.commonName),
    serial_number: shown(result.serialNumber),
    thumbprint: shown(result.thumbprint),
    valid_till: shown(result.validTill),
    file: shown(result.file),
    order_status: shown(result.orderStatus)
  }
  const entry: ResultEntry = {
    id: result.id,
    ok: isFine(result),
    outcome: result.fate,
    status: result.status,
    attempts: result.attempts,
    lookups: result.lookups
  }
  for (const field of KNOWN_FIELDS) {
    const value = known[field]
    if (value !== undefined) entry[field] = value
  }
  return entry
}

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

/** The dry run's log: what is validated, the headers, the body once, then each request chain. */
export function dryRunLog({
  idInput,
  planned
}: {
  idInput: IdInput
  planned: DryRunPlan
}): DryRunLog {
  const { requests, body } = planned
  return {
    lines: [
      `dry-run: nothing is sent; ${idCount(idInput, requests.length)} validated`,
      `each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json`,
      body === undefined
        ? 'each call is sent without a body'
        : `each call sends Content-Type: application/json and this body:\n${shownJson({ value: body, indent: 2 })}`
    ],
    group: {
      title: `the requests that would be made (${requests.length})`,
      lines: requests.map(({ steps }) => steps.map(s => `${s.method} ${s.url}`).join(' → then '))
    }
  }
}

/** The job summary: heading, counts, the stop, the details, the warnings, then the table. */
export function summaryHtml({ context, outcome, planned, sanitizer }: RunReportInput): string {
  const { operation, dryRun, details, warnings } = context
  const noun = idNoun(context.idInput)
  const results = outcome.results
  const parts: string[] = [
    `<h2>DigiCert CertCentral: ${escape(operation)}${dryRun ? ' (dry run)' : ''}</h2>`
  ]
  const count = (fate: Fate): number => results.filter(r => r.fate === fate).length
  parts.push(
    `<p>${escape(
      dryRun
        ? `${idCount(context.idInput, results.length)} validated, nothing sent.`
        : `${results.length} ${noun}(s): ✅ ${count('sent')} sent · ❌ ${count('failed')} failed · ⏸ ${count('unsent')} not sent` +
            (count('skipped') ? ` · ⏭ ${count('skipped')} skipped (issued-within)` : '')
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
  const headers = [
    noun.charAt(0).toUpperCase() + noun.slice(1),
    ...(withOrder ? ['Certificate'] : []),
    ...(withCommonName ? ['Common name'] : []),
    ...(withSerial ? ['Serial'] : []),
    ...(withOrder ? ['Expires'] : []),
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
      ...(context.dryRun
        ? [(stepsById.get(result.id) ?? []).map(s => `${s.method} ${s.url}`).join(' → ')]
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

function idsOf(results: IdResult[], fate: Fate): string {
  return results
    .filter(r => r.fate === fate)
    .map(r => r.id)
    .join(',')
}

function outcomeText(result: IdResult): string {
  if (result.fate === 'skipped') return `⏭ ${result.skipReason ?? 'skipped'}`
  // Retries of the send after a 429 or 503 (look-ups are no retries).
  const retries = result.attempts - 1
  if (isDelivered(result))
    return retries > 0 ? `✅ sent (after ${retries} retr${retries === 1 ? 'y' : 'ies'})` : '✅ sent'
  return `${result.fate === 'unsent' ? '⏸' : '❌'} ${result.error ?? 'failed'}`
}

function escape(text: string): string {
  return text.replace(/[&<>"'|`*_[\]\\]/g, c => `&#${c.charCodeAt(0)};`)
}

/**
 * Text for the summary: escaped, then each backtick-delimited span as code (`region` becomes
 * <code>region</code>). Escaped first, so that nothing of the text but such a span becomes markup;
 * a lone or empty pair of backticks stays as written. Logs and outputs keep the backticks.
 */
function prose(text: string): string {
  return escape(text).replace(/&#96;(.+?)&#96;/g, '<code>$1</code>')
}

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
