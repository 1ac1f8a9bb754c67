// Unit tests of read.ts, the one reader of the runner's environment for the step's inputs: the key
// masked before any other input is read, the inputs with action.yml's defaults, the INPUT_ names,
// the workspace and the event file's visibility. @actions/core is wrapped, not replaced
// (support/core.ts): every call goes through to the real toolkit and is recorded, so the order of
// calls can be checked.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CoreCall } from '../../support/core.js'
import { actAsRunner, messagesOf } from '../../support/log.js'

const calls = vi.hoisted(() => [] as CoreCall[])

vi.mock('@actions/core', async importOriginal => {
  const { recordingCore } = await import('../../support/core.js')
  return recordingCore(await importOriginal<typeof import('@actions/core')>(), calls)
})

const { ACTION_INPUTS } = await import('../../../src/action-metadata.js')
const {
  eventVisibility: visibilityOf,
  inputVariableNames,
  readInputs,
  secretLines,
  workspace
} = await import('../../../src/input/read.js')
const { readRunContext } = await import('../../../src/run-context.js')

/** The visibility read.ts finds when the runner names this event file (@actions/github's context). */
const eventVisibility = (path: string | undefined): ReturnType<typeof visibilityOf> => {
  vi.stubEnv('GITHUB_EVENT_PATH', path)
  return visibilityOf(readRunContext())
}

const dir = mkdtempSync(join(tmpdir(), 'read-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }
let printed: string[]

beforeEach(() => {
  calls.length = 0
  for (const name of Object.keys(process.env)) {
    if (/^(INPUT_|DIGICERT_API_KEY$)/.test(name)) vi.stubEnv(name, undefined)
  }
  printed = actAsRunner(files)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

function inputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values))
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)
}
const masked = (): string[] => messagesOf(printed.join(''), 'add-mask')

describe('workspace', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('is GITHUB_WORKSPACE, else the working directory', () => {
    vi.stubEnv('GITHUB_WORKSPACE', '/home/runner/work/repo/repo')
    expect(workspace()).toBe('/home/runner/work/repo/repo')
    vi.stubEnv('GITHUB_WORKSPACE', ' ')
    expect(workspace()).toBe(process.cwd())
    vi.stubEnv('GITHUB_WORKSPACE', undefined)
    expect(workspace()).toBe(process.cwd())
  })
})

describe('eventVisibility', () => {
  const event = (name: string, text: string): string => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  const unread = (reason: string): string =>
    `the event file (GITHUB_EVENT_PATH) could not be read (${reason}): the repository is taken as public, so the job summary shows recipients and the message by count (summary-details: full shows them)`

  it('reads the repository of the event payload', () => {
    expect(eventVisibility(event('public.json', '{"repository":{"private":false}}'))).toEqual({
      visibility: 'public',
      warnings: []
    })
    expect(
      eventVisibility(
        event('private.json', '{"repository":{"private":true,"visibility":"private"}}')
      )
    ).toEqual({ visibility: 'private', warnings: [] })
    expect(eventVisibility(event('none.json', '{"action":"x"}'))).toEqual({
      visibility: 'unknown',
      warnings: []
    })
  })

  it('unknown without a word when the runner names no event file', () => {
    expect(eventVisibility(undefined)).toEqual({ visibility: 'unknown', warnings: [] })
    expect(eventVisibility('')).toEqual({ visibility: 'unknown', warnings: [] })
  })

  it('unknown with one warning, without the path, when it cannot be read or parsed', () => {
    expect(eventVisibility(join(dir, 'missing.json'))).toEqual({
      visibility: 'unknown',
      warnings: [unread('ENOENT: no such file or directory')]
    })
    expect(eventVisibility(dir)).toEqual({
      visibility: 'unknown',
      warnings: [unread('EISDIR: illegal operation on a directory')]
    })
    const broken = eventVisibility(event('broken.json', '{"repository":'))
    expect(broken.visibility).toBe('unknown')
    expect(broken.warnings).toHaveLength(1)
    expect(broken.warnings[0]).toMatch(
      /^the event file \(GITHUB_EVENT_PATH\) could not be read \(.*JSON.*\): the repository is taken as public/
    )
  })
})

describe('secretLines', () => {
  it('gives every line of a multi-line value, trimmed and as given', () => {
    expect(secretLines('first-line\n  second-line \r\n\nthird')).toEqual([
      'first-line',
      'second-line',
      '  second-line ',
      'third'
    ])
    expect(secretLines('a-key\rb-key')).toEqual(['a-key', 'b-key'])
  })

  it('gives nothing for blanks', () => {
    expect(secretLines('')).toEqual([])
    expect(secretLines('  \n\t\r\n ')).toEqual([])
  })
})

describe('readInputs', () => {
  it('masks each line of the key before it reads any other input', () => {
    inputs({
      'api-key': 'first-KEY-line\n  second-KEY-line \n',
      operation: 'send-certificate',
      'certificate-id': '123',
      emails: 'ops@example.com'
    })
    const raw = readInputs()
    expect(raw['api-key']).toBe('first-KEY-line\n  second-KEY-line \n')
    expect(calls[0]).toEqual({
      name: 'getInput',
      args: ['api-key', expect.objectContaining({ trimWhitespace: false })]
    })
    expect(calls.slice(1, 4)).toEqual([
      { name: 'setSecret', args: ['first-KEY-line'] },
      { name: 'setSecret', args: ['second-KEY-line'] },
      { name: 'setSecret', args: ['  second-KEY-line '] }
    ])
    expect(calls.slice(4).map(c => c.name)).not.toContain('setSecret')
    expect(printed.join('').split('\n').slice(0, 3)).toEqual([
      '::add-mask::first-KEY-line',
      '::add-mask::second-KEY-line',
      '::add-mask::  second-KEY-line '
    ])
  })

  it('falls back to DIGICERT_API_KEY for a whitespace-only api-key, masking no blanks', () => {
    inputs({ 'api-key': '  \n\t ', operation: 'send-certificate' })
    vi.stubEnv('DIGICERT_API_KEY', 'env-KEY-4242')
    expect(readInputs()['api-key']).toBe('env-KEY-4242')
    expect(calls.filter(c => c.name === 'setSecret').map(c => c.args[0])).toEqual(['env-KEY-4242'])
    expect(masked()).toEqual(['env-KEY-4242'])
  })

  it('masks nothing when there is no key at all', () => {
    inputs({ 'api-key': ' ', operation: 'send-certificate' })
    vi.stubEnv('DIGICERT_API_KEY', ' \n ')
    expect(readInputs()['api-key'].trim()).toBe('')
    expect(calls.filter(c => c.name === 'setSecret')).toEqual([])
    expect(masked()).toEqual([])
  })

  it('gives an empty key, masking nothing, when neither api-key nor DIGICERT_API_KEY is set', () => {
    inputs({ 'api-key': '', operation: 'send-certificate' })
    expect(readInputs()['api-key']).toBe('')
    expect(calls.filter(c => c.name === 'setSecret')).toEqual([])
    expect(masked()).toEqual([])
  })

  it("reads every input of action.yml, with action.yml's defaults, untrimmed", () => {
    inputs({
      'api-key': 'k3y-k3y',
      operation: 'send-certificate',
      'certificate-id': '123',
      message: '  Dear team,\n  the renewed certificate.  '
    })
    const raw = readInputs()
    expect(Object.keys(raw).sort()).toEqual(Object.keys(ACTION_INPUTS).sort())
    expect(raw).toMatchObject({
      operation: 'send-certificate',
      'certificate-id': '123',
      message: '  Dear team,\n  the renewed certificate.  ',
      format: 'attachment',
      region: 'us',
      'timeout-seconds': '30',
      'max-retries': '0',
      'wait-for-issuance': '0',
      'dry-run': 'false'
    })
  })
})

describe('inputVariableNames', () => {
  it('names the INPUT_ variables, never their values, in the order of the environment', () => {
    expect(
      inputVariableNames({
        'INPUT_ISSUED-WITHIN': '1d',
        PATH: '/bin',
        input_lower: 'x',
        INPUT_FOO: 'secret value',
        INPUT: ''
      })
    ).toEqual(['INPUT_ISSUED-WITHIN', 'INPUT_FOO'])
  })

  it("reads the process's environment by default", () => {
    vi.stubEnv('INPUT_SOMETHING-ELSE', 'x')
    expect(inputVariableNames()).toContain('INPUT_SOMETHING-ELSE')
  })
})
