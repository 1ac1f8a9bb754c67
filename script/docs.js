// npm run docs: write README.md's Inputs and Outputs tables from action.yml, between the markers
// <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->,
// so the README cannot drift from what the action accepts. Edit action.yml, not the tables.
// It also writes src/action-metadata.ts (the inputs' names and defaults and the outputs' names, for
// the bundle and the compiler).
// npm run docs -- --check: change nothing; fail when README.md or src/action-metadata.ts is not
// what npm run docs writes.
//
// The README is then formatted with the project's Prettier settings, so `prettier --check .`
// (npm run lint) accepts what this writes, and --check compares against exactly that.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'
import { ACTION_METADATA_PATH, renderActionMetadata } from './render-action-metadata.js'

/**
 * @typedef {{
 *   description?: string
 *   required?: boolean | string
 *   default?: unknown
 *   deprecationMessage?: string
 * }} Input
 * @typedef {{ description?: string }} Output
 * @typedef {{ inputs?: Record<string, Input> | null, outputs?: Record<string, Output> | null }} Action
 */

/**
 * Text for one table cell: lines joined (a folded or literal block may span several), paragraphs
 * kept apart with <br>, and every `|` escaped, code spans included (GitHub splits cells on any
 * unescaped `|`, and renders `\|` as `|` inside a code span too).
 * @param {unknown} text
 */
export function cell(text) {
  return String(text ?? '')
    .trim()
    .split(/\n[ \t]*\n\s*/)
    .map(paragraph => paragraph.replace(/[ \t]*\n[ \t]*/g, ' '))
    .join('<br>')
    .replace(/\\?\|/g, '\\|')
}

/**
 * A code span that holds any text, backticks included.
 * @param {string} text
 */
export function code(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(run => run[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** @param {string[]} header @param {string[][]} rows */
function table(header, rows) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** @param {Action} action */
export function inputsTable(action) {
  const inputs = Object.entries(action.inputs ?? {})
  if (!inputs.length) return 'This action has no inputs.'
  return table(
    ['input', 'required', 'default', 'description'],
    inputs.map(([name, input]) => {
      const required = input?.required === true || input?.required === 'true'
      const fallback = input?.default
      const description = [
        input?.deprecationMessage ? `**Deprecated:** ${input.deprecationMessage}` : '',
        input?.description ?? ''
      ]
        .filter(Boolean)
        .join(' ')
      return [
        cell(code(name)),
        required ? 'yes' : 'no',
        fallback === undefined || fallback === null ? '' : cell(code(String(fallback) || "''")),
        cell(description)
      ]
    })
  )
}

/** @param {Action} action */
export function outputsTable(action) {
  const outputs = Object.entries(action.outputs ?? {})
  if (!outputs.length) return 'This action has no outputs.'
  return table(
    ['output', 'description'],
    outputs.map(([name, output]) => [cell(code(name)), cell(output?.description)])
  )
}

/**
 * Where each marker line `<!-- NAME:start -->` / `<!-- NAME:end -->` is (a marker counts only on a
 * line of its own, so prose and code may mention it).
 * @param {string} readme @param {string} name
 */
function markers(readme, name) {
  /** @param {string} which */
  const find = which => [...readme.matchAll(new RegExp(`^<!-- ${name}:${which} -->[ \\t]*$`, 'gm'))]
  const [starts, ends] = [find('start'), find('end')]
  const [start, end] = [starts[0], ends[0]]
  if (starts.length !== 1 || ends.length !== 1 || !start || !end || end.index < start.index)
    return undefined
  return { from: start.index + start[0].length, to: end.index }
}

/**
 * Replaces what lies between the `<!-- NAME:start -->` and `<!-- NAME:end -->` lines.
 * @param {string} readme @param {string} name @param {string} body
 */
export function replaceSection(readme, name, body) {
  const at = markers(readme, name)
  if (!at)
    throw new Error(
      `README.md needs one line <!-- ${name}:start --> followed by one line <!-- ${name}:end -->`
    )
  return `${readme.slice(0, at.from)}\n\n${body}\n\n${readme.slice(at.to)}`
}

/**
 * What lies between the marker lines, without the surrounding blank lines ('' without markers).
 * @param {string} readme @param {string} name
 */
export function section(readme, name) {
  const at = markers(readme, name)
  return at ? readme.slice(at.from, at.to).trim() : ''
}

/**
 * README.md as npm run docs writes it: the tables from action.yml, formatted by Prettier.
 * @param {string} readme the README's text
 * @param {string} actionYaml action.yml's text
 * @param {string} readmePath where the README lives, for Prettier's configuration
 */
export async function render(readme, actionYaml, readmePath) {
  const action = /** @type {Action} */ (parse(actionYaml) ?? {})
  let text = replaceSection(readme, 'inputs', inputsTable(action))
  text = replaceSection(text, 'outputs', outputsTable(action))
  const options = (await resolveConfig(readmePath)) ?? {}
  return format(text, { ...options, filepath: readmePath })
}

/** A file's text, or '' when it does not exist (a missing file is stale). @param {string} path */
function read(path) {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

async function main() {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  if (args.some(arg => arg !== '--check')) {
    console.error('usage: node script/docs.js [--check]')
    process.exit(2)
  }
  const actionYaml = readFileSync('action.yml', 'utf8')
  const metadataPath = resolve(ACTION_METADATA_PATH)
  const metadataModule = await renderActionMetadata(actionYaml, metadataPath)
  const moduleStale = read(metadataPath) !== metadataModule
  const readmePath = resolve('README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const wanted = await render(readme, actionYaml, readmePath)
  if (check) {
    const problems = []
    if (wanted !== readme) {
      const stale = ['inputs', 'outputs'].filter(
        name => section(readme, name) !== section(wanted, name)
      )
      const what = stale.length
        ? `its ${stale.join(' and ')} table${stale.length > 1 ? 's differ' : ' differs'} from action.yml`
        : 'it is not formatted as Prettier formats it'
      problems.push(`docs: README.md is stale: ${what}; run npm run docs and commit README.md`)
    }
    if (moduleStale) {
      problems.push(
        `docs: ${ACTION_METADATA_PATH} is stale: its inputs or outputs differ from action.yml; run npm run docs and commit it`
      )
    }
    if (problems.length) {
      console.error(problems.join('\n'))
      process.exit(1)
    }
    console.log(`docs: README.md and ${ACTION_METADATA_PATH} match action.yml`)
    return
  }
  if (moduleStale) {
    mkdirSync(dirname(metadataPath), { recursive: true })
    writeFileSync(metadataPath, metadataModule)
    console.log(`docs: wrote ${ACTION_METADATA_PATH} from action.yml`)
  }
  if (wanted === readme) return
  writeFileSync(readmePath, wanted)
  console.log('docs: wrote the Inputs and Outputs tables of README.md from action.yml')
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((/** @type {unknown} */ error) => {
    console.error(`docs: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
