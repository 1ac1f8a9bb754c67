// Finding an ID's certificate (a file, serial, thumbprint or common name): the look-up chain's
// loop. findStep (finding.ts) names each step from the answers so far; each step is a look-up
// through the run's gates, its answer folded in by withFindAnswer, until the certificate is found
// or the ID ends (not found, not issued yet, a failed look-up).
import type { CertificateSummary, OrderInfo, OrderList } from '../certcentral/bodies.js'
import { CertCentralError } from '../certcentral/errors.js'
import type { Known } from '../operations.js'
import type { IdResult } from '../outcome.js'
import { resultOfAnswer, resultOfEnd } from './conclude.js'
import type { RunContext } from './context.js'
import {
  NO_ANSWERS,
  findStep,
  isMiss,
  pickOf,
  withFindAnswer,
  type FindAnswers,
  type FindStep,
  type Found
} from './finding.js'
import type { IdRecord } from './id-record.js'
import { chainOrderInfo } from './people.js'

/**
 * The look-up chain of a file, serial, thumbprint or common name (finding.ts: findStep), each
 * step a look-up: the certificate found, the ID's result (not found, a failed look-up), or
 * undefined when the run stopped.
 */
export async function findCertificate(
  run: RunContext,
  record: IdRecord,
  known: Known
): Promise<Found | IdResult | undefined> {
  const pick = pickOf({ idInput: run.options.idInput })
  let answers: FindAnswers = NO_ANSWERS
  for (;;) {
    const step = findStep({ known, pick, answers, now: run.clock.wallNow() })
    if (step.step === 'found') {
      record.noteFound(step.found)
      // Its order's Order info, when the chain read it: its people need no second look-up.
      record.order = chainOrderInfo({ answers, found: step.found })
      return step.found
    }
    if (step.step === 'not-found')
      return resultOfEnd(run, record, { step: 'end', fate: 'failed', error: step.error })
    if (step.step === 'not-issued') {
      record.facts.orderId = step.orderId
      record.facts.orderStatus = step.status
      return resultOfEnd(run, record, { step: 'end', fate: 'unsent', error: step.error })
    }
    const answer = await run.request('lookup', record, attempt => lookUp(run, step, attempt))
    if (answer === undefined) return undefined
    // A miss is "not this step" (a list is never one): the chain goes on. Any other failure,
    // a 404 saying the URL is wrong among them, ends the ID.
    const miss = answer instanceof CertCentralError && isMiss({ failure: answer })
    if (answer instanceof CertCentralError && (!miss || step.step === 'list'))
      return resultOfAnswer(run, record, answer, 'lookup')
    // The step's status: an answer's, or a miss's 404 (which request has already kept).
    record.facts.status = answer.status
    const content = answer instanceof CertCentralError ? null : answer
    answers = withFindAnswer({ answers, step, answer: content })
  }
}

/** The request of one look-up step of the chain. */
function lookUp(
  run: RunContext,
  step: Extract<FindStep, { step: 'lookup' | 'list' | 'duplicates' }>,
  attempt: number
): Promise<
  | { status: number; order: OrderInfo }
  | { status: number; list: OrderList }
  | { status: number; certificates: CertificateSummary[] }
> {
  const { certCentral, options } = run
  const { cancel } = options
  if (step.step === 'lookup') return certCentral.lookup(step.key, attempt, cancel)
  if (step.step === 'list') return certCentral.listOrders(step.query, attempt, cancel)
  return certCentral.duplicates(step.orderId, attempt, cancel)
}
