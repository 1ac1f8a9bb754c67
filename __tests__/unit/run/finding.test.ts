// The look-up chain as pure steps: its links (chainLinks), the steps findStep names from them, how
// the answers accumulate (withFindAnswer), and the newest certificate of a common name
// (pickNewest), with exact values.
import { describe, expect, it } from 'vitest'
import type { OrderInfo, OrderSummary } from '../../../src/certcentral/bodies.js'
import { CertCentralError } from '../../../src/certcentral/errors.js'
import {
  NOT_FOUND,
  NO_ANSWERS,
  chainLinks,
  findStep,
  isMiss,
  pickNewest,
  pickOf,
  withFindAnswer,
  type FindAnswers,
  type FindInput,
  type FindStep,
  type Found
} from '../../../src/run/finding.js'
import type { Known } from '../../../src/operations.js'
import { certificate, page } from '../../support/scripted-certcentral.js'

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

  describe("a candidate's name, from the list or its order's Order info (issue 22)", () => {
    const unnamedNewer = certificate('41', {
      serialNumber: '07',
      dateIssued: '2026-05-25T00:00:00Z',
      validTill: '2026-12-01'
    })
    const listed = (...orders: Parameters<typeof page>[0]) => ({
      commonNameList: { orders: ordersOf(page(orders)), complete: true }
    })
    const both = listed(
      { id: '2', certificate: primaryB, hasDuplicates: false },
      { id: '4', certificate: unnamedNewer, hasDuplicates: false }
    )

    it("a primary listed without common_name is named by its order's Order info", () => {
      expect(newest(both)).toEqual({ step: 'lookup', key: '4', as: 'order' })
      expect(
        newest({ ...both, orders: { '4': order({ commonName: 'SHOP.example.com' }) } })
      ).toEqual({
        step: 'found',
        found: {
          certificateId: '41',
          orderId: '4',
          commonName: 'SHOP.example.com',
          serialNumber: '07',
          validTill: '2026-12-01',
          issued: '2026-05-25T00:00:00Z'
        }
      })
    })

    it('another name in its Order info, none there, or a 404: the newer one is not taken', () => {
      for (const info of [
        order({ commonName: 'other.example.com' }),
        order({ commonName: undefined }),
        null
      ])
        expect(newest({ ...both, orders: { '4': info } })).toMatchObject({
          step: 'found',
          found: { certificateId: '21' }
        })
    })

    it('one Order info gives an unnamed, undated primary both its name and its date', () => {
      const bare = certificate('42', { serialNumber: '08', validTill: '2026-12-01' })
      const answers = listed(
        { id: '2', certificate: primaryB, hasDuplicates: false },
        { id: '5', certificate: bare, hasDuplicates: false }
      )
      expect(newest(answers)).toEqual({ step: 'lookup', key: '5', as: 'order' })
      expect(
        newest({ ...answers, orders: { '5': order({ dateIssued: '2026-05-26T00:00:00Z' }) } })
      ).toMatchObject({
        found: {
          certificateId: '42',
          commonName: 'shop.example.com',
          issued: '2026-05-26T00:00:00Z'
        }
      })
    })

    it('a named primary dated by its Order info keeps its listed name', () => {
      const undated = certificate('46', {
        serialNumber: '0C',
        commonName: 'shop.example.com',
        validTill: '2026-12-01'
      })
      const answers = listed({ id: '8', certificate: undated, hasDuplicates: false })
      expect(
        newest({
          ...answers,
          orders: {
            '8': order({ commonName: 'other.example.com', dateIssued: '2026-05-27T00:00:00Z' })
          }
        })
      ).toMatchObject({
        found: {
          certificateId: '46',
          commonName: 'shop.example.com',
          issued: '2026-05-27T00:00:00Z'
        }
      })
    })

    it("a named, dated primary needs no Order info, whatever its order's says", () => {
      expect(
        newest({ ...listed({ id: '2', certificate: primaryB, hasDuplicates: false }) })
      ).toMatchObject({ step: 'found', found: { certificateId: '21' } })
    })

    const unnamedDuplicate = certificate('43', {
      serialNumber: '09',
      status: 'issued',
      dateIssued: '2026-05-28T00:00:00Z',
      validTill: '2026-12-01'
    })

    it("a duplicate without common_name has its order's: the listed primary's", () => {
      expect(
        newest({
          ...listed({ id: '2', certificate: primaryB }),
          duplicates: { '2': [unnamedDuplicate] }
        })
      ).toEqual({
        step: 'found',
        found: {
          certificateId: '43',
          orderId: '2',
          commonName: 'shop.example.com',
          serialNumber: '09',
          validTill: '2026-12-01',
          issued: '2026-05-28T00:00:00Z'
        }
      })
    })

    it("... else its order's Order info (one look-up, after the duplicate list)", () => {
      const answers = {
        ...listed({ id: '2', certificate: primaryB, hasDuplicates: false }, { id: '6' }),
        duplicates: { '6': [unnamedDuplicate] }
      }
      expect(newest({ ...answers, duplicates: {} })).toEqual({ step: 'duplicates', orderId: '6' })
      expect(newest(answers)).toEqual({ step: 'lookup', key: '6', as: 'order' })
      expect(newest({ ...answers, orders: { '6': order() } })).toMatchObject({
        found: { certificateId: '43', orderId: '6', commonName: 'shop.example.com' }
      })
      for (const info of [order({ commonName: 'other.example.com' }), null])
        expect(newest({ ...answers, orders: { '6': info } })).toMatchObject({
          found: { certificateId: '21' }
        })
    })

    it("an unnamed primary's Order info names its duplicates too", () => {
      const answers = {
        ...listed(
          { id: '2', certificate: primaryB, hasDuplicates: false },
          { id: '4', certificate: unnamedNewer }
        ),
        duplicates: { '4': [unnamedDuplicate] }
      }
      expect(newest(answers)).toEqual({ step: 'lookup', key: '4', as: 'order' })
      expect(newest({ ...answers, orders: { '4': order() } })).toMatchObject({
        found: { certificateId: '43', commonName: 'shop.example.com' }
      })
      expect(
        newest({ ...answers, orders: { '4': order({ commonName: 'other.example.com' }) } })
      ).toMatchObject({ found: { certificateId: '21' } })
    })

    it("a duplicate named otherwise is not taken, though its order's name is the one asked", () => {
      const renamed = certificate('44', {
        serialNumber: '0A',
        commonName: 'other.example.com',
        dateIssued: '2026-05-29T00:00:00Z',
        validTill: '2026-12-01'
      })
      expect(
        newest({ ...listed({ id: '2', certificate: primaryB }), duplicates: { '2': [renamed] } })
      ).toMatchObject({ found: { certificateId: '21' } })
    })

    it('an order without a listed primary whose duplicates are all named needs no Order info', () => {
      const named = certificate('45', {
        serialNumber: '0B',
        commonName: 'shop.example.com',
        dateIssued: '2026-05-30T00:00:00Z',
        validTill: '2026-12-01'
      })
      expect(newest({ ...listed({ id: '7' }), duplicates: { '7': [named] } })).toMatchObject({
        step: 'found',
        found: { certificateId: '45' }
      })
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
    const answers = { commonNameList: { orders, complete: true }, duplicates: { '1': [revoked] } }
    expect(newest(answers)).toEqual({
      step: 'list',
      query: { filter: 'common_name', value: 'Shop.example.com', offset: 0, anyStatus: true }
    })
    expect(newest({ ...answers, anyStatusList: [] })).toEqual({
      step: 'not-found',
      error: NOT_FOUND
    })
  })
})

describe('findStep: a common name not issued yet (issue 22)', () => {
  const known: Known = { commonName: 'Shop.example.com' }
  const none = { commonNameList: { orders: [], complete: true } }
  const newest = (answers: Partial<FindAnswers>) => step(known, answers, 'newest')
  const named = (commonName?: string) =>
    certificate('9', commonName === undefined ? {} : { commonName })
  const any = (...orders: Parameters<typeof page>[0]) => ({
    ...none,
    anyStatusList: ordersOf(page(orders))
  })

  it('no issued certificate: one more page, its orders in any status, newest first', () => {
    expect(newest(none)).toEqual({
      step: 'list',
      query: { filter: 'common_name', value: 'Shop.example.com', offset: 0, anyStatus: true }
    })
  })

  it('an order of it still waiting for its certificate: not issued yet, naming the order and its status', () => {
    expect(
      newest(any({ id: '8105', status: 'pending', certificate: named('shop.example.com') }))
    ).toStrictEqual({
      step: 'not-issued',
      orderId: '8105',
      status: 'pending',
      error:
        'common name Shop.example.com is not issued yet: order 8105 is pending; send it again once it is issued'
    })
  })

  it.each<[string, boolean]>([
    ['pending', true],
    ['needs_approval', true],
    ['processing', true],
    ['waiting_pickup', true],
    ['approved', true],
    ['reissue_pending', true],
    ['needs_csr', true],
    ['issued', false],
    ['rejected', false],
    ['canceled', false],
    ['cancelled', false],
    ['revoked', false],
    ['expired', false],
    ['', false]
  ])('an order %j is waiting for its certificate: %s', (status, waiting) => {
    expect(newest(any({ id: '8', status, certificate: named('shop.example.com') }))).toMatchObject(
      waiting
        ? { step: 'not-issued', orderId: '8', status }
        : { step: 'not-found', error: NOT_FOUND }
    )
  })

  it('the first waiting order of the list (the newest), past the ones that ended', () => {
    expect(
      newest(
        any(
          { id: '3', status: 'rejected', certificate: named('shop.example.com') },
          { id: '2', status: 'needs_approval', certificate: named('SHOP.example.COM') },
          { id: '1', status: 'pending', certificate: named('shop.example.com') }
        )
      )
    ).toMatchObject({ step: 'not-issued', orderId: '2', status: 'needs_approval' })
  })

  it('an order named otherwise, or listed without a name, is not this one', () => {
    for (const certificate of [named('other.example.com'), named(), undefined])
      expect(newest(any({ id: '8', status: 'pending', certificate }))).toEqual({
        step: 'not-found',
        error: NOT_FOUND
      })
    expect(
      newest(
        any(
          { id: '8', status: 'pending', certificate: named('*.example.com') },
          { id: '7', status: 'pending', certificate: named('shop.example.com') }
        )
      )
    ).toMatchObject({ step: 'not-issued', orderId: '7' })
  })

  it('an issued certificate found asks nothing more', () => {
    const primary = certificate('11', {
      serialNumber: '01',
      commonName: 'shop.example.com',
      dateIssued: '2026-03-01T00:00:00Z',
      validTill: '2026-12-01'
    })
    expect(
      newest({
        commonNameList: {
          orders: ordersOf(page([{ id: '1', certificate: primary, hasDuplicates: false }])),
          complete: true
        }
      })
    ).toMatchObject({ step: 'found', found: { certificateId: '11' } })
  })

  it("a file's common name is never asked in any status: not found", () => {
    expect(
      step(file, {
        byThumbprint: null,
        bySerial: null,
        serialList: [],
        commonNameList: { orders: [], complete: true }
      })
    ).toEqual({ step: 'not-found', error: NOT_FOUND })
  })
})

describe('pickNewest', () => {
  /** A candidate named `x` unless told otherwise. */
  const found = (certificateId: string, fields: Partial<Found> = {}): Found => ({
    certificateId,
    orderId: '1',
    commonName: 'x',
    ...fields
  })

  it('newest by issue date; unexpired; the common name in any case; one per serial', () => {
    const shop = { commonName: 'shop.example.com' }
    const candidates = [
      found('1', { ...shop, issued: '2026-01-01', serialNumber: '0A' }),
      found('2', {
        ...shop,
        issued: '2026-05-01',
        serialNumber: '0B',
        validTill: '2026-06-01T00:00:00Z'
      }),
      found('3', { issued: '2026-05-02', commonName: 'other.example.com' }),
      found('4', {
        issued: '2026-04-01',
        commonName: 'SHOP.example.com',
        validTill: '2026-06-01T00:00:01Z'
      }),
      found('5', { ...shop, issued: '2026-05-03', serialNumber: '000A' })
    ]
    expect(
      pickNewest({ candidates, commonName: 'shop.example.com', now: NOW })?.certificateId
    ).toBe('4')
  })

  it.each<[string, string | undefined, string, boolean]>([
    ['the same name', 'shop.example.com', 'shop.example.com', true],
    ['ASCII letters in another case', 'SHOP.Example.COM', 'shop.example.com', true],
    ['asked in another case', 'shop.example.com', 'Shop.EXAMPLE.com', true],
    ['no name (the list left it out)', undefined, 'shop.example.com', false],
    ['another name', 'other.example.com', 'shop.example.com', false],
    ['a wildcard over the name', '*.example.com', 'shop.example.com', false],
    ['a wildcard asked for', '*.example.com', '*.example.com', true],
    ['the name with a final dot', 'shop.example.com.', 'shop.example.com', false],
    ['the name with a space', ' shop.example.com', 'shop.example.com', false],
    ['a part of the name', 'example.com', 'shop.example.com', false],
    [
      'the Kelvin sign for K (only ASCII letters fold)',
      '\u212A.example.com',
      'k.example.com',
      false
    ],
    ['a dotted capital I for i', '\u0130.example.com', 'i.example.com', false],
    ['non-ASCII letters, the same', 'bücher.example', 'bücher.example', true],
    ['non-ASCII letters, in another case', 'BÜCHER.example', 'bücher.example', false]
  ])('a candidate with %s (%j, asked %j) is taken: %s', (_, name, asked, taken) => {
    const candidate: Found =
      name === undefined ? { certificateId: '1', orderId: '1' } : found('1', { commonName: name })
    expect(pickNewest({ candidates: [candidate], commonName: asked, now: NOW })).toBe(
      taken ? candidate : undefined
    )
  })

  it('a candidate not taken for its name leaves its serial to a later one that is', () => {
    const unnamed: Found = {
      certificateId: '1',
      orderId: '1',
      issued: '2026-01-01',
      serialNumber: '0A'
    }
    const other = found('2', { issued: '2026-01-02', serialNumber: '0B', commonName: 'x.example' })
    const named = found('3', {
      issued: '2025-01-01',
      serialNumber: 'A',
      commonName: 'shop.example'
    })
    const again = found('4', {
      issued: '2025-02-01',
      serialNumber: '0B',
      commonName: 'shop.example'
    })
    expect(
      pickNewest({
        candidates: [unnamed, other, named, again],
        commonName: 'shop.example',
        now: NOW
      })
    ).toBe(again)
    expect(pickNewest({ candidates: [unnamed, named], commonName: 'shop.example', now: NOW })).toBe(
      named
    )
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

describe('isMiss: which answer is "not this step" (issue 22)', () => {
  const answered = (status: number | null, codes: string[] = []) =>
    new CertCentralError({ message: 'x', kind: 'http', status, codes })

  it.each<[string, boolean, CertCentralError]>([
    ['404 not_found', true, answered(404, ['not_found'])],
    ['404 not_found|order', true, answered(404, ['not_found|order'])],
    ['404 not_found|certificate', true, answered(404, ['not_found|certificate'])],
    ['404 not_found with another code', true, answered(404, ['bad_request_format', 'not_found'])],
    ['404 not_found|route (the URL is wrong)', false, answered(404, ['not_found|route'])],
    ['404 not_found and not_found|route', false, answered(404, ['not_found', 'not_found|route'])],
    ["404 without DigiCert's errors (empty, HTML, text)", false, answered(404)],
    ['404 with an entry without a code', false, answered(404, ['(no code)'])],
    ['404 with another code', false, answered(404, ['bad_request_format'])],
    ['404 with a code that only starts like one', false, answered(404, ['not_foundx'])],
    ['404 NOT_FOUND in capitals', false, answered(404, ['NOT_FOUND'])],
    ['400 not_found', false, answered(400, ['not_found'])],
    ['410 not_found', false, answered(410, ['not_found'])],
    ['no status', false, answered(null, ['not_found'])]
  ])('%s is a miss: %s', (_, miss, failure) => {
    expect(isMiss({ failure })).toBe(miss)
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

  it("a common name's orders in any status: the first page's orders ([] for a 404)", () => {
    const any = {
      step: 'list' as const,
      query: { filter: 'common_name' as const, value: 'a', offset: 0, anyStatus: true as const }
    }
    const list = page([{ id: '1', status: 'pending' }], { total: 7 })
    const first = withFindAnswer({ answers: NO_ANSWERS, step: any, answer: { list } })
    expect(first).toEqual({ ...NO_ANSWERS, anyStatusList: list.orders })
    expect(withFindAnswer({ answers: NO_ANSWERS, step: any, answer: null })).toEqual({
      ...NO_ANSWERS,
      anyStatusList: []
    })
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

describe('chainLinks: the one definition of the chain', () => {
  const bySerial = { filter: 'serial_number', value: SERIAL, offset: 0 } as const
  const byName = (value: string) => ({ filter: 'common_name', value, offset: 0 }) as const

  it('to match: Order info by thumbprint, then by serial, the list by serial, the issued orders by name', () => {
    expect(chainLinks({ known: file, pick: 'match' })).toEqual([
      { link: 'order-info', as: 'thumbprint', key: THUMB },
      { link: 'order-info', as: 'serial', key: SERIAL },
      { link: 'orders', query: bySerial },
      { link: 'orders', query: byName('shop.example.com') }
    ])
    expect(chainLinks({ known: { thumbprint: THUMB }, pick: 'match' })).toEqual([
      { link: 'order-info', as: 'thumbprint', key: THUMB }
    ])
    expect(chainLinks({ known: { serialNumber: SERIAL }, pick: 'match' })).toEqual([
      { link: 'order-info', as: 'serial', key: SERIAL },
      { link: 'orders', query: bySerial }
    ])
    expect(chainLinks({ known: { commonName: 'a.example' }, pick: 'match' })).toEqual([
      { link: 'orders', query: byName('a.example') }
    ])
    expect(chainLinks({ known: {}, pick: 'match' })).toEqual([])
  })

  it('the newest of a common name: its issued orders, then its orders in any status', () => {
    const links = [
      { link: 'orders', query: byName('Shop.example.com') },
      { link: 'any-status', query: { ...byName('Shop.example.com'), anyStatus: true } }
    ]
    expect(chainLinks({ known: { commonName: 'Shop.example.com' }, pick: 'newest' })).toEqual(links)
    const all = { thumbprint: THUMB, serialNumber: SERIAL, commonName: 'Shop.example.com' }
    expect(chainLinks({ known: all, pick: 'newest' })).toEqual(links)
    expect(chainLinks({ known: {}, pick: 'newest' })).toEqual([])
  })

  it('findStep asks the links in their order, each until it is answered', () => {
    const cases: [Known, FindInput['pick']][] = [
      [file, 'match'],
      [{ thumbprint: THUMB }, 'match'],
      [{ serialNumber: SERIAL, commonName: 'a.example' }, 'match'],
      [{ commonName: 'a.example' }, 'newest']
    ]
    for (const [known, pick] of cases) {
      const asked: FindStep[] = []
      let answers = NO_ANSWERS
      for (;;) {
        const next = findStep({ known, pick, answers, now: NOW })
        if (next.step !== 'lookup' && next.step !== 'list') break
        asked.push(next)
        answers = withFindAnswer({ answers, step: next, answer: null })
      }
      expect(asked).toEqual(
        chainLinks({ known, pick }).map(link =>
          link.link === 'order-info'
            ? { step: 'lookup', key: link.key, as: link.as }
            : { step: 'list', query: link.query }
        )
      )
    }
  })
})

describe('pickOf', () => {
  it('the newest for a common name, the match for any other input', () => {
    expect(pickOf({ idInput: 'common-name' })).toBe('newest')
    for (const idInput of ['certificate-file', 'serial-number', 'thumbprint'] as const)
      expect(pickOf({ idInput }), idInput).toBe('match')
  })
})
