// The dry run's log: what is validated, the headers every request carries, the body once (as
// summary-details shows it), then the requests each ID would make. Pure.
import { stepText, type PlannedRequest } from '../run/dry-run.js'
import { idCount, type IdInput } from '../operations.js'
import { shownJson } from './privacy.js'

/** The dry run's log: lines, then a group of lines (one per ID). */
export interface DryRunLog {
  lines: string[]
  group: { title: string; lines: string[] }
}

/** The requests a dry run would make, per ID, and the body each call would carry. */
export interface DryRunPlan {
  requests: { id: string; steps: PlannedRequest[] }[]
  body: object | undefined
}

/** The dry run's log: what is validated, the headers, the body once, then each request chain. */
export function dryRunLog({
  idInput,
  planned
}: {
  idInput: IdInput
  planned: DryRunPlan
}): DryRunLog {
  const { requests, body } = planned
  return {
    lines: [
      `dry-run: nothing is sent; ${idCount(idInput, requests.length)} validated`,
      `each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json`,
      body === undefined
        ? 'each call is sent without a body'
        : `each call sends Content-Type: application/json and this body:\n${shownJson({ value: body, indent: 2 })}`
    ],
    group: {
      title: `the requests that would be made (${requests.length})`,
      lines: requests.map(({ steps }) => steps.map(stepText).join(' → then '))
    }
  }
}
