// The scheduler with deliver-once (issue 25) on the virtual clock, against a scripted CertCentral
// that keeps the notes written: the order's notes read before the call, recipients a note of ours
// names left out (all: skipped, nothing sent), one note written after each send; a note not
// written leaves the ID sent with recorded false, a note refused with 403 stops the run before
// the next send, and a stop still lets the sends already made be recorded.
import { describe, expect, it } from 'vitest'
import type { OrderInfo } from '../../../src/certcentral/bodies.js'
import type { NoteEntry } from '../../../src/certcentral/note-bodies.js'
import { formatDeliveryNote, KEY_OWNER } from '../../../src/run/delivery-notes.js'
import type { Operation } from '../../../src/operations.js'
import { gateOf } from '../../../src/run/port.js'
import { runPlan } from '../../../src/run/scheduler.js'
import type { RunOptions } from '../../../src/run/scheduler.js'
import { FakeClock, recordLog } from '../../support/clock.js'
import {
  BODY,
  ScriptedApi,
  badGateway,
  badRequest,
  byCertificate,
  byOrder,
  certificate,
  keyRefused,
  missingPermission,
  page,
  people,
  rateLimited,
  type Script
} from '../../support/scripted-certcentral.js'
import { certificateOf } from '../../support/standin.js'

/** 2026-12-01T06:00:00Z: the wall clock at virtual time 0. */
const WALL = Date.UTC(2026, 11, 1, 6, 0, 0)
const LINK = 'https://github.com/acme/certs/actions/runs/789'

/** An issued order whose certificate is certificateOf(orderId), with its serial. */
const issued = (orderId: string, serial = `A${orderId}`): OrderInfo => ({
  status: 'issued',
  certificateId: certificateOf(orderId),
  commonName: `${orderId}.example.com`,
  validTill: '2027-01-01',
  orderId,
  serialNumber: serial
})

/** Our note's text for order's certificate, sent to these, at this wall time. */
const ours = (
  orderId: string,
  recipients: string[],
  {
    sentMs = WALL,
    serial = `A${orderId}`,
    operation = 'send-certificate' as Operation
  }: { sentMs?: number; serial?: string; operation?: Operation } = {}
): string =>
  formatDeliveryNote({
    operation,
    certificateId: certificateOf(orderId),
    serial,
    format: operation === 'email-site-seal' ? 'site seal' : 'attachment',
    sentMs,
    run: LINK,
    attempt: 1,
    recipients
  })[0] as string

const note = (id: string, text: string): NoteEntry => ({ id, text, dateCreated: undefined })

/** A send-certificate run by order ID with deliver-once, each order issued with its serial. */
function setUp(
  ids: string[],
  script: Script = {},
  more: Partial<RunOptions> = {}
): { clock: FakeClock; api: ScriptedApi; options: RunOptions } {
  const clock = new FakeClock(0.5, WALL)
  const lookups = Object.fromEntries(ids.map(id => [id, [issued(id)]]))
  const api = new ScriptedApi(clock, { lookups, ...script })
  const options = byOrder(ids, {
    deliverOnce: true,
    runLink: LINK,
    runAttempt: 1,
    emails: BODY.emails,
    ...more
  })
  return { clock, api, options }
}

describe('runPlan with deliver-once', () => {
  it('reads the notes before the call and writes one note after the send', async () => {
    const { clock, api, options } = setUp(['8101'])
    const log = recordLog(clock)
    const outcome = await runPlan({ ...options, log: log.log }, api, clock)
    // emails alone, no role: nothing read of the order's people, nothing to warn of.
    expect(log.of('warning')).toEqual([])
    expect(api.trail()).toEqual([
      'lookup 8101',
      'notes 8101',
      `send ${certificateOf('8101')}`,
      'note 8101'
    ])
    expect(api.calls.at(-1)?.text).toBe(ours('8101', ['ops@example.com']))
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true, attempts: 1 })
  })

  it('a second run skips what the first recorded: nothing sent, why said', async () => {
    const { clock, api, options } = setUp(['8101'])
    await runPlan(options, api, clock)
    const before = api.calls.length
    const log = recordLog(clock)
    const again = await runPlan({ ...options, log: log.log }, api, clock)
    expect(api.trail().slice(before)).toEqual(['lookup 8101', 'notes 8101'])
    expect(again.results[0]).toMatchObject({
      fate: 'skipped',
      skipReason: 'sent to its recipient on 2026-12-01, note 9001'
    })
    expect(again.results[0]?.recorded).toBeUndefined()
    expect(log.of('info').map(l => l.message)).toEqual([
      'order 8101: sent to its recipient on 2026-12-01, note 9001'
    ])
  })

  it('sends only to the recipients no note of ours names, and records them', async () => {
    const { clock, api, options } = setUp(
      ['8101'],
      { notes: { '8101': [[note('77', ours('8101', ['A@example.com']))]] } },
      {
        body: { ...BODY, emails: ['a@example.com', 'b@example.com'] },
        emails: ['a@example.com', 'b@example.com']
      }
    )
    const outcome = await runPlan(options, api, clock)
    expect(api.sends().map(c => c.body)).toEqual([{ ...BODY, emails: ['b@example.com'] }])
    expect(api.calls.at(-1)?.text).toBe(ours('8101', ['b@example.com']))
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true, sentTo: 1 })
  })

  it.each([
    ['another certificate', ours('8101', ['ops@example.com'], { serial: 'B8101' })],
    [
      'the other operation',
      ours('8101', ['ops@example.com']).replace('send-certificate', 'email-site-seal')
    ],
    ['a near-copy', ours('8101', ['ops@example.com']).replace('\nrun:', '\nrun :')],
    ['a near-copy with a trailing line', `${ours('8101', ['ops@example.com'])}\n`],
    ["a person's note", 'sent to ops@example.com already']
  ])('ignores %s: sent again', async (_, text) => {
    const { clock, api, options } = setUp(['8101'], { notes: { '8101': [[note('5', text)]] } })
    const outcome = await runPlan(options, api, clock)
    expect(api.sends()).toHaveLength(1)
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true })
  })

  it('knows a recipient whatever its case', async () => {
    const text = ours('8101', ['OPS@Example.com'])
    const { clock, api, options } = setUp(['8101'], { notes: { '8101': [[note('5', text)]] } })
    const outcome = await runPlan(options, api, clock)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]?.fate).toBe('skipped')
  })

  it('a note not written: sent, recorded false, the note never repeated, the run goes on', async () => {
    const { clock, api, options } = setUp(['8101', '8102'], {
      noteWrites: { '8101': [badGateway()] }
    })
    const log = recordLog(clock)
    const outcome = await runPlan({ ...options, log: log.log }, api, clock)
    expect(api.calls.filter(c => c.kind === 'note').map(c => c.id)).toEqual(['8101', '8102'])
    expect(outcome.results.map(r => [r.fate, r.recorded])).toEqual([
      ['sent', false],
      ['sent', true]
    ])
    expect(outcome.stop).toBeUndefined()
    expect(log.of('info').map(l => l.message)).toContain(
      'order 8101: sent, but not recorded on order 8101: HTTP 502: empty body'
    )
  })

  it('a note that cannot be made (no wall clock to date it): sent, recorded false, why said', async () => {
    const clock = new FakeClock(0.5, Number.NaN)
    const api = new ScriptedApi(clock, { lookups: { '8101': [issued('8101')] } })
    const log = recordLog(clock)
    const options = byOrder(['8101'], { deliverOnce: true, emails: BODY.emails, log: log.log })
    const outcome = await runPlan(options, api, clock)
    expect(api.calls.filter(c => c.kind === 'note')).toEqual([])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: false })
    expect(log.of('info').map(l => l.message)).toContain(
      'order 8101: sent, but not recorded on order 8101: a delivery record with an unusable time'
    )
  })

  it('a note answered 429 is retried after the pause, within max-retries', async () => {
    const { clock, api, options } = setUp(
      ['8101'],
      { noteWrites: { '8101': [rateLimited(2), 201] } },
      { maxRetries: 1 }
    )
    const outcome = await runPlan(options, api, clock)
    const notes = api.calls.filter(c => c.kind === 'note')
    expect(notes.map(c => [c.attempt, c.at])).toEqual([
      [1, 0],
      [2, 2000]
    ])
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true, attempts: 1 })
  })

  it('a note refused with 403 stops the run before the next send: the rest unsent, why and the fix', async () => {
    const ids = ['8101', '8102', '8103', '8104', '8105', '8106']
    // The key's user may add notes to no order.
    const noteWrites = Object.fromEntries(ids.map(id => [id, [missingPermission()]]))
    const { clock, api, options } = setUp(ids, { noteWrites })
    const outcome = await runPlan(options, api, clock)
    const refusedAt = api.calls.findIndex(c => c.kind === 'note')
    expect(api.calls.slice(refusedAt + 1).filter(c => c.kind === 'send')).toEqual([])
    expect(outcome.stop?.reason).toBe('notes-refused')
    expect(outcome.stop?.message).toContain('use a key whose user may (not View Only)')
    // Sends already made by then (IDs go four at a time) are sent, their notes refused too.
    const sent = outcome.results.filter(r => r.fate === 'sent')
    expect(sent.map(r => r.recorded)).toEqual(sent.map(() => false))
    expect(sent.length).toBe(api.sends().length)
    const left = outcome.results.filter(r => r.fate !== 'sent')
    expect(left.length).toBeGreaterThanOrEqual(2)
    for (const result of left) {
      expect(result.fate).toBe('unsent')
      expect(result.error).toContain(
        "CertCentral refused deliver-once's note after order 8101 was sent (HTTP 403): the API key's user may not add notes to orders: use a key whose user may (not View Only), or turn deliver-once off; then send it again"
      )
      expect(result.attempts).toBe(0)
    }
  })

  it('a refused key on a note stops the run as a refused key', async () => {
    const { clock, api, options } = setUp(['8101', '8102'], {
      noteWrites: { '8101': [keyRefused()] }
    })
    const outcome = await runPlan({ ...options, concurrency: 1 }, api, clock)
    expect(outcome.stop?.reason).toBe('key-refused')
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: false })
  })

  it('a stop ends new sends, not the note of a send already made', async () => {
    const [a, b] = ['8101', '8102']
    const { clock, api, options } = setUp([a, b], {
      sends: { [certificateOf(b)]: [rateLimited()] },
      latencyMs: { [certificateOf(a)]: 1000 }
    })
    const outcome = await runPlan(options, api, clock)
    expect(outcome.stop?.reason).toBe('rate-limited')
    const written = api.calls.filter(c => c.kind === 'note')
    expect(written.map(c => [c.id, c.at])).toEqual([[a, 1000]])
    expect(outcome.results.map(r => [r.fate, r.recorded])).toEqual([
      ['sent', true],
      ['unsent', undefined]
    ])
  })

  it("records a seal to the API key's user as such, and sends it no body", async () => {
    const { clock, api, options } = setUp(
      ['8101'],
      {},
      {
        operation: 'email-site-seal',
        body: undefined,
        emails: []
      }
    )
    const outcome = await runPlan(options, api, clock)
    expect(api.trail()).toEqual(['lookup 8101', 'notes 8101', 'send 8101', 'note 8101'])
    expect(api.sends()[0]?.body).toBeUndefined()
    expect(api.calls.at(-1)?.text).toContain(`format: site seal\n`)
    expect(api.calls.at(-1)?.text).toMatch(/\nrecipients: \(the API key's user\)$/)
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true })
    const again = await runPlan(options, api, clock)
    expect(again.results[0]?.skipReason).toBe('sent to its recipient on 2026-12-01, note 9001')
    expect(KEY_OWNER).toBe("(the API key's user)")
  })

  it('a seal to its people: one POST each for those left, one note for those reached', async () => {
    const who = people({ additionalEmails: ['x@example.com', 'y@example.com'] })
    const text = ours('8101', ['x@example.com'], { operation: 'email-site-seal' })
    const { clock, api, options } = setUp(
      ['8101'],
      {
        lookups: { '8101': [{ ...issued('8101'), people: who }] },
        notes: { '8101': [[note('3', text)]] }
      },
      { operation: 'email-site-seal', body: undefined, emails: [], roles: ['additional-emails'] }
    )
    const outcome = await runPlan(options, api, clock)
    expect(api.sends().map(c => c.body)).toEqual([{ recipient_email: 'y@example.com' }])
    expect(api.calls.at(-1)?.text).toMatch(/\nrecipients: y@example\.com$/)
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true, sentTo: 1 })
  })

  it('a seal refused for one of its people: failed, those sent recorded; a re-run mails only the rest', async () => {
    const who = people({ additionalEmails: ['x@example.com', 'y@example.com', 'z@example.com'] })
    const { clock, api, options } = setUp(
      ['8101'],
      {
        lookups: { '8101': [{ ...issued('8101'), people: who }] },
        sends: { '8101': [204, badRequest(), 204] }
      },
      { operation: 'email-site-seal', body: undefined, emails: [], roles: ['additional-emails'] }
    )
    const outcome = await runPlan(options, api, clock)
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      recorded: true,
      hint: 'run the step again once fixed: deliver-once recorded those sent, so only the others are mailed'
    })
    expect(api.calls.at(-1)?.text).toMatch(/\nrecipients: x@example\.com$/)
    const before = api.sends().length
    const again = await runPlan(options, api, clock)
    expect(
      api
        .sends()
        .slice(before)
        .map(c => c.body)
    ).toEqual([{ recipient_email: 'y@example.com' }, { recipient_email: 'z@example.com' }])
    expect(again.results[0]).toMatchObject({ fate: 'sent', recorded: true, sentTo: 2 })
  })

  it('a seal refused for one, its note not written: the hint says not to run it again', async () => {
    const who = people({ additionalEmails: ['x@example.com', 'y@example.com'] })
    const { clock, api, options } = setUp(
      ['8101'],
      {
        lookups: { '8101': [{ ...issued('8101'), people: who }] },
        sends: { '8101': [204, badRequest()] },
        noteWrites: { '8101': [badGateway()] }
      },
      { operation: 'email-site-seal', body: undefined, emails: [], roles: ['additional-emails'] }
    )
    const outcome = await runPlan(options, api, clock)
    expect(outcome.results[0]).toMatchObject({
      fate: 'failed',
      recorded: false,
      hint: 'send to those not sent by hand or with emails; running the step again would mail the others again'
    })
  })

  it("a certificate ID: its order listed and read, the serial its order's", async () => {
    const clock = new FakeClock(0.5, WALL)
    const api = new ScriptedApi(clock, {
      lists: { 'certificate_id=500@0': [page([{ id: '8101', certificate: certificate('500') }])] },
      lookups: { '8101': [{ ...issued('8101'), certificateId: '500', serialNumber: 'ABC' }] }
    })
    const outcome = await runPlan(byCertificate(['500'], { deliverOnce: true }), api, clock)
    expect(api.trail()).toEqual([
      'list certificate_id=500@0',
      'lookup 8101',
      'notes 8101',
      'send 500',
      'note 8101'
    ])
    expect(api.calls.at(-1)?.text).toContain('\ncertificate: 500 serial ABC\n')
    expect(outcome.results[0]).toMatchObject({ fate: 'sent', recorded: true, orderId: '8101' })
  })

  it("a certificate ID that is not its order's own: failed, nothing sent", async () => {
    const clock = new FakeClock(0.5, WALL)
    const api = new ScriptedApi(clock, {
      lists: { 'certificate_id=501@0': [page([{ id: '8101', certificate: certificate('500') }])] },
      lookups: { '8101': [{ ...issued('8101'), certificateId: '500', serialNumber: 'ABC' }] }
    })
    const outcome = await runPlan(byCertificate(['501'], { deliverOnce: true }), api, clock)
    expect(api.sends()).toEqual([])
    expect(outcome.results[0]?.fate).toBe('failed')
    expect(outcome.results[0]?.error).toContain('did not give the serial of certificate 501')
  })

  it('notes that cannot be read: nothing sent, the look-up failure reported', async () => {
    const { clock, api, options } = setUp(['8101'], { notes: { '8101': [badGateway()] } })
    const outcome = await runPlan(options, api, clock)
    expect(api.sends()).toEqual([])
    expect(api.calls.filter(c => c.kind === 'notes')).toHaveLength(3)
    expect(outcome.results[0]?.fate).not.toBe('sent')
    expect(outcome.results[0]?.error).toContain('HTTP 502')
  })

  it('without deliver-once: no notes read or written, no recorded field', async () => {
    const { clock, api, options } = setUp(['8101'], {}, { deliverOnce: false })
    const outcome = await runPlan(options, api, clock)
    expect(api.trail()).toEqual(['lookup 8101', `send ${certificateOf('8101')}`])
    expect(outcome.results[0]?.recorded).toBeUndefined()
  })
})

describe('gateOf', () => {
  it.each([
    ['send', 'send'],
    ['lookup', 'lookup'],
    ['note', 'send']
  ] as const)('puts a %s through the %s gates', (use, gate) => {
    expect(gateOf(use)).toBe(gate)
  })
})
