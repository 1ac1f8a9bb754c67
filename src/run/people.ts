// Reading a certificate's order for recipients-from-order (issue 24), pure: which look-ups read
// the people its order names before the call (peopleLinks: the one rule the run walks and the dry
// run lists), the next of them from the answers so far (peopleStep), and which Order info the
// look-up chain already read of the order found (chainOrderInfo: no second request for it).
// An order ID's own Order info is read by its look-up (orders.ts: looksUpOrder, roles given).
import type { OrderQuery } from '../certcentral/api.js'
import type { OrderInfo, OrderSummary } from '../certcentral/bodies.js'
import type { OrderPeople } from '../certcentral/people.js'
import type { Role } from '../input/roles.js'
import type { IdInput } from '../operations.js'
import type { FindAnswers, Found } from './finding.js'

/**
 * One look-up that reads a certificate's order: the order list filtered by the certificate's ID
 * (which names its order), or the Order info of the order found.
 */
export type PeopleLink = { link: 'certificate-orders'; query: OrderQuery } | { link: 'order-info' }

/**
 * The look-ups that read the people of an ID's order before its call, in order: none without
 * roles, nor for an order ID (its own Order info is its look-up); for a certificate ID the order
 * list filtered by certificate_id, then its order's Order info; for a file, serial, thumbprint or
 * common name the Order info of the order found, which the chain may have read already. With
 * deliver-once and no roles, a certificate ID's the same two (its order and serial, for the
 * note), a found certificate's none (the chain told both).
 */
export function peopleLinks({
  idInput,
  id,
  roles,
  deliverOnce = false
}: {
  idInput: IdInput
  id: string
  roles: readonly Role[]
  deliverOnce?: boolean | undefined
}): PeopleLink[] {
  if (idInput === 'order-id') return []
  if (roles.length === 0 && !(deliverOnce && idInput === 'certificate-id')) return []
  if (idInput !== 'certificate-id') return [{ link: 'order-info' }]
  const query: OrderQuery = { filter: 'certificate_id', value: id, offset: 0 }
  return [{ link: 'certificate-orders', query }, { link: 'order-info' }]
}

/** What the look-ups of an order's people answered so far. */
export interface PeopleAnswers {
  /** The certificate's order, when known (found by the chain, listed, or the ID itself). */
  orderId?: string | undefined
  /** The orders the list filtered by certificate_id named (its first page). */
  listed?: readonly OrderSummary[]
  /** The Order info of the certificate's order, once read. */
  order?: OrderInfo | undefined
}

export type PeopleStep =
  | { step: 'list'; query: OrderQuery }
  | { step: 'lookup'; orderId: string }
  /** The people read: the call can be built. */
  | { step: 'read'; orderId: string | undefined; people: OrderPeople | undefined }
  /** The certificate's order cannot be told: the ID fails, nothing is sent. */
  | { step: 'no-order'; error: string }

/** The next look-up of an ID's order's people (peopleLinks in order), or what they read. */
export function peopleStep({
  links,
  id,
  answers
}: {
  links: readonly PeopleLink[]
  id: string
  answers: PeopleAnswers
}): PeopleStep {
  let orderId = answers.orderId
  for (const link of links) {
    if (answers.order !== undefined) break
    if (link.link === 'certificate-orders') {
      if (orderId !== undefined) continue
      if (answers.listed === undefined) return { step: 'list', query: link.query }
      const listed = listedOrder({ id, orders: answers.listed })
      if ('error' in listed) return { step: 'no-order', error: listed.error }
      orderId = listed.orderId
    } else if (orderId === undefined) {
      return {
        step: 'no-order',
        error: `certificate ${id} was found, but CertCentral did not name its order, whose people recipients-from-order reads; give its order-id instead`
      }
    } else return { step: 'lookup', orderId }
  }
  return { step: 'read', orderId: answers.order?.orderId ?? orderId, people: answers.order?.people }
}

/**
 * The order the list filtered by certificate_id names for a certificate ID: the one whose primary
 * it is, else the only one listed (a duplicate's order); none, or several of which none is its
 * primary's, cannot say which order's people to mail.
 */
export function listedOrder({
  id,
  orders
}: {
  id: string
  orders: readonly OrderSummary[]
}): { orderId: string } | { error: string } {
  const primary = orders.find(order => order.certificate?.id === id)
  const only = orders.length === 1 ? orders[0] : undefined
  const order = primary ?? only
  if (order !== undefined) return { orderId: order.id }
  if (orders.length === 0)
    return {
      error: `certificate ${id} is on no order this key can see, so no one to send it to could be read from its order (check \`region\`, and the key's division)`
    }
  return {
    error: `the order list filtered by certificate ${id} names ${orders.length} orders, none with it as its certificate: cannot tell whose people to send it to; give its order-id instead`
  }
}

/**
 * The Order info the look-up chain already read of the found certificate's order (by thumbprint,
 * by serial, or of a listed order), if any: the same order by its ID, or, when the answer names
 * no order ID, by its certificate.
 */
export function chainOrderInfo({
  answers,
  found
}: {
  answers: FindAnswers
  found: Found
}): OrderInfo | undefined {
  const read = [answers.byThumbprint, answers.bySerial]
  if (found.orderId !== undefined) read.push(answers.orders[found.orderId])
  return (
    read.find(
      order =>
        order !== undefined &&
        order !== null &&
        (order.orderId === undefined
          ? order.certificateId === found.certificateId
          : order.orderId === found.orderId)
    ) ?? undefined
  )
}
