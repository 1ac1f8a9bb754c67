// The dry run: its outcome (every ID validated) and the requests it lists for each ID, built from
// the same rules the run follows (looksUpOrder, chainLinks), with the exact URLs shown.
import { describe, expect, it } from 'vitest'
import {
  dryRun,
  dryRunOutcome,
  plannedRequests,
  stepText,
  type PlannedRequest,
  type RequestsPlan
} from '../../../src/run/dry-run.js'
import type { IdInput, Known, Operation } from '../../../src/operations.js'

const origin = 'http://127.0.0.1:8443'
const baseUrl = `${origin}/services/v2`
/** The base URL as the dry run shows it: whole, its path being /services/v2 (no secret). */
const shown = baseUrl
const THUMB = 'AB'.repeat(20)

/**
 * The requests an ID would make. `looksUp`: whether the plan waits for issuance or has
 * issued-within (what an order ID's seal is looked up for); it does by default.
 */
function planned(
  operation: Operation,
  id: string,
  {
    idInput = 'certificate-id',
    known = {},
    looksUp = true,
    base = baseUrl
  }: { idInput?: IdInput; known?: Known; looksUp?: boolean; base?: string } = {}
): PlannedRequest[] {
  const plan: RequestsPlan = { baseUrl: base, operation, idInput, waitSeconds: looksUp ? 60 : 0 }
  return plannedRequests({ plan, target: { id, known } })
}

describe('plannedRequests', () => {
  it('builds the two calls and the look-up, and refuses anything but digits', () => {
    expect(planned('send-certificate', '12')).toEqual([
      { method: 'PUT', url: `${shown}/certificate/12/sendemail` }
    ])
    expect(planned('email-site-seal', '34')).toEqual([
      { method: 'POST', url: `${shown}/order/certificate/34/site-seal/email-seal` }
    ])
    expect(planned('send-certificate', '56', { idInput: 'order-id' })[0]).toEqual({
      method: 'GET',
      url: `${shown}/order/certificate/56`
    })
    for (const id of ['1/../2', '12?x=1', '', ' 12', '12#', '%31']) {
      expect(() => planned('send-certificate', id), id).toThrow('refusing')
      expect(() => planned('send-certificate', id, { idInput: 'order-id' }), id).toThrow('refusing')
    }
  })

  it('plans one call for a certificate ID, and the look-up first for an order ID', () => {
    expect(planned('send-certificate', '12')).toEqual([
      { method: 'PUT', url: `${shown}/certificate/12/sendemail` }
    ])
    const byOrder = { idInput: 'order-id' } as const
    expect(planned('send-certificate', '34', byOrder)).toEqual([
      { method: 'GET', url: `${shown}/order/certificate/34` },
      { method: 'PUT', url: `${shown}/certificate/{certificate.id}/sendemail` }
    ])
    expect(planned('email-site-seal', '34', byOrder)).toEqual([
      { method: 'GET', url: `${shown}/order/certificate/34` },
      { method: 'POST', url: `${shown}/order/certificate/34/site-seal/email-seal` }
    ])
    expect(() => planned('email-site-seal', '3/4', byOrder)).toThrow('refusing')
  })

  it('shows a base URL below a path by its origin alone (a gateway token never shown)', () => {
    const base = `${origin}/t0k3n/services/v2`
    expect(planned('send-certificate', '34', { idInput: 'order-id', base })).toEqual([
      { method: 'GET', url: `${origin}/…/order/certificate/34` },
      { method: 'PUT', url: `${origin}/…/certificate/{certificate.id}/sendemail` }
    ])
  })

  it('shows a base URL without a path as its origin alone', () => {
    expect(planned('send-certificate', '5', { base: origin })).toEqual([
      { method: 'PUT', url: `${origin}/certificate/5/sendemail` }
    ])
  })

  it('plans the chain for the dry run, and a seal by order ID without a look-up', () => {
    const known = { thumbprint: THUMB, serialNumber: '0A1B', commonName: 'a.example' }
    const paths = (steps: PlannedRequest[]): string[] =>
      steps.map(s => `${s.method} ${s.url.slice(shown.length)}`)
    expect(
      paths(planned('send-certificate', 'cert.pem', { idInput: 'certificate-file', known }))
    ).toEqual([
      `GET /order/certificate/${THUMB}`,
      'GET /order/certificate/0A1B',
      'GET /order/certificate?filters[serial_number]=0A1B&offset=0&limit=100',
      'GET /order/certificate?filters[common_name]=a.example&filters[status]=issued&offset=0&limit=100',
      'GET /order/certificate/{order.id}/duplicate',
      'PUT /certificate/{certificate.id}/sendemail'
    ])
    const serial = { idInput: 'serial-number', known: { serialNumber: '0A1B' } } as const
    expect(paths(planned('send-certificate', '0A1B', serial))).toEqual([
      'GET /order/certificate/0A1B',
      'GET /order/certificate?filters[serial_number]=0A1B&offset=0&limit=100',
      'GET /order/certificate/{order.id}/duplicate',
      'PUT /certificate/{certificate.id}/sendemail'
    ])
    const thumb = { idInput: 'thumbprint', known: { thumbprint: THUMB } } as const
    expect(planned('email-site-seal', THUMB, thumb).map(s => s.url.slice(shown.length))).toEqual([
      `/order/certificate/${THUMB}`,
      '/order/certificate/{order.id}/site-seal/email-seal'
    ])
    const cn = { idInput: 'common-name', known: { commonName: 'a.example' } } as const
    // a common-name input's last possible look-up: its orders in any status, newest first
    expect(paths(planned('send-certificate', 'a.example', cn))).toEqual([
      'GET /order/certificate?filters[common_name]=a.example&filters[status]=issued&offset=0&limit=100',
      'GET /order/certificate/{order.id}/duplicate',
      'GET /order/certificate?filters[common_name]=a.example&sort=-date_created&offset=0&limit=100',
      'PUT /certificate/{certificate.id}/sendemail'
    ])
    expect(planned('send-certificate', 'a.example', { idInput: 'common-name' })).toEqual([
      { method: 'PUT', url: `${shown}/certificate/{certificate.id}/sendemail` }
    ])
    const byOrder = { idInput: 'order-id', looksUp: false } as const
    expect(planned('email-site-seal', '34', byOrder)).toEqual([
      { method: 'POST', url: `${shown}/order/certificate/34/site-seal/email-seal` }
    ])
    expect(planned('send-certificate', '34', byOrder)).toHaveLength(2)
  })

  it("lists each of the chain's look-ups as it comes, but the duplicate lists once, last", () => {
    // A serial that reads as the thumbprint: two Order info look-ups with one URL, both listed.
    const known = { thumbprint: THUMB, serialNumber: THUMB }
    expect(
      planned('send-certificate', 'cert.pem', { idInput: 'certificate-file', known }).map(s =>
        s.url.slice(shown.length)
      )
    ).toEqual([
      `/order/certificate/${THUMB}`,
      `/order/certificate/${THUMB}`,
      `/order/certificate?filters[serial_number]=${THUMB}&offset=0&limit=100`,
      '/order/certificate/{order.id}/duplicate',
      '/certificate/{certificate.id}/sendemail'
    ])
  })

  it('looks an order ID up before a seal only to wait for it or for issued-within', () => {
    const seal = (more: Partial<RequestsPlan>): string[] =>
      plannedRequests({
        plan: {
          baseUrl,
          operation: 'email-site-seal',
          idInput: 'order-id',
          waitSeconds: 0,
          ...more
        },
        target: { id: '34', known: {} }
      }).map(s => s.method)
    expect(seal({})).toEqual(['POST'])
    expect(seal({ waitSeconds: 1 })).toEqual(['GET', 'POST'])
    expect(seal({ issuedWithinSeconds: 86_400 })).toEqual(['GET', 'POST'])
    expect(seal({ issuedWithinSeconds: undefined })).toEqual(['POST'])
  })
})

describe('dryRun', () => {
  it('validates every ID and lists its requests, with the body each call carries', () => {
    const body = { emails: ['ops@example.com'] }
    const known: Known = { file: 'cert.pem', serialNumber: '0A1B', validTo: '2027-01-01T00:00:00Z' }
    const { outcome, planned: listing } = dryRun({
      baseUrl,
      operation: 'send-certificate',
      idInput: 'order-id',
      waitSeconds: 0,
      issuedWithinSeconds: undefined,
      targets: [
        { id: '34', known: {} },
        { id: '35', known }
      ],
      body
    })
    expect(outcome).toEqual(
      dryRunOutcome([
        { id: '34', known: {} },
        { id: '35', known }
      ])
    )
    expect(listing).toEqual({
      requests: [
        {
          id: '34',
          steps: [
            { method: 'GET', url: `${shown}/order/certificate/34` },
            { method: 'PUT', url: `${shown}/certificate/{certificate.id}/sendemail` }
          ]
        },
        {
          id: '35',
          steps: [
            { method: 'GET', url: `${shown}/order/certificate/35` },
            { method: 'PUT', url: `${shown}/certificate/{certificate.id}/sendemail` }
          ]
        }
      ],
      body
    })
  })
})

describe('dryRunOutcome', () => {
  it('validates every ID, nothing sent, no request made, with what its input tells', () => {
    const known: Known = {
      file: 'cert.pem',
      commonName: 'a.example',
      serialNumber: '0A1B',
      thumbprint: THUMB,
      validTo: '2027-01-01T00:00:00Z'
    }
    expect(
      dryRunOutcome([
        { id: '12', known: {} },
        { id: 'cert.pem', known }
      ])
    ).toEqual({
      results: [
        { id: '12', fate: 'validated', status: null, attempts: 0, lookups: 0 },
        {
          id: 'cert.pem',
          fate: 'validated',
          status: null,
          attempts: 0,
          lookups: 0,
          file: 'cert.pem',
          commonName: 'a.example',
          serialNumber: '0A1B',
          thumbprint: THUMB,
          validTill: '2027-01-01'
        }
      ],
      stop: undefined,
      retryAfter: undefined
    })
  })
})

describe('plannedRequests with recipients-from-order', () => {
  const plan = (operation: Operation, idInput: IdInput): RequestsPlan => ({
    baseUrl,
    operation,
    idInput,
    waitSeconds: 0,
    roles: ['additional-emails', 'requester']
  })
  const reads = 'reads additional-emails, requester of its order'

  it('lists the order of a certificate ID, then its Order info, then the call', () => {
    expect(
      plannedRequests({
        plan: plan('send-certificate', 'certificate-id'),
        target: { id: '12', known: {} }
      })
    ).toEqual([
      {
        method: 'GET',
        url: `${shown}/order/certificate?filters[certificate_id]=12&offset=0&limit=100`
      },
      { method: 'GET', url: `${shown}/order/certificate/{order.id}`, note: reads },
      { method: 'PUT', url: `${shown}/certificate/12/sendemail` }
    ])
  })

  it("reads an order ID's own Order info, and a seal's POST is one per recipient", () => {
    expect(
      plannedRequests({
        plan: plan('email-site-seal', 'order-id'),
        target: { id: '34', known: {} }
      })
    ).toEqual([
      { method: 'GET', url: `${shown}/order/certificate/34`, note: reads },
      {
        method: 'POST',
        url: `${shown}/order/certificate/34/site-seal/email-seal`,
        note: 'one per recipient'
      }
    ])
    expect(
      plannedRequests({
        plan: plan('send-certificate', 'order-id'),
        target: { id: '34', known: {} }
      })
    ).toEqual([
      { method: 'GET', url: `${shown}/order/certificate/34`, note: reads },
      { method: 'PUT', url: `${shown}/certificate/{certificate.id}/sendemail` }
    ])
  })

  it('reads the order a file, serial, thumbprint or common name is found on, after the chain', () => {
    const steps = plannedRequests({
      plan: plan('send-certificate', 'thumbprint'),
      target: { id: THUMB, known: { thumbprint: THUMB } }
    })
    expect(steps).toEqual([
      { method: 'GET', url: `${shown}/order/certificate/${THUMB}` },
      {
        method: 'GET',
        url: `${shown}/order/certificate/{order.id}`,
        note: `${reads}, unless the chain read it`
      },
      { method: 'PUT', url: `${shown}/certificate/{certificate.id}/sendemail` }
    ])
  })

  it('shows a step with its note on one line', () => {
    expect(stepText({ method: 'GET', url: 'u', note: 'n' })).toBe('GET u (n)')
    expect(stepText({ method: 'PUT', url: 'u' })).toBe('PUT u')
  })
})
