// The coverage badge in README.md, from coverage/coverage-summary.json (written by npm test).
//   node script/coverage-badge.js            rewrite the badge in README.md
//   node script/coverage-badge.js --check    change nothing; fail when the badge differs (CI)
//   node script/coverage-badge.js --summary  print a Markdown table for a job summary
// The badge shows whole percents rounded down, and --check lets each figure differ by one point:
// V8's figures wobble between runs (timing-dependent lines and branches of the integration tests:
// a fresh clone measured lines 99.94 % where another run measured 100 %), and the check must not.
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The command that brings the badge up to date, named by every failure. */
export const FIX = 'npm test && node script/coverage-badge.js'

/** Where the badge sits in README.md. */
const BADGE = /!\[coverage[^\]]*\]\([^)]*\)/

/**
 * @typedef {object} Totals  coverage-summary.json's `total`, the figures the badge uses
 * @property {{ pct: number }} lines
 * @property {{ pct: number }} branches
 * @property {{ pct: number }} functions
 * @property {{ pct: number }} statements
 */

/**
 * The totals of a coverage-summary.json's text; throws naming what is missing.
 * @param {string} text
 * @returns {Totals}
 */
export function totalsOf(text) {
  const total = /** @type {{ total?: Record<string, { pct?: unknown }> }} */ (JSON.parse(text))
    .total
  for (const name of ['lines', 'branches', 'functions', 'statements']) {
    if (typeof total?.[name]?.pct !== 'number')
      throw new Error(`coverage-summary.json has no total ${name} percentage: run npm test first`)
  }
  return /** @type {Totals} */ (/** @type {unknown} */ (total))
}

/**
 * The badge's Markdown for these totals: lines and branches in whole percents rounded down, green
 * from 90 %, yellow from 80 %, else red.
 * @param {Totals} totals
 * @returns {string}
 */
export function badge({ lines, branches }) {
  const line = Math.floor(lines.pct)
  const branch = Math.floor(branches.pct)
  const lowest = Math.min(line, branch)
  const colour = lowest >= 90 ? 'brightgreen' : lowest >= 80 ? 'yellow' : 'red'
  return `![coverage: lines ${line} %, branches ${branch} %](https://img.shields.io/badge/coverage-lines_${line}%25_%7C_branches_${branch}%25-${colour})`
}

/**
 * The badge README.md carries, or undefined when it has none.
 * @param {string} readme
 * @returns {string | undefined}
 */
export function badgeIn(readme) {
  return BADGE.exec(readme)?.[0]
}

/** How far a figure the badge shows may be from the measured one, in whole percents. */
export const WOBBLE = 1

/**
 * What --check says: undefined when README.md's badge shows lines and branches within WOBBLE of
 * `wanted`'s, else the failure naming both badges and the command that fixes it.
 * @param {{ readme: string, wanted: string }} state
 * @returns {string | undefined}
 */
export function checkProblem({ readme, wanted }) {
  const shown = badgeIn(readme)
  if (shown === undefined) return 'coverage-badge: README.md has no coverage badge'
  const [have, want] = [figures(shown), figures(wanted)]
  const close =
    have !== undefined &&
    want !== undefined &&
    Math.abs(have.lines - want.lines) <= WOBBLE &&
    Math.abs(have.branches - want.branches) <= WOBBLE
  if (close) return undefined
  return `coverage-badge: README.md's coverage badge is stale: it shows ${shown}, measured ${wanted}; run ${FIX} and commit README.md`
}

/**
 * The whole percents a badge shows, or undefined when it is not one of ours.
 * @param {string} shown
 * @returns {{ lines: number, branches: number } | undefined}
 */
function figures(shown) {
  const match = /^!\[coverage: lines (\d+) %, branches (\d+) %\]/.exec(shown)
  return match ? { lines: Number(match[1]), branches: Number(match[2]) } : undefined
}

/**
 * A Markdown table of the four figures as measured, for a job summary.
 * @param {Totals} totals
 * @returns {string}
 */
export function summaryTable({ lines, branches, functions, statements }) {
  return [
    '### Coverage of src/\n',
    '| lines | branches | functions | statements |\n|---|---|---|---|',
    `| ${lines.pct} % | ${branches.pct} % | ${functions.pct} % | ${statements.pct} % |`
  ].join('\n')
}

function main() {
  const args = process.argv.slice(2)
  if (args.length > 1 || args.some(arg => arg !== '--check' && arg !== '--summary')) {
    console.error('usage: node script/coverage-badge.js [--check | --summary]')
    process.exit(2)
  }
  const totals = totalsOf(readFileSync('coverage/coverage-summary.json', 'utf8'))
  if (args[0] === '--summary') {
    console.log(summaryTable(totals))
    return
  }
  const readme = readFileSync('README.md', 'utf8')
  const wanted = badge(totals)
  if (args[0] === '--check') {
    const problem = checkProblem({ readme, wanted })
    if (problem) {
      console.error(problem)
      process.exit(1)
    }
    console.log(`coverage-badge: README.md shows ${badgeIn(readme)}, measured ${wanted}`)
    return
  }
  const shown = badgeIn(readme)
  if (shown === undefined) throw new Error('README.md has no coverage badge to update')
  writeFileSync('README.md', readme.replace(shown, wanted))
  console.log(wanted)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main()
  } catch (error) {
    console.error(`coverage-badge: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
