// Reports a run: outputs, annotations, the verdict, the job summary and the dry-run listing.
// It sees only what it shows (never the key), passes every string through the sanitizer, and
// keeps within GitHub's limits: 10 error annotations a step, 1 MiB of job summary, 1 MiB an output.
import * as core from '@actions/core'
import { MAX_RETRY_AFTER_SECONDS } from './api.js'
import type { PlannedRequest } from './certcentral.js'
import { idNoun, type IdInput, type Operation } from './operations.js'
import type { Fate, IdResult, RunOutcome } from './outcome.js'
import { SHOWN_CHARS, type Sanitizer } from './sanitize.js'

/** What the report shows of the plan. */
export interface ReportContext {
  operation: Operation
  idInput: IdInput
  /** Label and value pairs shown once above the table: recipients, format, settings. */
  details: [string, string][]
  dryRun: boolean
  warnings: string[]
}

/** One entry of the `results` output, in the output's snake_case (action.yml documents it). */
export interface ResultEntry {
  id: string
  /** Sent, or validated by a dry run. */
  ok: boolean
  outcome: Fate
  status: number | null
  attempts: number
  error?: string
  hint?: string
  certificate_id?: string
  common_name?: string
  valid_till?: string
  order_status?: string
}

/** Whether the ID went through: sent, or validated by a dry run. */
export function isDelivered(result: IdResult): boolean {
  return result.fate === 'sent' || result.fate === 'validated'
}

/** GitHub shows 10 error annotations a step; the verdict (setFailed) is one of them. */
export const MAX_ID_ANNOTATIONS = 9
/** GitHub refuses a job summary over 1 MiB; this leaves room for the parts after the table. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024
/** GitHub refuses an output over 1 MiB. */
export const OUTPUT_BUDGET_BYTES = 1000 * 1024
/** Characters of an error a summary cell or an annotation shows. */
export const SHOWN_ERROR_CHARS = SHOWN_CHARS.error
/** Warnings the summary lists at most; the rest are counted. */
export const MAX_SUMMARY_WARNINGS = 50
/** Warning annotations at most (GitHub shows 10 a step); the rest are counted in one more. */
export const MAX_WARNING_ANNOTATIONS = 9
/** Rows the summary table shows at most; the rest are counted and in `results`. */
export const MAX_SUMMARY_ROWS = 1000

export class Reporter {
  constructor(
    private readonly context: ReportContext,
    private readonly safe: Sanitizer
  ) {}

  private get noun(): string {
    return idNoun(this.context.idInput)
  }

  /** Every output, always: a follow-up step can read them whatever happened. */
  setOutputs(outcome: RunOutcome): void {
    const results = outcome.results
    core.setOutput('status-code', verdictStatus(outcome) ?? '')
    core.setOutput('results', this.resultsJson(results))
    core.setOutput('sent-ids', idsOf(results, 'sent'))
    core.setOutput('failed-ids', idsOf(results, 'failed'))
    core.setOutput('unsent-ids', idsOf(results, 'unsent'))
    const wait = outcome.retryAfter
    const usable =
      wait !== undefined &&
      Number.isSafeInteger(wait) &&
      wait >= 0 &&
      wait <= MAX_RETRY_AFTER_SECONDS
    if (wait !== undefined && !usable) {
      core.warning(
        `DigiCert asked to wait ${wait} s, not a whole number of seconds up to ${MAX_RETRY_AFTER_SECONDS} (a day): the retry-after output is left empty`
      )
    }
    core.setOutput('retry-after', usable ? wait : '')
  }

  /** The results as JSON under GitHub's output limit: error texts shortened only if needed. */
  resultsJson(results: IdResult[]): string {
    // Sanitized once, each error within SHOWN_ERROR_CHARS (its length said when cut); shortening
    // a sanitized text further needs only a cut.
    const shown = results.map(result => this.shownResult(result, SHOWN_ERROR_CHARS))
    for (const max of [Infinity, 120, 40]) {
      const json = JSON.stringify(
        shown.map(result =>
          result.error !== undefined && result.error.length > max
            ? { ...result, error: `${result.error.slice(0, max)}…` }
            : result
        )
      )
      if (Buffer.byteLength(json) <= OUTPUT_BUDGET_BYTES) {
        if (max !== Infinity) {
          core.warning(
            `results: error texts are cut to ${max} characters to keep the output under GitHub's 1 MiB limit`
          )
        }
        return json
      }
    }
    core.warning(
      "results: too many IDs for GitHub's 1 MiB output limit; errors are left out, see sent-ids, failed-ids and unsent-ids"
    )
    return JSON.stringify(
      shown.map(result => {
        const bare = { ...result }
        delete bare.error
        delete bare.hint
        return bare
      })
    )
  }

  /** One entry of the `results` output: the output's names, every text sanitized. */
  private shownResult(result: IdResult, maxError: number): ResultEntry {
    const text = (
      value: string | undefined,
      max: number = SHOWN_CHARS.field
    ): string | undefined => (value === undefined ? undefined : this.safe.text(value, max))
    const entry = {
      id: result.id,
      ok: isDelivered(result),
      outcome: result.fate,
      status: result.status,
      attempts: result.attempts,
      error: text(result.error, maxError),
      hint: text(result.hint),
      certificate_id: text(result.certificateId),
      common_name: text(result.commonName),
      valid_till: text(result.validTill),
      order_status: text(result.orderStatus)
    }
    // Absent, not undefined: the output lists only what is known.
    return Object.fromEntries(
      Object.entries(entry).filter(([, value]) => value !== undefined)
    ) as unknown as ResultEntry
  }

  /**
   * The verdict goes to setFailed and carries the first failure in full; the next failures get an
   * annotation each, up to GitHub's limit; the rest are counted in the verdict.
   */
  fail(outcome: RunOutcome): void {
    const verdict = this.verdict(outcome)
    if (verdict === undefined) return
    // Unsent IDs (a 429, a refused key, a stop) share the verdict's reason: no annotation each.
    const failed = outcome.results.filter(r => r.fate === 'failed')
    for (const result of failed.slice(1, 1 + MAX_ID_ANNOTATIONS)) {
      const id = this.safe.text(result.id, SHOWN_CHARS.id)
      core.error(`${this.noun} ${id}: ${this.safe.text(result.error, SHOWN_ERROR_CHARS)}`, {
        title: `${this.context.operation} failed for ${this.noun} ${id}`
      })
    }
    core.setFailed(verdict)
  }

  /** The one-line verdict, or undefined when every ID went through. */
  verdict(outcome: RunOutcome): string | undefined {
    const { results, stop } = outcome
    const notOk = results.filter(r => !isDelivered(r))
    const [firstNotOk] = notOk
    if (firstNotOk === undefined) return undefined
    const { operation } = this.context
    const noun = this.noun
    const failed = notOk.filter(r => r.fate === 'failed')
    const first = failed[0] ?? notOk.find(r => r.attempts > 0) ?? firstNotOk
    const firstText = `${noun} ${this.safe.text(first.id, SHOWN_CHARS.id)}: ${this.safe.text(first.error, SHOWN_ERROR_CHARS)}`
    if (results.length === 1) return `${operation} failed for ${firstText}`
    const unsent = notOk.length - failed.length
    const counts = [
      failed.length ? `${failed.length} failed` : '',
      unsent ? `${unsent} not sent (unsent-ids)` : ''
    ].filter(Boolean)
    const why = stop
      ? `; the run stopped: ${this.safe.text(stop.message, SHOWN_CHARS.message)}`
      : ''
    const annotated = Math.min(MAX_ID_ANNOTATIONS, Math.max(0, failed.length - 1))
    const rest = failed.length - 1 - annotated
    const more = annotated
      ? `; ${annotated} more failure${annotated === 1 ? ' is' : 's are'} annotated${rest > 0 ? `, ${rest} more ${rest === 1 ? 'is' : 'are'} only in the results output` : ''}`
      : ''
    const lead = failed.length ? 'First failure' : 'First'
    return `${operation}: ${counts.join(', ')} of ${results.length} ${noun}s${why}. ${lead}: ${firstText}${more}`
  }

  /** The plan's warnings as annotations, within GitHub's 10; all of them are in the summary. */
  warn(): void {
    const { warnings } = this.context
    for (const warning of warnings.slice(0, MAX_WARNING_ANNOTATIONS)) core.warning(warning)
    const more = warnings.length - MAX_WARNING_ANNOTATIONS
    if (more > 0) core.warning(`and ${more} more warnings (see the job summary)`)
  }

  /** The dry run: one line per request inside a log group, the body once. */
  logDryRun(requests: { id: string; steps: PlannedRequest[] }[], body: object | undefined): void {
    core.info(`dry-run: nothing is sent; ${requests.length} ${this.noun} ID(s) validated`)
    core.info(
      `each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json`
    )
    core.info(
      body === undefined
        ? 'each call is sent without a body'
        : `each call sends Content-Type: application/json and this body:\n${JSON.stringify(body, null, 2)}`
    )
    core.startGroup(`the requests that would be made (${requests.length})`)
    for (const { steps } of requests)
      core.info(steps.map(s => `${s.method} ${s.url}`).join(' → then '))
    core.endGroup()
  }

  /** Writes the job summary; a summary that cannot be written is a warning, never a failed send. */
  async writeSummary(
    outcome: RunOutcome,
    plannedRequests?: { id: string; steps: PlannedRequest[] }[]
  ): Promise<void> {
    await writeSummaryHtml(() => this.summaryHtml(outcome, plannedRequests))
  }

  summaryHtml(outcome: RunOutcome, planned?: { id: string; steps: PlannedRequest[] }[]): string {
    const { operation, dryRun, details, warnings } = this.context
    const results = outcome.results
    const parts: string[] = [
      `<h2>DigiCert CertCentral: ${escape(operation)}${dryRun ? ' (dry run)' : ''}</h2>`
    ]
    const count = (fate: Fate): number => results.filter(r => r.fate === fate).length
    parts.push(
      `<p>${escape(
        dryRun
          ? `${results.length} ${this.noun} ID(s) validated, nothing sent.`
          : `${results.length} ${this.noun}(s): ✅ ${count('sent')} sent · ❌ ${count('failed')} failed · ⏸ ${count('unsent')} not sent`
      )}</p>`
    )
    if (outcome.stop)
      parts.push(
        `<p>${escape(`The run stopped: ${this.safe.text(outcome.stop.message, SHOWN_ERROR_CHARS)}`)}</p>`
      )
    parts.push(
      `<ul>${[['IDs from', this.context.idInput], ...details]
        .map(
          ([label, value]) =>
            `<li><strong>${escape(label)}</strong>: ${escape(this.safe.text(value, SHOWN_CHARS.detail))}</li>`
        )
        .join('')}</ul>`
    )
    if (warnings.length) {
      const more = warnings.length - MAX_SUMMARY_WARNINGS
      const items = warnings
        .slice(0, MAX_SUMMARY_WARNINGS)
        .concat(more > 0 ? [`and ${more} more warnings`] : [])
      parts.push(
        `<p><strong>Warnings</strong></p><ul>${items.map(w => `<li>${escape(this.safe.text(w, SHOWN_CHARS.detail))}</li>`).join('')}</ul>`
      )
    }
    parts.push(this.table(results, planned))
    return parts.join('\n')
  }

  private table(results: IdResult[], planned?: { id: string; steps: PlannedRequest[] }[]): string {
    // Failures first: on a large batch they are what the reader came for. The sort is stable: a
    // dry run's results (all validated) stay in input order.
    const rank = { failed: 0, unsent: 1, sent: 2, validated: 3 } as const
    const ordered = [...results].sort((a, b) => rank[a.fate] - rank[b.fate])
    const withOrder = results.some(
      r => r.commonName !== undefined || r.validTill !== undefined || r.certificateId !== undefined
    )
    const stepsById = new Map((planned ?? []).map(p => [p.id, p.steps]))
    const headers = [
      this.noun.charAt(0).toUpperCase() + this.noun.slice(1),
      ...(withOrder ? ['Certificate', 'Common name', 'Expires'] : []),
      ...(this.context.dryRun ? ['Requests'] : ['HTTP status', 'Outcome'])
    ]
    const rows: string[] = [`<tr>${headers.map(h => `<th>${escape(h)}</th>`).join('')}</tr>`]
    let bytes = 0
    let shown = 0
    for (const result of ordered) {
      if (shown >= MAX_SUMMARY_ROWS || bytes > SUMMARY_BUDGET_BYTES) break
      const cells = [
        result.id,
        ...(withOrder
          ? [result.certificateId ?? '—', result.commonName ?? '—', result.validTill ?? '—']
          : []),
        ...(this.context.dryRun
          ? [(stepsById.get(result.id) ?? []).map(s => `${s.method} ${s.url}`).join(' → ')]
          : [
              result.status === null ? '—' : String(result.status),
              outcomeText(result, this.context.idInput)
            ])
      ]
      const row = `<tr>${cells.map(c => `<td>${escape(this.safe.text(c, SHOWN_ERROR_CHARS))}</td>`).join('')}</tr>`
      bytes += Buffer.byteLength(row)
      rows.push(row)
      shown++
    }
    const more =
      shown < ordered.length
        ? `\n<p>${escape(`${ordered.length - shown} more ${this.noun}(s) are not shown here; every ID is in the results output (and in sent-ids, failed-ids, unsent-ids).`)}</p>`
        : ''
    return `<table>${rows.join('')}</table>${more}`
  }
}

/**
 * The verdict as an HTTP status: 429 when a 429 stopped the run, else the first failure's (none
 * when it had no HTTP error), else the success status.
 */
export function verdictStatus(outcome: RunOutcome): number | undefined {
  if (outcome.stop?.reason === 'rate-limited') return 429
  const failure = outcome.results.find(r => !isDelivered(r) && r.attempts > 0)
  // A failure without an HTTP error (no answer, an order not issued) has no status: never 2xx.
  if (failure) return failure.status ?? undefined
  if (outcome.results.some(r => !isDelivered(r))) return undefined
  return outcome.results.find(r => isDelivered(r) && r.status !== null)?.status ?? undefined
}

function idsOf(results: IdResult[], fate: Fate): string {
  return results
    .filter(r => r.fate === fate)
    .map(r => r.id)
    .join(',')
}

function outcomeText(result: IdResult, idInput: IdInput): string {
  // An order costs a look-up before its call: more requests than that were polls or retries.
  const fewest = idInput === 'order-id' ? 2 : 1
  if (isDelivered(result))
    return result.attempts > fewest ? `✅ sent (${result.attempts} requests)` : '✅ sent'
  return `${result.fate === 'unsent' ? '⏸' : '❌'} ${result.error ?? 'failed'}`
}

function escape(text: string): string {
  return text.replace(/[&<>"'|`*_[\]\\]/g, c => `&#${c.charCodeAt(0)};`)
}

/** Reports input problems: every output (results is []), the problems in the summary, the step failed. */
export async function reportInputProblems(problems: string[], safe: Sanitizer): Promise<void> {
  await reportNothingSent('invalid inputs, nothing sent', problems, [], safe)
}

/**
 * Reports a run that ended before it had results (a bug of ours): every ID unsent with the reason,
 * so that a follow-up step can still send them.
 */
export async function reportUnexpected(
  message: string,
  ids: string[],
  safe: Sanitizer
): Promise<void> {
  await reportNothingSent('the action failed', [message], ids, safe)
}

async function reportNothingSent(
  heading: string,
  problems: string[],
  ids: string[],
  safe: Sanitizer
): Promise<void> {
  const why = safe.text(problems[0], SHOWN_ERROR_CHARS)
  const results: ResultEntry[] = ids.map(id => ({
    id,
    ok: false,
    outcome: 'unsent',
    status: null,
    attempts: 0,
    error: `not attempted: ${why}`
  }))
  for (const name of ['status-code', 'sent-ids', 'failed-ids', 'retry-after'])
    core.setOutput(name, '')
  core.setOutput('unsent-ids', ids.join(','))
  core.setOutput('results', JSON.stringify(results))
  await writeSummaryHtml(() =>
    [
      `<h2>DigiCert CertCentral: ${escape(heading)}</h2>`,
      `<ul>${problems.map(p => `<li>${escape(safe.text(p, SHOWN_CHARS.problem))}</li>`).join('')}</ul>`
    ].join('\n')
  )
}

/** Link to this workflow run, when the run's context names one. */
async function runLink(): Promise<string | undefined> {
  if (!process.env.GITHUB_REPOSITORY || !process.env.GITHUB_RUN_ID) return undefined
  // Loaded only here: @actions/github pulls in Octokit, which nothing else needs.
  const { context } = await import('@actions/github')
  const { owner, repo } = context.repo
  return `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`
}

async function writeSummaryHtml(compose: () => string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    const link = await runLink()
    core.summary.addRaw(compose(), true)
    if (link) core.summary.addLink('Workflow run', link)
    await core.summary.write()
  } catch (error) {
    core.warning(
      `could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  } finally {
    core.summary.emptyBuffer()
  }
}
