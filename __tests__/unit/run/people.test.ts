// Reading a certificate's order for recipients-from-order (src/run/people.ts): peopleLinks (which
// look-ups, per ID input), peopleStep (the next of them from the answers so far), listedOrder (the
// order the list names for a certificate ID) and chainOrderInfo (the Order info the chain read),
// each on a table of cases with the exact answer.
import { describe, expect, it } from 'vitest'
import type { OrderInfo, OrderSummary } from '../../../src/certcentral/bodies.js'
import type { OrderPeople } from '../../../src/certcentral/people.js'
import type { Role } from '../../../src/input/roles.js'
import { ID_INPUTS, type IdInput } from '../../../src/operations.js'
import { NO_ANSWERS, type Found } from '../../../src/run/finding.js'
import {
  chainOrderInfo,
  listedOrder,
  peopleLinks,
  peopleStep,
  type PeopleLink
} from '../../../src/run/people.js'

const people: OrderPeople = {
  additionalEmails: ['a@example.com'],
  assignedUsers: [],
  customFields: [],
  unread: 0
}
const info = (over: Partial<OrderInfo> = {}): OrderInfo => ({
  status: 'issued',
  certificateId: '500',
  commonName: 'a.example.com',
  validTill: '2027-01-01',
  orderId: '8101',
  people,
  ...over
})
const listed = (id: string, certificateId?: string): OrderSummary => ({
  id,
  status: 'issued',
  certificate:
    certificateId === undefined
      ? undefined
      : {
          id: certificateId,
          serialNumber: undefined,
          thumbprint: undefined,
          commonName: undefined,
          status: undefined,
          dateIssued: undefined,
          validFrom: undefined,
          validTill: undefined
        },
  hasDuplicates: undefined
})
const LIST: PeopleLink = {
  link: 'certificate-orders',
  query: { filter: 'certificate_id', value: '500', offset: 0 }
}
const INFO: PeopleLink = { link: 'order-info' }

describe('peopleLinks', () => {
  it.each(ID_INPUTS)('makes none for %s without roles', idInput => {
    expect(peopleLinks({ idInput, id: '500', roles: [] })).toEqual([])
  })

  it.each([
    ['certificate-id', [LIST, INFO]],
    ['order-id', []],
    ['certificate-file', [INFO]],
    ['serial-number', [INFO]],
    ['thumbprint', [INFO]],
    ['common-name', [INFO]]
  ] as [IdInput, PeopleLink[]][])('makes these for %s with roles', (idInput, links) => {
    expect(peopleLinks({ idInput, id: '500', roles: ['requester'] as Role[] })).toEqual(links)
  })
})

describe('peopleLinks with deliver-once', () => {
  it.each([
    // without roles, only a certificate ID's order is read (its order and serial, for the note)
    ['certificate-id', [], [LIST, INFO]],
    ['order-id', [], []],
    ['certificate-file', [], []],
    ['serial-number', [], []],
    ['thumbprint', [], []],
    ['common-name', [], []],
    ['certificate-id', ['requester'], [LIST, INFO]],
    ['common-name', ['requester'], [INFO]]
  ] as [IdInput, Role[], PeopleLink[]][])(
    'makes these for %s, roles %j',
    (idInput, roles, links) => {
      expect(peopleLinks({ idInput, id: '500', roles, deliverOnce: true })).toEqual(links)
    }
  )

  it('makes none for a certificate ID with deliver-once off', () => {
    expect(
      peopleLinks({ idInput: 'certificate-id', id: '500', roles: [], deliverOnce: false })
    ).toEqual([])
  })
})

describe('peopleStep', () => {
  const step = (links: PeopleLink[], answers: Parameters<typeof peopleStep>[0]['answers']) =>
    peopleStep({ links, id: '500', answers })

  it('reads an Order info already read, with no look-up', () => {
    for (const links of [[], [INFO], [LIST, INFO]])
      expect(step(links, { order: info() })).toEqual({ step: 'read', orderId: '8101', people })
  })

  it('takes the order ID known when the Order info names none', () => {
    expect(step([], { orderId: '77', order: info({ orderId: undefined }) })).toEqual({
      step: 'read',
      orderId: '77',
      people
    })
  })

  it('reads no one when there is nothing to look up and no Order info (an order ID without one)', () => {
    expect(step([], { orderId: '77' })).toEqual({
      step: 'read',
      orderId: '77',
      people: undefined
    })
    expect(step([], {})).toEqual({ step: 'read', orderId: undefined, people: undefined })
  })

  it('reads the order found by the chain', () => {
    expect(step([INFO], { orderId: '8101' })).toEqual({ step: 'lookup', orderId: '8101' })
  })

  it('fails a found certificate whose order CertCentral did not name', () => {
    expect(step([INFO], {})).toEqual({
      step: 'no-order',
      error:
        'certificate 500 was found, but CertCentral did not name its order, whose people recipients-from-order reads; give its order-id instead'
    })
  })

  it('lists the orders of a certificate ID first, then reads the order listed', () => {
    expect(step([LIST, INFO], {})).toEqual({ step: 'list', query: LIST.query })
    expect(step([LIST, INFO], { listed: [listed('8101', '500')] })).toEqual({
      step: 'lookup',
      orderId: '8101'
    })
    expect(
      step([LIST, INFO], { listed: [listed('8101', '500')], order: info({ orderId: '8101' }) })
    ).toEqual({ step: 'read', orderId: '8101', people })
  })

  it('skips the list when the order is known', () => {
    expect(step([LIST, INFO], { orderId: '9' })).toEqual({ step: 'lookup', orderId: '9' })
  })

  it('fails a certificate ID on no order', () => {
    expect(step([LIST, INFO], { listed: [] })).toEqual({
      step: 'no-order',
      error:
        "certificate 500 is on no order this key can see, so no one to send it to could be read from its order (check `region`, and the key's division)"
    })
  })
})

describe('listedOrder', () => {
  it.each([
    [[listed('1', '500')], { orderId: '1' }],
    [[listed('1', '499')], { orderId: '1' }],
    [[listed('1')], { orderId: '1' }],
    [[listed('1', '499'), listed('2', '500')], { orderId: '2' }],
    [[listed('2', '500'), listed('1', '500')], { orderId: '2' }],
    [
      [listed('1', '499'), listed('2')],
      {
        error:
          'the order list filtered by certificate 500 names 2 orders, none with it as its certificate: cannot tell whose people to send it to; give its order-id instead'
      }
    ]
  ] as [OrderSummary[], object][])('names the order of %j', (orders, expected) => {
    expect(listedOrder({ id: '500', orders })).toEqual(expected)
  })
})

describe('chainOrderInfo', () => {
  const found: Found = { certificateId: '500', orderId: '8101' }
  it.each([
    ['by thumbprint', { byThumbprint: info() }, info()],
    ['by serial', { byThumbprint: null, bySerial: info() }, info()],
    [
      'of a listed order',
      { orders: { '8101': info({ certificateId: '1' }) } },
      info({ certificateId: '1' })
    ],
    ['of another order', { byThumbprint: info({ orderId: '9' }) }, undefined],
    ['of a listed order that answered 404', { orders: { '8101': null } }, undefined],
    [
      'without an order ID, by its certificate',
      { bySerial: info({ orderId: undefined }) },
      info({ orderId: undefined })
    ],
    [
      'without an order ID, of another certificate',
      { bySerial: info({ orderId: undefined, certificateId: '7' }) },
      undefined
    ],
    ['none', {}, undefined]
  ] as [string, object, OrderInfo | undefined][])(
    'finds the Order info read %s',
    (_, answers, expected) => {
      expect(chainOrderInfo({ answers: { ...NO_ANSWERS, ...answers }, found })).toEqual(expected)
    }
  )

  it('looks at no listed order when the found certificate names none', () => {
    expect(
      chainOrderInfo({
        answers: { ...NO_ANSWERS, orders: { undefined: info() } as never },
        found: { certificateId: '500', orderId: undefined }
      })
    ).toBeUndefined()
  })
})
