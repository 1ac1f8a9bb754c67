// Which certificate deliver-once's note names, and on which order it is written
// (deliveredCertificate, src/run/deliver-once.ts), from what the run learnt before the call.
import { describe, expect, it } from 'vitest'
import type { OrderInfo } from '../../../src/certcentral/bodies.js'
import type { IdInput, Operation } from '../../../src/operations.js'
import { deliveredCertificate } from '../../../src/run/deliver-once.js'

const order = (over: Partial<OrderInfo> = {}): OrderInfo => ({
  status: 'issued',
  certificateId: '500',
  commonName: 'a.example.com',
  validTill: '2027-01-01',
  orderId: '81',
  serialNumber: 'ABC',
  ...over
})

type Case = [
  string,
  {
    idInput: IdInput
    operation: Operation
    target: string
    facts: { orderId?: string; certificateId?: string; serialNumber?: string }
    order: OrderInfo | undefined
  },
  ReturnType<typeof deliveredCertificate>
]

const fix = 'give its order-id instead, or turn deliver-once off'
const noSerial = (id: string, why = "not its order's own certificate") => ({
  error: `CertCentral did not give the serial of certificate ${id} (${why}), which deliver-once's note records; give its serial-number or certificate-file instead, or turn deliver-once off`
})

describe('deliveredCertificate', () => {
  it.each<Case>([
    [
      'an order ID sent: the ID its order, the call its certificate, its order the serial',
      {
        idInput: 'order-id',
        operation: 'send-certificate',
        target: '500',
        facts: {},
        order: order({ orderId: undefined })
      },
      { orderId: '9', certificateId: '500', serial: 'ABC' }
    ],
    [
      "a seal by order ID: the order's certificate",
      {
        idInput: 'order-id',
        operation: 'email-site-seal',
        target: '9',
        facts: { certificateId: '500' },
        order: order()
      },
      { orderId: '9', certificateId: '500', serial: 'ABC' }
    ],
    [
      'a seal by order ID whose order names no certificate',
      {
        idInput: 'order-id',
        operation: 'email-site-seal',
        target: '9',
        facts: {},
        order: order({ certificateId: undefined })
      },
      { error: `order 9 names no certificate ID, which deliver-once's note records; ${fix}` }
    ],
    [
      'a found certificate: the order and serial the chain told, before its Order info',
      {
        idInput: 'common-name',
        operation: 'send-certificate',
        target: '600',
        facts: { orderId: '82', serialNumber: 'DEF' },
        order: order()
      },
      { orderId: '82', certificateId: '600', serial: 'DEF' }
    ],
    [
      "a certificate ID: its order's Order info, the serial when it is the order's own",
      {
        idInput: 'certificate-id',
        operation: 'send-certificate',
        target: '500',
        facts: {},
        order: order()
      },
      { orderId: '81', certificateId: '500', serial: 'ABC' }
    ],
    [
      "a certificate ID that is not its order's own: no serial",
      {
        idInput: 'certificate-id',
        operation: 'send-certificate',
        target: '501',
        facts: {},
        order: order()
      },
      noSerial('501')
    ],
    [
      'an order ID whose Order info gives no serial',
      {
        idInput: 'order-id',
        operation: 'send-certificate',
        target: '500',
        facts: {},
        order: order({ serialNumber: undefined })
      },
      noSerial('500', "order 9's Order info gives none")
    ],
    [
      'no Order info: no serial',
      {
        idInput: 'certificate-id',
        operation: 'send-certificate',
        target: '501',
        facts: { orderId: '81' },
        order: undefined
      },
      noSerial('501')
    ],
    [
      'no order named',
      {
        idInput: 'serial-number',
        operation: 'send-certificate',
        target: '501',
        facts: { serialNumber: 'A' },
        order: undefined
      },
      {
        error: `CertCentral did not name the order of 7, where deliver-once reads and writes its notes; ${fix}`
      }
    ]
  ])('%s', (_, input, expected) => {
    expect(
      deliveredCertificate({ id: input.idInput === 'order-id' ? '9' : '7', ...input })
    ).toStrictEqual(expected)
  })
})
