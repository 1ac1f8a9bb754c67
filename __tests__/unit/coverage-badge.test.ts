// script/coverage-badge.js: the badge shows whole percents rounded down (so the CI check is stable
// while V8's figures wobble by hundredths), and --check names both badges and the command to run.
import { describe, expect, it } from 'vitest'
import {
  FIX,
  badge,
  badgeIn,
  WOBBLE,
  checkProblem,
  summaryTable,
  totalsOf
} from '../../script/coverage-badge.js'

const totals = (lines: number, branches: number, functions = 100, statements = 100) => ({
  lines: { pct: lines },
  branches: { pct: branches },
  functions: { pct: functions },
  statements: { pct: statements }
})

describe('badge', () => {
  it('shows lines and branches in whole percents rounded down', () => {
    expect(badge(totals(99.99, 98.43))).toBe(
      '![coverage: lines 99 %, branches 98 %](https://img.shields.io/badge/coverage-lines_99%25_%7C_branches_98%25-brightgreen)'
    )
    expect(badge(totals(100, 98.01))).toBe(badge(totals(100, 98.99)))
  })

  it('is green from 90 %, yellow from 80 %, else red, by the lower figure', () => {
    expect(badge(totals(90, 95))).toMatch(/-brightgreen\)$/)
    expect(badge(totals(95, 89.9))).toMatch(/-yellow\)$/)
    expect(badge(totals(80, 99))).toMatch(/-yellow\)$/)
    expect(badge(totals(99, 79.99))).toMatch(/-red\)$/)
  })
})

describe('--check', () => {
  const wanted = badge(totals(100, 98.4))
  const readme = (shown: string) => `# Title\n\n${shown}\n\nText.\n`

  it('passes when README shows the measured badge', () => {
    expect(checkProblem({ readme: readme(wanted), wanted })).toBeUndefined()
  })

  it('fails on a stale badge, naming both and the command that fixes it', () => {
    const stale = badge(totals(99.56, 94.19))
    expect(checkProblem({ readme: readme(stale), wanted })).toBe(
      `coverage-badge: README.md's coverage badge is stale: it shows ${stale}, measured ${wanted}; run npm test && node script/coverage-badge.js and commit README.md`
    )
    expect(FIX).toBe('npm test && node script/coverage-badge.js')
  })

  it('lets each figure wobble by one point, no more (V8 measured lines 100 % and 99.94 % in two runs)', () => {
    expect(WOBBLE).toBe(1)
    for (const measured of [totals(99.94, 98.4), totals(100, 97.2), totals(100, 99.99)])
      expect(checkProblem({ readme: readme(wanted), wanted: badge(measured) })).toBeUndefined()
    for (const measured of [totals(98.99, 98.4), totals(100, 96.9)])
      expect(checkProblem({ readme: readme(wanted), wanted: badge(measured) })).toMatch(/is stale/)
    const foreign = '![coverage: 100 %](https://x/b.svg)'
    expect(checkProblem({ readme: readme(foreign), wanted })).toMatch(/is stale/)
  })

  it('fails when README has no badge', () => {
    expect(checkProblem({ readme: '# Title\n', wanted })).toBe(
      'coverage-badge: README.md has no coverage badge'
    )
  })

  it('finds the badge and nothing else', () => {
    expect(badgeIn(readme(wanted))).toBe(wanted)
    expect(badgeIn('![CI](https://x/ci.svg) text')).toBeUndefined()
  })
})

describe('coverage-summary.json', () => {
  it('reads the four totals', () => {
    expect(totalsOf(JSON.stringify({ total: totals(1, 2, 3, 4) }))).toEqual(totals(1, 2, 3, 4))
  })

  it('names a missing total', () => {
    const { lines, functions, statements } = totals(1, 2)
    expect(() => totalsOf(JSON.stringify({ total: { lines, functions, statements } }))).toThrow(
      'coverage-summary.json has no total branches percentage: run npm test first'
    )
    expect(() => totalsOf('{}')).toThrow('no total lines percentage')
  })

  it('prints the measured figures, unrounded, for the job summary', () => {
    expect(summaryTable(totals(99.56, 94.19, 100, 99.5))).toBe(
      '### Coverage of src/\n\n| lines | branches | functions | statements |\n|---|---|---|---|\n| 99.56 % | 94.19 % | 100 % | 99.5 % |'
    )
  })
})
