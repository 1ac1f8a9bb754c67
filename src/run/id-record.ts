// One ID's record through its run: what it came to so far (its result's fields: what its input, the
// chain or its order told, and the HTTP status of its last answer), the requests made for it
// (sends and look-ups, each kind counting its own attempts), and its place in the plan.
import { ISSUED, type OrderInfo } from '../certcentral/bodies.js'
import type { Known } from '../operations.js'
import { knownFields, requestsOf, type Fate, type IdResult } from '../outcome.js'
import type { Found } from './finding.js'
import type { Recipients } from './recipients.js'
import type { RequestUse } from './port.js'

/** What one ID came to before its result is written. */
export type Facts = Pick<
  IdResult,
  | 'certificateId'
  | 'commonName'
  | 'validTill'
  | 'orderStatus'
  | 'orderId'
  | 'serialNumber'
  | 'thumbprint'
  | 'file'
  | 'recipients'
  | 'sentTo'
  | 'rolesWithout'
  | 'recorded'
> & {
  status: number | null
}

export class IdRecord {
  /** What the ID came to so far, for its result. */
  readonly facts: Facts
  /**
   * Requests made for the ID, by kind: sends (the operation's call, the result's attempts),
   * look-ups (its lookups) and deliver-once's notes (counted apart: a note is no send). Each count
   * is also the number of that kind's last attempt.
   */
  private readonly made: Record<RequestUse, number> = { send: 0, lookup: 0, note: 0 }
  /** When its order was issued, once its Order info said so (for issued-within). */
  issued: string | undefined
  /** The Order info of its certificate's order, as last read (its people: recipients-from-order). */
  order: OrderInfo | undefined
  /**
   * With recipients-from-order, whom its certificate is sent to (recipientsFor): computed once,
   * before its calls are built.
   */
  recipients: Recipients | undefined

  constructor(
    readonly id: string,
    /** Its place in the plan, 0 first: IDs start in this order, whatever order they end in. */
    readonly position: number,
    known: Known
  ) {
    this.facts = { status: null, ...knownFields(known) }
  }

  /** The number of this kind's next attempt (1 first), counted as made. */
  nextAttempt(kind: RequestUse): number {
    return ++this.made[kind]
  }

  /** Requests made for the ID, sends and look-ups: 0 when none ever left for it. */
  get requestsMade(): number {
    return requestsOf({ attempts: this.made.send, lookups: this.made.lookup })
  }

  /** The ID's result: what it came to and the requests made, then how it ended. */
  result(fate: Fate, ending: Partial<IdResult> = {}): IdResult {
    const { id, made } = this
    return { id, fate, attempts: made.send, lookups: made.lookup, ...this.facts, ...ending }
  }

  /** Whom its certificate is sent to: kept, with what its result shows of them. */
  noteRecipients(recipients: Recipients): void {
    this.recipients = recipients
    this.facts.recipients = recipients.recipients
    this.facts.rolesWithout = recipients.rolesWithout
    this.facts.sentTo = 0
  }

  /** What the chain found, kept for the ID's result. */
  noteFound(found: Found): void {
    const { facts } = this
    facts.certificateId = found.certificateId
    if (found.orderId !== undefined) facts.orderId = found.orderId
    if (found.commonName !== undefined) facts.commonName = found.commonName
    if (found.serialNumber !== undefined) facts.serialNumber = found.serialNumber
    if (found.thumbprint !== undefined) facts.thumbprint = found.thumbprint
    if (found.validTill !== undefined) facts.validTill = found.validTill
  }

  /** What an Order info answer tells about the ID, kept for its result. */
  noteOrder(answer: { status: number; order: OrderInfo }): void {
    const { order } = answer
    const { facts } = this
    this.order = order
    facts.status = answer.status
    if (order.commonName !== undefined) facts.commonName = order.commonName
    if (order.validTill !== undefined) facts.validTill = order.validTill
    if (order.status === ISSUED) {
      delete facts.orderStatus
      if (order.certificateId !== undefined) facts.certificateId = order.certificateId
    } else {
      facts.orderStatus = order.status
    }
  }
}
