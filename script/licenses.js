// dist/licenses.txt: the third-party packages whose code is bundled into dist/, with their
// licences. npm run bundle writes it (script/bundle.js) from webpack's own list of the modules
// ncc bundled, and script/check-licenses.js reads it back. ncc's own `--license` output is not
// used: it names only the packages whose modules webpack did not concatenate (2 of 20 when this
// was written), so it left out most of what dist/ carries.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * @typedef {{ name: string, version: string, license: string, path: string, text: string }} Package
 * @typedef {{ name?: string, modules?: StatsModule[] }} StatsModule
 */

const RULE = '='.repeat(80)
const THIN = '-'.repeat(80)

/**
 * The package directory a bundled module comes from, e.g. `node_modules/@actions/core` or
 * `node_modules/@actions/github/node_modules/@actions/http-client`, or undefined for the action's
 * own modules and Node's built-ins.
 * @param {string} moduleName webpack's readable module name (`./node_modules/...`)
 */
export function packageDir(moduleName) {
  return /^\.\/((?:\S*\/)?node_modules\/(?:@[^/\s]+\/)?[^/\s]+)\//.exec(moduleName)?.[1]
}

/**
 * Every package directory with a module in the bundle, from the stats ncc writes with
 * --stats-out (concatenated modules list their parts in `modules`).
 * @param {{ modules?: StatsModule[], chunks?: { modules?: StatsModule[] }[] }} stats
 */
export function bundledPackageDirs(stats) {
  /** @type {Set<string>} */
  const dirs = new Set()
  /** @param {StatsModule[] | undefined} modules */
  const walk = modules => {
    for (const module of modules ?? []) {
      const dir = packageDir(module.name ?? '')
      if (dir) dirs.add(dir)
      walk(module.modules)
    }
  }
  walk(stats.modules)
  for (const chunk of stats.chunks ?? []) walk(chunk.modules)
  return [...dirs].sort()
}

/**
 * The licence a package.json declares, as an SPDX expression ('UNKNOWN' when it declares none).
 * @param {Record<string, unknown>} manifest
 */
export function declaredLicense(manifest) {
  const { license, licenses } = manifest
  /** @param {unknown} entry */
  const type = entry =>
    typeof entry === 'string'
      ? entry
      : entry && typeof entry === 'object' && 'type' in entry && typeof entry.type === 'string'
        ? entry.type
        : ''
  const single = type(license)
  if (single) return single
  if (Array.isArray(licenses)) {
    const types = licenses.map(type).filter(Boolean)
    if (types.length) return types.length === 1 ? `${types[0]}` : `(${types.join(' OR ')})`
  }
  return 'UNKNOWN'
}

/**
 * Name, version, licence and licence text (LICENSE/LICENCE/COPYING, then any NOTICE) of the
 * package installed in `dir`.
 * @param {string} dir relative to the repository, as packageDir() gives it
 * @param {string} root the repository
 * @returns {Package}
 */
export function readPackage(dir, root = '.') {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
  const files = readdirSync(join(root, dir)).sort()
  const texts = [
    ...files.filter(file => /^(licen[cs]e|copying)([.-].*)?$/i.test(file)).slice(0, 1),
    ...files.filter(file => /^notice([.-].*)?$/i.test(file))
  ].map(file =>
    readFileSync(join(root, dir, file), 'utf8')
      .replace(/\r\n?/g, '\n')
      .trim()
  )
  return {
    name: String(manifest.name ?? dir),
    version: String(manifest.version ?? 'unknown'),
    license: declaredLicense(manifest),
    path: dir,
    text: texts.join('\n\n') || '(the package ships no licence file)'
  }
}

/** @param {Package[]} packages */
export function renderLicenses(packages) {
  const head = [
    `Third-party code bundled into dist/: ${packages.length} packages.`,
    'Written by npm run bundle (script/bundle.js) from the modules ncc bundled;',
    'script/check-licenses.js checks each licence against the allow-list.',
    ''
  ]
  const entries = packages.map(p =>
    [
      RULE,
      `${p.name} ${p.version}`,
      `License: ${p.license}`,
      `Path: ${p.path}`,
      THIN,
      p.text,
      ''
    ].join('\n')
  )
  return `${[...head, ...entries].join('\n').trimEnd()}\n`
}

/**
 * The packages a licenses.txt written by renderLicenses() lists.
 * @param {string} text
 * @returns {Package[]}
 */
export function parseLicenses(text) {
  const [, ...entries] = text.split(new RegExp(`^${RULE}$`, 'm'))
  return entries.map((entry, index) => {
    const match = /^\n(\S+) (\S+)\nLicense: (.*)\nPath: (.*)\n-{80}\n([\s\S]*)$/.exec(entry)
    if (!match) throw new Error(`licenses.txt: entry ${index + 1} is not in the expected form`)
    const [, name, version, license, path, body] = /** @type {string[]} */ (match)
    return {
      name: /** @type {string} */ (name),
      version: /** @type {string} */ (version),
      license: /** @type {string} */ (license),
      path: /** @type {string} */ (path),
      text: /** @type {string} */ (body).trim()
    }
  })
}
