// What CertCentral's order list and duplicate lists are, read (src/certcentral/bodies.ts): the
// pages (the empty one without `orders`), the certificates in them, bounded sizes, and serials
// compared. The paths asked are in api.test.ts.
import { describe, expect, it } from 'vitest'
import {
  MAX_LIST_ENTRIES,
  parseCertificateList,
  parseCertificateSummary,
  parseOrderInfo,
  parseOrderList,
  sameHex
} from '../../../src/certcentral/bodies.js'

describe('parseOrderInfo: what the look-up chain reads', () => {
  it('the order ID, serial, thumbprint and dates, normalized', () => {
    expect(
      parseOrderInfo(
        JSON.stringify({
          id: '8001',
          status: 'issued',
          certificate: {
            id: 5,
            serial_number: '0a:1b',
            thumbprint: 'ab cd',
            date_issued: '2026-05-01T10:00:00+00:00',
            valid_from: '2026-05-01'
          }
        })
      )
    ).toEqual({
      status: 'issued',
      certificateId: '5',
      commonName: undefined,
      validTill: undefined,
      orderId: '8001',
      serialNumber: '0A1B',
      thumbprint: 'ABCD',
      dateIssued: '2026-05-01T10:00:00+00:00',
      validFrom: '2026-05-01'
    })
  })

  it('leaves out what is missing or not hex', () => {
    expect(
      parseOrderInfo('{"status":"issued","certificate":{"serial_number":"xyz","thumbprint":5}}')
    ).toEqual({
      status: 'issued',
      certificateId: undefined,
      commonName: undefined,
      validTill: undefined
    })
  })
})

const certificateJson = {
  id: 11,
  serial_number: '0a1b',
  thumbprint: 'AB'.repeat(20),
  common_name: 'shop.example.com',
  status: 'Issued',
  date_issued: '2026-05-01T00:00:00Z',
  valid_from: '2026-05-01',
  valid_till: '2026-08-01'
}
const certificateRead = {
  id: '11',
  serialNumber: '0A1B',
  thumbprint: 'AB'.repeat(20),
  commonName: 'shop.example.com',
  status: 'issued',
  dateIssued: '2026-05-01T00:00:00Z',
  validFrom: '2026-05-01',
  validTill: '2026-08-01'
}

describe('parseOrderList', () => {
  it('reads orders, their primary and has_duplicates, and the page', () => {
    const body = JSON.stringify({
      orders: [
        { id: 8001, status: 'Issued', certificate: certificateJson, has_duplicates: true },
        { id: 8002, status: 'issued', certificate: { id: 'x' } },
        { id: 'no' },
        'junk',
        { id: 8003 }
      ],
      page: { total: 12, limit: 3, offset: 9 }
    })
    expect(parseOrderList(body)).toEqual({
      orders: [
        { id: '8001', status: 'issued', certificate: certificateRead, hasDuplicates: true },
        { id: '8002', status: 'issued', certificate: undefined, hasDuplicates: undefined },
        { id: '8003', status: '', certificate: undefined, hasDuplicates: undefined }
      ],
      total: 12,
      offset: 9
    })
  })

  it('the empty list without `orders` (recorded from DigiCert)', () => {
    expect(parseOrderList('{"page":{"total":0,"limit":1,"offset":0}}')).toEqual({
      orders: [],
      total: 0,
      offset: 0
    })
  })

  it('without a usable page: the offset 0, the total what is listed', () => {
    expect(parseOrderList('{"orders":[{"id":1}],"page":{"total":-1,"offset":"x"}}')).toMatchObject({
      total: 1,
      offset: 0
    })
    expect(parseOrderList('{"orders":[{"id":1}],"page":{"offset":4}}')).toMatchObject({
      total: 5,
      offset: 4
    })
  })

  it('takes a total of 0 as the page gives it', () => {
    expect(parseOrderList('{"orders":[{"id":1}],"page":{"total":0,"offset":0}}')).toMatchObject({
      total: 0,
      offset: 0
    })
  })

  it('is not a list: not JSON, not an object, orders not an array', () => {
    for (const body of ['<html>', '[]', 'null', '{"orders":{}}'])
      expect(parseOrderList(body)).toBeUndefined()
  })

  it(`reads at most ${MAX_LIST_ENTRIES} orders`, () => {
    const orders = Array.from({ length: MAX_LIST_ENTRIES + 5 }, (_, i) => ({ id: i + 1 }))
    expect(parseOrderList(JSON.stringify({ orders }))?.orders).toHaveLength(MAX_LIST_ENTRIES)
  })
})

describe('parseCertificateList', () => {
  it('reads the certificates, skipping entries without an ID', () => {
    expect(
      parseCertificateList(JSON.stringify({ certificates: [certificateJson, { id: 0 }, null] }))
    ).toEqual([certificateRead])
    expect(parseCertificateList('{}')).toEqual([])
  })

  it('is not a list', () => {
    for (const body of ['x', '[]', '{"certificates":{}}'])
      expect(parseCertificateList(body)).toBeUndefined()
  })

  it(`reads at most ${MAX_LIST_ENTRIES}`, () => {
    const certificates = Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => ({ id: i + 1 }))
    expect(parseCertificateList(JSON.stringify({ certificates }))).toHaveLength(MAX_LIST_ENTRIES)
  })

  it('a summary needs an object with an ID', () => {
    expect(parseCertificateSummary('x')).toBeUndefined()
    expect(parseCertificateSummary({ serial_number: '01' })).toBeUndefined()
    expect(parseCertificateSummary({ id: 7, serial_number: 'a-b' })).toMatchObject({
      id: '7',
      serialNumber: 'AB',
      status: undefined
    })
  })

  it('a serial or thumbprint is hex from its first digit to its last, at most 64 digits', () => {
    expect(parseCertificateSummary({ id: 7, serial_number: 'G1', thumbprint: '1G' })).toMatchObject(
      { serialNumber: undefined, thumbprint: undefined }
    )
    expect(
      parseCertificateSummary({ id: 7, serial_number: 'A'.repeat(64), thumbprint: 'A'.repeat(65) })
    ).toMatchObject({ serialNumber: 'A'.repeat(64), thumbprint: undefined })
  })
})

describe('sameHex', () => {
  it.each([
    ['0a1b', '0A:1B', true],
    ['000A1B', 'a1b', true],
    ['0a 1b', 'a-1b', true],
    ['0', '00', true],
    ['100', '10', false],
    ['A00B', 'AB', false],
    ['0A1B', '0A1C', false],
    [undefined, 'A', false],
    ['A', undefined, false]
  ])('%s and %s: %s', (a, b, same) => {
    expect(sameHex(a, b)).toBe(same)
  })
})
