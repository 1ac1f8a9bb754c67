// What a failed request is (src/certcentral/errors.ts): its fields by name, the transport's error
// kept as its cause, and a module the run's pure rules can load without the HTTP client.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CertCentralError, MAY_HAVE_BEEN_SENT } from '../../../src/certcentral/errors.js'
import { TransportError } from '../../../src/certcentral/transport.js'

const SRC = join(import.meta.dirname, '..', '..', '..', 'src')

/**
 * The modules a module loads at run time, itself included, followed through src/ (type-only
 * imports, `import type` or every name `type`, load nothing); node: modules by name.
 */
function loaded(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const source = readFileSync(file, 'utf8')
  for (const [, names = '', from = ''] of source.matchAll(
    /^(?:import|export)\s+(?!type\b)([^;'"]*?)\s*from\s+'([^']+)'/gms
  )) {
    const braced = /^\{([^}]*)\}$/.exec(names.trim())
    const onlyTypes =
      braced !== null &&
      (braced[1] as string)
        .split(',')
        .map(name => name.trim())
        .filter(name => name !== '')
        .every(name => name.startsWith('type '))
    if (onlyTypes) continue
    if (from.startsWith('.')) loaded(resolve(dirname(file), from.replace(/\.js$/, '.ts')), seen)
    else seen.add(from)
  }
  return seen
}

const HTTP = ['node:http', 'node:https', 'node:tls', 'undici']

describe('what errors.ts loads', () => {
  it('sees a runtime import and skips a type-only one (the walk itself)', () => {
    const client = loaded(join(SRC, 'certcentral', 'client.ts'))
    expect([...client].filter(name => HTTP.includes(name)).sort()).toEqual([
      'node:http',
      'node:https',
      'undici'
    ])
  })

  it('loads no HTTP: neither node:http, https, tls nor undici, nor the transport or the client', () => {
    const modules = [...loaded(join(SRC, 'certcentral', 'errors.ts'))]
    expect(modules.filter(name => HTTP.includes(name))).toEqual([])
    expect(modules.filter(name => /(transport|client)\.ts$/.test(name))).toEqual([])
  })

  it.each(readdirSync(join(SRC, 'run')))('nor does src/run/%s, the run and its rules', name => {
    const modules = [...loaded(join(SRC, 'run', name))]
    expect(modules.filter(module => HTTP.includes(module))).toEqual([])
  })
})

describe('CertCentralError', () => {
  it('names its fields, with no status, no codes, no hint and no wait by default', () => {
    const error = new CertCentralError({ message: 'HTTP 500: empty body', kind: 'http' })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({
      name: 'CertCentralError',
      message: 'HTTP 500: empty body',
      kind: 'http',
      status: null,
      codes: [],
      hint: undefined,
      retryAfterSeconds: undefined
    })
    expect(error.cause).toBeUndefined()
  })

  it('keeps every field it is given', () => {
    const error = new CertCentralError({
      message: 'HTTP 429: later',
      kind: 'rate-limited',
      status: 429,
      codes: ['request_limit_exceeded'],
      hint: 'wait',
      retryAfterSeconds: 7
    })
    expect(error).toMatchObject({
      kind: 'rate-limited',
      status: 429,
      codes: ['request_limit_exceeded'],
      hint: 'wait',
      retryAfterSeconds: 7
    })
  })

  it("keeps the transport's error as its cause", () => {
    const cause = new TransportError({
      kind: 'timeout',
      status: null,
      code: 'ETIMEDOUT',
      detail: 'no complete answer in 300 ms',
      reached: true
    })
    const error = new CertCentralError(
      { message: `timed out; ${MAY_HAVE_BEEN_SENT}`, kind: 'timeout' },
      { cause }
    )
    expect(error.cause).toBe(cause)
  })
})
