// Inputs → plan → requests → report. The one place that talks to the runner's environment.
import * as core from '@actions/core'
import pkg from '../package.json' with { type: 'json' }
import { CertCentralClient } from './certcentral.js'
import { parsePlan, type RawInputs } from './inputs.js'
import { annotateFailures, failureMessage, logDryRun, setOutputs, writeSummary } from './report.js'
import { MAX_IN_FLIGHT, RATE_LIMITS, realClock, runPlan, type Clock } from './runner.js'

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const limits = `DigiCert's rate limits (${RATE_LIMITS.map(w => `${w.limit} requests per ${w.windowMs / 1000} s`).join(', ')})`

export const USER_AGENT = `${pkg.name}/${pkg.version} (GitHub Action; node ${process.version})`

/** Masks every line of a secret, trimmed and as given: setSecret masks one line. */
export function maskSecret(value: string): void {
  for (const line of value.split(/\r?\n/)) {
    if (line.trim() !== '') core.setSecret(line.trim())
    if (line !== line.trim() && line !== '') core.setSecret(line)
  }
}

function readInputs(): RawInputs {
  // The key first: masked before anything can be logged.
  const apiKey =
    core.getInput('api-key', { trimWhitespace: false }) || process.env.DIGICERT_API_KEY || ''
  maskSecret(apiKey)
  return {
    operation: core.getInput('operation'),
    apiKey,
    certificateId: core.getInput('certificate-id'),
    orderId: core.getInput('order-id'),
    emails: core.getInput('emails'),
    format: core.getInput('format'),
    message: core.getInput('message', { trimWhitespace: false }),
    sealSettings: core.getInput('seal-settings'),
    region: core.getInput('region') || 'us',
    apiUrl: core.getInput('api-url'),
    timeoutSeconds: core.getInput('timeout-seconds') || '30',
    maxRetries: core.getInput('max-retries') || '0',
    dryRun: core.getInput('dry-run') !== '' && core.getBooleanInput('dry-run')
  }
}

export async function run(clock: Clock = realClock): Promise<void> {
  try {
    const plan = parsePlan(readInputs())
    for (const warning of plan.warnings) core.warning(warning)

    const client = new CertCentralClient({
      baseUrl: plan.baseUrl,
      apiKey: plan.apiKey,
      timeoutMs: plan.timeoutMs,
      userAgent: USER_AGENT,
      maxSockets: MAX_IN_FLIGHT
    })
    try {
      if (plan.dryRun) {
        logDryRun(
          plan,
          plan.ids.map(id => ({ id, ...client.requestFor(plan.operation, id) }))
        )
        const outcome = {
          results: plan.ids.map(id => ({ id, ok: true, status: null, attempts: 0 })),
          lastStatus: undefined,
          retryAfter: undefined,
          rateLimited: false
        }
        setOutputs(outcome)
        await writeSummary(plan, outcome)
        return
      }

      core.info(`${plan.operation}: ${plan.ids.length} ID(s) via ${new URL(plan.baseUrl).host}`)
      const outcome = await runPlan(
        {
          operation: plan.operation,
          ids: plan.ids,
          body: plan.body,
          maxRetries: plan.maxRetries,
          onRetry: (id, attempt, waitMs, reason) =>
            core.warning(
              `${id}: ${reason}; retry ${attempt} of ${plan.maxRetries} in ${seconds(waitMs)}`
            ),
          onResult: result => {
            if (result.ok) core.info(`${result.id}: sent (HTTP ${result.status})`)
            else core.info(`${result.id}: failed: ${result.error}`)
          },
          onPace: waitMs => {
            // Short waits are routine at full speed; long ones would look like a hang.
            if (waitMs >= 1000)
              core.info(`pacing: waiting ${seconds(waitMs)} to stay under ${limits}`)
          }
        },
        client,
        clock
      )
      setOutputs(outcome)
      annotateFailures(plan, outcome.results)
      await writeSummary(plan, outcome)
      const failure = failureMessage(plan, outcome)
      if (failure) core.setFailed(failure)
    } finally {
      client.dispose()
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
