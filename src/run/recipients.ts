// Who one certificate is sent to (issue 24), pure: `emails` first, then the addresses its own
// order names for each role of recipients-from-order, in the order the roles are given and the
// order lists them, each checked as `emails` is (emailProblem), de-duplicated without regard to
// case. The one place a certificate's recipients are computed: the ID's record keeps the result
// (IdRecord.recipients) before its call is built.
import type { CustomField, OrderPeople } from '../certcentral/people.js'
import { MAX_PERSON_CHARS } from '../certcentral/people.js'
import { emailProblem, quote, splitList } from '../input/parse.js'
import { CUSTOM_FIELD, MAX_RECIPIENTS, rolesWords, roleWords, type Role } from '../input/roles.js'

/** Warnings said at most for one certificate; the rest are counted in the last. */
export const MAX_RECIPIENT_WARNINGS = 5

export interface RecipientsInput {
  /** The addresses of `emails`, checked already. */
  emails: readonly string[]
  /** recipients-from-order's roles, in the order given. */
  roles: readonly Role[]
  /** What the certificate's Order info names; undefined: no one. */
  people: OrderPeople | undefined
  /** The order's ID, for messages; undefined when CertCentral did not name it. */
  orderId: string | undefined
}

export interface Recipients {
  /** Whom the certificate is sent to: `emails` first; empty when `problem` says why. */
  recipients: string[]
  /** The roles that named no usable address. */
  rolesWithout: Role[]
  /** Addresses left out (not usable), each naming the order and the role. */
  warnings: string[]
  /** Why nothing is sent for this certificate: no one to send to, or too many. */
  problem?: string
}

/** The certificate's recipients, the roles that named no one, and what was left out and why. */
export function recipientsFor(input: RecipientsInput): Recipients {
  const { emails, roles, people, orderId } = input
  const order = orderId === undefined ? 'its order' : `order ${orderId}`
  const recipients: string[] = []
  const seen = new Set<string>()
  const add = (address: string): void => {
    const key = address.toLowerCase()
    if (seen.has(key)) return
    seen.add(key)
    recipients.push(address)
  }
  emails.forEach(add)
  const leftOut: string[] = []
  const rolesWithout: Role[] = []
  for (const role of roles) {
    let named = false
    for (const address of roleAddresses(role, people)) {
      const problem =
        address.length > MAX_PERSON_CHARS
          ? `a value of more than ${MAX_PERSON_CHARS} characters`
          : emailProblem(address) && `${quote(address)}: it ${emailProblem(address)}`
      if (problem) leftOut.push(`${order}: ${roleWords(role)} ${problem}; left out`)
      else {
        named = true
        add(address)
      }
    }
    if (!named) rolesWithout.push(role)
  }
  const result = { rolesWithout, warnings: boundedWarnings(leftOut) }
  const problem = recipientsProblem({ ...input, order, count: recipients.length })
  return problem === undefined ? { recipients, ...result } : { recipients: [], ...result, problem }
}

/** Why nothing is sent: no one at all, or more than MAX_RECIPIENTS; undefined when neither. */
function recipientsProblem({
  emails,
  roles,
  people,
  order,
  count
}: RecipientsInput & { order: string; count: number }): string | undefined {
  if (count === 0)
    return `${order} names no ${rolesWords(roles)}: add them in CertCentral, or give \`emails\``
  if (count <= MAX_RECIPIENTS) return undefined
  const unread = people?.unread
    ? ` (and ${people.unread.toLocaleString('en-US')} entries not read)`
    : ''
  return (
    `${order} names ${count.toLocaleString('en-US')} recipients${unread} for ${rolesWords(roles, 'and')}` +
    `${emails.length ? ' with emails' : ''}: more than the ${MAX_RECIPIENTS} one certificate is sent to; ` +
    'shorten its lists in CertCentral, or narrow recipients-from-order'
  )
}

/** The warnings for one certificate, at most MAX_RECIPIENT_WARNINGS, the rest counted. */
function boundedWarnings(warnings: string[]): string[] {
  if (warnings.length <= MAX_RECIPIENT_WARNINGS) return warnings
  const kept = warnings.slice(0, MAX_RECIPIENT_WARNINGS - 1)
  const more = warnings.length - kept.length
  return [...kept, `and ${more.toLocaleString('en-US')} more addresses of the order left out`]
}

/**
 * The raw addresses a role names in an order, in its order: a list's entries, a person's email, a
 * custom field's value (every field with the label, exact) split as `emails` is split.
 */
export function roleAddresses(role: Role, people: OrderPeople | undefined): string[] {
  if (people === undefined) return []
  if (role.startsWith(CUSTOM_FIELD)) {
    const label = role.slice(CUSTOM_FIELD.length)
    return people.customFields
      .filter((field: CustomField) => field.label === label)
      .flatMap(({ value }) => (value.length > MAX_PERSON_CHARS ? [value] : splitList(value)))
  }
  switch (role) {
    case 'additional-emails':
      return people.additionalEmails
    case 'assigned-users':
      return people.assignedUsers
    case 'requester':
      return people.requester === undefined ? [] : [people.requester]
    case 'organization-contact':
      return people.organizationContact === undefined ? [] : [people.organizationContact]
    default:
      return people.technicalContact === undefined ? [] : [people.technicalContact]
  }
}
