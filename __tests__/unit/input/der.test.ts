// A certificate's common name read from its DER as the certificate holds it (issue 22, point 12):
// UTF-8 names with characters node:crypto's `subject` escapes or garbles, the first of several
// common names, every string type X.520 allows for it, and malformed DER, which gives no name and
// never a throw. Real certificates made by node-forge, and DER built element by element.
import { X509Certificate } from 'node:crypto'
import fc from 'fast-check'
import forge from 'node-forge'
import { describe, expect, it } from 'vitest'
import { certificateIn } from '../../../src/input/certificate-file.js'
import { commonNameOf, decodeString, elementAt } from '../../../src/input/der.js'
import { selfSigned, type SubjectAttribute } from '../../support/certificates.js'

const UTF8 = 12
const PRINTABLE = 19
const TELETEX = 20
const IA5 = 22
const VISIBLE = 26
const UNIVERSAL = 28
const BMP = 30

const cn = (value: string, tag?: number): SubjectAttribute => ({
  name: 'commonName',
  value,
  ...(tag === undefined ? {} : { tag })
})
const org = (value: string): SubjectAttribute => ({ name: 'organizationName', value })
const rawOf = (attributes: SubjectAttribute[]): Buffer =>
  new X509Certificate(selfSigned(attributes)).raw
const nameOf = (attributes: SubjectAttribute[]): string | undefined =>
  commonNameOf(rawOf(attributes))

/** A string's UTF-32BE bytes, as a binary string. */
const utf32be = (text: string): string =>
  [...text]
    .map(c => {
      const bytes = Buffer.alloc(4)
      bytes.writeUInt32BE(c.codePointAt(0) as number)
      return bytes.toString('latin1')
    })
    .join('')

describe('commonNameOf: real certificates', () => {
  it.each([
    'bücher.example',
    'bücher,example',
    'a<b>c.example',
    'a,b.example',
    'a+b.example',
    'a=b.example',
    'CN=not.this.example',
    'quote"back\\slash#hash;semi',
    ' spaces at both ends ',
    '例え.jp',
    'emoji😀.example',
    'ÅÄÖ-ß-ñ.example'
  ])('reads the UTF8String %j as it is', name => {
    expect(nameOf([cn(name, UTF8)])).toBe(name)
  })

  it('gives a file its common name as the certificate holds it', () => {
    const facts = certificateIn(Buffer.from(selfSigned([cn('bücher,example', UTF8)])))
    expect(facts).toMatchObject({ commonName: 'bücher,example' })
  })

  it('takes the first common name in the order the subject holds them', () => {
    expect(nameOf([cn('first.example'), org('Org'), cn('second.example')])).toBe('first.example')
    expect(nameOf([org('Org, Inc. CN=x'), cn('after.example')])).toBe('after.example')
    expect(nameOf([{ type: '2.5.4.6', value: 'DE' }, cn('c.example', UTF8)])).toBe('c.example')
  })

  it('gives no common name for a subject without one, or with an empty one', () => {
    expect(nameOf([org('Org')])).toBeUndefined()
    expect(nameOf([cn('', UTF8)])).toBeUndefined()
    expect(nameOf([cn('', UTF8), cn('second.example')])).toBeUndefined()
  })

  it.each([
    ['PrintableString', cn('www.example.com', PRINTABLE), 'www.example.com'],
    ['IA5String', cn('ia5.example.com', IA5), 'ia5.example.com'],
    ['TeletexString, as Latin-1', cn('b\u00fccher.example', TELETEX), 'bücher.example'],
    // forge writes a BMPString's value as UTF-16BE itself
    ['BMPString (UTF-16BE)', cn('bücher 例え', BMP), 'bücher 例え'],
    ['UniversalString (UTF-32BE)', cn(utf32be('bücher 😀'), UNIVERSAL), 'bücher 😀']
  ])('reads a %s', (_, attribute, name) => {
    expect(nameOf([attribute])).toBe(name)
  })

  // OpenSSL refuses a certificate whose common name is a VisibleString, or a BMPString with a
  // surrogate pair (UCS-2): DER built below, and decodeString, cover those.
})

// ---- DER built element by element -----------------------------------------------------------

const { asn1 } = forge
const U = asn1.Class.UNIVERSAL
const node = (
  type: number,
  value: string | forge.asn1.Asn1[],
  constructed = Array.isArray(value)
) => asn1.create(U, type as forge.asn1.Type, constructed, value)
const seq = (...items: forge.asn1.Asn1[]) => node(asn1.Type.SEQUENCE, items)
const set = (...items: forge.asn1.Asn1[]) => node(asn1.Type.SET, items)
const oid = (dotted: string) => node(asn1.Type.OID, asn1.oidToDer(dotted).getBytes())
const text = (value: string, tag = UTF8) => node(tag, forge.util.encodeUtf8(value))
const attribute = (type: string, value: forge.asn1.Asn1) => seq(oid(type), value)
const int = (value: number) => node(asn1.Type.INTEGER, String.fromCharCode(value))
const version = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0 as forge.asn1.Type, true, [int(2)])
const issuer = seq(set(attribute('2.5.4.3', text('issuer.example'))))

/** A certificate's DER: the fields before the subject, then `subject`, then nothing more. */
function certificate({
  subject,
  withVersion = true
}: {
  subject: forge.asn1.Asn1
  withVersion?: boolean
}): Buffer {
  const tbs = seq(...(withVersion ? [version] : []), int(1), seq(), issuer, seq(), subject, seq())
  return Buffer.from(
    asn1.toDer(seq(tbs, seq(), node(asn1.Type.BITSTRING, '\0'))).getBytes(),
    'latin1'
  )
}

describe('commonNameOf: the subject in the DER', () => {
  it('finds the subject after the version, or without one (a version 1 certificate)', () => {
    const subject = seq(set(attribute('2.5.4.3', text('v.example'))))
    expect(commonNameOf(certificate({ subject }))).toBe('v.example')
    expect(commonNameOf(certificate({ subject, withVersion: false }))).toBe('v.example')
  })

  it('reads a common name inside a multi-valued RDN, after another attribute', () => {
    const subject = seq(
      set(attribute('2.5.4.6', text('DE', PRINTABLE))),
      set(attribute('2.5.4.10', text('Org')), attribute('2.5.4.3', text('multi.example')))
    )
    expect(commonNameOf(certificate({ subject }))).toBe('multi.example')
  })

  it('takes only 2.5.4.3, not an OID that starts or ends like it', () => {
    const subject = (type: string) => seq(set(attribute(type, text('x.example'))))
    expect(commonNameOf(certificate({ subject: subject('2.5.4.35') }))).toBeUndefined()
    expect(commonNameOf(certificate({ subject: subject('2.5.4.3.1') }))).toBeUndefined()
    expect(commonNameOf(certificate({ subject: subject('1.5.4.3') }))).toBeUndefined()
    expect(commonNameOf(certificate({ subject: subject('2.5.4.3') }))).toBe('x.example')
  })

  it.each([
    ['a subject that is not a SEQUENCE', set(set(attribute('2.5.4.3', text('x'))))],
    ['an RDN that is not a SET', seq(seq(attribute('2.5.4.3', text('x'))))],
    ['an attribute that is not a SEQUENCE', seq(set(set(oid('2.5.4.3'), text('x'))))],
    ['an attribute type that is not an OID', seq(set(seq(text('2.5.4.3'), text('x'))))],
    [
      "a type that is not an OID, holding 2.5.4.3's bytes",
      seq(set(seq(node(asn1.Type.OCTETSTRING, '\x55\x04\x03'), text('x'))))
    ],
    ['an attribute without a value', seq(set(seq(oid('2.5.4.3'))))],
    [
      'an attribute without a value before the common name',
      seq(set(seq(oid('2.5.4.10'))), set(attribute('2.5.4.3', text('x'))))
    ],
    ['a malformed RDN before the common name', seq(seq(), set(attribute('2.5.4.3', text('x'))))],
    [
      'a VisibleString, which X.520 does not allow',
      seq(set(attribute('2.5.4.3', text('x', VISIBLE))))
    ]
  ])('gives no common name for %s', (_, subject) => {
    expect(commonNameOf(certificate({ subject }))).toBeUndefined()
  })

  it('gives no common name when the certificate or its TBSCertificate is not a SEQUENCE', () => {
    const good = certificate({ subject: seq(set(attribute('2.5.4.3', text('x')))) })
    expect(commonNameOf(good)).toBe('x')
    const notSequence = Buffer.from(good)
    notSequence[0] = 0x31
    expect(commonNameOf(notSequence)).toBeUndefined()
    const tbsNotSequence = Buffer.from(good)
    tbsNotSequence[elementAt(good, 0, good.length)?.start ?? 0] = 0x31
    expect(commonNameOf(tbsNotSequence)).toBeUndefined()
    const short = Buffer.from(asn1.toDer(seq(seq(version, int(1)))).getBytes(), 'latin1')
    expect(commonNameOf(short)).toBeUndefined()
  })

  it('gives no common name for an empty or garbage buffer', () => {
    expect(commonNameOf(new Uint8Array())).toBeUndefined()
    expect(commonNameOf(Buffer.from('not DER at all'))).toBeUndefined()
  })
})

describe('commonNameOf: malformed DER never throws', () => {
  const raw = rawOf([org('Org'), cn('bücher,example', UTF8)])

  it('reads nothing from a certificate cut short, at any length', () => {
    for (let length = 0; length < raw.length; length++)
      expect(commonNameOf(raw.subarray(0, length))).toBeUndefined()
    expect(commonNameOf(raw)).toBe('bücher,example')
  })

  it('never throws on a certificate with any one byte changed', () => {
    for (let i = 0; i < raw.length; i++) {
      const changed = Buffer.from(raw)
      for (const value of [0x00, 0x80, 0xff, (raw[i] as number) ^ 0x01]) {
        changed[i] = value
        const name = commonNameOf(changed)
        expect(name === undefined || typeof name === 'string').toBe(true)
      }
    }
  })

  it('never throws on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
        const name = commonNameOf(bytes)
        return name === undefined || typeof name === 'string'
      }),
      { numRuns: 2000 }
    )
  })
})

describe('elementAt', () => {
  it.each([
    ['an empty SEQUENCE', [0x30, 0x00], 0, { tag: 0x30, start: 2, end: 2 }],
    ['a short length', [0x04, 0x01, 0xaa], 0, { tag: 0x04, start: 2, end: 3 }],
    ['one length byte', [0x04, 0x81, 0x01, 0xaa], 0, { tag: 0x04, start: 3, end: 4 }],
    ['two length bytes', [0x04, 0x82, 0x00, 0x01, 0xaa], 0, { tag: 0x04, start: 4, end: 5 }],
    ['four length bytes', [0x04, 0x84, 0, 0, 0, 1, 0xaa], 0, { tag: 0x04, start: 6, end: 7 }],
    ['an element after another', [0x05, 0x00, 0x04, 0x01, 0xaa], 2, { tag: 4, start: 4, end: 5 }],
    [
      'a length of 256',
      [0x04, 0x82, 0x01, 0x00, ...new Array<number>(256).fill(0)],
      0,
      { tag: 4, start: 4, end: 260 }
    ]
  ])('reads %s', (_, bytes, offset, element) => {
    expect(elementAt(Uint8Array.from(bytes), offset, bytes.length)).toEqual(element)
  })

  it.each([
    ['nothing', [], 0],
    ['a tag alone', [0x30], 0],
    ['a multi-byte tag', [0x1f, 0x01, 0x00], 0],
    ['a multi-byte context tag', [0xbf, 0x01, 0x00], 0],
    ['an indefinite length', [0x30, 0x80, 0x00, 0x00], 0],
    ['five length bytes', [0x04, 0x85, 0, 0, 0, 0, 1, 0xaa], 0],
    ['length bytes past the end', [0x04, 0x82, 0x01], 0],
    ['content past the end', [0x04, 0x02, 0xaa], 0],
    ['an offset past the end', [0x04, 0x00], 1],
    ['an offset at the end', [0x04, 0x00], 2]
  ])('refuses %s', (_, bytes, offset) => {
    expect(elementAt(Uint8Array.from(bytes), offset, bytes.length)).toBeUndefined()
  })

  it('keeps within the limit it is given, not the buffer', () => {
    const bytes = Uint8Array.from([0x04, 0x01, 0xaa])
    expect(elementAt(bytes, 0, 2)).toBeUndefined()
    expect(elementAt(bytes, 0, 3)).toEqual({ tag: 4, start: 2, end: 3 })
    expect(elementAt(Uint8Array.from([0x04, 0x81, 0x01, 0xaa]), 0, 2)).toBeUndefined()
  })
})

describe('decodeString', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values)

  it.each([
    ['UTF8String', UTF8, bytes(0x62, 0xc3, 0xbc), 'bü'],
    ['UTF8String with a BOM, kept', UTF8, bytes(0xef, 0xbb, 0xbf, 0x61), '\ufeffa'],
    ['an empty UTF8String', UTF8, bytes(), ''],
    ['PrintableString', PRINTABLE, bytes(0x61, 0x2c, 0x62), 'a,b'],
    ['IA5String', IA5, bytes(0x61, 0x40, 0x62), 'a@b'],
    ['TeletexString as Latin-1', TELETEX, bytes(0x62, 0xfc), 'bü'],
    ['BMPString', BMP, bytes(0x00, 0x62, 0x00, 0xfc), 'bü'],
    ['BMPString with a surrogate pair', BMP, bytes(0xd8, 0x3d, 0xde, 0x00), '😀'],
    ['UniversalString', UNIVERSAL, bytes(0, 0, 0, 0x62, 0, 1, 0xf6, 0), 'b😀'],
    ['UniversalString, the last code point', UNIVERSAL, bytes(0, 0x10, 0xff, 0xff), '\u{10ffff}'],
    ['UniversalString, past the surrogates', UNIVERSAL, bytes(0, 0, 0xe0, 0), '\ue000'],
    ['UniversalString, before the surrogates', UNIVERSAL, bytes(0, 0, 0xd7, 0xff), '\ud7ff']
  ])('decodes %s', (_, tag, value, decoded) => {
    expect(decodeString(tag, value)).toBe(decoded)
  })

  it.each([
    ['invalid UTF-8', UTF8, bytes(0xc3)],
    ['overlong UTF-8', UTF8, bytes(0xc0, 0x80)],
    ['a BMPString of an odd length', BMP, bytes(0x00, 0x62, 0x00)],
    ['a lone high surrogate', BMP, bytes(0xd8, 0x3d, 0x00, 0x61)],
    ['a lone high surrogate at the end', BMP, bytes(0x00, 0x61, 0xd8, 0x3d)],
    ['a lone low surrogate', BMP, bytes(0xde, 0x00)],
    ['a surrogate pair reversed', BMP, bytes(0xde, 0x00, 0xd8, 0x3d)],
    ['a UniversalString of a length not a multiple of 4', UNIVERSAL, bytes(0, 0, 0x62)],
    ['a code point past U+10FFFF', UNIVERSAL, bytes(0, 0x11, 0, 0)],
    ['a surrogate as a code point', UNIVERSAL, bytes(0, 0, 0xd8, 0)],
    ['the last surrogate as a code point', UNIVERSAL, bytes(0, 0, 0xdf, 0xff)],
    ['a surrogate pair as two code points', UNIVERSAL, bytes(0, 0, 0xd8, 0x3d, 0, 0, 0xde, 0)],
    ['the first surrogate pair', UNIVERSAL, bytes(0, 0, 0xd8, 0, 0, 0, 0xdc, 0)],
    ['a VisibleString', VISIBLE, bytes(0x61)],
    ['an OCTET STRING', 4, bytes(0x61)]
  ])('refuses %s', (_, tag, value) => {
    expect(decodeString(tag, value)).toBeUndefined()
  })
})
