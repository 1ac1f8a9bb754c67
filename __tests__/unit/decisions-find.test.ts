// The look-up chain as pure steps (findStep), how its answers accumulate (withFindAnswer), the
// newest certificate of a common name (pickNewest), and issued-within (skipFor), with exact values.
import { describe, expect, it } from 'vitest'
import type { OrderInfo, OrderSummary } from '../../src/api.js'
import {
  NOT_FOUND,
  NO_ANSWERS,
  findStep,
  pickNewest,
  skipFor,
  withFindAnswer,
  type FindAnswers,
  type FindInput,
  type Found
} from '../../src/decisions.js'
import type { Known } from '../../src/operations.js'
import { certificate, page } from '../support/scripted-certcentral.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const THUMB = 'AB'.repeat(20)
const SERIAL = '0A1B'

const step = (
  known: Known,
  answers: Partial<FindAnswers> = {},
  pick: FindInput['pick'] = 'match'
) => findStep({ known, pick, answers: { ...NO_ANSWERS, ...answers }, now: NOW })

const order = (fields: Partial<OrderInfo> = {}): OrderInfo => ({
  status: 'issued',
  certificateId: '501',
  commonName: 'shop.example.com',
  validTill: '2026-09-01',
  orderId: '8001',
  serialNumber: SERIAL,
  thumbprint: THUMB,
  dateIssued: '2026-05-01T00:00:00Z',
  ...fields
})

const FOUND_PRIMARY: Found = {
  certificateId: '501',
  orderId: '8001',
  commonName: 'shop.example.com',
  serialNumber: SERIAL,
  thumbprint: THUMB,
  validTill: '2026-09-01',
  issued: '2026-05-01T00:00:00Z'
}

const file: Known = { thumbprint: THUMB, serialNumber: SERIAL, commonName: 'shop.example.com' }
const ordersOf = (list: ReturnType<typeof page>): OrderSummary[] => list.orders

describe('findStep: a serial or thumbprint (match)', () => {
  it('Order info by thumbprint first, then by serial, then the list by serial', () => {
    expect(step(file)).toEqual({ step: 'lookup', key: THUMB, as: 'thumbprint' })
    expect(step(file, { byThumbprint: null })).toEqual({
      step: 'lookup',
      key: SERIAL,
      as: 'serial'
    })
    expect(step(file, { byThumbprint: null, bySerial: null })).toEqual({
      step: 'list',
      query: { filter: 'serial_number', value: SERIAL, offset: 0 }
    })
    expect(step({ serialNumber: SERIAL })).toEqual({ step: 'lookup', key: SERIAL, as: 'serial' })
  })

  it("Order info's primary is found, with its order; without dates from valid_from", () => {
    expect(step(file, { byThumbprint: order() })).toEqual({ step: 'found', found: FOUND_PRIMARY })
    expect(
      step(
        { serialNumber: SERIAL },
        { bySerial: order({ dateIssued: undefined, validFrom: '2026-04-30' }) }
      )
    ).toEqual({ step: 'found', found: { ...FOUND_PRIMARY, issued: '2026-04-30' } })
    const bare: OrderInfo = {
      status: 'issued',
      certificateId: '7',
      commonName: undefined,
      validTill: undefined
    }
    expect(step({ thumbprint: THUMB }, { byThumbprint: bare })).toEqual({
      step: 'found',
      found: { certificateId: '7' }
    })
  })

  it('Order info whose primary is another certificate (a reissue since?) is no match: the chain goes on', () => {
    const other = order({ serialNumber: '0FF', thumbprint: 'A'.repeat(40) })
    expect(step(file, { byThumbprint: other })).toEqual({
      step: 'lookup',
      key: SERIAL,
      as: 'serial'
    })
    expect(step(file, { byThumbprint: null, bySerial: other })).toEqual({
      step: 'list',
      query: { filter: 'serial_number', value: SERIAL, offset: 0 }
    })
    // Either one agreeing is enough; naming neither is taken on CertCentral's word.
    expect(step(file, { byThumbprint: order({ serialNumber: '0FF' }) })).toMatchObject({
      step: 'found'
    })
    expect(step(file, { byThumbprint: order({ thumbprint: 'A'.repeat(40) }) })).toMatchObject({
      step: 'found'
    })
    expect(
      step(file, { byThumbprint: order({ serialNumber: undefined, thumbprint: undefined }) })
    ).toMatchObject({ step: 'found' })
  })

  it('Order info naming only a serial, or only a thumbprint, that is not ours is no match either', () => {
    const next = { step: 'lookup', key: SERIAL, as: 'serial' }
    expect(
      step(file, { byThumbprint: order({ serialNumber: '0FF', thumbprint: undefined }) })
    ).toEqual(next)
    expect(
      step(file, { byThumbprint: order({ serialNumber: undefined, thumbprint: 'A'.repeat(40) }) })
    ).toEqual(next)
  })

  it('Order info naming no certificate goes on to the next step', () => {
    expect(step(file, { byThumbprint: order({ certificateId: undefined }) })).toEqual({
      step: 'lookup',
      key: SERIAL,
      as: 'serial'
    })
  })

  it('a thumbprint alone: not found after its one look-up', () => {
    expect(step({ thumbprint: THUMB }, { byThumbprint: null })).toEqual({
      step: 'not-found',
      error: NOT_FOUND
    })
    expect(NOT_FOUND).toBe('not found in this CertCentral account (check `region`)')
  })

  it('the list by serial: a matching primary, else the duplicates of each order listed', () => {
    const misses = { byThumbprint: null, bySerial: null }
    const primary = certificate('601', { serialNumber: '000A1B' })
    expect(
      step(
        { serialNumber: SERIAL },
        { ...misses, serialList: ordersOf(page([{ id: '8001', certificate: primary }])) }
      )
    ).toEqual({
      step: 'found',
      found: { certificateId: '601', orderId: '8001', serialNumber: '000A1B' }
    })
    const other = certificate('602', { serialNumber: 'FF' })
    const listed = ordersOf(
      page([
        { id: '8001', certificate: other },
        { id: '8002', hasDuplicates: false },
        { id: '8003' }
      ])
    )
    expect(step({ serialNumber: SERIAL }, { ...misses, serialList: listed })).toEqual({
      step: 'duplicates',
      orderId: '8001'
    })
    expect(
      step(
        { serialNumber: SERIAL },
        { ...misses, serialList: listed, duplicates: { '8001': [other] } }
      )
    ).toEqual({ step: 'duplicates', orderId: '8003' })
    const duplicate = certificate('777', { serialNumber: '0a:1b', validTill: '2026-09-01' })
    expect(
      step(
        { serialNumber: SERIAL },
        { ...misses, serialList: listed, duplicates: { '8001': [other], '8003': [duplicate] } }
      )
    ).toEqual({
      step: 'found',
      found: {
        certificateId: '777',
        orderId: '8003',
        serialNumber: '0a:1b',
        validTill: '2026-09-01'
      }
    })
    expect(
      step(
        { serialNumber: SERIAL },
        { ...misses, serialList: listed, duplicates: { '8001': [], '8003': [] } }
      )
    ).toEqual({ step: 'not-found', error: NOT_FOUND })
    expect(step({ serialNumber: SERIAL }, { ...misses, serialList: [] })).toEqual({
      step: 'not-found',
      error: NOT_FOUND
    })
  })

  it('a duplicate matches by thumbprint too', () => {
    const duplicate = certificate('778', { thumbprint: THUMB.toLowerCase() })
    expect(
      step(file, {
        byThumbprint: null,
        bySerial: null,
        serialList: [],
        commonNameList: { orders: ordersOf(page([{ id: '9' }])), complete: true },
        duplicates: { '9': [duplicate] }
      })
    ).toEqual({
      step: 'found',
      found: { certificateId: '778', orderId: '9', thumbprint: THUMB.toLowerCase() }
    })
  })

  it("a file's common name: the issued orders with it, page by page, then their duplicates", () => {
    const misses = { byThumbprint: null, bySerial: null, serialList: [] }
    expect(step(file, misses)).toEqual({
      step: 'list',
      query: { filter: 'common_name', value: 'shop.example.com', offset: 0 }
    })
    const first = ordersOf(page([{ id: '1' }, { id: '2' }], { total: 3 }))
    expect(step(file, { ...misses, commonNameList: { orders: first, complete: false } })).toEqual({
      step: 'list',
      query: { filter: 'common_name', value: 'shop.example.com', offset: 2 }
    })
    expect(step(file, { ...misses, commonNameList: { orders: first, complete: true } })).toEqual({
      step: 'duplicates',
      orderId: '1'
    })
    expect(
      step(file, {
        ...misses,
        commonNameList: { orders: first, complete: true },
        duplicates: { '1': [], '2': [] }
      })
    ).toEqual({ step: 'not-found', error: NOT_FOUND })
  })
})

describe('findStep: a common name (newest)', () => {
  const known: Known = { commonName: 'Shop.example.com' }
  const newest = (answers: Partial<FindAnswers>) => step(known, answers, 'newest')
  const primaryA = certificate('11', {
    serialNumber: '01',
    commonName: 'shop.example.com',
    dateIssued: '2026-03-01T00:00:00Z',
    validTill: '2026-12-01'
  })
  const primaryB = certificate('21', {
    serialNumber: '02',
    commonName: 'shop.example.com',
    dateIssued: '2026-05-01T00:00:00Z',
    validTill: '2026-12-01'
  })

  it('pages the list first', () => {
    expect(newest({})).toEqual({
      step: 'list',
      query: { filter: 'common_name', value: 'Shop.example.com', offset: 0 }
    })
  })

  it('the newest by date_issued across primaries and duplicates, not list order', () => {
    const orders = ordersOf(
      page([
        { id: '1', certificate: primaryA },
        { id: '2', certificate: primaryB }
      ])
    )
    expect(newest({ commonNameList: { orders, complete: true } })).toEqual({
      step: 'duplicates',
      orderId: '1'
    })
    const duplicate = certificate('12', {
      serialNumber: '03',
      commonName: 'shop.example.com',
      status: 'issued',
      dateIssued: '2026-05-20T00:00:00Z',
      validTill: '2026-12-01'
    })
    expect(
      newest({
        commonNameList: { orders, complete: true },
        duplicates: { '1': [primaryA, duplicate], '2': [] }
      })
    ).toEqual({
      step: 'found',
      found: {
        certificateId: '12',
        orderId: '1',
        commonName: 'shop.example.com',
        serialNumber: '03',
        validTill: '2026-12-01',
        issued: '2026-05-20T00:00:00Z'
      }
    })
    expect(
      newest({ commonNameList: { orders, complete: true }, duplicates: { '1': [], '2': [] } })
    ).toMatchObject({
      found: { certificateId: '21' }
    })
  })

  it("a primary without date_issued or valid_from is dated by its order's Order info", () => {
    const undated = certificate('31', { serialNumber: '04', commonName: 'shop.example.com' })
    const orders = ordersOf(
      page([
        { id: '3', certificate: undated, hasDuplicates: false },
        { id: '2', certificate: primaryB, hasDuplicates: false }
      ])
    )
    expect(newest({ commonNameList: { orders, complete: true } })).toEqual({
      step: 'lookup',
      key: '3',
      as: 'order'
    })
    expect(
      newest({
        commonNameList: { orders, complete: true },
        orders: { '3': order({ dateIssued: '2026-05-30T00:00:00Z' }) }
      })
    ).toMatchObject({ found: { certificateId: '31', issued: '2026-05-30T00:00:00Z' } })
    expect(
      newest({
        commonNameList: { orders, complete: true },
        orders: { '3': order({ dateIssued: undefined, validFrom: '2026-05-31' }) }
      })
    ).toMatchObject({ found: { certificateId: '31', issued: '2026-05-31' } })
    // Order info without a date, or a 404: the undated one loses to any dated one.
    expect(
      newest({ commonNameList: { orders, complete: true }, orders: { '3': null } })
    ).toMatchObject({
      found: { certificateId: '21' }
    })
  })

  it('a primary its Order info dates neither is found undated, with no issued field', () => {
    const undated = certificate('31', { serialNumber: '04', commonName: 'shop.example.com' })
    const orders = ordersOf(page([{ id: '3', certificate: undated, hasDuplicates: false }]))
    expect(
      newest({
        commonNameList: { orders, complete: true },
        orders: { '3': order({ dateIssued: undefined, validFrom: undefined }) }
      })
    ).toStrictEqual({
      step: 'found',
      found: {
        certificateId: '31',
        orderId: '3',
        commonName: 'shop.example.com',
        serialNumber: '04'
      }
    })
  })

  it('a duplicate listed without a status is a candidate (the list may leave it out)', () => {
    const unstated = certificate('14', {
      serialNumber: '06',
      commonName: 'shop.example.com',
      dateIssued: '2026-06-01T00:00:00Z',
      validTill: '2026-12-01'
    })
    const orders = ordersOf(page([{ id: '1', certificate: primaryA }]))
    expect(
      newest({ commonNameList: { orders, complete: true }, duplicates: { '1': [unstated] } })
    ).toMatchObject({ step: 'found', found: { certificateId: '14' } })
  })

  it('a duplicate not issued is no candidate; nothing left is not found', () => {
    const revoked = certificate('13', {
      serialNumber: '05',
      status: 'revoked',
      dateIssued: '2026-05-30T00:00:00Z'
    })
    const orders = ordersOf(page([{ id: '1' }]))
    expect(
      newest({ commonNameList: { orders, complete: true }, duplicates: { '1': [revoked] } })
    ).toEqual({
      step: 'not-found',
      error: NOT_FOUND
    })
  })
})

describe('pickNewest', () => {
  const found = (certificateId: string, fields: Partial<Found> = {}): Found => ({
    certificateId,
    orderId: '1',
    ...fields
  })

  it('newest by issue date; unexpired; the common name in any case; one per serial', () => {
    const candidates = [
      found('1', { issued: '2026-01-01', serialNumber: '0A' }),
      found('2', { issued: '2026-05-01', serialNumber: '0B', validTill: '2026-06-01T00:00:00Z' }),
      found('3', { issued: '2026-05-02', commonName: 'other.example.com' }),
      found('4', {
        issued: '2026-04-01',
        commonName: 'SHOP.example.com',
        validTill: '2026-06-01T00:00:01Z'
      }),
      found('5', { issued: '2026-05-03', serialNumber: '000A' })
    ]
    expect(
      pickNewest({ candidates, commonName: 'shop.example.com', now: NOW })?.certificateId
    ).toBe('4')
  })

  it('an undated or unreadable date loses to a dated one, the first of equals wins', () => {
    expect(
      pickNewest({
        candidates: [
          found('1'),
          found('2', { issued: 'soon' }),
          found('3', { issued: '2020-01-01' })
        ],
        commonName: 'x',
        now: NOW
      })?.certificateId
    ).toBe('3')
    expect(
      pickNewest({
        candidates: [found('1'), found('2', { issued: 'soon' })],
        commonName: 'x',
        now: NOW
      })?.certificateId
    ).toBe('1')
    expect(pickNewest({ candidates: [], commonName: 'x', now: NOW })).toBeUndefined()
  })

  it('an unreadable date first still loses to a dated one; of two equal dates the first wins', () => {
    expect(
      pickNewest({
        candidates: [found('1', { issued: 'soon' }), found('2', { issued: '2020-01-01' })],
        commonName: 'x',
        now: NOW
      })?.certificateId
    ).toBe('2')
    expect(
      pickNewest({
        candidates: [found('1', { issued: '2026-01-01' }), found('2', { issued: '2026-01-01' })],
        commonName: 'x',
        now: NOW
      })?.certificateId
    ).toBe('1')
  })

  it('one per serial: only leading zeros are dropped before comparing serials', () => {
    // 0A and A are one serial: the second (newer) is the same certificate again, skipped.
    expect(
      pickNewest({
        candidates: [
          found('1', { issued: '2026-01-01', serialNumber: '0A' }),
          found('2', { issued: '2026-02-01', serialNumber: 'A' })
        ],
        commonName: 'x',
        now: NOW
      })?.certificateId
    ).toBe('1')
    // A0B and AB are two serials: a zero inside one counts.
    expect(
      pickNewest({
        candidates: [
          found('1', { issued: '2026-01-01', serialNumber: 'A0B' }),
          found('2', { issued: '2026-02-01', serialNumber: 'AB' })
        ],
        commonName: 'x',
        now: NOW
      })?.certificateId
    ).toBe('2')
  })
})

describe('withFindAnswer', () => {
  const info = order()

  it('keeps Order info by thumbprint, serial or order ID; null for a 404', () => {
    expect(
      withFindAnswer({
        answers: NO_ANSWERS,
        step: { step: 'lookup', key: THUMB, as: 'thumbprint' },
        answer: { order: info }
      })
    ).toEqual({
      ...NO_ANSWERS,
      byThumbprint: info
    })
    expect(
      withFindAnswer({
        answers: NO_ANSWERS,
        step: { step: 'lookup', key: SERIAL, as: 'serial' },
        answer: null
      })
    ).toEqual({
      ...NO_ANSWERS,
      bySerial: null
    })
    expect(
      withFindAnswer({
        answers: NO_ANSWERS,
        step: { step: 'lookup', key: '5', as: 'order' },
        answer: { order: info }
      })
    ).toEqual({
      ...NO_ANSWERS,
      orders: { '5': info }
    })
  })

  it('keeps a duplicate list ([] for a 404)', () => {
    const list = [certificate('9')]
    const once = withFindAnswer({
      answers: NO_ANSWERS,
      step: { step: 'duplicates', orderId: '1' },
      answer: { certificates: list }
    })
    expect(once.duplicates).toEqual({ '1': list })
    expect(
      withFindAnswer({ answers: once, step: { step: 'duplicates', orderId: '2' }, answer: null })
        .duplicates
    ).toEqual({
      '1': list,
      '2': []
    })
  })

  it('the list by serial: its orders', () => {
    const list = page([{ id: '1' }])
    expect(
      withFindAnswer({
        answers: NO_ANSWERS,
        step: { step: 'list', query: { filter: 'serial_number', value: SERIAL, offset: 0 } },
        answer: { list }
      }).serialList
    ).toEqual(list.orders)
  })

  it('the list by common name: pages add up until the total, an empty page, or the bound', () => {
    const query = (offset: number) => ({
      step: 'list' as const,
      query: { filter: 'common_name' as const, value: 'a', offset }
    })
    const first = withFindAnswer({
      answers: NO_ANSWERS,
      step: query(0),
      answer: { list: page([{ id: '1' }, { id: '2' }], { total: 3 }) }
    })
    expect(first.commonNameList).toEqual({
      orders: page([{ id: '1' }, { id: '2' }]).orders,
      complete: false
    })
    const second = withFindAnswer({
      answers: first,
      step: query(2),
      answer: { list: page([{ id: '3' }], { total: 3, offset: 2 }) }
    })
    expect(second.commonNameList?.complete).toBe(true)
    expect(second.commonNameList?.orders.map(o => o.id)).toEqual(['1', '2', '3'])
    const empty = withFindAnswer({
      answers: first,
      step: query(2),
      answer: { list: page([], { total: 9, offset: 2 }) }
    })
    expect(empty.commonNameList).toEqual({ orders: first.commonNameList?.orders, complete: true })
    const missing = withFindAnswer({ answers: NO_ANSWERS, step: query(0), answer: null })
    expect(missing.commonNameList).toEqual({ orders: [], complete: true })
    const many = page(
      Array.from({ length: 1000 }, (_, i) => ({ id: String(i + 1) })),
      { total: 5000 }
    )
    expect(
      withFindAnswer({ answers: NO_ANSWERS, step: query(0), answer: { list: many } }).commonNameList
        ?.complete
    ).toBe(true)
    const almost = page(
      Array.from({ length: 999 }, (_, i) => ({ id: String(i + 1) })),
      { total: 5000 }
    )
    expect(
      withFindAnswer({ answers: NO_ANSWERS, step: query(0), answer: { list: almost } })
        .commonNameList?.complete
    ).toBe(false)
  })
})

describe('skipFor', () => {
  it('skips a certificate issued longer ago than issued-within, saying when', () => {
    expect(skipFor({ issued: '2026-05-30T23:59:59Z', seconds: 86_400, now: NOW })).toBe(
      'issued on 2026-05-30, longer ago than issued-within (1 d): skipped, not sent'
    )
  })

  it('not one issued within it (the bound included), nor without a limit or a usable date', () => {
    expect(skipFor({ issued: '2026-05-31T00:00:00Z', seconds: 86_400, now: NOW })).toBeUndefined()
    expect(skipFor({ issued: '2026-01-01', seconds: undefined, now: NOW })).toBeUndefined()
    expect(skipFor({ issued: undefined, seconds: 60, now: NOW })).toBeUndefined()
    expect(skipFor({ issued: 'yesterday', seconds: 60, now: NOW })).toBeUndefined()
  })
})
