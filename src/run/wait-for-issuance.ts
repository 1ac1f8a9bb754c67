// Waiting for an order to be issued: the order's loop. Each check is an Order info look-up through
// the run's gates; orderStep (orders.ts) says whether to send (and to which ID), end the ID, or
// check again and when. The orders waiting are counted for their share of the look-up budget and
// for the log's waiting line (WaitingOrders).
import type { OrderInfo } from '../certcentral/bodies.js'
import { CertCentralError } from '../certcentral/errors.js'
import { OPERATIONS } from '../operations.js'
import type { IdResult } from '../outcome.js'
import { resultOfAnswer, resultOfEnd } from './conclude.js'
import type { RunContext } from './context.js'
import { seconds } from './gates.js'
import type { IdRecord } from './id-record.js'
import { orderStep, type OrderStep } from './orders.js'

/** What one check of an order answered: its Order info, or the look-up's failure. */
type Checked = { status: number; order: OrderInfo } | CertCentralError

/** Looks an order up until it is issued; the ID the call takes, or the ID's final result. */
export async function waitForIssuance(
  run: RunContext,
  record: IdRecord
): Promise<string | IdResult | undefined> {
  const { id } = record
  for (let check = 1; ; check++) {
    const answer = await run.request('lookup', record, attempt =>
      run.certCentral.lookup(id, attempt, run.options.cancel)
    )
    if (answer === undefined) return undefined
    if (!(answer instanceof CertCentralError)) {
      record.noteOrder(answer)
      const issued = answer.order.dateIssued ?? answer.order.validFrom
      if (issued !== undefined) record.issued = issued
    }
    const now = run.clock.now()
    const step = nextStep(run, record, answer, { check, now })
    if (step.step !== 'wait') {
      run.waiting.delete(id)
      if (step.step === 'send') return step.target
      // A settled look-up always failed: orderStep settles only on a failure.
      return step.step === 'settle'
        ? resultOfAnswer(run, record, answer as CertCentralError, 'lookup')
        : resultOfEnd(run, record, step)
    }
    const { delayMs } = step
    noteWaiting(run, record, answer, { check, nextCheck: now + delayMs, delayMs })
    await run.clock.sleep(delayMs, run.halt)
    if (run.stopped) return undefined
  }
}

/** The order step after this check (see orderStep). */
function nextStep(
  run: RunContext,
  record: IdRecord,
  answer: Checked,
  { check, now }: { check: number; now: number }
): OrderStep {
  const { id } = record
  return orderStep({
    orderId: id,
    answer: answer instanceof CertCentralError ? answer : answer.order,
    lastStatus: record.facts.orderStatus,
    orderTarget: OPERATIONS[run.options.operation].orderTarget,
    check,
    now,
    waitSeconds: run.options.waitSeconds,
    deadline: run.deadline,
    ordersWaiting: run.waiting.withOrder(id),
    windows: run.limits,
    random: run.clock.random()
  })
}

/** An order waits for its next check: counted as waiting, and said in the log. */
function noteWaiting(
  run: RunContext,
  record: IdRecord,
  answer: Checked,
  { check, nextCheck, delayMs }: { check: number; nextCheck: number; delayMs: number }
): void {
  const { id } = record
  const failed = answer instanceof CertCentralError
  const status = failed ? (record.facts.orderStatus ?? 'unknown') : answer.order.status
  run.waiting.set(id, status, nextCheck)
  if (failed) {
    run.log.info(
      `order ${id}: check ${check} failed (${answer.message}); trying again at the next check in ${seconds(delayMs)}`
    )
  } else run.log.debug(`order ${id}: ${status}; check ${check + 1} in ${delayMs} ms`)
  run.waiting.report(run.sent)
}
