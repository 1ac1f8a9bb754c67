// Running the bundled action on a batch of IDs against the stand-in, as the fault suites do: the
// inputs of a send-certificate run, the network guard (and any other preload) in the child, and
// what every run must show whatever the fault (see checkBatch).
import type { ChildProcess } from 'node:child_process'
import { expect } from 'vitest'
import { runAction, type ActionRun } from '../../standin/run-action.js'
import { type Result, resultsOf } from './action.js'
import { expectCleanRun } from './log.js'
import type { StandIn } from './standin.js'

/** The deadline of the fault suites' runs. */
export const TIMEOUT_SECONDS = 1
/** A run must be gone within timeout-seconds + 2 s unless a test says otherwise. */
export const EXIT_WITHIN_MS = (TIMEOUT_SECONDS + 2) * 1000

export interface BatchOptions {
  key?: string
  env?: Record<string, string>
  exitWithinMs?: number
  nodeArgs?: string[]
  /** false: the inputs are refused, so results is []; 'either': a test that allows both. */
  valid?: boolean | 'either'
  /** Kill the child if it runs longer (40 s by default). */
  killAfterMs?: number
  /** The node binary (this process's by default): one of RUNTIMES. */
  node?: string
  /** Given the child once started, to signal it as the runner does. */
  onSpawn?: (child: ChildProcess) => void
}

/** What every batch runs against: the stand-in (read when a run starts) and the guard's flags. */
export interface BatchContext {
  standIn: () => StandIn
  guardArgs: () => string[]
}

/** A result of an ID sent at the first attempt. */
export const sent = (id: string): Result => ({
  id,
  ok: true,
  outcome: 'sent',
  status: 204,
  attempts: 1,
  lookups: 0
})

export function batchRunner(context: BatchContext) {
  /** Runs send-certificate for `ids` against the stand-in (or `inputs['api-url']`). */
  function startBatch(
    ids: string[],
    inputs: Record<string, string> = {},
    { key, env = {}, nodeArgs = [], killAfterMs = 40_000, node, onSpawn }: BatchOptions = {}
  ): Promise<ActionRun> {
    return runAction({
      inputs: {
        operation: 'send-certificate',
        'api-key': key ?? context.standIn().apiKey,
        'api-url': context.standIn().baseUrl,
        'certificate-id': ids.join(' '),
        emails: 'ops@example.com',
        'timeout-seconds': String(TIMEOUT_SECONDS),
        ...inputs
      },
      env,
      nodeArgs: [...context.guardArgs(), ...nodeArgs],
      killAfterMs,
      node,
      onSpawn
    })
  }

  /** What every run must show, whatever the fault: see expectCleanRun; a prompt exit; every ID. */
  function checkBatch(
    run: ActionRun,
    ids: string[],
    { key, env = {}, exitWithinMs = EXIT_WITHIN_MS, valid = true }: BatchOptions = {}
  ): { run: ActionRun; results: Result[] } {
    const used = key ?? context.standIn().apiKey
    expectCleanRun(run, used.trim() === '' ? (env.DIGICERT_API_KEY ?? '') : used)
    expect(run.signal).toBeNull()
    expect(run.durationMs).toBeLessThan(exitWithinMs)
    const results = resultsOf(run)
    if (valid === 'either') expect([[], ids]).toContainEqual(results.map(r => r.id))
    else expect(results.map(r => r.id)).toEqual(valid ? ids : [])
    return { run, results }
  }

  async function runBatch(
    ids: string[],
    inputs: Record<string, string> = {},
    options: BatchOptions = {}
  ): Promise<{ run: ActionRun; results: Result[] }> {
    return checkBatch(await startBatch(ids, inputs, options), ids, options)
  }

  return { startBatch, checkBatch, runBatch }
}
