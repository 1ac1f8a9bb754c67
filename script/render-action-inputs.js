// src/action-inputs.ts from action.yml, so that the inputs' names and defaults live in one place.
// Written and checked by npm run docs (script/docs.js), like the README's tables.
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

export const ACTION_INPUTS_PATH = 'src/action-inputs.ts'

/**
 * The module's text as npm run docs writes it.
 * @param {string} actionYaml action.yml's text
 * @param {string} targetPath where the module lives, for Prettier's configuration
 */
export async function renderActionInputs(actionYaml, targetPath) {
  /** @type {Record<string, { default?: unknown, required?: boolean | string }>} */
  const inputs = parse(actionYaml)?.inputs ?? {}
  const lines = Object.entries(inputs).map(
    ([name, spec]) =>
      `  ${JSON.stringify(name)}: { default: ${JSON.stringify(String(spec.default ?? ''))}, required: ${spec.required === true || spec.required === 'true'} }`
  )
  const source = `// Generated from action.yml by \`npm run docs\`: do not edit. The inputs' names and defaults live
// in action.yml alone; this copy lets the bundle know them without reading YAML at run time.
export const ACTION_INPUTS = {
${lines.join(',\n')}
} as const

export type InputName = keyof typeof ACTION_INPUTS
`
  // Through Prettier, so that npm run lint finds the module as it would have written it.
  return format(source, { ...((await resolveConfig(targetPath)) ?? {}), filepath: targetPath })
}
