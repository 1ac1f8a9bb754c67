// recipients-from-order's roles (src/input/roles.ts): parseRoles on a table of inputs, each with the
// exact roles or problems it gives, and how messages name roles.
import { describe, expect, it } from 'vitest'
import {
  CUSTOM_FIELD,
  MAX_LABEL_CHARS,
  MAX_RECIPIENTS,
  ROLE_NAMES,
  parseRoles,
  roleWords,
  rolesWords
} from '../../../src/input/roles.js'
import { inputErrorOf } from '../../support/inputs.js'

describe('the roles and their bounds', () => {
  it('keeps their names and values', () => {
    expect({ ROLE_NAMES, CUSTOM_FIELD, MAX_LABEL_CHARS, MAX_RECIPIENTS }).toEqual({
      ROLE_NAMES: [
        'additional-emails',
        'requester',
        'organization-contact',
        'technical-contact',
        'assigned-users'
      ],
      CUSTOM_FIELD: 'custom-field:',
      MAX_LABEL_CHARS: 200,
      MAX_RECIPIENTS: 100
    })
  })
})

describe('parseRoles', () => {
  it.each([
    ['', []],
    ['  \n ', []],
    ['additional-emails', ['additional-emails']],
    ['additional-emails, requester', ['additional-emails', 'requester']],
    ['requester\nadditional-emails', ['requester', 'additional-emails']],
    ['Requester, ADDITIONAL-EMAILS', ['requester', 'additional-emails']],
    ['requester, requester,\nrequester', ['requester']],
    [
      'organization-contact, technical-contact, assigned-users',
      ['organization-contact', 'technical-contact', 'assigned-users']
    ],
    ['custom-field:Owners', ['custom-field:Owners']],
    ['custom-field: Team owners ', ['custom-field:Team owners']],
    ['Custom-Field:owners', ['custom-field:owners']],
    ['custom-field:Owners, custom-field:owners', ['custom-field:Owners', 'custom-field:owners']],
    ['custom-field:Owners\ncustom-field:Owners', ['custom-field:Owners']],
    [`custom-field:${'x'.repeat(200)}`, [`custom-field:${'x'.repeat(200)}`]]
  ])('reads %j as %j', (value, roles) => {
    expect(parseRoles(value)).toEqual(roles)
  })

  it.each([
    [
      'requestor',
      'recipients-from-order: "requestor" is not a role; use additional-emails, requester, organization-contact, technical-contact, assigned-users or custom-field:<label>; did you mean "requester"?'
    ],
    [
      'owner',
      'recipients-from-order: "owner" is not a role; use additional-emails, requester, organization-contact, technical-contact, assigned-users or custom-field:<label>'
    ],
    [
      'custom-field',
      'recipients-from-order: "custom-field" is not a role; use additional-emails, requester, organization-contact, technical-contact, assigned-users or custom-field:<label>; did you mean "custom-field"?'
    ],
    [
      'custom-field:',
      'recipients-from-order: "custom-field:" names no label; write custom-field:<label>, the label as CertCentral shows it'
    ],
    [
      'custom-field:  ',
      'recipients-from-order: "custom-field:" names no label; write custom-field:<label>, the label as CertCentral shows it'
    ],
    [
      'custom-field:Own\u202eers',
      'recipients-from-order: "custom-field:Own\\u202eers" holds a control or invisible format character; type the label again without it'
    ],
    [
      'custom-field:a\u0007b',
      'recipients-from-order: "custom-field:a\\u0007b" holds a control or invisible format character; type the label again without it'
    ],
    [
      `custom-field:${'x'.repeat(201)}`,
      `recipients-from-order: "custom-field:${'x'.repeat(63)}…" has a label longer than 200 characters`
    ]
  ])('refuses %j', (value, problem) => {
    expect(inputErrorOf(() => parseRoles(value)).problems).toEqual([problem])
  })

  it('names every role that is none at once', () => {
    expect(inputErrorOf(() => parseRoles('requester, nobody, custom-field:')).problems).toEqual([
      'recipients-from-order: "nobody" is not a role; use additional-emails, requester, organization-contact, technical-contact, assigned-users or custom-field:<label>',
      'recipients-from-order: "custom-field:" names no label; write custom-field:<label>, the label as CertCentral shows it'
    ])
  })
})

describe('roleWords and rolesWords', () => {
  it.each([
    ['additional-emails', 'additional emails'],
    ['requester', 'requester'],
    ['organization-contact', 'organization contact'],
    ['custom-field:Team-owners', 'custom field "Team-owners"']
  ] as const)('names %s as %s', (role, words) => {
    expect(roleWords(role)).toBe(words)
  })

  it.each([
    [[], 'or', ''],
    [['requester'], 'or', 'requester'],
    [['additional-emails', 'requester'], 'or', 'additional emails or requester'],
    [['additional-emails', 'requester'], 'and', 'additional emails and requester'],
    [
      ['additional-emails', 'requester', 'assigned-users'],
      'or',
      'additional emails, requester or assigned users'
    ]
  ] as const)('joins %j with %s', (roles, joiner, words) => {
    expect(rolesWords(roles, joiner)).toBe(words)
  })

  it('joins with "or" unless told', () => {
    expect(rolesWords(['requester', 'assigned-users'])).toBe('requester or assigned users')
  })
})
