// Inputs → plan → run (or dry run) → report → publish. The one place that talks to the runner's
// environment: inputs, the key's masking, signals, and the wiring of transport, client, scheduler,
// report and publishing.
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import pkg from '../package.json' with { type: 'json' }
import { ACTION_INPUTS, type InputName } from './action-metadata.js'
import {
  MatchingCancelled,
  readCertificateFiles,
  type FileReading
} from './input/certificate-file.js'
import { secretPathOf, shownBase } from './certcentral/api.js'
import { CertCentralClient } from './certcentral/client.js'
import {
  certificateFilePatterns,
  parsePlan,
  withDefaults,
  type Plan,
  type RawInputs
} from './input/plan.js'
import { InputError, formatDuration } from './input/parse.js'
import { idCount } from './operations.js'
import type { RunOutcome } from './outcome.js'
import { publish } from './report/publish.js'
import { buildReport, planWarningsReport, verdictReport } from './report/report.js'
import type { ReportContext } from './report/context.js'
import {
  detailsShown,
  givenSummaryDetails,
  repositoryVisibility,
  shownBody,
  shownJson,
  shownDetails,
  type Visibility
} from './report/privacy.js'
import {
  cancelledReport,
  inputProblemsReport,
  ioReason,
  unexpectedMessage,
  unexpectedReport
} from './report/failures.js'
import { realClock, type Clock } from './clock.js'
import { dryRun } from './run/dry-run.js'
import { MAX_IN_FLIGHT, runPlan, type RunLog } from './run/scheduler.js'
import { SHOWN_CHARS, Sanitizer } from './sanitize.js'
import { runnerProxyFor, runnerProxyWarning } from './certcentral/proxy.js'
import { Transport } from './certcentral/transport.js'

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

/** The names of the INPUT_ variables in the step's environment, never their values. */
export function inputVariableNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env).filter(name => name.startsWith('INPUT_'))
}

/**
 * certificate-file's files, read before the plan (parsePlan stays pure and synchronous), the walk
 * cancelled by `signal`; none when certificate-file is not given.
 */
async function certificateFiles(inputs: RawInputs, signal: AbortSignal): Promise<FileReading[]> {
  const patterns = certificateFilePatterns(inputs)
  if (patterns.length === 0) return []
  const base = workspace()
  core.debug(`certificate-file: matching the patterns under ${base}`)
  return readCertificateFiles(patterns, base, { signal })
}

/** Where relative certificate-file patterns start: GITHUB_WORKSPACE, else the working directory. */
export function workspace(): string {
  const given = process.env.GITHUB_WORKSPACE ?? ''
  return given.trim() === '' ? process.cwd() : given
}

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

export async function run(clock: Clock = realClock): Promise<void> {
  const inputs = readInputs()
  const shownAs = detailsContext(inputs['summary-details'])
  // The key, and a path of api-url (a gateway's token) wherever a server echoes it; every address
  // as `…@domain` where recipients are shown by count, input problems included.
  const safe = new Sanitizer(
    [...secretLines(inputs['api-key']), ...secretPathOf({ apiUrl: inputs['api-url'] })],
    { shown: detailsShown(shownAs) }
  )
  const cancellation = cancelOnSignals(message => core.warning(message))
  let transport: Transport | undefined
  // The IDs to report unsent should the run fail before it has an outcome. Once it has one, none:
  // a failure while reporting must never turn the IDs it sent into unsent ones (and a follow-up
  // step send them twice).
  let unsentOnFailure: string[] | undefined = []
  try {
    const plan = parsePlan(inputs, {
      proxyFor: runnerProxyFor,
      certificateFiles: await certificateFiles(inputs, cancellation.signal),
      inputVariables: inputVariableNames(),
      wallNow: () => clock.wallNow()
    })
    unsentOnFailure = plan.ids
    const context = reportContext(plan, shownAs)
    core.debug(`plan: ${describePlan(plan, context)}`)
    await publish(planWarningsReport(context))
    const proxyWarning = runnerProxyWarning(new URL(plan.baseUrl))
    if (proxyWarning) core.warning(proxyWarning)
    transport = new Transport({
      timeoutMs: plan.timeoutMs,
      userAgent: USER_AGENT,
      maxSockets: MAX_IN_FLIGHT
    })
    const client = clientFor(plan, transport, safe, clock)
    const { outcome, planned } = plan.dryRun
      ? dryRun(plan)
      : {
          outcome: await send(plan, { client, transport, safe, clock, cancel: cancellation.signal })
        }
    unsentOnFailure = undefined
    await publish(buildReport({ context, outcome, planned, sanitizer: safe }))
  } catch (error) {
    await publishFailure(error, unsentOnFailure, safe)
  } finally {
    transport?.dispose()
    cancellation.dispose()
  }
}

/**
 * Input problems are expected; anything else is a bug of ours, reported the same way: outputs and
 * a summary a follow-up step can use (unless the run had an outcome), and the one failure message.
 * Outputs that cannot be written are not such a failure: publish() names the IDs sent then, and
 * goes on with the summary and the verdict (see src/publish.ts).
 */
async function publishFailure(
  error: unknown,
  unsent: string[] | undefined,
  safe: Sanitizer
): Promise<void> {
  if (error instanceof InputError) {
    await publish(inputProblemsReport({ error, sanitizer: safe }))
    return
  }
  if (error instanceof MatchingCancelled) {
    await publish(cancelledReport({ message: error.message, sanitizer: safe }))
    return
  }
  const message = unexpectedMessage({ error, sanitizer: safe })
  const report =
    unsent === undefined
      ? verdictReport(message)
      : unexpectedReport({ message, ids: unsent, sanitizer: safe })
  await publish(report).catch(() => publish(verdictReport(message)))
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

/**
 * summary-details as given (givenSummaryDetails: an invalid value counts as counts), and the
 * repository's visibility when it is auto, with the event file's warning: the event file is read
 * for nothing else. Known before the plan, so that input problems show recipients as the summary
 * would.
 */
function detailsContext(
  given: string
): Pick<ReportContext, 'summaryDetails' | 'visibility' | 'warnings'> {
  const summaryDetails = givenSummaryDetails(given)
  const { visibility, warnings } =
    summaryDetails === 'auto'
      ? eventVisibility(process.env.GITHUB_EVENT_PATH)
      : { visibility: 'unknown' as const, warnings: [] }
  return { summaryDetails, visibility, warnings }
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

/**
 * The repository's visibility from the workflow event file (GITHUB_EVENT_PATH): unknown, without
 * a word, when the runner names none; unknown with one warning when it cannot be read or parsed.
 * Nothing else depends on the file: the run's link is built from the runner's variables.
 */
export function eventVisibility(path: string | undefined): {
  visibility: Visibility
  warnings: string[]
} {
  if (!path) return { visibility: 'unknown', warnings: [] }
  try {
    return {
      visibility: repositoryVisibility(JSON.parse(readFileSync(path, 'utf8'))),
      warnings: []
    }
  } catch (error) {
    return {
      visibility: 'unknown',
      warnings: [
        `the event file (GITHUB_EVENT_PATH) could not be read (${ioReason(error)}): the repository is taken as public, so the job summary shows recipients and the message by count (summary-details: full shows them)`
      ]
    }
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
  }
): Promise<RunOutcome> {
  const { client, transport, safe, clock, cancel } = wiring
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
      maxRetries,
      waitSeconds,
      cancel,
      log: liveLog(safe)
    },
    client,
    clock
  )
}

/** The scheduler's live log: each line sanitized, on one line. */
function liveLog(safe: Sanitizer): RunLog {
  return {
    info: message => core.info(safe.text(message, SHOWN_CHARS.logLine)),
    warning: message => core.warning(safe.text(message, SHOWN_CHARS.logLine)),
    debug: message => core.debug(safe.text(message, SHOWN_CHARS.logLine))
  }
}
