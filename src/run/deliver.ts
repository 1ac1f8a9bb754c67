// Sending one certificate to its own people (recipients-from-order, issue 24): its order read
// (people.ts: peopleLinks and peopleStep, each a look-up through the run's gates), its recipients
// computed once (recipientsFor, kept on its record), then its calls (the operation's callsFor: one
// PUT to them all, or one seal POST per recipient, each a send through the run's gates). An ID
// sent to some of its recipients and refused, or stopped, for another is failed, naming those
// sent and those not: a second run must not mail the first ones again unasked.
import type { OrderInfo, OrderList } from '../certcentral/bodies.js'
import { CertCentralError } from '../certcentral/errors.js'
import { OPERATIONS } from '../operations.js'
import type { IdResult } from '../outcome.js'
import { resultOfAnswer, resultOfEnd, resultOfStop } from './conclude.js'
import type { RunContext } from './context.js'
import type { IdRecord } from './id-record.js'
import { peopleLinks, peopleStep, type PeopleAnswers } from './people.js'
import { recipientsFor, type Recipients } from './recipients.js'
import { unsentError, type RunStop } from './stops.js'

/**
 * The certificate's recipients (its order read first when needed), kept on its record; or its
 * result when it ends here (no order, no one to send to, a failed look-up), or undefined when the
 * run stopped.
 */
export async function readRecipients(
  run: RunContext,
  record: IdRecord
): Promise<Recipients | IdResult | undefined> {
  const { idInput, roles = [], emails = [], deliverOnce } = run.options
  const links = peopleLinks({ idInput, id: record.id, roles, deliverOnce })
  // An order ID is its own order (its Order info read by its look-up: record.order).
  const orderId = idInput === 'order-id' ? record.id : record.facts.orderId
  let answers: PeopleAnswers = { orderId, order: record.order }
  for (;;) {
    const step = peopleStep({ links, id: record.id, answers })
    if (step.step === 'no-order')
      return resultOfEnd(run, record, { step: 'end', fate: 'failed', error: step.error })
    if (step.step === 'read') {
      // deliver-once without roles read the order for its certificate only: `emails` as given.
      if (roles.length === 0) return { recipients: [...emails], rolesWithout: [], warnings: [] }
      const recipients = recipientsFor({
        emails,
        roles,
        people: step.people,
        orderId: step.orderId
      })
      record.noteRecipients(recipients)
      // An order ID's warnings already begin with the order: its ID is not named twice.
      const prefix = `${run.noun} ${record.id}: `
      for (const warning of recipients.warnings)
        run.log.warning(warning.startsWith(prefix) ? warning : prefix + warning)
      if (recipients.problem === undefined) return recipients
      return resultOfEnd(run, record, { step: 'end', fate: 'failed', error: recipients.problem })
    }
    // The order is known before its Order info answers: a failure of it names the order too (an
    // order ID is never looked up here: its own look-up read its Order info).
    if (step.step === 'lookup') record.facts.orderId = step.orderId
    const answer = await run.request(
      'lookup',
      record,
      (attempt): Promise<{ status: number } & ({ list: OrderList } | { order: OrderInfo })> =>
        step.step === 'list'
          ? run.certCentral.listOrders(step.query, attempt, run.options.cancel)
          : run.certCentral.lookup(step.orderId, attempt, run.options.cancel)
    )
    if (answer === undefined) return undefined
    if (answer instanceof CertCentralError) return resultOfAnswer(run, record, answer, 'lookup')
    // Kept: deliver-once reads the serial of the order's certificate from it.
    if ('order' in answer) record.order = answer.order
    answers = withPeopleAnswer(answers, answer)
  }
}

/** The answers once a look-up of the order is answered: the orders listed, or its Order info. */
function withPeopleAnswer(
  answers: PeopleAnswers,
  answer: { list: OrderList } | { order: OrderInfo }
): PeopleAnswers {
  if ('list' in answer) return { ...answers, listed: answer.list.orders }
  return { ...answers, order: answer.order }
}

/**
 * The certificate sent to its own people: its recipients read (readRecipients), then its calls
 * (sendToRecipients); or its result when it ends before.
 */
export async function sendToOwnPeople(
  run: RunContext,
  record: IdRecord,
  target: string
): Promise<IdResult> {
  const read = await readRecipients(run, record)
  if (read === undefined) return resultOfStop(run, record)
  if ('fate' in read) return read
  return sendToRecipients(run, record, target, read.recipients)
}

/**
 * The certificate's calls to its recipients, one after the other: its result once every call is
 * sent, the first refused with none sent before (as any send), or failed naming those sent and
 * those not when some were.
 */
export async function sendToRecipients(
  run: RunContext,
  record: IdRecord,
  target: string,
  recipients: readonly string[]
): Promise<IdResult> {
  const { operation, body } = run.options
  const calls = OPERATIONS[operation].callsFor({
    body: body as Record<string, unknown> | undefined,
    recipients
  })
  return sendingResult(run, record, await sendCalls(run, record, target, calls), recipients)
}

/** One call to some recipients: whom it mails and its body (none: the plan's own, undefined). */
export interface SendCall {
  to: string[]
  body: object | undefined
}

/** How a certificate's calls went: whom they reached, the last answer, what ended them early. */
export interface Sending {
  sent: string[]
  last: { status: number } | undefined
  /** The refusal that ended the calls, `stopped` when the run stopped first; undefined: all sent. */
  failure: CertCentralError | 'stopped' | undefined
}

/** A certificate's calls, one after the other, until one is refused or the run stops. */
export async function sendCalls(
  run: RunContext,
  record: IdRecord,
  target: string,
  calls: readonly SendCall[]
): Promise<Sending> {
  const { operation, cancel } = run.options
  const sent: string[] = []
  let last: { status: number } | undefined
  for (const call of calls) {
    const answer = await run.request('send', record, attempt =>
      run.certCentral.call(operation, target, call.body, attempt, cancel)
    )
    if (answer === undefined) return { sent, last, failure: 'stopped' }
    if (answer instanceof CertCentralError) return { sent, last, failure: answer }
    sent.push(...call.to)
    record.facts.sentTo = sent.length
    last = answer
  }
  return { sent, last, failure: undefined }
}

/**
 * The result of a certificate's calls: sent once every call is; the first refused with none sent
 * before as any send (or unsent when the run stopped first); failed naming those sent and those
 * not when some were.
 */
export function sendingResult(
  run: RunContext,
  record: IdRecord,
  { sent, last, failure }: Sending,
  recipients: readonly string[]
): IdResult {
  if (failure === undefined) return resultOfAnswer(run, record, last as { status: number }, 'send')
  if (sent.length === 0)
    return failure === 'stopped'
      ? resultOfStop(run, record)
      : resultOfAnswer(run, record, failure, 'send')
  const refused = failure === 'stopped' ? undefined : failure
  return partly(run, record, { sent, recipients, failure: refused })
}

/** An ID sent to some of its recipients, refused or stopped for another: failed, saying which. */
function partly(
  run: RunContext,
  record: IdRecord,
  {
    sent,
    recipients,
    failure
  }: { sent: string[]; recipients: readonly string[]; failure: CertCentralError | undefined }
): IdResult {
  const left = recipients.slice(sent.length)
  const why =
    failure === undefined
      ? unsentError({ stop: run.stopped as RunStop, noun: run.noun, attempts: record.requestsMade })
      : failure.message
  const error =
    `sent to ${sent.length} of ${recipients.length} recipients (${sent.join(', ')}); ` +
    `not to ${left.length} (${left.join(', ')}): ${why}`
  // With deliver-once, a note recording those sent makes a second run mail only the others.
  const hint =
    record.facts.recorded === true
      ? 'run the step again once fixed: deliver-once recorded those sent, so only the others are mailed'
      : 'send to those not sent by hand or with emails; running the step again would mail the others again'
  // Counted for the stop rules (after a stop, which is already decided, it changes nothing).
  run.countResult(record, failure)
  return record.result('failed', { error, hint })
}
