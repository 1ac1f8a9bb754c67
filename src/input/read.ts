// The one place that reads the runner's environment for the step's inputs: every input of
// action.yml (the key first, masked), the names of the INPUT_ variables, the workspace and
// certificate-file's files under it, and the repository's visibility for summary-details (from
// @actions/github's context, run-context.ts). All of it
// is read before the plan, which gets it as values (plan.ts's parsePlan stays pure).
import * as core from '@actions/core'
import { ACTION_INPUTS, type InputName } from '../action-metadata.js'
import { readCertificateFiles, type FileReading, type ReadOptions } from './certificate-file.js'
import { certificateFilePatterns, withDefaults, type RawInputs } from './plan.js'
import { ioReason } from '../sanitize.js'
import {
  givenSummaryDetails,
  repositoryVisibility,
  type Privacy,
  type Visibility
} from './summary-details.js'
import { readRunContext, type RunContext } from '../run-context.js'

/** Each non-blank line of a secret, trimmed and as given: setSecret masks one line. */
export function secretLines(value: string): string[] {
  const lines = new Set<string>()
  for (const line of value.split(/\r?\n|\r/)) {
    const trimmed = line.trim()
    // A line without surrounding whitespace is its trimmed self: the set keeps it once.
    if (trimmed !== '') lines.add(trimmed).add(line)
  }
  return [...lines]
}

/** Reads every input of action.yml, the key first and masked before anything can be logged. */
export function readInputs(): RawInputs {
  const given = core.getInput('api-key', { trimWhitespace: false })
  // Whitespace only counts as empty: the environment variable is used then.
  const apiKey = given.trim() !== '' ? given : (process.env.DIGICERT_API_KEY ?? '')
  for (const line of secretLines(apiKey)) core.setSecret(line)
  const raw: Partial<Record<InputName, string>> = { 'api-key': apiKey }
  for (const name of Object.keys(ACTION_INPUTS) as InputName[]) {
    if (name !== 'api-key') raw[name] = core.getInput(name, { trimWhitespace: false })
  }
  return withDefaults(raw)
}

/** The names of the INPUT_ variables in the step's environment, never their values. */
export function inputVariableNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env).filter(name => name.startsWith('INPUT_'))
}

/**
 * certificate-file's files, read before the plan (parsePlan stays pure and synchronous), the walk
 * run by `how.walker` (the action's: a worker thread; in this thread unless given), bounded in
 * time on `how.clock` and cancelled by `signal`; none when certificate-file is not given.
 */
export async function certificateFiles(
  inputs: RawInputs,
  signal: AbortSignal,
  how: Pick<ReadOptions, 'walker' | 'clock'> = {}
): Promise<FileReading[]> {
  const patterns = certificateFilePatterns(inputs)
  if (patterns.length === 0) return []
  const base = workspace()
  core.debug(`certificate-file: matching the patterns under ${base}`)
  return readCertificateFiles(patterns, base, { ...how, signal })
}

/** Where relative certificate-file patterns start: GITHUB_WORKSPACE, else the working directory. */
export function workspace(): string {
  const given = process.env.GITHUB_WORKSPACE ?? ''
  return given.trim() === '' ? process.cwd() : given
}

/**
 * summary-details as given (givenSummaryDetails: an invalid value counts as counts), and the
 * repository's visibility when it is auto, with the event file's warning: the event file is read
 * for nothing else. Known before the plan, so that input problems show recipients as the summary
 * would.
 */
export function detailsContext(
  given: string,
  runContext: () => RunContext = readRunContext
): Privacy & { warnings: string[] } {
  const summaryDetails = givenSummaryDetails(given)
  const { visibility, warnings } =
    summaryDetails === 'auto'
      ? eventVisibility(runContext())
      : { visibility: 'unknown' as const, warnings: [] }
  return { summaryDetails, visibility, warnings }
}

/**
 * The repository's visibility from the run's event payload (@actions/github's context): unknown,
 * without a word, when the runner names no event file; unknown with one warning when it cannot be
 * read or parsed. Nothing else depends on the file: the run's link is built from the runner's
 * variables.
 */
export function eventVisibility({ context, eventProblem }: RunContext): {
  visibility: Visibility
  warnings: string[]
} {
  if (eventProblem === undefined)
    return { visibility: repositoryVisibility(context.payload), warnings: [] }
  return {
    visibility: 'unknown',
    warnings: [
      `the event file (GITHUB_EVENT_PATH) could not be read (${ioReason(eventProblem)}): the repository is taken as public, so the job summary shows recipients and the message by count (summary-details: full shows them)`
    ]
  }
}
