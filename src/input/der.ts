// A certificate's subject common name, read from its DER (X509Certificate.raw) as the certificate
// holds it: node:crypto's `subject` turns UTF-8 into Latin-1 and escapes `<`, `,` and others, so a
// look-up by that text asks for another name. A minimal, bounded DER reader: it walks
// Certificate → TBSCertificate → subject Name and decodes the first commonName (2.5.4.3) of the
// string types X.520 allows. Defensive: malformed DER gives no common name, never a throw.

/** DER tags this reader knows. */
const TAG = {
  SEQUENCE: 0x30,
  SET: 0x31,
  OID: 0x06,
  /** [0] EXPLICIT: TBSCertificate's version. */
  VERSION: 0xa0
} as const

/** The OID 2.5.4.3 (id-at-commonName), its content bytes. */
const COMMON_NAME_OID = [0x55, 0x04, 0x03]

/** One DER element: its tag and where its content starts and ends in the buffer. */
interface Element {
  tag: number
  start: number
  end: number
}

/**
 * The element at `offset`, within `limit`; undefined when it is not DER this reader takes: a
 * multi-byte tag, an indefinite or over-long length, a header or content past the limit. A header
 * byte past the limit may be read (undefined past the buffer), but never taken: the element's end
 * is past the limit then (or NaN), which the last check refuses.
 */
export function elementAt(der: Uint8Array, offset: number, limit: number): Element | undefined {
  const tag = der[offset] as number
  if ((tag & 0x1f) === 0x1f) return undefined
  let length = der[offset + 1] as number
  let start = offset + 2
  if (length & 0x80) {
    const bytes = length & 0x7f
    // 0x80 is an indefinite length (not DER); more than 4 bytes is longer than any buffer here.
    if (bytes === 0 || bytes > 4) return undefined
    length = 0
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] as number)
    start += bytes
  }
  const end = start + length
  return end <= limit ? { tag, start, end } : undefined
}

/** The elements inside a constructed element, in order; undefined when one of them is malformed. */
function children(der: Uint8Array, parent: Element): Element[] | undefined {
  const found: Element[] = []
  for (let offset = parent.start; offset < parent.end;) {
    const child = elementAt(der, offset, parent.end)
    if (!child) return undefined
    found.push(child)
    offset = child.end
  }
  return found
}

/** The subject Name of a certificate: TBSCertificate's fifth field after the optional version. */
function subjectOf(der: Uint8Array): Element | undefined {
  const certificate = elementAt(der, 0, der.length)
  if (certificate?.tag !== TAG.SEQUENCE) return undefined
  const tbs = elementAt(der, certificate.start, certificate.end)
  if (tbs?.tag !== TAG.SEQUENCE) return undefined
  const fields = children(der, tbs)
  // serialNumber, signature, issuer, validity, subject
  const subject = fields?.[fields[0]?.tag === TAG.VERSION ? 5 : 4]
  return subject?.tag === TAG.SEQUENCE ? subject : undefined
}

/** The value of the first commonName attribute of a Name, in DER order. */
function firstCommonName(der: Uint8Array, name: Element): Element | undefined {
  for (const rdn of children(der, name) ?? []) {
    if (rdn.tag !== TAG.SET) return undefined
    for (const attribute of children(der, rdn) ?? []) {
      const [type, value] = attribute.tag === TAG.SEQUENCE ? (children(der, attribute) ?? []) : []
      if (type?.tag !== TAG.OID || value === undefined) return undefined
      const oid = der.subarray(type.start, type.end)
      if (oid.length === COMMON_NAME_OID.length && COMMON_NAME_OID.every((b, i) => oid[i] === b))
        return value
    }
  }
  return undefined
}

/** Whether a string holds no lone surrogate (which no URL or JSON could carry). */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)
}

/** Code units of `width` bytes, big-endian, as a string; undefined when they do not fit. */
function unitsOf(bytes: Uint8Array, width: 2 | 4): string | undefined {
  if (bytes.length % width !== 0) return undefined
  let text = ''
  for (let i = 0; i < bytes.length; i += width) {
    let point = 0
    for (let j = 0; j < width; j++) point = point * 256 + (bytes[i + j] as number)
    // a code point, never a surrogate (U+D800 to U+DFFF: the values whose top bits are D800's)
    if (width === 4 && (point > 0x10ffff || (point & ~0x7ff) === 0xd800)) return undefined
    text += String.fromCodePoint(point)
  }
  return wellFormed(text) ? text : undefined
}

/** UTF-8, undefined when the bytes are not. */
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return undefined
  }
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1')

/** The string types X.520 allows for a common name, by DER tag, and how each is read. */
const DECODERS = new Map<number, (bytes: Uint8Array) => string | undefined>([
  [0x0c, utf8], // UTF8String
  [0x13, latin1], // PrintableString
  [0x16, latin1], // IA5String
  [0x14, latin1], // TeletexString (T61String): Latin-1, what it holds in practice
  [0x1e, bytes => unitsOf(bytes, 2)], // BMPString: UTF-16BE
  [0x1c, bytes => unitsOf(bytes, 4)] // UniversalString: UTF-32BE
])

/**
 * A directory string's text by its type (DECODERS); undefined for another type, or bytes that are
 * not text of that type.
 */
export function decodeString(tag: number, bytes: Uint8Array): string | undefined {
  return DECODERS.get(tag)?.(bytes)
}

/**
 * The subject's first common name as the certificate holds it; undefined when it has none, it is
 * empty, or the DER cannot be read. Never throws.
 */
export function commonNameOf(der: Uint8Array): string | undefined {
  const subject = subjectOf(der)
  const value = subject && firstCommonName(der, subject)
  const text = value && decodeString(value.tag, der.subarray(value.start, value.end))
  return text === '' ? undefined : text
}
