// What each DigiCert error code asks the user to do: one short, actionable hint per code (the
// README's troubleshooting table is tested against HINTS), and which codes refuse the key itself
// or only a permission. A new DigiCert error hint goes here. Pure.

export interface HintContext {
  /** The input that held the ID: `certificate-id` or `order-id`. */
  idInput: string
  /** `note` for a request about an order's notes: a refusal then says notes may not be added. */
  request?: 'note'
}

/** What a note refused for lack of permission asks of the user (deliver-once). */
export const NOTES_REFUSED_HINT =
  "the API key's user may not add notes to orders: use a key whose user may (not View Only), or turn deliver-once off"

/**
 * One short, actionable sentence per DigiCert code this action can meet (DigiCert's Errors page).
 * The README's troubleshooting table is tested against this table.
 */
export const HINTS: Record<string, (context: HintContext) => string> = {
  'access_denied|access_denied_invalid_key': () =>
    'the API key is wrong, revoked or expired: create one in CertCentral (Automation › API keys) and update the secret',
  'access_denied|missing_permission': ({ request }) =>
    request === 'note'
      ? NOTES_REFUSED_HINT
      : 'a View Only key, or a user without the role: use a key without the View Only restriction whose user may manage this certificate or order',
  not_found: ({ idInput }) =>
    `check ${idInput}, and region if the account is on CertCentral Europe`,
  'not_found|order': () => 'check order-id, and region if the account is on CertCentral Europe',
  'not_found|route': () => 'the URL is wrong: check that api-url ends in /services/v2',
  bad_request_format: () =>
    'DigiCert could not read the request: check emails, format, message and seal-settings',
  request_limit_exceeded: () =>
    'the key is over 100 requests per 5 s or 1000 per 3 min (other jobs using it count too): wait retry-after seconds and send unsent-ids again, or set max-retries'
}

/** Hints for codes of a family, e.g. `invalid_value:emails` (DigiCert's older API; unconfirmed here). */
const HINT_FAMILIES: [RegExp, (field: string) => string][] = [
  [
    /^invalid_value:(.+)$/,
    field => `DigiCert rejected the value of ${field}: fix the input behind it`
  ],
  [/^required_param:(.+)$/, field => `DigiCert expected ${field}: set the input behind it`]
]

/** The hint for the first code that has one, or undefined. */
export function hintFor(codes: readonly string[], context: HintContext): string | undefined {
  for (const code of codes) {
    if (Object.hasOwn(HINTS, code)) return (HINTS[code] as (c: HintContext) => string)(context)
    for (const [pattern, hint] of HINT_FAMILIES) {
      const match = pattern.exec(code)
      if (match) return hint(match[1] as string)
    }
  }
  return undefined
}

/** What a 503 asks of the user. */
export const UNAVAILABLE_HINT =
  'CertCentral is down or in maintenance: send unsent-ids again after retry-after seconds, or set max-retries'

/** The code DigiCert gives a key whose user lacks the role for this certificate or order. */
export const MISSING_PERMISSION = 'access_denied|missing_permission'

/**
 * Whether an answer refuses the key itself, so every other ID would be refused the same way: any
 * 401, and a 403 whose codes are `access_denied|…` other than a missing permission.
 */
export function refusesKey(status: number, codes: readonly string[]): boolean {
  return (
    status === 401 ||
    (status === 403 &&
      codes.some(code => code.startsWith('access_denied') && code !== MISSING_PERMISSION))
  )
}

/**
 * Whether a note's 403 refuses notes (deliver-once cannot record, so the run stops before its next
 * send): any 403 but one that refuses the key itself (refusesKey).
 */
export function refusesNotes(status: number | null, codes: readonly string[]): boolean {
  return status === 403 && !refusesKey(status, codes)
}

/**
 * Whether a 403 says only that the key's user may not act on this ID (`missing_permission`): it may
 * hold for this certificate and not the next (another division), so it is not a refused key.
 */
export function lacksPermission(status: number, codes: readonly string[]): boolean {
  return status === 403 && codes.includes(MISSING_PERMISSION) && !refusesKey(status, codes)
}
