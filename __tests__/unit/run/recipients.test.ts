// Who one certificate is sent to (src/run/recipients.ts): recipientsFor and roleAddresses on tables
// of orders, each with the exact recipients, roles without, warnings and problem.
import { describe, expect, it } from 'vitest'
import type { Role } from '../../../src/input/roles.js'
import {
  MAX_RECIPIENT_WARNINGS,
  recipientsFor,
  roleAddresses
} from '../../../src/run/recipients.js'
import { people } from '../../support/scripted-certcentral.js'

const full = people({
  additionalEmails: ['add1@example.com', 'add2@example.org'],
  requester: 'req@example.com',
  organizationContact: 'org@example.com',
  technicalContact: 'tech@example.com',
  assignedUsers: ['as1@example.com', 'as2@example.com'],
  customFields: [
    {
      label: 'Owners',
      value: 'own1@example.com, own2@example.com;own3@example.com\nown4@example.com'
    },
    { label: 'owners', value: 'lower@example.com' },
    { label: 'Owners', value: 'own5@example.com' }
  ]
})

describe('roleAddresses', () => {
  it.each([
    ['additional-emails', ['add1@example.com', 'add2@example.org']],
    ['requester', ['req@example.com']],
    ['organization-contact', ['org@example.com']],
    ['technical-contact', ['tech@example.com']],
    ['assigned-users', ['as1@example.com', 'as2@example.com']],
    [
      'custom-field:Owners',
      [
        'own1@example.com',
        'own2@example.com',
        'own3@example.com',
        'own4@example.com',
        'own5@example.com'
      ]
    ],
    ['custom-field:owners', ['lower@example.com']],
    ['custom-field:Other', []]
  ] as [Role, string[]][])('reads %s', (role, addresses) => {
    expect(roleAddresses(role, full)).toEqual(addresses)
  })

  it.each(['requester', 'organization-contact', 'technical-contact'] as Role[])(
    'reads no %s from an order that names none',
    role => {
      expect(roleAddresses(role, people())).toEqual([])
    }
  )

  it('reads nothing without people', () => {
    expect(roleAddresses('additional-emails', undefined)).toEqual([])
  })

  it('keeps a custom field value too long to read whole as one value, not split', () => {
    const long = `${'a@example.com, '.repeat(300)}`
    expect(long.length).toBeGreaterThan(4096)
    const cut = long.slice(0, 4097)
    expect(
      roleAddresses('custom-field:L', people({ customFields: [{ label: 'L', value: cut }] }))
    ).toEqual([cut])
    // At exactly 4096 characters a value is still split.
    const edge = 'a@example.com, '.repeat(273).padEnd(4096, 'x')
    expect(edge).toHaveLength(4096)
    const split = roleAddresses(
      'custom-field:L',
      people({ customFields: [{ label: 'L', value: edge }] })
    )
    // (split as emails is: each address once)
    expect(split).toEqual(['a@example.com', 'x'])
  })
})

describe('recipientsFor', () => {
  it('puts emails first, then each role in the order given, each in its order', () => {
    expect(
      recipientsFor({
        emails: ['ops@example.com'],
        roles: ['requester', 'additional-emails'],
        people: full,
        orderId: '8101'
      })
    ).toEqual({
      recipients: ['ops@example.com', 'req@example.com', 'add1@example.com', 'add2@example.org'],
      rolesWithout: [],
      warnings: []
    })
  })

  it('de-duplicates without regard to case, the first spelling kept', () => {
    expect(
      recipientsFor({
        emails: ['Ops@Example.com'],
        roles: ['additional-emails', 'requester'],
        people: people({
          additionalEmails: ['ops@example.COM', 'dev@example.com', 'DEV@example.com'],
          requester: 'Dev@Example.Com'
        }),
        orderId: '8101'
      })
    ).toEqual({
      recipients: ['Ops@Example.com', 'dev@example.com'],
      rolesWithout: [],
      warnings: []
    })
  })

  it('names the roles that named no usable address', () => {
    expect(
      recipientsFor({
        emails: [],
        roles: ['requester', 'technical-contact', 'additional-emails', 'custom-field:Owners'],
        people: people({ requester: 'req@example.com', additionalEmails: ['not an address'] }),
        orderId: '8101'
      })
    ).toEqual({
      recipients: ['req@example.com'],
      rolesWithout: ['technical-contact', 'additional-emails', 'custom-field:Owners'],
      warnings: [
        'order 8101: additional emails "not an address": it contains a space or control character; left out'
      ]
    })
  })

  it('compares addresses in lower case: ß and ss are two addresses', () => {
    expect(
      recipientsFor({
        emails: ['straße@example.com'],
        roles: ['requester'],
        people: people({ requester: 'STRASSE@example.com' }),
        orderId: '1'
      }).recipients
    ).toEqual(['straße@example.com', 'STRASSE@example.com'])
  })

  it('counts a role whose address another role named already as naming one', () => {
    expect(
      recipientsFor({
        emails: ['req@example.com'],
        roles: ['requester'],
        people: people({ requester: 'REQ@example.com' }),
        orderId: '1'
      }).rolesWithout
    ).toEqual([])
  })

  it.each([
    [
      '::error::x@example.com',
      '"::error::x@example.com": it is not an email address (quotes, brackets and the like are not accepted)'
    ],
    [
      'a@example.com\r\nb@example.com',
      '"a@example.com\\r\\nb@example.com": it contains a space or control character'
    ],
    [
      'a\u202e@example.com',
      '"a\\u202e@example.com": it contains an invisible format character (U+202E) at character 2; type the address again without it'
    ],
    ['Ops <ops@example.com>', '"Ops <ops@example.com>": it contains a space or control character'],
    ['x'.repeat(250) + '@e.com', 'is longer'],
    ['a'.repeat(4097), 'a value of more than 4096 characters'],
    ['a'.repeat(4096), 'is longer']
  ])('leaves out %j with a warning naming the order and the role', (address, problem) => {
    const result = recipientsFor({
      emails: ['ops@example.com'],
      roles: ['requester'],
      people: people({ requester: address }),
      orderId: '8101'
    })
    expect(result.recipients).toEqual(['ops@example.com'])
    expect(result.rolesWithout).toEqual(['requester'])
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toMatch(/^order 8101: requester /)
    expect(result.warnings[0]).toContain(
      problem === 'is longer' ? 'longer than 254 characters' : problem
    )
    expect(result.warnings[0]).toMatch(/; left out$/)
  })

  it(`says at most ${MAX_RECIPIENT_WARNINGS} warnings, the rest counted`, () => {
    const bad = (n: number) => Array.from({ length: n }, (_, i) => `bad${i}`)
    const warningsOf = (n: number) =>
      recipientsFor({
        emails: ['ops@example.com'],
        roles: ['additional-emails'],
        people: people({ additionalEmails: bad(n) }),
        orderId: '7'
      }).warnings
    expect(warningsOf(5)).toEqual(
      bad(5).map(
        b =>
          `order 7: additional emails "${b}": it is not an email address (it needs exactly one @); left out`
      )
    )
    expect(warningsOf(6)).toEqual([
      ...bad(4).map(
        b =>
          `order 7: additional emails "${b}": it is not an email address (it needs exactly one @); left out`
      ),
      'and 2 more addresses of the order left out'
    ])
    expect(warningsOf(2000).at(-1)).toBe('and 1,996 more addresses of the order left out')
  })

  it('says "its order" when CertCentral did not name the order', () => {
    expect(
      recipientsFor({ emails: [], roles: ['requester'], people: undefined, orderId: undefined })
        .problem
    ).toBe('its order names no requester: add them in CertCentral, or give `emails`')
  })

  it.each([
    [
      ['additional-emails', 'requester'],
      'order 8101 names no additional emails or requester: add them in CertCentral, or give `emails`'
    ],
    [
      ['custom-field:Owners'],
      'order 8101 names no custom field "Owners": add them in CertCentral, or give `emails`'
    ]
  ] as [Role[], string][])(
    'fails a certificate whose order names no one for %j, without emails',
    (roles, problem) => {
      expect(recipientsFor({ emails: [], roles, people: people(), orderId: '8101' })).toEqual({
        recipients: [],
        rolesWithout: roles,
        warnings: [],
        problem
      })
      expect(recipientsFor({ emails: [], roles, people: undefined, orderId: '8101' }).problem).toBe(
        problem
      )
    }
  )

  it('sends to emails alone when the order names no one', () => {
    expect(
      recipientsFor({
        emails: ['ops@example.com'],
        roles: ['requester'],
        people: people(),
        orderId: '1'
      })
    ).toEqual({ recipients: ['ops@example.com'], rolesWithout: ['requester'], warnings: [] })
  })

  it('sends to 100 recipients, not to 101', () => {
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.com`)
    const of = (n: number, emails: string[] = [], unread = 0) =>
      recipientsFor({
        emails,
        roles: ['additional-emails', 'requester'],
        people: people({ additionalEmails: addresses(n), unread }),
        orderId: '8101'
      })
    expect(of(100).recipients).toHaveLength(100)
    expect(of(100).problem).toBeUndefined()
    expect(of(99, ['r0@example.com', 'ops@example.com']).recipients).toHaveLength(100)
    expect(of(101)).toEqual({
      recipients: [],
      rolesWithout: ['requester'],
      warnings: [],
      problem:
        'order 8101 names 101 recipients for additional emails and requester: more than the 100 one certificate is sent to; shorten its lists in CertCentral, or narrow recipients-from-order'
    })
    expect(of(1000, ['ops@example.com'], 1000).problem).toBe(
      'order 8101 names 1,001 recipients (and 1,000 entries not read) for additional emails and requester with emails: more than the 100 one certificate is sent to; shorten its lists in CertCentral, or narrow recipients-from-order'
    )
  })
})
