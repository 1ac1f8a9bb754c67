// The pacing rules of pacing.ts, each called directly with one argument object: tables of cases
// with the exact answer each gives. How the gates wait as they say is in gates.test.ts.
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS, type RateWindow } from '../../../src/certcentral/api.js'
import {
  RATE_MARGIN_MS,
  lookupShare,
  lookupSpacingMs,
  pacingDelayMs,
  type PacingInput
} from '../../../src/run/pacing.js'

describe('the constants the rules use', () => {
  it('keeps their values', () => {
    expect({
      RATE_MARGIN_MS
    }).toEqual({
      RATE_MARGIN_MS: 250
    })
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
