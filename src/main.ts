// Inputs → plan → run (or dry run) → report → publish: run() wires the stages, each in its folder
// (src/input, src/run, src/certcentral, src/report), and publishes what a failed stage leaves. Here
// too: the signals that cancel a run, the transport and client built for the plan, the run's live
// log. The step's environment is read in src/input/read.ts.
import * as core from '@actions/core'
import pkg from '../package.json' with { type: 'json' }
import { MatchingCancelled } from './input/certificate-file.js'
import type { Walker } from './input/glob-walk.js'
import { secretPathOf, shownBase } from './certcentral/api.js'
import { CertCentralClient } from './certcentral/client.js'
import { parsePlan, type Plan, type RawInputs } from './input/plan.js'
import { InputError, formatDuration } from './input/parse.js'
import {
  certificateFiles,
  detailsContext,
  inputVariableNames,
  readInputs,
  secretLines
} from './input/read.js'
import { idCount } from './operations.js'
import type { RunOutcome } from './outcome.js'
import { publish, runLink, type RunOfReport } from './report/publish.js'
import { buildReport, planWarningsReport, verdictReport } from './report/report.js'
import type { ReportContext } from './report/context.js'
import { detailsShown, shownBody, shownJson, shownDetails } from './report/privacy.js'
import {
  cancelledReport,
  inputProblemsReport,
  unexpectedMessage,
  unexpectedReport
} from './report/failures.js'
import { realClock, type Clock } from './clock.js'
import { dryRun } from './run/dry-run.js'
import { MAX_IN_FLIGHT, runPlan, type RunLog, type RunOptions } from './run/scheduler.js'
import { onceRunContext, readRunContext } from './run-context.js'
import { SHOWN_CHARS, Sanitizer } from './sanitize.js'
import { runnerProxyFor, runnerProxyWarning } from './certcentral/proxy.js'
import { Transport } from './certcentral/transport.js'

export const USER_AGENT = `${pkg.name}/${pkg.version} (GitHub Action; node ${process.version})`

/**
 * The plan as the debug log shows it: everything but the key (and the targets, which repeat the
 * IDs), the base URL as shownBase shows it, and recipients and the message as the summary shows them
 * (summary-details).
 */
function describePlan(plan: Plan, context: ReportContext): string {
  const shown = detailsShown(context)
  const rest: Partial<Plan> = { ...plan }
  delete rest.apiKey
  delete rest.targets
  // The addresses of emails are in the body and the details, each shown as summary-details says.
  delete rest.emails
  return shownJson({
    value: {
      ...rest,
      baseUrl: shownBase({ baseUrl: plan.baseUrl }),
      body: shownBody({ body: plan.body, details: plan.details, shown }),
      details: shownDetails({ details: plan.details, shown }),
      ids:
        plan.ids.length > 20 ? [...plan.ids.slice(0, 20), `… ${plan.ids.length} in all`] : plan.ids
    }
  })
}

/**
 * The step: its inputs (the key masked first), the plan, the run or the dry run, the report, each
 * published as it comes; a stage that fails publishes what it leaves (publishFailure). certificate-file
 * is walked by `walker`: index.ts gives a worker thread, which cancellation and the bound stop;
 * tests, which run the sources, walk in this thread.
 */
export async function run(clock: Clock = realClock, walker?: Walker): Promise<void> {
  const inputs = readInputs()
  // The event file is read at most once, by the first that needs it.
  const ofRun: RunOfReport = { runContext: onceRunContext() }
  const shownAs = detailsContext(inputs['summary-details'], ofRun.runContext)
  const safe = sanitizerFor(inputs, shownAs)
  const cancellation = cancelOnSignals(message => core.warning(message))
  let transport: Transport | undefined
  // The IDs to report unsent should the run fail before it has an outcome. Once it has one, none:
  // a failure while reporting must never turn the IDs it sent into unsent ones (and a follow-up
  // step send them twice).
  let unsentOnFailure: string[] | undefined = []
  try {
    const plan = await planOf(inputs, cancellation.signal, clock, walker)
    unsentOnFailure = plan.ids
    const context = reportContext(plan, shownAs)
    core.debug(`plan: ${describePlan(plan, context)}`)
    await publish(planWarningsReport({ context, sanitizer: safe }), ofRun)
    transport = transportFor(plan)
    const client = clientFor(plan, transport, safe, clock)
    const { outcome, planned } = plan.dryRun
      ? dryRun(plan)
      : {
          outcome: await send(plan, {
            client,
            transport,
            safe,
            clock,
            cancel: cancellation.signal,
            ofRun
          })
        }
    unsentOnFailure = undefined
    await publish(buildReport({ context, outcome, planned, sanitizer: safe }), ofRun)
  } catch (error) {
    await publishFailure(error, { unsent: unsentOnFailure, safe, ofRun })
  } finally {
    transport?.dispose()
    cancellation.dispose()
  }
}

/**
 * Everything the step shows passes through this one: the key, and a path of api-url (a gateway's
 * token) wherever a server echoes it, redacted; every address as `…@domain` where recipients are
 * shown by count (summary-details as read before the plan), input problems included.
 */
function sanitizerFor(
  inputs: RawInputs,
  shownAs: Pick<ReportContext, 'summaryDetails' | 'visibility'>
): Sanitizer {
  return new Sanitizer(
    [...secretLines(inputs['api-key']), ...secretPathOf({ apiUrl: inputs['api-url'] })],
    { shown: detailsShown(shownAs) }
  )
}

/**
 * The plan, with what it needs of the environment: certificate-file's files (the walk cancelled by
 * `signal`), the names of the INPUT_ variables, the runner's proxies and the clock's wall time.
 */
async function planOf(
  inputs: RawInputs,
  signal: AbortSignal,
  clock: Clock,
  walker: Walker | undefined
): Promise<Plan> {
  return parsePlan(inputs, {
    proxyFor: runnerProxyFor,
    certificateFiles: await certificateFiles(inputs, signal, {
      clock,
      ...(walker ? { walker } : {})
    }),
    inputVariables: inputVariableNames(),
    wallNow: () => clock.wallNow()
  })
}

/** The transport for the plan's requests, after the warning about the runner's proxy, if any. */
function transportFor(plan: Plan): Transport {
  const proxyWarning = runnerProxyWarning(new URL(plan.baseUrl))
  if (proxyWarning) core.warning(proxyWarning)
  return new Transport({
    timeoutMs: plan.timeoutMs,
    userAgent: USER_AGENT,
    maxSockets: MAX_IN_FLIGHT
  })
}

/**
 * Input problems are expected; anything else is a bug of ours, reported the same way: outputs and
 * a summary a follow-up step can use (unless the run had an outcome), and the one failure message.
 * Outputs that cannot be written are not such a failure: publish() names the IDs sent then, and
 * goes on with the summary and the verdict (see src/report/publish.ts).
 */
async function publishFailure(
  error: unknown,
  { unsent, safe, ofRun }: { unsent: string[] | undefined; safe: Sanitizer; ofRun: RunOfReport }
): Promise<void> {
  if (error instanceof InputError) {
    await publish(inputProblemsReport({ error, sanitizer: safe }), ofRun)
    return
  }
  if (error instanceof MatchingCancelled) {
    await publish(cancelledReport({ message: error.message, sanitizer: safe }), ofRun)
    return
  }
  const message = unexpectedMessage({ error, sanitizer: safe })
  const report =
    unsent === undefined
      ? verdictReport(message)
      : unexpectedReport({ message, ids: unsent, sanitizer: safe })
  await publish(report, ofRun).catch(() => publish(verdictReport(message), ofRun))
}

/**
 * The runner sends SIGINT, then SIGTERM, on cancellation: either aborts the signal, with a
 * warning, so that the run stops and reports in time. dispose() removes the handlers.
 */
export function cancelOnSignals(warn: (message: string) => void): {
  signal: AbortSignal
  dispose: () => void
} {
  const cancel = new AbortController()
  const onSignal = (signal: string) => (): void => {
    warn(`${signal}: the run was cancelled; reporting what was done`)
    cancel.abort()
  }
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') }
  for (const [signal, handler] of Object.entries(handlers)) process.once(signal, handler)
  return {
    signal: cancel.signal,
    dispose: () => {
      for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler)
    }
  }
}

/** What the report shows of the plan (never the key), with what summary-details came to. */
function reportContext(
  plan: Plan,
  shownAs: Pick<ReportContext, 'visibility' | 'warnings'>
): ReportContext {
  const { operation, idInput, details, dryRun, summaryDetails } = plan
  return {
    operation,
    idInput,
    details,
    dryRun,
    warnings: [...plan.warnings, ...shownAs.warnings],
    summaryDetails,
    visibility: shownAs.visibility
  }
}

function clientFor(
  plan: Plan,
  transport: Transport,
  safe: Sanitizer,
  clock: Clock
): CertCentralClient {
  return new CertCentralClient({
    baseUrl: plan.baseUrl,
    apiKey: plan.apiKey,
    idInput: plan.idInput,
    timeoutMs: plan.timeoutMs,
    transport,
    sanitizer: safe,
    log: { debug: message => core.debug(message) },
    clock
  })
}

/** Sends: the line saying where to, then the scheduler's run with its live log. */
async function send(
  plan: Plan,
  wiring: {
    client: CertCentralClient
    transport: Transport
    safe: Sanitizer
    clock: Clock
    cancel: AbortSignal
    ofRun: RunOfReport
  }
): Promise<RunOutcome> {
  const { client, transport, safe, clock, cancel, ofRun } = wiring
  const proxy = transport.proxyOf(new URL(plan.baseUrl))
  core.info(
    `${plan.operation}: ${idCount(plan.idInput, plan.ids.length)} via ${new URL(plan.baseUrl).host}` +
      (proxy ? ` through the proxy ${proxy.host}` : '') +
      (plan.waitSeconds
        ? `, waiting up to ${formatDuration(plan.waitSeconds)} for each order to be issued`
        : '')
  )
  const { operation, idInput, ids, targets, issuedWithinSeconds, body, maxRetries, waitSeconds } =
    plan
  return runPlan(
    {
      operation,
      idInput,
      ids,
      targets,
      issuedWithinSeconds,
      body,
      emails: plan.emails,
      roles: plan.roles,
      ...deliveryRun(plan.deliverOnce, ofRun),
      maxRetries,
      waitSeconds,
      cancel,
      log: liveLog(safe)
    },
    client,
    clock
  )
}

/**
 * deliver-once, and what its notes say of this workflow run: its link (the summary's, runLink)
 * and its attempt (GITHUB_RUN_ATTEMPT, as @actions/github's context reads it).
 */
function deliveryRun(
  deliverOnce: boolean,
  { runContext = readRunContext }: RunOfReport
): Pick<RunOptions, 'deliverOnce' | 'runLink' | 'runAttempt'> {
  if (!deliverOnce) return {}
  const { context } = runContext()
  return { deliverOnce, runLink: runLink(context), runAttempt: context.runAttempt }
}

/** The scheduler's live log: each line sanitized, on one line. */
function liveLog(safe: Sanitizer): RunLog {
  return {
    info: message => core.info(safe.text(message, SHOWN_CHARS.logLine)),
    warning: message => core.warning(safe.text(message, SHOWN_CHARS.logLine)),
    debug: message => core.debug(safe.text(message, SHOWN_CHARS.logLine))
  }
}
