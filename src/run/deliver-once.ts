// deliver-once in the run (issue 25): a certificate reaches each of its recipients once, recorded
// on its order. Before the call, its recipients (deliver.ts: readRecipients) and its order's notes
// (one look-up); the recipients a note of ours names for this certificate and operation are left
// out (delivery-notes.ts: deliveredBefore, recipientsLeft), and when none is left the ID is
// skipped. After the calls (deliver.ts: sendCalls), a note recording those reached (even when the
// run stopped meanwhile: a stop ends new sends, not their record); a note not written leaves the
// ID sent, with `recorded: false`. Which certificate a note names is deliveredCertificate (pure).
import { CertCentralError } from '../certcentral/errors.js'
import type { OrderInfo } from '../certcentral/bodies.js'
import { OPERATIONS, type IdInput, type Operation } from '../operations.js'
import type { IdResult } from '../outcome.js'
import { resultOfAnswer, resultOfEnd, resultOfSkip, resultOfStop } from './conclude.js'
import type { RunContext } from './context.js'
import { readRecipients, sendCalls, sendingResult, type SendCall } from './deliver.js'
import {
  KEY_OWNER,
  SEAL_FORMAT,
  deliveredBefore,
  formatDeliveryNote,
  recipientsLeft
} from './delivery-notes.js'
import type { Facts, IdRecord } from './id-record.js'

/** The certificate a delivery note names, and the order it is written on. */
export interface NotedCertificate {
  orderId: string
  certificateId: string
  serial: string
}

/**
 * The certificate an ID's note names and its order, from what its run learnt before the call:
 * the order is the ID itself (order-id) or the one found or listed; the certificate is the one
 * the call takes (send-certificate) or the order's (a seal); the serial is the one its input or
 * the chain told, else its order's when the order's certificate is this one. An error when one is
 * not known: nothing can be recorded, so nothing is sent.
 */
export function deliveredCertificate({
  idInput,
  operation,
  id,
  target,
  facts,
  order
}: {
  idInput: IdInput
  operation: Operation
  id: string
  /** The ID the call takes. */
  target: string
  facts: Pick<Facts, 'orderId' | 'certificateId' | 'serialNumber'>
  /** The Order info read of its order, if any. */
  order: OrderInfo | undefined
}): NotedCertificate | { error: string } {
  const orderId = idInput === 'order-id' ? id : (facts.orderId ?? order?.orderId)
  const certificateId =
    OPERATIONS[operation].orderTarget === 'certificate' ? target : facts.certificateId
  const fix = 'give its order-id instead, or turn deliver-once off'
  if (orderId === undefined)
    return {
      error: `CertCentral did not name the order of ${id}, where deliver-once reads and writes its notes; ${fix}`
    }
  if (certificateId === undefined)
    return {
      error: `order ${orderId} names no certificate ID, which deliver-once's note records; ${fix}`
    }
  const own = order?.certificateId === certificateId
  const serial = facts.serialNumber ?? (own ? order?.serialNumber : undefined)
  if (serial === undefined) {
    const why = own ? `order ${orderId}'s Order info gives none` : "not its order's own certificate"
    return {
      error: `CertCentral did not give the serial of certificate ${certificateId} (${why}), which deliver-once's note records; give its serial-number or certificate-file instead, or turn deliver-once off`
    }
  }
  return { orderId, certificateId, serial }
}

/**
 * The certificate sent once to each of its recipients: its recipients and its order's notes read,
 * those already delivered left out (skipped when none is left), the calls to the rest, then the
 * note recording those reached.
 */
export async function deliverOnce(
  run: RunContext,
  record: IdRecord,
  target: string
): Promise<IdResult> {
  const { idInput, operation, cancel } = run.options
  const read = await readRecipients(run, record)
  if (read === undefined) return resultOfStop(run, record)
  if ('fate' in read) return read
  const { facts, order, id } = record
  const noted = deliveredCertificate({ idInput, operation, id, target, facts, order })
  if ('error' in noted) return resultOfEnd(run, record, { step: 'end', fate: 'failed', ...noted })
  const answer = await run.request('lookup', record, attempt =>
    run.certCentral.listNotes(noted.orderId, attempt, cancel)
  )
  if (answer === undefined) return resultOfStop(run, record)
  if (answer instanceof CertCentralError) return resultOfAnswer(run, record, answer, 'lookup')
  // A seal without `emails` or roles goes to the API key's user: recorded as such.
  const recipients = read.recipients.length ? read.recipients : [KEY_OWNER]
  const delivered = deliveredBefore({ notes: answer.notes, operation, ...noted })
  const { rest, skip } = recipientsLeft({ recipients, delivered })
  if (skip !== undefined) return resultOfSkip(run, record, skip)
  const sending = await sendCalls(run, record, target, callsTo(run, rest))
  if (sending.sent.length > 0)
    record.facts.recorded = await writeNote(run, record, noted, sending.sent)
  return sendingResult(run, record, sending, rest)
}

/** The calls to these recipients: the plan's body alone for the API key's user (a seal). */
function callsTo(run: RunContext, recipients: string[]): SendCall[] {
  const { operation } = run.options
  const body = run.options.body as Record<string, unknown> | undefined
  if (recipients[0] === KEY_OWNER) return [{ to: recipients, body }]
  return OPERATIONS[operation].callsFor({ body, recipients })
}

/**
 * The note recording a delivery, written part by part on the certificate's order (each a write:
 * retried only after a 429 or 503, made even after a stop); whether every part was written. The
 * first part not written ends it, with a line in the log saying why.
 */
async function writeNote(
  run: RunContext,
  record: IdRecord,
  { orderId, certificateId, serial }: NotedCertificate,
  sent: readonly string[]
): Promise<boolean> {
  const { operation, cancel, runLink, runAttempt } = run.options
  const format =
    operation === 'email-site-seal'
      ? SEAL_FORMAT
      : String((run.options.body as Record<string, unknown>).certificate_collect_format)
  const lost = (why: string): false => {
    run.log.info(`${run.noun} ${record.id}: sent, but not recorded on order ${orderId}: ${why}`)
    return false
  }
  let parts: string[]
  try {
    const sentMs = run.clock.wallNow()
    parts = formatDeliveryNote({
      operation,
      certificateId,
      serial,
      format,
      sentMs,
      run: runLink,
      attempt: runAttempt,
      recipients: sent
    })
  } catch (error) {
    return lost((error as Error).message)
  }
  for (const text of parts) {
    const answer = await run.request('note', record, attempt =>
      run.certCentral.addNote(orderId, text, attempt, cancel)
    )
    if (answer === undefined) return lost('the run stopped')
    if (answer instanceof CertCentralError) return lost(answer.message)
  }
  return true
}
