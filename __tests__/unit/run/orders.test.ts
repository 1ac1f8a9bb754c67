// The order rules of orders.ts (looksUpOrder, orderStep, pollDelayMs), each called directly with
// one argument object: tables of cases with the exact answer each gives. How the scheduler
// sequences them is in scheduler-orders.test.ts.
import { describe, expect, it } from 'vitest'
import { RATE_LIMITS } from '../../../src/certcentral/api.js'
import { type OrderInfo } from '../../../src/certcentral/bodies.js'
import {
  FIRST_POLL_MS,
  MAX_POLL_MS,
  looksUpOrder,
  orderStep,
  pollDelayMs,
  type OrderStepInput
} from '../../../src/run/orders.js'
import type { IdInput, Operation } from '../../../src/operations.js'
import type { Role } from '../../../src/input/roles.js'
import { failure, notFound } from '../../support/scripted-certcentral.js'

describe('the constants the rules use', () => {
  it('keeps their values', () => {
    expect({
      FIRST_POLL_MS,
      MAX_POLL_MS
    }).toEqual({
      FIRST_POLL_MS: 5_000,
      MAX_POLL_MS: 120_000
    })
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

describe('looksUpOrder', () => {
  const inputs = [
    'certificate-id',
    'certificate-file',
    'serial-number',
    'thumbprint',
    'common-name'
  ]
  it.each([
    // [ID input, operation, wait-for-issuance, issued-within, looked up]
    ['order-id', 'send-certificate', 0, undefined, true],
    ['order-id', 'send-certificate', 60, 86_400, true],
    ['order-id', 'email-site-seal', 0, undefined, false],
    ['order-id', 'email-site-seal', 1, undefined, true],
    ['order-id', 'email-site-seal', 0, 0, true],
    ['order-id', 'email-site-seal', 0, 86_400, true],
    ...inputs.flatMap(input => [
      [input, 'send-certificate', 60, 86_400, false],
      [input, 'email-site-seal', 60, 86_400, false],
      [input, 'send-certificate', 0, undefined, false]
    ])
  ] as [IdInput, Operation, number, number | undefined, boolean][])(
    '%s, %s, wait %s s, issued-within %s: %s',
    (idInput, operation, waitSeconds, issuedWithinSeconds, expected) => {
      expect(looksUpOrder({ idInput, operation, waitSeconds, issuedWithinSeconds })).toBe(expected)
    }
  )

  it.each([
    // [ID input, operation, roles, looked up]: recipients-from-order reads an order ID's own order
    ['order-id', 'email-site-seal', [], false],
    ['order-id', 'email-site-seal', ['requester'], true],
    ['order-id', 'send-certificate', ['requester'], true],
    ...inputs.map(input => [input, 'email-site-seal', ['requester'], false]),
    ...inputs.map(input => [input, 'send-certificate', ['additional-emails'], false])
  ] as [IdInput, Operation, Role[], boolean][])(
    '%s, %s, roles %j, no wait: %s',
    (idInput, operation, roles, expected) => {
      expect(looksUpOrder({ idInput, operation, waitSeconds: 0, roles })).toBe(expected)
    }
  )

  it.each([
    // [ID input, operation, deliver-once, looked up]: its note names the order's certificate
    ['order-id', 'email-site-seal', true, true],
    ['order-id', 'email-site-seal', false, false],
    ['order-id', 'email-site-seal', undefined, false],
    ['order-id', 'send-certificate', true, true],
    ...inputs.map(input => [input, 'email-site-seal', true, false]),
    ...inputs.map(input => [input, 'send-certificate', true, false])
  ] as [IdInput, Operation, boolean | undefined, boolean][])(
    '%s, %s, deliver-once %s, no wait: %s',
    (idInput, operation, deliverOnce, expected) => {
      expect(looksUpOrder({ idInput, operation, waitSeconds: 0, deliverOnce })).toBe(expected)
    }
  )
})
