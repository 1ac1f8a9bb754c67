// One description per operation: the CertCentral call, which inputs hold its IDs, the inputs it
// uses and their rules, the body it sends and what the report shows of it. Adding an operation is
// one entry in OPERATIONS (the compiler then asks for every field) and its tests.
//
// Sources: "Send certificate via email" and "Email site seal" in DigiCert's CertCentral Services
// API v2 reference, https://dev.digicert.com/en/certcentral-apis/services-api.html
import type { InputName } from './action-metadata.js'
import {
  CONTROL,
  InputError,
  collect,
  didYouMean,
  escapeControls,
  parseChoice,
  parseEmails,
  quote
} from './input/parse.js'
import { MAX_RECIPIENTS, parseRoles, type Role } from './input/roles.js'

/**
 * Inputs that hold IDs: a certificate ID goes straight to the call, an order ID is looked up, and
 * a file, serial number, thumbprint or common name is found in CertCentral first (FINDING_INPUTS).
 */
export const ID_INPUTS = [
  'certificate-id',
  'order-id',
  'certificate-file',
  'serial-number',
  'thumbprint',
  'common-name'
] as const satisfies readonly InputName[]
export type IdInput = (typeof ID_INPUTS)[number]

/** The ID inputs that name an issued certificate, found by the look-up chain (finding.findStep). */
export const FINDING_INPUTS = [
  'certificate-file',
  'serial-number',
  'thumbprint',
  'common-name'
] as const satisfies readonly IdInput[]
export type FindingInput = (typeof FINDING_INPUTS)[number]

export function isFindingInput(input: IdInput): input is FindingInput {
  return (FINDING_INPUTS as readonly string[]).includes(input)
}

/**
 * What is known of the certificate an ID names before any request: a file's facts, a serial, a
 * thumbprint or a common name (all upper-case hex without separators).
 */
export interface Known {
  serialNumber?: string
  thumbprint?: string
  commonName?: string
  /** ISO 8601, from a file. */
  validFrom?: string
  validTo?: string
  /** The file's path, as the ID shows it. */
  file?: string
}

/** One ID of the plan, and what is known of its certificate. */
export interface Target {
  id: string
  known: Known
}

/** Inputs that belong to one operation or another; the rest apply to all. */
export const OPERATION_INPUTS = [
  'emails',
  'recipients-from-order',
  'format',
  'message',
  'seal-settings'
] as const satisfies readonly InputName[]
export type OperationInput = (typeof OPERATION_INPUTS)[number]

/**
 * A line the summary shows once, above its table: a label and a value, and for recipients'
 * addresses or the custom message what it holds, which a public summary shows only by count
 * (summary-details).
 */
export type Detail = [label: string, value: string] | [label: string, value: string, Private]
/** What a detail holds that a public summary does not show. */
export type Private = { recipients: string[] } | { message: string }

/** What the operation's own inputs came to: the body for every ID and what the report shows. */
export interface Prepared {
  /**
   * The JSON body sent for every ID; undefined sends none. With recipients-from-order, each ID's
   * own bodies are made from it (bodiesFor).
   */
  body: Record<string, unknown> | undefined
  /** The addresses of `emails`. */
  emails: string[]
  /** recipients-from-order's roles; none when it is not given. */
  roles: Role[]
  /** What the summary shows once, above its table. */
  details: Detail[]
  warnings: string[]
}

/** One call of a certificate to its own recipients: whom it mails, and its body. */
export interface Call {
  to: string[]
  body: Record<string, unknown>
}

export interface OperationSpec {
  /** One line for docs and the dry run. */
  summary: string
  method: 'PUT' | 'POST'
  /** The path below the base URL; `{id}` stands for the ID the call takes. */
  path: `/${string}{id}${string}`
  /** Inputs that may hold the IDs, in order of preference; exactly one of them is given. */
  idInputs: readonly IdInput[]
  /** After an order is looked up, which ID the call takes: its certificate's or its own. */
  orderTarget: 'certificate' | 'order'
  /** The operation's own inputs; any other operation's input given here is an input error. */
  uses: readonly OperationInput[]
  /** Reads the operation's own inputs (already defaulted from action.yml); throws InputError. */
  prepare(inputs: Record<OperationInput, string>): Prepared
  /**
   * One certificate's calls to its own recipients (recipients-from-order), each with whom it
   * mails and its body, made from the plan's body: one call to them all, or one per recipient.
   */
  callsFor(input: {
    body: Record<string, unknown> | undefined
    recipients: readonly string[]
  }): Call[]
}

export const FORMATS = ['attachment', 'plaintext', 'downloadlink'] as const

const sendCertificate: OperationSpec = {
  summary:
    'emails a certificate: attachment, plain text or download link, with an optional message',
  method: 'PUT',
  path: '/certificate/{id}/sendemail',
  idInputs: ID_INPUTS,
  orderTarget: 'certificate',
  uses: ['emails', 'recipients-from-order', 'format', 'message'],
  prepare(inputs) {
    const problems: string[] = []
    const { emails, roles } = recipientInputs(inputs, problems)
    // Separators alone (`,` from two empty variables) leave no recipient either.
    if (emails?.length === 0 && roles?.length === 0) {
      problems.push(
        'emails: required for send-certificate (one or more recipients), unless recipients-from-order reads them from each order'
      )
    }
    const format = collect(problems, () => parseChoice('format', inputs.format, FORMATS))
    const message = collect(problems, () => parseMessage(inputs.message))
    if (problems.length || emails === undefined || roles === undefined || format === undefined) {
      throw new InputError(problems)
    }
    const details: Detail[] = [...recipientDetails('Recipients', emails, roles), ['Format', format]]
    if (message !== undefined) details.push(['Message', message, { message }])
    return {
      body: {
        emails,
        certificate_collect_format: format,
        ...(message === undefined ? {} : { custom_message: message })
      },
      emails,
      roles,
      details,
      warnings: []
    }
  },
  // One PUT to every recipient of the certificate.
  callsFor: ({ body, recipients }) => [
    { to: [...recipients], body: { ...body, emails: [...recipients] } }
  ]
}

/** `emails` and recipients-from-order, each undefined with its problems added. */
function recipientInputs(
  inputs: Record<OperationInput, string>,
  problems: string[]
): { emails: string[] | undefined; roles: Role[] | undefined } {
  const emails = collect(problems, () => parseEmails('emails', inputs.emails))
  const roles = collect(problems, () => parseRoles(inputs['recipients-from-order']))
  if (roles?.length && emails && emails.length > MAX_RECIPIENTS) {
    problems.push(
      `emails: ${emails.length} recipients, more than the ${MAX_RECIPIENTS} one certificate is sent to with recipients-from-order`
    )
  }
  return { emails, roles }
}

/** The summary's lines for `emails` (when it names any) and recipients-from-order (when given). */
function recipientDetails(label: string, emails: string[], roles: Role[]): Detail[] {
  const details: Detail[] = []
  if (emails.length) details.push([label, emails.join(', '), { recipients: emails }])
  if (roles.length) details.push(['Recipients from each order', roles.join(', ')])
  return details
}

const emailSiteSeal: OperationSpec = {
  summary: "emails an order's site-seal code to one address, or to the key's owner",
  method: 'POST',
  path: '/order/certificate/{id}/site-seal/email-seal',
  idInputs: ['order-id', ...FINDING_INPUTS],
  orderTarget: 'order',
  uses: ['emails', 'recipients-from-order', 'seal-settings'],
  prepare(inputs) {
    const problems: string[] = []
    const { emails, roles } = recipientInputs(inputs, problems)
    if (emails && emails.length > 1) {
      problems.push(
        `emails: email-site-seal sends to one recipient only, got ${emails.length} recipients (${emails.slice(0, 5).join(', ')}${emails.length > 5 ? ', …' : ''}); ` +
          "run the step once per recipient, or leave emails empty to mail the key's owner"
      )
    }
    const seal = collect(problems, () => parseSealSettings(inputs['seal-settings']))
    if (problems.length || !emails || !roles || !seal) throw new InputError(problems)
    const body = { ...(emails[0] ? { recipient_email: emails[0] } : {}), ...seal.settings }
    return {
      // DigiCert's own examples send no body when nothing is set.
      body: Object.keys(body).length ? body : undefined,
      emails,
      roles,
      details: [
        // With roles, a seal never falls back to the key's owner.
        ...(emails[0] === undefined && roles.length === 0
          ? [['Recipient', "the API key's owner"] as Detail]
          : recipientDetails('Recipient', emails, roles)),
        [
          'Seal settings',
          Object.keys(seal.settings).length
            ? JSON.stringify(seal.settings)
            : 'as set in CertCentral'
        ]
      ],
      warnings: seal.warnings
    }
  },
  // DigiCert takes one recipient_email per call: one POST per recipient.
  callsFor: ({ body, recipients }) =>
    recipients.map(recipient => ({
      to: [recipient],
      body: { ...body, recipient_email: recipient }
    }))
}

/** Every operation the action performs. The input `operation` takes these names. */
export const OPERATIONS = {
  'send-certificate': sendCertificate,
  'email-site-seal': emailSiteSeal
} as const satisfies Record<string, OperationSpec>

export type Operation = keyof typeof OPERATIONS
export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[]

const NOUNS: Record<IdInput, string> = {
  'certificate-id': 'certificate',
  'order-id': 'order',
  'certificate-file': 'file',
  'serial-number': 'serial number',
  thumbprint: 'thumbprint',
  'common-name': 'common name'
}

/** The word for an ID from this input, in messages: "certificate 123", "order 456", "file a.pem". */
export function idNoun(idInput: IdInput): string {
  return NOUNS[idInput]
}

/** How many IDs of this input, in a log line: "2 certificate ID(s)", "1 file(s)", "3 common name(s)". */
export function idCount(idInput: IdInput, count: number): string {
  return `${count} ${NOUNS[idInput]}${isFindingInput(idInput) ? '(s)' : ' ID(s)'}`
}

/** Inputs any operation uses, each with the operations that use it. */
export function operationsUsing(input: OperationInput): Operation[] {
  return OPERATION_NAMES.filter(name => OPERATIONS[name].uses.includes(input))
}

// ---- send-certificate: message --------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

export function parseMessage(value: string): string | undefined {
  if (value.trim() === '') return undefined
  if (CONTROL_EXCEPT_LINES.test(value)) {
    throw new InputError([
      'message: contains control characters other than tabs and line breaks; remove them'
    ])
  }
  return value
}

// ---- email-site-seal: seal-settings ---------------------------------------------------------

type SealRule = {
  check: (value: unknown) => boolean
  expected: string
  normalize?: (value: unknown) => unknown
}
const BOOLEAN: SealRule = {
  check: v => typeof v === 'boolean',
  expected: 'true or false (a JSON boolean)'
}

/** "Update site seal settings" parameters, which the email-seal call honours too. */
export const SEAL_SETTINGS: Record<string, SealRule> = {
  seal_size: { check: v => v === 's' || v === 'm' || v === 'l', expected: '"s", "m" or "l"' },
  seal_number: {
    // 16, 17 or 18, as a JSON number or a string of those digits: not "0x10" or "1.6e1".
    check: v =>
      (typeof v === 'number' && [16, 17, 18].includes(v)) ||
      (typeof v === 'string' && ['16', '17', '18'].includes(v)),
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

/** A user's JSON value inside a message: once, bounded, without a line separator. */
function showJson(value: unknown): string {
  const shown = (JSON.stringify(value) ?? String(value)).replace(
    /[\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16)}`
  )
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown
}

/** A number's text as written, bounded (it may be thousands of digits long). */
function showText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}… (${text.length} characters)` : text
}

/** Body fields of the other call, which a seal-settings object must not carry. */
const SEND_CERTIFICATE_FIELDS = ['emails', 'certificate_collect_format', 'custom_message']

/** Whether a parsed JSON number is not the number written: not finite, or an unsafe integer. */
export function isUnusableNumber({ value }: { value: number }): boolean {
  return !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))
}

/** A JSON text's strings, numbers and punctuation, one token at a time. */
const JSON_TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\]:,]/g

/**
 * For each name of a valid JSON object text, the first number written under it (at any depth)
 * that JSON.parse cannot keep as written (`1e400` becomes Infinity, `9007199254740993` another
 * integer): found in the text itself, so that a message can quote it as written.
 */
export function unusableNumbers({ json }: { json: string }): Map<string, string> {
  const found = new Map<string, string>()
  let depth = 0
  let name: string | undefined
  let lastString: string | undefined
  for (const [token] of json.matchAll(JSON_TOKENS)) {
    if (token === '{' || token === '[') depth++
    else if (token === '}' || token === ']') depth--
    else if (token === ':') name = depth === 1 ? lastString : name
    else if (token.startsWith('"')) lastString = JSON.parse(token) as string
    else if (
      token !== ',' &&
      name !== undefined &&
      !found.has(name) &&
      isUnusableNumber({ value: Number(token) })
    )
      found.set(name, token)
  }
  return found
}

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
      `seal-settings: not valid JSON (${escapeControls((error as Error).message)}); e.g. {"seal_size": "m"}`
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
  const unusable = unusableNumbers({ json: value })
  for (const [name, setting] of Object.entries(parsed)) {
    const rule = Object.hasOwn(SEAL_SETTINGS, name) ? SEAL_SETTINGS[name] : undefined
    const number = unusable.get(name)
    if (number !== undefined && !CONTROL.test(name)) {
      problems.push(
        `seal-settings: ${rule ? name : quote(name)} holds ${showText(number)}, a number that cannot be sent as written (too large, beyond 9007199254740991 for a whole number)` +
          (rule ? `; expected ${rule.expected}` : '; write a smaller number, or a string')
      )
    } else if (SEND_CERTIFICATE_FIELDS.includes(name)) {
      problems.push(
        `seal-settings: ${name} belongs to send-certificate, not to a site seal; remove it`
      )
    } else if (name === 'recipient_email') {
      problems.push(
        'seal-settings: recipient_email is set by the emails input; remove it from seal-settings'
      )
    } else if (CONTROL.test(name)) {
      problems.push(`seal-settings: the name ${quote(name)} contains control characters`)
    } else if (!rule) {
      warnings.push(
        `seal-settings: ${quote(name)} is not a site-seal setting this action knows; it is sent as given${didYouMean(name, Object.keys(SEAL_SETTINGS))}`
      )
      settings.set(name, setting)
    } else if (!rule.check(setting)) {
      problems.push(`seal-settings: ${name} is ${showJson(setting)}; expected ${rule.expected}`)
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
