// What the run needs of CertCentral (CertCentralPort): the operation's call, the look-ups of an
// order and of the look-up chain, and an order's notes (listed: a look-up; added: a write). CertCentralClient (certcentral/client.ts) is the real one;
// the tests' ScriptedApi answers from a script.
import type { CertificateSummary, OrderInfo, OrderList } from '../certcentral/bodies.js'
import type { OrderQuery } from '../certcentral/api.js'
import type { AddedNote, NoteEntry } from '../certcentral/note-bodies.js'
import type { Operation } from '../operations.js'

/** The two kinds of request: an operation's call (a send) and an Order info look-up. */
export type RequestKind = 'send' | 'lookup'

/**
 * What a request is for: a send, a look-up, or deliver-once's note on an order (a write, paced
 * and held as a send, never repeated but after a 429 or 503, and still made after a stop for the
 * sends already made).
 */
export type RequestUse = RequestKind | 'note'

/** The gate a request goes through: a note goes as a send. */
export function gateOf(use: RequestUse): RequestKind {
  return use === 'note' ? 'send' : use
}

/** The CertCentral port: what the runner needs of CertCentral, the operation's call and the Order info look-up. */
export interface CertCentralPort {
  call(
    operation: Operation,
    id: string,
    body: object | undefined,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number }>
  /** Order info by order ID, or by the upper-case thumbprint or serial of an order's primary. */
  lookup(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; order: OrderInfo }>
  /** One page of the order list. */
  listOrders(
    query: OrderQuery,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; list: OrderList }>
  /** An order's duplicate certificates. */
  duplicates(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; certificates: CertificateSummary[] }>
  /** An order's notes (List order notes): a look-up, repeated like any. */
  listNotes(
    orderId: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; notes: NoteEntry[] }>
  /** Adds a note to an order: a write, retried only after a 429 or 503 (retryDecision). */
  addNote(
    orderId: string,
    text: string,
    attempt: number,
    cancel?: AbortSignal
  ): Promise<{ status: number; note: AddedNote }>
}
