// An order ID's order (pure): whether it is looked up before the call at all (looksUpOrder), and,
// after each Order info look-up, whether to send, end the ID, or look the order up again and when
// (orderStep: the poll's backoff, pollDelayMs, against the share of the look-up budget each order
// waiting leaves the others).
import { ISSUED, isFinalWithoutCertificate, type OrderInfo } from '../certcentral/bodies.js'
import { type RateWindow } from '../certcentral/api.js'
import { CertCentralError } from '../certcentral/errors.js'
import { formatDuration } from '../input/parse.js'
import type { Role } from '../input/roles.js'
import { OPERATIONS, type IdInput, type Operation } from '../operations.js'
import type { Fate } from '../outcome.js'
import { lookupSpacingMs } from './pacing.js'
import { isTransient } from './retry.js'

/** Order polling: the first re-check after about 5 s, doubling, at most every 2 minutes. */
export const FIRST_POLL_MS = 5_000
export const MAX_POLL_MS = 120_000

/** The wait before re-checking an order after `check` checks: 5 s doubling to 2 min, ±10 % jitter. */
export function pollDelayMs({ check, random }: { check: number; random: number }): number {
  const base = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, check - 1))
  return Math.min(MAX_POLL_MS, Math.round(base * (0.9 + 0.2 * random)))
}

/**
 * Whether an ID's order is looked up (Order info) before the call: for an order ID only, always
 * when the call takes its certificate's ID, recipients-from-order reads its people or deliver-once
 * records its certificate (ID and serial), else (a seal: the order's own ID) only to wait for its
 * issuance or for issued-within. A certificate ID
 * is called as it is (its order read first by peopleLinks when roles are given); a file, serial,
 * thumbprint or common name is found by the look-up chain instead (finding.ts).
 */
export function looksUpOrder({
  idInput,
  operation,
  waitSeconds,
  issuedWithinSeconds,
  roles = [],
  deliverOnce = false
}: {
  idInput: IdInput
  operation: Operation
  /** wait-for-issuance, in seconds (0: do not wait). */
  waitSeconds: number
  /** issued-within, in seconds, when given. */
  issuedWithinSeconds?: number | undefined
  /** recipients-from-order's roles: any reads the order's people. */
  roles?: readonly Role[] | undefined
  /** deliver-once: its note names the order's certificate (ID and serial). */
  deliverOnce?: boolean | undefined
}): boolean {
  if (idInput !== 'order-id') return false
  const { orderTarget } = OPERATIONS[operation]
  return (
    orderTarget === 'certificate' ||
    roles.length > 0 ||
    deliverOnce ||
    waitSeconds > 0 ||
    issuedWithinSeconds !== undefined
  )
}

export interface OrderStepInput {
  orderId: string
  /** What this Order info look-up found, or its failure (after its retries). */
  answer: OrderInfo | CertCentralError
  /** The order's status at its last answered look-up, if any. */
  lastStatus?: string
  /** The ID the operation's call takes: the order's certificate's, or the order's own. */
  orderTarget: 'certificate' | 'order'
  /** Look-ups of this order made so far, this one included. */
  check: number
  now: number
  /** wait-for-issuance, in seconds (0: do not wait). */
  waitSeconds: number
  /** When the wait for issuance ends. */
  deadline: number
  /** Orders waiting to be issued, this one included: they share the look-up budget. */
  ordersWaiting: number
  windows: readonly RateWindow[]
  /** A draw in [0, 1) for the poll's jitter. */
  random: number
}

export type OrderStep =
  /** Send, with the ID the call takes. */
  | { step: 'send'; target: string }
  /** End the ID without a send. */
  | {
      step: 'end'
      fate: Exclude<Fate, 'validated' | 'sent' | 'skipped'>
      error: string
      hint?: string
    }
  /** End the ID on the look-up's failure, as any answer (its fate by fateOf). */
  | { step: 'settle' }
  /** Look the order up again in `delayMs`. */
  | { step: 'wait'; delayMs: number }

/**
 * After an Order info look-up: send, end the ID, or look the order up again and when. Only a
 * definite answer ends an order (issued, a final status, a failure that is one); an order not
 * issued yet, or not known to be when the wait ends, is unsent (send it again later).
 */
export function orderStep(input: OrderStepInput): OrderStep {
  const { orderId: id, answer, now, waitSeconds, deadline } = input
  if (answer instanceof CertCentralError) {
    if (waitSeconds === 0 || !isTransient({ failure: answer })) return { step: 'settle' }
    if (now >= deadline) {
      const last = input.lastStatus === undefined ? '' : ` (last seen ${input.lastStatus})`
      return {
        step: 'end',
        fate: 'unsent',
        error: `order ${id} was not known to be issued when the wait of ${formatDuration(waitSeconds)} ended${last}: its last check failed: ${answer.message}`,
        hint: 'run again once CertCentral answers and the order is issued, or raise wait-for-issuance'
      }
    }
    return nextCheck(input)
  }
  if (answer.status === ISSUED) {
    if (input.orderTarget === 'order') return { step: 'send', target: id }
    if (answer.certificateId !== undefined) return { step: 'send', target: answer.certificateId }
    const error =
      answer.unusableCertificateId === undefined
        ? `order ${id} is issued but its Order info names no certificate.id; check api-url`
        : `order ${id} is issued but its Order info has an unusable certificate.id (${answer.unusableCertificateId}); check api-url`
    return { step: 'end', fate: 'failed', error }
  }
  if (isFinalWithoutCertificate(answer.status)) {
    return {
      step: 'end',
      fate: 'failed',
      error: `order ${id} is ${answer.status}: it ended without a certificate, so there is nothing to send`,
      hint: 'check the order in CertCentral; a new order is needed'
    }
  }
  if (waitSeconds === 0) {
    const error = `order ${id} is not issued yet (status ${answer.status}); send it again once it is, or set wait-for-issuance to wait for it`
    return { step: 'end', fate: 'unsent', error }
  }
  if (now >= deadline) {
    return {
      step: 'end',
      fate: 'unsent',
      error: `order ${id} still ${answer.status} after ${formatDuration(waitSeconds)}`,
      hint: 'run again once the order is issued, or raise wait-for-issuance'
    }
  }
  return nextCheck(input)
}

/** When to look the order up again. */
function nextCheck(input: OrderStepInput): OrderStep {
  const { now, deadline } = input
  // Many orders waiting at once share the look-up budget: checking one sooner than its share
  // allows would only queue behind the others. The last check falls on the deadline, so "still
  // pending" is said when the wait is over.
  const share = Math.round(input.ordersWaiting * lookupSpacingMs({ windows: input.windows }))
  const poll = pollDelayMs({ check: input.check, random: input.random })
  return { step: 'wait', delayMs: Math.min(Math.max(poll, share), deadline - now) }
}
