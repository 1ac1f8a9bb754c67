// Writes src/action-inputs.ts from action.yml, so that the inputs' names and defaults live in one
// place: `node script/action-inputs.js` writes it, `--check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'
import { ROOT } from '../standin/run-action.js'

const target = join(ROOT, 'src', 'action-inputs.ts')
/** @type {Record<string, { default?: string, required?: boolean }>} */
const inputs = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')).inputs
const lines = Object.entries(inputs).map(
  ([name, spec]) =>
    `  ${JSON.stringify(name)}: { default: ${JSON.stringify(String(spec.default ?? ''))}, required: ${spec.required === true} }`
)
const source = `// Generated from action.yml by \`npm run docs\`: do not edit. The inputs' names and defaults live
// in action.yml alone; this copy lets the bundle know them without reading YAML at run time.
export const ACTION_INPUTS = {
${lines.join(',\n')}
} as const

export type InputName = keyof typeof ACTION_INPUTS
`
// Through prettier, so that `npm run lint` finds the generated file as it would have written it.
const text = await format(source, { ...(await resolveConfig(target)), filepath: target })
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(target, 'utf8')
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('src/action-inputs.ts is stale: run npm run docs and commit it')
    process.exit(1)
  }
} else {
  writeFileSync(target, text)
}
