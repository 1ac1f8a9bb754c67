// The scheduler finding certificates from a file, serial, thumbprint or common name against a
// scripted CertCentral on the virtual clock: which look-ups each chain makes and what it sends,
// a 5xx during the chain repeated, a refused key stopping the run, the newest of a common name,
// issued-within skipping each kind of input, and a seal by order ID as one request.
import { describe, expect, it } from 'vitest'
import type { OrderInfo } from '../../../src/certcentral/bodies.js'
import { NOT_FOUND } from '../../../src/run/finding.js'
import type { Known, Target } from '../../../src/operations.js'
import { runPlan, type RunOptions } from '../../../src/run/scheduler.js'
import { FakeClock, recordLog } from '../../support/clock.js'
import {
  BODY,
  ScriptedApi,
  badGateway,
  byCertificate,
  certificate,
  keyRefused,
  notFound,
  page,
  plainNotFound,
  routeNotFound,
  URL_HINT,
  type Script
} from '../../support/scripted-certcentral.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const THUMB = 'AB'.repeat(20)
const SERIAL = '0A1B'
const CN = 'shop.example.com'

const fileKnown: Known = {
  file: 'live/shop/cert.pem',
  thumbprint: THUMB,
  serialNumber: SERIAL,
  commonName: CN,
  validFrom: '2026-05-31T12:00:00.000Z',
  validTo: '2026-08-29T12:00:00.000Z'
}

const info = (fields: Partial<OrderInfo> = {}): OrderInfo => ({
  status: 'issued',
  certificateId: '501',
  commonName: CN,
  validTill: '2026-08-29',
  orderId: '8001',
  serialNumber: SERIAL,
  thumbprint: THUMB,
  dateIssued: '2026-05-31T12:00:00Z',
  ...fields
})

function plan(
  idInput: RunOptions['idInput'],
  targets: Target[],
  more: Partial<RunOptions> = {}
): RunOptions {
  return byCertificate(
    targets.map(t => t.id),
    { idInput, targets, ...more }
  )
}

const file = (known: Known = fileKnown): Target => ({ id: known.file as string, known })

async function run(options: RunOptions, script: Script) {
  const clock = new FakeClock(0.5, NOW)
  const api = new ScriptedApi(clock, { lookupsMissByDefault: true, ...script })
  const outcome = await runPlan(options, api, clock)
  return { outcome, api, clock }
}

describe('finding a certificate', () => {
  it('a file by its thumbprint: one look-up, then the send of its certificate', async () => {
    const { outcome, api } = await run(plan('certificate-file', [file()]), {
      lookups: { [THUMB]: [info()] }
    })
    expect(api.trail()).toEqual([`lookup ${THUMB}`, 'send 501'])
    expect(api.sends()[0]?.body).toEqual(BODY)
    expect(outcome.results).toEqual([
      {
        id: 'live/shop/cert.pem',
        fate: 'sent',
        status: 204,
        attempts: 1,
        lookups: 1,
        file: 'live/shop/cert.pem',
        certificateId: '501',
        orderId: '8001',
        commonName: CN,
        serialNumber: SERIAL,
        thumbprint: THUMB,
        validTill: '2026-08-29'
      }
    ])
  })

  it('a serial: Order info by serial', async () => {
    const { outcome, api } = await run(
      plan('serial-number', [{ id: SERIAL, known: { serialNumber: SERIAL } }]),
      {
        lookups: { [SERIAL]: [info({ certificateId: '502' })] }
      }
    )
    expect(api.trail()).toEqual([`lookup ${SERIAL}`, 'send 502'])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '502',
      orderId: '8001'
    })
  })

  it('what the chain found fills the result: a serial gets its common name, thumbprint and validity', async () => {
    const { outcome } = await run(
      plan('serial-number', [{ id: SERIAL, known: { serialNumber: SERIAL } }]),
      { lookups: { [SERIAL]: [info()] } }
    )
    expect(outcome.results).toStrictEqual([
      {
        id: SERIAL,
        fate: 'sent',
        status: 204,
        attempts: 1,
        lookups: 1,
        certificateId: '501',
        orderId: '8001',
        commonName: CN,
        serialNumber: SERIAL,
        thumbprint: THUMB,
        validTill: '2026-08-29'
      }
    ])
  })

  it('an answer naming less than the file knows: the result keeps what the file says', async () => {
    const bare = info({
      orderId: undefined,
      commonName: undefined,
      serialNumber: undefined,
      thumbprint: undefined,
      validTill: undefined,
      dateIssued: undefined
    })
    const { outcome, api } = await run(plan('certificate-file', [file()]), {
      lookups: { [THUMB]: [bare] }
    })
    expect(api.trail()).toEqual([`lookup ${THUMB}`, 'send 501'])
    expect(outcome.results).toStrictEqual([
      {
        id: 'live/shop/cert.pem',
        fate: 'sent',
        status: 204,
        attempts: 1,
        lookups: 1,
        file: 'live/shop/cert.pem',
        certificateId: '501',
        commonName: CN,
        serialNumber: SERIAL,
        thumbprint: THUMB,
        validTill: '2026-08-29'
      }
    ])
  })

  it('a file by the order list: its thumbprint and serial miss, the list names its order', async () => {
    const primary = certificate('503', { serialNumber: SERIAL, validTill: '2026-08-29' })
    const { outcome, api } = await run(plan('certificate-file', [file()]), {
      lists: { [`serial_number=${SERIAL}@0`]: [page([{ id: '8003', certificate: primary }])] }
    })
    expect(api.trail()).toEqual([
      `lookup ${THUMB}`,
      `lookup ${SERIAL}`,
      `list serial_number=${SERIAL}@0`,
      'send 503'
    ])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '503',
      orderId: '8003',
      attempts: 1,
      lookups: 3
    })
  })

  it("a duplicate through the list by serial: the duplicate's own certificate ID", async () => {
    const primary = certificate('504', { serialNumber: 'FF' })
    const { outcome, api } = await run(
      plan('serial-number', [{ id: SERIAL, known: { serialNumber: SERIAL } }]),
      {
        lists: { [`serial_number=${SERIAL}@0`]: [page([{ id: '8004', certificate: primary }])] },
        duplicates: { '8004': [[primary, certificate('777', { serialNumber: '000A1B' })]] }
      }
    )
    expect(api.trail()).toEqual([
      `lookup ${SERIAL}`,
      `list serial_number=${SERIAL}@0`,
      'duplicates 8004',
      'send 777'
    ])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '777',
      orderId: '8004'
    })
  })

  it("a file's duplicate through its common name, when the list by serial is empty", async () => {
    const primary = certificate('505', { serialNumber: 'FF', commonName: CN })
    const { outcome, api } = await run(plan('certificate-file', [file()]), {
      lists: {
        [`common_name=${CN}@0`]: [
          page(
            [
              { id: '8005', certificate: primary, hasDuplicates: false },
              { id: '8006', certificate: primary }
            ],
            { total: 3 }
          )
        ],
        [`common_name=${CN}@2`]: [page([{ id: '8007' }], { total: 3, offset: 2 })]
      },
      duplicates: { '8007': [[certificate('778', { thumbprint: THUMB })]] }
    })
    expect(api.trail()).toEqual([
      `lookup ${THUMB}`,
      `lookup ${SERIAL}`,
      `list serial_number=${SERIAL}@0`,
      `list common_name=${CN}@0`,
      `list common_name=${CN}@2`,
      'duplicates 8006',
      'duplicates 8007',
      'send 778'
    ])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '778',
      orderId: '8007'
    })
  })

  it('nothing matches: failed, not found, nothing sent', async () => {
    const { outcome, api } = await run(
      plan('thumbprint', [{ id: THUMB, known: { thumbprint: THUMB } }]),
      {}
    )
    expect(api.sends()).toEqual([])
    expect(outcome.results).toEqual([
      {
        id: THUMB,
        fate: 'failed',
        status: null,
        attempts: 0,
        lookups: 1,
        thumbprint: THUMB,
        error: NOT_FOUND
      }
    ])
  })

  it('a 5xx during the chain is repeated (2 s, then 4 s), and the chain goes on', async () => {
    const { outcome, api } = await run(
      plan('thumbprint', [{ id: THUMB, known: { thumbprint: THUMB } }]),
      {
        lookups: { [THUMB]: [badGateway(), badGateway(), info()] }
      }
    )
    expect(api.lookups().map(c => c.at)).toEqual([0, 2000, 6000])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      attempts: 1,
      lookups: 3,
      certificateId: '501'
    })
  })

  it('a 5xx through every repeat leaves the ID unsent (a look-up sent nothing)', async () => {
    const { outcome, api } = await run(
      plan('serial-number', [{ id: SERIAL, known: { serialNumber: SERIAL } }]),
      {
        lists: { [`serial_number=${SERIAL}@0`]: [badGateway()] }
      }
    )
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'unsent',
      status: 502,
      attempts: 0,
      lookups: 4,
      error: 'HTTP 502: empty body; tried 3 times'
    })
  })

  it('a refused key during the chain stops the run', async () => {
    const other = 'CD'.repeat(20)
    const { outcome, api } = await run(
      plan(
        'thumbprint',
        [THUMB, other].map(id => ({ id, known: { thumbprint: id } })),
        { concurrency: 1 }
      ),
      { lookups: { [THUMB]: [keyRefused()] } }
    )
    expect(api.trail()).toEqual([`lookup ${THUMB}`])
    expect(outcome.stop?.reason).toBe('key-refused')
    expect(outcome.results.map(r => r.fate)).toEqual(['unsent', 'unsent'])
    expect(outcome.results[1]?.error).toBe(
      `not attempted: CertCentral refused the API key (thumbprint ${THUMB})`
    )
  })

  it('a 404 on a list is no miss: the ID ends on it', async () => {
    const { outcome } = await run(plan('common-name', [{ id: CN, known: { commonName: CN } }]), {
      lists: { [`common_name=${CN}@0`]: [notFound()] }
    })
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      status: 404,
      error: 'HTTP 404: not_found: Not found.'
    })
  })

  it('a common name: the newest by date_issued across two orders and a duplicate', async () => {
    const older = certificate('601', {
      serialNumber: '01',
      commonName: CN,
      dateIssued: '2026-05-01T00:00:00Z',
      validTill: '2027-01-01'
    })
    const newer = certificate('602', {
      serialNumber: '02',
      commonName: CN,
      dateIssued: '2026-05-10T00:00:00Z',
      validTill: '2027-01-01'
    })
    const duplicate = certificate('611', {
      serialNumber: '03',
      commonName: CN,
      status: 'issued',
      dateIssued: '2026-05-20T00:00:00Z',
      validTill: '2027-01-01'
    })
    const { outcome, api } = await run(
      plan('common-name', [{ id: CN, known: { commonName: CN } }]),
      {
        lists: {
          [`common_name=${CN}@0`]: [
            page([
              { id: '1', certificate: older },
              { id: '2', certificate: newer }
            ])
          ]
        },
        duplicates: { '1': [[older, duplicate]] }
      }
    )
    expect(api.trail()).toEqual([
      `list common_name=${CN}@0`,
      'duplicates 1',
      'duplicates 2',
      'send 611'
    ])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '611',
      orderId: '1',
      serialNumber: '03'
    })
  })

  it('a common name: a newer order listed without a name is named by its Order info, and not sent when it is another', async () => {
    const older = certificate('601', {
      serialNumber: '01',
      commonName: CN,
      dateIssued: '2026-05-01T00:00:00Z',
      validTill: '2027-01-01'
    })
    const unnamed = certificate('602', {
      serialNumber: '02',
      dateIssued: '2026-05-10T00:00:00Z',
      validTill: '2027-01-01'
    })
    const listed = page([
      { id: '1', certificate: older, hasDuplicates: false },
      { id: '2', certificate: unnamed, hasDuplicates: false }
    ])
    const other = await run(plan('common-name', [{ id: CN, known: { commonName: CN } }]), {
      lists: { [`common_name=${CN}@0`]: [listed] },
      lookups: {
        '2': [info({ orderId: '2', certificateId: '602', commonName: 'other.example.com' })]
      }
    })
    expect(other.api.trail()).toEqual([`list common_name=${CN}@0`, 'lookup 2', 'send 601'])
    expect(other.outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '601',
      orderId: '1',
      commonName: CN
    })
    const same = await run(plan('common-name', [{ id: CN, known: { commonName: CN } }]), {
      lists: { [`common_name=${CN}@0`]: [listed] },
      lookups: {
        '2': [info({ orderId: '2', certificateId: '602', commonName: 'SHOP.example.com' })]
      }
    })
    expect(same.api.trail()).toEqual([`list common_name=${CN}@0`, 'lookup 2', 'send 602'])
    expect(same.outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '602',
      orderId: '2',
      commonName: 'SHOP.example.com'
    })
  })

  it('a common name whose only order is pending: unsent, naming the order and its status', async () => {
    const { outcome, api } = await run(
      plan('common-name', [{ id: CN, known: { commonName: CN } }]),
      {
        lists: {
          [`common_name=${CN}@0 any status`]: [
            page([
              { id: '8105', status: 'pending', certificate: certificate('5', { commonName: CN }) },
              { id: '8101', status: 'rejected', certificate: certificate('4', { commonName: CN }) }
            ])
          ]
        }
      }
    )
    expect(api.trail()).toEqual([`list common_name=${CN}@0`, `list common_name=${CN}@0 any status`])
    expect(api.sends()).toEqual([])
    expect(outcome.results).toStrictEqual([
      {
        id: CN,
        fate: 'unsent',
        status: null,
        attempts: 0,
        lookups: 2,
        commonName: CN,
        orderId: '8105',
        orderStatus: 'pending',
        error: `common name ${CN} is not issued yet: order 8105 is pending; send it again once it is issued`
      }
    ])
  })

  it('a common name whose orders all ended without a certificate: not found, after the same two pages', async () => {
    const { outcome, api } = await run(
      plan('common-name', [{ id: CN, known: { commonName: CN } }]),
      {
        lists: {
          [`common_name=${CN}@0 any status`]: [
            page([
              { id: '8101', status: 'rejected', certificate: certificate('4', { commonName: CN }) }
            ])
          ]
        }
      }
    )
    expect(api.trail()).toEqual([`list common_name=${CN}@0`, `list common_name=${CN}@0 any status`])
    expect(outcome.results).toStrictEqual([
      {
        id: CN,
        fate: 'failed',
        status: null,
        attempts: 0,
        lookups: 2,
        commonName: CN,
        error: NOT_FOUND
      }
    ])
  })

  it("a seal by file goes to the found certificate's order", async () => {
    const { api } = await run(
      plan('certificate-file', [file()], { operation: 'email-site-seal', body: undefined }),
      {
        lookups: { [THUMB]: [info()] }
      }
    )
    expect(api.trail()).toEqual([`lookup ${THUMB}`, 'send 8001'])
  })

  it('a seal whose found certificate names no order fails, naming what to give', async () => {
    const { outcome, api } = await run(
      plan('thumbprint', [{ id: THUMB, known: { thumbprint: THUMB } }], {
        operation: 'email-site-seal'
      }),
      {
        lookups: { [THUMB]: [info({ orderId: undefined })] }
      }
    )
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      error:
        'certificate 501 was found, but CertCentral did not name its order; give its order-id instead'
    })
  })
})

describe('a 404 that is no miss (issue 22)', () => {
  const thumbprints = ['A1', 'B2', 'C3', 'D4', 'E5'].map(t => t.repeat(20))

  it.each([
    ['not_found|route', routeNotFound],
    ["not DigiCert's", plainNotFound]
  ])('a 404 %s ends the chain at its first step, failed with the URL hint', async (_, answer) => {
    const { outcome, api } = await run(plan('certificate-file', [file()]), {
      lookups: { [THUMB]: [answer()] }
    })
    expect(api.trail()).toEqual([`lookup ${THUMB}`])
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      status: 404,
      attempts: 0,
      lookups: 1,
      error: answer().message,
      hint: URL_HINT
    })
  })

  it("a duplicate list's or an order's Order info 404 that is no miss ends the ID too", async () => {
    const listed = page([
      { id: '1' },
      { id: '2', certificate: certificate('9', { commonName: CN }) }
    ])
    const cn = { id: CN, known: { commonName: CN } }
    const duplicates = await run(plan('common-name', [cn]), {
      lists: { [`common_name=${CN}@0`]: [listed] },
      duplicates: { '1': [routeNotFound()] }
    })
    expect(duplicates.api.trail()).toEqual([`list common_name=${CN}@0`, 'duplicates 1'])
    expect(duplicates.outcome.results[0]).toMatchObject({ fate: 'failed', hint: URL_HINT })
    const order = await run(plan('common-name', [cn]), {
      lists: { [`common_name=${CN}@0`]: [listed] },
      lookups: { '2': [plainNotFound()] }
    })
    expect(order.api.trail()).toEqual([`list common_name=${CN}@0`, 'duplicates 1', 'lookup 2'])
    expect(order.outcome.results[0]).toMatchObject({ fate: 'failed', hint: URL_HINT })
  })

  it("DigiCert's not_found on a duplicate list is still a miss: the chain goes on", async () => {
    const primary = certificate('9', {
      serialNumber: '01',
      commonName: CN,
      dateIssued: '2026-05-01T00:00:00Z',
      validTill: '2027-01-01'
    })
    const { outcome, api } = await run(
      plan('common-name', [{ id: CN, known: { commonName: CN } }]),
      {
        lists: {
          [`common_name=${CN}@0`]: [page([{ id: '1' }, { id: '2', certificate: primary }])]
        },
        duplicates: { '1': [notFound()] }
      }
    )
    expect(api.trail()).toEqual([
      `list common_name=${CN}@0`,
      'duplicates 1',
      'duplicates 2',
      'send 9'
    ])
    expect(outcome.results[0]?.fate).toBe('sent')
  })

  it.each([
    ['not_found|route', routeNotFound, 'DigiCert answered not_found|route'],
    [
      "not DigiCert's",
      plainNotFound,
      "api-url's server answered HTTP 404 without DigiCert's errors"
    ]
  ])(
    'a 404 %s for 3 IDs in a row stops the run (a wrong api-url fails them all)',
    async (_, answer, said) => {
      const { outcome, api } = await run(
        plan(
          'thumbprint',
          thumbprints.map(id => ({ id, known: { thumbprint: id } })),
          { concurrency: 1 }
        ),
        { lookups: Object.fromEntries(thumbprints.map(t => [t, [answer()]])) }
      )
      expect(api.trail()).toEqual(thumbprints.slice(0, 3).map(t => `lookup ${t}`))
      expect(outcome.stop?.reason).toBe('same-error')
      expect(outcome.results.map(r => r.fate)).toEqual([
        'failed',
        'failed',
        'failed',
        'unsent',
        'unsent'
      ])
      expect(outcome.results[3]?.error).toBe(
        `not attempted: ${said} for 3 IDs in a row (${thumbprints.slice(0, 3).join(', ')}), so the rest were not sent: fix what it says, then send them again`
      )
    }
  )
})

describe('issued-within', () => {
  const DAY = 86_400

  it('a file issued longer ago is skipped without a request (its validFrom)', async () => {
    const old = file({ ...fileKnown, validFrom: '2026-05-01T00:00:00.000Z' })
    const { outcome, api } = await run(
      plan('certificate-file', [old], { issuedWithinSeconds: DAY }),
      {}
    )
    expect(api.calls).toEqual([])
    expect(outcome.results).toEqual([
      {
        id: old.id,
        fate: 'skipped',
        status: null,
        attempts: 0,
        lookups: 0,
        file: old.id,
        serialNumber: SERIAL,
        thumbprint: THUMB,
        commonName: CN,
        validTill: '2026-08-29',
        skipReason: 'issued on 2026-05-01, longer ago than issued-within (1 d): skipped, not sent'
      }
    ])
  })

  it('the log says why an ID was skipped, and which was sent', async () => {
    const clock = new FakeClock(0.5, NOW)
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, { lookups: { [THUMB]: [info()] } })
    const old = file({ ...fileKnown, file: 'old.pem', validFrom: '2026-05-01T00:00:00.000Z' })
    await runPlan(
      plan('certificate-file', [{ ...old, id: 'old.pem' }, file()], {
        issuedWithinSeconds: DAY,
        log
      }),
      api,
      clock
    )
    expect(of('info').map(l => l.message)).toEqual([
      'file old.pem: issued on 2026-05-01, longer ago than issued-within (1 d): skipped, not sent',
      'file live/shop/cert.pem: sent (HTTP 204)'
    ])
  })

  it('a file issued within it is sent (its date, not the found one, counts)', async () => {
    const { outcome } = await run(
      plan('certificate-file', [file()], { issuedWithinSeconds: DAY }),
      {
        lookups: { [THUMB]: [info({ dateIssued: '2020-01-01' })] }
      }
    )
    expect(outcome.results[0]?.fate).toBe('sent')
  })

  it.each([
    ['serial-number', { serialNumber: SERIAL }, SERIAL],
    ['thumbprint', { thumbprint: THUMB }, THUMB]
  ] as const)('%s: the found date_issued counts', async (idInput, known, key) => {
    const target = { id: key, known }
    const old = await run(plan(idInput, [target], { issuedWithinSeconds: DAY }), {
      lookups: { [key]: [info({ dateIssued: '2026-05-20T00:00:00Z' })] }
    })
    expect(old.api.sends()).toEqual([])
    expect(old.outcome.results[0]).toMatchObject({
      fate: 'skipped',
      status: 200,
      attempts: 0,
      lookups: 1,
      certificateId: '501'
    })
    const fresh = await run(plan(idInput, [target], { issuedWithinSeconds: DAY }), {
      lookups: { [key]: [info()] }
    })
    expect(fresh.outcome.results[0]?.fate).toBe('sent')
  })

  it('common-name: the newest, by valid_from when it has no date_issued', async () => {
    const cert = certificate('601', {
      serialNumber: '01',
      commonName: CN,
      validFrom: '2026-05-01',
      validTill: '2027-01-01'
    })
    const { outcome, api } = await run(
      plan('common-name', [{ id: CN, known: { commonName: CN } }], { issuedWithinSeconds: DAY }),
      {
        lists: {
          [`common_name=${CN}@0`]: [page([{ id: '1', certificate: cert, hasDuplicates: false }])]
        }
      }
    )
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({ fate: 'skipped', certificateId: '601' })
  })

  it("order-id: Order info's certificate.date_issued counts, and a seal then looks up first", async () => {
    const old = await run(
      byCertificate(['8001'], {
        idInput: 'order-id',
        issuedWithinSeconds: DAY,
        operation: 'email-site-seal'
      }),
      {
        lookups: { '8001': [info({ dateIssued: '2026-01-01T00:00:00Z' })] }
      }
    )
    expect(old.api.trail()).toEqual(['lookup 8001'])
    expect(old.outcome.results[0]).toMatchObject({ fate: 'skipped' })
    const fresh = await run(
      byCertificate(['8001'], {
        idInput: 'order-id',
        issuedWithinSeconds: DAY,
        operation: 'email-site-seal'
      }),
      {
        lookups: { '8001': [info()] }
      }
    )
    expect(fresh.api.trail()).toEqual(['lookup 8001', 'send 8001'])
  })
})

describe('email-site-seal by order ID', () => {
  it('without a wait or issued-within: exactly one request, the POST', async () => {
    const { outcome, api } = await run(
      byCertificate(['8001', '8002'], { idInput: 'order-id', operation: 'email-site-seal' }),
      {}
    )
    expect(api.trail()).toEqual(['send 8001', 'send 8002'])
    expect(outcome.results.map(r => [r.fate, r.attempts, r.lookups])).toEqual([
      ['sent', 1, 0],
      ['sent', 1, 0]
    ])
  })

  it('with a wait: the look-up first', async () => {
    const { api } = await run(
      byCertificate(['8001'], {
        idInput: 'order-id',
        operation: 'email-site-seal',
        waitSeconds: 60
      }),
      {
        lookups: { '8001': ['issued'] }
      }
    )
    expect(api.trail()).toEqual(['lookup 8001', 'send 8001'])
  })
})
