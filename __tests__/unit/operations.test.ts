// The operations' own inputs and bodies (src/operations.ts).
import { describe, expect, it } from 'vitest'
import {
  FORMATS,
  OPERATIONS,
  OPERATION_NAMES,
  SEAL_SETTINGS,
  FINDING_INPUTS,
  ID_INPUTS,
  idCount,
  idNoun,
  isFindingInput,
  isUnusableNumber,
  unusableNumbers,
  operationsUsing,
  parseMessage,
  parseSealSettings,
  type OperationInput
} from '../../src/operations.js'
import { inputErrorOf } from '../support/inputs.js'

const noOwnInputs: Record<OperationInput, string> = {
  emails: '',
  'recipients-from-order': '',
  format: 'attachment',
  message: '',
  'seal-settings': ''
}
const send = OPERATIONS['send-certificate']
const seal = OPERATIONS['email-site-seal']

describe('the operations', () => {
  it('are send-certificate and email-site-seal', () => {
    expect(OPERATION_NAMES).toEqual(['send-certificate', 'email-site-seal'])
  })

  it('call the documented CertCentral endpoints', () => {
    expect([send.method, send.path]).toEqual(['PUT', '/certificate/{id}/sendemail'])
    expect([seal.method, seal.path]).toEqual([
      'POST',
      '/order/certificate/{id}/site-seal/email-seal'
    ])
  })

  it('take every ID input for a send, all but certificate IDs for a seal', () => {
    expect(send.idInputs).toEqual([
      'certificate-id',
      'order-id',
      'certificate-file',
      'serial-number',
      'thumbprint',
      'common-name'
    ])
    expect(seal.idInputs).toEqual([
      'order-id',
      'certificate-file',
      'serial-number',
      'thumbprint',
      'common-name'
    ])
    expect(FINDING_INPUTS).toEqual([
      'certificate-file',
      'serial-number',
      'thumbprint',
      'common-name'
    ])
    expect(ID_INPUTS.filter(isFindingInput)).toEqual(FINDING_INPUTS)
    expect(idNoun('certificate-id')).toBe('certificate')
    expect(idNoun('order-id')).toBe('order')
    expect(idNoun('certificate-file')).toBe('file')
    expect(idNoun('serial-number')).toBe('serial number')
    expect(idNoun('thumbprint')).toBe('thumbprint')
    expect(idNoun('common-name')).toBe('common name')
    expect(idCount('certificate-id', 2)).toBe('2 certificate ID(s)')
    expect(idCount('order-id', 1)).toBe('1 order ID(s)')
    expect(idCount('certificate-file', 1)).toBe('1 file(s)')
    expect(idCount('common-name', 3)).toBe('3 common name(s)')
  })

  it('say which operations use an input', () => {
    expect(operationsUsing('emails')).toEqual(['send-certificate', 'email-site-seal'])
    expect(operationsUsing('format')).toEqual(['send-certificate'])
    expect(operationsUsing('message')).toEqual(['send-certificate'])
    expect(operationsUsing('seal-settings')).toEqual(['email-site-seal'])
  })
})

describe('send-certificate prepare', () => {
  it('builds the body from recipients, format and message', () => {
    expect(
      send.prepare({
        ...noOwnInputs,
        emails: 'a@example.com;b@example.com a@example.com',
        format: ' DownloadLink ',
        message: 'Line one\nline two\n'
      })
    ).toEqual({
      body: {
        emails: ['a@example.com', 'b@example.com'],
        certificate_collect_format: 'downloadlink',
        custom_message: 'Line one\nline two\n'
      },
      details: [
        [
          'Recipients',
          'a@example.com, b@example.com',
          { recipients: ['a@example.com', 'b@example.com'] }
        ],
        ['Format', 'downloadlink'],
        ['Message', 'Line one\nline two\n', { message: 'Line one\nline two\n' }]
      ],
      emails: ['a@example.com', 'b@example.com'],
      roles: [],
      warnings: []
    })
  })

  it('leaves custom_message out when the message is blank', () => {
    const { body } = send.prepare({ ...noOwnInputs, emails: 'a@example.com', message: ' \n ' })
    expect(body).toStrictEqual({
      emails: ['a@example.com'],
      certificate_collect_format: 'attachment'
    })
  })

  it.each(FORMATS)('accepts the format %s', format => {
    expect(send.prepare({ ...noOwnInputs, emails: 'a@example.com', format }).body).toMatchObject({
      certificate_collect_format: format
    })
  })

  it('suggests the format meant', () => {
    expect(() =>
      send.prepare({ ...noOwnInputs, emails: 'a@example.com', format: 'atachment' })
    ).toThrow(
      'format: "atachment" is not one of attachment, plaintext, downloadlink; did you mean "attachment"?'
    )
  })

  it.each([',', ' ; ', ',,\n,', '   '])(
    'requires recipients when emails holds separators only (%j)',
    emails => {
      expect(inputErrorOf(() => send.prepare({ ...noOwnInputs, emails })).problems).toEqual([
        'emails: required for send-certificate (one or more recipients), unless recipients-from-order reads them from each order'
      ])
    }
  )

  it('does not also call recipients missing when an address is bad', () => {
    expect(inputErrorOf(() => send.prepare({ ...noOwnInputs, emails: 'nope' })).problems).toEqual([
      'emails: "nope" is not an email address (it needs exactly one @)'
    ])
  })

  it('requires recipients and lists every problem together', () => {
    expect(
      inputErrorOf(() => send.prepare({ ...noOwnInputs, format: 'pdf', message: 'bell\u0007' }))
        .problems
    ).toEqual([
      'emails: required for send-certificate (one or more recipients), unless recipients-from-order reads them from each order',
      'format: "pdf" is not one of attachment, plaintext, downloadlink',
      'message: contains control characters other than tabs and line breaks; remove them'
    ])
  })
})

describe('parseMessage', () => {
  it('keeps tabs and line breaks verbatim', () => {
    expect(parseMessage('  Hello,\r\n\tthe certificate is attached.\n')).toBe(
      '  Hello,\r\n\tthe certificate is attached.\n'
    )
  })

  it('is undefined when blank', () => {
    expect(parseMessage('')).toBeUndefined()
    expect(parseMessage(' \n\t')).toBeUndefined()
  })

  it.each(['\u0000', '\u0007', '\u001b[2J', '\u007f', '\u0085', '\u009b'])(
    'rejects the control character %j',
    control => {
      expect(() => parseMessage(`hi ${control} there`)).toThrow(
        'message: contains control characters other than tabs and line breaks'
      )
    }
  )
})

describe('email-site-seal prepare', () => {
  it('sends no body without a recipient or settings', () => {
    expect(seal.prepare(noOwnInputs)).toEqual({
      body: undefined,
      details: [
        ['Recipient', "the API key's owner"],
        ['Seal settings', 'as set in CertCentral']
      ],
      emails: [],
      roles: [],
      warnings: []
    })
  })

  it('sends no body for an empty settings object', () => {
    expect(seal.prepare({ ...noOwnInputs, 'seal-settings': ' {} ' }).body).toBeUndefined()
  })

  it('sends the recipient and settings', () => {
    const prepared = seal.prepare({
      ...noOwnInputs,
      emails: ' web@example.com ',
      'seal-settings': '{"seal_size":"l","seal_number":"18"}'
    })
    expect(prepared.body).toEqual({
      recipient_email: 'web@example.com',
      seal_size: 'l',
      seal_number: 18
    })
    expect(prepared.details).toEqual([
      ['Recipient', 'web@example.com', { recipients: ['web@example.com'] }],
      ['Seal settings', '{"seal_size":"l","seal_number":18}']
    ])
  })

  it('sends settings alone to the key owner', () => {
    expect(seal.prepare({ ...noOwnInputs, 'seal-settings': '{"seal_hover":true}' }).body).toEqual({
      seal_hover: true
    })
  })

  it('takes one recipient only', () => {
    expect(
      inputErrorOf(() => seal.prepare({ ...noOwnInputs, emails: 'a@example.com b@example.com' }))
        .problems
    ).toEqual([
      "emails: email-site-seal sends to one recipient only, got 2 recipients (a@example.com, b@example.com); run the step once per recipient, or leave emails empty to mail the key's owner"
    ])
  })

  it('names up to 5 of the recipients given, then an ellipsis', () => {
    const addresses = (count: number) =>
      Array.from({ length: count }, (_, i) => `r${i + 1}@example.com`)
    const problemFor = (count: number) =>
      inputErrorOf(() => seal.prepare({ ...noOwnInputs, emails: addresses(count).join(',') }))
        .problems
    expect(problemFor(5)).toEqual([
      "emails: email-site-seal sends to one recipient only, got 5 recipients (r1@example.com, r2@example.com, r3@example.com, r4@example.com, r5@example.com); run the step once per recipient, or leave emails empty to mail the key's owner"
    ])
    expect(problemFor(6)).toEqual([
      "emails: email-site-seal sends to one recipient only, got 6 recipients (r1@example.com, r2@example.com, r3@example.com, r4@example.com, r5@example.com, …); run the step once per recipient, or leave emails empty to mail the key's owner"
    ])
  })

  it('treats separators alone as no recipient: the key owner gets the seal', () => {
    expect(seal.prepare({ ...noOwnInputs, emails: ' , ' })).toEqual({
      body: undefined,
      details: [
        ['Recipient', "the API key's owner"],
        ['Seal settings', 'as set in CertCentral']
      ],
      emails: [],
      roles: [],
      warnings: []
    })
  })

  it('lists bad recipients and bad settings together', () => {
    const problems = inputErrorOf(() =>
      seal.prepare({ ...noOwnInputs, emails: 'nope', 'seal-settings': '{"seal_size":"xl"}' })
    ).problems
    expect(problems).toHaveLength(2)
    expect(problems[0]).toBe('emails: "nope" is not an email address (it needs exactly one @)')
    expect(problems[1]).toMatch(/^seal-settings: seal_size is .*xl.*; expected "s", "m" or "l"$/)
  })
})

describe('parseSealSettings', () => {
  it('is empty when blank', () => {
    expect(parseSealSettings('  ')).toEqual({ settings: {}, warnings: [] })
  })

  it('accepts every known setting with a value of the right type', () => {
    const all = {
      seal_size: 's',
      seal_number: 17,
      seal_hover: true,
      seal_autoplay: true,
      seal_use_logo: false,
      display_malware_scan: true,
      display_ct_log: false,
      display_pci_scan: true,
      display_blocklist_check: false,
      display_verified_customer: true
    }
    expect(Object.keys(all).sort()).toEqual(Object.keys(SEAL_SETTINGS).sort())
    expect(parseSealSettings(JSON.stringify(all))).toEqual({ settings: all, warnings: [] })
  })

  it.each([
    ['16', 16],
    ['17', 17],
    ['18', 18],
    ['"16"', 16],
    ['"18"', 18],
    ['16.0', 16],
    ['1.6e1', 16]
  ])('reads seal_number %s as %d', (json, number) => {
    expect(parseSealSettings(`{"seal_number": ${json}}`).settings).toEqual({ seal_number: number })
  })

  it.each(['"0x10"', '"1.6e1"', '"16.0"', '" 16"', '19', '15', '"19"', 'true', 'null', '[16]'])(
    'rejects seal_number %s',
    json => {
      expect(() => parseSealSettings(`{"seal_number": ${json}}`)).toThrow(
        'seal-settings: seal_number is '
      )
      expect(() => parseSealSettings(`{"seal_number": ${json}}`)).toThrow(
        'expected 16 (GeoTrust), 17 (Thawte) or 18 (DigiCert)'
      )
    }
  )

  it.each(['seal_hover', 'seal_autoplay', 'seal_use_logo', 'display_ct_log'])(
    'wants a JSON boolean for %s',
    name => {
      for (const value of ['"true"', '1', '0', 'null', '"false"']) {
        expect(() => parseSealSettings(`{"${name}": ${value}}`)).toThrow(
          `seal-settings: ${name} is `
        )
      }
    }
  )

  it('rejects an unknown seal size', () => {
    expect(() => parseSealSettings('{"seal_size":"xl"}')).toThrow('expected "s", "m" or "l"')
    expect(() => parseSealSettings('{"seal_size":"M"}')).toThrow('expected "s", "m" or "l"')
  })

  it.each([
    ['{"seal_size":"xl"}', 'seal-settings: seal_size is "xl"; expected "s", "m" or "l"'],
    ['{"seal_number":19}', 'seal-settings: seal_number is 19; expected 16 (GeoTrust)'],
    ['{"seal_hover":"true"}', 'seal-settings: seal_hover is "true"; expected true or false'],
    ['{"seal_hover":null}', 'seal-settings: seal_hover is null; expected true or false']
  ])('shows the bad value of %s once, as JSON', (json, message) => {
    expect(() => parseSealSettings(json)).toThrow(message)
  })

  it('shows a value with a line or paragraph separator escaped, on one line', () => {
    expect(
      inputErrorOf(() => parseSealSettings('{"seal_size":"a\u2028b\u2029"}')).problems
    ).toEqual(['seal-settings: seal_size is "a\\u2028b\\u2029"; expected "s", "m" or "l"'])
  })

  it('shows a bad value of up to 80 characters whole, and cuts a longer one to 78', () => {
    const problemFor = (size: string) =>
      inputErrorOf(() => parseSealSettings(JSON.stringify({ seal_size: size }))).problems
    const at80 = `"${'x'.repeat(78)}"`
    expect(problemFor('x'.repeat(78))).toEqual([
      `seal-settings: seal_size is ${at80}; expected "s", "m" or "l"`
    ])
    expect(problemFor('x'.repeat(79))).toEqual([
      `seal-settings: seal_size is "${'x'.repeat(76)}…; expected "s", "m" or "l"`
    ])
  })

  it('passes an unknown setting through with a warning that suggests the name meant', () => {
    const { settings, warnings } = parseSealSettings('{"seal_sise":"m"}')
    expect(settings).toEqual({ seal_sise: 'm' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('"seal_sise" is not a site-seal setting this action knows')
    expect(warnings[0]).toContain('did you mean "seal_size"?')
  })

  it('treats names every object has as unknown settings, without pollution or a crash', () => {
    const { settings, warnings } = parseSealSettings(
      '{"toString": false, "__proto__": {"polluted": 1}, "constructor": 1, "hasOwnProperty": 2}'
    )
    expect(Object.keys(settings)).toEqual([
      'toString',
      '__proto__',
      'constructor',
      'hasOwnProperty'
    ])
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype)
    expect(JSON.stringify(settings)).toBe(
      '{"toString":false,"__proto__":{"polluted":1},"constructor":1,"hasOwnProperty":2}'
    )
    expect(warnings).toHaveLength(4)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('keeps a __proto__ setting as data in the seal body', () => {
    const { body } = seal.prepare({
      ...noOwnInputs,
      'seal-settings': '{"__proto__": {"polluted": 1}, "seal_size": "m"}'
    })
    expect(JSON.parse(JSON.stringify(body))).toEqual(
      JSON.parse('{"__proto__": {"polluted": 1}, "seal_size": "m"}')
    )
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each(['emails', 'certificate_collect_format', 'custom_message'])(
    'refuses the send-certificate field %s',
    name => {
      expect(() => parseSealSettings(`{"${name}": "x"}`)).toThrow(
        `seal-settings: ${name} belongs to send-certificate, not to a site seal; remove it`
      )
    }
  )

  it('refuses recipient_email, which the emails input sets', () => {
    expect(() => parseSealSettings('{"recipient_email":"a@example.com"}')).toThrow(
      'seal-settings: recipient_email is set by the emails input'
    )
  })

  it('refuses a name with control characters, without breaking the line', () => {
    const problems = inputErrorOf(() => parseSealSettings('{"a\\nb": 1}')).problems
    expect(problems).toEqual(['seal-settings: the name "a\\nb" contains control characters'])
  })

  it.each(['seal_autoplay', 'seal_use_logo'])('%s needs seal_hover not false', feature => {
    expect(() => parseSealSettings(`{"${feature}": true, "seal_hover": false}`)).toThrow(
      `seal-settings: ${feature} needs seal_hover: true`
    )
    expect(parseSealSettings(`{"${feature}": true, "seal_hover": true}`).settings).toEqual({
      [feature]: true,
      seal_hover: true
    })
    expect(parseSealSettings(`{"${feature}": true}`).settings).toEqual({ [feature]: true })
    expect(parseSealSettings(`{"${feature}": false, "seal_hover": false}`).settings).toEqual({
      [feature]: false,
      seal_hover: false
    })
  })

  it('lists every bad setting together', () => {
    expect(
      inputErrorOf(() =>
        parseSealSettings('{"seal_size":"xl","seal_number":19,"emails":[],"seal_hover":"yes"}')
      ).problems
    ).toHaveLength(4)
  })

  it.each([
    ['[1]', 'must be a JSON object'],
    ['null', 'must be a JSON object'],
    ['"text"', 'must be a JSON object'],
    ['42', 'must be a JSON object'],
    ['{oops', 'seal-settings: not valid JSON'],
    ["{'seal_size':'m'}", 'seal-settings: not valid JSON']
  ])('rejects %s', (json, why) => {
    expect(() => parseSealSettings(json)).toThrow(why)
  })

  it('keeps a parse error on one line when the value holds control characters', () => {
    // JSON.parse's message quotes the value: a NUL and a newline would break the line.
    expect(inputErrorOf(() => parseSealSettings('\u0000\n')).problems).toEqual([
      'seal-settings: not valid JSON (Unexpected token \'\\u0000\', "\\u0000\\u000a" is not valid JSON); e.g. {"seal_size": "m"}'
    ])
  })
})

describe('seal-settings numbers JSON.parse cannot keep', () => {
  const TOO_LARGE =
    'a number that cannot be sent as written (too large, beyond 9007199254740991 for a whole number)'

  it.each(['1e400', '-1e400', '9007199254740993', '1E+309'])(
    'refuses seal_number: %s with its text as written, not null',
    text => {
      expect(inputErrorOf(() => parseSealSettings(`{"seal_number": ${text}}`)).problems).toEqual([
        `seal-settings: seal_number holds ${text}, ${TOO_LARGE}; expected 16 (GeoTrust), 17 (Thawte) or 18 (DigiCert)`
      ])
    }
  )

  it('refuses one in a setting it does not know, at any depth, rather than send null', () => {
    expect(
      inputErrorOf(() => parseSealSettings('{"seal_x": 1e400, "seal_y": {"a": [1, 2e400]}}'))
        .problems
    ).toEqual([
      `seal-settings: "seal_x" holds 1e400, ${TOO_LARGE}; write a smaller number, or a string`,
      `seal-settings: "seal_y" holds 2e400, ${TOO_LARGE}; write a smaller number, or a string`
    ])
  })

  it('names each number by its own text, whatever order the properties come back in', () => {
    expect(inputErrorOf(() => parseSealSettings('{"seal_b": 1e500, "7": 1e400}')).problems).toEqual(
      [
        `seal-settings: "7" holds 1e400, ${TOO_LARGE}; write a smaller number, or a string`,
        `seal-settings: "seal_b" holds 1e500, ${TOO_LARGE}; write a smaller number, or a string`
      ]
    )
  })

  it('bounds a number thousands of digits long', () => {
    const text = '9'.repeat(400)
    expect(inputErrorOf(() => parseSealSettings(`{"seal_z": ${text}}`)).problems).toEqual([
      `seal-settings: "seal_z" holds ${'9'.repeat(37)}… (400 characters), ${TOO_LARGE}; write a smaller number, or a string`
    ])
  })

  it('shows a number of 40 characters whole', () => {
    const text = '9'.repeat(40)
    expect(inputErrorOf(() => parseSealSettings(`{"seal_z": ${text}}`)).problems).toEqual([
      `seal-settings: "seal_z" holds ${text}, ${TOO_LARGE}; write a smaller number, or a string`
    ])
  })

  it('says first that a name with control characters has them', () => {
    expect(inputErrorOf(() => parseSealSettings('{"a\\u0001": 1e400}')).problems).toEqual([
      'seal-settings: the name "a\\u0001" contains control characters'
    ])
  })

  it('refuses a top-level 1e400 as not an object', () => {
    expect(inputErrorOf(() => parseSealSettings('1e400')).message).toBe(
      'seal-settings: must be a JSON object, e.g. {"seal_size": "m", "seal_hover": true}'
    )
  })

  it('sends numbers that are exact, and text that only looks like a large number', () => {
    expect(
      parseSealSettings('{"seal_x": 9007199254740991, "seal_y": "1e400", "seal_z": 1e-400}')
    ).toMatchObject({ settings: { seal_x: 9007199254740991, seal_y: '1e400', seal_z: 0 } })
  })

  it('unusableNumbers finds the first per name, at any depth, none inside strings', () => {
    expect(
      unusableNumbers({
        json: '{"a\\"1": [1e400, 2e400], "b": {"c": "3e400", "d": -9007199254740993}, "e": 7, "f\\u0041": 1E999}'
      })
    ).toEqual(
      new Map([
        ['a"1', '1e400'],
        ['b', '-9007199254740993'],
        ['fA', '1E999']
      ])
    )
    expect(unusableNumbers({ json: '{"a": {"x": 1}, "b": 1e400}' })).toEqual(
      new Map([['b', '1e400']])
    )
    expect(unusableNumbers({ json: '1e400' })).toEqual(new Map())
  })

  it.each([
    [Infinity, true],
    [-Infinity, true],
    [2 ** 53, true],
    [-(2 ** 53), true],
    [1e300, true],
    [2 ** 53 - 1, false],
    [-(2 ** 53 - 1), false],
    [0.5, false],
    [1e-300, false],
    [16, false]
  ])('isUnusableNumber(%d) is %s', (value, unusable) => {
    expect(isUnusableNumber({ value })).toBe(unusable)
  })
})

describe('recipients-from-order in the operations', () => {
  const roles = { ...noOwnInputs, 'recipients-from-order': 'additional-emails, requester' }

  it('lets send-certificate go without emails when roles are given', () => {
    expect(send.prepare(roles)).toEqual({
      body: { emails: [], certificate_collect_format: 'attachment' },
      emails: [],
      roles: ['additional-emails', 'requester'],
      details: [
        ['Recipients from each order', 'additional-emails, requester'],
        ['Format', 'attachment']
      ],
      warnings: []
    })
  })

  it('shows emails and the roles together', () => {
    expect(send.prepare({ ...roles, emails: 'ops@example.com' }).details).toEqual([
      ['Recipients', 'ops@example.com', { recipients: ['ops@example.com'] }],
      ['Recipients from each order', 'additional-emails, requester'],
      ['Format', 'attachment']
    ])
  })

  it("never shows the key's owner as a seal's recipient when roles are given", () => {
    expect(seal.prepare(roles).details).toEqual([
      ['Recipients from each order', 'additional-emails, requester'],
      ['Seal settings', 'as set in CertCentral']
    ])
    expect(seal.prepare({ ...roles, emails: 'web@example.com' }).details).toEqual([
      ['Recipient', 'web@example.com', { recipients: ['web@example.com'] }],
      ['Recipients from each order', 'additional-emails, requester'],
      ['Seal settings', 'as set in CertCentral']
    ])
  })

  it('still takes at most one emails address for a seal', () => {
    expect(
      inputErrorOf(() => seal.prepare({ ...roles, emails: 'a@example.com, b@example.com' }))
        .problems
    ).toHaveLength(1)
  })

  it('refuses a role that is none, with every other problem', () => {
    expect(
      inputErrorOf(() =>
        send.prepare({ ...noOwnInputs, 'recipients-from-order': 'owner', format: 'x' })
      ).problems.map(p => p.split(':')[0])
    ).toEqual(['recipients-from-order', 'format'])
  })

  it('refuses more than 100 emails with roles, not without', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.com`).join(',')
    expect(inputErrorOf(() => send.prepare({ ...roles, emails: many(101) })).problems).toEqual([
      'emails: 101 recipients, more than the 100 one certificate is sent to with recipients-from-order'
    ])
    expect(send.prepare({ ...roles, emails: many(100) }).emails).toHaveLength(100)
    expect(send.prepare({ ...noOwnInputs, emails: many(101) }).emails).toHaveLength(101)
  })

  it('makes one PUT to every recipient of a certificate', () => {
    const body = { emails: ['ops@example.com'], certificate_collect_format: 'plaintext' }
    expect(send.callsFor({ body, recipients: ['ops@example.com', 'dev@example.org'] })).toEqual([
      {
        to: ['ops@example.com', 'dev@example.org'],
        body: {
          emails: ['ops@example.com', 'dev@example.org'],
          certificate_collect_format: 'plaintext'
        }
      }
    ])
  })

  it('makes one seal POST per recipient, with the settings', () => {
    const body = { recipient_email: 'web@example.com', seal_size: 'm' }
    expect(seal.callsFor({ body, recipients: ['web@example.com', 'a@example.com'] })).toEqual([
      { to: ['web@example.com'], body: { recipient_email: 'web@example.com', seal_size: 'm' } },
      { to: ['a@example.com'], body: { recipient_email: 'a@example.com', seal_size: 'm' } }
    ])
    expect(seal.callsFor({ body: undefined, recipients: ['a@example.com'] })).toEqual([
      { to: ['a@example.com'], body: { recipient_email: 'a@example.com' } }
    ])
    expect(seal.callsFor({ body: undefined, recipients: [] })).toEqual([])
  })
})
