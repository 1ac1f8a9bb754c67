// The certificate-file walk on @actions/glob, and where it runs. certificate-file.ts turns the
// input's lines into PatternJobs (absolute patterns, the workspace's glob characters escaped) and
// judges what each came to; here each job is matched by @actions/glob (followSymbolicLinks, cycles
// detected; implicitDescendants off; directories reported apart from files, never descended for
// their content), a hidden name kept only where the pattern spells it (minimatch, the library's own
// matcher, with dot: false), at most `limit` files a pattern.
//
// @actions/glob cannot be bounded or stopped from outside: its globGenerator() takes no signal and
// counts nothing, and one next() waits until the next match or the end of the tree
// (__tests__/integration/library-limits.glob.test.ts). So the action runs the walk in a worker
// thread (walk-worker.ts's inWorker), which certificate-file.ts terminates when the run is
// cancelled or its bound in time passes. inThread runs the same walk in this thread: for tests,
// which run the sources (a worker cannot load TypeScript); it cannot be stopped, only no longer
// waited for. @actions/glob
// and minimatch are imported only when a walk runs (their own chunk in dist/), so a step without
// certificate-file never loads them.
import { stat } from 'node:fs/promises'

/** One pattern to match: absolute, with the exclusions that follow it (absolute, without `!`). */
export interface PatternJob {
  include: string
  exclude: string[]
  /** Files it may match at most (MAX_MATCHES): past it, tooMany. */
  limit: number
}

/** What one pattern came to. */
export type PatternWalk =
  /** The files it matched (absolute, sorted), none when it matched nothing. */
  | { files: string[] }
  /** More files than its limit. */
  | { tooMany: true }
  /** No file, but this directory (absolute): certificate-file reads no directory's content. */
  | { directory: string }
  /** Files, every one of them excluded by the exclusions that follow it. */
  | { excludedAll: true }
  /** A path the walk had to read could not be (EACCES on a directory, …). */
  | { unreadable: { code: string; path: string } }
  /** @actions/glob refused the pattern (a `.` or `..` spelled as a class, `[.]`), saying why. */
  | { refused: string }

/** A walk under way. */
export interface WalkHandle {
  /** Settles once every pattern has its result; rejects when the walk failed unexpectedly. */
  done: Promise<void>
  /** Ends the walk where it is (a worker is terminated; in this thread, nothing can be). */
  stop(): Promise<void>
}

/** Walks the jobs in order, handing each one's result to `each` as soon as it is known. */
export type Walker = (jobs: PatternJob[], each: (walk: PatternWalk) => void) => WalkHandle

/** @actions/glob's options: the toolkit's defaults, but no implicit descendants (see header). */
const GLOB_OPTIONS = {
  followSymbolicLinks: true,
  implicitDescendants: false,
  matchDirectories: true,
  omitBrokenSymbolicLinks: true,
  excludeHiddenFiles: false
}

/** One pattern's matches, with the given exclusions. */
async function matchesOf(lines: string[], job: PatternJob): Promise<PatternWalk> {
  const [{ create }, { Minimatch }] = await Promise.all([
    import('@actions/glob'),
    import('minimatch')
  ])
  const windows = process.platform === 'win32'
  // The options @actions/glob gives minimatch, but dot: a hidden name only where the pattern
  // spells its dot, as `*`, `?`, `[...]` and `**` have always treated one here. (No nocomment or
  // nonegate: an absolute pattern starts with neither `#` nor `!`.)
  const shown = new Minimatch(windows ? job.include.replace(/\\/g, '/') : job.include, {
    dot: false,
    nobrace: true,
    nocase: windows,
    noext: true
  })
  const globber = await create(lines.join('\n'), GLOB_OPTIONS)
  const files: string[] = []
  let directory: string | undefined
  for await (const path of globber.globGenerator()) {
    if (!shown.match(path)) continue
    const stats = await stat(path).catch(() => undefined)
    if (stats === undefined) continue
    if (stats.isDirectory()) directory ??= path
    else files.push(path)
    if (files.length > job.limit) return { tooMany: true }
  }
  return files.length === 0 && directory !== undefined ? { directory } : { files: files.sort() }
}

/**
 * What one pattern came to: its files less those its exclusions match; when they leave none of
 * several, excludedAll (found by a second walk without them, only then).
 */
export async function walkPattern(job: PatternJob): Promise<PatternWalk> {
  try {
    const excluding = job.exclude.map(pattern => `!${pattern}`)
    const walk = await matchesOf([job.include, ...excluding], job)
    if (!('files' in walk) || walk.files.length > 0 || excluding.length === 0) return walk
    const unexcluded = await matchesOf([job.include], job)
    return 'tooMany' in unexcluded || ('files' in unexcluded && unexcluded.files.length > 0)
      ? { excludedAll: true }
      : walk
  } catch (error) {
    const { code, path, message } = error as NodeJS.ErrnoException
    if (code === 'ERR_ASSERTION') return { refused: message }
    if (code === undefined || path === undefined) throw error
    return { unreadable: { code, path } }
  }
}

/** The walk in this thread: for tests. It cannot be stopped; stop() only says so to no one. */
export const inThread: Walker = (jobs, each) => ({
  done: (async () => {
    for (const job of jobs) each(await walkPattern(job))
  })(),
  stop: async () => {}
})
