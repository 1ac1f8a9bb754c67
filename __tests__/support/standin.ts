// What every test that talks to the stand-in shares: its type, fresh IDs that no other test uses,
// the certificate the stand-in issues for an order, the requests it saw for some IDs, and its
// command line.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import {
  DEFAULT_CERTIFICATE_ID_OFFSET,
  type startStandIn
} from '../../standin/certcentral-standin.js'

export type StandIn = Awaited<ReturnType<typeof startStandIn>>

let next = 1_000_000
/** A certificate or order ID not used before in this test process (each file has its own range). */
export function freshId(): string {
  return String(next++)
}

/** The certificate ID the stand-in's Order info names for an issued order (unless scripted). */
export function certificateOf(orderId: string): string {
  return String(Number(orderId) + DEFAULT_CERTIFICATE_ID_OFFSET)
}

/** The requests the stand-in recorded for these IDs, in the order they arrived. */
export function requestsFor(standIn: StandIn, ...ids: string[]): StandIn['requests'] {
  return standIn.requests.filter(r => r.id !== undefined && ids.includes(r.id))
}

/** The stand-in's command line, run to its end: exit status, stdout and stderr. */
export function standInCli(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['standin/certcentral-standin.js', ...args], {
    encoding: 'utf8',
    timeout: 10_000
  })
}
