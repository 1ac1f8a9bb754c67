// Publishing a report (src/report.ts) to the runner: the one place in src/ that calls
// @actions/core for outputs, annotations, warnings, the verdict and the job summary, and the one
// that links the workflow run (through @actions/github). Each part is its own step, taking only
// its own piece of the report, in the order the log, the outputs file and the summary file have
// always had.
import * as core from '@actions/core'
import type { DryRunLog, ErrorAnnotation, Outputs, Report } from './report.js'

/**
 * Publishes a report: the dry-run log, the outputs and the warnings, the summary, then the error
 * annotations and the verdict. A summary that cannot be written is a warning. An outputs file that
 * cannot be written throws, and nothing after it is published: the caller fails the step with the
 * reason (the behaviour the action has always had).
 */
export async function publish(report: Report): Promise<void> {
  if (report.dryRunLog) publishDryRunLog(report.dryRunLog)
  if (report.outputs) publishOutputs(report.outputs)
  publishWarnings(report.warnings)
  if (report.summary !== undefined) await publishSummary(report.summary)
  publishVerdict(report.errors, report.verdict)
}

/** The dry run's lines, then its group. */
export function publishDryRunLog({ lines, group }: DryRunLog): void {
  for (const line of lines) core.info(line)
  core.startGroup(group.title)
  for (const line of group.lines) core.info(line)
  core.endGroup()
}

/** Every output, in the report's order; throws when the outputs file cannot be written. */
export function publishOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}

/** Warning annotations, in order. */
export function publishWarnings(warnings: string[]): void {
  for (const warning of warnings) core.warning(warning)
}

/**
 * Writes the job summary, followed by the workflow run's link when the run names one; without
 * GITHUB_STEP_SUMMARY nothing. A summary that cannot be written is a warning, never a failed send.
 */
export async function publishSummary(html: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    const link = await runLink()
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

/** Link to this workflow run, when the run's context names one. */
async function runLink(): Promise<string | undefined> {
  if (!process.env.GITHUB_REPOSITORY || !process.env.GITHUB_RUN_ID) return undefined
  // Loaded only here: @actions/github pulls in Octokit, which nothing else needs.
  const { context } = await import('@actions/github')
  const { owner, repo } = context.repo
  return `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`
}
