// The import graph of src/ follows the flow of docs/architecture.md: no cycle, and no arrow from a
// stage to a later one. Read from the sources' import lines, so a module that imports the wrong
// stage fails here, by name, before a reviewer has to notice it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

type Graph = Map<string, string[]>

/**
 * Every module of src/ (paths like `src/run/retry.ts`) and the modules of src/ it imports (a
 * package's file imported by its path, as run-context.ts does, is not a module of src/).
 */
function importGraph(): Graph {
  const graph: Graph = new Map()
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) graph.set(path, importsOf(path))
    }
  }
  walk('src')
  return graph
}

function importsOf(path: string): string[] {
  const text = readFileSync(join(ROOT, path), 'utf8')
  return [...text.matchAll(/^(?:import|export)\b[^']*?from '(\.[^']+)'/gm)]
    .map(([, target = '']) =>
      relative(ROOT, normalize(join(ROOT, dirname(path), target))).replace(/\.js$/, '.ts')
    )
    .filter(target => target.startsWith('src/'))
}

/** The folder a module lives in (`input`, `run`, `certcentral`, `report`), or `top`. */
const folderOf = (path: string): string => path.split('/').slice(1, -1)[0] ?? 'top'

/** The input stage's parsers of single values: the run, the report and operations.ts use them. */
const PARSERS = new Set(['src/input/parse.ts', 'src/input/roles.ts'])

/**
 * What each folder may import from the others. The shared modules at the top (sanitize, clock,
 * outcome, …) import no folder but the parsers (operations.ts, which parses each operation's own
 * inputs); main.ts and index.ts wire them all.
 */
const MAY_IMPORT: Record<string, (target: string) => boolean> = {
  input: target => target === 'src/certcentral/api.ts',
  certcentral: () => false,
  run: target => folderOf(target) === 'certcentral' || PARSERS.has(target),
  report: target =>
    ['input', 'certcentral'].includes(folderOf(target)) || target === 'src/run/dry-run.ts',
  top: target => PARSERS.has(target)
}
const WIRING = new Set(['src/main.ts', 'src/index.ts'])

/** Every import that crosses folders against MAY_IMPORT, and every cycle, as `a -> b` lines. */
function layerProblems(graph: Graph): string[] {
  const problems: string[] = []
  for (const [from, targets] of graph) {
    if (WIRING.has(from)) continue
    for (const target of targets) {
      const [a, b] = [folderOf(from), folderOf(target)]
      if (a !== b && b !== 'top' && !(MAY_IMPORT[a] ?? MAY_IMPORT.top)(target))
        problems.push(`${from} -> ${target}`)
    }
  }
  return [...problems, ...cycles(graph)]
}

function cycles(graph: Graph): string[] {
  const found: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (node: string, path: string[]): void => {
    state.set(node, 'open')
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open')
        found.push(`cycle: ${[...path.slice(path.indexOf(next)), node, next].join(' -> ')}`)
      else if (!state.has(next)) visit(next, [...path, node])
    }
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node, [])
  return found
}

describe('the import graph of src/', () => {
  it('has every folder of the flow and no import against it, and no cycle', () => {
    const graph = importGraph()
    expect(new Set([...graph.keys()].map(folderOf))).toEqual(
      new Set(['top', 'input', 'run', 'certcentral', 'report'])
    )
    expect(layerProblems(graph)).toEqual([])
  })

  it('names an import from a stage to a later one, and a cycle', () => {
    const graph: Graph = new Map([
      ['src/input/plan.ts', ['src/report/privacy.ts', 'src/certcentral/api.ts', 'src/sanitize.ts']],
      ['src/certcentral/client.ts', ['src/run/retry.ts']],
      ['src/run/retry.ts', ['src/certcentral/errors.ts', 'src/input/read.ts']],
      ['src/report/privacy.ts', ['src/input/summary-details.ts', 'src/run/scheduler.ts']],
      ['src/sanitize.ts', ['src/input/parse.ts', 'src/input/read.ts']],
      ['src/main.ts', ['src/report/report.ts', 'src/run/scheduler.ts']],
      ['src/run/a.ts', ['src/run/b.ts']],
      ['src/run/b.ts', ['src/run/a.ts']]
    ])
    expect(layerProblems(graph)).toEqual([
      'src/input/plan.ts -> src/report/privacy.ts',
      'src/certcentral/client.ts -> src/run/retry.ts',
      'src/run/retry.ts -> src/input/read.ts',
      'src/report/privacy.ts -> src/run/scheduler.ts',
      'src/sanitize.ts -> src/input/read.ts',
      'cycle: src/run/a.ts -> src/run/b.ts -> src/run/a.ts'
    ])
  })

  it('reads an import over several lines and a re-export, relative to the module', () => {
    const graph = importGraph()
    expect(graph.get('src/operations.ts')).toContain('src/input/parse.ts')
    expect(graph.get('src/report/privacy.ts')).toContain('src/input/summary-details.ts')
    expect(graph.get('src/index.ts')).toContain('src/main.ts')
  })
})
