// Order info's people (src/certcentral/people.ts): parsePeople on the shapes DigiCert and public
// clients show, the odd ones (absent, null, "", [] where an object is expected), and its bounds;
// parseOrderInfo carries them.
import { describe, expect, it } from 'vitest'
import { parseOrderInfo } from '../../../src/certcentral/bodies.js'
import {
  MAX_PEOPLE_ENTRIES,
  MAX_PERSON_CHARS,
  PEOPLE_FIELDS,
  parsePeople
} from '../../../src/certcentral/people.js'

const user = (email: unknown) => ({ id: 1, first_name: 'A', last_name: 'B', email })
const none = { additionalEmails: [], assignedUsers: [], customFields: [], unread: 0 }

describe('the bounds and fields', () => {
  it('keeps their values', () => {
    expect({ MAX_PEOPLE_ENTRIES, MAX_PERSON_CHARS, PEOPLE_FIELDS }).toEqual({
      MAX_PEOPLE_ENTRIES: 1000,
      MAX_PERSON_CHARS: 4096,
      PEOPLE_FIELDS: [
        'additional_emails',
        'user',
        'organization_contact',
        'technical_contact',
        'user_assignments',
        'custom_fields'
      ]
    })
  })
})

describe('parsePeople', () => {
  it('reads every role of a full Order info', () => {
    expect(
      parsePeople({
        id: 8101,
        additional_emails: ['a@example.com', 'b@example.org'],
        user: user('req@example.com'),
        organization_contact: { first_name: 'O', email: 'org@example.com', job_title: 'x' },
        technical_contact: { first_name: 'T', email: 'tech@example.com' },
        user_assignments: [user('u1@example.com'), user('u2@example.com')],
        custom_fields: [
          { metadata_id: 1, label: 'Owners', value: 'x@example.com, y@example.com' },
          { metadata_id: 2, label: 'Cost centre', value: '4711' }
        ]
      })
    ).toEqual({
      additionalEmails: ['a@example.com', 'b@example.org'],
      requester: 'req@example.com',
      organizationContact: 'org@example.com',
      technicalContact: 'tech@example.com',
      assignedUsers: ['u1@example.com', 'u2@example.com'],
      customFields: [
        { label: 'Owners', value: 'x@example.com, y@example.com' },
        { label: 'Cost centre', value: '4711' }
      ],
      unread: 0
    })
  })

  it('says undefined for an answer with none of the people fields', () => {
    expect(parsePeople({ id: 1, status: 'issued', certificate: {} })).toBeUndefined()
    expect(parsePeople({})).toBeUndefined()
  })

  it.each(PEOPLE_FIELDS)('reads an answer with %s alone, even null, as naming no one', field => {
    expect(parsePeople({ [field]: null })).toEqual(none)
  })

  it.each([
    ['null', null],
    ['an empty string', ''],
    ['an empty array', []],
    ['a string', 'req@example.com'],
    ['a number', 7],
    ['an object without email', { first_name: 'A' }],
    ['an email that is no string', { email: ['a@example.com'] }],
    ['an empty email', { email: '' }],
    ['a blank email', { email: '   ' }],
    ['an array of users', [user('a@example.com')]]
  ])('reads no requester or contact from %s', (_, value) => {
    // Strictly: no requester or contact key at all, not one set to undefined.
    expect(
      parsePeople({ user: value, organization_contact: value, technical_contact: value })
    ).toStrictEqual(none)
  })

  it.each([
    ['null', null],
    ['an empty string', ''],
    ['an object', { email: 'a@example.com' }],
    ['a string', 'a@example.com']
  ])('reads no list from %s', (_, value) => {
    expect(
      parsePeople({ additional_emails: value, user_assignments: value, custom_fields: value })
    ).toEqual(none)
  })

  it('skips entries of a list that are not what it holds', () => {
    expect(
      parsePeople({
        additional_emails: ['a@example.com', null, 7, '', '  ', ['b@example.com'], 'c@example.com'],
        user_assignments: [null, 'u@example.com', [], user(null), user('u@example.com')],
        custom_fields: [
          null,
          [],
          { label: 'A' },
          { value: 'v@example.com' },
          { label: 7, value: 'v@example.com' },
          { label: 'A', value: 7 },
          { label: 'A', value: '' },
          { label: '', value: 'e@example.com' },
          { label: 'B', value: 'w@example.com' }
        ]
      })
    ).toEqual({
      additionalEmails: ['a@example.com', 'c@example.com'],
      assignedUsers: ['u@example.com'],
      customFields: [
        { label: '', value: 'e@example.com' },
        { label: 'B', value: 'w@example.com' }
      ],
      unread: 0
    })
  })

  it('reads at most MAX_PEOPLE_ENTRIES entries of each list and counts the rest', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `a${i}@example.com`)
    const people = parsePeople({
      additional_emails: many(1001),
      user_assignments: many(1002).map(user),
      custom_fields: many(1003).map(value => ({ label: 'L', value }))
    })
    expect(people?.additionalEmails).toEqual(many(1000))
    expect(people?.assignedUsers).toHaveLength(1000)
    expect(people?.customFields).toHaveLength(1000)
    expect(people?.unread).toBe(1 + 2 + 3)
    expect(parsePeople({ additional_emails: many(1000) })?.unread).toBe(0)
  })

  it('cuts each string to MAX_PERSON_CHARS and one more', () => {
    const long = 'a'.repeat(10_000)
    expect(
      parsePeople({
        additional_emails: [long, 'b'.repeat(4096)],
        user: { email: long },
        custom_fields: [{ label: long, value: long }]
      })
    ).toEqual({
      additionalEmails: ['a'.repeat(4097), 'b'.repeat(4096)],
      requester: 'a'.repeat(4097),
      assignedUsers: [],
      customFields: [{ label: 'a'.repeat(4097), value: 'a'.repeat(4097) }],
      unread: 0
    })
  })
})

describe('parseOrderInfo', () => {
  it('carries the people an Order info names', () => {
    const body = JSON.stringify({
      id: 8101,
      status: 'issued',
      certificate: { id: 5 },
      additional_emails: ['a@example.com'],
      user: user('r@example.com')
    })
    expect(parseOrderInfo(body)?.people).toEqual({
      additionalEmails: ['a@example.com'],
      requester: 'r@example.com',
      assignedUsers: [],
      customFields: [],
      unread: 0
    })
  })

  it('carries none when the answer names none of the people fields', () => {
    const order = parseOrderInfo(JSON.stringify({ id: 8101, status: 'issued', certificate: {} }))
    expect(order).toBeDefined()
    expect(order && 'people' in order).toBe(false)
  })
})
