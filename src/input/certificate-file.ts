// Certificate files: the `certificate-file` input's lines matched against the file system with
// @actions/glob (glob-walk.ts: `*`, `?`, `[...]`, `**`; `!` exclusions on lines of their own), and
// each file read (at most MAX_FILE_BYTES) with node:crypto's X509Certificate into plain facts:
// serial, SHA-1 thumbprint, common name (read from the DER, der.ts), validity. Here: the lines as
// jobs (patternJobs: relative ones under the workspace, its glob characters escaped, escapeGlob;
// each pattern with the exclusions after it), the walk within its bounds (MAX_MATCHES files a
// pattern; MATCH_BOUND_MS for all patterns together, past which the walk is stopped; stopped at
// once when the run is cancelled, MatchingCancelled), what each pattern came to (walkProblem), and
// the reading. The walk runs where it can be stopped (a worker thread, walk-worker.ts's inWorker)
// because @actions/glob takes no signal and counts nothing. The I/O lives here, called by read.ts
// before the plan: parsePlan receives the readings through its Environment and stays pure. No
// file's content is ever returned, logged or put in a message.
import { X509Certificate } from 'node:crypto'
import { open, realpath } from 'node:fs/promises'
import nativePath, { isAbsolute, relative, sep, type PlatformPath } from 'node:path'
import { realClock, type Clock } from '../clock.js'
import { commonNameOf } from './der.js'
import { inThread, type PatternJob, type PatternWalk, type Walker } from './glob-walk.js'
import { CONTROL, codePointName, quote } from './parse.js'
import { FORMAT_CHARACTERS } from '../sanitize.js'

/** A file is read up to this size; a larger one is not a certificate file. */
export const MAX_FILE_BYTES = 1024 * 1024
/** Files one pattern may match at most: more is an input problem (a `**` over a large tree). */
export const MAX_MATCHES = 1000
/**
 * How long the patterns of one step may take to match together: past it, the walk is stopped and
 * each pattern not yet matched is an input problem. A tree of 100,000 entries takes @actions/glob
 * 10 to 17 s on a loaded 2-core runner (docs/performance.md): a minute is several times what a
 * pattern over a workspace needs, and a pattern that needs more walks far more than certificates.
 */
export const MATCH_BOUND_MS = 60_000

/** What a certificate file holds, as the plan and the report use it. */
export interface CertificateFacts {
  /** Upper-case hex, no separators. */
  serialNumber: string
  /** SHA-1, 40 upper-case hex digits. */
  thumbprint: string
  commonName: string | undefined
  /** ISO 8601. */
  validFrom: string
  validTo: string
}

/**
 * One file read, or one pattern or file that could not be: `path` is the entry's ID (relative to
 * the workspace when inside it), or the pattern that matched nothing.
 */
export type FileReading =
  { path: string; facts: CertificateFacts } | { path: string; problem: string }

/** How to read: the walk's cancellation, where it runs, and its bounds. */
export interface ReadOptions {
  signal?: AbortSignal
  /** Where the walk runs: in this thread unless told (the action gives inWorker). */
  walker?: Walker
  /** The clock the bound in time is waited on. */
  clock?: Clock
  /** MATCH_BOUND_MS unless told. */
  boundMs?: number
  /** MAX_MATCHES unless told. */
  maxMatches?: number
}

/** The run was cancelled (SIGINT, SIGTERM) while the patterns were matched or the files read. */
export class MatchingCancelled extends Error {
  override readonly name = 'MatchingCancelled'
  constructor() {
    super('cancelled while matching certificate-file patterns: nothing was sent')
  }
}

// ---- Patterns ------------------------------------------------------------------------------------

/**
 * A path as a glob pattern that matches only itself, as @actions/glob escapes one: `*`, `?` and
 * `[` in a class of their own, a backslash doubled (but on Windows, where it separates).
 */
export function escapeGlob({ path, windows }: { path: string; windows: boolean }): string {
  return (windows ? path : path.replace(/\\/g, '\\\\'))
    .replace(/\[/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
}

/** A pattern as @actions/glob takes it: absolute; a relative one under the (escaped) workspace. */
export function absolutePattern({
  pattern,
  workspace,
  path = nativePath
}: {
  pattern: string
  workspace: string
  path?: PlatformPath
}): string {
  // resolve() leaves an absolute pattern as it is (but `.`, `..` and doubled separators)
  const windows = path.sep === '\\'
  return path.resolve(escapeGlob({ path: workspace, windows }), pattern)
}

/** A line of certificate-file: a pattern to match, or a problem of the line (a reading). */
export type PatternLine = { pattern: string; job: PatternJob } | { path: string; problem: string }

/**
 * certificate-file's lines as jobs, in order: a line starting with `!` excludes what it matches
 * from the patterns above it; one with no pattern after the `!`, or above every pattern, is a
 * problem of its own.
 */
export function patternJobs({
  lines,
  workspace,
  maxMatches = MAX_MATCHES
}: {
  lines: string[]
  workspace: string
  maxMatches?: number
}): PatternLine[] {
  const result: PatternLine[] = []
  const jobs: PatternJob[] = []
  for (const line of lines) {
    if (!line.startsWith('!')) {
      const job = {
        include: absolutePattern({ pattern: line, workspace }),
        exclude: [],
        limit: maxMatches
      }
      jobs.push(job)
      result.push({ pattern: line, job })
      continue
    }
    const excluded = line.slice(1).trim()
    const problem =
      excluded === ''
        ? 'is an exclusion without a pattern: write the pattern after the !, e.g. !certs/**/chain.pem'
        : jobs.length === 0
          ? 'excludes nothing: an exclusion applies to the patterns above it; put it after them'
          : undefined
    if (problem !== undefined) result.push({ path: line, problem })
    else for (const job of jobs) job.exclude.push(absolutePattern({ pattern: excluded, workspace }))
  }
  return result
}

/** What a pattern came to, or the bound in time (ms) that passed before it was matched. */
export type PatternOutcome = PatternWalk | { outOfTimeMs: number }

/**
 * The problem of a pattern by what it came to, or undefined when it matched files: nothing, too
 * many, only a directory, nothing its exclusions left, refused by @actions/glob, a path it could
 * not read, out of time.
 */
export function walkProblem({
  pattern,
  outcome,
  workspace,
  maxMatches = MAX_MATCHES
}: {
  pattern: string
  outcome: PatternOutcome
  workspace: string
  maxMatches?: number
}): string | undefined {
  if ('files' in outcome)
    return outcome.files.length === 0 ? noMatch(pattern, workspace) : undefined
  if ('tooMany' in outcome) return `matches more than ${maxMatches} files; narrow the pattern`
  if ('directory' in outcome) {
    const example = quote(`${pattern.replace(/[\\/]+$/, '')}/*.pem`)
    return `matches a directory (${quote(displayPath(outcome.directory, workspace))}), not a file: certificate-file reads no directory whole; name the files in it, e.g. ${example}`
  }
  if ('excludedAll' in outcome)
    return 'matches files, but the exclusions below it (lines starting with !) remove all of them; check the exclusions'
  if ('refused' in outcome) return `is not a pattern @actions/glob takes (${outcome.refused})`
  if ('unreadable' in outcome) {
    const { code, path } = outcome.unreadable
    return `cannot be matched: ${quote(displayPath(path, workspace))} cannot be read (${code}); check its permissions, or give a pattern that leaves it out`
  }
  return `was not matched within ${outcome.outOfTimeMs / 1000} s (the bound on matching all the patterns of certificate-file together); narrow it, or start it in a deeper directory`
}

/**
 * Each job's outcome, the walk stopped once `boundMs` passes (the jobs not matched by then
 * outOfTimeMs) or `signal` aborts (MatchingCancelled); the walk is always stopped before this returns.
 */
async function walkWithin({
  jobs,
  walker,
  clock,
  boundMs,
  signal
}: {
  jobs: PatternJob[]
  walker: Walker
  clock: Clock
  boundMs: number
  signal: AbortSignal | undefined
}): Promise<PatternOutcome[]> {
  const walks: PatternWalk[] = []
  let listening = true
  const handle = walker(jobs, walk => {
    if (listening) walks.push(walk)
  })
  const waited = new AbortController()
  try {
    const halt = signal ? AbortSignal.any([signal, waited.signal]) : waited.signal
    await Promise.race([handle.done, clock.sleep(boundMs, halt)])
  } finally {
    listening = false
    waited.abort()
    await handle.stop()
  }
  if (signal?.aborted) throw new MatchingCancelled()
  return jobs.map((_, i) => walks[i] ?? { outOfTimeMs: boundMs })
}

// ---- Reading ------------------------------------------------------------------------------------

/** The first bytes of a file, at most max + 1 (so that a larger file shows it is larger). */
async function readHead(path: string, max: number): Promise<Buffer> {
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(max + 1)
    let length = 0
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      ({ bytesRead: n } = await file.read(buffer, length, buffer.length - length, null))
    return buffer.subarray(0, length)
  } finally {
    await file.close()
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g

/** The facts of one certificate; the common name as its DER holds it (der.ts). */
export function factsOf(certificate: X509Certificate): CertificateFacts {
  return {
    serialNumber: certificate.serialNumber.toUpperCase(),
    thumbprint: certificate.fingerprint.replace(/:/g, '').toUpperCase(),
    commonName: commonNameOf(certificate.raw),
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString()
  }
}

/**
 * What a file's bytes hold: the facts of its first non-CA certificate (PEM), or of a DER
 * certificate, or a problem saying what it holds instead. Never quotes the content.
 */
export function certificateIn(content: Buffer): CertificateFacts | string {
  const text = content.toString('latin1')
  if (!text.includes('-----BEGIN ')) {
    try {
      return factsOf(new X509Certificate(content))
    } catch {
      return 'holds no certificate (neither PEM nor DER)'
    }
  }
  const blocks = [...text.matchAll(PEM_BLOCK)]
  const certificates: X509Certificate[] = []
  for (const [block, label] of blocks) {
    if (label !== 'CERTIFICATE' && label !== 'TRUSTED CERTIFICATE') continue
    try {
      certificates.push(new X509Certificate(block))
    } catch {
      return 'holds a certificate block that cannot be read (a damaged PEM?)'
    }
  }
  const leaf = certificates.find(c => !c.ca)
  if (leaf) return factsOf(leaf)
  if (certificates.length) return 'holds only CA certificates, not the certificate issued to you'
  const labels = blocks.map(([, label]) => label as string)
  if (labels.some(label => label.endsWith('PRIVATE KEY')))
    return 'holds a private key, not a certificate'
  if (labels.some(label => label.includes('CERTIFICATE REQUEST')))
    return 'holds a certificate request (CSR), not a certificate'
  return 'holds no certificate'
}

/** A file as the entry's ID: relative to the workspace when inside it, else absolute. */
export function displayPath(file: string, workspace: string): string {
  const inside = relative(workspace, file)
  const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)
  return inside !== '' && !outside ? inside : file
}

const FORMAT_CHARACTER = new RegExp(FORMAT_CHARACTERS.source, 'u')

/**
 * Why a file's ID (its path as shown) cannot be an ID, if it cannot: a control character (a line
 * break would split the outputs and the log lines that echo them), an invisible format character,
 * a comma (certificate-file splits on it), or whitespace at either end (certificate-file trims it):
 * the ID could not be given back to certificate-file, or shown as it is.
 */
export function pathProblem(path: string): string | undefined {
  const control = CONTROL.exec(path)
  const format = FORMAT_CHARACTER.exec(path)
  const what = control
    ? `a control character (${codePointName(control[0])})`
    : format
      ? `an invisible format character (${codePointName(format[0])})`
      : path.includes(',')
        ? 'a comma (certificate-file splits on it)'
        : path.trim() !== path
          ? 'whitespace at an end (certificate-file trims it)'
          : undefined
  return what === undefined
    ? undefined
    : `has a name that holds ${what}, which an ID cannot hold; rename the file, or give a pattern that leaves it out`
}

/** What a pattern that matches nothing says: where a relative one was looked for. */
export function noMatch(pattern: string, workspace: string): string {
  return isAbsolute(pattern)
    ? 'matches no file'
    : `matches no file (relative to the workspace ${workspace})`
}

/**
 * Reads the certificate files certificate-file's lines name, each file once (by its real path), in
 * the order the patterns give them (each pattern's sorted). Patterns are relative to `workspace`
 * unless absolute. Rejects with MatchingCancelled once `options.signal` is aborted.
 */
export async function readCertificateFiles(
  lines: string[],
  workspace: string,
  options: ReadOptions = {}
): Promise<FileReading[]> {
  const { signal, walker = inThread, clock = realClock } = options
  const { boundMs = MATCH_BOUND_MS, maxMatches = MAX_MATCHES } = options
  if (signal?.aborted) throw new MatchingCancelled()
  const planned = patternJobs({ lines, workspace, maxMatches })
  const jobs = planned.flatMap(line => ('job' in line ? [line.job] : []))
  const outcomes = await walkWithin({ jobs, walker, clock, boundMs, signal })
  const readings: FileReading[] = []
  const seen = new Set<string>()
  // The outcomes are in the order of the jobs, which is that of the planned lines holding one.
  let walked = 0
  for (const line of planned) {
    if (!('job' in line)) {
      readings.push(line)
      continue
    }
    const outcome = outcomes[walked++] as PatternOutcome
    const problem = walkProblem({ pattern: line.pattern, outcome, workspace, maxMatches })
    if (problem !== undefined) readings.push({ path: line.pattern, problem })
    for (const file of 'files' in outcome ? outcome.files : []) {
      const real = await realPath(file)
      if (seen.has(real)) continue
      seen.add(real)
      if (signal?.aborted) throw new MatchingCancelled()
      readings.push(await readOne(file, workspace))
    }
  }
  return readings
}

async function realPath(file: string): Promise<string> {
  try {
    return await realpath(file)
  } catch {
    return file
  }
}

async function readOne(file: string, workspace: string): Promise<FileReading> {
  const path = displayPath(file, workspace)
  const unsafe = pathProblem(path)
  if (unsafe !== undefined) return { path, problem: unsafe }
  let content: Buffer
  try {
    content = await readHead(file, MAX_FILE_BYTES)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    return { path, problem: `cannot be read (${code}); check the path and its permissions` }
  }
  if (content.length > MAX_FILE_BYTES)
    return {
      path,
      problem: `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: not a certificate file`
    }
  const facts = certificateIn(content)
  return typeof facts === 'string' ? { path, problem: facts } : { path, facts }
}
