// The README's troubleshooting table says what the action says: one row per code of the hints
// table in src/certcentral/hints.ts, with that hint word for word, and no row for a code the action
// has no hint for.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HINTS } from '../../src/certcentral/hints.js'

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
const troubleshooting = readme.slice(
  readme.indexOf('## Troubleshooting'),
  readme.indexOf('\n## ', readme.indexOf('## Troubleshooting') + 1)
)
/** The first table of the section: code cell (without the status) → hint cell. */
const rows = new Map(
  troubleshooting
    .split('\n')
    .filter(line => /^\| `/.test(line))
    .map(line => line.split(/(?<!\\)\|/).map(cell => cell.trim()))
    .map(([, code = '', hint = '']): [string, string] => [
      /^`([^`]+)`/.exec(code)?.[1]?.replace(/\\\|/g, '|') ?? '',
      hint
    ])
    .filter(([code]) => Object.hasOwn(HINTS, code) || /^[a-z_]+(\|[a-z_]+)?$/.test(code))
)

describe('README troubleshooting', () => {
  it.each(Object.keys(HINTS))('has the hint for %s word for word', code => {
    const hint = (HINTS[code] as (c: { idInput: string }) => string)({ idInput: 'certificate-id' })
    expect(rows.get(code)).toBe(hint)
  })

  it('lists no code the hints table does not have', () => {
    expect([...rows.keys()].filter(code => !Object.hasOwn(HINTS, code))).toEqual([])
    expect(rows.size).toBe(Object.keys(HINTS).length)
  })

  it('names the module the hints table is in', () => {
    const named = /one table in `([^`]+)`/.exec(troubleshooting)?.[1] ?? ''
    expect(named).toBe('src/certcentral/hints.ts')
    const source = readFileSync(join(import.meta.dirname, '..', '..', named), 'utf8')
    expect(source).toContain('export const HINTS')
  })
})
