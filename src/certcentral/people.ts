// Who a certificate belongs to, as its Order info names them (issue 24): the order's additional
// emails, the user who placed it (`user`), its organization and technical contacts, the users
// assigned to it and its custom fields. Read tolerantly (any field may be absent, null, "" or an
// empty array where an object is expected) and bounded (MAX_PEOPLE_ENTRIES per list, each string
// cut past MAX_PERSON_CHARS): the raw strings, not yet checked as addresses
// (src/run/recipients.ts does), never shown but through the Sanitizer. Pure.

/** Entries read at most from one list of Order info's people: a hostile answer may hold more. */
export const MAX_PEOPLE_ENTRIES = 1000
/**
 * A string read is kept to this many characters and one more: longer than this, it is left out
 * whole (recipientsFor says so), a list cut short could still look like addresses.
 */
export const MAX_PERSON_CHARS = 4096

/** A custom field of the order: its label and its value as written. */
export interface CustomField {
  label: string
  value: string
}

/** The people an Order info names: raw strings, each at most MAX_PERSON_CHARS + 1 characters. */
export interface OrderPeople {
  additionalEmails: string[]
  /** `user.email`: who placed the order. */
  requester?: string
  organizationContact?: string
  technicalContact?: string
  /** `user_assignments[].email`. */
  assignedUsers: string[]
  customFields: CustomField[]
  /** Entries of the lists past MAX_PEOPLE_ENTRIES, not read. */
  unread: number
}

/** The Order info fields the people are read from: with none of them, an answer names no one. */
export const PEOPLE_FIELDS = [
  'additional_emails',
  'user',
  'organization_contact',
  'technical_contact',
  'user_assignments',
  'custom_fields'
] as const

/** The people an Order info body (parsed JSON) names; undefined when it has none of PEOPLE_FIELDS. */
export function parsePeople(order: Record<string, unknown>): OrderPeople | undefined {
  if (!PEOPLE_FIELDS.some(field => order[field] !== undefined)) return undefined
  const additional = listOf(order.additional_emails)
  const assigned = listOf(order.user_assignments)
  const fields = listOf(order.custom_fields)
  const people: OrderPeople = {
    additionalEmails: additional.read.flatMap(entry => textOf(entry) ?? []),
    assignedUsers: assigned.read.flatMap(entry => emailOf(entry) ?? []),
    customFields: fields.read.flatMap(customField),
    unread: additional.unread + assigned.unread + fields.unread
  }
  const requester = emailOf(order.user)
  const organization = emailOf(order.organization_contact)
  const technical = emailOf(order.technical_contact)
  if (requester !== undefined) people.requester = requester
  if (organization !== undefined) people.organizationContact = organization
  if (technical !== undefined) people.technicalContact = technical
  return people
}

/** A list's first MAX_PEOPLE_ENTRIES entries, and how many more it has; none when not a list. */
function listOf(value: unknown): { read: unknown[]; unread: number } {
  if (!Array.isArray(value)) return { read: [], unread: 0 }
  return {
    read: value.slice(0, MAX_PEOPLE_ENTRIES),
    unread: Math.max(0, value.length - MAX_PEOPLE_ENTRIES)
  }
}

/** A non-empty string, cut to MAX_PERSON_CHARS + 1 characters; else undefined. */
function textOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  return value.slice(0, MAX_PERSON_CHARS + 1)
}

/** A person's `email` (a user or a contact); undefined when the value is no object with one. */
function emailOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  return textOf((value as Record<string, unknown>).email)
}

/** A custom field with a string label and a string value; none otherwise. */
function customField(entry: unknown): CustomField[] {
  // A string, a number or an array has no label: none of them is a field.
  const { label, value } = (entry ?? {}) as Record<string, unknown>
  const text = textOf(value)
  if (typeof label !== 'string' || text === undefined) return []
  return [{ label: label.slice(0, MAX_PERSON_CHARS + 1), value: text }]
}
