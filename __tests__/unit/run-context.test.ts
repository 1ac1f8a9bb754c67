// Unit tests of src/run-context.ts: @actions/github's context from the runner's variables and the
// event file; an event file that cannot be read gives the context without it and the reason, and
// leaves the runner's variables as they were.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { onceRunContext, readRunContext, type RunContext } from '../../src/run-context.js'

const dir = mkdtempSync(join(tmpdir(), 'run-context-'))
afterEach(() => vi.unstubAllEnvs())

describe('readRunContext', () => {
  it('reads the payload and the run from the runner', () => {
    const path = join(dir, 'event.json')
    writeFileSync(path, '{"repository":{"private":true}}')
    vi.stubEnv('GITHUB_EVENT_PATH', path)
    vi.stubEnv('GITHUB_RUN_ID', '42')
    const { context, eventProblem } = readRunContext()
    expect(eventProblem).toBeUndefined()
    expect(context.payload).toEqual({ repository: { private: true } })
    expect(context.runId).toBe(42)
  })

  it.each([
    ['missing', join(dir, 'missing.json'), 'ENOENT'],
    ['a directory', dir, 'EISDIR'],
    ['not JSON', join(dir, 'broken.json'), undefined]
  ])('an event file %s: the context without it, the reason, the variable kept', (_, path, code) => {
    writeFileSync(join(dir, 'broken.json'), '{"repository":')
    vi.stubEnv('GITHUB_EVENT_PATH', path)
    vi.stubEnv('GITHUB_RUN_ID', '42')
    const { context, eventProblem } = readRunContext()
    expect(context.payload).toEqual({})
    expect(context.runId).toBe(42)
    expect(eventProblem).toBeInstanceOf(Error)
    if (code) expect(eventProblem).toMatchObject({ code })
    else expect(eventProblem).toBeInstanceOf(SyntaxError)
    expect(process.env.GITHUB_EVENT_PATH).toBe(path)
  })
})

describe('onceRunContext', () => {
  it('reads on the first call only, then gives the same context', () => {
    const read = vi.fn((): RunContext => readRunContext())
    const runContext = onceRunContext(read)
    expect(read).not.toHaveBeenCalled()
    const first = runContext()
    expect(runContext()).toBe(first)
    expect(read).toHaveBeenCalledTimes(1)
  })
})
