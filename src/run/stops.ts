// When the run stops (pure): the stop rules (stopFor) over what they remember of the run
// (StopHistory, plain data the scheduler keeps: afterAttempt after each request, afterResult after
// each ID), and what an ID the stop left unsent is told (unsentError).
import type { CertCentralError } from '../certcentral/errors.js'
import { NOTES_REFUSED_HINT, refusesNotes } from '../certcentral/hints.js'
import { formatDuration } from '../input/parse.js'
import type { RunOutcome } from '../outcome.js'
import { isNotFoundCode } from './finding.js'
import type { RequestUse } from './port.js'

/** Requests in a row without an answer from the host, or IDs in a row with the same error, that stop the run. */
export const STOP_AFTER = 3
/**
 * While orders wait for issuance, requests without an answer stop the run only once the host has
 * been silent this long too: five checks at the longest poll interval (MAX_POLL_MS, 2 min), so a
 * short outage during a long wait is bridged by the next checks.
 */
export const SILENT_BRIDGE_MS = 600_000

/** Why the run stopped early: see RunOutcome. */
export type RunStop = NonNullable<RunOutcome['stop']>

/** The stop rules' words for a 404 that is not DigiCert's: the URL is wrong for every ID alike. */
const NOT_DIGICERT_404 = "api-url's server answered HTTP 404 without DigiCert's errors"

/** What the stop rules remember of the run so far, kept by the scheduler as plain data. */
export interface StopHistory {
  /** Requests in a row, up to the last one, that got no answer from the host (see isSilent). */
  silent: number
  /** When the first of those ended (monotonic ms); undefined when the last request was answered. */
  silentSince: number | undefined
  /**
   * The last IDs that ended (at most STOP_AFTER), latest last: what they were answered that says
   * something of the run, as a stop says it ('DigiCert answered bad_request_format'); '' for none.
   */
  recent: readonly { id: string; error: string }[]
  /** The first STOP_AFTER IDs of the plan (the first tried): how many ended, how many on missing_permission. */
  first: { ended: number; denied: number }
}

export const NO_HISTORY: StopHistory = {
  silent: 0,
  silentSince: undefined,
  recent: [],
  first: { ended: 0, denied: 0 }
}

/**
 * Whether a failure is no answer from the host: never reached, or a request that ran out its
 * deadline, whatever came before (headers that then stall are no answer either).
 */
export function isSilent({ failure }: { failure: CertCentralError }): boolean {
  return failure.kind === 'unreached' || failure.kind === 'timeout'
}

/**
 * The history after one request: an answer of any kind ends a run of silent requests; the first
 * of a run sets when the silence began.
 */
export function afterAttempt({
  history,
  failure,
  now
}: {
  history: StopHistory
  /** The request's failure, undefined when it was answered with a 2xx. */
  failure: CertCentralError | undefined
  /** When the request ended (monotonic ms). */
  now: number
}): StopHistory {
  if (failure === undefined || !isSilent({ failure }))
    return { ...history, silent: 0, silentSince: undefined }
  return { ...history, silent: history.silent + 1, silentSince: history.silentSince ?? now }
}

/** The history after an ID ended (not by a stop): its body-level error, and the first IDs' permissions. */
export function afterResult({
  history,
  id,
  position,
  failure
}: {
  history: StopHistory
  id: string
  /** The ID's place in the plan, 0 first: IDs start in plan order, but may end in any order. */
  position: number
  /** The failure the ID ended on, undefined when it was sent or its order ended it. */
  failure: CertCentralError | undefined
}): StopHistory {
  const error = failure === undefined ? '' : runError(failure)
  const { ended, denied } = history.first
  return {
    ...history,
    recent: [...history.recent, { id, error }].slice(-STOP_AFTER),
    first:
      position < STOP_AFTER
        ? { ended: ended + 1, denied: denied + (failure?.kind === 'permission' ? 1 : 0) }
        : history.first
  }
}

/**
 * What a failure says of the run, as a stop says it: DigiCert's codes (but a not-found of the ID),
 * or a 404 that is not DigiCert's (a wrong api-url); '' when it names the ID only, or is no answer
 * of the server's (a timeout, a refused key, a 429: their own rules).
 */
function runError(failure: CertCentralError): string {
  if (failure.kind !== 'http' && failure.kind !== 'bad-success') return ''
  if (failure.status === 404 && failure.codes.length === 0) return NOT_DIGICERT_404
  if (failure.codes.every(isNotFoundCode)) return ''
  return `DigiCert answered ${[...new Set(failure.codes)].sort().join(', ')}`
}

export type StopEvent =
  | { event: 'cancelled' }
  /** A failed request, after the retry decision, with the history that counts it. */
  | {
      event: 'failure'
      id: string
      /** What the request was for: a note's 403 stops the run (deliver-once cannot record). */
      request?: RequestUse
      failure: CertCentralError
      retried: boolean
      history: StopHistory
      /** When the request ended (monotonic ms). */
      now: number
      /** Whether an order waits for a next check (wait-for-issuance): the silence may be bridged. */
      ordersWaiting: boolean
    }
  /** An ID ended (not by a stop), with the history that counts it. */
  | { event: 'result'; id: string; history: StopHistory }

/**
 * Whether this stops the whole run, and why: the runner's cancellation; a refused key (every
 * other request would be refused too); STOP_AFTER requests in a row with no answer from the host
 * (while orders wait, only once it has been silent SILENT_BRIDGE_MS too: see `silenceStop`);
 * a 429 or 503 not retried; the same body-level error for STOP_AFTER IDs in a row; the first
 * STOP_AFTER IDs all denied for missing_permission; deliver-once's note refused with a 403 that
 * does not refuse the key (refusesNotes: every next send could not be recorded either).
 */
export function stopFor(input: StopEvent): RunStop | undefined {
  if (input.event === 'cancelled') {
    return { reason: 'cancelled', id: undefined, message: 'the run was cancelled' }
  }
  if (input.event === 'result') return stopForResults(input)
  const { id, failure } = input
  if (failure.kind === 'key-refused') return { reason: failure.kind, id, message: failure.message }
  if (input.request === 'note' && refusesNotes(failure.status, failure.codes)) {
    const message = `CertCentral refused deliver-once's note after ${id} was sent (HTTP 403), so the rest were not sent: ${NOTES_REFUSED_HINT}`
    return { reason: 'notes-refused', id, message }
  }
  const silence = silenceStop(input)
  if (silence) return silence
  if (!input.retried && (failure.kind === 'rate-limited' || failure.kind === 'unavailable')) {
    return { reason: failure.kind, id, message: failure.message }
  }
  return undefined
}

/**
 * The host's silence: STOP_AFTER requests in a row without an answer stop the run, built for a
 * host unreachable from the start. While orders wait for a next check, a short outage is bridged:
 * the run stops only once the host has also been silent SILENT_BRIDGE_MS, from the end of the
 * first silent request of the streak.
 */
function silenceStop({
  id,
  failure,
  history,
  now,
  ordersWaiting
}: Extract<StopEvent, { event: 'failure' }>): RunStop | undefined {
  if (history.silent < STOP_AFTER) return undefined
  const last = `so the rest were not tried (the last: ${failure.message})`
  if (!ordersWaiting) {
    const message = `no answer from CertCentral for ${history.silent} requests in a row, ${last}`
    return { reason: 'unreachable', id, message }
  }
  const silentMs = now - (history.silentSince ?? now)
  if (silentMs < SILENT_BRIDGE_MS) return undefined
  const message = `no answer from CertCentral for ${history.silent} requests in a row over ${formatDuration(silentMs / 1000)}, longer than the next checks of the orders waiting could bridge (${formatDuration(SILENT_BRIDGE_MS / 1000)}), ${last}`
  return { reason: 'unreachable', id, message }
}

function stopForResults({
  id,
  history
}: {
  id: string
  history: StopHistory
}): RunStop | undefined {
  const { recent, first } = history
  const [error] = recent.map(r => r.error)
  if (
    error &&
    recent.every(r => r.error === error) &&
    new Set(recent.map(r => r.id)).size === STOP_AFTER
  ) {
    const ids = recent.map(r => r.id).join(', ')
    const message = `${error} for ${STOP_AFTER} IDs in a row (${ids}), so the rest were not sent: fix what it says, then send them again`
    return { reason: 'same-error', id, message }
  }
  if (first.denied === STOP_AFTER) {
    const message = `the first ${STOP_AFTER} IDs tried all got access_denied|missing_permission, so the rest were not sent: use a key whose user may manage them (not View Only), then send them again`
    return { reason: 'missing-permission', id, message }
  }
  return undefined
}

/** The error of an ID the run stopped before it was sent: what stopped it, and how far it got. */
export function unsentError({
  stop,
  noun,
  attempts
}: {
  stop: RunStop
  /** 'certificate' or 'order': what the IDs are. */
  noun: string
  /** Requests made for this ID. */
  attempts: number
}): string {
  const whys: Record<RunStop['reason'], string> = {
    cancelled: 'cancelled',
    'key-refused': `CertCentral refused the API key (${noun} ${stop.id})`,
    'rate-limited': `DigiCert rate-limited the key while sending ${noun} ${stop.id}; run again later for this ID`,
    unavailable: `CertCentral was unavailable (HTTP 503) while sending ${noun} ${stop.id}; run again later for this ID`,
    unreachable: `CertCentral gave no answer to ${STOP_AFTER} requests in a row (the last for ${noun} ${stop.id}); check the runner's network, proxy and api-url, then send it again`,
    'same-error': stop.message,
    'missing-permission': `the first ${STOP_AFTER} ${noun}s tried all got access_denied|missing_permission; use a key whose user may manage them, then send it again`,
    'notes-refused': `CertCentral refused deliver-once's note after ${noun} ${stop.id} was sent (HTTP 403): ${NOTES_REFUSED_HINT}; then send it again`
  }
  const why = whys[stop.reason]
  return attempts === 0 ? `not attempted: ${why}` : `not sent: ${why}`
}
