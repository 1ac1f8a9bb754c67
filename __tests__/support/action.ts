// What the tests read from an ActionRun (the bundled action run as the runner runs it): its
// `results` output, entry by entry, and the size the outputs and summary are held under.
import type { ResultEntry } from '../../src/report/results.js'
import type { ActionRun } from '../../standin/run-action.js'

/** One entry of the `results` output. */
export type Result = ResultEntry

/** A mebibyte: the runner's limit on an output or the step summary is 1 MiB. */
export const MIB = 1024 * 1024

/** The run's `results` output, parsed (null when the output is missing). */
export const resultsOf = (run: ActionRun): Result[] => JSON.parse(run.outputs.results ?? 'null')
