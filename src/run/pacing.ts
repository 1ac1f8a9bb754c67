// When a request may start (pure): the room DigiCert's rate windows leave it (pacingDelayMs), a
// look-up kept to its share of every window and of the slots (lookupShare), so that sends always
// have the other half. The gates (gates.ts: Pacer, Slots) keep the books and wait as this says.
import type { RateWindow } from '../certcentral/api.js'
import type { RequestKind } from './port.js'

/** Added to every window: DigiCert counts arrivals, we count departures. */
export const RATE_MARGIN_MS = 250

/** Look-ups' share of a budget (requests in flight, or a rate window's limit): half, at least 1. */
export function lookupShare({ total }: { total: number }): number {
  return Math.max(1, Math.floor(total / 2))
}

/** The steady pace of look-ups their half of every window allows, as ms between two. */
export function lookupSpacingMs({ windows }: { windows: readonly RateWindow[] }): number {
  return Math.max(...windows.map(w => w.windowMs / lookupShare({ total: w.limit })))
}

export interface PacingInput {
  kind: RequestKind
  now: number
  windows: readonly RateWindow[]
  /** When recent requests of both kinds started, oldest first. */
  starts: readonly number[]
  /** When recent look-ups started, oldest first. */
  lookupStarts: readonly number[]
  /** No request starts before this (a 429's pause). */
  pausedUntil: number
  /** Sends waiting for their turn: look-ups leave them that much room in every window. */
  sendsWaiting: number
  marginMs: number
}

/**
 * Milliseconds until a request of this kind may start, 0 or less when it may start now: after the
 * pause, with room in every window, and for a look-up also under half of every window (less the
 * room the waiting sends need).
 */
export function pacingDelayMs(input: PacingInput): number {
  const { kind, now, windows, starts, lookupStarts, pausedUntil, sendsWaiting, marginMs } = input
  const reserve = kind === 'lookup' ? sendsWaiting : 0
  const waits = [pausedUntil - now]
  for (const { limit, windowMs } of windows) {
    const room = { now, windowMs, marginMs }
    waits.push(untilRoom({ ...room, starts, limit: Math.max(1, limit - reserve) }))
    if (kind === 'lookup') {
      waits.push(untilRoom({ ...room, starts: lookupStarts, limit: lookupShare({ total: limit }) }))
    }
  }
  return Math.max(...waits)
}

/** Until `limit` starts fit in the window again: when the oldest of the last `limit` leaves it. */
function untilRoom(window: {
  starts: readonly number[]
  limit: number
  windowMs: number
  marginMs: number
  now: number
}): number {
  const { starts, limit, windowMs, marginMs, now } = window
  if (starts.length < limit) return -Infinity
  return (starts[starts.length - limit] as number) + windowMs + marginMs - now
}
