// src/input/: what the step was asked. read.ts reads it from the runner (the inputs, the names of
// the INPUT_ variables, the event file); certificate-file.ts reads certificate-file's files (der.ts:
// a certificate's common name); parse.ts parses single values; input-names.ts judges the INPUT_
// variables against action.yml; this module, plan.ts, makes the plan. A new input: action.yml (then
// `npm run docs`), its parser in parse.ts, and here (parseGeneralInputs, or a rule between inputs)
// or, for an operation's own input, its entry in src/operations.ts.
//
// Turns the step's raw inputs into a typed plan, or into one InputError that lists every problem.
// Pure: no I/O, no @actions/core; read.ts reads the inputs (defaults from action.yml applied) and
// what the plan needs of the environment, and main.ts hands them here.
import { ACTION_INPUTS, type InputName } from '../action-metadata.js'
import type { FileReading } from './certificate-file.js'
import { REGION_BASE_URLS, isLoopbackHost, mayCarryKey, shownBase } from '../certcentral/api.js'
import {
  ID_INPUTS,
  OPERATIONS,
  OPERATION_INPUTS,
  OPERATION_NAMES,
  idNoun,
  isFindingInput,
  operationsUsing,
  type IdInput,
  type Detail,
  type Operation,
  type Prepared,
  type Target
} from '../operations.js'
import {
  InputError,
  collect,
  parseBoolean,
  parseChoice,
  parseCommonNames,
  parseDuration,
  parseIds,
  parseLongDuration,
  parseNumber,
  parseSerials,
  parseThumbprints,
  quote,
  splitLines
} from './parse.js'
import { inputVariableProblems } from './input-names.js'
import type { Role } from './roles.js'
import { SUMMARY_DETAILS, type SummaryDetails } from './summary-details.js'

export const MAX_RETRIES = 10
export const MAX_TIMEOUT_SECONDS = 600
/** The longest wait-for-issuance: a GitHub-hosted job ends after 6 h anyway. */
export const MAX_WAIT_FOR_ISSUANCE_SECONDS = 6 * 3600
/** The longest issued-within: a certificate lives at most 398 days. */
export const MAX_ISSUED_WITHIN_SECONDS = 400 * 86_400

/** The step's inputs as strings, by their names in action.yml. */
export type RawInputs = Record<InputName, string>

/** What the plan needs of the environment, injected so that parsing stays pure. */
export interface Environment {
  /** The proxy a request to this URL would take under the runner's conventions, if any. */
  proxyFor(url: URL): URL | undefined
  /**
   * The files certificate-file's patterns (certificateFilePatterns) name, read by read.ts before
   * the plan (certificate-file.ts); none when certificate-file is not given.
   */
  certificateFiles: readonly FileReading[]
  /** The names of the step's environment variables that start with INPUT_ (never their values). */
  inputVariables: readonly string[]
  /** The wall clock, in ms since the epoch: only to tell whether a file's certificate expired. */
  wallNow(): number
}

export interface Plan {
  operation: Operation
  apiKey: string
  baseUrl: string
  /** Which input held the IDs: certificate IDs are sent to, order IDs looked up first. */
  idInput: IdInput
  ids: string[]
  /** The IDs with what is known of their certificates (a file's facts, a serial...), in order. */
  targets: Target[]
  /** issued-within, in seconds: a certificate issued longer ago is skipped; undefined: no limit. */
  issuedWithinSeconds: number | undefined
  /** The JSON body sent for every ID; undefined sends none. */
  body: Record<string, unknown> | undefined
  /** The addresses of `emails`. */
  emails: string[]
  /** recipients-from-order: the roles of each certificate's order it is also sent to; none when not given. */
  roles: Role[]
  /** What the summary shows once of the operation's own inputs. */
  details: Detail[]
  /** What the summary shows of recipients and the message (summary-details). */
  summaryDetails: SummaryDetails
  /** How long to wait for an order to be issued, in seconds; 0 does not wait. */
  waitSeconds: number
  timeoutMs: number
  maxRetries: number
  dryRun: boolean
  /**
   * deliver-once: each certificate's order notes are read before the call (who got it already is
   * left out) and each send is recorded in a note on its order (run/delivery-notes.ts).
   */
  deliverOnce: boolean
  warnings: string[]
}

/** The inputs with action.yml's defaults where a value is empty or whitespace only. */
export function withDefaults(given: Partial<Record<InputName, string>>): RawInputs {
  const inputs = {} as RawInputs
  for (const name of Object.keys(ACTION_INPUTS) as InputName[]) {
    const value = given[name] ?? ''
    inputs[name] = value.trim() === '' ? ACTION_INPUTS[name].default : value
  }
  return inputs
}

export function parseApiKey(value: string): string {
  const key = value.trim()
  // Never echo the key, not even in part.
  if (key === '') {
    throw new InputError([
      'api-key: no API key; pass api-key: ${{ secrets.DIGICERT_API_KEY }} or set the DIGICERT_API_KEY environment variable'
    ])
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new InputError([
      'api-key: the key must be printable ASCII without spaces (several lines or a stray character in the secret?); store the key alone'
    ])
  }
  return key
}

export function parseBaseUrl(region: string, apiUrl: string, env: Environment): string {
  const chosen = parseChoice(
    'region',
    region,
    Object.keys(REGION_BASE_URLS) as (keyof typeof REGION_BASE_URLS)[]
  )
  const override = apiUrl.trim()
  if (override === '') return REGION_BASE_URLS[chosen]
  let url: URL
  try {
    url = new URL(override)
  } catch {
    // Not quoted: an unparsable value may still hold a token.
    throw new InputError(['api-url: not a URL (e.g. https://www.digicert.com/services/v2)'])
  }
  // Before anything that quotes the URL: credentials and queries are never echoed.
  if (url.username || url.password) {
    throw new InputError([
      `api-url: the URL for ${url.host} must not carry a user name or password; the API key is the only credential`
    ])
  }
  // Any `?` or `#` in the parsed URL, even an empty one that leaves search and hash empty, would
  // still end up in every path.
  if (/[?#]/.test(url.href)) {
    throw new InputError([
      `api-url: the URL for ${url.host} must not carry a query or a fragment; give the base URL only`
    ])
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError([
      `api-url: ${quote(shownBase({ baseUrl: url.href }))} must start with https://`
    ])
  }
  if (!mayCarryKey(url)) {
    throw new InputError([
      `api-url: ${quote(shownBase({ baseUrl: url.href }))} uses plain HTTP; the API key only travels over https: (http: is allowed for loopback only: 127.0.0.0/8, localhost, ::1)`
    ])
  }
  const proxy = url.protocol === 'http:' ? env.proxyFor(url) : undefined
  if (proxy && isLoopbackHost(url.hostname)) {
    throw new InputError([
      `api-url: plain HTTP to ${url.host} would pass the API key through the proxy ${proxy.host} in clear; add ${url.hostname} to no_proxy or use https`
    ])
  }
  return url.href.replace(/\/+$/, '')
}

/** Whether an input was given a value other than action.yml's default. */
function given(inputs: RawInputs, name: InputName): boolean {
  return inputs[name].trim().toLowerCase() !== ACTION_INPUTS[name].default
}

function parseOperation(value: string): Operation {
  if (value.trim() === '') {
    throw new InputError([`operation: required; use one of ${OPERATION_NAMES.join(', ')}`])
  }
  return parseChoice('operation', value, OPERATION_NAMES)
}

/** What parseOperationInputs could read: each part absent when it has a problem. */
interface OperationInputs {
  idInput?: IdInput
  targets?: Target[]
  warnings: string[]
  prepared?: Prepared
}

/**
 * The operation's inputs: which ID input holds the IDs and the IDs, and its own inputs prepared.
 * Adds every problem to `problems` and returns what could be read, so that later checks (a wait
 * with certificate IDs) still see the ID input when the IDs themselves are wrong.
 */
function parseOperationInputs(
  inputs: RawInputs,
  operation: Operation,
  problems: string[],
  env: Environment
): OperationInputs {
  const spec = OPERATIONS[operation]
  // Inputs of another operation are a mistake, not something to ignore silently.
  for (const input of OPERATION_INPUTS) {
    if (!spec.uses.includes(input) && given(inputs, input)) {
      problems.push(
        `${input}: applies to ${operationsUsing(input).join(', ')} only; remove it for ${operation}`
      )
    }
  }
  for (const input of ID_INPUTS) {
    if (!spec.idInputs.includes(input) && given(inputs, input)) {
      problems.push(`${input}: ${operation} takes ${spec.idInputs.join(', ')}, not ${input}`)
    }
  }
  let idInput: IdInput | undefined
  let read: { targets: Target[]; warnings: string[] } | undefined
  const present = spec.idInputs.filter(input => given(inputs, input))
  if (present.length === 0) {
    problems.push(`${spec.idInputs.join(', ')}: one of them is required for ${operation}`)
  } else if (present.length > 1) {
    problems.push(`${present.join(' and ')}: give one of them, not both`)
  } else {
    const input = present[0] as IdInput
    idInput = input
    read = collect(problems, () => parseTargets(input, inputs[input], env))
  }
  const prepared = collect(problems, () => spec.prepare(inputs))
  return { idInput, targets: read?.targets, warnings: read?.warnings ?? [], prepared }
}

/** The IDs of an ID input, each with what is known of its certificate. Throws InputError. */
export function parseTargets(
  input: IdInput,
  value: string,
  env: Environment
): { targets: Target[]; warnings: string[] } {
  const none = { warnings: [] }
  switch (input) {
    case 'certificate-id':
    case 'order-id':
      return {
        targets: parseIds(input, value, idNoun(input)).map(id => ({ id, known: {} })),
        ...none
      }
    case 'serial-number':
      return {
        targets: parseSerials(input, value).map(id => ({ id, known: { serialNumber: id } })),
        ...none
      }
    case 'thumbprint':
      return {
        targets: parseThumbprints(input, value).map(id => ({ id, known: { thumbprint: id } })),
        ...none
      }
    case 'common-name':
      return {
        targets: parseCommonNames(input, value).map(id => ({ id, known: { commonName: id } })),
        ...none
      }
    case 'certificate-file':
      return fileTargets({ readings: env.certificateFiles, now: env.wallNow() })
  }
}

/** certificate-file's patterns, separated by newlines or commas; none when it is not given. */
export function certificateFilePatterns(inputs: RawInputs): string[] {
  return splitLines(inputs['certificate-file'])
}

/**
 * The files read, as targets: each problem an input problem naming the file, an expired
 * certificate one too; two files with the same certificate count once, with a warning.
 */
export function fileTargets({ readings, now }: { readings: readonly FileReading[]; now: number }): {
  targets: Target[]
  warnings: string[]
} {
  const problems: string[] = []
  const warnings: string[] = []
  const byThumbprint = new Map<string, string>()
  const targets: Target[] = []
  for (const reading of readings) {
    const name = quote(reading.path)
    if ('problem' in reading) {
      problems.push(`certificate-file: ${name} ${reading.problem}`)
      continue
    }
    const { facts, path } = reading
    if (Date.parse(facts.validTo) <= now) {
      problems.push(
        `certificate-file: ${name} holds a certificate that expired on ${facts.validTo.slice(0, 10)}: renew it first`
      )
      continue
    }
    const twin = byThumbprint.get(facts.thumbprint)
    if (twin !== undefined) {
      warnings.push(
        `certificate-file: ${name} holds the same certificate as ${quote(twin)}; it is sent once, as ${quote(twin)}`
      )
      continue
    }
    byThumbprint.set(facts.thumbprint, path)
    targets.push({ id: path, known: { ...facts, file: path } })
  }
  // Every pattern reads as a file or a problem, so none can only mean the reading failed silently.
  if (!problems.length && targets.length === 0)
    problems.push('certificate-file: no certificate file was read; give the path of one or more')
  if (problems.length) throw new InputError(problems)
  return { targets, warnings }
}

/** issued-within: a duration with any ID input but certificate-id; undefined when not given. */
function parseIssuedWithin(
  inputs: RawInputs,
  idInput: IdInput | undefined,
  problems: string[]
): number | undefined {
  if (!given(inputs, 'issued-within')) return undefined
  if (idInput === 'certificate-id') {
    problems.push(
      'issued-within: needs order-id, certificate-file, serial-number, thumbprint or common-name; a certificate ID names one certificate, send it or not'
    )
    return undefined
  }
  return collect(problems, () =>
    parseLongDuration('issued-within', inputs['issued-within'], MAX_ISSUED_WITHIN_SECONDS)
  )
}

/** The inputs every operation reads; each undefined when it has a problem (then in `problems`). */
interface GeneralInputs {
  operation: Operation | undefined
  apiKey: string | undefined
  baseUrl: string | undefined
  timeoutSeconds: number | undefined
  maxRetries: number | undefined
  dryRun: boolean | undefined
  deliverOnce: boolean | undefined
  summaryDetails: SummaryDetails | undefined
  waitSeconds: number | undefined
}

/** The inputs every operation reads, each problem added to `problems` in this order. */
function parseGeneralInputs(
  inputs: RawInputs,
  env: Environment,
  problems: string[]
): GeneralInputs {
  return {
    operation: collect(problems, () => parseOperation(inputs.operation)),
    apiKey: collect(problems, () => parseApiKey(inputs['api-key'])),
    baseUrl: collect(problems, () => parseBaseUrl(inputs.region, inputs['api-url'], env)),
    timeoutSeconds: collect(problems, () =>
      parseNumber('timeout-seconds', inputs['timeout-seconds'], {
        min: 0.1,
        max: MAX_TIMEOUT_SECONDS,
        integer: false
      })
    ),
    maxRetries: collect(problems, () =>
      parseNumber('max-retries', inputs['max-retries'], { min: 0, max: MAX_RETRIES, integer: true })
    ),
    dryRun: collect(problems, () => parseBoolean('dry-run', inputs['dry-run'])),
    deliverOnce: collect(problems, () => parseBoolean('deliver-once', inputs['deliver-once'])),
    summaryDetails: collect(problems, () =>
      parseChoice('summary-details', inputs['summary-details'], SUMMARY_DETAILS)
    ),
    waitSeconds: collect(problems, () =>
      parseDuration('wait-for-issuance', inputs['wait-for-issuance'], MAX_WAIT_FOR_ISSUANCE_SECONDS)
    )
  }
}

/**
 * wait-for-issuance with the ID input: it waits for orders to be issued, so it needs order IDs; a
 * certificate ID, or a certificate found by a file, serial, thumbprint or common name, is issued
 * already. Adds the problem to `problems`.
 */
function checkWaitForIssuance(
  waitSeconds: number | undefined,
  idInput: IdInput | undefined,
  problems: string[]
): void {
  if (waitSeconds && idInput === 'certificate-id') {
    problems.push(
      'wait-for-issuance: needs order IDs (order-id); a certificate ID is issued already'
    )
  }
  if (waitSeconds && idInput !== undefined && isFindingInput(idInput)) {
    problems.push(
      `wait-for-issuance: needs order IDs (order-id); ${idInput} names a certificate issued already`
    )
  }
}

export function parsePlan(inputs: RawInputs, env: Environment): Plan {
  const problems: string[] = []
  const general = parseGeneralInputs(inputs, env, problems)
  const operationInputs =
    general.operation === undefined
      ? undefined
      : parseOperationInputs(inputs, general.operation, problems, env)
  const idInput = operationInputs?.idInput
  checkWaitForIssuance(general.waitSeconds, idInput, problems)
  const issuedWithinSeconds = parseIssuedWithin(inputs, idInput, problems)
  const variables = inputVariableProblems({
    variables: env.inputVariables,
    declared: Object.keys(ACTION_INPUTS)
  })
  problems.push(...variables.problems)
  return completePlan({
    ...general,
    operationInputs,
    issuedWithinSeconds,
    problems,
    warnings: variables.warnings
  })
}

/** What parsePlan read: each part undefined when it has a problem (then in `problems`). */
interface PlanParts extends GeneralInputs {
  /** Undefined when the operation is not known. */
  operationInputs: OperationInputs | undefined
  issuedWithinSeconds: number | undefined
  problems: string[]
  /** The INPUT_ variables' warnings; the operation's inputs' come after them. */
  warnings: string[]
}

/** The plan from what parsePlan read, or one InputError with every problem when there is any. */
function completePlan(read: PlanParts): Plan {
  const { operation, apiKey, baseUrl, timeoutSeconds, maxRetries, dryRun, summaryDetails } = read
  const { waitSeconds, operationInputs, issuedWithinSeconds, problems, deliverOnce } = read
  const idInput = operationInputs?.idInput
  const targets = operationInputs?.targets
  const prepared = operationInputs?.prepared
  if (
    problems.length ||
    operation === undefined ||
    apiKey === undefined ||
    baseUrl === undefined ||
    timeoutSeconds === undefined ||
    maxRetries === undefined ||
    dryRun === undefined ||
    deliverOnce === undefined ||
    summaryDetails === undefined ||
    waitSeconds === undefined ||
    operationInputs === undefined ||
    idInput === undefined ||
    targets === undefined ||
    prepared === undefined
  ) {
    throw new InputError(problems)
  }
  return {
    operation,
    apiKey,
    baseUrl,
    idInput,
    ids: targets.map(t => t.id),
    targets,
    issuedWithinSeconds,
    body: prepared.body,
    emails: prepared.emails,
    roles: prepared.roles,
    details: prepared.details,
    summaryDetails,
    waitSeconds,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    maxRetries,
    dryRun,
    deliverOnce,
    warnings: [...read.warnings, ...operationInputs.warnings, ...prepared.warnings]
  }
}
