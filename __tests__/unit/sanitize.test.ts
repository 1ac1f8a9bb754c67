// The one way out for network text (src/sanitize.ts): one bounded line, no key, no runner command.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emailProblem } from '../../src/input/parse.js'
import { DEFAULT_FIELD_CHARS, FORMAT_CHARACTERS, Sanitizer, asText } from '../../src/sanitize.js'

const KEY = 'Sekret123'
const safe = new Sanitizer([KEY])

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** `\u0053\u0065…`: every character of `text` as a JSON escape, hex in the case asked for. */
function jsonEscaped(text: string, upper: boolean): string {
  return [...text]
    .map(char => {
      const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
      return `\\u${upper ? hex.toUpperCase() : hex}`
    })
    .join('')
}

/** The length a result of `text(value, max)` may have: max plus the "… (N characters in all)". */
function bound(max: number, total: number): number {
  return max + `… (${total} characters in all)`.length
}

describe('asText', () => {
  it('keeps strings and shows the rest as JSON', () => {
    expect(asText('plain')).toBe('plain')
    expect(asText(404)).toBe('404')
    expect(asText({ a: [1, null] })).toBe('{"a":[1,null]}')
    expect(asText(undefined)).toBe('')
  })
})

describe('Sanitizer.text never throws', () => {
  const cyclic: Record<string, unknown> = { name: 'loop' }
  cyclic.self = cyclic
  const throwingToJson = {
    toJSON() {
      throw new Error('no')
    }
  }
  const throwingGetter = Object.defineProperty({}, 'x', {
    enumerable: true,
    get() {
      throw new Error('no')
    }
  })
  const hostileProxy = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('no')
      }
    }
  )

  it.each([
    ['a cycle', cyclic],
    ['a BigInt', 10n],
    ['an object with BigInt inside', { n: 1n }],
    ['a throwing toJSON', throwingToJson],
    ['a throwing getter', throwingGetter],
    ['a hostile proxy', hostileProxy],
    ['a Symbol', Symbol('s')],
    ['undefined', undefined],
    ['null', null],
    ['a function', () => 1],
    ['NaN', Number.NaN]
  ])('for %s, and gives one string', (_, value) => {
    const run = () => safe.text(value)
    expect(run).not.toThrow()
    expect(typeof run()).toBe('string')
    expect(run()).not.toMatch(CONTROL)
  })

  it('says what a value was when it cannot be shown', () => {
    expect(safe.text(10n)).toContain('bigint')
    expect(safe.text(cyclic)).toContain('object')
    expect(safe.text(undefined)).toBe('')
  })
})

describe('Sanitizer.text makes one line', () => {
  it.each([
    ['CR LF', 'a\r\nb'],
    ['LF', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['ESC', 'a\u001b[31mb'],
    ['DEL', 'a\u007fb'],
    ['NEL (C1)', 'a\u0085b'],
    ['CSI (C1)', 'a\u009bb'],
    ['LINE SEPARATOR', 'a\u2028b'],
    ['PARAGRAPH SEPARATOR', 'a\u2029b']
  ])('folds %s into a space', (_, text) => {
    const shown = safe.text(text)
    expect(shown).not.toMatch(CONTROL)
    expect(shown.startsWith('a')).toBe(true)
    expect(shown.endsWith('b')).toBe(true)
  })

  it('folds a run of breaks into one space and trims', () => {
    expect(safe.text('\n\n first\r\n\r\nsecond \t')).toBe('first second')
  })
})

describe('Sanitizer.text never starts a runner command', () => {
  it.each([
    '::error::x',
    '\n::add-mask::y',
    '  ::set-output name=a::b',
    '\r\n\t::stop-commands::t',
    '\u2028::warning::w',
    ':::',
    '::'
  ])('%j does not start with ::', text => {
    expect(safe.text(text).startsWith('::')).toBe(false)
  })

  it('keeps the text readable', () => {
    expect(safe.text('::error::x')).toMatch(/^:\s?:error::x$/)
  })
})

describe('Sanitizer.text is bounded', () => {
  it(`keeps ${DEFAULT_FIELD_CHARS} characters by default`, () => {
    expect(safe.text('x'.repeat(DEFAULT_FIELD_CHARS))).toBe('x'.repeat(DEFAULT_FIELD_CHARS))
    const shown = safe.text('x'.repeat(5000))
    expect(shown.length).toBeLessThanOrEqual(bound(DEFAULT_FIELD_CHARS, 5000))
    expect(shown.endsWith('… (5000 characters in all)')).toBe(true)
  })

  it('honours the maximum given', () => {
    expect(safe.text('abcdef', 6)).toBe('abcdef')
    const shown = safe.text('abcdefghij', 6)
    expect(shown.endsWith('… (10 characters in all)')).toBe(true)
    expect(shown.length).toBeLessThanOrEqual(bound(6, 10))
    expect(shown.startsWith('abcde')).toBe(true)
  })

  it('does not split a surrogate pair', () => {
    for (let max = 2; max < 12; max++) {
      for (const text of ['😀'.repeat(20), `a${'😀'.repeat(20)}`, `ab${'𝄞x'.repeat(20)}`]) {
        const shown = safe.text(text, max)
        expect(shown).not.toMatch(LONE_SURROGATE)
        expect(shown.length).toBeLessThanOrEqual(bound(max, text.length))
      }
    }
  })
})

describe('Sanitizer.text redacts the key', () => {
  it('given plain', () => {
    const shown = safe.text(`bad key ${KEY} and again ${KEY}!`)
    expect(shown).not.toContain(KEY)
    expect(shown).toBe('bad key *** and again ***!')
  })

  it('every time it occurs', () => {
    const keyed = new Sanitizer([KEY])
    expect(keyed.text(`${KEY} ${KEY}\n${KEY},${KEY}`)).toBe('*** *** ***,***')
  })

  it('inside a value shown as JSON', () => {
    expect(safe.text({ errors: [{ message: `key ${KEY}` }] })).not.toContain(KEY)
  })

  it.each([
    ['lower-case', false],
    ['upper-case', true]
  ])('JSON-escaped with %s hex', (_, upper) => {
    const escaped = jsonEscaped(KEY, upper)
    expect(escaped.startsWith('\\u0053\\u0065')).toBe(true)
    const shown = safe.text(`{"echo":"${escaped}"}`)
    expect(shown).toBe('{"echo":"***"}')
  })

  it('JSON-escaped in part, in mixed case', () => {
    // "Sek" plain, "r" as \u0072, "e" plain, "t" as \u0074, "123" plain; "k" is \u006B
    const shown = safe.text('x Se\\u006Br\\u0065t123 y')
    expect(shown).toBe('x *** y')
  })

  it('with a hex letter in either case', () => {
    // "k" is U+006B: a serializer may write \u006b or \u006B
    const keyed = new Sanitizer(['kkk'])
    expect(keyed.text('a \\u006b\\u006B\\u006b b')).toBe('a *** b')
  })

  it.each([
    ['a newline', 'Sek\nret123'],
    ['CR LF', 'Sekr\r\net123'],
    ['a NUL', 'Sekret\u0000123'],
    ['several controls', 'S\u0001e\u0002k\u0003ret123'],
    ['a line separator', 'Sekret12\u20283']
  ])('split by %s', (_, split) => {
    const shown = safe.text(`before ${split} after`)
    expect(shown).not.toContain(KEY)
    expect(shown.replace(/\s/g, '')).not.toContain(KEY)
    expect(shown).toContain('***')
    expect(shown).not.toMatch(CONTROL)
  })

  it('as JSON.stringify writes a key with a quote or a backslash', () => {
    const key = 'ab"cd\\ef'
    const keyed = new Sanitizer([key])
    const shown = keyed.text(JSON.stringify({ echo: key }))
    expect(shown).toBe('{"echo":"***"}')
  })

  it('before the text is cut, so no part of it survives a cut', () => {
    const shown = safe.text(`${'x'.repeat(20)}${KEY}${'y'.repeat(100)}`, 25)
    expect(shown).not.toContain('Sekret')
    expect(shown).not.toContain('Sek')
  })

  it('treats regular-expression characters in a key literally', () => {
    const keyed = new Sanitizer(['a.b*c+(d)'])
    expect(keyed.text('a.b*c+(d) aXbbbc+d')).toBe('*** aXbbbc+d')
  })

  it('redacts each secret given', () => {
    const keyed = new Sanitizer(['first-line', 'second-line'])
    expect(keyed.text('first-line / second-line')).toBe('*** / ***')
  })

  it('ignores secrets too short to mean anything', () => {
    expect(new Sanitizer(['a', '']).text('a banana')).toBe('a banana')
  })
})

describe('Sanitizer.text redacts the key encoded', () => {
  // A key whose base64 holds + and / (URL-safe: - and _) at each alignment.
  const SIGNS = 'k3y~~~???'
  const signed = new Sanitizer([SIGNS])

  it.each([
    // base64 of "Sekret123", alone, then after 1 and 2 bytes and before 0, 1 and 2: the
    // characters that depend on the key's bytes alone are redacted, the rest kept.
    ['alone', 'U2VrcmV0MTIz', '***'],
    ['followed by one byte', 'U2VrcmV0MTIzIQ==', '***IQ=='],
    ['followed by two bytes', 'U2VrcmV0MTIzIT8=', '***IT8='],
    ['after one byte', 'eFNla3JldDEyMw==', 'eF***w=='],
    ['after one byte, followed by one', 'eFNla3JldDEyMyE=', 'eF***yE='],
    ['after one byte, followed by two', 'eFNla3JldDEyMyE/', 'eF***yE/'],
    ['after two bytes', 'eHlTZWtyZXQxMjM=', 'eHl***M='],
    ['after two bytes, followed by one', 'eHlTZWtyZXQxMjMh', 'eHl***Mh'],
    ['after two bytes, followed by two', 'eHlTZWtyZXQxMjMhPw==', 'eHl***MhPw=='],
    ['after two bytes, URL-safe without padding', 'eHlTZWtyZXQxMjMhPw', 'eHl***MhPw'],
    ['inside text', 'Basic U2VrcmV0MTIz was refused', 'Basic *** was refused']
  ])('in base64, %s', (_, text, expected) => {
    expect(safe.text(text)).toBe(expected)
  })

  it.each([
    ['standard, padded', 'azN5fn5+Pz8/', '***'],
    ['URL-safe', 'azN5fn5-Pz8_', '***'],
    ['standard after one byte', 'eGszeX5+fj8/Pw==', 'eG***w=='],
    ['URL-safe after one byte, unpadded', 'eGszeX5-fj8_Pw', 'eG***w'],
    ['standard after two bytes', 'eHlrM3l+fn4/Pz8=', 'eHl***8='],
    ['URL-safe after two bytes', 'eHlrM3l-fn4_Pz8', 'eHl***8'],
    ['with / JSON-escaped as \\/', String.raw`azN5fn5+Pz8\/`, '***'],
    ['with + JSON-escaped as \\u002B', String.raw`azN5fn5\u002BPz8/`, '***'],
    ['wrapped by a line break', 'azN5fn5+\r\nPz8/', '***'],
    ['wrapped by an escaped line break', String.raw`azN5fn5+\nPz8/`, '***']
  ])('in base64 with + and /, %s', (_, text, expected) => {
    expect(signed.text(text)).toBe(expected)
  })

  it.each([
    ['lower case', '53656b726574313233', '***'],
    ['upper case', '53656B726574313233', '***'],
    ['inside a longer hex string', '00ff53656b726574313233ff', '00ff***ff'],
    ['in a sentence', 'key=53656B726574313233.', 'key=***.']
  ])('in hex, %s', (_, text, expected) => {
    expect(safe.text(text)).toBe(expected)
  })

  it('in hex of mixed case, and split by a line break', () => {
    expect(signed.text('6B33797e7E7e3F3f3f')).toBe('***')
    expect(signed.text('6b33797e7e\n7e3f3f3f')).toBe('***')
    expect(signed.text(String.raw`6b33797e7e\r\n7e3f3f3f`)).toBe('***')
  })

  it.each([
    ['as encodeURIComponent writes it', encodeURIComponent(SIGNS), '***'],
    ['every byte, lower case', '%6b%33%79%7e%7e%7e%3f%3f%3f', '***'],
    ['every byte, upper case', '%6B%33%79%7E%7E%7E%3F%3F%3F', '***'],
    ['every byte, mixed case', '%6b%33%79%7E%7e%7E%3F%3f%3F', '***'],
    ['partly', 'k3y%7E~%7e%3F?%3f', '***'],
    ['in a query', '?key=k3y~~~%3F%3F%3F&x=1', '?key=***&x=1']
  ])('percent-encoded, %s', (_, text, expected) => {
    expect(signed.text(text)).toBe(expected)
  })

  it('percent-encoded with a space as + or %20, and every byte of a multi-byte character', () => {
    const keyed = new Sanitizer(['two wörds'])
    expect(keyed.text('a two+w%C3%B6rds b')).toBe('a *** b')
    expect(keyed.text('a two%20w%c3%b6rds b')).toBe('a *** b')
    expect(keyed.text('a %74%77%6F%20%77%C3%B6%72%64%73 b')).toBe('a *** b')
  })

  it('each secret given, in every form', () => {
    const keyed = new Sanitizer(['first-line', '/t0k3n'])
    expect(keyed.text(Buffer.from('/t0k3n').toString('hex'))).toBe('***')
    expect(keyed.text(Buffer.from('first-line').toString('base64'))).toBe('***Q==')
    expect(keyed.text('%2Ft0k3n')).toBe('***')
  })

  it('in base64 and hex only for a secret of 6 bytes or more: shorter ones are found by chance', () => {
    const short = new Sanitizer(['abcde'])
    expect(short.text('YWJjZGU= 6162636465 %61%62%63%64%65')).toBe('YWJjZGU= 6162636465 ***')
    const six = new Sanitizer(['abcdef'])
    expect(six.text('YWJjZGVm 616263646566')).toBe('*** ***')
  })

  it('percent-encoded, a byte below 0x10 as two digits', () => {
    expect(new Sanitizer(['tab\there']).text('x tab%09here y')).toBe('x *** y')
  })

  it('leaves other base64, hex and percent-encoding alone', () => {
    const text = 'U2VrcmV0MTI0 53656b726574313234 Sekret%31%32%34 eFNla3JldDEyNA== Sekre+123'
    expect(safe.text(text)).toBe(text)
  })

  it('at any byte alignment inside longer base64, either alphabet (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 12 }),
        fc.uint8Array({ maxLength: 12 }),
        fc.constantFrom<BufferEncoding>('base64', 'base64url'),
        (before, after, encoding) => {
          const encoded = Buffer.concat([before, Buffer.from(KEY), after]).toString(encoding)
          const shown = safe.text(encoded, 10_000)
          const [head = '', tail = '', ...more] = shown.split('***')
          expect(more).toEqual([])
          expect(encoded.startsWith(head)).toBe(true)
          expect(encoded.endsWith(tail)).toBe(true)
          // 9 bytes are 72 bits: at least 11 characters of 6 bits depend on them alone.
          expect(encoded.length - head.length - tail.length).toBeGreaterThanOrEqual(11)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('Sanitizer.text shows addresses by domain when details are shown by count', () => {
  const counts = new Sanitizer([KEY], { shown: 'counts' })

  it.each([
    ['one address', 'ops@example.com', '…@example.com'],
    ['inside text', 'mail to ops@example.com failed', 'mail to …@example.com failed'],
    [
      'several',
      'a@example.com, b.c+tag@example.org; d@x.example.net',
      '…@example.com, …@example.org; …@x.example.net'
    ],
    ['the domain lower-cased', 'Jane.Doe@Example.COM', '…@example.com'],
    ['a unicode domain', 'jörg@bücher.example, 山田@例え.jp', '…@bücher.example, …@例え.jp'],
    ['a unicode domain in capitals', 'x@BÜCHER.EXAMPLE', '…@bücher.example'],
    ['a punycode domain', 'x@xn--bcher-kva.example', '…@xn--bcher-kva.example'],
    ['a domain without a dot', 'a@b', '…@b'],
    ['in quotes', '"ops@example.com" is not', '"…@example.com" is not'],
    ['in angle brackets', 'Ops <ops@example.com>', 'Ops <…@example.com>'],
    ['in parentheses', '(ops@example.com)', '(…@example.com)'],
    ['at the end of a sentence', 'sent to ops@example.com.', 'sent to …@example.com.'],
    ['in JSON', '{"email":"ops@example.com"}', '{"email":"…@example.com"}'],
    ['after a colon', 'emails:ops@example.com', 'emails:…@example.com'],
    ['percent-encoded in a URL', '?to=ops%40example.com&x=1', '?to=…@example.com&x=1'],
    ['percent-encoded, with a + encoded', 'to=o%2Bps%40Example.com', 'to=…@example.com'],
    ['JSON-escaped', String.raw`"ops\u0040example.com"`, '"…@example.com"'],
    ['with the key before @', `${KEY}@example.com`, '…@example.com'],
    ['after the key was redacted', '***@example.com', '…@example.com'],
    ['already shown by domain', '…@example.com', '…@example.com'],
    ['split by a format character', 'ops\u200b@example.com', '…@example.com'],
    [
      'with every sign parse accepts before @',
      "o!#$%&'*+/=?^_`{|}~.-s@example.com",
      '…@example.com'
    ],
    ['two @ in a row', 'a@b@example.com', '…@b@example.com'],
    ['quoted with a JSON escape', String.raw`"\u202emoc.live@example.com"`, '"…@example.com"'],
    ['after a JSON line break', String.raw`line\nops@example.com`, '…@example.com']
  ])('%s', (_, text, expected) => {
    expect(counts.text(text)).toBe(expected)
  })

  it.each([
    'X-DC-DEVKEY: (not shown)',
    'PUT https://gw.example/…/certificate/123/sendemail',
    '@actions/core',
    'ops@ example.com',
    '@example.com',
    'a @ b',
    'HTTP 400: invalid_value:emails: Bad format.; DigiCert rejected the value of emails',
    'Größe café 東京 🔒'
  ])('leaves %j as it is', text => {
    expect(counts.text(text)).toBe(text)
  })

  it('shows addresses with full, and by default', () => {
    expect(new Sanitizer([KEY], { shown: 'full' }).text('Ops@Example.com')).toBe('Ops@Example.com')
    expect(safe.text('Ops@Example.com')).toBe('Ops@Example.com')
  })

  it('before the text is cut, so no part of an address survives a cut', () => {
    const shown = counts.text(`${'x'.repeat(10)} jane.doe@example.com and more`, 20)
    expect(shown).toBe('xxxxxxxxxx …@exampl… (33 characters in all)')
  })

  it('every address parse accepts, wherever it stands (property)', () => {
    fc.assert(
      fc.property(
        fc.emailAddress().filter(address => emailProblem(address) === undefined),
        fc.constantFrom(' ', ', ', '"', '<', '(', ': '),
        (address, before) => {
          const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase()
          const shown = counts.text(`to${before}${address} (sent)`, 10_000)
          expect(shown).toBe(`to${before}…@${domain} (sent)`)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('Sanitizer.text on arbitrary input (properties)', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ maxLength: 400 }),
    fc
      .array(
        fc.oneof(
          fc.constantFrom('::', ':', '\n', '\r', '\u2028', '\u2029', '\u0085', ' ', KEY, '😀'),
          fc.string({ maxLength: 5 })
        ),
        { maxLength: 60 }
      )
      .map(parts => parts.join(''))
  )
  const max = fc.integer({ min: 2, max: 120 })

  it('has no control character, no line break, no leading :: and is bounded', () => {
    fc.assert(
      fc.property(anyText, max, (text, limit) => {
        const shown = safe.text(text, limit)
        expect(shown).not.toMatch(CONTROL)
        expect(shown.startsWith('::')).toBe(false)
        expect(shown.length).toBeLessThanOrEqual(bound(limit, text.length))
      }),
      { numRuns: 800 }
    )
  })

  it('splits no surrogate pair of well-formed text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 2, max: 60 }),
        (text, limit) => {
          expect(safe.text(text, limit)).not.toMatch(LONE_SURROGATE)
        }
      ),
      { numRuns: 500 }
    )
  })

  it('never shows the key, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 50 }),
        fc.string({ maxLength: 50 }),
        fc.integer({ min: 20, max: 400 }),
        (before, after, limit) => {
          expect(safe.text(`${before}${KEY}${after}`, limit)).not.toContain(KEY)
        }
      ),
      { numRuns: 500 }
    )
  })

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, maxDepth: 3 }),
        value => {
          expect(typeof safe.text(value)).toBe('string')
        }
      ),
      { numRuns: 150 }
    )
  })
})

describe('format characters (Unicode category Cf)', () => {
  const named: [string, string][] = [
    ['LRE', '\u202a'],
    ['RLE', '\u202b'],
    ['PDF', '\u202c'],
    ['LRO', '\u202d'],
    ['RLO', '\u202e'],
    ['LRI', '\u2066'],
    ['RLI', '\u2067'],
    ['FSI', '\u2068'],
    ['PDI', '\u2069'],
    ['LRM', '\u200e'],
    ['RLM', '\u200f'],
    ['ALM', '\u061c'],
    ['ZWSP', '\u200b'],
    ['ZWNJ', '\u200c'],
    ['ZWJ', '\u200d'],
    ['WJ', '\u2060'],
    ['BOM', '\ufeff'],
    ['soft hyphen', '\u00ad'],
    ['invisible times', '\u2062'],
    ['tag A', '\u{e0041}'],
    ['language tag', '\u{e0001}']
  ]

  it.each(named)('removes %s, leaving nothing in its place', (_, char) => {
    expect(safe.text(`ab${char}c${char}`)).toBe('abc')
  })

  it('shows a reversed host name as the characters it is made of', () => {
    expect(safe.text('\u202Emoc.evil\u202C.example.com')).toBe('moc.evil.example.com')
  })

  it('keeps what is not a format character: letters of every script, emoji, spaces', () => {
    const text = 'Größe café 東京 مرحبا 🔒 a\u00a0b'
    expect(safe.text(text)).toBe(text)
  })

  it('finds the key split by a format character, and a runner command behind one', () => {
    expect(safe.text(`x Sek\u200bret\u2060123 y`)).toBe('x *** y')
    expect(safe.text('\u200b::error::x')).not.toMatch(/^::/)
  })

  it('is every character of category Cf, and only those', () => {
    expect(FORMAT_CHARACTERS.source).toBe(String.raw`\p{Cf}`)
    expect(FORMAT_CHARACTERS.flags).toBe('gu')
  })

  it('leaves no format character in any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), text => {
        expect(safe.text(text, 10_000)).not.toMatch(/\p{Cf}/u)
      }),
      { numRuns: 300 }
    )
  })
})
