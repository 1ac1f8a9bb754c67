// What @actions/glob (0.7.0) does where a rule of the certificate-file walk says otherwise, and
// what the walk (src/input/certificate-file.ts, glob-walk.ts) does about it, on the same tree: it
// takes no signal and counts nothing, so the action walks in a worker thread that it terminates
// (proved on dist/ by __tests__/e2e/certificate-walk.test.ts); it matches hidden names, so the
// walk keeps only those the pattern spells (minimatch with dot: false). Each test asserts the
// library's CURRENT behaviour: it fails the day a new version keeps the rule, and its message then
// says what to simplify (issue 26). Temporary trees only; the library's file-system calls are
// counted with spies on node:fs's promises object (it calls fs.promises.readdir / stat / lstat),
// which pass every call through. Fast: about half a second in all.
import * as fs from 'node:fs'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import * as glob from '@actions/glob'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  MatchingCancelled,
  absolutePattern,
  readCertificateFiles
} from '../../src/input/certificate-file.js'
import { walkPattern, type Walker } from '../../src/input/glob-walk.js'
import { tempDir, type TempDir } from '../support/certificates.js'

/** The tree: DIRS directories of FILES_EACH files, none of them a match for PATTERN. */
const DIRS = 40
const FILES_EACH = 75
const PATTERN = '**/*.pem'

let tree: TempDir
const write = process.stdout.write.bind(process.stdout)
beforeAll(() => {
  // @actions/glob logs each option and search path with core.debug: keep those lines out.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith('::debug::') || write(chunk, ...rest)) as typeof process.stdout.write
  tree = tempDir()
  for (let d = 0; d < DIRS; d++) {
    fs.mkdirSync(join(tree.dir, `d${d}`))
    for (let f = 0; f < FILES_EACH; f++) fs.writeFileSync(join(tree.dir, `d${d}`, `f${f}.txt`), '')
  }
})
afterAll(() => {
  process.stdout.write = write
  tree.cleanup()
})
afterEach(() => vi.restoreAllMocks())

/** Counts the calls @actions/glob makes to read the file system, from now on. */
function countCalls(): { readdir: () => number; stats: () => number } {
  const readdir = vi.spyOn(fs.promises, 'readdir')
  const stat = vi.spyOn(fs.promises, 'stat')
  const lstat = vi.spyOn(fs.promises, 'lstat')
  return {
    readdir: () => readdir.mock.calls.length,
    stats: () => stat.mock.calls.length + lstat.mock.calls.length
  }
}

describe('@actions/glob against the rules of the certificate-file walk, and the walk on it', () => {
  it('takes no signal and counts nothing: one next(), and even return(), wait for the whole tree, where our walk is stopped', async () => {
    const cancelled = new AbortController()
    cancelled.abort()
    // @ts-expect-error GlobOptions has no signal in 0.7.0. Once this line type-checks, the option
    // exists: see whether it stops the walk, and whether the worker thread can go (issue 26).
    const globber = await glob.create(join(tree.dir, PATTERN), { signal: cancelled.signal })
    const calls = countCalls()
    const walking = globber.globGenerator()
    const first = walking.next()
    // A caller that stops at once: return() waits for the pending next(), which walks everything.
    const stopped = walking.return(undefined)
    expect(await first).toEqual({ done: true, value: undefined })
    await stopped
    vi.restoreAllMocks()
    expect(
      calls.readdir(),
      '@actions/glob now stops a walk it was told to stop: consider walking without the worker thread (walk-worker.ts, issue 26)'
    ).toBe(DIRS + 1)
    // one stat or lstat an entry, at least: the whole tree visited for nothing
    expect(calls.stats()).toBeGreaterThanOrEqual(DIRS * (FILES_EACH + 1))

    // Ours, on the same tree: cancelled, no walk is started; past its bound in time, the walk
    // is stopped (in the action, the worker terminated) and the pattern named.
    const cancelledCalls = countCalls()
    await expect(
      readCertificateFiles([PATTERN], tree.dir, { signal: cancelled.signal })
    ).rejects.toBeInstanceOf(MatchingCancelled)
    expect(cancelledCalls.readdir()).toBe(0)
    let ended = false
    const never: Walker = () => ({
      done: new Promise(() => {}),
      stop: async () => void (ended = true)
    })
    expect(await readCertificateFiles([PATTERN], tree.dir, { walker: never, boundMs: 50 })).toEqual(
      [{ path: PATTERN, problem: expect.stringMatching(/^was not matched within 0.05 s /) }]
    )
    expect(ended).toBe(true)
  })

  it('offers no option that bounds or stops a walk (a type-level pin: typecheck fails when one is added)', () => {
    type Known =
      | 'followSymbolicLinks'
      | 'implicitDescendants'
      | 'matchDirectories'
      | 'omitBrokenSymbolicLinks'
      | 'excludeHiddenFiles'
    // If GlobOptions gains an option, `npm run typecheck` fails here: see whether it bounds or
    // stops the walk, and whether the worker thread of walk-worker.ts can go (issue 26).
    const same: [keyof glob.GlobOptions] extends [Known]
      ? [Known] extends [keyof glob.GlobOptions]
        ? true
        : false
      : false = true
    expect(same).toBe(true)
  })

  it('ends a symbolic-link loop at once, following links or not, and so does our walk', async () => {
    const loop = tempDir()
    try {
      fs.mkdirSync(join(loop.dir, 'self'))
      for (let i = 0; i < 10; i++) symlinkSync('.', join(loop.dir, 'self', `l${i}`))
      const pattern = join(loop.dir, 'self/*/*/*/*/*/x')
      for (const followSymbolicLinks of [true, false]) {
        const calls = countCalls()
        const found = await (await glob.create(pattern, { followSymbolicLinks })).glob()
        vi.restoreAllMocks()
        expect(found).toEqual([])
        // self read once: its links not followed (false), or each found to be a cycle (true)
        expect(
          calls.readdir(),
          `@actions/glob (followSymbolicLinks: ${followSymbolicLinks}) now walks the loop: the walk needs a bound on loops of its own (issue 26)`
        ).toBe(1)
      }
      const calls = countCalls()
      expect(await walkPattern({ include: pattern, exclude: [], limit: 1000 })).toEqual({
        files: []
      })
      expect(calls.readdir()).toBe(1)
    } finally {
      loop.cleanup()
    }
  })

  it('matches hidden names by default, and with excludeHiddenFiles drops a hidden folder named in full, where our walk does neither', async () => {
    const hidden = tempDir()
    try {
      for (const name of ['c.pem', '.git/a.pem', '.certs/b.pem']) hidden.write(name, '')
      const globbed = async (pattern: string, options?: glob.GlobOptions): Promise<string[]> =>
        (await (await glob.create(join(hidden.dir, pattern), options)).glob())
          .map(file => file.slice(hidden.dir.length + 1))
          .sort()
      const ours = async (pattern: string): Promise<string[]> => {
        const include = absolutePattern({ pattern, workspace: hidden.dir })
        const matched = await walkPattern({ include, exclude: [], limit: 1000 })
        return 'files' in matched ? matched.files.map(f => f.slice(hidden.dir.length + 1)) : []
      }
      // ours: `**` does not descend hidden folders; a hidden folder named in full is read
      expect(await ours('**/*.pem')).toEqual(['c.pem'])
      expect(await ours('.certs/*.pem')).toEqual(['.certs/b.pem'])
      const message =
        '@actions/glob now treats hidden names as certificate-file does: drop the minimatch filter of glob-walk.ts (issue 26)'
      expect(await globbed('**/*.pem'), message).toEqual(['.certs/b.pem', '.git/a.pem', 'c.pem'])
      expect(await globbed('.certs/*.pem', { excludeHiddenFiles: true }), message).toEqual([])
    } finally {
      hidden.cleanup()
    }
  })
})
