// npm run bundle: ncc into dist/, then fail if ncc left a stub for an import it could not resolve
// (ncc exits 0 in that case and the stub only crashes at run time).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const dist = 'dist'
rmSync(dist, { recursive: true, force: true })
execFileSync(
  process.execPath,
  [
    'node_modules/@vercel/ncc/dist/ncc/cli.js',
    'build',
    'src/index.ts',
    '-o',
    dist,
    '--license',
    'licenses.txt',
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
