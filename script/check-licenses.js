// node script/check-licenses.js [DIST]: every third-party package bundled into dist/ is under a
// licence on the allow-list below. Reads DIST/licenses.txt (which npm run bundle writes from the
// modules ncc bundled, and script/check-dist keeps fresh), and checks it names every package the
// bundle's own module comments name, so a package cannot be bundled without being checked.
//
// A licence is an SPDX expression: `A OR B` passes when either does, `A AND B` when both do.
// Anything else (a `WITH` exception, `SEE LICENSE IN ...`, UNKNOWN, a licence not listed) fails;
// add a licence to ALLOWED only after reading it.
import { readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseLicenses } from './licenses.js'

// BlueOak-1.0.0 (minimatch, which @actions/glob matches with; issue 26): permissive like MIT (every
// use, a patent grant, no warranty); its one rule, that a copy carries the licence's text or link,
// is what dist/licenses.txt does.
export const ALLOWED = [
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0'
]

/**
 * Whether an SPDX licence expression is satisfied by the allowed licences.
 * @param {string} expression
 * @param {readonly string[]} allowed
 * @returns {boolean}
 */
export function isAllowed(expression, allowed = ALLOWED) {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? []
  let at = 0
  /** @returns {boolean} */
  const or = () => {
    let ok = and()
    while (tokens[at] === 'OR') {
      at++
      ok = and() || ok
    }
    return ok
  }
  /** @returns {boolean} */
  const and = () => {
    let ok = term()
    while (tokens[at] === 'AND') {
      at++
      ok = term() && ok
    }
    return ok
  }
  /** @returns {boolean} */
  const term = () => {
    const token = tokens[at++]
    if (token === '(') {
      const ok = or()
      if (tokens[at++] !== ')') throw new SyntaxError('unbalanced parentheses')
      return ok
    }
    if (token === undefined || ['AND', 'OR', 'WITH', ')'].includes(token))
      throw new SyntaxError(`unexpected ${token ?? 'end'}`)
    if (tokens[at] === 'WITH') {
      at += 2
      return false
    }
    return allowed.includes(token)
  }
  try {
    const ok = or()
    return ok && at === tokens.length
  } catch {
    return false
  }
}

/**
 * The package directories (`node_modules/...`) the bundle's module comments name: webpack marks
 * each concatenated module and each module it imports from another chunk.
 * @param {string} dist
 */
export function packagesNamedInBundle(dist) {
  /** @type {Set<string>} */
  const dirs = new Set()
  for (const file of readdirSync(dist).filter(name => name.endsWith('.js'))) {
    const text = readFileSync(join(dist, file), 'utf8')
    for (const [, dir] of text.matchAll(
      /^;?\/\/ (?:CONCATENATED|EXTERNAL) MODULE: \.\/((?:\S*\/)?node_modules\/(?:@[^/\s]+\/)?[^/\s]+)\//gm
    ))
      dirs.add(/** @type {string} */ (dir))
  }
  return [...dirs].sort()
}

/**
 * What is wrong with dist/'s licences: one line per problem, none when all is well.
 * @param {string} dist
 * @param {readonly string[]} allowed
 */
export function licenseProblems(dist, allowed = ALLOWED) {
  const packages = parseLicenses(readFileSync(join(dist, 'licenses.txt'), 'utf8'))
  const problems = packages
    .filter(p => !isAllowed(p.license, allowed))
    .map(
      p =>
        `${p.name} ${p.version} (${p.path}) is under ${p.license}, which is not on the allow-list`
    )
  if (!packages.length) problems.push(`${dist}/licenses.txt lists no package; run npm run bundle`)
  const listed = new Set(packages.map(p => p.path))
  const named = packagesNamedInBundle(dist)
  if (!named.length)
    problems.push(
      `no module comment in ${dist}/*.js names a package: cannot cross-check licenses.txt`
    )
  for (const dir of named.filter(dir => !listed.has(dir)))
    problems.push(`${dist}/ bundles ${dir}, which ${dist}/licenses.txt does not list`)
  return { packages, problems }
}

function main() {
  const dist = process.argv[2] ?? 'dist'
  const { packages, problems } = licenseProblems(dist)
  if (problems.length) {
    for (const problem of problems) console.error(`check-licenses: ${problem}`)
    console.error(`check-licenses: allowed: ${ALLOWED.join(', ')}`)
    process.exit(1)
  }
  /** @type {Map<string, number>} */
  const counts = new Map()
  for (const p of packages) counts.set(p.license, (counts.get(p.license) ?? 0) + 1)
  const summary = [...counts].map(([license, count]) => `${license} ${count}`).join(', ')
  console.log(`check-licenses: ${packages.length} bundled packages, all allowed (${summary})`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main()
  } catch (error) {
    console.error(`check-licenses: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
