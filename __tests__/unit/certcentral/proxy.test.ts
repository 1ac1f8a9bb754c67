// A proxy variable that cannot be used (src/certcentral/proxy.ts): which variable the runner's
// conventions read, why its value gives no proxy, and the one warning that names it without its
// password.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  PROXY_EXAMPLE,
  proxyValueProblem,
  proxyVariableFor,
  runnerProxyFor,
  runnerProxyWarning,
  unusableProxyWarning
} from '../../../src/certcentral/proxy.js'

const HTTPS = new URL('https://gw.example/t0k3n/services/v2')
const HTTP = new URL('http://gw.example/services/v2')

describe('proxyVariableFor', () => {
  it.each([
    [HTTPS, { https_proxy: 'a', HTTPS_PROXY: 'b', http_proxy: 'c' }, 'https_proxy'],
    [HTTPS, { https_proxy: '', HTTPS_PROXY: 'b' }, 'HTTPS_PROXY'],
    [HTTPS, { http_proxy: 'c', HTTP_PROXY: 'd' }, undefined],
    [HTTP, { http_proxy: 'c', HTTP_PROXY: 'd', https_proxy: 'a' }, 'http_proxy'],
    [HTTP, { HTTP_PROXY: 'd' }, 'HTTP_PROXY'],
    [HTTP, {}, undefined]
  ])('for %s in %j: %s', (url, env, variable) => {
    expect(proxyVariableFor({ url, env })).toBe(variable)
  })
})

describe('proxyValueProblem', () => {
  it.each([
    ['proxy:3128', 'it has no http:// or https:// before the host'],
    ['user:s3cret@proxy:3128', 'it has no http:// or https:// before the host'],
    ['http://[bad', 'it is not a URL'],
    ['proxy host:3128', 'it is not a URL'],
    [
      'http://user:p%ss@proxy:3128',
      'its user name or password holds a % that starts no %XX escape'
    ],
    [
      'http://us%er:pass@proxy:3128',
      'its user name or password holds a % that starts no %XX escape'
    ]
  ])('%s: %s', (value, problem) => {
    expect(proxyValueProblem({ value })).toBe(problem)
  })
})

describe('unusableProxyWarning', () => {
  const env = { https_proxy: 'http://user:s3cr%et@proxy:3128' }

  it('names the variable, why, where requests go and a usable value, never the password', () => {
    const warning = unusableProxyWarning({ url: HTTPS, env, bypassed: false, proxy: undefined })
    expect(warning).toBe(
      'https_proxy cannot be used: its user name or password holds a % that starts no %XX escape, ' +
        'so requests to gw.example go directly, not through a proxy ' +
        "(@actions/http-client's getProxyUrl, whose conventions the runner's actions follow, cannot use it either); " +
        `set it to a URL such as ${PROXY_EXAMPLE}`
    )
    expect(warning).not.toContain('s3cr')
    expect(PROXY_EXAMPLE).toBe(
      'http://proxy.example:3128, or http://user:p%40ss@proxy.example:3128 with a % or @ of the user name or password written %25 or %40'
    )
  })

  it('says nothing when no variable is set, the host is bypassed, or a proxy is used', () => {
    const proxy = new URL('http://proxy:3128')
    expect(unusableProxyWarning({ url: HTTPS, env: {}, bypassed: false, proxy: undefined })).toBe(
      undefined
    )
    expect(unusableProxyWarning({ url: HTTPS, env, bypassed: true, proxy: undefined })).toBe(
      undefined
    )
    expect(unusableProxyWarning({ url: HTTPS, env, bypassed: false, proxy })).toBe(undefined)
  })
})

describe('under the runner conventions', () => {
  afterEach(() => vi.unstubAllEnvs())

  function stub(env: Record<string, string>): void {
    for (const name of [
      'https_proxy',
      'HTTPS_PROXY',
      'http_proxy',
      'HTTP_PROXY',
      'no_proxy',
      'NO_PROXY'
    ])
      vi.stubEnv(name, env[name] ?? '')
  }

  it('warns about https_proxy without a scheme, which getProxyUrl ignores', () => {
    stub({ https_proxy: 'proxy:3128' })
    expect(runnerProxyFor(HTTPS)).toBeUndefined()
    expect(runnerProxyWarning(HTTPS)).toMatch(
      /^https_proxy cannot be used: it has no http:\/\/ or https:\/\/ before the host, so requests to gw\.example go directly/
    )
  })

  it('warns about a value getProxyUrl cannot parse at all, instead of failing', () => {
    stub({ HTTPS_PROXY: 'proxy host:3128' })
    expect(runnerProxyFor(HTTPS)).toBeUndefined()
    expect(runnerProxyWarning(HTTPS)).toMatch(/^HTTPS_PROXY cannot be used: it is not a URL/)
  })

  it('says nothing for a usable value, one without a scheme getProxyUrl completes, or no_proxy', () => {
    stub({ https_proxy: 'http://user:p%40ss@proxy:3128' })
    expect(runnerProxyWarning(HTTPS)).toBeUndefined()
    stub({ https_proxy: '10.0.0.1:3128' })
    expect(runnerProxyFor(HTTPS)?.host).toBe('10.0.0.1:3128')
    expect(runnerProxyWarning(HTTPS)).toBeUndefined()
    stub({ https_proxy: 'proxy:3128', no_proxy: 'gw.example' })
    expect(runnerProxyWarning(HTTPS)).toBeUndefined()
    stub({ https_proxy: 'proxy:3128' })
    expect(runnerProxyWarning(new URL('http://127.0.0.1:8080/services/v2'))).toBeUndefined()
  })
})
