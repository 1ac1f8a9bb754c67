// Reports a run: outputs, one annotation per failed ID, the job summary and the dry-run listing.
import * as core from '@actions/core'
import type { Plan } from './inputs.js'
import type { IdResult, RunOutcome } from './runner.js'

export interface PlannedRequest {
  id: string
  method: string
  url: string
}

export function setOutputs(outcome: RunOutcome): void {
  core.setOutput('status-code', outcome.lastStatus ?? '')
  core.setOutput('results', JSON.stringify(outcome.results))
  core.setOutput('retry-after', outcome.retryAfter ?? '')
}

export function idNoun(plan: Pick<Plan, 'operation'>): string {
  return plan.operation === 'send-certificate' ? 'certificate' : 'order'
}

export function annotateFailures(plan: Pick<Plan, 'operation'>, results: IdResult[]): void {
  for (const result of results) {
    if (result.ok) continue
    core.error(`${idNoun(plan)} ${result.id}: ${result.error ?? 'failed'}`, {
      title: `CertCentral ${plan.operation} failed for ${idNoun(plan)} ${result.id}`
    })
  }
}

/** The one-line verdict setFailed gets, or undefined when every ID went through. */
export function failureMessage(
  plan: Pick<Plan, 'operation'>,
  outcome: RunOutcome
): string | undefined {
  const failed = outcome.results.filter(r => !r.ok)
  if (failed.length === 0) return undefined
  const first = failed[0] as IdResult
  const total = outcome.results.length
  if (total === 1) return `${plan.operation} failed for ${idNoun(plan)} ${first.id}: ${first.error}`
  const rateLimited = outcome.rateLimited
    ? '; DigiCert rate-limited the key and the run stopped'
    : ''
  return (
    `${plan.operation} failed for ${failed.length} of ${total} ${idNoun(plan)}s ` +
    `(${failed.map(r => r.id).join(', ')})${rateLimited}; first error: ${first.error}`
  )
}

export function logDryRun(plan: Plan, requests: PlannedRequest[]): void {
  core.info(`dry-run: nothing is sent; ${requests.length} request(s) would be made:`)
  const body = JSON.stringify(plan.body, null, 2)
  for (const request of requests) {
    core.info(`${request.method} ${request.url}`)
    core.info('  X-DC-DEVKEY: (the API key, not shown)')
    core.info('  Content-Type: application/json')
    core.info(body.replace(/^/gm, '  '))
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

function outcomeText(result: IdResult, dryRun: boolean): string {
  if (dryRun) return 'dry run: not sent'
  if (result.ok)
    return result.attempts > 1 ? `✅ sent (after ${result.attempts} attempts)` : '✅ sent'
  return `❌ ${result.error ?? 'failed'}`
}

/** Link to this workflow run, when the run's context names one. */
async function runLink(): Promise<string | undefined> {
  if (!process.env.GITHUB_REPOSITORY || !process.env.GITHUB_RUN_ID) return undefined
  // Loaded only here: @actions/github pulls in Octokit, which nothing else needs.
  const { context } = await import('@actions/github')
  const { owner, repo } = context.repo
  return `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`
}

/** Writes the job summary; a summary that cannot be written is a warning, never a failed send. */
export async function writeSummary(plan: Plan, outcome: RunOutcome): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await composeSummary(plan, outcome)
  } catch (error) {
    core.warning(
      `could not write the job summary: ${error instanceof Error ? error.message : error}`
    )
  } finally {
    core.summary.emptyBuffer()
  }
}

async function composeSummary(plan: Plan, outcome: RunOutcome): Promise<void> {
  const recipients = plan.emails.length ? plan.emails.join(', ') : "the key's owner"
  const format = plan.format ?? '—'
  const rows = outcome.results.map(result =>
    [
      plan.operation,
      result.id,
      recipients,
      format,
      result.status === null ? '—' : String(result.status),
      outcomeText(result, plan.dryRun)
    ].map(escapeHtml)
  )
  const sent = outcome.results.filter(r => r.ok).length
  const summary = core.summary
    .addHeading(`DigiCert CertCentral: ${plan.operation}${plan.dryRun ? ' (dry run)' : ''}`, 2)
    .addRaw(
      escapeHtml(
        plan.dryRun
          ? `${outcome.results.length} request(s) validated, none sent.`
          : `${sent} of ${outcome.results.length} sent.`
      ),
      true
    )
    .addTable([
      [
        { data: 'Operation', header: true },
        { data: 'ID', header: true },
        { data: 'Recipients', header: true },
        { data: 'Format', header: true },
        { data: 'HTTP status', header: true },
        { data: 'Outcome', header: true }
      ],
      ...rows
    ])
  const link = await runLink()
  if (link) summary.addLink('Workflow run', link)
  await summary.write()
}
