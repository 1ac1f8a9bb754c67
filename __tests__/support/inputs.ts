// Shared raw-inputs fixtures for the input tests: the step's inputs as main.ts hands them to
// parsePlan (every input of action.yml present, defaults applied), and environments to parse in.
import type { Environment, RawInputs } from '../../src/input/plan.js'
import { InputError } from '../../src/input/parse.js'

/** A valid send-certificate step: one certificate ID, one recipient, action.yml's defaults. */
export const sendInputs: RawInputs = Object.freeze({
  operation: 'send-certificate',
  'api-key': 'K3yForTests0001',
  'certificate-id': '123',
  'order-id': '',
  'certificate-file': '',
  'serial-number': '',
  thumbprint: '',
  'common-name': '',
  'issued-within': '',
  'wait-for-issuance': '0',
  emails: 'ops@example.com',
  'recipients-from-order': '',
  format: 'attachment',
  message: '',
  'seal-settings': '',
  region: 'us',
  'api-url': '',
  'timeout-seconds': '30',
  'max-retries': '0',
  'dry-run': 'false',
  'deliver-once': 'false',
  'summary-details': 'auto'
})

/** A valid email-site-seal step: one order ID, no recipient, no settings. */
export const sealInputs: RawInputs = Object.freeze({
  ...sendInputs,
  operation: 'email-site-seal',
  'certificate-id': '',
  'order-id': '77',
  emails: ''
})

/** The wall clock the input tests read: 2026-06-01T00:00:00Z. */
export const WALL_NOW = Date.parse('2026-06-01T00:00:00Z')

/** The INPUT_ variables the runner sets for this step: one per input of action.yml. */
export const RUNNER_VARIABLES = Object.keys(sendInputs).map(name => `INPUT_${name.toUpperCase()}`)

/** No proxy, no certificate files, the runner's INPUT_ variables, the wall clock at WALL_NOW. */
export const noProxy: Environment = {
  proxyFor: () => undefined,
  certificateFiles: [],
  inputVariables: RUNNER_VARIABLES,
  wallNow: () => WALL_NOW
}

/** Every request goes through this proxy, loopback included (no no_proxy entry for it). */
export function proxyEverything(proxy = 'http://proxy.corp.example:3128'): Environment {
  return { ...noProxy, proxyFor: () => new URL(proxy) }
}

/**
 * Runs `run` and returns the InputError it throws. Throws (failing the test) when nothing is
 * thrown, and rethrows anything that is not an InputError.
 */
export function inputErrorOf(run: () => unknown): InputError {
  try {
    run()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError, but nothing was thrown')
}
