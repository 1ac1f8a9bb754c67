// An order's notes on CertCentral's side (deliver-once): the path, the notes list and the Add note
// answer read tolerantly and bounded (note-bodies.ts), a note's failures judged (answers.ts, with
// the note's own words and hint), and the client's listNotes (a look-up) and addNote (a write)
// over a transport that answers from the test.
import { describe, expect, it } from 'vitest'
import { orderNotesPath } from '../../../src/certcentral/api.js'
import { explainFailure, judge, notANoteAnswer } from '../../../src/certcentral/answers.js'
import { CertCentralClient } from '../../../src/certcentral/client.js'
import {
  CertCentralError,
  MAY_HAVE_BEEN_SENT,
  MAY_HAVE_BEEN_WRITTEN
} from '../../../src/certcentral/errors.js'
import { NOTES_REFUSED_HINT, hintFor, refusesNotes } from '../../../src/certcentral/hints.js'
import {
  MAX_NOTES_READ,
  MAX_NOTE_TEXT_CHARS,
  parseAddedNote,
  parseNoteList,
  parseOrderInfoNotes
} from '../../../src/certcentral/note-bodies.js'
import { TransportError, type RawResponse } from '../../../src/certcentral/transport.js'
import { Sanitizer } from '../../../src/sanitize.js'

const KEY = 'K7QX2M9ZP4RT8WL5NC3HV6JB1DF0GSYA'
const sanitizer = new Sanitizer([KEY])
const idInput = 'certificate-id'
const host = 'www.digicert.com'

const response = (status: number, text = '', more: Partial<RawResponse> = {}): RawResponse => ({
  status,
  headers: {},
  text,
  truncated: false,
  ...more
})

const NOTE = {
  id: 4512,
  date_created: '2026-12-01T06:00:05+00:00',
  text: 'a note',
  user: { id: 7, first_name: 'A', last_name: 'B', email: 'a@example.com' }
}

describe('the notes path', () => {
  it('is below the order', () => {
    expect(orderNotesPath('8101')).toBe('/order/certificate/8101/note')
  })

  it.each(['', '81a', '../1', '1/2', ' 1'])('refuses %j', id => {
    expect(() => orderNotesPath(id)).toThrow(
      `refusing to build a URL with the ID ${JSON.stringify(id)}`
    )
  })
})

describe('the constants', () => {
  it('keeps their values', () => {
    expect({ MAX_NOTES_READ, MAX_NOTE_TEXT_CHARS }).toEqual({
      MAX_NOTES_READ: 1000,
      MAX_NOTE_TEXT_CHARS: 20_000
    })
  })
})

describe('parseNoteList', () => {
  it('reads DigiCert’s list, in its order', () => {
    const body = JSON.stringify({ notes: [NOTE, { ...NOTE, id: '4511', date_created: undefined }] })
    expect(parseNoteList(body)).toEqual([
      { id: '4512', text: 'a note', dateCreated: '2026-12-01T06:00:05+00:00' },
      { id: '4511', text: 'a note', dateCreated: undefined }
    ])
  })

  it.each<[string, string, unknown]>([
    ['an empty list', '{"notes":[]}', []],
    ['no notes at all', '{}', []],
    ['notes that are not a list', '{"notes":{"id":1}}', undefined],
    ['notes that are text', '{"notes":"none"}', undefined],
    ['DigiCert’s errors', '{"errors":[{"code":"x","message":"y"}],"notes":[]}', undefined],
    ['an array', '[]', undefined],
    ['null', 'null', undefined],
    ['HTML', '<html></html>', undefined],
    ['an empty body', '', undefined],
    [
      'entries without a usable ID or a text',
      JSON.stringify({
        notes: [
          { ...NOTE, id: 0 },
          { ...NOTE, id: -1 },
          { ...NOTE, id: 'x' },
          { ...NOTE, id: undefined },
          { ...NOTE, text: 5 },
          { ...NOTE, text: null },
          { ...NOTE, text: undefined },
          null,
          'note',
          [NOTE],
          { ...NOTE, id: 3, text: '', date_created: 5 }
        ]
      }),
      [{ id: '3', text: '', dateCreated: undefined }]
    ]
  ])('%s', (_, body, expected) => {
    expect(parseNoteList(body)).toEqual(expected)
  })

  it(`reads at most ${MAX_NOTES_READ} notes, each text cut at ${MAX_NOTE_TEXT_CHARS} characters`, () => {
    const notes = Array.from({ length: MAX_NOTES_READ + 5 }, (_, i) => ({ id: i + 1, text: 'x' }))
    const read = parseNoteList(JSON.stringify({ notes }))
    expect(read).toHaveLength(MAX_NOTES_READ)
    expect(read?.at(-1)?.id).toBe(String(MAX_NOTES_READ))
    const long = parseNoteList(
      JSON.stringify({ notes: [{ id: 1, text: 'y'.repeat(MAX_NOTE_TEXT_CHARS + 1) }] })
    )
    expect(long?.[0]?.text).toBe('y'.repeat(MAX_NOTE_TEXT_CHARS))
  })

  it('keeps hostile text as it came (the caller sanitizes what it shows)', () => {
    const text = '::error::x\r\n\u202e' + 'z'.repeat(10_000)
    expect(parseNoteList(JSON.stringify({ notes: [{ id: 1, text }] }))?.[0]?.text).toBe(text)
  })
})

describe('parseOrderInfoNotes', () => {
  it.each<[string, unknown, unknown]>([
    [
      'an Order info with notes',
      { id: 1, status: 'issued', notes: [NOTE] },
      [{ id: '4512', text: 'a note', dateCreated: '2026-12-01T06:00:05+00:00' }]
    ],
    ['an Order info with no notes', { id: 1, status: 'issued', notes: [] }, []],
    ['an Order info without notes: unknown, not none', { id: 1, status: 'issued' }, undefined],
    ['notes that are not a list', { id: 1, notes: {} }, undefined],
    ['not an object', [NOTE], undefined]
  ])('%s', (_, body, expected) => {
    expect(parseOrderInfoNotes(JSON.stringify(body))).toEqual(expected)
  })

  it('is undefined for a body that is no JSON', () => {
    expect(parseOrderInfoNotes('<html>')).toBeUndefined()
  })
})

describe('parseAddedNote', () => {
  it.each<[string, string, unknown]>([
    [
      'DigiCert’s answer',
      JSON.stringify(NOTE),
      { id: '4512', dateCreated: '2026-12-01T06:00:05+00:00' }
    ],
    ['an ID as digits, no date', '{"id":"77"}', { id: '77', dateCreated: undefined }],
    ['a date that is no text', '{"id":77,"date_created":1}', { id: '77', dateCreated: undefined }],
    ['no ID', '{"text":"x"}', undefined],
    ['an ID of 0', '{"id":0}', undefined],
    ['an ID that is no number', '{"id":"x"}', undefined],
    ['an empty object', '{}', undefined],
    ['an empty body', '', undefined],
    ['DigiCert’s errors with an ID', '{"id":5,"errors":[]}', undefined],
    ['an array', '[{"id":5}]', undefined],
    ['text', 'created', undefined]
  ])('%s', (_, body, expected) => {
    expect(parseAddedNote(body)).toEqual(expected)
  })
})

describe('hints for notes', () => {
  it('a note’s missing permission says notes may not be added', () => {
    expect(NOTES_REFUSED_HINT).toBe(
      "the API key's user may not add notes to orders: use a key whose user may (not View Only), or turn deliver-once off"
    )
    expect(hintFor(['access_denied|missing_permission'], { idInput, request: 'note' })).toBe(
      NOTES_REFUSED_HINT
    )
    expect(hintFor(['access_denied|missing_permission'], { idInput })).toMatch(/^a View Only key/)
  })

  it.each<[number | null, string[], boolean]>([
    [403, ['access_denied|missing_permission'], true],
    [403, [], true],
    [403, ['forbidden'], true],
    [403, ['access_denied|access_denied_invalid_key'], false],
    [403, ['access_denied'], false],
    [401, [], false],
    [404, ['access_denied|missing_permission'], false],
    [null, [], false]
  ])('refusesNotes(%s, %j): %s', (status, codes, expected) => {
    expect(refusesNotes(status, codes)).toBe(expected)
  })
})

describe('a note’s failures judged', () => {
  const judged = (status: number, text: string, request?: 'note'): CertCentralError =>
    judge({
      response: response(status, text),
      sends: true,
      sanitizer,
      idInput,
      request,
      host,
      wallNow: () => 0
    })
  const errorsBody = (code: string): string => JSON.stringify({ errors: [{ code, message: 'no' }] })

  it.each<[string, number, string, string, string | undefined]>([
    [
      'a missing permission',
      403,
      errorsBody('access_denied|missing_permission'),
      'permission',
      NOTES_REFUSED_HINT
    ],
    ['a 403 without codes', 403, '', 'http', NOTES_REFUSED_HINT],
    ['a 403 with another code', 403, errorsBody('forbidden'), 'http', NOTES_REFUSED_HINT],
    [
      'a refused key',
      403,
      errorsBody('access_denied|access_denied_invalid_key'),
      'key-refused',
      'the API key is wrong, revoked or expired: create one in CertCentral (Automation › API keys) and update the secret'
    ],
    [
      'a 400',
      400,
      errorsBody('required_param:text'),
      'http',
      'DigiCert expected text: set the input behind it'
    ]
  ])('%s', (_, status, text, kind, hint) => {
    const failure = judged(status, text, 'note')
    expect({ kind: failure.kind, hint: failure.hint }).toEqual({ kind, hint })
  })

  it('a send’s 403 without codes gets no notes hint', () => {
    expect(judged(403, '').hint).toBeUndefined()
  })

  it('a note’s 500 may have written the note; a send’s may have sent', () => {
    expect(judged(500, '', 'note').message).toBe(`HTTP 500 (${MAY_HAVE_BEEN_WRITTEN}): empty body`)
    expect(judged(500, '').message).toBe(`HTTP 500 (${MAY_HAVE_BEEN_SENT}): empty body`)
    expect(MAY_HAVE_BEEN_WRITTEN).toBe(
      "the note may have been written: check the order's notes in CertCentral"
    )
  })

  it('a note’s timeout and reset say the note may have been written', () => {
    const explained = (kind: 'timeout' | 'network', request?: 'note'): string =>
      explainFailure({
        error: new TransportError({
          kind,
          status: null,
          code: 'ECODE',
          detail: 'd',
          reached: true
        }),
        sends: true,
        sanitizer,
        host,
        timeoutMs: 2500,
        request
      }).message
    expect(explained('timeout', 'note')).toBe(
      `timed out after 2.5 s waiting for ${host}; ${MAY_HAVE_BEEN_WRITTEN}, or raise timeout-seconds`
    )
    expect(explained('network', 'note')).toBe(
      `the connection to ${host} failed (ECODE: d); check the runner's network, proxy and api-url; ${MAY_HAVE_BEEN_WRITTEN}`
    )
    expect(explained('timeout')).toContain(MAY_HAVE_BEEN_SENT)
  })
})

describe('notANoteAnswer', () => {
  const judged = (more: Partial<RawResponse>): CertCentralError | undefined =>
    notANoteAnswer({ response: response(201, '', more), sanitizer, idInput })

  it('takes DigiCert’s answer', () => {
    expect(judged({ text: JSON.stringify(NOTE) })).toBeUndefined()
    expect(judged({ status: 200, text: '{"id":1}' })).toBeUndefined()
  })

  it.each<[string, Partial<RawResponse>, string]>([
    ['an empty body', {}, 'empty body'],
    ['{}', { text: '{}' }, 'body: {}'],
    ['no ID', { text: '{"text":"x"}' }, 'body: {"text":"x"}'],
    [
      'HTML with an ID',
      { text: '{"id":1}', headers: { 'content-type': 'text/html' } },
      'body: {"id":1}'
    ],
    [
      'a cut-off body',
      { text: '{"id":1}', truncated: true },
      'body (cut off after 64 KiB): {"id":1}'
    ],
    ['a key in the body', { text: `{"echo":"${KEY}"}` }, 'body: {"echo":"***"}']
  ])('refuses %s: the note may have been written', (_, more, body) => {
    const failure = judged(more) as CertCentralError
    expect(failure).toBeInstanceOf(CertCentralError)
    expect({ kind: failure.kind, status: failure.status, message: failure.message }).toEqual({
      kind: 'bad-success',
      status: 201,
      message: `HTTP 201, an answer CertCentral does not give to Add note (${MAY_HAVE_BEEN_WRITTEN}): ${body}; check api-url and the network`
    })
  })

  it('DigiCert’s errors in a 2xx: their codes and hint', () => {
    const text = JSON.stringify({
      errors: [{ code: 'access_denied|missing_permission', message: 'no' }]
    })
    const failure = judged({ text }) as CertCentralError
    expect(failure.codes).toEqual(['access_denied|missing_permission'])
    expect(failure.hint).toBe(NOTES_REFUSED_HINT)
    expect(failure.message.endsWith(`; check api-url and the network; ${NOTES_REFUSED_HINT}`)).toBe(
      true
    )
  })
})

describe('the client', () => {
  interface Asked {
    method: string
    url: string
    headers: Record<string, string>
    body: string | undefined
  }
  const make = (answer: RawResponse | TransportError) => {
    const asked: Asked[] = []
    const logs: string[] = []
    const client = new CertCentralClient({
      baseUrl: 'https://www.digicert.com/services/v2',
      apiKey: KEY,
      idInput,
      timeoutMs: 2500,
      transport: {
        request: (method, url, headers, body) => {
          asked.push({ method, url: url.href, headers, body })
          return answer instanceof TransportError ? Promise.reject(answer) : Promise.resolve(answer)
        }
      },
      sanitizer,
      log: { debug: message => void logs.push(message) },
      clock: { now: () => 0, wallNow: () => 0 }
    })
    return { client, asked, logs }
  }

  it('listNotes: GET on the order’s notes, the list read', async () => {
    const { client, asked, logs } = make(response(200, JSON.stringify({ notes: [NOTE] })))
    await expect(client.listNotes('8101', 2)).resolves.toEqual({
      status: 200,
      notes: [{ id: '4512', text: 'a note', dateCreated: '2026-12-01T06:00:05+00:00' }]
    })
    expect(asked).toEqual([
      {
        method: 'GET',
        url: 'https://www.digicert.com/services/v2/order/certificate/8101/note',
        headers: { 'X-DC-DEVKEY': KEY, Accept: 'application/json' },
        body: undefined
      }
    ])
    expect(logs).toEqual([
      'GET https://www.digicert.com/services/v2/order/certificate/8101/note attempt 2: HTTP 200 in 0 ms'
    ])
  })

  it('listNotes: a body that is no list is a bad success', async () => {
    const { client } = make(response(200, '{"notes":"none"}'))
    await expect(client.listNotes('8101', 1)).rejects.toMatchObject({
      kind: 'bad-success',
      message:
        'HTTP 200: the notes of order 8101 are no list (body: {"notes":"none"}); check api-url'
    })
  })

  it('listNotes: a 500 is a look-up’s failure (nothing written)', async () => {
    const { client } = make(response(500, ''))
    await expect(client.listNotes('8101', 1)).rejects.toMatchObject({
      kind: 'http',
      message: 'HTTP 500: empty body'
    })
  })

  it('addNote: POST of the text as JSON, the note made read', async () => {
    const { client, asked } = make(response(201, JSON.stringify(NOTE)))
    await expect(client.addNote('8101', 'line 1\nline 2', 1)).resolves.toEqual({
      status: 201,
      note: { id: '4512', dateCreated: '2026-12-01T06:00:05+00:00' }
    })
    expect(asked).toEqual([
      {
        method: 'POST',
        url: 'https://www.digicert.com/services/v2/order/certificate/8101/note',
        headers: {
          'X-DC-DEVKEY': KEY,
          Accept: 'application/json',
          'Content-Type': 'application/json'
        },
        body: '{"text":"line 1\\nline 2"}'
      }
    ])
  })

  it('addNote: a 2xx that is not Add note’s answer may have written the note', async () => {
    const { client } = make(response(200, ''))
    await expect(client.addNote('8101', 'x', 1)).rejects.toMatchObject({
      kind: 'bad-success',
      message: `HTTP 200, an answer CertCentral does not give to Add note (${MAY_HAVE_BEEN_WRITTEN}): empty body; check api-url and the network`
    })
  })

  it.each<[string, RawResponse | TransportError, object]>([
    [
      'a 403',
      response(
        403,
        JSON.stringify({
          errors: [{ code: 'access_denied|missing_permission', message: 'Access denied' }]
        })
      ),
      {
        kind: 'permission',
        status: 403,
        hint: NOTES_REFUSED_HINT,
        message: `HTTP 403: access_denied|missing_permission: Access denied; ${NOTES_REFUSED_HINT}`
      }
    ],
    [
      'a 500',
      response(500, ''),
      { kind: 'http', message: `HTTP 500 (${MAY_HAVE_BEEN_WRITTEN}): empty body` }
    ],
    ['a 429', response(429, ''), { kind: 'rate-limited', status: 429 }],
    [
      'a timeout',
      new TransportError({
        kind: 'timeout',
        status: null,
        code: 'ETIMEDOUT',
        detail: 'd',
        reached: true
      }),
      {
        kind: 'timeout',
        message: `timed out after 2.5 s waiting for www.digicert.com; ${MAY_HAVE_BEEN_WRITTEN}, or raise timeout-seconds`
      }
    ]
  ])('addNote: %s', async (_, answer, expected) => {
    const { client } = make(answer)
    await expect(client.addNote('8101', 'x', 1)).rejects.toMatchObject(expected)
  })

  it('refuses an order ID that is not digits before any request', async () => {
    const { client, asked } = make(response(201, JSON.stringify(NOTE)))
    await expect(client.addNote('81/01', 'x', 1)).rejects.toThrow('refusing to build a URL')
    await expect(client.listNotes('', 1)).rejects.toThrow('refusing to build a URL')
    expect(asked).toEqual([])
  })
})
