// An answer judged (src/certcentral/answers.ts), without a server: a response or a transport
// failure in, CertCentral's answer or a CertCentralError out, with its exact message and fields.
// The same judging over real sockets is in integration/certcentral.test.ts.
import { describe, expect, it } from 'vitest'
import {
  MAX_ERRORS_SHOWN,
  explainFailure,
  first,
  judge,
  notAnAnswer,
  unreadable
} from '../../../src/certcentral/answers.js'
import { MAY_HAVE_BEEN_SENT, type FailureKind } from '../../../src/certcentral/errors.js'
import { UNAVAILABLE_HINT } from '../../../src/certcentral/hints.js'
import { TransportError, type RawResponse } from '../../../src/certcentral/transport.js'
import { Sanitizer } from '../../../src/sanitize.js'

const KEY = 'K7QX2M9ZP4RT8WL5NC3HV6JB1DF0GSYA'
const sanitizer = new Sanitizer([KEY])
const idInput = 'certificate-id'
const host = 'www.digicert.com'
/** Fri, 01 Mar 2024 12:00:00 GMT */
const WALL = Date.UTC(2024, 2, 1, 12)
const wallNow = (): number => WALL

function response(
  status: number,
  text = '',
  headers: RawResponse['headers'] = {},
  truncated = false
): RawResponse {
  return { status, headers, text, truncated }
}

const errorsBody = (...codes: string[]): string =>
  JSON.stringify({ errors: codes.map(code => ({ code, message: `about ${code}` })) })

describe('MAX_ERRORS_SHOWN', () => {
  it('is three', () => {
    expect(MAX_ERRORS_SHOWN).toBe(3)
  })
})

describe('notAnAnswer: a 2xx that is not CertCentral’s answer', () => {
  it.each<[string, RawResponse]>([
    ['a 204 to a send', response(204)],
    ['an empty 200 to a send', response(200, ' ')],
    ['{} to a send', response(201, '{}')]
  ])('takes %s', (_, answer) => {
    expect(notAnAnswer({ response: answer, what: 'send', sanitizer, idInput })).toBeUndefined()
  })

  it('takes any body but an HTML page or DigiCert’s errors as a look-up’s answer', () => {
    for (const text of ['', '{"status":"issued"}', 'text'])
      expect(
        notAnAnswer({ response: response(200, text), what: 'the order list', sanitizer, idInput })
      ).toBeUndefined()
  })

  it.each<[string, RawResponse, string, string]>([
    [
      'a body cut off',
      response(200, '{', {}, true),
      'send',
      "HTTP 200 but the answer is too large to be CertCentral's answer (cut off after 1 MiB), so the email was most likely not sent; check api-url and the network"
    ],
    [
      'a look-up’s body cut off',
      response(200, '{', {}, true),
      'the order list',
      "HTTP 200 but the order list is too large to be CertCentral's answer (cut off after 1 MiB); check api-url and the network"
    ],
    [
      'an HTML page by its Content-Type',
      response(200, 'Sign in', { 'content-type': 'text/HTML; charset=utf-8' }),
      'send',
      "HTTP 200 but the answer is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; body: Sign in), so the email was most likely not sent; check api-url and the network"
    ],
    [
      'an HTML page by its first character',
      response(200, ' \n<html>'),
      'the Order info of order 5',
      "HTTP 200 but the Order info of order 5 is not CertCentral's answer (an HTML page: a sign-in page or a gateway?; body: <html>); check api-url and the network"
    ],
    [
      'DigiCert’s errors in a send’s 2xx',
      response(200, errorsBody('not_found')),
      'send',
      "HTTP 200 but the answer carries DigiCert's errors (not_found: about not_found), so it is not taken as sent; check certificate-id, and region if the account is on CertCentral Europe"
    ],
    [
      'DigiCert’s errors without a hint in a look-up’s 2xx',
      response(200, errorsBody('odd')),
      'the order list',
      "HTTP 200 but the order list carries DigiCert's errors (odd: about odd)"
    ],
    [
      'another body to a send',
      response(200, `{"message":"${KEY}"}`),
      'send',
      `HTTP 200, an answer CertCentral does not give to a send (${MAY_HAVE_BEEN_SENT}): body: {"message":"***"}; check api-url and the network`
    ]
  ])('refuses %s', (_, answer, what, message) => {
    const error = notAnAnswer({ response: answer, what, sanitizer, idInput })
    expect(error).toMatchObject({ message, kind: 'bad-success', status: answer.status })
  })

  it('carries the codes and the hint of DigiCert’s errors', () => {
    const answer = response(200, errorsBody('not_found|order'))
    expect(notAnAnswer({ response: answer, what: 'send', sanitizer, idInput })).toMatchObject({
      codes: ['not_found|order'],
      hint: 'check order-id, and region if the account is on CertCentral Europe'
    })
  })
})

describe('unreadable', () => {
  it.each<[RawResponse, string]>([
    [response(200, '[]'), 'HTTP 200: the order list is not one (body: []); check api-url'],
    [response(200, ''), 'HTTP 200: the order list is not one (empty body); check api-url'],
    [
      response(200, ' ', {}, true),
      'HTTP 200: the order list is not one (body (cut off after 64 KiB): empty); check api-url'
    ]
  ])('names what came: %j', (answer, message) => {
    const error = unreadable({ response: answer, problem: 'the order list is not one', sanitizer })
    expect(error).toMatchObject({ message, kind: 'bad-success', status: 200, codes: [] })
  })
})

describe('judge: an answer that is not a 2xx', () => {
  const judged = (answer: RawResponse, sends = true) =>
    judge({ response: answer, sends, sanitizer, idInput, host, wallNow })

  it.each<[string, RawResponse, boolean, string, FailureKind, string | undefined]>([
    [
      'a redirect, never followed',
      response(302, '', { location: `https://evil.example/?k=${KEY}\n::error::x` }),
      true,
      'HTTP 302: CertCentral answered with a redirect to https://evil.example/?k=*** ::error::x, which is not followed so the API key stays with www.digicert.com; check api-url',
      'redirect',
      undefined
    ],
    [
      'a redirect without a Location',
      response(307),
      true,
      'HTTP 307: CertCentral answered with a redirect to (none), which is not followed so the API key stays with www.digicert.com; check api-url',
      'redirect',
      undefined
    ],
    [
      'a 401, whatever its code',
      response(401, errorsBody('odd')),
      true,
      'HTTP 401: odd: about odd; the API key is wrong, revoked or expired: create one in CertCentral (Automation › API keys) and update the secret',
      'key-refused',
      'the API key is wrong, revoked or expired: create one in CertCentral (Automation › API keys) and update the secret'
    ],
    [
      'a missing permission',
      response(403, errorsBody('access_denied|missing_permission')),
      true,
      'HTTP 403: access_denied|missing_permission: about access_denied|missing_permission; a View Only key, or a user without the role: use a key without the View Only restriction whose user may manage this certificate or order',
      'permission',
      'a View Only key, or a user without the role: use a key without the View Only restriction whose user may manage this certificate or order'
    ],
    [
      'a 404 that is not DigiCert’s',
      response(404, 'Not Found'),
      false,
      'HTTP 404: body: Not Found; the URL is wrong: check that api-url ends in /services/v2',
      'http',
      'the URL is wrong: check that api-url ends in /services/v2'
    ],
    [
      'a 404 with DigiCert’s errors',
      response(404, errorsBody('odd')),
      false,
      'HTTP 404: odd: about odd',
      'http',
      undefined
    ],
    [
      'a 5xx to a send',
      response(500),
      true,
      `HTTP 500 (${MAY_HAVE_BEEN_SENT}): empty body`,
      'http',
      undefined
    ],
    ['a 5xx to a look-up', response(502), false, 'HTTP 502: empty body', 'http', undefined]
  ])('%s', (_, answer, sends, message, kind, hint) => {
    const error = judged(answer, sends)
    expect(error).toMatchObject({ message, kind, status: answer.status, hint })
  })

  it('lists three of DigiCert’s errors and counts the rest', () => {
    const error = judged(response(400, errorsBody('a', 'b', 'c', 'd', 'e')))
    expect(error.message).toBe('HTTP 400: a: about a; b: about b; c: about c; and 2 more errors')
    expect(error.codes).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it.each<[string, RawResponse, string, number | undefined]>([
    [
      'a 429 with Retry-After in seconds',
      response(429, errorsBody('request_limit_exceeded'), { 'retry-after': '7' }),
      'HTTP 429: DigiCert rate-limited this API key (request_limit_exceeded: about request_limit_exceeded); it asked to wait 7 s',
      7
    ],
    [
      'a 503 with an HTTP date, read against the wall clock',
      response(503, '', { 'retry-after': 'Fri, 01 Mar 2024 12:01:00 GMT' }),
      'HTTP 503: CertCentral is unavailable, maybe for maintenance (empty body); it asked to wait 60 s',
      60
    ],
    [
      'a 503 with an HTTP date, read against its own Date',
      response(503, '', {
        'retry-after': 'Fri, 01 Mar 2024 13:00:30 GMT',
        date: 'Fri, 01 Mar 2024 13:00:00 GMT'
      }),
      'HTTP 503: CertCentral is unavailable, maybe for maintenance (empty body); it asked to wait 30 s',
      30
    ],
    [
      'a 429 with an unreadable Retry-After',
      response(429, '', { 'retry-after': `soon ${KEY}` }),
      'HTTP 429: DigiCert rate-limited this API key (empty body); its Retry-After "soon ***" is not a number of seconds or a date, so it counts as absent',
      undefined
    ]
  ])('says "later" for %s', (_, answer, message, wait) => {
    const error = judged(answer)
    expect(error).toMatchObject({ message, status: answer.status, retryAfterSeconds: wait })
    expect(error.kind).toBe(answer.status === 429 ? 'rate-limited' : 'unavailable')
    expect(error.hint).toBe(
      answer.status === 429
        ? 'the key is over 100 requests per 5 s or 1000 per 3 min (other jobs using it count too): wait retry-after seconds and send unsent-ids again, or set max-retries'
        : UNAVAILABLE_HINT
    )
  })
})

describe('explainFailure: a request that brought no answer', () => {
  const failure = (
    kind: TransportError['kind'],
    status: number | null,
    reached: boolean
  ): TransportError =>
    new TransportError({ kind, status, code: 'ECODE', detail: `detail ${KEY}\nx`, reached })
  const explained = (error: unknown, sends = true) =>
    explainFailure({ error, sends, sanitizer, host, timeoutMs: 2500 })

  it.each<[string, TransportError, boolean, FailureKind, string]>([
    [
      'a connection that never opened',
      failure('network', null, false),
      true,
      'unreached',
      "could not reach www.digicert.com (ECODE: detail *** x): nothing was sent; check the runner's network, proxy and api-url, then send it again"
    ],
    [
      'a cancellation before the request left',
      failure('cancelled', null, false),
      true,
      'unreached',
      "cancelled before the request left the runner: nothing was sent; check the runner's network, proxy and api-url, then send it again"
    ],
    [
      'a send timed out',
      failure('timeout', null, true),
      true,
      'timeout',
      `timed out after 2.5 s waiting for www.digicert.com; ${MAY_HAVE_BEEN_SENT}, or raise timeout-seconds`
    ],
    [
      'a look-up timed out after its status',
      failure('timeout', 200, true),
      false,
      'timeout',
      'timed out after 2.5 s waiting for www.digicert.com (HTTP 200 arrived, its body did not); raise timeout-seconds if it persists'
    ],
    [
      'a send cancelled in flight',
      failure('cancelled', null, true),
      true,
      'cancelled',
      `cancelled while the request was in flight; ${MAY_HAVE_BEEN_SENT}`
    ],
    [
      'a look-up cancelled in flight',
      failure('cancelled', null, true),
      false,
      'cancelled',
      'cancelled while a look-up was in flight: nothing was sent; send it again'
    ],
    [
      'a protocol switch',
      failure('protocol', 101, true),
      true,
      'network',
      'HTTP 101: www.digicert.com switched protocols instead of answering; check api-url'
    ],
    [
      'a send’s connection that failed',
      failure('network', null, true),
      true,
      'network',
      `the connection to www.digicert.com failed (ECODE: detail *** x); check the runner's network, proxy and api-url; ${MAY_HAVE_BEEN_SENT}`
    ],
    [
      'a look-up’s body cut by a reset',
      failure('network', 200, true),
      false,
      'network',
      'HTTP 200 from www.digicert.com, then the connection failed while reading its body (ECODE: detail *** x)'
    ]
  ])('%s', (_, error, sends, kind, message) => {
    const explainedError = explained(error, sends)
    expect(explainedError).toMatchObject({ message, kind, status: error.status, codes: [] })
    expect(explainedError.cause).toBe(error)
  })

  it('blames no network for a failure of its own, and keeps no cause', () => {
    const error = explained(new TypeError(`bug ${KEY}`))
    expect(error).toMatchObject({ message: 'unexpected failure: bug ***', kind: 'network' })
    expect(error.cause).toBeUndefined()
    expect(explained('not an Error').message).toBe('unexpected failure: not an Error')
  })
})

describe('first', () => {
  it.each<[string | string[] | undefined, string | undefined]>([
    ['a', 'a'],
    [['a', 'b'], 'a'],
    [[], undefined],
    [undefined, undefined]
  ])('%j: %j', (value, expected) => {
    expect(first(value)).toBe(expected)
  })
})
