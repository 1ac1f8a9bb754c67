// deliver-once's note (delivery-notes.ts): a delivery formatted into parts and read back exactly,
// near-misses and hostile text refused, and what an order's notes say was delivered already.
import { describe, expect, it } from 'vitest'
import {
  KEY_OWNER,
  MAX_NOTE_PARTS,
  MAX_RUN_LINK_CHARS,
  NOTE_HEADING,
  NOTE_PART_CHARS,
  SEAL_FORMAT,
  deliveredBefore,
  formatDeliveryNote,
  noteTime,
  parseDeliveryNote,
  recipientsLeft,
  type DeliveryRecord,
  type OrderNote
} from '../../../src/run/delivery-notes.js'
import type { Operation } from '../../../src/operations.js'

const SENT_MS = Date.UTC(2026, 11, 1, 6, 0, 0)
const RUN = 'https://github.com/owner/repo/actions/runs/789'

const record = (more: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  operation: 'send-certificate',
  certificateId: '123456',
  serial: '0A1B2C',
  format: 'attachment',
  sentMs: SENT_MS,
  run: RUN,
  attempt: 2,
  recipients: ['a@example.com', 'b@example.com'],
  ...more
})

/** The one part of our own note, as the module's header shows it. */
const OURS = [
  'certcentral-email-action delivery record v1 (part 1 of 1)',
  'operation: send-certificate',
  'certificate: 123456 serial 0A1B2C',
  'format: attachment',
  'sent: 2026-12-01T06:00:00Z',
  'run: https://github.com/owner/repo/actions/runs/789 (attempt 2)',
  'recipients: a@example.com, b@example.com'
].join('\n')

/** OURS with line `index` (0 first) replaced. */
const withLine = (index: number, line: string): string => {
  const lines = OURS.split('\n')
  lines[index] = line
  return lines.join('\n')
}

describe('the constants', () => {
  it('keeps their values', () => {
    expect({ NOTE_HEADING, NOTE_PART_CHARS, MAX_NOTE_PARTS, MAX_RUN_LINK_CHARS }).toEqual({
      NOTE_HEADING: 'certcentral-email-action delivery record v1',
      NOTE_PART_CHARS: 2000,
      MAX_NOTE_PARTS: 999,
      MAX_RUN_LINK_CHARS: 400
    })
    expect(KEY_OWNER).toBe("(the API key's user)")
    expect(SEAL_FORMAT).toBe('site seal')
  })
})

describe('noteTime', () => {
  it.each([
    [SENT_MS, '2026-12-01T06:00:00Z'],
    [SENT_MS + 999, '2026-12-01T06:00:00Z'],
    [0, '1970-01-01T00:00:00Z']
  ])('%s ms: %s', (ms, expected) => {
    expect(noteTime({ ms })).toBe(expected)
  })
})

describe('formatDeliveryNote', () => {
  it('writes one part, exactly as documented', () => {
    expect(formatDeliveryNote(record())).toEqual([OURS])
  })

  it.each<[string, Partial<DeliveryRecord>, string]>([
    ['no attempt', { attempt: undefined }, `run: ${RUN}`],
    ['no run link', { run: undefined }, 'run: unknown'],
    ['no run link but an attempt', { run: undefined, attempt: 3 }, 'run: unknown'],
    ['a link with a space', { run: 'https://x.example/a b' }, 'run: unknown'],
    ['a link with a line break', { run: `${RUN}\nrecipients: x@example.com` }, 'run: unknown'],
    ['a link with a parenthesis', { run: `${RUN}(x)` }, 'run: unknown'],
    ['a link that is not http', { run: 'ftp://x.example/1' }, 'run: unknown'],
    ['a link too long', { run: `${RUN}/${'a'.repeat(MAX_RUN_LINK_CHARS)}` }, 'run: unknown'],
    [
      'a link just long enough',
      { run: `https://x/${'a'.repeat(MAX_RUN_LINK_CHARS - 10)}`, attempt: undefined },
      `run: https://x/${'a'.repeat(MAX_RUN_LINK_CHARS - 10)}`
    ],
    ['an attempt that is no count', { attempt: 0 }, `run: ${RUN}`],
    ['an attempt that is no whole number', { attempt: 1.5 }, `run: ${RUN}`],
    [
      'an http link',
      { run: 'http://127.0.0.1:8080/r/1', attempt: 1 },
      'run: http://127.0.0.1:8080/r/1 (attempt 1)'
    ]
  ])('the run line with %s', (_, more, line) => {
    const [part] = formatDeliveryNote(record(more))
    expect(part?.split('\n')[5]).toBe(line)
    expect(parseDeliveryNote(part as string)).toBeDefined()
  })

  it('writes a seal with its format and the key’s owner when it had no recipient', () => {
    const [part] = formatDeliveryNote(
      record({ operation: 'email-site-seal', format: SEAL_FORMAT, recipients: [KEY_OWNER] })
    )
    expect(part?.split('\n').slice(1, 4)).toEqual([
      'operation: email-site-seal',
      'certificate: 123456 serial 0A1B2C',
      'format: site seal'
    ])
    expect(part?.split('\n')[6]).toBe("recipients: (the API key's user)")
  })

  it('tells addresses apart as their lower case does (ß is not SS)', () => {
    const [part] = formatDeliveryNote(
      record({ recipients: ['straße@example.com', 'STRASSE@example.com'] })
    )
    expect(part?.split('\n')[6]).toBe('recipients: straße@example.com, STRASSE@example.com')
  })

  it('writes each address once, without regard to case, first spelling first', () => {
    const [part] = formatDeliveryNote(
      record({ recipients: ['A@example.com', 'b@example.com', 'a@EXAMPLE.com'] })
    )
    expect(part?.split('\n')[6]).toBe('recipients: A@example.com, b@example.com')
  })

  it.each<[string, Partial<DeliveryRecord>, string]>([
    ['no recipient', { recipients: [] }, 'recipients'],
    [
      'a recipient that is no address',
      { recipients: ['a@example.com', 'not an address'] },
      'recipients'
    ],
    ['a recipient with a comma', { recipients: ['a,b@example.com'] }, 'recipients'],
    ['the key’s owner among addresses', { recipients: [KEY_OWNER, 'a@example.com'] }, 'recipients'],
    ['a certificate ID that is not one', { certificateId: '0123' }, 'certificate ID'],
    ['a serial in lower case', { serial: '0a1b' }, 'serial'],
    ['a serial too long', { serial: 'A'.repeat(65) }, 'serial'],
    ['a format of the wrong operation', { format: SEAL_FORMAT }, 'format'],
    ['a seal with a format', { operation: 'email-site-seal' }, 'format'],
    ['a time that is none', { sentMs: Number.NaN }, 'time'],
    ['a time before 1970', { sentMs: -1 }, 'time']
  ])('refuses a record with %s', (_, more, what) => {
    expect(() => formatDeliveryNote(record(more))).toThrow(
      `a delivery record with an unusable ${what}`
    )
  })

  it('names every unusable field at once', () => {
    expect(() => formatDeliveryNote(record({ certificateId: 'x', serial: 'y' }))).toThrow(
      'a delivery record with an unusable certificate ID, serial'
    )
  })

  it('splits many recipients into parts, each within the bound and recognisable alone', () => {
    const recipients = Array.from({ length: 300 }, (_, i) => `person.${i}@example.com`)
    const parts = formatDeliveryNote(record({ recipients }))
    expect(parts.length).toBe(5)
    const parsed = parts.map(text => parseDeliveryNote(text))
    parts.forEach((text, i) => {
      expect(text.length).toBeLessThanOrEqual(NOTE_PART_CHARS)
      expect(parsed[i]).toMatchObject({
        part: i + 1,
        of: 5,
        certificateId: '123456',
        serial: '0A1B2C',
        operation: 'send-certificate'
      })
    })
    expect(parsed.flatMap(p => p?.recipients ?? [])).toEqual(recipients)
    // Full parts: the next address would not have fitted.
    expect(parts[0]?.length).toBeGreaterThan(NOTE_PART_CHARS - 2 - 24 - 17)
  })

  it('fills a part exactly up to the bound, and no further', () => {
    const [one] = formatDeliveryNote(record({ recipients: ['a@b.example'] }))
    // What a part has for its addresses, with the widest heading ("part 999 of 999").
    const room =
      NOTE_PART_CHARS -
      ((one as string).length - 'a@b.example'.length) -
      'part 999 of 999'.length +
      'part 1 of 1'.length
    const some = Array.from(
      { length: 66 },
      (_, i) => `person.${String(i).padStart(3, '0')}@example.com`
    )
    const last = (extra: number): string => {
      const left = room - some.join(', ').length - ', x@.example'.length + extra
      return `x@${'d'.repeat(left)}.example`
    }
    expect([...some, last(0)].join(', ')).toHaveLength(room)
    const exact = formatDeliveryNote(record({ recipients: [...some, last(0)] }))
    expect(exact).toHaveLength(1)
    const over = formatDeliveryNote(record({ recipients: [...some, last(1)] }))
    expect(over).toHaveLength(2)
    expect(parseDeliveryNote(over[1] as string)?.recipients).toEqual([last(1)])
  })

  it('writes up to 999 parts, and refuses the 1000th', () => {
    const address = (i: number): string =>
      `${String(i).padStart(60, 'x')}@${'d'.repeat(180)}.example`
    const perPart = parseDeliveryNote(
      formatDeliveryNote(
        record({ recipients: Array.from({ length: 50 }, (_, i) => address(i)) })
      )[0] as string
    )?.recipients.length as number
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => address(i))
    expect(formatDeliveryNote(record({ recipients: many(MAX_NOTE_PARTS * perPart) }))).toHaveLength(
      MAX_NOTE_PARTS
    )
    expect(() =>
      formatDeliveryNote(record({ recipients: many(MAX_NOTE_PARTS * perPart + 1) }))
    ).toThrow('a delivery record needs 1000 parts, more than 999')
  })

  it('writes a time of 0 (the epoch)', () => {
    expect(formatDeliveryNote(record({ sentMs: 0 }))[0]?.split('\n')[4]).toBe(
      'sent: 1970-01-01T00:00:00Z'
    )
  })

  it('refuses a record that needs more than 999 parts', () => {
    const long = (i: number): string => `${String(i).padStart(60, 'x')}@${'d'.repeat(180)}.example`
    const recipients = Array.from({ length: 7 * MAX_NOTE_PARTS }, (_, i) => long(i))
    expect(() => formatDeliveryNote(record({ recipients }))).toThrow(
      /^a delivery record needs 1\d{3} parts, more than 999$/
    )
  })
})

describe('parseDeliveryNote', () => {
  it('reads our note back', () => {
    expect(parseDeliveryNote(OURS)).toEqual({
      part: 1,
      of: 1,
      operation: 'send-certificate',
      certificateId: '123456',
      serial: '0A1B2C',
      format: 'attachment',
      sent: '2026-12-01T06:00:00Z',
      run: RUN,
      attempt: 2,
      recipients: ['a@example.com', 'b@example.com']
    })
  })

  it('round-trips every record', () => {
    const records: Partial<DeliveryRecord>[] = [
      {},
      { run: undefined, attempt: undefined },
      { attempt: undefined },
      { operation: 'email-site-seal', format: SEAL_FORMAT, recipients: [KEY_OWNER] },
      { format: 'plaintext', serial: 'F'.repeat(64), certificateId: '9'.repeat(20) },
      { format: 'downloadlink', recipients: ['ünïcode@bücher.example'] }
    ]
    for (const more of records) {
      const r = record(more)
      const [part] = formatDeliveryNote(r)
      expect(parseDeliveryNote(part as string)).toEqual({
        part: 1,
        of: 1,
        operation: r.operation,
        certificateId: r.certificateId,
        serial: r.serial,
        format: r.format,
        sent: noteTime({ ms: r.sentMs }),
        run: r.run,
        attempt: r.run === undefined ? undefined : r.attempt,
        recipients: r.recipients
      })
    }
  })

  it.each<[string, string, object]>([
    ['parts of two digits', withLine(0, `${NOTE_HEADING} (part 12 of 15)`), { part: 12, of: 15 }],
    [
      'parts of three digits',
      withLine(0, `${NOTE_HEADING} (part 999 of 999)`),
      { part: 999, of: 999 }
    ],
    [
      'an attempt of two digits',
      withLine(5, `run: ${RUN} (attempt 12)`),
      { run: RUN, attempt: 12 }
    ],
    ['no attempt', withLine(5, `run: ${RUN}`), { run: RUN, attempt: undefined }],
    ['no run link', withLine(5, 'run: unknown'), { run: undefined, attempt: undefined }]
  ])('reads %s', (_, text, fields) => {
    expect(parseDeliveryNote(text)).toMatchObject(fields)
  })

  it('reads our note with every line ending in CR LF (should CertCentral store it so)', () => {
    expect(parseDeliveryNote(OURS.replaceAll('\n', '\r\n'))).toEqual(parseDeliveryNote(OURS))
  })

  it.each<[string, string]>([
    ['an empty note', ''],
    ['a person’s note', 'Sent the certificate to a@example.com by hand'],
    ['a trailing line break', `${OURS}\n`],
    ['a leading line break', `\n${OURS}`],
    ['a trailing space', `${OURS} `],
    ['a line too many', `${OURS}\nrecipients: c@example.com`],
    ['a line too few', OURS.split('\n').slice(0, 6).join('\n')],
    ['CR LF and LF mixed', OURS.replace('\n', '\r\n')],
    ['a lone CR in a line', withLine(3, 'format: attachment\r')],
    ['CR alone as line ends', OURS.replaceAll('\n', '\r')],
    ['another version', withLine(0, 'certcentral-email-action delivery record v2 (part 1 of 1)')],
    ['another tool', withLine(0, 'other-action delivery record v1 (part 1 of 1)')],
    [
      'a heading in capitals',
      withLine(0, 'CERTCENTRAL-EMAIL-ACTION delivery record v1 (part 1 of 1)')
    ],
    ['no part', withLine(0, NOTE_HEADING)],
    ['part 0', withLine(0, `${NOTE_HEADING} (part 0 of 1)`)],
    ['a part past the count', withLine(0, `${NOTE_HEADING} (part 2 of 1)`)],
    ['a part with a leading zero', withLine(0, `${NOTE_HEADING} (part 01 of 1)`)],
    ['a count of 1000', withLine(0, `${NOTE_HEADING} (part 1 of 1000)`)],
    ['a double space', withLine(0, `${NOTE_HEADING}  (part 1 of 1)`)],
    ['an unknown operation', withLine(1, 'operation: send-certificates')],
    ['an operation in capitals', withLine(1, 'operation: Send-Certificate')],
    ['no space after the colon', withLine(1, 'operation:send-certificate')],
    ['a key in capitals', withLine(1, 'Operation: send-certificate')],
    [
      'keys swapped',
      withLine(1, 'certificate: 123456 serial 0A1B2C').replace(
        'certificate: 123456 serial 0A1B2C\nformat',
        'operation: send-certificate\nformat'
      )
    ],
    ['a certificate ID with a leading zero', withLine(2, 'certificate: 0123456 serial 0A1B2C')],
    ['a certificate ID of 21 digits', withLine(2, `certificate: ${'1'.repeat(21)} serial 0A1B2C`)],
    ['a certificate ID that is no number', withLine(2, 'certificate: 12x456 serial 0A1B2C')],
    ['a serial in lower case', withLine(2, 'certificate: 123456 serial 0a1b2c')],
    ['a serial with colons', withLine(2, 'certificate: 123456 serial 0A:1B:2C')],
    ['a serial of 65 digits', withLine(2, `certificate: 123456 serial ${'A'.repeat(65)}`)],
    ['no serial', withLine(2, 'certificate: 123456')],
    ['a word between', withLine(2, 'certificate: 123456 serialnumber 0A1B2C')],
    ['a word before', withLine(2, 'certificate: x 123456 serial 0A1B2C')],
    ['a word after', withLine(2, 'certificate: 123456 serial 0A1B2C x')],
    ['a word before the run link', withLine(5, `run: x ${RUN} (attempt 2)`)],
    ['a word before the heading', withLine(0, `x ${NOTE_HEADING} (part 1 of 1)`)],
    ['a word after the heading', withLine(0, `${NOTE_HEADING} (part 1 of 1) x`)],
    ['a word inside the heading', withLine(0, `${NOTE_HEADING} (part x1 of 1)`)],
    ['a line break inside the heading', withLine(0, `${NOTE_HEADING} (part 1\r of 1)`)],
    ['two spaces', withLine(2, 'certificate: 123456  serial 0A1B2C')],
    ['an unknown format', withLine(3, 'format: pem')],
    ['a seal’s format on a send', withLine(3, 'format: site seal')],
    ['a send’s format on a seal', withLine(1, 'operation: email-site-seal')],
    ['a date without time', withLine(4, 'sent: 2026-12-01')],
    ['a date with milliseconds', withLine(4, 'sent: 2026-12-01T06:00:00.000Z')],
    ['a date with an offset', withLine(4, 'sent: 2026-12-01T06:00:00+00:00')],
    ['a date that does not exist', withLine(4, 'sent: 2026-02-30T06:00:00Z')],
    ['an hour that does not exist', withLine(4, 'sent: 2026-12-01T24:00:00Z')],
    ['a month that does not exist', withLine(4, 'sent: 2026-13-01T06:00:00Z')],
    ['a date that is no date', withLine(4, 'sent: yesterday')],
    ['no run', withLine(5, 'run: ')],
    ['a run that is no link', withLine(5, 'run: github')],
    ['a run link with a space', withLine(5, 'run: https://x.example/a b')],
    ['an attempt 0', withLine(5, `run: ${RUN} (attempt 0)`)],
    ['an attempt that is no number', withLine(5, `run: ${RUN} (attempt two)`)],
    ['an attempt without a link', withLine(5, 'run: unknown (attempt 2)')],
    ['an attempt without a space', withLine(5, `run: ${RUN}(attempt 2)`)],
    ['a run link too long', withLine(5, `run: ${RUN}/${'a'.repeat(MAX_RUN_LINK_CHARS)}`)],
    ['no recipient', withLine(6, 'recipients: ')],
    ['a recipient that is no address', withLine(6, 'recipients: a@example.com, someone')],
    ['recipients without a space', withLine(6, 'recipients: a@example.com,b@example.com')],
    ['recipients by semicolons', withLine(6, 'recipients: a@example.com; b@example.com')],
    ['a recipient twice', withLine(6, 'recipients: a@example.com, A@example.com')],
    ['a trailing separator', withLine(6, 'recipients: a@example.com, ')],
    ['a display name', withLine(6, 'recipients: Ops <ops@example.com>')],
    ['the key’s owner with an address', withLine(6, `recipients: ${KEY_OWNER}, a@example.com`)],
    ['a recipient with a bidi control', withLine(6, 'recipients: a\u202e@example.com')],
    ['a recipient with a zero-width space', withLine(6, 'recipients: a\u200b@example.com')],
    ['a workflow command', withLine(6, 'recipients: ::error::a@example.com')],
    ['10 KB of text', `${OURS}${'x'.repeat(10_000)}`],
    [
      '10 KB of recipients',
      withLine(
        6,
        `recipients: ${Array.from({ length: 500 }, (_, i) => `p${i}@example.com`).join(', ')}`
      )
    ]
  ])('ignores %s', (_, text) => {
    expect(parseDeliveryNote(text)).toBeUndefined()
  })

  it('reads a part whose text is exactly at the bound, not one character past it', () => {
    /** Our note with recipients making it `length` characters long. */
    const noteOf = (length: number): string => {
      const some = Array.from({ length: 90 }, (_, i) => `p${i}@example.com`)
      const lead = withLine(6, `recipients: ${some.join(', ')}, x@`)
      const domain = 'd'.repeat(length - lead.length - '.example'.length)
      return `${lead}${domain}.example`
    }
    expect(noteOf(NOTE_PART_CHARS)).toHaveLength(NOTE_PART_CHARS)
    expect(parseDeliveryNote(noteOf(NOTE_PART_CHARS))?.recipients).toHaveLength(91)
    expect(parseDeliveryNote(noteOf(NOTE_PART_CHARS + 1))).toBeUndefined()
  })
})

describe('deliveredBefore', () => {
  const note = (id: string, more: Partial<DeliveryRecord> = {}): OrderNote => ({
    id,
    text: formatDeliveryNote(record(more))[0] as string
  })
  const asked: { certificateId: string; serial: string; operation: Operation } = {
    certificateId: '123456',
    serial: '0A1B2C',
    operation: 'send-certificate'
  }
  const delivered = (notes: OrderNote[], more: Partial<typeof asked> = {}): object =>
    Object.fromEntries(deliveredBefore({ notes, ...asked, ...more }))

  it('names each recipient in lower case with its note and time', () => {
    expect(delivered([note('4512', { recipients: ['A@Example.com', 'b@example.com'] })])).toEqual({
      'a@example.com': { noteId: '4512', sent: '2026-12-01T06:00:00Z' },
      'b@example.com': { noteId: '4512', sent: '2026-12-01T06:00:00Z' }
    })
  })

  it.each<[string, Partial<DeliveryRecord>]>([
    ['another certificate', { certificateId: '123457' }],
    ['another serial', { serial: '0A1B2D' }],
    ['another operation', { operation: 'email-site-seal', format: SEAL_FORMAT }]
  ])('counts nothing of a note about %s', (_, more) => {
    expect(delivered([note('1', more)])).toEqual({})
  })

  it('compares serials as numbers (leading zeros)', () => {
    expect(Object.keys(delivered([note('1')], { serial: 'A1B2C' }))).toEqual([
      'a@example.com',
      'b@example.com'
    ])
  })

  it('counts nothing of a note that is not exactly ours', () => {
    const ours = note('1').text
    const notes = [
      { id: '1', text: `${ours}\n` },
      { id: '2', text: 'recipients: a@example.com' },
      { id: '3', text: ours.replace('(part 1 of 1)', '(part 1 of 1) ') }
    ]
    expect(delivered(notes)).toEqual({})
  })

  it('keeps the earliest delivery per recipient, by its time then its note ID', () => {
    const notes = [
      note('30', { sentMs: SENT_MS + 86_400_000, recipients: ['a@example.com', 'c@example.com'] }),
      note('20', { recipients: ['a@example.com'] }),
      note('9', { sentMs: SENT_MS + 86_400_000, recipients: ['c@example.com'] }),
      note('100', { sentMs: SENT_MS + 86_400_000, recipients: ['c@example.com'] }),
      note('21', { recipients: ['A@example.com', 'b@example.com'] }),
      note('19', { sentMs: SENT_MS + 86_400_000, recipients: ['b@example.com'] })
    ]
    expect(delivered(notes)).toEqual({
      'a@example.com': { noteId: '20', sent: '2026-12-01T06:00:00Z' },
      'b@example.com': { noteId: '21', sent: '2026-12-01T06:00:00Z' },
      'c@example.com': { noteId: '9', sent: '2026-12-02T06:00:00Z' }
    })
    expect(delivered([...notes].reverse())).toEqual(delivered(notes))
  })

  it('reads each part of a split note', () => {
    const recipients = Array.from({ length: 200 }, (_, i) => `person.${i}@example.com`)
    const parts = formatDeliveryNote(record({ recipients }))
    expect(parts.length).toBeGreaterThan(1)
    const notes = parts.map((text, i) => ({ id: String(500 + i), text }))
    const found = deliveredBefore({ notes, ...asked })
    expect(found.size).toBe(200)
    expect(found.get('person.199@example.com')?.noteId).toBe(String(500 + parts.length - 1))
  })

  it('reads the key’s owner of a seal as a recipient', () => {
    const seal = {
      operation: 'email-site-seal',
      format: SEAL_FORMAT,
      recipients: [KEY_OWNER]
    } as const
    expect(delivered([note('7', seal)], { operation: 'email-site-seal' })).toEqual({
      [KEY_OWNER.toLowerCase()]: { noteId: '7', sent: '2026-12-01T06:00:00Z' }
    })
    const found = deliveredBefore({
      notes: [note('7', seal)],
      ...asked,
      operation: 'email-site-seal'
    })
    expect(recipientsLeft({ recipients: [KEY_OWNER], delivered: found })).toEqual({
      rest: [],
      skip: 'sent to its recipient on 2026-12-01, note 7'
    })
  })
})

describe('recipientsLeft', () => {
  const delivery = (noteId: string, sent: string) => ({ noteId, sent })
  const delivered = new Map([
    ['a@example.com', delivery('4500', '2026-11-30T06:00:00Z')],
    ['b@example.com', delivery('4512', '2026-12-01T06:00:00Z')],
    ['c@example.com', delivery('4511', '2026-12-01T06:00:00Z')]
  ])

  it.each<[string, string[], { rest: string[]; skip: string | undefined }]>([
    [
      'all delivered: skipped, with the latest note',
      ['a@example.com', 'B@example.com', 'c@example.com'],
      { rest: [], skip: 'sent to all 3 recipients on 2026-12-01, note 4512' }
    ],
    [
      'the one delivered',
      ['A@EXAMPLE.COM'],
      { rest: [], skip: 'sent to its recipient on 2026-11-30, note 4500' }
    ],
    [
      'two delivered, by the same date: the higher note',
      ['c@example.com', 'b@example.com'],
      { rest: [], skip: 'sent to all 2 recipients on 2026-12-01, note 4512' }
    ],
    [
      'some delivered: the rest, in their order',
      ['d@example.com', 'a@example.com', 'E@example.com'],
      { rest: ['d@example.com', 'E@example.com'], skip: undefined }
    ],
    ['none delivered', ['d@example.com'], { rest: ['d@example.com'], skip: undefined }],
    ['no recipient', [], { rest: [], skip: undefined }]
  ])('%s', (_, recipients, expected) => {
    expect(recipientsLeft({ recipients, delivered })).toEqual(expected)
  })

  it('from the notes to the reason, end to end', () => {
    const notes = [
      {
        id: '4512',
        text: formatDeliveryNote(record({ recipients: ['c@example.com'] }))[0] as string
      },
      {
        id: '4400',
        text: formatDeliveryNote(record({ sentMs: SENT_MS - 86_400_000 }))[0] as string
      }
    ]
    const found = deliveredBefore({
      notes,
      certificateId: '123456',
      serial: '0A1B2C',
      operation: 'send-certificate'
    })
    expect(
      recipientsLeft({
        recipients: ['a@example.com', 'b@example.com', 'c@example.com'],
        delivered: found
      })
    ).toEqual({ rest: [], skip: 'sent to all 3 recipients on 2026-12-01, note 4512' })
  })
})
