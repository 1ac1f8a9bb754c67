// What every test that talks to the stand-in shares: its type and fresh IDs that no other test uses.
import type { startStandIn } from '../../standin/certcentral-standin.js'

export type StandIn = Awaited<ReturnType<typeof startStandIn>>

let next = 1_000_000
/** A certificate or order ID not used before in this test process (each file has its own range). */
export function freshId(): string {
  return String(next++)
}
