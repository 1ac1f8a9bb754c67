// The retry rules of retry.ts, each called directly with one argument object: tables of cases
// with the exact answer each gives. How the scheduler sequences them is in scheduler.test.ts.
import { describe, expect, it } from 'vitest'
import { CertCentralError } from '../../../src/certcentral/errors.js'
import {
  BACKOFF_BASE_MS,
  LOOKUP_RETRIES,
  LOOKUP_RETRY_MS,
  MAX_PAUSE_SECONDS,
  MIN_RETRY_WAIT_MS,
  backoffMs,
  isTransient,
  retryDecision,
  type RetryInput
} from '../../../src/run/retry.js'
import { failure, keyRefused, notFound, rateLimited } from '../../support/scripted-certcentral.js'

describe('the constants the rules use', () => {
  it('keeps their values', () => {
    expect({
      BACKOFF_BASE_MS,
      MAX_PAUSE_SECONDS
    }).toEqual({
      BACKOFF_BASE_MS: 5_000,
      MAX_PAUSE_SECONDS: 300
    })
  })
})

describe('backoffMs', () => {
  it('starts at 5 s and doubles, with up to 50 % jitter', () => {
    expect(backoffMs({ retry: 1, random: 0 })).toBe(BACKOFF_BASE_MS)
    expect(backoffMs({ retry: 1, random: 0.5 })).toBe(6_250)
    expect(backoffMs({ retry: 1, random: 1 })).toBe(7_500)
    expect(backoffMs({ retry: 2, random: 0 })).toBe(10_000)
    expect(backoffMs({ retry: 3, random: 0.5 })).toBe(25_000)
    expect(backoffMs({ retry: 6, random: 1 })).toBe(240_000)
  })

  it('never waits more than 300 s, whatever the retry', () => {
    expect(backoffMs({ retry: 7, random: 0 })).toBe(300_000)
    expect(backoffMs({ retry: 10, random: 1 })).toBeLessThanOrEqual(300_000)
    expect(backoffMs({ retry: 10, random: 1 })).toBe(300_000)
    expect(backoffMs({ retry: 2_000, random: 1 })).toBe(300_000)
    for (let retry = 1; retry <= 60; retry++) {
      for (const random of [0, 0.5, 0.999, 1]) {
        const ms = backoffMs({ retry, random })
        expect(ms).toBeGreaterThanOrEqual(BACKOFF_BASE_MS)
        expect(ms).toBeLessThanOrEqual(300_000)
      }
    }
  })
})

describe('retryDecision', () => {
  const input = (more: Partial<RetryInput>): RetryInput => ({
    failure: rateLimited(),
    request: 'send',
    waiting: false,
    retry: 0,
    maxRetries: 3,
    runStopped: false,
    now: 1_000,
    random: 0.5,
    pausedMs: 0,
    pauseEnd: 0,
    ...more
  })

  it.each<[string, Partial<RetryInput>]>([
    ['a 404', { failure: notFound() }],
    ['a refused key', { failure: keyRefused() }],
    ['a timeout', { failure: failure('timeout') }],
    ['a network failure', { failure: failure('network') }],
    ['a 500', { failure: failure('http', 500) }],
    ['a 502', { failure: failure('http', 502) }],
    ['a request that never reached CertCentral', { failure: failure('unreached') }],
    ['a missing permission', { failure: failure('permission', 403) }],
    ['a 2xx that is not an answer', { failure: failure('bad-success', 200) }],
    ['a redirect', { failure: failure('redirect', 302) }],
    ['a cancelled request', { failure: failure('cancelled') }],
    ['a look-up’s 404', { failure: notFound(), request: 'lookup' }],
    ['a look-up’s 400', { failure: failure('http', 400), request: 'lookup' }],
    [
      'a look-up’s 2xx that is not Order info',
      { failure: failure('bad-success', 200), request: 'lookup' }
    ],
    ['a look-up cancelled', { failure: failure('cancelled'), request: 'lookup' }],
    ['a look-up’s redirect', { failure: failure('redirect', 302), request: 'lookup' }],
    ['a note’s 500', { failure: failure('http', 500), request: 'note' }],
    ['a note’s 502', { failure: failure('http', 502), request: 'note' }],
    ['a note’s 408', { failure: failure('http', 408), request: 'note' }],
    ['a note’s timeout', { failure: failure('timeout'), request: 'note' }],
    ['a note’s reset', { failure: failure('network'), request: 'note' }],
    ['a note never sent', { failure: failure('unreached'), request: 'note' }],
    ['a note refused', { failure: failure('permission', 403), request: 'note' }],
    [
      'a note’s 2xx that is not an answer',
      { failure: failure('bad-success', 201), request: 'note' }
    ]
  ])(
    'never retries a send but for a 429 or 503, nor a look-up’s definite answer: %s',
    (_, more) => {
      expect(retryDecision(input(more))).toStrictEqual({
        retry: false,
        why: 'not-retryable',
        appended: ''
      })
    }
  )

  it.each<[string, Partial<RetryInput>, ReturnType<typeof retryDecision>]>([
    [
      'no retries allowed',
      { maxRetries: 0, failure: rateLimited(1) },
      { retry: false, why: 'max-retries', appended: '' }
    ],
    [
      'every retry made',
      { retry: 3, failure: rateLimited(1) },
      { retry: false, why: 'max-retries', appended: '' }
    ],
    [
      'the run stopped',
      { runStopped: true, failure: rateLimited(1) },
      { retry: false, why: 'run-stopped', appended: '' }
    ],
    [
      'a Retry-After over 300 s',
      { failure: rateLimited(301) },
      { retry: false, why: 'wait-too-long', appended: ', longer than the 300 s this action waits' }
    ],
    [
      'a pause past max-retries × 300 s in all',
      { maxRetries: 1, pausedMs: 300_000, pauseEnd: 1_000, failure: rateLimited(1) },
      {
        retry: false,
        why: 'pause-budget-used',
        appended: '; the run already waited 5 min for 429s and 503s, the most max-retries allows'
      }
    ],
    [
      'a pause 1 ms past max-retries × 300 s in all',
      { maxRetries: 2, pausedMs: 301_000, failure: rateLimited(300) },
      {
        retry: false,
        why: 'pause-budget-used',
        appended:
          '; the run already waited 5 min 1 s for 429s and 503s, the most max-retries allows'
      }
    ]
  ])('gives a 429 up when %s, saying why', (_, more, expected) => {
    expect(retryDecision(input(more))).toStrictEqual(expected)
  })

  it.each<[string, Partial<RetryInput>, ReturnType<typeof retryDecision>]>([
    [
      'after exactly the Retry-After',
      { failure: rateLimited(12) },
      {
        retry: true,
        waitMs: 12_000,
        until: 13_000,
        pauseRun: true,
        pausedMs: 12_000,
        pauseEnd: 13_000
      }
    ],
    [
      'after a Retry-After of 300 s',
      { failure: rateLimited(300) },
      {
        retry: true,
        waitMs: 300_000,
        until: 301_000,
        pauseRun: true,
        pausedMs: 300_000,
        pauseEnd: 301_000
      }
    ],
    [
      'after 1 s at least, for a Retry-After of 0 s (or a date past)',
      { failure: rateLimited(0) },
      { retry: true, waitMs: 1_000, until: 2_000, pauseRun: true, pausedMs: 1_000, pauseEnd: 2_000 }
    ],
    [
      'after 2 s at least on the second retry',
      { retry: 1, failure: rateLimited(1) },
      { retry: true, waitMs: 2_000, until: 3_000, pauseRun: true, pausedMs: 2_000, pauseEnd: 3_000 }
    ],
    [
      'after 4 s at least on the third retry',
      { retry: 2, failure: rateLimited(0) },
      { retry: true, waitMs: 4_000, until: 5_000, pauseRun: true, pausedMs: 4_000, pauseEnd: 5_000 }
    ],
    [
      'after its Retry-After when longer than the least wait',
      { retry: 2, failure: rateLimited(5) },
      { retry: true, waitMs: 5_000, until: 6_000, pauseRun: true, pausedMs: 5_000, pauseEnd: 6_000 }
    ],
    [
      'after at most 300 s however many retries were made',
      { retry: 9, maxRetries: 10, failure: rateLimited(0) },
      {
        retry: true,
        waitMs: 300_000,
        until: 301_000,
        pauseRun: true,
        pausedMs: 300_000,
        pauseEnd: 301_000
      }
    ],
    [
      'as a 503 with Retry-After, on a look-up too',
      {
        request: 'lookup',
        failure: new CertCentralError({
          message: 'HTTP 503',
          kind: 'unavailable',
          status: 503,
          retryAfterSeconds: 7
        })
      },
      { retry: true, waitMs: 7_000, until: 8_000, pauseRun: true, pausedMs: 7_000, pauseEnd: 8_000 }
    ],
    [
      'after the first backoff, with its jitter, without a Retry-After',
      {},
      { retry: true, waitMs: 6_250, until: 7_250, pauseRun: true, pausedMs: 6_250, pauseEnd: 7_250 }
    ],
    [
      'after the third backoff on the last retry allowed',
      { retry: 2, random: 1 },
      {
        retry: true,
        waitMs: 30_000,
        until: 31_000,
        pauseRun: true,
        pausedMs: 30_000,
        pauseEnd: 31_000
      }
    ],
    [
      'counting only what extends a pause under way',
      { pausedMs: 10_000, pauseEnd: 11_000, failure: rateLimited(30) },
      {
        retry: true,
        waitMs: 30_000,
        until: 31_000,
        pauseRun: true,
        pausedMs: 30_000,
        pauseEnd: 31_000
      }
    ],
    [
      'counting nothing for a wait inside a pause under way, which it leaves as it is',
      { maxRetries: 1, pausedMs: 300_000, pauseEnd: 400_000, failure: rateLimited(300) },
      {
        retry: true,
        waitMs: 300_000,
        until: 301_000,
        pauseRun: true,
        pausedMs: 300_000,
        pauseEnd: 400_000
      }
    ],
    [
      'counting the whole wait after a pause that is over',
      { now: 10_000, pausedMs: 5_000, pauseEnd: 5_000, failure: rateLimited(2) },
      {
        retry: true,
        waitMs: 2_000,
        until: 12_000,
        pauseRun: true,
        pausedMs: 7_000,
        pauseEnd: 12_000
      }
    ],
    [
      'up to exactly max-retries × 300 s in all',
      { maxRetries: 2, pausedMs: 300_000, failure: rateLimited(300) },
      {
        retry: true,
        waitMs: 300_000,
        until: 301_000,
        pauseRun: true,
        pausedMs: 600_000,
        pauseEnd: 301_000
      }
    ]
  ])('retries a 429 %s', (_, more, expected) => {
    expect(retryDecision(input(more))).toStrictEqual(expected)
  })

  it.each<[string, CertCentralError]>([
    ['a 429', rateLimited(12)],
    [
      'a 503',
      new CertCentralError({
        message: 'HTTP 503',
        kind: 'unavailable',
        status: 503,
        retryAfterSeconds: 12
      })
    ]
  ])('retries a note (a write) after %s as a send', (_, later) => {
    const asSend = retryDecision(input({ failure: later }))
    expect(retryDecision(input({ request: 'note', failure: later }))).toStrictEqual(asSend)
    expect(asSend).toStrictEqual({
      retry: true,
      waitMs: 12_000,
      until: 13_000,
      pauseRun: true,
      pausedMs: 12_000,
      pauseEnd: 13_000
    })
  })

  it('gives a 503 up as a 429 when no retries are allowed', () => {
    const unavailable = failure('unavailable', 503)
    expect(retryDecision(input({ maxRetries: 0, failure: unavailable }))).toStrictEqual({
      retry: false,
      why: 'max-retries',
      appended: ''
    })
  })

  const lookup = (more: Partial<RetryInput>): RetryInput =>
    input({ request: 'lookup', maxRetries: 0, failure: failure('http', 502), ...more })

  it.each<[string, Partial<RetryInput>, ReturnType<typeof retryDecision>]>([
    [
      'a 502, after 2 s, whatever max-retries says, without pausing the run',
      {},
      { retry: true, waitMs: 2_000, until: 3_000, pauseRun: false, pausedMs: 0, pauseEnd: 0 }
    ],
    [
      'a timeout the second time, after 4 s, leaving the run’s pause as it is',
      { failure: failure('timeout'), retry: 1, pausedMs: 5, pauseEnd: 6 },
      { retry: true, waitMs: 4_000, until: 5_000, pauseRun: false, pausedMs: 5, pauseEnd: 6 }
    ],
    [
      'a reset',
      { failure: failure('network') },
      { retry: true, waitMs: 2_000, until: 3_000, pauseRun: false, pausedMs: 0, pauseEnd: 0 }
    ],
    [
      'a refused connection',
      { failure: failure('unreached') },
      { retry: true, waitMs: 2_000, until: 3_000, pauseRun: false, pausedMs: 0, pauseEnd: 0 }
    ],
    [
      'a 408',
      { failure: failure('http', 408) },
      { retry: true, waitMs: 2_000, until: 3_000, pauseRun: false, pausedMs: 0, pauseEnd: 0 }
    ],
    [
      'a 500',
      { failure: failure('http', 500) },
      { retry: true, waitMs: 2_000, until: 3_000, pauseRun: false, pausedMs: 0, pauseEnd: 0 }
    ]
  ])('retries a look-up without a definite answer when not waiting: %s', (_, more, expected) => {
    expect(retryDecision(lookup(more))).toStrictEqual(expected)
  })

  it.each<[string, Partial<RetryInput>, ReturnType<typeof retryDecision>]>([
    [
      'after twice more',
      { retry: LOOKUP_RETRIES },
      { retry: false, why: 'lookup-retries', appended: '; tried 3 times' }
    ],
    [
      'when the run stopped',
      { runStopped: true },
      { retry: false, why: 'run-stopped', appended: '' }
    ],
    [
      'while waiting for issuance: the next check repeats it',
      { waiting: true },
      { retry: false, why: 'next-check', appended: '' }
    ]
  ])('gives a look-up without a definite answer up %s', (_, more, expected) => {
    expect(retryDecision(lookup(more))).toStrictEqual(expected)
  })

  it('waits 2 s, then 4 s, between look-ups', () => {
    expect([LOOKUP_RETRIES, LOOKUP_RETRY_MS, MIN_RETRY_WAIT_MS]).toStrictEqual([2, 2_000, 1_000])
  })
})

describe('isTransient', () => {
  it.each<[CertCentralError, boolean]>([
    [failure('timeout'), true],
    [failure('network'), true],
    [failure('unreached'), true],
    [failure('http', 408), true],
    [failure('http', 500), true],
    [failure('http', 599), true],
    [failure('http', 499), false],
    [failure('http', 400), false],
    [failure('http', null), false],
    [failure('bad-success', 200), false],
    [failure('permission', 403), false],
    [failure('cancelled'), false],
    [failure('cancelled', 500), false],
    [failure('redirect', 302), false]
  ])('%s: %s', (f, expected) => {
    expect(isTransient({ failure: f })).toBe(expected)
  })
})
