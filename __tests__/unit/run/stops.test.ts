// The stop rules of stops.ts, each called directly with one argument object: tables of cases with
// the exact answer each gives. How the scheduler sequences them is in scheduler.test.ts.
import { describe, expect, it } from 'vitest'
import { CertCentralError } from '../../../src/certcentral/errors.js'
import { MAX_POLL_MS } from '../../../src/run/orders.js'
import {
  NO_HISTORY,
  SILENT_BRIDGE_MS,
  STOP_AFTER,
  afterAttempt,
  afterResult,
  isSilent,
  stopFor,
  unsentError,
  type RunStop,
  type StopHistory
} from '../../../src/run/stops.js'
import type { RequestUse } from '../../../src/run/port.js'
import { failure, keyRefused, notFound } from '../../support/scripted-certcentral.js'

describe('the constants the rules use', () => {
  it('keeps their values', () => {
    expect({
      STOP_AFTER,
      SILENT_BRIDGE_MS
    }).toEqual({
      STOP_AFTER: 3,
      SILENT_BRIDGE_MS: 600_000
    })
  })

  it('bridges five checks at the longest poll interval while orders wait', () => {
    expect(SILENT_BRIDGE_MS).toBe(5 * MAX_POLL_MS)
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

  it.each<[string, RequestUse | undefined, CertCentralError, RunStop['reason'] | undefined]>([
    [
      'a missing permission',
      'note',
      failure('permission', 403, ['access_denied|missing_permission']),
      'notes-refused'
    ],
    ['a 403 of any other code', 'note', failure('http', 403, ['forbidden']), 'notes-refused'],
    ['a 403 without a code', 'note', failure('http', 403), 'notes-refused'],
    ['a refused key', 'note', keyRefused(), 'key-refused'],
    ['a 500', 'note', failure('http', 500), undefined],
    ['a 400', 'note', failure('http', 400), undefined],
    [
      "a send's 403",
      'send',
      failure('permission', 403, ['access_denied|missing_permission']),
      undefined
    ],
    ["a look-up's 403", 'lookup', failure('http', 403), undefined],
    ['a 403 of no request named', undefined, failure('http', 403), undefined]
  ])("a note's %s (%s): %s", (_, request, last, reason) => {
    const stop = stopFor({
      event: 'failure',
      id: '7',
      request,
      failure: last,
      retried: false,
      history: quiet,
      now: 0,
      ordersWaiting: false
    })
    expect(stop?.reason).toBe(reason)
    if (reason === 'notes-refused')
      expect(stop).toStrictEqual({
        reason,
        id: '7',
        message:
          "CertCentral refused deliver-once's note after 7 was sent (HTTP 403), so the rest were not sent: the API key's user may not add notes to orders: use a key whose user may (not View Only), or turn deliver-once off"
      })
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
    ],
    [
      stop('notes-refused', '7'),
      'order',
      0,
      "not attempted: CertCentral refused deliver-once's note after order 7 was sent (HTTP 403): the API key's user may not add notes to orders: use a key whose user may (not View Only), or turn deliver-once off; then send it again"
    ]
  ])('%o for a %s after %i requests', (s, noun, attempts, expected) => {
    expect(unsentError({ stop: s, noun, attempts })).toBe(expected)
  })
})
