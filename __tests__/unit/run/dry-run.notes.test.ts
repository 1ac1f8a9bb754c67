// The dry run with deliver-once: each ID's order notes read before its call and a note added after
// it (withDeliveryNotes), as plannedRequests and dryRun list them, with the exact URLs shown.
import { describe, expect, it } from 'vitest'
import {
  dryRun,
  plannedRequests,
  stepText,
  withDeliveryNotes,
  type PlannedRequest,
  type RequestsPlan
} from '../../../src/run/dry-run.js'
import type { IdInput, Operation } from '../../../src/operations.js'

const shown = 'http://127.0.0.1:8443/services/v2'

function planned(
  operation: Operation,
  id: string,
  idInput: IdInput,
  deliverOnce: boolean | undefined
): string[] {
  const plan: RequestsPlan = { baseUrl: shown, operation, idInput, waitSeconds: 0, deliverOnce }
  const known = idInput === 'common-name' ? { commonName: id } : {}
  return plannedRequests({ plan, target: { id, known } }).map(stepText)
}

describe('withDeliveryNotes', () => {
  it.each<[Operation, string, IdInput, string[]]>([
    [
      'send-certificate',
      '12',
      'certificate-id',
      [
        `GET ${shown}/order/certificate?filters[certificate_id]=12&offset=0&limit=100`,
        `GET ${shown}/order/certificate/{order.id} (reads its order and serial, for deliver-once)`,
        `GET ${shown}/order/certificate/{order.id}/note`,
        `PUT ${shown}/certificate/12/sendemail`,
        `POST ${shown}/order/certificate/{order.id}/note`
      ]
    ],
    [
      'send-certificate',
      '34',
      'order-id',
      [
        `GET ${shown}/order/certificate/34 (reads its order and serial, for deliver-once)`,
        `GET ${shown}/order/certificate/34/note`,
        `PUT ${shown}/certificate/{certificate.id}/sendemail`,
        `POST ${shown}/order/certificate/34/note`
      ]
    ],
    [
      'email-site-seal',
      '56',
      'order-id',
      [
        `GET ${shown}/order/certificate/56 (reads its order and serial, for deliver-once)`,
        `GET ${shown}/order/certificate/56/note`,
        `POST ${shown}/order/certificate/56/site-seal/email-seal`,
        `POST ${shown}/order/certificate/56/note`
      ]
    ],
    [
      'send-certificate',
      'shop.example.com',
      'common-name',
      [
        `GET ${shown}/order/certificate?filters[common_name]=shop.example.com&filters[status]=issued&offset=0&limit=100`,
        `GET ${shown}/order/certificate/{order.id}/duplicate`,
        `GET ${shown}/order/certificate?filters[common_name]=shop.example.com&sort=-date_created&offset=0&limit=100`,
        `GET ${shown}/order/certificate/{order.id}/note`,
        `PUT ${shown}/certificate/{certificate.id}/sendemail`,
        `POST ${shown}/order/certificate/{order.id}/note`
      ]
    ]
  ])('%s by %s (%s): the notes read before the call, a note after it', (op, id, input, steps) => {
    expect(planned(op, id, input, true)).toEqual(steps)
  })

  it.each([false, undefined])('adds nothing with deliver-once %s', deliverOnce => {
    expect(planned('send-certificate', '12', 'certificate-id', deliverOnce)).toEqual([
      `PUT ${shown}/certificate/12/sendemail`
    ])
  })

  it('refuses an order ID that is not digits', () => {
    const steps: PlannedRequest[] = [{ method: 'PUT', url: 'x' }]
    expect(() =>
      withDeliveryNotes({
        plan: { idInput: 'order-id', deliverOnce: true },
        target: { id: '1/2' },
        base: shown,
        steps
      })
    ).toThrow('refusing')
  })

  it('dryRun lists the same for every ID', () => {
    const { planned: listed } = dryRun({
      baseUrl: shown,
      operation: 'email-site-seal',
      idInput: 'order-id',
      waitSeconds: 0,
      deliverOnce: true,
      targets: [
        { id: '7', known: {} },
        { id: '8', known: {} }
      ],
      body: undefined
    })
    expect(listed.requests.map(r => [r.id, r.steps.map(s => s.method)])).toEqual([
      ['7', ['GET', 'GET', 'POST', 'POST']],
      ['8', ['GET', 'GET', 'POST', 'POST']]
    ])
    expect(listed.requests[1]?.steps[3]?.url).toBe(`${shown}/order/certificate/8/note`)
  })
})
