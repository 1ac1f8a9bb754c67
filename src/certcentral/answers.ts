// An answer judged: from what the transport brought back (a response, or a TransportError) to
// CertCentral's answer or a CertCentralError whose message is safe to show (every byte of the
// answer passes through the sanitizer) and carries DigiCert's codes and a hint. Pure functions of
// one argument object, each given the sanitizer and what else it needs: no request is made here.
import { parseRetryAfter } from './api.js'
import { countDigiCertErrors, isSendAnswer, parseDigiCertErrors } from './bodies.js'
import {
  CertCentralError,
  MAY_HAVE_BEEN_SENT,
  MAY_HAVE_BEEN_WRITTEN,
  type FailureKind
} from './errors.js'
import {
  NOTES_REFUSED_HINT,
  UNAVAILABLE_HINT,
  hintFor,
  lacksPermission,
  refusesKey,
  refusesNotes
} from './hints.js'
import { parseAddedNote } from './note-bodies.js'
import {
  MAX_BODY_BYTES,
  MAX_SUCCESS_BODY_BYTES,
  TransportError,
  type RawResponse
} from './transport.js'
import { SHOWN_CHARS, type Sanitizer } from '../sanitize.js'

/** Errors of one answer listed in a message; the rest are counted. */
export const MAX_ERRORS_SHOWN = 3

/** What every judgement shows through: the one sanitizer. */
interface Shown {
  sanitizer: Pick<Sanitizer, 'text'>
}

/** What a hint depends on: the input that held the ID, and whether a note was asked (see HintContext). */
interface Hinted extends Shown {
  idInput: string
  request?: 'note'
}

/** What is said of a write whose outcome is unknown: a send's, or a note's. */
function mayHaveBeen(request: 'note' | undefined): string {
  return request === 'note' ? MAY_HAVE_BEEN_WRITTEN : MAY_HAVE_BEEN_SENT
}

/**
 * A 2xx that is not CertCentral's answer, as a failure (undefined when it is one): cut off, an
 * HTML page, DigiCert's `errors`, or for a send anything but what isSendAnswer takes (a 204, an
 * empty body or `{}`). `what` is 'send' for an operation's call, else what the body should be
 * (for the message).
 */
export function notAnAnswer({
  response,
  what,
  sanitizer,
  idInput
}: Hinted & { response: RawResponse; what: string }): CertCentralError | undefined {
  const { status, text, truncated } = response
  const sends = what === 'send'
  const lead = `HTTP ${status} but ${sends ? 'the answer' : what}`
  const fail = (message: string, codes?: string[], hint?: string): CertCentralError =>
    new CertCentralError({ message, kind: 'bad-success', status, codes, hint })
  const notSent = sends ? ', so the email was most likely not sent' : ''
  if (truncated) {
    return fail(
      `${lead} is too large to be CertCentral's answer (cut off after ${MAX_SUCCESS_BODY_BYTES / 1024 / 1024} MiB)${notSent}; check api-url and the network`
    )
  }
  if (sends && isSendAnswer(response)) return undefined
  if (isHtml(response)) {
    return fail(
      `${lead} is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; ${bodyShown({ response, sanitizer })})${notSent}; check api-url and the network`
    )
  }
  const errors = errorsOf({ text, sanitizer })
  if (errors) {
    const { codes, detail } = errors
    const hint = hintFor(codes, { idInput })
    const taken = sends ? ', so it is not taken as sent' : ''
    return fail(
      `${lead} carries DigiCert's errors (${detail})${taken}${hint ? `; ${hint}` : ''}`,
      codes,
      hint
    )
  }
  if (sends) {
    // Said before the body, so that shortening a long message cannot drop it.
    return fail(
      `HTTP ${status}, an answer CertCentral does not give to a send (${MAY_HAVE_BEEN_SENT}): ${bodyShown({ response, sanitizer })}; check api-url and the network`
    )
  }
  return undefined
}

/**
 * Add note's 2xx as a failure when it is not CertCentral's answer (undefined when it is one: a body
 * parseAddedNote reads, an `id`): cut off, HTML, DigiCert's `errors` or anything else. The note may
 * have been written (MAY_HAVE_BEEN_WRITTEN), said before the body so that shortening keeps it.
 */
export function notANoteAnswer({
  response,
  sanitizer,
  idInput
}: Hinted & { response: RawResponse }): CertCentralError | undefined {
  const { status, truncated } = response
  if (!truncated && !isHtml(response) && parseAddedNote(response.text) !== undefined)
    return undefined
  const codes = errorsOf({ text: response.text, sanitizer })?.codes ?? []
  const hint = hintFor(codes, { idInput, request: 'note' })
  return new CertCentralError({
    message:
      `HTTP ${status}, an answer CertCentral does not give to Add note (${MAY_HAVE_BEEN_WRITTEN}): ` +
      `${bodyShown({ response, sanitizer })}; check api-url and the network${hint ? `; ${hint}` : ''}`,
    kind: 'bad-success',
    status,
    codes,
    hint
  })
}

/**
 * A look-up's 2xx that is an answer but not the one asked for (`problem`: "the order list is not
 * one", "the Order info of order 5 has no status"), with its body.
 */
export function unreadable({
  response,
  problem,
  sanitizer
}: Shown & { response: RawResponse; problem: string }): CertCentralError {
  return new CertCentralError({
    message: `HTTP ${response.status}: ${problem} (${bodyShown({ response, sanitizer })}); check api-url`,
    kind: 'bad-success',
    status: response.status
  })
}

/** DigiCert's errors in a body, sanitized: their codes and the text that lists them. */
function errorsOf({
  text,
  sanitizer
}: Shown & { text: string }): { codes: string[]; detail: string } | undefined {
  const errors = parseDigiCertErrors(text)
  if (!errors) return undefined
  const codes = errors.map(e => sanitizer.text(e.code, SHOWN_CHARS.errorCode))
  const listed = errors
    .slice(0, MAX_ERRORS_SHOWN)
    .map((e, i) => `${codes[i]}: ${sanitizer.text(e.message, SHOWN_CHARS.message)}`)
    .join('; ')
  const more = countDigiCertErrors(text) - MAX_ERRORS_SHOWN
  return {
    codes,
    detail: listed + (more > 0 ? `; and ${more} more error${more === 1 ? '' : 's'}` : '')
  }
}

/**
 * An answer whose status is not 2xx, as the failure it is: a redirect (never followed), "later"
 * (429, 503), a refused key, a missing permission, or another error status. `host` is the host
 * asked (for a redirect's message); `wallNow` reads the wall clock for an HTTP-date Retry-After.
 */
export function judge({
  response,
  sends,
  sanitizer,
  idInput,
  request,
  host,
  wallNow
}: Hinted & {
  response: RawResponse
  sends: boolean
  host: string
  wallNow: () => number
}): CertCentralError {
  const { status } = response
  const errors = errorsOf({ text: response.text, sanitizer })
  const codes = errors?.codes ?? []
  const detail = errors?.detail ?? bodyShown({ response, sanitizer })
  const context = { idInput, request }
  // A 401 refuses the key whatever its code says (DigiCert documents none for it); a 404 that is
  // not DigiCert's (no errors: empty, HTML, text) is a path it never saw, as not_found|route says;
  // a note's 403 that does not refuse the key refuses notes, whatever its code.
  const hint =
    hintFor(codes, context) ??
    (request === 'note' && refusesNotes(status, codes) ? NOTES_REFUSED_HINT : undefined) ??
    (status === 401 ? hintFor(['access_denied|access_denied_invalid_key'], context) : undefined) ??
    (status === 404 && !errors ? hintFor(['not_found|route'], context) : undefined)
  const withHint = (text: string): string => (hint ? `${text}; ${hint}` : text)

  if (status >= 300 && status < 400) return redirected({ response, codes, host, sanitizer })
  if (status === 429 || status === 503)
    return later({ response, codes, detail, sanitizer, idInput, wallNow })
  const kind = refusesKey(status, codes)
    ? 'key-refused'
    : lacksPermission(status, codes)
      ? 'permission'
      : 'http'
  // A server error after the request was written: DigiCert may have acted on it.
  // Said before the body, so that shortening a long message cannot drop it.
  const unknown = sends && status >= 500 ? ` (${mayHaveBeen(request)})` : ''
  return new CertCentralError({
    message: withHint(`HTTP ${status}${unknown}: ${detail}`),
    kind,
    status,
    codes,
    hint
  })
}

/** A 3xx: never followed, so that the key stays with the host asked. */
function redirected({
  response,
  codes,
  host,
  sanitizer
}: Shown & { response: RawResponse; codes: string[]; host: string }): CertCentralError {
  const { status, headers } = response
  const location = headers.location
    ? sanitizer.text(headers.location, SHOWN_CHARS.message)
    : '(none)'
  return new CertCentralError({
    message:
      `HTTP ${status}: CertCentral answered with a redirect to ${location}, which is not followed ` +
      `so the API key stays with ${host}; check api-url`,
    kind: 'redirect',
    status,
    codes
  })
}

/** A 429 or 503: DigiCert said "later", maybe with a Retry-After (read against its Date). */
function later({
  response,
  codes,
  detail,
  sanitizer,
  idInput,
  wallNow
}: Hinted & {
  response: RawResponse
  codes: string[]
  detail: string
  wallNow: () => number
}): CertCentralError {
  const { status, headers } = response
  const header = first(headers['retry-after'])
  const wait = parseRetryAfter(header, wallNow(), first(headers.date))
  const asked =
    wait !== undefined
      ? `; it asked to wait ${wait} s`
      : header !== undefined
        ? `; its Retry-After ${JSON.stringify(sanitizer.text(header, SHOWN_CHARS.quotedHeader))} is not a number of seconds or a date, so it counts as absent`
        : ''
  const limited = status === 429
  return new CertCentralError({
    message: limited
      ? `HTTP 429: DigiCert rate-limited this API key (${detail})${asked}`
      : `HTTP 503: CertCentral is unavailable, maybe for maintenance (${detail})${asked}`,
    kind: limited ? 'rate-limited' : 'unavailable',
    status,
    codes,
    hint: limited ? hintFor(['request_limit_exceeded'], { idInput }) : UNAVAILABLE_HINT,
    retryAfterSeconds: wait
  })
}

/** A body as a message shows it: sanitized and bounded, with a mark when the transport cut it. */
function bodyShown({ response, sanitizer }: Shown & { response: RawResponse }): string {
  // The marker goes first, so that shortening the message later cannot drop it.
  const label = response.truncated ? `body (cut off after ${MAX_BODY_BYTES / 1024} KiB)` : 'body'
  if (response.text.trim() === '') return response.truncated ? `${label}: empty` : 'empty body'
  return `${label}: ${sanitizer.text(response.text, SHOWN_CHARS.body)}`
}

/**
 * A request that brought no answer, as a CertCentralError that keeps the TransportError as its
 * cause: nothing sent when it never left the runner (`unreached`), else a timeout, a cancellation
 * or a network failure, said to maybe have sent a send. Anything but a TransportError is a bug of
 * ours. `host` and `timeoutMs` (the transport's deadline) are for the message.
 */
export function explainFailure({
  error,
  sends,
  sanitizer,
  host,
  timeoutMs,
  request
}: Shown & {
  error: unknown
  sends: boolean
  host: string
  timeoutMs: number
  /** `note` for a note's request: its unknown outcome is said of the note. */
  request?: 'note'
}): CertCentralError {
  if (!(error instanceof TransportError)) {
    // A bug of ours, not the network's: say so rather than blame the connection.
    const text = sanitizer.text(error instanceof Error ? error.message : error)
    return new CertCentralError({ message: `unexpected failure: ${text}`, kind: 'network' })
  }
  const kind: FailureKind = !error.reached
    ? 'unreached'
    : error.kind === 'protocol'
      ? 'network'
      : error.kind
  return new CertCentralError(
    {
      message: failureMessage({ error, sends, sanitizer, host, timeoutMs, request }),
      kind,
      status: error.status
    },
    { cause: error }
  )
}

/** What explainFailure says of a TransportError, its system text sanitized. */
function failureMessage({
  error,
  sends,
  sanitizer,
  host,
  timeoutMs,
  request
}: Shown & {
  error: TransportError
  sends: boolean
  host: string
  timeoutMs: number
  request?: 'note'
}): string {
  const { status } = error
  const detail = sanitizer.text(error.detail, SHOWN_CHARS.message)
  const code = sanitizer.text(error.code, SHOWN_CHARS.systemCode)
  if (!error.reached) {
    const what =
      error.kind === 'cancelled'
        ? 'cancelled before the request left the runner'
        : `could not reach ${host} (${code}: ${detail})`
    return `${what}: nothing was sent; check the runner's network, proxy and api-url, then send it again`
  }
  const unknown = sends ? `; ${mayHaveBeen(request)}` : ''
  switch (error.kind) {
    case 'timeout':
      return (
        `timed out after ${timeoutMs / 1000} s waiting for ${host}` +
        (status ? ` (HTTP ${status} arrived, its body did not)` : '') +
        (sends
          ? `; ${mayHaveBeen(request)}, or raise timeout-seconds`
          : '; raise timeout-seconds if it persists')
      )
    case 'cancelled':
      return sends
        ? `cancelled while the request was in flight${unknown}`
        : 'cancelled while a look-up was in flight: nothing was sent; send it again'
    case 'protocol':
      return `HTTP ${status}: ${host} switched protocols instead of answering; check api-url`
    case 'network':
      return (
        (status === null
          ? `the connection to ${host} failed (${code}: ${detail}); check the runner's network, proxy and api-url`
          : `HTTP ${status} from ${host}, then the connection failed while reading its body (${code}: ${detail})`) +
        unknown
      )
  }
}

function isHtml({ headers, text }: RawResponse): boolean {
  return /html/i.test(first(headers['content-type']) ?? '') || text.trimStart().startsWith('<')
}

/** A header's value, the first when Node gives a list. */
export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
