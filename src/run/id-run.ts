// One ID's work, from start to result: issued-within on a file's own date; its certificate found
// (a file, serial, thumbprint or common name: find-certificate.ts) or its order waited for
// (wait-for-issuance.ts); the operation's call for the ID it takes, or with recipients-from-order
// its calls to its own people (deliver.ts), or with deliver-once its calls to those who have not
// got it, recorded on its order (deliver-once.ts); its result (conclude.ts) and its line in the log.
import { CertCentralError } from '../certcentral/errors.js'
import { OPERATIONS, isFindingInput, type Known, type Target } from '../operations.js'
import { requestsOf, type IdResult } from '../outcome.js'
import { resultOfAnswer, resultOfEnd, resultOfSkip, resultOfStop, type Ending } from './conclude.js'
import type { RunContext } from './context.js'
import { skipFor } from './fates.js'
import { findCertificate } from './find-certificate.js'
import type { Found } from './finding.js'
import { sendToOwnPeople } from './deliver.js'
import { deliverOnce } from './deliver-once.js'
import { IdRecord } from './id-record.js'
import { looksUpOrder } from './orders.js'
import { waitForIssuance } from './wait-for-issuance.js'

/**
 * One ID from start to result, with its line in the log; `fileSkip`: why issued-within skips it by
 * its file's own date, as judged when the run started (fileSkipOf).
 */
export async function runOneId(
  run: RunContext,
  target: Target,
  position: number,
  fileSkip: string | undefined
): Promise<IdResult> {
  const { id, known } = target
  const result = await resultOf(run, new IdRecord(id, position, known), known, fileSkip)
  const { log, noun } = run
  const to = result.sentTo === undefined ? '' : ` to ${result.sentTo} recipient(s)`
  if (result.fate === 'sent') log.info(`${noun} ${id}: sent${to} (HTTP ${result.status})`)
  else if (result.fate === 'skipped') log.info(`${noun} ${id}: ${result.skipReason}`)
  else if (requestsOf(result) > 0) log.info(`${noun} ${id}: ${result.error}`)
  return result
}

/**
 * The result of an ID the run stopped before its work started: unsent, not attempted (what its
 * first request would have come to, had it waited for its turn).
 */
export function stoppedBeforeStart(run: RunContext, target: Target, position: number): IdResult {
  return resultOfStop(run, new IdRecord(target.id, position, target.known))
}

/**
 * Why issued-within skips an ID by its file's own date, or undefined: known without a request, so
 * judged for every ID as the run starts, and such an ID ends then.
 */
export function fileSkipOf(run: RunContext, known: Known): string | undefined {
  return skipReason(run, known.validFrom)
}

/**
 * The ID's work: skipped on its file's date; else its certificate found, or its order waited for
 * (the ID the call takes, or the ID's result); then the call, unless the run stopped.
 */
async function resultOf(
  run: RunContext,
  record: IdRecord,
  known: Known,
  fileSkip: string | undefined
): Promise<IdResult> {
  const { operation, idInput } = run.options
  if (fileSkip) return resultOfSkip(run, record, fileSkip)
  let target = record.id
  if (isFindingInput(idInput)) {
    const found = await findCertificate(run, record, known)
    if (found === undefined) return resultOfStop(run, record)
    if ('fate' in found) return found
    const skip = known.file === undefined ? skipReason(run, found.issued) : undefined
    if (skip) return resultOfSkip(run, record, skip)
    const to = OPERATIONS[operation].orderTarget === 'order' ? found.orderId : found.certificateId
    if (to === undefined) return resultOfEnd(run, record, orderUnknown(found))
    target = to
  } else if (looksUpOrder(run.options)) {
    const issued = await waitForIssuance(run, record)
    if (typeof issued !== 'string') return issued ?? resultOfStop(run, record)
    const skip = skipReason(run, record.issued)
    if (skip) return resultOfSkip(run, record, skip)
    target = issued
  }
  if (run.options.deliverOnce) return counted(run, await deliverOnce(run, record, target))
  if (run.options.roles?.length) return counted(run, await sendToOwnPeople(run, record, target))
  const answer = await makeCall(run, record, target)
  if (answer === undefined) return resultOfStop(run, record)
  return counted(run, resultOfAnswer(run, record, answer, 'send'))
}

/** An ID's result, counted among those sent (for the waiting line) when it was. */
function counted(run: RunContext, result: IdResult): IdResult {
  if (result.fate === 'sent') run.sent++
  return result
}

/** The operation's call for the ID it takes, through the run's gates; undefined when the run stopped. */
function makeCall(
  run: RunContext,
  record: IdRecord,
  target: string
): Promise<{ status: number } | CertCentralError | undefined> {
  const { operation, body, cancel } = run.options
  return run.request('send', record, attempt =>
    run.certCentral.call(operation, target, body, attempt, cancel)
  )
}

/** Why issued-within skips a certificate issued then, or undefined. */
function skipReason(run: RunContext, issued: string | undefined): string | undefined {
  const seconds = run.options.issuedWithinSeconds
  return skipFor({ issued, seconds, now: run.clock.wallNow() })
}

/** A found certificate whose order CertCentral did not name: a seal cannot go anywhere. */
function orderUnknown(found: Found): Ending {
  return {
    step: 'end',
    fate: 'failed',
    error: `certificate ${found.certificateId} was found, but CertCentral did not name its order; give its order-id instead`
  }
}
