// How an ID's work concludes, as its result: once its last request was answered (resultOfAnswer:
// the fate by fateOf), once its order or the look-up chain ended it without a send (resultOfEnd),
// once the run stopped before it was sent (resultOfStop: unsentError says why), or once
// issued-within skipped it (resultOfSkip). Every end but a stop is counted for the stop rules,
// which may stop the run.
import { CertCentralError } from '../certcentral/errors.js'
import type { IdResult } from '../outcome.js'
import type { RunContext } from './context.js'
import { fateOf } from './fates.js'
import type { IdRecord } from './id-record.js'
import type { OrderStep } from './orders.js'
import type { RequestKind } from './port.js'
import { unsentError, type RunStop } from './stops.js'

/** How an ID ends without a send: its fate, its error and maybe a hint. */
export type Ending = Extract<OrderStep, { step: 'end' }>

/** The result of an ID whose last request was answered. */
export function resultOfAnswer(
  run: RunContext,
  record: IdRecord,
  answer: { status: number } | CertCentralError,
  request: RequestKind
): IdResult {
  const fate = fateOf({ answer, request })
  const failure = answer instanceof CertCentralError ? answer : undefined
  run.countResult(record, failure)
  if (!(answer instanceof CertCentralError)) return record.result(fate, { status: answer.status })
  return record.result(fate, {
    error: answer.message,
    ...(answer.hint ? { hint: answer.hint } : {})
  })
}

/** An ID that ended without a send: no HTTP error, so no status (the look-up's was 200). */
export function resultOfEnd(run: RunContext, record: IdRecord, ending: Ending): IdResult {
  run.countResult(record, undefined)
  const { fate, error, hint } = ending
  return record.result(fate, { status: null, error, ...(hint ? { hint } : {}) })
}

/** The result of an ID the run stopped before it was sent. */
export function resultOfStop(run: RunContext, record: IdRecord): IdResult {
  run.waiting.delete(record.id)
  const stop = run.stopped as RunStop
  const error = unsentError({ stop, noun: run.noun, attempts: record.requestsMade })
  return record.result('unsent', { error })
}

/** A certificate issued longer ago than issued-within: nothing sent, nothing to fix. */
export function resultOfSkip(run: RunContext, record: IdRecord, skipReason: string): IdResult {
  run.countResult(record, undefined)
  return record.result('skipped', { skipReason })
}
