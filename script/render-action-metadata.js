// src/action-metadata.ts from action.yml, so that the inputs' names and defaults and the outputs'
// names live in one place. Written and checked by npm run docs (script/docs.js), like the README's
// tables.
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

export const ACTION_METADATA_PATH = 'src/action-metadata.ts'

/**
 * The module's text as npm run docs writes it.
 * @param {string} actionYaml action.yml's text
 * @param {string} targetPath where the module lives, for Prettier's configuration
 */
export async function renderActionMetadata(actionYaml, targetPath) {
  const action = parse(actionYaml)
  /** @type {Record<string, { default?: unknown, required?: boolean | string }>} */
  const inputs = action?.inputs ?? {}
  /** @type {Record<string, unknown>} */
  const outputs = action?.outputs ?? {}
  const lines = Object.entries(inputs).map(
    ([name, spec]) =>
      `  ${JSON.stringify(name)}: { default: ${JSON.stringify(String(spec.default ?? ''))}, required: ${spec.required === true || spec.required === 'true'} }`
  )
  const source = `// Generated from action.yml by \`npm run docs\`: do not edit. The inputs' names and defaults and
// the outputs' names live in action.yml alone; this copy lets the bundle know them without reading
// YAML at run time, and the compiler hold the report's outputs to action.yml's.
export const ACTION_INPUTS = {
${lines.join(',\n')}
} as const

export type InputName = keyof typeof ACTION_INPUTS

/** The outputs' names, in action.yml's order. */
export const ACTION_OUTPUTS = [${Object.keys(outputs)
    .map(name => JSON.stringify(name))
    .join(', ')}] as const

export type OutputName = (typeof ACTION_OUTPUTS)[number]
`
  // Through Prettier, so that npm run lint finds the module as it would have written it.
  return format(source, { ...((await resolveConfig(targetPath)) ?? {}), filepath: targetPath })
}
