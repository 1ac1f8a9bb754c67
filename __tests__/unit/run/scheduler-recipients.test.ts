// The scheduler with recipients-from-order (issue 24) on the virtual clock, against a scripted
// CertCentral: each certificate's order read by the look-ups peopleLinks names (none when the ID's
// own look-up read it), one PUT with its own recipients, one seal POST per recipient, nobody to
// send to failed with nothing sent, and a seal sent to some recipients and refused for another
// failed, naming both.
import { describe, expect, it } from 'vitest'
import type { OrderInfo } from '../../../src/certcentral/bodies.js'
import type { OrderPeople } from '../../../src/certcentral/people.js'
import { runPlan } from '../../../src/run/scheduler.js'
import { FakeClock, recordLog } from '../../support/clock.js'
import {
  BODY,
  ScriptedApi,
  badRequest,
  byCertificate,
  byOrder,
  certificate,
  notFound,
  page,
  people,
  rateLimited
} from '../../support/scripted-certcentral.js'
import { certificateOf } from '../../support/standin.js'

const order = (
  orderId: string,
  who: OrderPeople | undefined,
  certificateId = '500'
): OrderInfo => ({
  status: 'issued',
  certificateId,
  commonName: 'a.example.com',
  validTill: '2027-01-01',
  orderId,
  ...(who === undefined ? {} : { people: who })
})
const roles = { roles: ['additional-emails', 'requester'] as const }

describe('runPlan with recipients-from-order', () => {
  it("reads a certificate ID's order through the list, then sends it to its own people", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lists: { 'certificate_id=500@0': [page([{ id: '8101', certificate: certificate('500') }])] },
      lookups: {
        '8101': [
          order(
            '8101',
            people({ additionalEmails: ['team@example.com'], requester: 'Ops@example.com' })
          )
        ]
      }
    })
    const outcome = await runPlan(
      byCertificate(['500'], { ...roles, emails: ['ops@example.com'] }),
      api,
      clock
    )
    expect(api.calls.map(c => [c.kind, c.id])).toEqual([
      ['list', 'certificate_id=500@0'],
      ['lookup', '8101'],
      ['send', '500']
    ])
    expect(api.sends()[0]?.body).toEqual({
      ...BODY,
      emails: ['ops@example.com', 'team@example.com']
    })
    expect(outcome.results).toEqual([
      {
        id: '500',
        fate: 'sent',
        status: 204,
        attempts: 1,
        lookups: 2,
        orderId: '8101',
        recipients: ['ops@example.com', 'team@example.com'],
        sentTo: 2,
        rolesWithout: []
      }
    ])
  })

  it('fails a certificate whose order names no one, and sends nothing for it', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, { lookups: { '8101': [order('8101', people())] } })
    const outcome = await runPlan(byOrder(['8101'], { ...roles, emails: [] }), api, clock)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      status: null,
      attempts: 0,
      lookups: 1,
      recipients: [],
      sentTo: 0,
      rolesWithout: ['additional-emails', 'requester'],
      error:
        'order 8101 names no additional emails or requester: add them in CertCentral, or give `emails`'
    })
  })

  it('fails a certificate ID on no order, with nothing sent', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock)
    const outcome = await runPlan(byCertificate(['500'], roles), api, clock)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      lookups: 1,
      error: expect.stringContaining('certificate 500 is on no order this key can see') as string
    })
  })

  it("reads no order again that the ID's own look-up read", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: {
        '8101': [order('8101', people({ requester: 'req@example.com' }), certificateOf('8101'))]
      }
    })
    const outcome = await runPlan(byOrder(['8101'], roles), api, clock)
    expect(api.lookups()).toHaveLength(1)
    expect(api.sends().map(c => [c.id, c.body])).toEqual([
      [certificateOf('8101'), { ...BODY, emails: ['req@example.com'] }]
    ])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      sentTo: 1,
      rolesWithout: ['additional-emails']
    })
    expect(outcome.results[0]).not.toHaveProperty('orderId')
  })

  it('finds by thumbprint and reads the people of the Order info that found it, no more', async () => {
    const clock = new FakeClock()
    const thumbprint = 'AB'.repeat(20)
    const api = new ScriptedApi(clock, {
      lookups: {
        [thumbprint]: [{ ...order('8101', people({ requester: 'req@example.com' })), thumbprint }]
      }
    })
    const outcome = await runPlan(
      byCertificate([thumbprint], {
        idInput: 'thumbprint',
        targets: [{ id: thumbprint, known: { thumbprint } }],
        ...roles
      }),
      api,
      clock
    )
    expect(api.calls.map(c => [c.kind, c.id])).toEqual([
      ['lookup', thumbprint],
      ['send', '500']
    ])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', orderId: '8101', sentTo: 1 })
  })

  it("reads the Order info of a duplicate's order found through the list", async () => {
    const clock = new FakeClock()
    const serial = '0A0B'
    const api = new ScriptedApi(clock, {
      lookupsMissByDefault: true,
      lists: {
        [`serial_number=${serial}@0`]: [
          page([{ id: '8101', certificate: certificate('500', { serialNumber: 'FF' }) }])
        ]
      },
      duplicates: { '8101': [[certificate('501', { serialNumber: serial })]] },
      lookups: { '8101': [order('8101', people({ additionalEmails: ['dup@example.com'] }))] }
    })
    const outcome = await runPlan(
      byCertificate([serial], {
        idInput: 'serial-number',
        targets: [{ id: serial, known: { serialNumber: serial } }],
        ...roles
      }),
      api,
      clock
    )
    expect(api.calls.map(c => [c.kind, c.id])).toEqual([
      ['lookup', serial],
      ['list', `serial_number=${serial}@0`],
      ['duplicates', '8101'],
      ['lookup', '8101'],
      ['send', '501']
    ])
    expect(api.sends()[0]?.body).toEqual({ ...BODY, emails: ['dup@example.com'] })
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      certificateId: '501',
      orderId: '8101'
    })
  })

  it('posts a seal once per recipient, each a send', async () => {
    const clock = new FakeClock()
    const who = people({
      additionalEmails: ['a@example.com', 'b@example.com'],
      requester: 'c@example.com'
    })
    const api = new ScriptedApi(clock, { lookups: { '77': [order('77', who)] } })
    const outcome = await runPlan(
      byOrder(['77'], { operation: 'email-site-seal', body: { seal_size: 'm' }, ...roles }),
      api,
      clock
    )
    expect(api.sends().map(c => [c.id, c.body])).toEqual([
      ['77', { seal_size: 'm', recipient_email: 'a@example.com' }],
      ['77', { seal_size: 'm', recipient_email: 'b@example.com' }],
      ['77', { seal_size: 'm', recipient_email: 'c@example.com' }]
    ])
    expect(outcome.results[0]).toMatchObject({
      fate: 'sent',
      status: 204,
      attempts: 3,
      lookups: 1,
      sentTo: 3
    })
  })

  it('names an order ID as its order when its Order info names none', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '8101': [{ ...order('8101', people()), orderId: undefined }] }
    })
    const outcome = await runPlan(byOrder(['8101'], roles), api, clock)
    expect(outcome.results[0]?.error).toBe(
      'order 8101 names no additional emails or requester: add them in CertCentral, or give `emails`'
    )
  })

  it('fails a seal refused for its third recipient, naming the two sent', async () => {
    const clock = new FakeClock()
    const who = people({ additionalEmails: ['a@example.com', 'b@example.com', 'c@example.org'] })
    const api = new ScriptedApi(clock, {
      lookups: { '77': [order('77', who)] },
      sends: { '77': [204, 204, badRequest()] }
    })
    const outcome = await runPlan(
      byOrder(['77'], { operation: 'email-site-seal', body: undefined, ...roles }),
      api,
      clock
    )
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      attempts: 3,
      sentTo: 2,
      error: `sent to 2 of 3 recipients (a@example.com, b@example.com); not to 1 (c@example.org): ${badRequest().message}`
    })
  })

  it('fails a seal refused for its second recipient, naming those sent and those not', async () => {
    const clock = new FakeClock()
    const who = people({ additionalEmails: ['a@example.com', 'b@example.com', 'c@example.org'] })
    const api = new ScriptedApi(clock, {
      lookups: { '77': [order('77', who)] },
      sends: { '77': [204, badRequest(), 204] }
    })
    const outcome = await runPlan(
      byOrder(['77'], { operation: 'email-site-seal', body: undefined, ...roles }),
      api,
      clock
    )
    expect(api.sends()).toHaveLength(2)
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      attempts: 2,
      sentTo: 1,
      error: `sent to 1 of 3 recipients (a@example.com); not to 2 (b@example.com, c@example.org): ${badRequest().message}`,
      hint: 'send to those not sent by hand or with emails; running the step again would mail the others again'
    })
  })

  it('fails a seal the run stopped after its first recipient, the others unsent', async () => {
    const clock = new FakeClock()
    const who = people({ additionalEmails: ['a@example.com', 'b@example.com'] })
    const api = new ScriptedApi(clock, {
      lookups: { '77': [order('77', who)] },
      sends: { '77': [204, rateLimited()] }
    })
    const outcome = await runPlan(
      byOrder(['77'], { operation: 'email-site-seal', body: undefined, ...roles }),
      api,
      clock
    )
    expect(outcome.results[0]).toMatchObject({ fate: 'failed', sentTo: 1 })
    expect(outcome.results[0]?.error).toMatch(
      /^sent to 1 of 2 recipients \(a@example\.com\); not to 1 \(b@example\.com\): HTTP 429/
    )
  })

  it('sends a first refusal as any send: nothing was sent', async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lookups: { '77': [order('77', people({ requester: 'a@example.com' }))] },
      sends: { '77': [badRequest()] }
    })
    const outcome = await runPlan(
      byOrder(['77'], { operation: 'email-site-seal', body: undefined, ...roles }),
      api,
      clock
    )
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      sentTo: 0,
      error: badRequest().message
    })
  })

  it('warns of an address of the order left out, and logs whom it sent to', async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lookups: {
        '8101': [order('8101', people({ additionalEmails: ['bad', 'ok@example.com'] }), '9')]
      }
    })
    await runPlan(byOrder(['8101'], { ...roles, log }), api, clock)
    expect(of('warning').map(l => l.message)).toEqual([
      'order 8101: additional emails "bad": it is not an email address (it needs exactly one @); left out'
    ])
    expect(of('info').map(l => l.message)).toContain(
      'order 8101: sent to 1 recipient(s) (HTTP 204)'
    )
  })
})

describe('runPlan with recipients-from-order, ended early', () => {
  it("ends the ID on a failed look-up of its order, as any look-up's failure", async () => {
    const clock = new FakeClock()
    const api = new ScriptedApi(clock, {
      lists: { 'certificate_id=500@0': [page([{ id: '8101', certificate: certificate('500') }])] },
      lookups: { '8101': [notFound()] }
    })
    const outcome = await runPlan(byCertificate(['500'], roles), api, clock)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      status: 404,
      lookups: 2,
      orderId: '8101',
      error: notFound().message
    })
  })

  it('leaves the ID unsent when the run is cancelled before its order is read', async () => {
    const clock = new FakeClock()
    const cancel = new AbortController()
    cancel.abort()
    const api = new ScriptedApi(clock)
    const outcome = await runPlan(
      byCertificate(['500'], { ...roles, cancel: cancel.signal }),
      api,
      clock
    )
    expect(api.calls).toEqual([])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', attempts: 0, lookups: 0 })
  })

  it('fails a seal cancelled after its first recipient, the others not sent', async () => {
    const clock = new FakeClock()
    const cancel = new AbortController()
    class CancelledAfterFirst extends ScriptedApi {
      override async call(...args: Parameters<ScriptedApi['call']>) {
        const answer = await super.call(...args)
        cancel.abort()
        return answer
      }
    }
    const who = people({ additionalEmails: ['a@example.com', 'b@example.com'] })
    const api = new CancelledAfterFirst(clock, { lookups: { '77': [order('77', who)] } })
    const outcome = await runPlan(
      byOrder(['77'], {
        operation: 'email-site-seal',
        body: undefined,
        ...roles,
        cancel: cancel.signal
      }),
      api,
      clock
    )
    expect(api.sends().map(c => c.id)).toEqual(['77'])
    expect(outcome.results[0]).toMatchObject({ fate: 'failed', attempts: 1, sentTo: 1 })
    expect(outcome.results[0]?.error).toBe(
      'sent to 1 of 2 recipients (a@example.com); not to 1 (b@example.com): not sent: cancelled'
    )
  })

  it('leaves unsent a certificate cancelled once its order was read, before any send', async () => {
    const clock = new FakeClock()
    const cancel = new AbortController()
    class CancelledAfterLookup extends ScriptedApi {
      override async lookup(...args: Parameters<ScriptedApi['lookup']>) {
        const answer = await super.lookup(...args)
        cancel.abort()
        return answer
      }
    }
    const api = new CancelledAfterLookup(clock, {
      lookups: { '77': [order('77', people({ requester: 'a@example.com' }))] }
    })
    const outcome = await runPlan(byOrder(['77'], { ...roles, cancel: cancel.signal }), api, clock)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]).toMatchObject({ fate: 'unsent', attempts: 0, lookups: 1, sentTo: 0 })
  })

  it("names the certificate before its order's warning, and an order ID once", async () => {
    const clock = new FakeClock()
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, {
      lists: { 'certificate_id=500@0': [page([{ id: '8101', certificate: certificate('500') }])] },
      lookups: {
        '8101': [order('8101', people({ additionalEmails: ['bad', 'ok@example.com'] }))]
      }
    })
    await runPlan(byCertificate(['500'], { ...roles, log }), api, clock)
    expect(of('warning').map(l => l.message)).toEqual([
      'certificate 500: order 8101: additional emails "bad": it is not an email address (it needs exactly one @); left out'
    ])
  })
})
