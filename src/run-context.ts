// The run's context as the toolkit reads it: @actions/github's Context (the server URL, the
// repository, the run ID, the event payload), from the runner's variables and the event file
// (GITHUB_EVENT_PATH), the way other actions read them, once a run (onceRunContext, made in
// main.ts): read.ts takes the repository's visibility from its payload, main.ts deliver-once's
// link and attempt, publish.ts the summary's link.
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

/**
 * The run's context, read at most once: on the first call, by whoever needs it first (the
 * repository's visibility, deliver-once's note, the summary's link), then the same for all. A run
 * that needs none of them never reads the event file.
 */
export function onceRunContext(read: () => RunContext = readRunContext): () => RunContext {
  let read_: RunContext | undefined
  return () => (read_ ??= read())
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
