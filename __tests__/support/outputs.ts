// The step's outputs as the tests expect them, by the names npm run docs generates from action.yml
// (src/action-metadata.ts: ACTION_OUTPUTS, in action.yml's order): every output (outputsWith,
// EMPTY_OUTPUTS), and the two orders in which the step has always set them, pinned here once, each
// of the generated names and checked to hold every output of action.yml once.
import { ACTION_OUTPUTS, type OutputName } from '../../src/action-metadata.js'

/** Every output, each as given or else empty. */
export function outputsWith(
  given: Partial<Record<OutputName, string>> = {}
): Record<OutputName, string> {
  return Object.fromEntries(ACTION_OUTPUTS.map(name => [name, given[name] ?? ''])) as Record<
    OutputName,
    string
  >
}

/** Every output of a step that sent nothing and had no ID: `results` is `[]`, the rest empty. */
export const EMPTY_OUTPUTS = outputsWith({ results: '[]' })

/** An order of the outputs, once it is checked to name each of action.yml's outputs once. */
function everyOutputIn(order: OutputName[]): readonly OutputName[] {
  const sorted = (names: readonly string[]): string => [...names].sort().join(', ')
  if (sorted(order) !== sorted(ACTION_OUTPUTS))
    throw new Error(
      `an order of the outputs names each of action.yml's once (${sorted(ACTION_OUTPUTS)}), not ${sorted(order)}`
    )
  return order
}

/**
 * The order a run's report sets the outputs in (buildReport): action.yml's, but skipped-ids after
 * unsent-ids.
 */
export const RUN_OUTPUT_ORDER = everyOutputIn([
  'status-code',
  'results',
  'sent-ids',
  'failed-ids',
  'unsent-ids',
  'skipped-ids',
  'retry-after'
])

/**
 * The order a report that sent nothing (input problems, a cancelled match, an unexpected failure)
 * sets them in.
 */
export const NOTHING_SENT_OUTPUT_ORDER = everyOutputIn([
  'status-code',
  'sent-ids',
  'failed-ids',
  'retry-after',
  'unsent-ids',
  'skipped-ids',
  'results'
])
