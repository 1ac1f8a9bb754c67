// The one way out for network text (src/sanitize.ts): one bounded line, no key, no runner command.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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
