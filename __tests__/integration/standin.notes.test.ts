// The stand-in's order notes (standin/notes.js): Add note's 201 and the list newest first, the
// modes that refuse notes (403), fail them (500) and carry hostile notes, a view-only key, the
// recorded requests showing each note; and the client's listNotes and addNote against it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CertCentralClient } from '../../src/certcentral/client.js'
import { MAY_HAVE_BEEN_WRITTEN } from '../../src/certcentral/errors.js'
import { NOTES_REFUSED_HINT } from '../../src/certcentral/hints.js'
import { Transport } from '../../src/certcentral/transport.js'
import { deliveredBefore, formatDeliveryNote } from '../../src/run/delivery-notes.js'
import { Sanitizer } from '../../src/sanitize.js'
import { startStandIn, VIEW_ONLY_KEY } from '../../standin/certcentral-standin.js'
import { FIRST_NOTE_ID, NOTE_USER, noteDate } from '../../standin/notes.js'
import { freshId, type StandIn } from '../support/standin.js'

let standIn: StandIn
const transports: Transport[] = []
beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(async () => {
  for (const transport of transports) transport.dispose()
  await standIn.close()
})

const notePath = (orderId: string): string => `/services/v2/order/certificate/${orderId}/note`

async function call(
  on: StandIn,
  method: string,
  path: string,
  body?: string,
  key: string = on.apiKey
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'X-DC-DEVKEY': key }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(`${on.origin}${path}`, { method, headers, body })
  const text = await res.text()
  return { status: res.status, json: text === '' ? '' : JSON.parse(text) }
}

function client(on: StandIn): CertCentralClient {
  const transport = new Transport({
    timeoutMs: 5000,
    userAgent: 'certcentral-email-action/test',
    maxSockets: 4,
    proxyFor: () => undefined
  })
  transports.push(transport)
  return new CertCentralClient({
    baseUrl: on.baseUrl,
    apiKey: on.apiKey,
    idInput: 'order-id',
    timeoutMs: 5000,
    transport,
    sanitizer: new Sanitizer([on.apiKey]),
    log: { debug: () => undefined }
  })
}

describe('order notes', () => {
  it('Add note answers 201 with the note; the list has it, newest first', async () => {
    const order = freshId()
    const before = Date.now()
    const first = await call(standIn, 'POST', notePath(order), '{"text":"first"}')
    const second = await call(standIn, 'POST', notePath(order), '{"text":"second"}')
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ text: 'first', user: NOTE_USER })
    const { id, date_created } = first.json as { id: number; date_created: string }
    expect(id).toBeGreaterThanOrEqual(FIRST_NOTE_ID)
    expect((second.json as { id: number }).id).toBe(id + 1)
    expect(date_created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/)
    expect(Date.parse(date_created)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    const listed = await call(standIn, 'GET', notePath(order))
    expect(listed.status).toBe(200)
    expect((listed.json as { notes: { text: string }[] }).notes.map(n => n.text)).toEqual([
      'second',
      'first'
    ])
    expect(standIn.notes(order).map(n => n.text)).toEqual(['second', 'first'])
  })

  it('an order without notes lists none; notes are per order', async () => {
    const [a, b] = [freshId(), freshId()]
    await call(standIn, 'POST', notePath(a), '{"text":"on a"}')
    expect((await call(standIn, 'GET', notePath(b))).json).toEqual({ notes: [] })
  })

  it('records each note written, with its text', async () => {
    const order = freshId()
    await call(standIn, 'POST', notePath(order), JSON.stringify({ text: 'line 1\nline 2' }))
    const recorded = standIn.requests.filter(r => r.id === order)
    expect(recorded.map(r => [r.method, r.path, r.status, r.body])).toEqual([
      ['POST', notePath(order), 201, { text: 'line 1\nline 2' }]
    ])
  })

  it.each<[string, string, number, unknown]>([
    [
      'no text',
      '{}',
      400,
      { errors: [{ code: 'required_param:note', description: 'Note is required' }] }
    ],
    [
      'an empty text',
      '{"text":"  "}',
      400,
      { errors: [{ code: 'required_param:note', description: 'Note is required' }] }
    ],
    [
      'a text that is no string',
      '{"text":5}',
      400,
      { errors: [{ code: 'required_param:note', description: 'Note is required' }] }
    ],
    [
      'no JSON',
      'text',
      400,
      { errors: [{ code: 'bad_request_format', message: 'The request body is not valid JSON.' }] }
    ]
  ])('refuses a note with %s, keeping nothing', async (_, body, status, json) => {
    const order = freshId()
    expect(await call(standIn, 'POST', notePath(order), body)).toEqual({ status, json })
    expect(standIn.notes(order)).toEqual([])
  })

  it('a view-only key may list notes but not add one', async () => {
    const order = freshId()
    expect((await call(standIn, 'GET', notePath(order), undefined, VIEW_ONLY_KEY)).status).toBe(200)
    const added = await call(standIn, 'POST', notePath(order), '{"text":"x"}', VIEW_ONLY_KEY)
    expect(added.status).toBe(403)
    expect(standIn.notes(order)).toEqual([])
  })

  it('a person’s note, added by the test, is listed with its date', async () => {
    const order = freshId()
    const ms = Date.UTC(2026, 10, 30, 8, 15, 0)
    standIn.addNote(order, 'Sent by hand', ms)
    expect(standIn.notes(order)).toMatchObject([
      { text: 'Sent by hand', date_created: '2026-11-30T08:15:00+00:00' }
    ])
    expect(noteDate(ms)).toBe('2026-11-30T08:15:00+00:00')
  })
})

describe('the notes modes', () => {
  let moded: StandIn
  beforeAll(async () => {
    moded = await startStandIn({ notesMode: 'refuse' })
  })
  afterAll(async () => {
    await moded.close()
  })

  it('refuse: every Add note is a 403 missing_permission, nothing kept; lists still answer', async () => {
    moded.setNotesMode('refuse')
    const order = freshId()
    expect(await call(moded, 'POST', notePath(order), '{"text":"x"}')).toEqual({
      status: 403,
      json: {
        errors: [
          {
            code: 'access_denied|missing_permission',
            message: 'You may not add notes to this order.'
          }
        ]
      }
    })
    expect((await call(moded, 'GET', notePath(order))).json).toEqual({ notes: [] })
  })

  it('fail: every Add note is a 500, nothing kept', async () => {
    moded.setNotesMode('fail')
    const order = freshId()
    expect((await call(moded, 'POST', notePath(order), '{"text":"x"}')).status).toBe(500)
    expect(moded.notes(order)).toEqual([])
  })

  it('hostile: lists carry hostile notes before the order’s own; Add note works', async () => {
    moded.setNotesMode('hostile')
    const order = freshId()
    expect((await call(moded, 'POST', notePath(order), '{"text":"mine"}')).status).toBe(201)
    const { notes } = (await call(moded, 'GET', notePath(order))).json as {
      notes: { text: unknown }[]
    }
    expect(notes.at(-1)?.text).toBe('mine')
    const texts = notes.map(n => String(n.text)).join('\n')
    for (const part of ['::error', '\r\n', '\u202e', '\u200b', 'x'.repeat(10 * 1024)])
      expect(texts).toContain(part)
  })

  it('hostile: no hostile note counts as a delivery, our own exact one does', async () => {
    moded.setNotesMode('hostile')
    const order = freshId()
    const asked = {
      certificateId: String(Number(order) + 1_000_000),
      serial: '0A1B2C',
      operation: 'send-certificate' as const
    }
    const hostile = (await client(moded).listNotes(order, 1)).notes
    // The entries without an ID or a text are skipped as the list is read.
    expect(hostile).toHaveLength(7)
    expect(deliveredBefore({ notes: hostile, ...asked }).size).toBe(0)
    const [ours] = formatDeliveryNote({
      ...asked,
      format: 'attachment',
      sentMs: Date.UTC(2026, 11, 1, 6),
      run: undefined,
      attempt: undefined,
      recipients: ['ops@example.com']
    })
    moded.addNote(order, ours as string)
    const notes = (await client(moded).listNotes(order, 1)).notes
    expect([...deliveredBefore({ notes, ...asked }).keys()]).toEqual(['ops@example.com'])
  })

  it('refuses an unknown mode', () => {
    expect(() => moded.setNotesMode('odd' as 'fail')).toThrow(
      'notes mode odd: expected one of refuse, fail, hostile'
    )
  })
})

describe('the client against the stand-in', () => {
  const record = (recipients: string[]) => ({
    operation: 'send-certificate' as const,
    certificateId: '1234567',
    serial: '0A1B2C',
    format: 'attachment',
    sentMs: Date.UTC(2026, 11, 1, 6),
    run: 'https://github.com/o/r/actions/runs/1',
    attempt: 1,
    recipients
  })

  it('a note written by addNote is read back by listNotes as a delivery', async () => {
    const order = freshId()
    const cc = client(standIn)
    const [text] = formatDeliveryNote(record(['a@example.com']))
    const added = await cc.addNote(order, text as string, 1)
    expect(added.status).toBe(201)
    const { notes } = await cc.listNotes(order, 1)
    expect(notes).toEqual([{ id: added.note.id, text, dateCreated: added.note.dateCreated }])
    const found = deliveredBefore({
      notes,
      certificateId: '1234567',
      serial: '0A1B2C',
      operation: 'send-certificate'
    })
    expect(found.get('a@example.com')).toEqual({
      noteId: added.note.id,
      sent: '2026-12-01T06:00:00Z'
    })
  })

  it('notes refused: a 403 with the hint; failing: may have been written', async () => {
    const moded = await startStandIn({ notesMode: 'refuse' })
    try {
      await expect(client(moded).addNote(freshId(), 'x', 1)).rejects.toMatchObject({
        kind: 'permission',
        status: 403,
        hint: NOTES_REFUSED_HINT
      })
      moded.setNotesMode('fail')
      await expect(client(moded).addNote(freshId(), 'x', 1)).rejects.toMatchObject({
        kind: 'http',
        status: 500,
        message: `HTTP 500 (${MAY_HAVE_BEEN_WRITTEN}): internal_error: `
      })
    } finally {
      await moded.close()
    }
  })
})
