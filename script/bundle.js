// npm run bundle: ncc into dist/, then fail if ncc left a stub for an import it could not resolve
// (ncc exits 0 in that case and the stub only crashes at run time), and write dist/licenses.txt:
// every third-party package with code in the bundle, from webpack's list of bundled modules.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledPackageDirs, readPackage, renderLicenses } from './licenses.js'

const dist = 'dist'
const scratch = mkdtempSync(join(tmpdir(), 'bundle-'))
const statsFile = join(scratch, 'stats.json')
try {
  rmSync(dist, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      'src/index.ts',
      '-o',
      dist,
      '--stats-out',
      statsFile,
      '--target',
      'es2022'
    ],
    { stdio: 'inherit' }
  )
  const stubbed = readdirSync(dist, { recursive: true })
    .map(String)
    .filter(file => file.endsWith('.js'))
    .filter(file => readFileSync(join(dist, file), 'utf8').includes('webpackMissingModule'))
  if (stubbed.length) {
    console.error(
      `bundle: ncc could not resolve an import; see webpackMissingModule in ${stubbed.join(', ')}`
    )
    process.exit(1)
  }
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'))
  const packages = bundledPackageDirs(stats).map(dir => readPackage(dir))
  writeFileSync(join(dist, 'licenses.txt'), renderLicenses(packages))
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
