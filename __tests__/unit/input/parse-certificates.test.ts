// The parsers of the inputs that name a certificate: serial numbers, thumbprints, common names,
// the newline-or-comma list they share, and issued-within's duration with days.
import { describe, expect, it } from 'vitest'
import {
  parseCommonNames,
  parseLongDuration,
  parseSerials,
  parseThumbprints,
  splitLines
} from '../../../src/input/parse.js'
import { inputErrorOf } from '../../support/inputs.js'

const THUMB = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'

describe('splitLines', () => {
  it('splits on newlines and commas only, trims, drops empties and repeats', () => {
    expect(splitLines(' a b.pem ,\r\nc;d\n\n,a b.pem\r')).toEqual(['a b.pem', 'c;d'])
    expect(splitLines(' , \n')).toEqual([])
  })
})

describe('parseSerials', () => {
  it('upper-cases hex and drops colons and spaces, once each', () => {
    expect(parseSerials('serial-number', '0a:1b:2c, 0A 1B 2C\n0a1b2c\nff')).toEqual([
      '0A1B2C',
      'FF'
    ])
    expect(parseSerials('serial-number', 'f'.repeat(40))).toEqual(['F'.repeat(40)])
  })

  it('refuses what is not 1 to 40 hex digits, naming each', () => {
    expect(
      inputErrorOf(() => parseSerials('serial-number', `xyz, ${'a'.repeat(41)}, ::, 12-34`))
        .problems
    ).toEqual(
      ['"xyz"', `"${'a'.repeat(41)}"`, '"::"', '"12-34"'].map(
        q =>
          `serial-number: ${q} is not a serial number in hex (1 to 40 hex digits; colons and spaces allowed)`
      )
    )
  })
})

describe('parseThumbprints', () => {
  it('exactly 40 hex digits, any case, colons allowed', () => {
    const colons = THUMB.match(/../g)?.join(':') as string
    expect(parseThumbprints('thumbprint', `${THUMB}\n${colons.toUpperCase()}`)).toEqual([
      THUMB.toUpperCase()
    ])
  })

  it.each([THUMB.slice(1), `${THUMB}0`, `${THUMB.slice(1)}g`])('refuses %s', value => {
    expect(inputErrorOf(() => parseThumbprints('thumbprint', value)).problems).toEqual([
      `thumbprint: "${value}" is not a SHA-1 thumbprint (40 hex digits; colons allowed)`
    ])
  })
})

describe('parseCommonNames', () => {
  it('trims and keeps each name as given', () => {
    expect(parseCommonNames('common-name', ' www.Example.com ,\n*.example.org')).toEqual([
      'www.Example.com',
      '*.example.org'
    ])
  })

  it('refuses whitespace or control characters inside a name', () => {
    expect(
      inputErrorOf(() => parseCommonNames('common-name', 'a b.com, c\u0007d')).problems
    ).toEqual([
      'common-name: "a b.com" holds whitespace or control characters; a common name is one name such as www.example.com',
      'common-name: "c\\u0007d" holds whitespace or control characters; a common name is one name such as www.example.com'
    ])
  })

  it('refuses a format character inside a name, and a name without a letter or digit', () => {
    expect(
      inputErrorOf(() => parseCommonNames('common-name', '\u202Emoc.evil\u202C.example.com, :, *.'))
        .problems
    ).toEqual([
      'common-name: "\\u202emoc.evil\\u202c.example.com" holds an invisible format character (U+202E); type it again without it',
      'common-name: ":" holds no letter or digit; a common name is one name such as www.example.com',
      'common-name: "*." holds no letter or digit; a common name is one name such as www.example.com'
    ])
    expect(
      parseCommonNames('common-name', 'xn--bcher-kva.example, bücher.example, 10.0.0.1')
    ).toEqual(['xn--bcher-kva.example', 'bücher.example', '10.0.0.1'])
  })
})

describe('parseLongDuration', () => {
  it.each([
    ['1', 1],
    ['1s', 1],
    ['90s', 90],
    ['90', 90],
    ['15m', 900],
    ['2H', 7200],
    ['7d', 604_800],
    [' 1 d ', 86_400],
    ['400d', 34_560_000]
  ])('%s is %i s', (value, seconds) => {
    expect(parseLongDuration('issued-within', value, 400 * 86_400)).toBe(seconds)
  })

  it.each(['0', '0d', '401d', '-1d', '1w', '1.5d', '', 'd', '123456789'])('refuses %j', value => {
    expect(
      inputErrorOf(() => parseLongDuration('issued-within', value, 400 * 86_400)).problems
    ).toEqual([
      `issued-within: ${JSON.stringify(value)} must be a duration such as 90s, 15m, 2h or 7d (or a number of seconds), from 1 s to 400 days`
    ])
  })
})
