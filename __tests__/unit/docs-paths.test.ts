// The docs name files that exist: every src/… and __tests__/… path in README.md, CONTRIBUTING.md
// and docs/*.md (and every standin/…, script/… and docs/… one), and every test path they write
// short (unit/…, integration/…, e2e/…, support/…, under __tests__/), is a file or folder of the
// repository; a path with `*` matches at least one file. CHANGELOG.md keeps the names of its day
// and is not read. A doc that carries the marker MEASURED_BEFORE names the files as they were when
// its figures were measured (docs/mutation-survivors.md, until Stryker runs again after the
// reorganisation into folders) and is left out while it carries it.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
/** A doc whose paths are those of its measurement, not of today's tree. */
const MEASURED_BEFORE = '<!-- docs-paths: measured before the reorganisation into folders -->'

const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name}`)
]

/** A path as the docs write it: from the repository's root, or short below __tests__/. */
const PATH =
  /(?<![\w./-])(?:src|__tests__|standin|script|docs|unit|integration|e2e|support)\/[\w.*/-]*/g
/** The folders a path from the root starts with; any other is short, below __tests__/. */
const ROOTED = /^(?:src|__tests__|standin|script|docs)\//

/** The paths a doc names, as written (a sentence's full stop or comma after one left off). */
function pathsIn(text: string): string[] {
  return [...new Set([...text.matchAll(PATH)].map(([path]) => path.replace(/[.,]+$/, '')))]
}

/** Every file below `dir`, relative to the root. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(ROOT, join(entry.parentPath, entry.name)))
}

const FILES = ['src', '__tests__', 'standin', 'script', 'docs'].flatMap(filesUnder)

/** Whether a path as the docs write it names a file or folder (or, with `*`, some files). */
function exists(written: string): boolean {
  const path = ROOTED.test(written) ? written : `__tests__/${written}`
  if (!path.includes('*')) return existsSync(join(ROOT, path))
  const pattern = path
    .split(/(\*\*\/|\*)/)
    .map(part =>
      part === '**/'
        ? '(?:.*/)?'
        : part === '*'
          ? '[^/]*'
          : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    )
    .join('')
  return FILES.some(file => new RegExp(`^${pattern}$`).test(file))
}

describe('pathsIn', () => {
  it('reads paths from the root and short test paths, as written', () => {
    expect(
      pathsIn(
        '`src/run/retry.ts`, in src/main.ts. `unit/report/*.test.ts` and `e2e/faults.test.ts`;' +
          ' `__tests__/support/`, but not lib/src/x.ts, a/unit/b or https://x/src/y.ts'
      )
    ).toEqual([
      'src/run/retry.ts',
      'src/main.ts',
      'unit/report/*.test.ts',
      'e2e/faults.test.ts',
      '__tests__/support/'
    ])
  })

  it('tells a missing file from a present one, a glob by what it matches', () => {
    expect(['src/run/retry.ts', 'src/run/', 'unit/run/retry.test.ts'].every(exists)).toBe(true)
    expect(
      ['unit/report/*.test.ts', '__tests__/unit/**/retry.test.ts', 'docs/*.md'].every(exists)
    ).toBe(true)
    expect(['src/decisions.ts', 'unit/decisions.test.ts', 'unit/nowhere/*.ts'].some(exists)).toBe(
      false
    )
  })
})

describe('the paths the docs name', () => {
  const read = DOCS.map(doc => ({ doc, text: readFileSync(join(ROOT, doc), 'utf8') }))

  it.each(read.filter(({ text }) => !text.includes(MEASURED_BEFORE)))(
    '$doc names only paths that exist',
    ({ text }) => {
      expect(pathsIn(text).filter(path => !exists(path))).toEqual([])
    }
  )

  it('reads README.md, CONTRIBUTING.md and the docs, and finds the paths they name', () => {
    expect(DOCS).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/architecture.md'])
    )
    const architecture = read.find(({ doc }) => doc === 'docs/architecture.md')?.text ?? ''
    expect(pathsIn(architecture).length).toBeGreaterThan(20)
  })
})
