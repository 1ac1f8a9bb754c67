// Where an ID ends (pure): the fate an answer gives it (fateOf: sent, unsent or failed), and
// whether issued-within skips its certificate (skipFor).
import { CertCentralError } from '../certcentral/errors.js'
import { formatDuration } from '../input/parse.js'
import type { Fate } from '../outcome.js'
import type { RequestKind } from './port.js'
import { isTransient } from './retry.js'

/** Failures that say nothing against the ID and sent nothing: send it again (later, or with a key that works). */
const UNSENT_KINDS: readonly string[] = ['rate-limited', 'unavailable', 'key-refused', 'unreached']

/**
 * Where an ID ends with this answer: sent on a 2xx the client took as CertCentral's answer; unsent
 * when DigiCert said later (429, 503), refused the key, the request never left the runner, or a
 * look-up (which sends nothing) got no definite answer, the runner's cancellation included;
 * failed otherwise (DigiCert refused this ID, a 2xx that is not its answer, or an unknown outcome).
 */
export function fateOf({
  answer,
  request
}: {
  answer: { status: number } | CertCentralError
  /** The request the answer ended: a look-up that got no definite answer sent nothing. */
  request: RequestKind
}): Exclude<Fate, 'validated' | 'skipped'> {
  if (!(answer instanceof CertCentralError)) return 'sent'
  if (request === 'lookup' && (isTransient({ failure: answer }) || answer.kind === 'cancelled'))
    return 'unsent'
  return UNSENT_KINDS.includes(answer.kind) ? 'unsent' : 'failed'
}

/**
 * Whether issued-within skips a certificate: issued (ISO 8601) longer ago than `seconds` before
 * `now` (the wall clock). No limit, or no known issue date, skips nothing. Returns the reason.
 */
export function skipFor({
  issued,
  seconds,
  now
}: {
  issued: string | undefined
  seconds: number | undefined
  now: number
}): string | undefined {
  if (seconds === undefined || issued === undefined) return undefined
  const at = Date.parse(issued)
  if (Number.isNaN(at) || now - at <= seconds * 1000) return undefined
  return `issued on ${new Date(at).toISOString().slice(0, 10)}, longer ago than issued-within (${formatDuration(seconds)}): skipped, not sent`
}
