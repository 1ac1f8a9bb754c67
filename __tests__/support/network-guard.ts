// The network guard every test that runs the action shares: this process may look up no name, and
// each child \`node dist/index.js\` runs with a preload that refuses DNS and any connection beyond
// loopback, saying so on stderr (which the tests require to be empty).
import dns from 'node:dns'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A preload for every child: no DNS lookup, no connection beyond loopback; both told on stderr. */
export const GUARD = `
import dns from 'node:dns'
import net from 'node:net'
const loopback = host =>
  net.isIPv4(host) ? host.startsWith('127.') : host === '::1' || host === '0:0:0:0:0:0:0:1'
const report = what => process.stderr.write('network guard: ' + what + '\\n')
const realLookup = dns.lookup
dns.lookup = function (hostname, ...rest) {
  if (net.isIP(String(hostname))) return realLookup.call(dns, hostname, ...rest)
  report('DNS lookup of ' + hostname)
  const callback = rest.at(-1)
  const error = Object.assign(new Error('network guard: no DNS lookup of ' + hostname), { code: 'EGUARD' })
  process.nextTick(() => callback(error))
  return {}
}
const realConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  const host =
    first !== null && typeof first === 'object'
      ? first.path ? undefined : String(first.host ?? 'localhost')
      : typeof args[1] === 'string' ? args[1] : 'localhost'
  if (host !== undefined && net.isIP(host) && !loopback(host)) {
    report('connection to ' + host)
    const error = Object.assign(new Error('network guard: no connection to ' + host), { code: 'EGUARD' })
    process.nextTick(() => this.destroy(error))
    return this
  }
  return realConnect.apply(this, args)
}
`

export interface NetworkGuard {
  /** Node flags that load the guard into a child. */
  childArgs: string[]
  /** The folder the preload lives in, for other preloads of a test. */
  dir: string
  /** Restores dns.lookup, removes the preload, and returns the names this process tried to look up. */
  uninstall(): string[]
}

/** Refuses DNS lookups in this process (recording them) and writes the children's preload. */
export function installNetworkGuard(): NetworkGuard {
  const lookups: string[] = []
  const realLookup = dns.lookup
  Object.assign(dns, {
    lookup: (hostname: string, ...rest: unknown[]) => {
      if (isIP(hostname)) return (realLookup as (...args: unknown[]) => void)(hostname, ...rest)
      lookups.push(hostname)
      const callback = rest.at(-1) as (error: Error) => void
      process.nextTick(() => callback(new Error(`test: no DNS lookup allowed (${hostname})`)))
    }
  })
  const dir = mkdtempSync(join(tmpdir(), 'certcentral-guard-'))
  const file = join(dir, 'network-guard.mjs')
  writeFileSync(file, GUARD)
  return {
    childArgs: ['--import', pathToFileURL(file).href],
    dir,
    uninstall: () => {
      Object.assign(dns, { lookup: realLookup })
      rmSync(dir, { recursive: true, force: true })
      return lookups
    }
  }
}
