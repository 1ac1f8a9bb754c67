// The rules of decisions.ts, each called directly with one argument object: tables of cases with
// the exact answer each gives. How the scheduler sequences them is in scheduler.test.ts.
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS, type RateWindow } from '../../../src/certcentral/api.js'
import type { OrderInfo } from '../../../src/certcentral/bodies.js'
import { CertCentralError, type FailureKind } from '../../../src/certcentral/errors.js'
import {
  BACKOFF_BASE_MS,
  FIRST_POLL_MS,
  LOOKUP_RETRIES,
  LOOKUP_RETRY_MS,
  MAX_PAUSE_SECONDS,
  MAX_POLL_MS,
  MIN_RETRY_WAIT_MS,
  NO_HISTORY,
  RATE_MARGIN_MS,
  SILENT_BRIDGE_MS,
  STOP_AFTER,
  afterAttempt,
  afterResult,
  backoffMs,
  fateOf,
  isSilent,
  isTransient,
  lookupShare,
  lookupSpacingMs,
  orderStep,
  pacingDelayMs,
  pollDelayMs,
  retryDecision,
  stopFor,
  unsentError,
  type OrderStepInput,
  type PacingInput,
  type RetryInput,
  type RunStop,
  type StopHistory
} from '../../../src/run/decisions.js'
import { keyRefused, notFound, rateLimited } from '../../support/scripted-certcentral.js'

const failure = (
  kind: FailureKind,
  status: number | null = null,
  codes: string[] = []
): CertCentralError => new CertCentralError({ message: `a ${kind} failure`, kind, status, codes })

describe('the constants the rules use', () => {
  it('keeps their values', () => {
    expect({
      RATE_MARGIN_MS,
      BACKOFF_BASE_MS,
      MAX_PAUSE_SECONDS,
      FIRST_POLL_MS,
      MAX_POLL_MS,
      STOP_AFTER,
      SILENT_BRIDGE_MS
    }).toEqual({
      RATE_MARGIN_MS: 250,
      BACKOFF_BASE_MS: 5_000,
      MAX_PAUSE_SECONDS: 300,
      FIRST_POLL_MS: 5_000,
      MAX_POLL_MS: 120_000,
      STOP_AFTER: 3,
      SILENT_BRIDGE_MS: 600_000
    })
  })

  it('bridges five checks at the longest poll interval while orders wait', () => {
    expect(SILENT_BRIDGE_MS).toBe(5 * MAX_POLL_MS)
  })
})

// ---- Waits ---------------------------------------------------------------------------------

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

describe('pollDelayMs', () => {
  it('re-checks first after about 5 s (4.5 to 5.5 s with jitter)', () => {
    expect(pollDelayMs({ check: 1, random: 0 })).toBe(4_500)
    expect(pollDelayMs({ check: 1, random: 0.5 })).toBe(5_000)
    expect(pollDelayMs({ check: 1, random: 1 })).toBe(5_500)
  })

  it('doubles with jitter up to 2 min between checks, never more', () => {
    expect([2, 3, 4, 5].map(check => pollDelayMs({ check, random: 0.5 }))).toEqual([
      10_000, 20_000, 40_000, 80_000
    ])
    expect(pollDelayMs({ check: 6, random: 0.5 })).toBe(MAX_POLL_MS)
    expect(pollDelayMs({ check: 6, random: 0 })).toBe(108_000)
    expect(pollDelayMs({ check: 6, random: 1 })).toBe(MAX_POLL_MS)
    expect(pollDelayMs({ check: 5, random: 1 })).toBe(88_000)
    expect(pollDelayMs({ check: 100, random: 1 })).toBe(MAX_POLL_MS)
    expect(pollDelayMs({ check: 5_000, random: 1 })).toBe(MAX_POLL_MS)
    for (let check = 1; check <= 2_000; check++) {
      expect(pollDelayMs({ check, random: 1 })).toBeLessThanOrEqual(MAX_POLL_MS)
      expect(pollDelayMs({ check, random: 0 })).toBeGreaterThanOrEqual(4_500)
    }
  })
})

describe('lookupShare', () => {
  it('is half of a budget, rounded down, and at least 1', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100, 1000].map(total => lookupShare({ total }))).toEqual([
      1, 1, 1, 1, 2, 2, 3, 50, 500
    ])
  })
})

describe('lookupSpacingMs', () => {
  it.each<[string, RateWindow[], number]>([
    ["DigiCert's windows: 500 look-ups per 180 s is the tighter", [...RATE_LIMITS], 360],
    ['one window of 1: the whole window', [{ limit: 1, windowMs: 1_000 }], 1_000],
    ['half of 3 is 1', [{ limit: 3, windowMs: 900 }], 900],
    [
      'the tighter of two',
      [
        { limit: 10, windowMs: 1_000 },
        { limit: 4, windowMs: 1_000 }
      ],
      500
    ],
    ['a fraction of a millisecond stays', [{ limit: 6, windowMs: 1_000 }], 1_000 / 3]
  ])('%s', (_, windows, expected) => {
    expect(lookupSpacingMs({ windows })).toBe(expected)
  })
})

// ---- Pacing --------------------------------------------------------------------------------

describe('pacingDelayMs', () => {
  const pacing = (more: Partial<PacingInput>): PacingInput => ({
    kind: 'send',
    now: 10_000,
    windows: [{ limit: 3, windowMs: 1_000 }],
    starts: [],
    lookupStarts: [],
    pausedUntil: 0,
    sendsWaiting: 0,
    marginMs: 0,
    ...more
  })

  it.each<[string, Partial<PacingInput>, number]>([
    ['nothing started, no pause: long since free', {}, -10_000],
    ['a pause: until it ends', { pausedUntil: 14_000 }, 4_000],
    [
      'a pause longer than the window',
      { pausedUntil: 14_000, starts: [9_500, 9_600, 9_700] },
      4_000
    ],
    ['fewer starts than the limit: free', { starts: [9_500, 9_600] }, -10_000],
    ['a full window: until its oldest start leaves', { starts: [9_500, 9_600, 9_700] }, 500],
    ['and the margin after it', { starts: [9_500, 9_600, 9_700], marginMs: 250 }, 750],
    ['only the last `limit` starts count', { starts: [9_000, 9_500, 9_600, 9_700] }, 500],
    ['a full window whose oldest start has left', { starts: [8_000, 8_500, 8_900] }, -1_000],
    [
      'the longest of two windows',
      {
        windows: [
          { limit: 3, windowMs: 1_000 },
          { limit: 4, windowMs: 5_000 }
        ],
        starts: [6_000, 9_500, 9_600, 9_700]
      },
      1_000
    ],
    [
      'a send ignores the look-ups half, and the sends waiting',
      {
        windows: [{ limit: 4, windowMs: 1_000 }],
        starts: [9_100, 9_300],
        lookupStarts: [9_100, 9_300],
        sendsWaiting: 2
      },
      -10_000
    ],
    [
      'a look-up keeps to half of the window',
      {
        kind: 'lookup',
        windows: [{ limit: 4, windowMs: 1_000 }],
        starts: [9_600, 9_700],
        lookupStarts: [9_600, 9_700]
      },
      600
    ],
    [
      'a look-up leaves room for the sends waiting',
      {
        kind: 'lookup',
        windows: [{ limit: 4, windowMs: 1_000 }],
        starts: [9_100, 9_300],
        sendsWaiting: 2
      },
      100
    ],
    [
      'a look-up leaves room for the sends waiting, but may always have one start',
      {
        kind: 'lookup',
        windows: [{ limit: 4, windowMs: 1_000 }],
        starts: [9_100, 9_300],
        sendsWaiting: 9
      },
      300
    ],
    [
      'a look-up with a window of 1 still has that one',
      {
        kind: 'lookup',
        windows: [{ limit: 1, windowMs: 1_000 }],
        starts: [],
        lookupStarts: [9_800]
      },
      800
    ],
    [
      'a look-up free under both halves',
      {
        kind: 'lookup',
        windows: [{ limit: 4, windowMs: 1_000 }],
        starts: [9_100],
        lookupStarts: [9_100]
      },
      -10_000
    ]
  ])('%s', (_, more, expected) => {
    expect(pacingDelayMs(pacing(more))).toBe(expected)
  })
})

// ---- Retries -------------------------------------------------------------------------------

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
    ['a look-up’s redirect', { failure: failure('redirect', 302), request: 'lookup' }]
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

// ---- Fates and stops -----------------------------------------------------------------------

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

describe('stopFor', () => {
  it('stops for the runner’s cancellation', () => {
    expect(stopFor({ event: 'cancelled' })).toStrictEqual({
      reason: 'cancelled',
      id: undefined,
      message: 'the run was cancelled'
    })
  })

  const quiet: StopHistory = NO_HISTORY
  const stopOn = (
    last: CertCentralError,
    more: { retried?: boolean; history?: StopHistory; now?: number; ordersWaiting?: boolean } = {}
  ) =>
    stopFor({
      event: 'failure',
      id: '7',
      failure: last,
      retried: more.retried ?? false,
      history: more.history ?? quiet,
      now: more.now ?? 0,
      ordersWaiting: more.ordersWaiting ?? false
    })

  it.each<[string, CertCentralError, RunStop | undefined]>([
    [
      'a refused key',
      keyRefused(),
      { reason: 'key-refused', id: '7', message: keyRefused().message }
    ],
    [
      'a 429 not retried, with why',
      failure('rate-limited', 429),
      { reason: 'rate-limited', id: '7', message: 'a rate-limited failure' }
    ],
    [
      'a 503 not retried, with why',
      failure('unavailable', 503),
      { reason: 'unavailable', id: '7', message: 'a unavailable failure' }
    ],
    ['not for a 404', notFound(), undefined],
    ['not for a 502', failure('http', 502), undefined],
    ['not for a missing permission', failure('permission', 403), undefined],
    ['not for one request that never reached CertCentral', failure('unreached'), undefined],
    ['not for a timeout', failure('timeout'), undefined],
    ['not for a network failure', failure('network'), undefined],
    ['not for a redirect', failure('redirect', 302), undefined],
    ['not for a request cancelled in flight', failure('cancelled'), undefined]
  ])('stops for %s', (_, last, expected) => {
    expect(stopOn(last)).toStrictEqual(expected)
  })

  it('stops for a refused key even when retried, but not for a 429 or 503 retried', () => {
    expect(stopOn(keyRefused(), { retried: true })?.reason).toBe('key-refused')
    expect(stopOn(failure('rate-limited', 429), { retried: true })).toBeUndefined()
    expect(stopOn(failure('unavailable', 503), { retried: true })).toBeUndefined()
  })

  it('stops when the host gave no answer to 3 requests in a row, retried or not', () => {
    const history = { ...quiet, silent: STOP_AFTER, silentSince: 0 }
    const expected: RunStop = {
      reason: 'unreachable',
      id: '7',
      message:
        'no answer from CertCentral for 3 requests in a row, so the rest were not tried (the last: a unreached failure)'
    }
    expect(stopOn(failure('unreached'), { history })).toStrictEqual(expected)
    expect(stopOn(failure('unreached'), { history, retried: true })).toStrictEqual(expected)
    expect(stopOn(failure('unreached'), { history: { ...quiet, silent: 2 } })).toBeUndefined()
  })

  // The first silent request of the streak ended at 1_000; `now` is when the last one ended.
  const silentFor = (silent: number) => ({ ...quiet, silent, silentSince: 1_000 })
  it.each<[string, { silent: number; now: number; ordersWaiting: boolean }, boolean]>([
    ['no order waits: 3 in a row, at once', { silent: 3, now: 1_000, ordersWaiting: false }, true],
    ['no order waits: 2 in a row', { silent: 2, now: 1_000, ordersWaiting: false }, false],
    [
      'orders wait: 3 in a row over a minute',
      { silent: 3, now: 61_000, ordersWaiting: true },
      false
    ],
    [
      'orders wait: 9 in a row, 1 ms short of the bridge',
      { silent: 9, now: 1_000 + SILENT_BRIDGE_MS - 1, ordersWaiting: true },
      false
    ],
    [
      'orders wait: 3 in a row over exactly the bridge',
      { silent: 3, now: 1_000 + SILENT_BRIDGE_MS, ordersWaiting: true },
      true
    ],
    [
      'orders wait: 2 in a row over 15 minutes',
      { silent: 2, now: 1_000 + 900_000, ordersWaiting: true },
      false
    ]
  ])('silence stops the run or not: %s', (_, { silent, now, ordersWaiting }, stops) => {
    const stop = stopOn(failure('timeout'), { history: silentFor(silent), now, ordersWaiting })
    expect(stop?.reason).toBe(stops ? 'unreachable' : undefined)
  })

  it('says how long the host was silent when orders waited', () => {
    expect(
      stopOn(failure('timeout'), {
        history: { ...quiet, silent: 7, silentSince: 5_000 },
        now: 5_000 + 630_000,
        ordersWaiting: true
      })
    ).toStrictEqual({
      reason: 'unreachable',
      id: '7',
      message:
        'no answer from CertCentral for 7 requests in a row over 10 min 30 s, longer than the next checks of the orders waiting could bridge (10 min), so the rest were not tried (the last: a timeout failure)'
    })
  })

  const ended = (...errors: [string, string][]): StopHistory => ({
    ...quiet,
    recent: errors.map(([id, error]) => ({ id, error })),
    first: { ended: 3, denied: 0 }
  })
  const onResult = (history: StopHistory) => stopFor({ event: 'result', id: '9', history })

  it('stops when the same body-level error came back for 3 IDs in a row', () => {
    const said = 'DigiCert answered bad_request_format'
    const same = ended(['1', said], ['2', said], ['9', said])
    expect(onResult(same)).toStrictEqual({
      reason: 'same-error',
      id: '9',
      message:
        'DigiCert answered bad_request_format for 3 IDs in a row (1, 2, 9), so the rest were not sent: fix what it says, then send them again'
    })
  })

  it.each<[string, StopHistory]>([
    ['only 2 IDs', ended(['1', 'x'], ['9', 'x'])],
    ['an ID in between without', ended(['1', 'x'], ['2', ''], ['9', 'x'])],
    ['the first differs', ended(['1', 'y'], ['2', 'x'], ['9', 'x'])],
    ['none of them', ended(['1', ''], ['2', ''], ['9', ''])],
    ['the same ID twice', ended(['1', 'x'], ['1', 'x'], ['9', 'x'])]
  ])('does not stop for errors when %s', (_, history) => {
    expect(onResult(history)).toBeUndefined()
  })

  it('stops when the first 3 IDs all lacked the permission, and only then', () => {
    const denied = (ended: number, d: number): StopHistory => ({
      ...quiet,
      first: { ended, denied: d }
    })
    expect(onResult(denied(3, 3))).toStrictEqual({
      reason: 'missing-permission',
      id: '9',
      message:
        'the first 3 IDs tried all got access_denied|missing_permission, so the rest were not sent: use a key whose user may manage them (not View Only), then send them again'
    })
    expect(onResult(denied(2, 2))).toBeUndefined()
    expect(onResult(denied(3, 2))).toBeUndefined()
  })
})

describe('the stop rules’ history', () => {
  it('counts requests in a row with no answer at all, any answer ending the count', () => {
    const timeout = failure('timeout')
    let history = NO_HISTORY
    for (const f of [failure('unreached'), timeout, failure('timeout', 200)]) {
      history = afterAttempt({ history, failure: f, now: 0 })
    }
    expect(history.silent).toBe(3)
    const next = (f: CertCentralError | undefined) => afterAttempt({ history, failure: f, now: 0 })
    expect(next(failure('timeout', 500)).silent).toBe(4)
    expect(next(failure('network')).silent).toBe(0)
    expect(next(failure('network', 200)).silent).toBe(0)
    expect(next(failure('cancelled')).silent).toBe(0)
    expect(next(failure('http', 502)).silent).toBe(0)
    expect(next(undefined)).toStrictEqual({ ...history, silent: 0, silentSince: undefined })
  })

  it('remembers when the first request of a silent streak ended, until an answer', () => {
    const steps: [CertCentralError | undefined, number][] = [
      [undefined, 1_000],
      [failure('unreached'), 2_000],
      [failure('timeout'), 40_000],
      [failure('unreached'), 90_000],
      [failure('http', 502), 95_000],
      [failure('timeout', 200), 130_000],
      [undefined, 140_000]
    ]
    let history = NO_HISTORY
    const seen = steps.map(([f, now]) => {
      history = afterAttempt({ history, failure: f, now })
      return [history.silent, history.silentSince]
    })
    expect(seen).toStrictEqual([
      [0, undefined],
      [1, 2_000],
      [2, 2_000],
      [3, 2_000],
      [0, undefined],
      [1, 130_000],
      [0, undefined]
    ])
    expect(NO_HISTORY.silentSince).toBeUndefined()
  })

  it.each<[CertCentralError, boolean]>([
    [failure('unreached'), true],
    [failure('unreached', 200), true],
    [failure('timeout'), true],
    // headers arrived, then the body stalled until the deadline: no answer either
    [failure('timeout', 200), true],
    [failure('timeout', 500), true],
    [failure('network'), false],
    [failure('network', 200), false],
    [failure('http', 504), false],
    [failure('bad-success', 200), false],
    [failure('cancelled'), false],
    [failure('redirect', 302), false]
  ])('isSilent: %s is %s', (f, expected) => {
    expect(isSilent({ failure: f })).toBe(expected)
  })

  it('stops when a server that is not CertCentral answered 404 for 3 IDs in a row (a wrong api-url)', () => {
    let history = NO_HISTORY
    for (const [position, id] of ['1', '2', '9'].entries())
      history = afterResult({ history, id, position, failure: failure('http', 404) })
    expect(stopFor({ event: 'result', id: '9', history })).toStrictEqual({
      reason: 'same-error',
      id: '9',
      message:
        "api-url's server answered HTTP 404 without DigiCert's errors for 3 IDs in a row (1, 2, 9), so the rest were not sent: fix what it says, then send them again"
    })
  })

  it('keeps the last 3 IDs’ body-level errors, codes sorted and once each', () => {
    let history = NO_HISTORY
    const bad = failure('http', 400, [
      'required_param:emails',
      'bad_request_format',
      'bad_request_format'
    ])
    const ids: [string, CertCentralError | undefined][] = [
      ['1', undefined],
      ['2', bad],
      ['3', failure('bad-success', 200, ['bad_request_format'])],
      ['4', failure('http', 404, ['not_found'])],
      ['5', failure('http', 404, ['not_found|order'])],
      ['6', failure('http', 404, ['not_found|route'])],
      ['7', failure('permission', 403, ['access_denied|missing_permission'])],
      ['8', failure('rate-limited', 429, ['request_limit_exceeded'])],
      ['9', failure('http', 502)],
      ['10', failure('http', 404, ['not_found', 'bad_request_format'])],
      ['11', failure('http', 404, ['not_found|certificate'])],
      ['12', failure('http', 404)],
      ['13', failure('bad-success', 200)],
      ['14', failure('http', 400)],
      ['15', failure('timeout', 404)]
    ]
    const seen = ids.map(([id, f], position) => {
      history = afterResult({ history, id, position, failure: f })
      return history.recent.at(-1)
    })
    expect(seen).toStrictEqual([
      { id: '1', error: '' },
      { id: '2', error: 'DigiCert answered bad_request_format, required_param:emails' },
      { id: '3', error: 'DigiCert answered bad_request_format' },
      { id: '4', error: '' },
      { id: '5', error: '' },
      { id: '6', error: 'DigiCert answered not_found|route' },
      { id: '7', error: '' },
      { id: '8', error: '' },
      { id: '9', error: '' },
      { id: '10', error: 'DigiCert answered bad_request_format, not_found' },
      // a not-found for the thing asked names the ID, whatever it was asked for
      { id: '11', error: '' },
      // a 404 that is not DigiCert's: the URL is wrong for every ID alike
      { id: '12', error: "api-url's server answered HTTP 404 without DigiCert's errors" },
      { id: '13', error: '' },
      { id: '14', error: '' },
      { id: '15', error: '' }
    ])
    expect(history.recent.map(r => r.id)).toStrictEqual(['13', '14', '15'])
  })

  it('counts the first 3 IDs of the plan, in whatever order they end, and how many lacked the permission', () => {
    const denied = failure('permission', 403)
    let history = NO_HISTORY
    const firsts = (
      [
        [3, undefined],
        [0, denied],
        [2, undefined],
        [4, denied],
        [1, denied]
      ] as const
    ).map(([position, f]) => {
      history = afterResult({ history, id: String(position), position, failure: f })
      return history.first
    })
    expect(firsts).toStrictEqual([
      { ended: 0, denied: 0 },
      { ended: 1, denied: 1 },
      { ended: 2, denied: 1 },
      { ended: 2, denied: 1 },
      { ended: 3, denied: 2 }
    ])
  })

  it('stops when the first 3 IDs of the plan were all denied, though a later ID was sent before them', () => {
    const denied = failure('permission', 403)
    let history = NO_HISTORY
    for (const [position, f] of [
      [3, undefined],
      [0, denied],
      [1, denied],
      [2, denied]
    ] as const)
      history = afterResult({ history, id: String(position), position, failure: f })
    expect(history.first).toStrictEqual({ ended: 3, denied: 3 })
    expect(stopFor({ event: 'result', id: '2', history })).toMatchObject({
      reason: 'missing-permission'
    })
  })
})

describe('unsentError', () => {
  const stop = (reason: RunStop['reason'], id?: string): RunStop => ({ reason, id, message: 'x' })

  it.each<[RunStop, string, number, string]>([
    [stop('cancelled'), 'certificate', 0, 'not attempted: cancelled'],
    [stop('cancelled'), 'order', 1, 'not sent: cancelled'],
    [
      stop('key-refused', '5'),
      'certificate',
      0,
      'not attempted: CertCentral refused the API key (certificate 5)'
    ],
    [
      stop('key-refused', '100'),
      'order',
      3,
      'not sent: CertCentral refused the API key (order 100)'
    ],
    [
      stop('rate-limited', '1'),
      'certificate',
      0,
      'not attempted: DigiCert rate-limited the key while sending certificate 1; run again later for this ID'
    ],
    [
      stop('rate-limited', '2'),
      'order',
      2,
      'not sent: DigiCert rate-limited the key while sending order 2; run again later for this ID'
    ],
    [
      stop('unavailable', '3'),
      'certificate',
      0,
      'not attempted: CertCentral was unavailable (HTTP 503) while sending certificate 3; run again later for this ID'
    ],
    [
      stop('unreachable', '4'),
      'certificate',
      0,
      "not attempted: CertCentral gave no answer to 3 requests in a row (the last for certificate 4); check the runner's network, proxy and api-url, then send it again"
    ],
    [stop('same-error', '5'), 'order', 1, 'not sent: x'],
    [
      stop('missing-permission', '6'),
      'certificate',
      0,
      'not attempted: the first 3 certificates tried all got access_denied|missing_permission; use a key whose user may manage them, then send it again'
    ]
  ])('%o for a %s after %i requests', (s, noun, attempts, expected) => {
    expect(unsentError({ stop: s, noun, attempts })).toBe(expected)
  })
})

// ---- Orders --------------------------------------------------------------------------------

describe('orderStep', () => {
  const order = (status: string, certificateId?: string): OrderInfo => ({
    status,
    certificateId,
    commonName: '42.example.com',
    validTill: undefined
  })
  const step = (more: Partial<OrderStepInput>): OrderStepInput => ({
    orderId: '42',
    answer: order('pending'),
    orderTarget: 'certificate',
    check: 1,
    now: 0,
    waitSeconds: 600,
    deadline: 600_000,
    ordersWaiting: 1,
    windows: RATE_LIMITS,
    random: 0.5,
    ...more
  })

  it.each<[string, Partial<OrderStepInput>, ReturnType<typeof orderStep>]>([
    [
      'sends an issued order with its certificate’s ID',
      { answer: order('issued', '1000042') },
      { step: 'send', target: '1000042' }
    ],
    [
      'sends an issued order with its certificate’s ID, even past the deadline',
      { answer: order('issued', '1000042'), waitSeconds: 0, deadline: 0 },
      { step: 'send', target: '1000042' }
    ],
    [
      'emails a site seal with the order’s own ID, with or without a certificate',
      { answer: order('issued'), orderTarget: 'order' },
      { step: 'send', target: '42' }
    ],
    [
      'emails a site seal with the order’s own ID, not its certificate’s',
      { answer: order('issued', '1000042'), orderTarget: 'order' },
      { step: 'send', target: '42' }
    ],
    [
      'fails an issued order whose Order info names no certificate',
      { answer: order('issued') },
      {
        step: 'end',
        fate: 'failed',
        error: 'order 42 is issued but its Order info names no certificate.id; check api-url'
      }
    ],
    [
      'fails an issued order whose certificate.id is unusable, showing it',
      { answer: { ...order('issued'), unusableCertificateId: '5.5' } },
      {
        step: 'end',
        fate: 'failed',
        error:
          'order 42 is issued but its Order info has an unusable certificate.id (5.5); check api-url'
      }
    ],
    [
      'leaves an order not issued unsent when not waiting',
      { waitSeconds: 0, deadline: 0 },
      {
        step: 'end',
        fate: 'unsent',
        error:
          'order 42 is not issued yet (status pending); send it again once it is, or set wait-for-issuance to wait for it'
      }
    ],
    [
      'leaves an order still pending at the deadline unsent',
      { now: 600_000, check: 9 },
      {
        step: 'end',
        fate: 'unsent',
        error: 'order 42 still pending after 10 min',
        hint: 'run again once the order is issued, or raise wait-for-issuance'
      }
    ],
    [
      'leaves an order still needing approval after the deadline unsent',
      { answer: order('needs_approval'), now: 5_401_000, deadline: 5_400_000, waitSeconds: 5_400 },
      {
        step: 'end',
        fate: 'unsent',
        error: 'order 42 still needs_approval after 1 h 30 min',
        hint: 'run again once the order is issued, or raise wait-for-issuance'
      }
    ],
    [
      'settles a look-up’s definite failure while waiting',
      { answer: notFound() },
      { step: 'settle' }
    ],
    [
      'settles a look-up’s failure when not waiting (its retries are over)',
      { answer: failure('http', 502), waitSeconds: 0, deadline: 0 },
      { step: 'settle' }
    ],
    [
      'leaves an order unsent when its check at the deadline failed, with that failure',
      { answer: failure('http', 502), now: 600_000, lastStatus: 'pending' },
      {
        step: 'end',
        fate: 'unsent',
        error:
          'order 42 was not known to be issued when the wait of 10 min ended (last seen pending): its last check failed: a http failure',
        hint: 'run again once CertCentral answers and the order is issued, or raise wait-for-issuance'
      }
    ],
    [
      'leaves an order never answered unsent when the wait ended',
      { answer: failure('timeout'), now: 600_001 },
      {
        step: 'end',
        fate: 'unsent',
        error:
          'order 42 was not known to be issued when the wait of 10 min ended: its last check failed: a timeout failure',
        hint: 'run again once CertCentral answers and the order is issued, or raise wait-for-issuance'
      }
    ]
  ])('%s', (_, more, expected) => {
    expect(orderStep(step(more))).toStrictEqual(expected)
  })

  it.each(['rejected', 'canceled', 'cancelled', 'revoked', 'expired'])(
    'fails an order that is %s, whether waiting or not',
    status => {
      for (const more of [{}, { waitSeconds: 0, deadline: 0 }, { now: 600_000 }]) {
        expect(orderStep(step({ answer: order(status), ...more }))).toStrictEqual({
          step: 'end',
          fate: 'failed',
          error: `order 42 is ${status}: it ended without a certificate, so there is nothing to send`,
          hint: 'check the order in CertCentral; a new order is needed'
        })
      }
    }
  )

  it.each<[string, Partial<OrderStepInput>, number]>([
    ['re-checks after 5 s at first', {}, 5_000],
    ['with jitter down to 4.5 s', { random: 0 }, 4_500],
    ['backing off at the third check', { check: 3, random: 0 }, 18_000],
    ['whatever the status', { answer: order('needs_approval'), check: 2 }, 10_000],
    ['to at most 2 min', { check: 9, random: 1 }, MAX_POLL_MS],
    ['sooner than the backoff when 13 orders share the budget', { ordersWaiting: 13 }, 5_000],
    ['no sooner than its share of the budget when 14 wait', { ordersWaiting: 14 }, 5_040],
    ['no sooner than its share of the budget when 20 wait', { ordersWaiting: 20 }, 7_200],
    [
      'its share rounded to the millisecond',
      { ordersWaiting: 20, windows: [{ limit: 6, windowMs: 1_000 }] },
      6_667
    ],
    ['on the deadline when the backoff would pass it', { now: 590_000, check: 9 }, 10_000],
    ['on the deadline 1 ms away', { now: 599_999 }, 1],
    ['on the deadline when the share would pass it', { now: 595_000, ordersWaiting: 20 }, 5_000],
    [
      'after a look-up that failed without a definite answer',
      { answer: failure('network') },
      5_000
    ],
    [
      'after a 502, backing off as any check',
      { answer: failure('http', 502), check: 3, random: 0 },
      18_000
    ],
    [
      'after a failed look-up, on the deadline',
      { answer: failure('unreached'), now: 599_000 },
      1_000
    ]
  ])('waits: %s', (_, more, delayMs) => {
    expect(orderStep(step(more))).toStrictEqual({ step: 'wait', delayMs })
  })
})
