// Publishing a report (report.ts) to the runner: the one place in src/ that calls @actions/core
// for outputs, annotations, warnings, the verdict and the job summary, and the one that links the
// workflow run (from @actions/github's context, never its event payload). Each part is its own
// step, taking only its own piece of the report, in the order the log, the outputs file and the
// summary file have always had; a part that cannot be written never stops the others.
import * as core from '@actions/core'
import { readRunContext, type Context, type RunContext } from '../run-context.js'
import type { DryRunLog } from './dry-run-log.js'
import { ioReason } from '../sanitize.js'
import { outputsLostReport, type OutputsLost } from './failures.js'
import type { Outputs, Report } from './report.js'
import type { ErrorAnnotation } from './verdict.js'

/**
 * Publishes a report: the dry-run log, the outputs and the warnings, the summary, then the error
 * annotations and the verdict. Each output and the summary are written on their own: a summary
 * that cannot be written is a warning; outputs that cannot be written fail the step with a
 * message naming the IDs sent (and the log and the summary list them), never with an
 * "unexpected error", and everything else is still published.
 */
export async function publish(report: Report, run: RunOfReport = {}): Promise<void> {
  if (report.dryRunLog) publishDryRunLog(report.dryRunLog)
  const lost = report.outputs ? publishOutputs(report.outputs) : undefined
  publishWarnings(report.warnings)
  const instead = lost === undefined ? undefined : outputsLostReport({ report, lost })
  for (const line of instead?.log ?? []) core.info(line)
  const summary = instead ? instead.summary : report.summary
  if (summary !== undefined) await publishSummary(summary, run)
  publishVerdict(report.errors, instead ? instead.verdict : report.verdict)
}

/**
 * The workflow run a report belongs to: its context, read when the summary is written (main.ts
 * reads it once a run, onceRunContext), for the run's link.
 */
export interface RunOfReport {
  runContext?: () => RunContext
}

/** The dry run's lines, then its group. */
export function publishDryRunLog({ lines, group }: DryRunLog): void {
  for (const line of lines) core.info(line)
  core.startGroup(group.title)
  for (const line of group.lines) core.info(line)
  core.endGroup()
}

/**
 * Every output, in the report's order, each on its own: one that cannot be written does not stop
 * the next. Returns which could not be written and why (the first reason), or undefined.
 */
export function publishOutputs(outputs: Outputs): OutputsLost | undefined {
  const names: string[] = []
  let reason: string | undefined
  const all = Object.entries(outputs)
  for (const [name, value] of all) {
    try {
      core.setOutput(name, value)
    } catch (error) {
      names.push(name)
      reason ??= ioReason(error)
    }
  }
  return reason === undefined ? undefined : { names, all: names.length === all.length, reason }
}

/** Warning annotations, in order. */
export function publishWarnings(warnings: string[]): void {
  for (const warning of warnings) core.warning(warning)
}

/**
 * Writes the job summary, followed by the workflow run's link when the run names one; without
 * GITHUB_STEP_SUMMARY nothing. A summary that cannot be written is a warning, never a failed send.
 */
export async function publishSummary(
  html: string,
  { runContext = readRunContext }: RunOfReport = {}
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    const link = runLink(runContext().context)
    core.summary.addRaw(html, true)
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

/** The error annotations, each titled, then the verdict (setFailed) if there is one. */
export function publishVerdict(errors: ErrorAnnotation[], verdict: string | undefined): void {
  for (const { message, title } of errors) core.error(message, { title })
  if (verdict !== undefined) core.setFailed(verdict)
}

/** What the run's link is made of: @actions/github's context, or the same fields. */
export type RunLinkContext = Pick<Context, 'serverUrl' | 'repo' | 'runId'>

/**
 * Link to this workflow run from @actions/github's context (its server URL, github.com when empty;
 * its repository; its run ID); undefined when they name no run: no repository (context.repo
 * throws), an owner or name that is not letters, digits, `_`, `.` or `-`, a run ID not a positive
 * integer, a server URL not http(s).
 */
export function runLink(context: RunLinkContext): string | undefined {
  let named: { owner: string; repo: string }
  try {
    named = context.repo
  } catch {
    return undefined
  }
  // context.repo splits GITHUB_REPOSITORY at `/`: the name is missing from `acme`.
  const { owner, repo = '' } = named
  const name = /^[\w.-]+$/
  const { runId } = context
  if (!name.test(owner) || !name.test(repo)) return undefined
  if (!Number.isSafeInteger(runId) || runId < 1) return undefined
  let server: URL
  try {
    server = new URL(context.serverUrl || 'https://github.com')
  } catch {
    return undefined
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') return undefined
  return `${server.origin}${server.pathname.replace(/\/+$/, '')}/${owner}/${repo}/actions/runs/${runId}`
}
