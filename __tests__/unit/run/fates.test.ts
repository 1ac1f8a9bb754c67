// The fate rules of fates.ts (fateOf, skipFor), each called directly with one argument object:
// tables of cases with the exact answer each gives.
import { describe, expect, it } from 'vitest'
import { CertCentralError } from '../../../src/certcentral/errors.js'
import { fateOf, skipFor } from '../../../src/run/fates.js'
import { failure, keyRefused, notFound, rateLimited } from '../../support/scripted-certcentral.js'

describe('fateOf', () => {
  it.each<[string, { status: number } | CertCentralError, string]>([
    ['a 204', { status: 204 }, 'sent'],
    ['a 200', { status: 200 }, 'sent'],
    ['a 429', rateLimited(30), 'unsent'],
    ['a 503', failure('unavailable', 503), 'unsent'],
    ['a refused key', keyRefused(), 'unsent'],
    ['a request that never reached CertCentral', failure('unreached'), 'unsent'],
    ['a 404', notFound(), 'failed'],
    ['a missing permission', failure('permission', 403), 'failed'],
    ['a 2xx that is not CertCentral’s answer', failure('bad-success', 200), 'failed'],
    ['a 502', failure('http', 502), 'failed'],
    ['a timeout', failure('timeout'), 'failed'],
    ['a network failure', failure('network'), 'failed'],
    ['a redirect', failure('redirect', 301), 'failed'],
    ['a cancelled request', failure('cancelled'), 'failed']
  ])('%s: %s', (_, answer, expected) => {
    expect(fateOf({ answer, request: 'send' })).toBe(expected)
  })

  it.each<[string, CertCentralError, string]>([
    ['a 502', failure('http', 502), 'unsent'],
    ['a 408', failure('http', 408), 'unsent'],
    ['a timeout', failure('timeout'), 'unsent'],
    ['a reset', failure('network'), 'unsent'],
    ['a request that never reached CertCentral', failure('unreached'), 'unsent'],
    ['a 404', notFound(), 'failed'],
    ['a missing permission', failure('permission', 403), 'failed'],
    ['an Order info that is not one', failure('bad-success', 200), 'failed'],
    ['a redirect', failure('redirect', 301), 'failed'],
    ['the runner’s cancellation while it was in flight', failure('cancelled'), 'unsent'],
    ['the runner’s cancellation after its headers', failure('cancelled', 200), 'unsent']
  ])('a look-up that ended on %s: %s (a look-up sends nothing)', (_, answer, expected) => {
    expect(fateOf({ answer, request: 'lookup' })).toBe(expected)
  })
})

const NOW = Date.parse('2026-06-01T00:00:00Z')

describe('skipFor', () => {
  it('skips a certificate issued longer ago than issued-within, saying when', () => {
    expect(skipFor({ issued: '2026-05-30T23:59:59Z', seconds: 86_400, now: NOW })).toBe(
      'issued on 2026-05-30, longer ago than issued-within (1 d): skipped, not sent'
    )
  })

  it('not one issued within it (the bound included), nor without a limit or a usable date', () => {
    expect(skipFor({ issued: '2026-05-31T00:00:00Z', seconds: 86_400, now: NOW })).toBeUndefined()
    expect(skipFor({ issued: '2026-01-01', seconds: undefined, now: NOW })).toBeUndefined()
    expect(skipFor({ issued: undefined, seconds: 60, now: NOW })).toBeUndefined()
    expect(skipFor({ issued: 'yesterday', seconds: 60, now: NOW })).toBeUndefined()
  })
})
