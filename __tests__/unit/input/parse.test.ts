// The single-value parsers shared by the plan and the operations (src/input/parse.ts).
import { describe, expect, it } from 'vitest'
import {
  InputError,
  MAX_EMAIL_LENGTH,
  codePointName,
  collect,
  didYouMean,
  editsAllowed,
  emailProblem,
  formatDuration,
  inInputOrder,
  parseBoolean,
  parseChoice,
  parseDuration,
  parseEmails,
  parseIds,
  nearest,
  parseNumber,
  quote,
  splitList
} from '../../../src/input/parse.js'
import { ACTION_INPUTS } from '../../../src/action-metadata.js'
import { inputErrorOf } from '../../support/inputs.js'

describe('InputError', () => {
  it('shows a single problem alone', () => {
    const error = new InputError(['timeout-seconds: "x" must be a decimal number from 0.1 to 600'])
    expect(error.message).toBe('timeout-seconds: "x" must be a decimal number from 0.1 to 600')
    expect(error.problems).toEqual([
      'timeout-seconds: "x" must be a decimal number from 0.1 to 600'
    ])
    expect(error.name).toBe('InputError')
    expect(error).toBeInstanceOf(Error)
  })

  it('counts and bullets several problems', () => {
    expect(new InputError(['a', 'b']).message).toBe('2 input problems:\n- a\n- b')
    expect(new InputError(['a', 'b', 'c']).message).toBe('3 input problems:\n- a\n- b\n- c')
  })

  it("lists its problems in action.yml's order of inputs, in the message too", () => {
    const error = new InputError(['dry-run: "yes"', 'the rest', 'emails: "x"', 'api-key: none'])
    expect(error.problems).toEqual(['api-key: none', 'emails: "x"', 'dry-run: "yes"', 'the rest'])
    expect(error.message).toBe(
      '4 input problems:\n- api-key: none\n- emails: "x"\n- dry-run: "yes"\n- the rest'
    )
  })
})

describe('inInputOrder', () => {
  it.each([
    [[], []],
    [['x: y'], ['x: y']],
    [
      ['summary-details: a', 'timeout-seconds: b', 'certificate-id: c', 'operation: d'],
      ['operation: d', 'certificate-id: c', 'timeout-seconds: b', 'summary-details: a']
    ],
    // stable: one input's problems keep their order
    [
      ['emails: 2', 'format: 1', 'emails: 1', 'message: 1', 'emails: 3'],
      ['emails: 2', 'emails: 1', 'emails: 3', 'format: 1', 'message: 1']
    ],
    // a problem naming several inputs sorts by the first
    [
      ['emails: x', 'certificate-id and order-id: give one of them', 'api-key: y'],
      ['api-key: y', 'certificate-id and order-id: give one of them', 'emails: x']
    ],
    [
      ['common-name: x', 'order-id, certificate-file: one of them is required', 'order-id: y'],
      ['order-id, certificate-file: one of them is required', 'order-id: y', 'common-name: x']
    ],
    // naming no input: last, in their order; an input named further on does not count
    [
      ['see operation: x', 'emails: y'],
      ['emails: y', 'see operation: x']
    ],
    [
      ['the address a', 'region: x', 'certificate-idx: y', 'format is wrong', 'operation: z'],
      ['operation: z', 'region: x', 'the address a', 'certificate-idx: y', 'format is wrong']
    ],
    [
      ['api-url: a', 'region: b', 'seal-settings: c', 'message: d', 'format: e', 'emails: f'],
      ['emails: f', 'format: e', 'message: d', 'seal-settings: c', 'region: b', 'api-url: a']
    ],
    [
      ['wait-for-issuance: a', 'issued-within: b', 'thumbprint: c', 'serial-number: d'],
      ['serial-number: d', 'thumbprint: c', 'issued-within: b', 'wait-for-issuance: a']
    ]
  ])('%j becomes %j', (problems, ordered) => {
    const given = [...problems]
    expect(inInputOrder(problems)).toEqual(ordered)
    expect(problems).toEqual(given)
  })

  it('knows every input of action.yml, in its order', () => {
    const names = Object.keys(ACTION_INPUTS)
    expect(inInputOrder(names.map(name => `${name}: x`).reverse())).toEqual(
      names.map(name => `${name}: x`)
    )
  })
})

describe('collect', () => {
  it('returns the value when the parser succeeds', () => {
    const problems: string[] = []
    expect(collect(problems, () => 5)).toBe(5)
    expect(problems).toEqual([])
  })

  it('gathers the problems of an InputError and returns undefined', () => {
    const problems = ['earlier']
    expect(
      collect(problems, () => {
        throw new InputError(['x', 'y'])
      })
    ).toBeUndefined()
    expect(problems).toEqual(['earlier', 'x', 'y'])
  })

  it('lets any other error through', () => {
    expect(() =>
      collect([], () => {
        throw new TypeError('bug')
      })
    ).toThrow(TypeError)
  })
})

describe('splitList', () => {
  it('splits on commas, semicolons, spaces and newlines, dropping empties and duplicates', () => {
    expect(splitList(' 1,2;3 4\n5\r\n\t6,,1 ; 2 ')).toEqual(['1', '2', '3', '4', '5', '6'])
  })

  it('keeps the first occurrence of a duplicate', () => {
    expect(splitList('b a b c a')).toEqual(['b', 'a', 'c'])
  })

  it('yields nothing for separators only', () => {
    expect(splitList(' ,;\n ')).toEqual([])
  })
})

describe('quote', () => {
  it('shows a value as a JSON string on one line', () => {
    expect(quote('a\nb')).toBe('"a\\nb"')
  })

  it('escapes the line and paragraph separators, which JSON leaves as they are', () => {
    expect(quote('a\u2028b\u2029c')).toBe('"a\\u2028b\\u2029c"')
  })

  it('escapes DEL and the C1 controls (NEL), which JSON leaves as they are', () => {
    expect(quote('a\u007fb\u0080c\u0085d\u009fe\u00a0')).toBe(
      '"a\\u007fb\\u0080c\\u0085d\\u009fe\u00a0"'
    )
  })

  it('shortens a long value', () => {
    const shown = quote('x'.repeat(500))
    expect(shown.length).toBeLessThanOrEqual(80)
    expect(shown.endsWith('…"')).toBe(true)
  })

  it('shows up to 80 characters whole and cuts a longer value to 79 with an ellipsis', () => {
    expect(quote('x'.repeat(78))).toBe(`"${'x'.repeat(78)}"`)
    expect(quote('x'.repeat(79))).toBe(`"${'x'.repeat(76)}…"`)
    expect(quote(`${'x'.repeat(77)}\n`)).toBe(`"${'x'.repeat(76)}…"`)
  })
})

describe('didYouMean', () => {
  const operations = ['send-certificate', 'email-site-seal']

  it.each([
    ['send-certificat', operations, 'send-certificate'],
    ['email-site-sael', operations, 'email-site-seal'],
    ['atachment', ['attachment', 'plaintext', 'downloadlink'], 'attachment'],
    ['plaintxt', ['attachment', 'plaintext', 'downloadlink'], 'plaintext'],
    ['uss', ['us', 'eu'], 'us'],
    ['seal_sise', ['seal_size', 'seal_number', 'seal_hover'], 'seal_size']
  ])('suggests the near miss of %j', (value, choices, expected) => {
    expect(didYouMean(value, choices)).toBe(`; did you mean ${JSON.stringify(expected)}?`)
  })

  it('suggests a choice that the value starts', () => {
    expect(didYouMean('down', ['attachment', 'plaintext', 'downloadlink'])).toBe(
      '; did you mean "downloadlink"?'
    )
  })

  it('ignores case and surrounding spaces', () => {
    expect(didYouMean('  SEND-CERTIFICAT ', operations)).toBe('; did you mean "send-certificate"?')
  })

  it('prefers the closest choice', () => {
    expect(didYouMean('abd', ['xyz', 'abc', 'abx'])).toBe('; did you mean "abc"?')
    expect(didYouMean('abcd', ['abxy', 'abce'])).toBe('; did you mean "abce"?')
  })

  it.each(['', '   ', 'pdf', 'completely-different'])('suggests nothing for %j', value => {
    expect(didYouMean(value, ['attachment', 'plaintext', 'downloadlink'])).toBe('')
  })

  it('suggests nothing for an empty value, even among choices 2 edits away', () => {
    expect(didYouMean('', ['us', 'eu'])).toBe('')
    expect(didYouMean(' ', ['us', 'eu'])).toBe('')
  })

  it('takes a value of 2 characters or more, not 1, as the start of a choice', () => {
    expect(didYouMean('se', operations)).toBe('; did you mean "send-certificate"?')
    expect(didYouMean('em', operations)).toBe('; did you mean "email-site-seal"?')
    expect(didYouMean('e', operations)).toBe('')
  })

  it('allows 3 edits from a choice of 9 characters or more, 2 from a shorter one', () => {
    expect([8, 9, 10].map(n => editsAllowed('x'.repeat(n)))).toEqual([2, 3, 3])
    expect(didYouMean('max-retry', ['max-retries'])).toBe('; did you mean "max-retries"?')
    expect(didYouMean('abcdefXYZ', ['abcdefghi'])).toBe('; did you mean "abcdefghi"?')
    expect(didYouMean('abcdeXYZ', ['abcdefgh'])).toBe('')
    expect(didYouMean('abcdeWXYZ', ['abcdefghi'])).toBe('')
    expect(nearest('abcdefgxyz', ['abcdefgh', 'abcdefghij'])).toBe('abcdefghij')
  })
})

describe('parseChoice', () => {
  it('accepts a choice in any case, with spaces around', () => {
    expect(parseChoice('format', ' PlainText ', ['attachment', 'plaintext'])).toBe('plaintext')
  })

  it('names the input, the value and the choices of an empty value, suggesting nothing', () => {
    expect(() => parseChoice('region', ' ', ['us', 'eu'])).toThrow(
      new InputError(['region: " " is not one of us, eu'])
    )
  })

  it('names the input, the value, the choices and the near miss', () => {
    expect(() => parseChoice('format', 'atachment', ['attachment', 'plaintext'])).toThrow(
      'format: "atachment" is not one of attachment, plaintext; did you mean "attachment"?'
    )
  })
})

describe('parseIds', () => {
  it('accepts positive whole numbers, dropping duplicates', () => {
    expect(parseIds('certificate-id', '12, 345;12\n6789 345', 'certificate')).toEqual([
      '12',
      '345',
      '6789'
    ])
  })

  it('accepts up to 20 digits', () => {
    const twenty = '9'.repeat(20)
    expect(parseIds('order-id', twenty, 'order')).toEqual([twenty])
    expect(
      inputErrorOf(() => parseIds('order-id', `1${'0'.repeat(20)}`, 'order')).message
    ).toContain('order-id:')
  })

  it.each(['0', '007', '-1', '1.5', '12a', '+1', '1e3', '0x1F', '../1', '1%2F2', '１２'])(
    'rejects %j, naming the input and the value',
    bad => {
      expect(() => parseIds('order-id', `5 ${bad}`, 'order')).toThrow(
        `order-id: ${JSON.stringify(bad)} is not a valid order ID`
      )
    }
  )

  it('lists every bad ID (at most 10, then a count)', () => {
    expect(
      inputErrorOf(() => parseIds('certificate-id', 'a b 1 c', 'certificate')).problems
    ).toEqual([
      'certificate-id: "a" is not a valid certificate ID (a positive whole number without leading zeros, e.g. 1234567)',
      'certificate-id: "b" is not a valid certificate ID (a positive whole number without leading zeros, e.g. 1234567)',
      'certificate-id: "c" is not a valid certificate ID (a positive whole number without leading zeros, e.g. 1234567)'
    ])
    const bad = (count: number) => Array.from({ length: count }, (_, i) => `x${i}`).join(' ')
    const atTen = inputErrorOf(() => parseIds('order-id', bad(10), 'order')).problems
    expect(atTen).toHaveLength(10)
    expect(atTen[9]).toBe(
      'order-id: "x9" is not a valid order ID (a positive whole number without leading zeros, e.g. 1234567)'
    )
    const atEleven = inputErrorOf(() => parseIds('order-id', bad(11), 'order')).problems
    expect(atEleven).toHaveLength(11)
    expect(atEleven[10]).toBe('order-id: and 1 more values like these')
    const many = bad(13)
    const problems = inputErrorOf(() => parseIds('order-id', many, 'order')).problems
    expect(problems).toHaveLength(11)
    expect(problems[10]).toBe('order-id: and 3 more values like these')
  })
})

describe('parseNumber', () => {
  const timeout = { min: 0.1, max: 600, integer: false }
  const retries = { min: 0, max: 10, integer: true }

  it.each([
    ['0.1', 0.1],
    ['600', 600],
    ['30', 30],
    [' 2.5 ', 2.5],
    ['599.999999', 599.999999]
  ])('accepts the decimal %j', (text, value) => {
    expect(parseNumber('timeout-seconds', text, timeout)).toBe(value)
  })

  it.each([
    '0x10',
    '1e1',
    '-1',
    '600.5',
    '600.000001',
    '0.09',
    '0',
    ' ',
    '',
    'abc',
    '.5',
    '5.',
    '1 0',
    'Infinity',
    'NaN'
  ])('rejects %j as a timeout', text => {
    expect(() => parseNumber('timeout-seconds', text, timeout)).toThrow(
      `timeout-seconds: ${JSON.stringify(text)} must be a decimal number from 0.1 to 600`
    )
  })

  it('accepts whole numbers from 0 to 10 for an integer', () => {
    expect(parseNumber('max-retries', '0', retries)).toBe(0)
    expect(parseNumber('max-retries', '10', retries)).toBe(10)
  })

  it.each(['11', '1.5', '-1', '1e1', '0x1', ''])('rejects %j as a whole number', text => {
    expect(() => parseNumber('max-retries', text, retries)).toThrow(
      `max-retries: ${JSON.stringify(text)} must be a whole number from 0 to 10`
    )
  })
})

describe('parseBoolean', () => {
  it.each(['true', 'True', 'TRUE', ' true '])('reads %j as true', text => {
    expect(parseBoolean('dry-run', text)).toBe(true)
  })

  it.each(['false', 'False', 'FALSE', '\nfalse'])('reads %j as false', text => {
    expect(parseBoolean('dry-run', text)).toBe(false)
  })

  it.each(['yes', 'no', '1', '0', 'on', 'tRUE', ''])('rejects %j', text => {
    expect(() => parseBoolean('dry-run', text)).toThrow(
      `dry-run: ${JSON.stringify(text)} must be true or false`
    )
  })
})

describe('emails', () => {
  /** An address of exactly `length` characters with a valid domain. */
  function addressOf(length: number): string {
    const local = 'a'.repeat(60)
    let domain = 'example.com'
    while (local.length + 1 + domain.length < length) domain = `b${domain}`
    return `${local}@${domain}`
  }

  it.each([
    'a@example.com',
    'first.last+tag@sub.example.co.uk',
    'o@xn--bcher-kva.example',
    'ü@bücher.de'
  ])('accepts %s', address => expect(emailProblem(address)).toBeUndefined())

  it('accepts a local part of exactly 64 characters and rejects 65', () => {
    expect(emailProblem(`${'l'.repeat(64)}@example.com`)).toBeUndefined()
    expect(emailProblem(`${'l'.repeat(65)}@example.com`)).toContain('longer than 64 characters')
  })

  it(`accepts an address of exactly ${MAX_EMAIL_LENGTH} characters and rejects one more`, () => {
    expect(addressOf(254)).toHaveLength(254)
    expect(emailProblem(addressOf(254))).toBeUndefined()
    expect(addressOf(255)).toHaveLength(255)
    expect(emailProblem(addressOf(255))).toBe('is longer than 254 characters')
  })

  it.each([
    ['x', 'exactly one @'],
    ['a@b@example.com', 'exactly one @'],
    ['@example.com', 'before @'],
    ['a@localhost', 'example.com'],
    ['a@-bad.com', 'example.com'],
    ['a@exa mple.com', 'space'],
    ['a\u0000b@example.com', 'control'],
    ['a\u2028b@example.com', 'control'],
    ['"a"@example.com', 'quotes']
  ])('rejects %j (%s)', (address, why) => {
    expect(emailProblem(address)).toContain(why)
  })

  it('names the input and the offending value', () => {
    expect(() => parseEmails('emails', 'ok@example.com, x')).toThrow(
      'emails: "x" is not an email address'
    )
  })

  it('reports every bad address at once', () => {
    expect(inputErrorOf(() => parseEmails('emails', 'x y@ z@example.com')).problems).toHaveLength(2)
  })

  it('splits and deduplicates addresses', () => {
    expect(parseEmails('emails', 'a@example.com; b@example.com\na@example.com')).toEqual([
      'a@example.com',
      'b@example.com'
    ])
  })
})

describe('parseDuration', () => {
  const sixHours = 6 * 3600

  it.each([
    ['0', 0],
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['6h', sixHours],
    ['21600', sixHours],
    [' 15 m ', 900],
    ['2H', 7200]
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration('wait-for-issuance', text, sixHours)).toBe(seconds)
  })

  it.each(['7h', '361m', '21601', '-1', '1.5h', 'abc', '', '2d', '1h30m', '0x10'])(
    'rejects %j, naming the input and the maximum',
    text => {
      expect(() => parseDuration('wait-for-issuance', text, sixHours)).toThrow(
        `wait-for-issuance: ${JSON.stringify(text)} must be 0, a number of seconds, or a duration such as 90s, 15m or 2h, at most 6 h`
      )
    }
  )
})

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [90, '1 min 30 s'],
    [3600, '1 h'],
    [9000, '2 h 30 min'],
    [3661, '1 h 1 min 1 s'],
    [86_399, '23 h 59 min 59 s'],
    [86_400, '1 d'],
    [90_000, '1 d 1 h'],
    [86_461, '1 d 1 min 1 s'],
    [30 * 86_400, '30 d'],
    [398 * 86_400, '398 d'],
    [29.6, '30 s']
  ])('shows %d seconds as %j', (seconds, shown) => {
    expect(formatDuration(seconds)).toBe(shown)
  })
})

describe('format characters in a value', () => {
  it('quote shows them escaped, never raw', () => {
    expect(quote('a\u202eb\u200bc\ufeff')).toBe(String.raw`"a\u202eb\u200bc\ufeff"`)
    expect(quote('x\u{e0041}')).toBe(String.raw`"x\udb40\udc41"`)
    expect(quote('a\u00adb\u061cc')).toBe(String.raw`"a\u00adb\u061cc"`)
    expect(quote('Größe 東京')).toBe('"Größe 東京"')
  })

  it('codePointName names a character by its code point', () => {
    expect(codePointName('\u202e')).toBe('U+202E')
    expect(codePointName('\u00ad')).toBe('U+00AD')
    expect(codePointName('\u{e0041}')).toBe('U+E0041')
  })

  it('emails refuses one, naming it and its position, not showing it raw', () => {
    expect(emailProblem('ops@exa\u200bmple.com')).toBe(
      'contains an invisible format character (U+200B) at character 8; type the address again without it'
    )
    expect(emailProblem('\u{1F512}\u202eops@example.com')).toBe(
      'contains an invisible format character (U+202E) at character 2; type the address again without it'
    )
    const { message } = inputErrorOf(() => parseEmails('emails', '\u202eops@example.com'))
    expect(message).toBe(
      String.raw`emails: "\u202eops@example.com" contains an invisible format character (U+202E) at character 1; type the address again without it`
    )
    expect(message).not.toMatch(/\p{Cf}/u)
  })
})

describe('emails as a mail client writes them', () => {
  it('gives one problem naming the bare address to use', () => {
    expect(
      inputErrorOf(() => parseEmails('emails', 'Ops Team <ops@example.com>')).problems
    ).toEqual([
      'emails: "Ops Team <ops@example.com>" is a recipient as a mail client writes it (a name, angle brackets); give the address alone: use ops@example.com'
    ])
  })

  it('reads angle brackets alone, quoted names with commas, and keeps the other addresses', () => {
    const { problems } = inputErrorOf(() =>
      parseEmails('emails', '"Team, Ops" <ops@example.com>; a@example.com <b@example.com>')
    )
    expect(problems).toEqual([
      'emails: "\\"Team, Ops\\" <ops@example.com>" is a recipient as a mail client writes it (a name, angle brackets); give the address alone: use ops@example.com',
      'emails: "<b@example.com>" is a recipient as a mail client writes it (a name, angle brackets); give the address alone: use b@example.com'
    ])
  })

  it('keeps the addresses around one, whatever separates them', () => {
    expect(
      inputErrorOf(() => parseEmails('emails', 'a@example.com Ops <ops@example.com>\nb@x')).problems
    ).toEqual([
      'emails: "Ops <ops@example.com>" is a recipient as a mail client writes it (a name, angle brackets); give the address alone: use ops@example.com',
      'emails: "b@x" is not an email address (the domain must look like example.com)'
    ])
  })

  it('shows the recipient and the address without the spaces around them', () => {
    expect(
      inputErrorOf(() => parseEmails('emails', 'a@example.com,  Ops < ops@example.com >')).problems
    ).toEqual([
      'emails: "Ops < ops@example.com >" is a recipient as a mail client writes it (a name, angle brackets); give the address alone: use ops@example.com'
    ])
  })

  it('says what is wrong with the address inside the brackets', () => {
    expect(inputErrorOf(() => parseEmails('emails', 'Ops <ops@@example.com>')).message).toBe(
      'emails: "Ops <ops@@example.com>" is a recipient as a mail client writes it (a name, angle brackets); give the address alone: the address "ops@@example.com" is not an email address (it needs exactly one @)'
    )
  })
})

describe('dots in the part before @', () => {
  it.each(['.ops@example.com', 'ops.@example.com', 'o..ps@example.com', '.ops..x.@example.com'])(
    'refuses %s',
    address => {
      expect(emailProblem(address)).toBe(
        'is not an email address (the part before @ may not start or end with a dot, or have two dots in a row)'
      )
    }
  )

  it('accepts dots between characters', () => {
    expect(emailProblem('o.p.s@example.com')).toBeUndefined()
  })
})
