// The Node 24 binary the end-to-end tests also run under: $NODE24, or node@24 from the npm
// registry through npx (cached after the first download).
import { execFileSync } from 'node:child_process'

let cached: string | undefined

export function node24(): string {
  cached ??=
    process.env.NODE24 ||
    execFileSync('npx', ['--yes', '--package=node@24', '--', 'node', '-p', 'process.execPath'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 120_000
    }).trim()
  return cached
}
