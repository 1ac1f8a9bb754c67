// Pure parsers of single input values, shared by the plan (plan.ts) and the operations'
// own input rules (operations.ts). Each throws an InputError naming the input and the fix.
import { ACTION_INPUTS } from '../action-metadata.js'
import { FORMAT_CHARACTERS } from '../sanitize.js'

/** Input problems, each starting with the input's name: listed in action.yml's order (inInputOrder). */
export class InputError extends Error {
  override readonly name = 'InputError'
  readonly problems: string[]
  constructor(problems: string[]) {
    const ordered = inInputOrder(problems)
    super(
      ordered.length === 1
        ? ordered[0]
        : `${ordered.length} input problems:\n${ordered.map(p => `- ${p}`).join('\n')}`
    )
    this.problems = ordered
  }
}

const INPUT_NAMES: readonly string[] = Object.keys(ACTION_INPUTS)

/**
 * Problems in action.yml's order of inputs, by the input each starts with (the first of several:
 * `certificate-id and order-id: …`), stably; those that name no input last, in their order. The
 * one order of the InputError's message, the summary and the verdict.
 */
export function inInputOrder(problems: readonly string[]): string[] {
  const rank = (problem: string): number => {
    const name = /^[a-z][a-z-]*(?=[:,]| and )/.exec(problem)
    const at = name ? INPUT_NAMES.indexOf(name[0]) : -1
    return at === -1 ? INPUT_NAMES.length : at
  }
  return [...problems].sort((a, b) => rank(a) - rank(b))
}

/** Collects the problems of a part, so one run reports them all. */
export function collect<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Control characters and line separators as `\uXXXX`: a system message that quotes a user's value, on one line. */
export function escapeControls(text: string): string {
  return text.replace(
    new RegExp(CONTROL.source, 'g'),
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** Splits on commas, semicolons and whitespace; drops empties and duplicates (first kept). */
export function splitList(value: string): string[] {
  return [...new Set(value.split(/[\s,;]+/).filter(item => item !== ''))]
}

/** A format character (bidi control, zero-width, BOM…): see FORMAT_CHARACTERS. */
const FORMAT_CHARACTER = new RegExp(FORMAT_CHARACTERS.source, 'u')

/** `U+202E`: how a message names a character it does not show. */
export function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Shows a user's value inside a message without letting it break the line or reorder it: DEL, C1
 * controls, line and paragraph separators and format characters as `\uXXXX` (JSON.stringify
 * leaves them raw).
 */
export function quote(value: string): string {
  const shown = JSON.stringify(value).replace(
    new RegExp(`[\u007f-\u009f\u2028\u2029]|${FORMAT_CHARACTERS.source}`, 'gu'),
    c => escapeUnits(c)
  )
  return shown.length > 80 ? `${shown.slice(0, 77)}…"` : shown
}

/** Each UTF-16 unit of `text` as `\uXXXX`, as JSON escapes it. */
function escapeUnits(text: string): string {
  return text
    .split('')
    .map(unit => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('')
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length] as number
}

/** Edits a near miss may be from a choice: 2, or 3 from a choice of 9 characters or more. */
export function editsAllowed(choice: string): number {
  return choice.length >= 9 ? 3 : 2
}

/**
 * The choice a value is a near miss of (at most editsAllowed edits, or a prefix of it of 2
 * characters or more: `max-retry`, `wait-for-issue`, `email`), the closest first; if any.
 */
export function nearest(value: string, choices: readonly string[]): string | undefined {
  const given = value.trim().toLowerCase()
  if (given === '') return undefined
  const scored = choices
    .map(choice => ({
      choice,
      score: choice.startsWith(given) && given.length >= 2 ? 0 : distance(given, choice),
      allowed: editsAllowed(choice)
    }))
    .filter(({ score, allowed }) => score <= allowed)
    .sort((a, b) => a.score - b.score)
  return scored[0]?.choice
}

/** `; did you mean "x"?` for a near miss (nearest), else ''. */
export function didYouMean(value: string, choices: readonly string[]): string {
  const choice = nearest(value, choices)
  return choice === undefined ? '' : `; did you mean ${JSON.stringify(choice)}?`
}

/** The choice a value names, trimmed and in any case; undefined when it names none. */
export function choiceOf<T extends string>(value: string, choices: readonly T[]): T | undefined {
  const normalized = value.trim().toLowerCase()
  return choices.find(choice => choice === normalized)
}

export function parseChoice<T extends string>(
  input: string,
  value: string,
  choices: readonly T[]
): T {
  const match = choiceOf(value, choices)
  if (match) return match
  throw new InputError([
    `${input}: ${quote(value)} is not one of ${choices.join(', ')}${didYouMean(value, choices)}`
  ])
}

/** IDs are positive whole numbers without leading zeros, at most 20 digits. */
export const ID_PATTERN = /^[1-9]\d{0,19}$/

export function parseIds(input: string, value: string, noun: string): string[] {
  const ids = splitList(value)
  const bad = ids.filter(id => !ID_PATTERN.test(id))
  if (bad.length) {
    throw new InputError(
      bad
        .slice(0, 10)
        .map(
          id =>
            `${input}: ${quote(id)} is not a valid ${noun} ID (a positive whole number without leading zeros, e.g. 1234567)`
        )
        .concat(bad.length > 10 ? [`${input}: and ${bad.length - 10} more values like these`] : [])
    )
  }
  return ids
}

/**
 * A decimal number from min to max: digits with an optional fraction when `integer` is false.
 * No hex, exponents, signs or spaces inside: `0x10` is not 16.
 */
export function parseNumber(
  input: string,
  value: string,
  { min, max, integer }: { min: number; max: number; integer: boolean }
): number {
  const text = value.trim()
  const pattern = integer ? /^\d{1,10}$/ : /^\d{1,10}(?:\.\d{1,6})?$/
  const number = pattern.test(text) ? Number(text) : NaN
  if (!(number >= min && number <= max)) {
    const kind = integer ? 'a whole number' : 'a decimal number'
    throw new InputError([`${input}: ${quote(value)} must be ${kind} from ${min} to ${max}`])
  }
  return number
}

/** `true`/`false` in the spellings the YAML 1.2 core schema knows, as the toolkit reads them. */
export function parseBoolean(input: string, value: string): boolean {
  const text = value.trim()
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError([`${input}: ${quote(value)} must be true or false`])
}

export const MAX_EMAIL_LENGTH = 254

const DOMAIN =
  /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u

/**
 * A practical address check: one @, a dotted domain, no spaces, control or format characters, and
 * no dot leading, trailing or doubled in the part before @ (RFC 5322's dot-atom).
 */
export function emailProblem(address: string): string | undefined {
  if (address.length > MAX_EMAIL_LENGTH) return `is longer than ${MAX_EMAIL_LENGTH} characters`
  const format = FORMAT_CHARACTER.exec(address)
  if (format) {
    const position = [...address.slice(0, format.index)].length + 1
    return `contains an invisible format character (${codePointName(format[0])}) at character ${position}; type the address again without it`
  }
  if (CONTROL.test(address) || /\s/.test(address)) return 'contains a space or control character'
  const parts = address.split('@')
  if (parts.length !== 2) return 'is not an email address (it needs exactly one @)'
  const [local, domain] = parts as [string, string]
  if (local === '' || local.length > 64)
    return 'is not an email address (the part before @ is empty or longer than 64 characters)'
  if (/[<>()[\]\\",:]/.test(local))
    return 'is not an email address (quotes, brackets and the like are not accepted)'
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..'))
    return 'is not an email address (the part before @ may not start or end with a dot, or have two dots in a row)'
  if (!DOMAIN.test(domain)) return 'is not an email address (the domain must look like example.com)'
  return undefined
}

/**
 * A recipient as a mail client writes it, `Ops Team <ops@example.com>` or `<ops@example.com>`:
 * from a separator, words without @ (a quoted name may hold commas), then the address in angle
 * brackets. One character at a time, so that no input makes it backtrack for long.
 */
const DISPLAY_NAME = /(?<=^|[\s,;])((?:"[^"]*"|[^\s,;<>"@]|[ \t])*)<([^<>]*)>/g

/**
 * Recipients: addresses separated by commas, semicolons or whitespace. A recipient written with a
 * display name is one problem naming the bare address to use, not one per word.
 */
export function parseEmails(input: string, value: string): string[] {
  const problems: string[] = []
  const rest = value.replace(DISPLAY_NAME, (written: string, _name: string, inside: string) => {
    const bare = inside.trim()
    const problem = emailProblem(bare)
    problems.push(
      `${input}: ${quote(written.trim())} is a recipient as a mail client writes it (a name, angle brackets); give the address alone: ` +
        (problem ? `the address ${quote(bare)} ${problem}` : `use ${bare}`)
    )
    // A separator or the start is before it (DISPLAY_NAME's lookbehind): nothing joins.
    return ''
  })
  const emails = splitList(rest)
  for (const address of emails) {
    const problem = emailProblem(address)
    if (problem) problems.push(`${input}: ${quote(address)} ${problem}`)
  }
  if (problems.length) throw new InputError(problems)
  return emails
}

const UNITS = { s: 1, m: 60, h: 3600 } as const

/** A duration: `0`, whole seconds, or a number with `s`, `m` or `h` (`90s`, `15m`, `2h`). */
export function parseDuration(input: string, value: string, maxSeconds: number): number {
  const match = /^(\d{1,6})\s*([smh]?)$/i.exec(value.trim())
  const seconds = match
    ? Number(match[1]) * UNITS[((match[2] as string).toLowerCase() || 's') as keyof typeof UNITS]
    : NaN
  // No sign can match, so the only bound to check is the top; NaN (no match) fails it too.
  if (!(seconds <= maxSeconds)) {
    throw new InputError([
      `${input}: ${quote(value)} must be 0, a number of seconds, or a duration such as 90s, 15m or 2h, at most ${formatDuration(maxSeconds)}`
    ])
  }
  return seconds
}

/** `45 s`, `1 min 30 s`, `2 h 30 min`, `30 d`, `1 d 1 h`: for messages. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds)
  const parts: [number, string][] = [
    [Math.floor(total / 86_400), 'd'],
    [Math.floor((total % 86_400) / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'min'],
    [total % 60, 's']
  ]
  const shown = parts.filter(([amount]) => amount > 0).map(([amount, unit]) => `${amount} ${unit}`)
  return shown.length ? shown.join(' ') : '0 s'
}

// ---- Certificates named by serial, thumbprint or common name ------------------------------

/** Values of the new ID inputs: separated by newlines or commas (spaces may sit inside one). */
export function splitLines(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[\r\n,]+/)
        .map(item => item.trim())
        .filter(item => item !== '')
    )
  ]
}

/** Hex with colons and spaces as separators, upper-cased, separators dropped; undefined if not hex. */
function hexOf(value: string): string | undefined {
  const hex = value.replace(/[:\s]/g, '').toUpperCase()
  return /^[0-9A-F]+$/.test(hex) ? hex : undefined
}

/** Serial numbers: hex, any case, colons or spaces inside; 1 to 40 hex digits, upper case. */
export function parseSerials(input: string, value: string): string[] {
  return parseHexList(input, value, {
    ok: hex => hex.length <= 40,
    expected: 'a serial number in hex (1 to 40 hex digits; colons and spaces allowed)'
  })
}

/** SHA-1 thumbprints: exactly 40 hex digits, any case, colons allowed; upper case. */
export function parseThumbprints(input: string, value: string): string[] {
  return parseHexList(input, value, {
    ok: hex => hex.length === 40,
    expected: 'a SHA-1 thumbprint (40 hex digits; colons allowed)'
  })
}

function parseHexList(
  input: string,
  value: string,
  rule: { ok: (hex: string) => boolean; expected: string }
): string[] {
  const problems: string[] = []
  const values: string[] = []
  for (const item of splitLines(value)) {
    const hex = hexOf(item)
    if (hex !== undefined && rule.ok(hex)) values.push(hex)
    else problems.push(`${input}: ${quote(item)} is not ${rule.expected}`)
  }
  if (problems.length) throw new InputError(problems)
  return [...new Set(values)]
}

/** Common names: trimmed, without whitespace or control characters inside. */
export function parseCommonNames(input: string, value: string): string[] {
  const names = splitLines(value)
  const problems = names.flatMap(name => {
    const problem = commonNameProblem(name)
    return problem ? [`${input}: ${quote(name)} ${problem}`] : []
  })
  if (problems.length) throw new InputError(problems)
  return names
}

/** What is wrong with a common name as one name (www.example.com, *.example.com), if anything. */
function commonNameProblem(name: string): string | undefined {
  const one = 'a common name is one name such as www.example.com'
  if (/\s/.test(name) || CONTROL.test(name)) return `holds whitespace or control characters; ${one}`
  const format = FORMAT_CHARACTER.exec(name)
  if (format)
    return `holds an invisible format character (${codePointName(format[0])}); type it again without it`
  if (!/[\p{L}\p{N}]/u.test(name)) return `holds no letter or digit; ${one}`
  return undefined
}

const LONG_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

/** A duration with days too (`90s`, `15m`, `2h`, `7d`, or seconds), from 1 s to maxSeconds. */
export function parseLongDuration(input: string, value: string, maxSeconds: number): number {
  const match = /^(\d{1,8})\s*([smhd]?)$/i.exec(value.trim())
  const unit = ((match?.[2] ?? '').toLowerCase() || 's') as keyof typeof LONG_UNITS
  const seconds = match ? Number(match[1]) * LONG_UNITS[unit] : NaN
  if (!(seconds >= 1 && seconds <= maxSeconds)) {
    throw new InputError([
      `${input}: ${quote(value)} must be a duration such as 90s, 15m, 2h or 7d (or a number of seconds), from 1 s to ${maxSeconds / 86_400} days`
    ])
  }
  return seconds
}
