// Fixtures for the report's tests: a plan's report context, results of each fate, an outcome, a dry
// run's requests, and what `results` shows of a result (written out here, as the test's own
// reading of action.yml).
import type { ReportContext } from '../../src/report/context.js'
import type { DryRunPlan } from '../../src/report/dry-run-log.js'
import type { ResultEntry } from '../../src/report/results.js'
import type { IdResult, RunOutcome } from '../../src/outcome.js'
import { Sanitizer } from '../../src/sanitize.js'

export { MIB } from './action.js'

/** A key the report must never show; `safe` redacts it. */
export const KEY = 'dc-KEY-7Hq2Zp9Lw4'
export const safe = new Sanitizer([KEY])
/** Without a key to look for: quick on 10,000 IDs of 60 KB errors. */
export const noKey = new Sanitizer([])
export const BASE = 'https://www.digicert.com/services/v2'

/**
 * A send-certificate run by certificate ID, two recipients, no warnings, the recipients shown
 * (summary-details: full).
 */
export function context(over: Partial<ReportContext> = {}): ReportContext {
  return {
    operation: 'send-certificate',
    idInput: 'certificate-id',
    details: [
      [
        'Recipients',
        'ops@example.com, pki@example.com',
        { recipients: ['ops@example.com', 'pki@example.com'] }
      ],
      ['Format', 'attachment']
    ],
    dryRun: false,
    warnings: [],
    summaryDetails: 'full',
    visibility: 'unknown',
    ...over
  }
}

export const sent = (id: string, over: Partial<IdResult> = {}): IdResult => ({
  id,
  fate: 'sent',
  status: 204,
  attempts: 1,
  lookups: 0,
  ...over
})
export const failed = (id: string, status: number | null, error: string): IdResult => ({
  id,
  fate: 'failed',
  status,
  attempts: 1,
  lookups: 0,
  error
})
export const notAttempted = (id: string, why = 'cancelled'): IdResult => ({
  id,
  fate: 'unsent',
  status: null,
  attempts: 0,
  lookups: 0,
  error: `not attempted: ${why}`
})
/** An ID DigiCert told to come back later (a 429 or a 503): unsent, with its status. */
export const later = (id: string, status: 429 | 503 = 429): IdResult => ({
  id,
  fate: 'unsent',
  status,
  attempts: 1,
  lookups: 0,
  error: `HTTP ${status}: DigiCert asked to wait`
})
export const validated = (id: string): IdResult => ({
  id,
  fate: 'validated',
  status: null,
  attempts: 0,
  lookups: 0
})

/** What `results` shows of an ID's result whose texts need no cutting. */
export const entryOf = ({
  fate,
  certificateId,
  commonName,
  validTill,
  orderStatus,
  // The addresses are never in results: only their count (sentTo).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  recipients,
  sentTo,
  rolesWithout,
  ...rest
}: IdResult): ResultEntry => ({
  ...rest,
  ...(sentTo === undefined ? {} : { recipients: sentTo }),
  ...(rolesWithout === undefined ? {} : { roles_without_recipients: rolesWithout }),
  ok: fate === 'sent' || fate === 'validated',
  outcome: fate,
  ...(certificateId === undefined ? {} : { certificate_id: certificateId }),
  ...(commonName === undefined ? {} : { common_name: commonName }),
  ...(validTill === undefined ? {} : { valid_till: validTill }),
  ...(orderStatus === undefined ? {} : { order_status: orderStatus })
})

export const outcomeOf = (results: IdResult[], over: Partial<RunOutcome> = {}): RunOutcome => ({
  results,
  stop: undefined,
  retryAfter: undefined,
  ...over
})

/** n consecutive 7-digit IDs from `from`. */
export const ids = (n: number, from = 5_000_001): string[] =>
  Array.from({ length: n }, (_, i) => String(from + i))

/** A dry run's requests: each ID with its chain of [method, URL]. */
export const requests = (...chains: [string, [string, string][]][]): DryRunPlan['requests'] =>
  chains.map(([id, steps]) => ({ id, steps: steps.map(([method, url]) => ({ method, url })) }))
