// The runner's proxy conventions, as the other actions on a runner follow them: which proxy a
// request goes through (https_proxy, no_proxy, loopback bypass, as @actions/http-client's
// getProxyUrl reads them), and the warning for a proxy variable that is set but cannot be used
// (named, never quoted: it may hold a password). The tunnel itself is in tunnel.ts.
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy'

/** The runner's proxy conventions (https_proxy, no_proxy, loopback bypass) as http-client reads them. */
export function runnerProxyFor(url: URL): URL | undefined {
  let proxy: URL | undefined
  try {
    proxy = getProxyUrl(url)
  } catch {
    // A value without a scheme that is no URL with http:// before it either: no proxy (proxy stays
    // undefined), and runnerProxyWarning says why.
  }
  // getProxyUrl's URL answers username and password already decoded; the CONNECT (tunnel.ts)
  // decodes them once, so hand it a plain URL with the credentials as written in https_proxy.
  return proxy?.hostname ? new URL(proxy.href) : undefined
}

/** What a usable proxy variable looks like, for the warning. */
export const PROXY_EXAMPLE =
  'http://proxy.example:3128, or http://user:p%40ss@proxy.example:3128 with a % or @ of the user name or password written %25 or %40'

/**
 * The proxy variable the runner's conventions read for a request to this URL (https_proxy, else
 * HTTPS_PROXY, for https; http_proxy, else HTTP_PROXY, for http), or undefined when none is set.
 */
export function proxyVariableFor({
  url,
  env
}: {
  url: URL
  env: Record<string, string | undefined>
}): string | undefined {
  const names =
    url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  return names.find(name => (env[name] ?? '') !== '')
}

/**
 * Why a proxy variable's value that gives no proxy cannot be used, in words that never quote it
 * (it may hold a password): no URL at all, no scheme (`proxy:3128` reads as the scheme `proxy:`),
 * or else a `%` that starts no `%XX` escape in the user name or password.
 */
export function proxyValueProblem({ value }: { value: string }): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'it is not a URL'
  }
  if (url.hostname === '') return 'it has no http:// or https:// before the host'
  // A URL with a host that still gives no proxy: decoding its user name or password failed.
  return 'its user name or password holds a % that starts no %XX escape'
}

/**
 * The warning for a proxy variable that is set but gives no proxy (`proxy` undefined although the
 * host is not bypassed), which would otherwise make the request go directly without a word. Names
 * the variable, never its value.
 */
export function unusableProxyWarning({
  url,
  env,
  bypassed,
  proxy
}: {
  url: URL
  env: Record<string, string | undefined>
  bypassed: boolean
  proxy: URL | undefined
}): string | undefined {
  const variable = proxyVariableFor({ url, env })
  if (variable === undefined || bypassed || proxy !== undefined) return undefined
  const problem = proxyValueProblem({ value: env[variable] as string })
  return (
    `${variable} cannot be used: ${problem}, so requests to ${url.host} go directly, not through a proxy ` +
    `(@actions/http-client's getProxyUrl, whose conventions the runner's actions follow, cannot use it either); ` +
    `set it to a URL such as ${PROXY_EXAMPLE}`
  )
}

/** unusableProxyWarning under the runner's conventions and this process's environment. */
export function runnerProxyWarning(url: URL): string | undefined {
  return unusableProxyWarning({
    url,
    env: process.env,
    bypassed: checkBypass(url),
    proxy: runnerProxyFor(url)
  })
}
