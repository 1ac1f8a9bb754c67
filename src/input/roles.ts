// recipients-from-order: the roles of an order whose people a certificate is also sent to (issue
// 24). parseRoles reads the input (roles separated by commas or new lines, a custom field by its
// label); roleWords names roles in a message. Which field of Order info each role reads is in
// src/run/recipients.ts (recipientsFor); the fields themselves are read in
// src/certcentral/people.ts. Pure.
import { CONTROL, InputError, didYouMean, quote, splitLines } from './parse.js'
import { FORMAT_CHARACTERS } from '../sanitize.js'

/** The roles an order names people for, by the names recipients-from-order takes. */
export const ROLE_NAMES = [
  'additional-emails',
  'requester',
  'organization-contact',
  'technical-contact',
  'assigned-users'
] as const
export type RoleName = (typeof ROLE_NAMES)[number]

/** Recipients one certificate is sent to at most, `emails` and its order's together (action.yml). */
export const MAX_RECIPIENTS = 100

/** A custom field is named `custom-field:<label>`, its label as CertCentral shows it. */
export const CUSTOM_FIELD = 'custom-field:'
/** A custom field's label is at most this long. */
export const MAX_LABEL_CHARS = 200

/** One role: a named one, or a custom field by its exact label (`custom-field:Owners`). */
export type Role = RoleName | `${typeof CUSTOM_FIELD}${string}`

const FORMAT_CHARACTER = new RegExp(FORMAT_CHARACTERS.source, 'u')

/**
 * recipients-from-order: roles separated by commas or new lines, each trimmed, each once (the
 * first kept); a role name in any case; `custom-field:<label>` with the label exact (trimmed; not
 * empty, no control or format character, at most MAX_LABEL_CHARS). Empty: no role. Throws an
 * InputError naming every role that is none.
 */
export function parseRoles(value: string): Role[] {
  const problems: string[] = []
  const roles: Role[] = []
  for (const written of splitLines(value)) {
    const role = roleOf(written, problems)
    if (role !== undefined && !roles.includes(role)) roles.push(role)
  }
  if (problems.length) throw new InputError(problems)
  return roles
}

/** One role as written, or undefined with its problem added. */
function roleOf(written: string, problems: string[]): Role | undefined {
  const input = 'recipients-from-order'
  if (written.toLowerCase().startsWith(CUSTOM_FIELD)) {
    const label = written.slice(CUSTOM_FIELD.length).trim()
    const problem =
      label === ''
        ? 'names no label; write custom-field:<label>, the label as CertCentral shows it'
        : CONTROL.test(label) || FORMAT_CHARACTER.test(label)
          ? 'holds a control or invisible format character; type the label again without it'
          : label.length > MAX_LABEL_CHARS
            ? `has a label longer than ${MAX_LABEL_CHARS} characters`
            : undefined
    if (problem === undefined) return `${CUSTOM_FIELD}${label}`
    problems.push(`${input}: ${quote(written)} ${problem}`)
    return undefined
  }
  const name = ROLE_NAMES.find(role => role === written.toLowerCase())
  if (name !== undefined) return name
  problems.push(
    `${input}: ${quote(written)} is not a role; use ${ROLE_NAMES.join(', ')} or custom-field:<label>` +
      didYouMean(written, [...ROLE_NAMES, 'custom-field'])
  )
  return undefined
}

/** How a message names a role: `additional emails`, `requester`, `custom field "Owners"`. */
export function roleWords(role: Role): string {
  if (role.startsWith(CUSTOM_FIELD))
    return `custom field ${JSON.stringify(role.slice(CUSTOM_FIELD.length))}`
  return role.replace(/-/g, ' ')
}

/** Roles in a message: `additional emails or requester`, `a, b or c`. */
export function rolesWords(roles: readonly Role[], joiner = 'or'): string {
  const words = roles.map(roleWords)
  if (words.length <= 1) return words[0] ?? ''
  return `${words.slice(0, -1).join(', ')} ${joiner} ${words[words.length - 1] as string}`
}
