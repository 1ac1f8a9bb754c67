// The rooms stay small (issue 23): no function of src/ over 60 lines, no class over 200, measured
// from the declaration's first token (its doc comment not counted) to its closing brace. A piece
// that grows past its bound fails here, by name, so it is split while its shape is still clear.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
export const MAX_FUNCTION_LINES = 60
export const MAX_CLASS_LINES = 200

/** Every function and class of one source text longer than its bound, as `file:line name: N lines`. */
function oversized(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const lineOf = (position: number): number => source.getLineAndCharacterOfPosition(position).line
  const visit = (node: ts.Node): void => {
    const bound = ts.isClassLike(node)
      ? MAX_CLASS_LINES
      : ts.isFunctionLike(node) && 'body' in node && node.body
        ? MAX_FUNCTION_LINES
        : undefined
    if (bound !== undefined) {
      const first = lineOf(node.getStart(source))
      const lines = lineOf(node.getEnd()) - first + 1
      const named = node as ts.Node & { name?: ts.Node }
      const name = named.name ? named.name.getText(source) : '(anonymous)'
      if (lines > bound) found.push(`${file}:${first + 1} ${name}: ${lines} lines`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sources(`${dir}/${entry.name}`)
      : entry.name.endsWith('.ts')
        ? [`${dir}/${entry.name}`]
        : []
  )
}

describe('the size of functions and classes in src/', () => {
  it(`has no function over ${MAX_FUNCTION_LINES} lines and no class over ${MAX_CLASS_LINES}`, () => {
    const files = sources('src')
    expect(files.length).toBeGreaterThan(40)
    expect(files.flatMap(file => oversized(file, readFileSync(join(ROOT, file), 'utf8')))).toEqual(
      []
    )
  })

  it('names a function one line over its bound, an arrow and a method too, and a long class', () => {
    const body = (n: number): string => Array.from({ length: n }, (_, i) => `  f(${i})`).join('\n')
    const text = [
      `function fits() {\n${body(MAX_FUNCTION_LINES - 2)}\n}`,
      `/** a doc comment is not counted */\nfunction over() {\n${body(MAX_FUNCTION_LINES - 1)}\n}`,
      `const arrow = () => {\n${body(MAX_FUNCTION_LINES - 1)}\n}`,
      `class Big {\n  method() {\n${body(MAX_FUNCTION_LINES - 1)}\n  }\n${body(MAX_CLASS_LINES - 62)}\n}`
    ].join('\n')
    expect(oversized('x.ts', text)).toEqual([
      `x.ts:62 over: ${MAX_FUNCTION_LINES + 1} lines`,
      `x.ts:123 (anonymous): ${MAX_FUNCTION_LINES + 1} lines`,
      `x.ts:184 Big: ${MAX_CLASS_LINES + 1} lines`,
      `x.ts:185 method: ${MAX_FUNCTION_LINES + 1} lines`
    ])
  })
})
