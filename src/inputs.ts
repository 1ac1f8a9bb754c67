// Turns the step's raw inputs into a typed plan, or into one InputError that lists every problem.
// Pure: no I/O, no @actions/core; main.ts reads the inputs and hands them here.
import { OPERATIONS, REGION_BASE_URLS, mayCarryKey, type Operation } from './certcentral.js'

export const FORMATS = ['attachment', 'plaintext', 'downloadlink'] as const
export type Format = (typeof FORMATS)[number]

export const MAX_EMAIL_LENGTH = 254
export const MAX_RETRIES = 10
export const MAX_TIMEOUT_SECONDS = 600

/** The step's inputs as strings, the way the runner hands them over. */
export interface RawInputs {
  operation: string
  apiKey: string
  certificateId: string
  orderId: string
  emails: string
  format: string
  message: string
  sealSettings: string
  region: string
  apiUrl: string
  timeoutSeconds: string
  maxRetries: string
  dryRun: boolean
}

export interface Plan {
  operation: Operation
  apiKey: string
  baseUrl: string
  ids: string[]
  /** Recipients as the summary shows them; empty for a seal sent to the key's owner. */
  emails: string[]
  /** The format of a send; undefined for a seal. */
  format: Format | undefined
  /** The JSON body sent for every ID. */
  body: Record<string, unknown>
  timeoutMs: number
  maxRetries: number
  dryRun: boolean
  warnings: string[]
}

export class InputError extends Error {
  override readonly name = 'InputError'
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} input problems:\n${problems.map(p => `- ${p}`).join('\n')}`
    )
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

/** Splits on commas, semicolons and whitespace; drops empties and duplicates (first kept). */
export function splitList(value: string): string[] {
  return [...new Set(value.split(/[\s,;]+/).filter(item => item !== ''))]
}

/** Shows a user's value inside a message without letting it break the line. */
export function quote(value: string): string {
  const shown = JSON.stringify(value)
  return shown.length > 80 ? `${shown.slice(0, 77)}…"` : shown
}

export function parseIds(input: string, value: string, noun: string): string[] {
  const ids = splitList(value)
  const bad = ids.filter(id => !/^\d{1,20}$/.test(id))
  if (bad.length) {
    throw new InputError(
      bad.map(id => `${input}: ${quote(id)} is not ${noun} ID (digits only, e.g. 1234567)`)
    )
  }
  return ids
}

const DOMAIN =
  /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u

/** A practical address check: one @, a dotted domain, no spaces or control characters. */
export function emailProblem(address: string): string | undefined {
  if (address.length > MAX_EMAIL_LENGTH) return `is longer than ${MAX_EMAIL_LENGTH} characters`
  if (CONTROL.test(address) || /\s/.test(address)) return 'contains a space or control character'
  const parts = address.split('@')
  if (parts.length !== 2) return 'is not an email address (it needs exactly one @)'
  const [local, domain] = parts as [string, string]
  if (local === '' || local.length > 64)
    return 'is not an email address (the part before @ is empty or too long)'
  if (/[<>()[\]\\",:]/.test(local))
    return 'is not an email address (quotes, brackets and the like are not accepted)'
  if (!DOMAIN.test(domain)) return 'is not an email address (the domain must look like example.com)'
  return undefined
}

export function parseEmails(input: string, value: string): string[] {
  const emails = splitList(value)
  const problems = emails.flatMap(address => {
    const problem = emailProblem(address)
    return problem ? [`${input}: ${quote(address)} ${problem}`] : []
  })
  if (problems.length) throw new InputError(problems)
  return emails
}

export function parseChoice<T extends string>(
  input: string,
  value: string,
  choices: readonly T[]
): T {
  const normalized = value.trim().toLowerCase()
  const match = choices.find(choice => choice === normalized)
  if (match) return match
  throw new InputError([`${input}: ${quote(value)} is not one of ${choices.join(', ')}`])
}

export function parseNumber(
  input: string,
  value: string,
  { min, max, integer }: { min: number; max: number; integer: boolean }
): number {
  const text = value.trim()
  const number = integer
    ? /^\d+$/.test(text)
      ? Number(text)
      : NaN
    : text === ''
      ? NaN
      : Number(text)
  if (!Number.isFinite(number) || number < min || number > max) {
    const kind = integer ? 'a whole number' : 'a number'
    throw new InputError([`${input}: ${quote(value)} must be ${kind} from ${min} to ${max}`])
  }
  return number
}

export function parseApiKey(value: string): string {
  const key = value.trim()
  // Never echo the key, not even in part.
  if (key === '') {
    throw new InputError([
      'api-key: no API key; pass api-key: ${{ secrets.DIGICERT_API_KEY }} or set the DIGICERT_API_KEY environment variable'
    ])
  }
  if (CONTROL.test(key) || /\s/.test(key)) {
    throw new InputError([
      'api-key: the key contains whitespace or control characters (several lines in the secret?); store the key alone'
    ])
  }
  return key
}

export function parseBaseUrl(region: string, apiUrl: string): string {
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
    throw new InputError([
      `api-url: ${quote(override)} is not a URL (e.g. https://www.digicert.com/services/v2)`
    ])
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError([`api-url: ${quote(override)} must start with https://`])
  }
  if (!mayCarryKey(url)) {
    throw new InputError([
      `api-url: ${quote(override)} uses plain HTTP; the API key only travels over https: (http: is allowed for loopback only: 127.0.0.0/8, localhost, ::1)`
    ])
  }
  if (url.username || url.password) {
    // Not quoted: the value holds a password.
    throw new InputError([`api-url: the URL for ${url.host} must not carry credentials`])
  }
  if (url.search || url.hash) {
    throw new InputError([`api-url: ${quote(override)} must not carry a query or a fragment`])
  }
  return url.href.replace(/\/+$/, '')
}

export function parseMessage(value: string): string | undefined {
  if (value.trim() === '') return undefined
  if (CONTROL_EXCEPT_LINES.test(value)) {
    throw new InputError([
      'message: contains control characters other than tabs and line breaks; remove them'
    ])
  }
  return value
}

type SealRule = {
  check: (value: unknown) => boolean
  expected: string
  normalize?: (value: unknown) => unknown
}
const BOOLEAN: SealRule = {
  check: v => typeof v === 'boolean',
  expected: 'true or false (a JSON boolean)'
}

export const SEAL_SETTINGS: Record<string, SealRule> = {
  seal_size: { check: v => v === 's' || v === 'm' || v === 'l', expected: '"s", "m" or "l"' },
  seal_number: {
    check: v =>
      [16, 17, 18].includes(Number(v)) && (typeof v === 'number' || /^\d+$/.test(String(v))),
    expected: '16 (GeoTrust), 17 (Thawte) or 18 (DigiCert)',
    normalize: v => Number(v)
  },
  seal_hover: BOOLEAN,
  seal_autoplay: BOOLEAN,
  seal_use_logo: BOOLEAN,
  display_malware_scan: BOOLEAN,
  display_ct_log: BOOLEAN,
  display_pci_scan: BOOLEAN,
  display_blocklist_check: BOOLEAN,
  display_verified_customer: BOOLEAN
}

const SEND_CERTIFICATE_FIELDS = ['emails', 'certificate_collect_format', 'custom_message']

/** Parses seal-settings into the fields added to the seal body, plus warnings. */
export function parseSealSettings(value: string): {
  settings: Record<string, unknown>
  warnings: string[]
} {
  if (value.trim() === '') return { settings: {}, warnings: [] }
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (error) {
    throw new InputError([
      `seal-settings: not valid JSON (${(error as Error).message}); e.g. {"seal_size": "m"}`
    ])
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError([
      'seal-settings: must be a JSON object, e.g. {"seal_size": "m", "seal_hover": true}'
    ])
  }
  const problems: string[] = []
  const warnings: string[] = []
  // A Map, not an object: names like "__proto__" or "toString" come from the user.
  const settings = new Map<string, unknown>()
  for (const [name, setting] of Object.entries(parsed)) {
    const rule = Object.hasOwn(SEAL_SETTINGS, name) ? SEAL_SETTINGS[name] : undefined
    if (SEND_CERTIFICATE_FIELDS.includes(name)) {
      problems.push(
        `seal-settings: ${name} belongs to send-certificate, not to a site seal; remove it`
      )
    } else if (name === 'recipient_email') {
      problems.push(
        'seal-settings: recipient_email is set by the emails input; remove it from seal-settings'
      )
    } else if (!rule) {
      warnings.push(
        `seal-settings: ${quote(name)} is not a site-seal setting this action knows; it is sent as given`
      )
      settings.set(name, setting)
    } else if (!rule.check(setting)) {
      problems.push(
        `seal-settings: ${name} is ${JSON.stringify(setting)}; expected ${rule.expected}`
      )
    } else {
      settings.set(name, rule.normalize ? rule.normalize(setting) : setting)
    }
  }
  for (const feature of ['seal_autoplay', 'seal_use_logo']) {
    if (settings.get(feature) === true && settings.get('seal_hover') === false) {
      problems.push(`seal-settings: ${feature} needs seal_hover: true`)
    }
  }
  if (problems.length) throw new InputError(problems)
  return { settings: Object.fromEntries(settings), warnings }
}

/** Collects the problems of every part, so one run reports them all. */
function collect<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

export function parsePlan(raw: RawInputs): Plan {
  const problems: string[] = []
  const operation = collect(problems, () => {
    if (raw.operation.trim() === '') {
      throw new InputError([`operation: required; use one of ${OPERATIONS.join(', ')}`])
    }
    return parseChoice('operation', raw.operation, OPERATIONS)
  })
  const apiKey = collect(problems, () => parseApiKey(raw.apiKey))
  const baseUrl = collect(problems, () => parseBaseUrl(raw.region, raw.apiUrl))
  const timeoutSeconds = collect(problems, () =>
    parseNumber('timeout-seconds', raw.timeoutSeconds, {
      min: 0.1,
      max: MAX_TIMEOUT_SECONDS,
      integer: false
    })
  )
  const maxRetries = collect(problems, () =>
    parseNumber('max-retries', raw.maxRetries, { min: 0, max: MAX_RETRIES, integer: true })
  )
  const emails = collect(problems, () => parseEmails('emails', raw.emails)) ?? []
  const message = collect(problems, () => parseMessage(raw.message))
  const warnings: string[] = []

  let ids: string[] = []
  let format: Format | undefined
  let body: Record<string, unknown> = {}
  if (operation === 'send-certificate') {
    if (raw.orderId.trim() !== '') {
      problems.push('order-id: is for email-site-seal; send-certificate takes certificate-id')
    }
    if (raw.sealSettings.trim() !== '') {
      problems.push(
        'seal-settings: applies to email-site-seal only; remove it for send-certificate'
      )
    }
    ids =
      collect(problems, () => parseIds('certificate-id', raw.certificateId, 'a certificate')) ?? []
    if (raw.certificateId.trim() === '') {
      problems.push('certificate-id: required for send-certificate (one or more certificate IDs)')
    }
    if (raw.emails.trim() === '') {
      problems.push('emails: required for send-certificate (one or more recipients)')
    }
    format = collect(problems, () => parseChoice('format', raw.format || 'attachment', FORMATS))
    body = { emails, certificate_collect_format: format }
    if (message !== undefined) body.custom_message = message
  } else if (operation === 'email-site-seal') {
    if (raw.certificateId.trim() !== '') {
      problems.push('certificate-id: is for send-certificate; email-site-seal takes order-id')
    }
    if (raw.message.trim() !== '') {
      problems.push(
        'message: applies to send-certificate only; a site-seal email has no custom message'
      )
    }
    ids = collect(problems, () => parseIds('order-id', raw.orderId, 'an order')) ?? []
    if (raw.orderId.trim() === '') {
      problems.push('order-id: required for email-site-seal (one or more order IDs)')
    }
    if (emails.length > 1) {
      problems.push(
        `emails: email-site-seal sends to one recipient only, got ${emails.length} (${emails.join(', ')}); ` +
          "run the step once per recipient, or leave emails empty to mail the key's owner"
      )
    }
    if (raw.format.trim() !== '' && raw.format.trim().toLowerCase() !== 'attachment') {
      warnings.push(
        `format: ${quote(raw.format)} applies to send-certificate only; email-site-seal ignores it`
      )
    }
    const seal = collect(problems, () => parseSealSettings(raw.sealSettings))
    warnings.push(...(seal?.warnings ?? []))
    body = { ...(emails[0] ? { recipient_email: emails[0] } : {}), ...seal?.settings }
  }

  if (
    problems.length ||
    operation === undefined ||
    apiKey === undefined ||
    baseUrl === undefined ||
    timeoutSeconds === undefined ||
    maxRetries === undefined
  ) {
    throw new InputError(problems)
  }
  return {
    operation,
    apiKey,
    baseUrl,
    ids,
    emails,
    format,
    body,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    maxRetries,
    dryRun: raw.dryRun,
    warnings
  }
}
