// Reads coverage/coverage-summary.json (written by npm test) and either rewrites the coverage
// badge in README.md (default) or prints a Markdown table for a job summary (--summary).
import { readFileSync, writeFileSync } from 'node:fs'

/** @type {{ total: Record<string, { pct: number }> }} */
const summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'))
const { lines, branches, functions, statements } = summary.total
if (!lines || !branches || !functions || !statements)
  throw new Error('coverage-summary.json has no totals')

if (process.argv.includes('--summary')) {
  console.log('### Coverage of src/\n')
  console.log('| lines | branches | functions | statements |\n|---|---|---|---|')
  console.log(`| ${lines.pct} % | ${branches.pct} % | ${functions.pct} % | ${statements.pct} % |`)
} else {
  const pct = Math.min(lines.pct, branches.pct)
  const colour = pct >= 90 ? 'brightgreen' : pct >= 80 ? 'yellow' : 'red'
  const badge = `![coverage: lines ${lines.pct} %, branches ${branches.pct} %](https://img.shields.io/badge/coverage-lines_${lines.pct}%25_%7C_branches_${branches.pct}%25-${colour})`
  const readme = readFileSync('README.md', 'utf8')
  const updated = readme.replace(/!\[coverage[^\]]*\]\([^)]*\)/, badge)
  if (updated === readme && !readme.includes(badge))
    throw new Error('README.md has no coverage badge to update')
  writeFileSync('README.md', updated)
  console.log(badge)
}
