// Inputs → plan → requests → report. The one place that talks to the runner's environment:
// inputs, the key's masking, signals, and the wiring of transport, client, runner and reporter.
import * as core from '@actions/core'
import pkg from '../package.json' with { type: 'json' }
import { ACTION_INPUTS, type InputName } from './action-inputs.js'
import { CertCentralClient } from './certcentral.js'
import { parsePlan, withDefaults, type Plan, type RawInputs } from './inputs.js'
import { InputError, formatDuration } from './parse.js'
import { idNoun } from './operations.js'
import { Reporter, reportInputProblems, reportUnexpected } from './report.js'
import { realClock, type Clock } from './clock.js'
import { MAX_IN_FLIGHT, runPlan } from './scheduler.js'
import { SHOWN_CHARS, Sanitizer } from './sanitize.js'
import { Transport, runnerProxyFor } from './transport.js'

export const USER_AGENT = `${pkg.name}/${pkg.version} (GitHub Action; node ${process.version})`

/** Each non-blank line of a secret, trimmed and as given: setSecret masks one line. */
export function secretLines(value: string): string[] {
  const lines = new Set<string>()
  for (const line of value.split(/\r?\n|\r/)) {
    const trimmed = line.trim()
    // A line without surrounding whitespace is its trimmed self: the set keeps it once.
    if (trimmed !== '') lines.add(trimmed).add(line)
  }
  return [...lines]
}

/** Reads every input of action.yml, the key first and masked before anything can be logged. */
export function readInputs(): RawInputs {
  const given = core.getInput('api-key', { trimWhitespace: false })
  // Whitespace only counts as empty: the environment variable is used then.
  const apiKey = given.trim() !== '' ? given : (process.env.DIGICERT_API_KEY ?? '')
  for (const line of secretLines(apiKey)) core.setSecret(line)
  const raw: Partial<Record<InputName, string>> = { 'api-key': apiKey }
  for (const name of Object.keys(ACTION_INPUTS) as InputName[]) {
    if (name !== 'api-key') raw[name] = core.getInput(name, { trimWhitespace: false })
  }
  return withDefaults(raw)
}

/** The plan as the debug log shows it: everything but the key. */
function describePlan(plan: Plan): string {
  const shown: Partial<Plan> = { ...plan }
  delete shown.apiKey
  return JSON.stringify({
    ...shown,
    ids: plan.ids.length > 20 ? [...plan.ids.slice(0, 20), `… ${plan.ids.length} in all`] : plan.ids
  })
}

export async function run(clock: Clock = realClock): Promise<void> {
  const inputs = readInputs()
  const safe = new Sanitizer(secretLines(inputs['api-key']))
  // The runner sends SIGINT, then SIGTERM, on cancellation: finish the report in time.
  const cancel = new AbortController()
  const onSignal = (signal: string) => (): void => {
    core.warning(`${signal}: the run was cancelled; reporting what was done`)
    cancel.abort()
  }
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') }
  for (const [signal, handler] of Object.entries(handlers)) process.once(signal, handler)
  let transport: Transport | undefined
  /** The IDs to report as unsent should something fail before the outputs are written. */
  let ids: string[] = []
  let reported = false
  try {
    const plan = parsePlan(inputs, { proxyFor: runnerProxyFor })
    ids = plan.ids
    core.debug(`plan: ${describePlan(plan)}`)
    const reporter = new Reporter(
      {
        operation: plan.operation,
        idInput: plan.idInput,
        details: plan.details,
        dryRun: plan.dryRun,
        warnings: plan.warnings
      },
      safe
    )
    reporter.warn()

    transport = new Transport({
      timeoutMs: plan.timeoutMs,
      userAgent: USER_AGENT,
      maxSockets: MAX_IN_FLIGHT
    })
    const client = new CertCentralClient({
      baseUrl: plan.baseUrl,
      apiKey: plan.apiKey,
      idInput: plan.idInput,
      timeoutMs: plan.timeoutMs,
      transport,
      sanitizer: safe,
      log: { debug: message => core.debug(message) },
      now: () => clock.now()
    })

    if (plan.dryRun) {
      const planned = plan.ids.map(id => ({ id, steps: client.plannedFor(plan.operation, id) }))
      reporter.logDryRun(planned, plan.body)
      const outcome = {
        results: plan.ids.map(id => ({
          id,
          fate: 'validated' as const,
          status: null,
          attempts: 0
        })),
        stop: undefined,
        retryAfter: undefined
      }
      reporter.setOutputs(outcome)
      reported = true
      await reporter.writeSummary(outcome, planned)
      return
    }

    const proxy = transport.proxyOf(new URL(plan.baseUrl))
    core.info(
      `${plan.operation}: ${plan.ids.length} ${idNoun(plan.idInput)} ID(s) via ${new URL(plan.baseUrl).host}` +
        (proxy ? ` through the proxy ${proxy.host}` : '') +
        (plan.waitSeconds
          ? `, waiting up to ${formatDuration(plan.waitSeconds)} for each order to be issued`
          : '')
    )
    const outcome = await runPlan(
      {
        operation: plan.operation,
        idInput: plan.idInput,
        ids: plan.ids,
        body: plan.body,
        maxRetries: plan.maxRetries,
        waitSeconds: plan.waitSeconds,
        cancel: cancel.signal,
        log: {
          info: message => core.info(safe.text(message, SHOWN_CHARS.logLine)),
          warning: message => core.warning(safe.text(message, SHOWN_CHARS.logLine)),
          debug: message => core.debug(safe.text(message, SHOWN_CHARS.logLine))
        }
      },
      client,
      clock
    )
    reporter.setOutputs(outcome)
    reported = true
    await reporter.writeSummary(outcome)
    reporter.fail(outcome)
  } catch (error) {
    // Input problems are expected; anything else is a bug of ours, reported the same way: outputs
    // and a summary a follow-up step can use, and the one failure message.
    if (error instanceof InputError) {
      await reportInputProblems(error.problems, safe)
      core.setFailed(error.message)
      return
    }
    const message = `unexpected error: ${safe.text(error instanceof Error ? error.message : error, SHOWN_CHARS.logLine)}`
    // Reporting can fail too (an output file that is gone): the failure message still goes out.
    if (!reported) await reportUnexpected(message, ids, safe).catch(() => undefined)
    core.setFailed(message)
  } finally {
    transport?.dispose()
    for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler)
  }
}
