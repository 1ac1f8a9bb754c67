// After `npm run mutate`: the score per file of src/ and every mutant left alive, from Stryker's
// JSON report (reports/mutation/mutation.json), as docs/mutation-survivors.md lists them.
//   node script/mutation-summary.js [report.json]
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'))
const undetected = ['Survived', 'NoCoverage']
/** @typedef {{ file: string, detected: number, survived: number, noCoverage: number }} Row */
/** @type {Row[]} */
const rows = []
const alive = []
const total = { detected: 0, survived: 0, noCoverage: 0 }
for (const [file, { mutants }] of Object.entries(report.files).sort()) {
  const count = (/** @type {string} */ status) =>
    mutants.filter((/** @type {any} */ m) => m.status === status).length
  const row = {
    file,
    detected: count('Killed') + count('Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage')
  }
  total.detected += row.detected
  total.survived += row.survived
  total.noCoverage += row.noCoverage
  rows.push(row)
  for (const m of mutants.filter((/** @type {any} */ m) => undetected.includes(m.status))) {
    alive.push(
      `${file}:${m.location.start.line}  ${m.status}  ${m.mutatorName}  ${JSON.stringify(m.replacement ?? '')}`
    )
  }
}
const score = (/** @type {Row} */ r) =>
  (100 * r.detected) / (r.detected + r.survived + r.noCoverage)
const covered = (/** @type {Row} */ r) => (100 * r.detected) / (r.detected + r.survived)
console.log('file                 score  covered  detected  survived  no coverage')
for (const r of [...rows, { file: 'all', ...total }]) {
  console.log(
    `${r.file.padEnd(20)} ${score(r).toFixed(2).padStart(6)} ${covered(r).toFixed(2).padStart(8)} ` +
      `${String(r.detected).padStart(9)} ${String(r.survived).padStart(9)} ${String(r.noCoverage).padStart(12)}`
  )
}
console.log(`\n${alive.length} mutants alive:`)
for (const line of alive) console.log(line)
