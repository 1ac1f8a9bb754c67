// One description per operation: the CertCentral call, which inputs hold its IDs, the inputs it
// uses and their rules, the body it sends and what the report shows of it. Adding an operation is
// one entry in OPERATIONS (the compiler then asks for every field) and its tests.
//
// Sources: "Send certificate via email" and "Email site seal" in DigiCert's CertCentral Services
// API v2 reference, https://dev.digicert.com/en/certcentral-apis/services-api.html
import type { InputName } from './action-inputs.js'
import {
  CONTROL,
  InputError,
  collect,
  didYouMean,
  escapeControls,
  parseChoice,
  parseEmails,
  quote
} from './parse.js'

/** Inputs that hold IDs: a certificate ID goes straight to the call, an order ID is looked up. */
export const ID_INPUTS = ['certificate-id', 'order-id'] as const satisfies readonly InputName[]
export type IdInput = (typeof ID_INPUTS)[number]

/** Inputs that belong to one operation or another; the rest apply to all. */
export const OPERATION_INPUTS = [
  'emails',
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
  /** The JSON body sent for every ID; undefined sends none. */
  body: Record<string, unknown> | undefined
  /** What the summary shows once, above its table. */
  details: Detail[]
  warnings: string[]
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
}

export const FORMATS = ['attachment', 'plaintext', 'downloadlink'] as const

const sendCertificate: OperationSpec = {
  summary:
    'emails a certificate: attachment, plain text or download link, with an optional message',
  method: 'PUT',
  path: '/certificate/{id}/sendemail',
  idInputs: ['certificate-id', 'order-id'],
  orderTarget: 'certificate',
  uses: ['emails', 'format', 'message'],
  prepare(inputs) {
    const problems: string[] = []
    const emails = collect(problems, () => parseEmails('emails', inputs.emails))
    // Separators alone (`,` from two empty variables) leave no recipient either.
    if (emails?.length === 0) {
      problems.push('emails: required for send-certificate (one or more recipients)')
    }
    const format = collect(problems, () => parseChoice('format', inputs.format, FORMATS))
    const message = collect(problems, () => parseMessage(inputs.message))
    if (problems.length || emails === undefined || format === undefined) {
      throw new InputError(problems)
    }
    const details: Detail[] = [
      ['Recipients', emails.join(', '), { recipients: emails }],
      ['Format', format]
    ]
    if (message !== undefined) details.push(['Message', message, { message }])
    return {
      body: {
        emails,
        certificate_collect_format: format,
        ...(message === undefined ? {} : { custom_message: message })
      },
      details,
      warnings: []
    }
  }
}

const emailSiteSeal: OperationSpec = {
  summary: "emails an order's site-seal code to one address, or to the key's owner",
  method: 'POST',
  path: '/order/certificate/{id}/site-seal/email-seal',
  idInputs: ['order-id'],
  orderTarget: 'order',
  uses: ['emails', 'seal-settings'],
  prepare(inputs) {
    const problems: string[] = []
    const emails = collect(problems, () => parseEmails('emails', inputs.emails))
    if (emails && emails.length > 1) {
      problems.push(
        `emails: email-site-seal sends to one recipient only, got ${emails.length} (${emails.slice(0, 5).join(', ')}${emails.length > 5 ? ', …' : ''}); ` +
          "run the step once per recipient, or leave emails empty to mail the key's owner"
      )
    }
    const seal = collect(problems, () => parseSealSettings(inputs['seal-settings']))
    if (problems.length || !emails || !seal) throw new InputError(problems)
    const body = { ...(emails[0] ? { recipient_email: emails[0] } : {}), ...seal.settings }
    return {
      // DigiCert's own examples send no body when nothing is set.
      body: Object.keys(body).length ? body : undefined,
      details: [
        emails[0] === undefined
          ? ['Recipient', "the API key's owner"]
          : ['Recipient', emails[0], { recipients: [emails[0]] }],
        [
          'Seal settings',
          Object.keys(seal.settings).length
            ? JSON.stringify(seal.settings)
            : 'as set in CertCentral'
        ]
      ],
      warnings: seal.warnings
    }
  }
}

/** Every operation the action performs. The input `operation` takes these names. */
export const OPERATIONS = {
  'send-certificate': sendCertificate,
  'email-site-seal': emailSiteSeal
} as const satisfies Record<string, OperationSpec>

export type Operation = keyof typeof OPERATIONS
export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[]

/** The word for an ID from this input, in messages: "certificate 123", "order 456". */
export function idNoun(idInput: IdInput): string {
  return idInput === 'certificate-id' ? 'certificate' : 'order'
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

/** Body fields of the other call, which a seal-settings object must not carry. */
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
