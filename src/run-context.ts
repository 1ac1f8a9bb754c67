// The run's context as the toolkit reads it: @actions/github's Context (the server URL, the
// repository, the run ID, the event payload), from the runner's variables and the event file
// (GITHUB_EVENT_PATH), the way other actions read them. read.ts takes the repository's visibility
// from its payload, publish.ts the run's link from the rest.
//
// Only the Context class is loaded, by its file: the package's one entry point (its `exports` name
// no other that holds the class) also loads Octokit and undici and reads the event file as it is
// imported, which costs start-up (docs/performance.md) and would crash the action on a broken
// event file before it could warn.
import { statSync } from 'node:fs'
import { Context } from '../node_modules/@actions/github/lib/context.js'

export { Context }

/** The run's context, and why its event file could not be read (then the context without it). */
export interface RunContext {
  context: Context
  /** Why the event file named by GITHUB_EVENT_PATH could not be read or parsed; else undefined. */
  eventProblem?: unknown
}

/**
 * The run's context from this process's environment. An event file that is missing, unreadable or
 * not JSON gives the context without a payload and the reason (Context itself would throw, or
 * print a line for a missing file and go on): the run's link never depends on the event file.
 */
export function readRunContext(): RunContext {
  const path = process.env.GITHUB_EVENT_PATH
  try {
    if (path) statSync(path)
    return { context: new Context() }
  } catch (eventProblem) {
    return { context: withoutEventFile(), eventProblem }
  }
}

/** The context as if the runner named no event file (GITHUB_EVENT_PATH hidden while it is read). */
function withoutEventFile(): Context {
  const path = process.env.GITHUB_EVENT_PATH
  delete process.env.GITHUB_EVENT_PATH
  try {
    return new Context()
  } finally {
    process.env.GITHUB_EVENT_PATH = path
  }
}
