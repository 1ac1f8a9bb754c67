import { describe, expect, it } from 'vitest'
import {
  InputError,
  emailProblem,
  parseApiKey,
  parseBaseUrl,
  parseEmails,
  parseIds,
  parsePlan,
  parseSealSettings,
  splitList,
  type RawInputs
} from '../src/inputs.js'
import { sendInputs } from './support/inputs.js'

const send = sendInputs
const seal: RawInputs = {
  ...send,
  operation: 'email-site-seal',
  certificateId: '',
  orderId: '77',
  emails: ''
}

function problemsOf(raw: RawInputs): string[] {
  try {
    parsePlan(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('expected an InputError')
}

describe('splitList', () => {
  it('splits on commas, semicolons, spaces and newlines, dropping empties and duplicates', () => {
    expect(splitList(' 1,2;3 4\n5\r\n\t6,,1 ; 2 ')).toEqual(['1', '2', '3', '4', '5', '6'])
  })
  it('keeps the first occurrence of a duplicate', () => {
    expect(splitList('b a b c a')).toEqual(['b', 'a', 'c'])
  })
})

describe('parseIds', () => {
  it('accepts digits', () => {
    expect(parseIds('certificate-id', '0012 345', 'a certificate')).toEqual(['0012', '345'])
  })
  it.each(['12a', '-1', '1.5', '../1', '1%2F2', '１２'])(
    'rejects %j and names the input and value',
    bad => {
      expect(() => parseIds('order-id', `5 ${bad}`, 'an order')).toThrow(
        `order-id: ${JSON.stringify(bad)} is not an order ID (digits only`
      )
    }
  )
})

describe('emails', () => {
  it.each([
    'a@example.com',
    'first.last+tag@sub.example.co.uk',
    'o@xn--bcher-kva.example',
    'ü@bücher.de'
  ])('accepts %s', address => expect(emailProblem(address)).toBeUndefined())
  it.each([
    ['x', 'exactly one @'],
    ['a@b@example.com', 'exactly one @'],
    ['@example.com', 'before @'],
    ['a@localhost', 'example.com'],
    ['a@-bad.com', 'example.com'],
    ['a@exa mple.com', 'space'],
    ['a\u0000b@example.com', 'control'],
    ['"a"@example.com', 'quotes'],
    [`${'a'.repeat(250)}@example.com`, 'longer than 254']
  ])('rejects %j (%s)', (address, why) => {
    expect(emailProblem(address)).toContain(why)
  })
  it('names the input and the offending value', () => {
    expect(() => parseEmails('emails', 'ok@example.com, x')).toThrow(
      'emails: "x" is not an email address'
    )
  })
  it('reports every bad address at once', () => {
    try {
      parseEmails('emails', 'x y@ z@example.com')
    } catch (error) {
      expect((error as InputError).problems).toHaveLength(2)
    }
  })
})

describe('parseApiKey', () => {
  it('trims a key', () => expect(parseApiKey('  abc \n')).toBe('abc'))
  it('names api-key and DIGICERT_API_KEY when there is none', () => {
    expect(() => parseApiKey('  ')).toThrow(/api-key.*DIGICERT_API_KEY/)
  })
  it('rejects a key with inner whitespace without echoing it', () => {
    const error = (() => {
      try {
        parseApiKey('kx7-one\nkx7-two')
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).toContain('api-key')
    expect(error?.message).not.toContain('kx7')
  })
})

describe('parseBaseUrl', () => {
  it('maps regions', () => {
    expect(parseBaseUrl('us', '')).toBe('https://www.digicert.com/services/v2')
    expect(parseBaseUrl('EU', '')).toBe('https://certcentral.digicert.eu/services/v2')
  })
  it('rejects an unknown region, listing the valid ones', () => {
    expect(() => parseBaseUrl('asia', '')).toThrow('region: "asia" is not one of us, eu')
  })
  it.each([
    'https://proxy.example.com/services/v2/',
    'http://127.0.0.1:8080/services/v2',
    'http://127.8.9.10/x',
    'http://localhost:3000',
    'http://[::1]:9/v2'
  ])('accepts %s', url => expect(parseBaseUrl('us', url)).toBe(url.replace(/\/$/, '')))
  it.each([
    ['http://example.com/services/v2', 'plain HTTP'],
    ['http://10.0.0.1/', 'plain HTTP'],
    ['http://127.0.0.1.example.com/', 'plain HTTP'],
    ['ftp://example.com/', 'https://'],
    ['not a url', 'is not a URL'],
    ['https://user:pw@example.com/', 'api-url: the URL for example.com must not carry credentials'],
    ['https://example.com/v2?x=1', 'query']
  ])('rejects %s', (url, why) => {
    expect(() => parseBaseUrl('us', url)).toThrow(why)
  })
})

describe('parseBaseUrl with credentials', () => {
  it('never echoes the password', () => {
    expect(() => parseBaseUrl('us', 'https://user:s3cr3t-pw@proxy.example.com/v2')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t-pw') })
    )
  })
})

describe('parseSealSettings', () => {
  it('accepts known settings and normalises seal_number', () => {
    expect(
      parseSealSettings(
        '{"seal_size":"m","seal_number":"18","seal_hover":true,"display_ct_log":false}'
      )
    ).toEqual({
      settings: { seal_size: 'm', seal_number: 18, seal_hover: true, display_ct_log: false },
      warnings: []
    })
  })
  it('passes unknown fields through with a warning', () => {
    const { settings, warnings } = parseSealSettings('{"seal_colour":"red"}')
    expect(settings).toEqual({ seal_colour: 'red' })
    expect(warnings[0]).toContain('"seal_colour" is not a site-seal setting')
  })
  it('treats names that exist on every object as unknown settings, not as rules', () => {
    const { settings, warnings } = parseSealSettings(
      '{"toString": false, "__proto__": {"x": 1}, "constructor": 1}'
    )
    expect(Object.keys(settings)).toEqual(['toString', '__proto__', 'constructor'])
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype)
    expect(JSON.stringify(settings)).toBe('{"toString":false,"__proto__":{"x":1},"constructor":1}')
    expect(warnings).toHaveLength(3)
  })
  it.each([
    ['[1]', 'must be a JSON object'],
    ['null', 'must be a JSON object'],
    ['{oops', 'not valid JSON'],
    ['{"seal_size":"xl"}', 'seal_size is "xl"; expected "s", "m" or "l"'],
    ['{"seal_number":19}', 'seal_number is 19'],
    ['{"seal_hover":"true"}', 'seal_hover is "true"; expected true or false'],
    ['{"emails":["a@example.com"]}', 'emails belongs to send-certificate'],
    ['{"certificate_collect_format":"attachment"}', 'belongs to send-certificate'],
    ['{"recipient_email":"a@example.com"}', 'recipient_email is set by the emails input'],
    ['{"seal_autoplay":true,"seal_hover":false}', 'seal_autoplay needs seal_hover: true']
  ])('rejects %s', (json, why) => {
    expect(() => parseSealSettings(json)).toThrow(why)
  })
})

describe('parsePlan', () => {
  it('builds a send-certificate plan', () => {
    const plan = parsePlan({
      ...send,
      certificateId: '1,2 2',
      emails: 'a@example.com;b@example.com',
      format: 'PlainText',
      message: 'Line one\nline two\n',
      timeoutSeconds: '2.5',
      maxRetries: '3'
    })
    expect(plan).toMatchObject({
      operation: 'send-certificate',
      apiKey: 'k3y',
      baseUrl: 'https://www.digicert.com/services/v2',
      ids: ['1', '2'],
      format: 'plaintext',
      timeoutMs: 2500,
      maxRetries: 3,
      body: {
        emails: ['a@example.com', 'b@example.com'],
        certificate_collect_format: 'plaintext',
        custom_message: 'Line one\nline two\n'
      }
    })
  })
  it('leaves custom_message out when the message is empty', () => {
    expect(parsePlan(send).body).not.toHaveProperty('custom_message')
  })
  it('builds a seal plan without send fields, with or without a recipient', () => {
    expect(parsePlan(seal).body).toEqual({})
    expect(
      parsePlan({ ...seal, emails: 'web@example.com', sealSettings: '{"seal_size":"l"}' }).body
    ).toEqual({
      recipient_email: 'web@example.com',
      seal_size: 'l'
    })
    expect(parsePlan(seal).format).toBeUndefined()
  })
  it('lists the valid operations for a wrong one', () => {
    expect(problemsOf({ ...send, operation: 'send' })).toEqual([
      'operation: "send" is not one of send-certificate, email-site-seal'
    ])
  })
  it('lists the three formats for a wrong one', () => {
    expect(problemsOf({ ...send, format: 'pdf' })).toContain(
      'format: "pdf" is not one of attachment, plaintext, downloadlink'
    )
  })
  it("names the right ID input when the other operation's is used", () => {
    expect(problemsOf({ ...send, certificateId: '', orderId: '5' })).toContain(
      'order-id: is for email-site-seal; send-certificate takes certificate-id'
    )
    expect(problemsOf({ ...seal, certificateId: '5' })).toContain(
      'certificate-id: is for send-certificate; email-site-seal takes order-id'
    )
  })
  it('allows only one site-seal recipient', () => {
    expect(problemsOf({ ...seal, emails: 'a@example.com b@example.com' })[0]).toContain(
      'email-site-seal sends to one recipient only, got 2'
    )
  })
  it('requires IDs and, for a send, recipients', () => {
    expect(problemsOf({ ...send, certificateId: ' ', emails: '' })).toEqual([
      'certificate-id: required for send-certificate (one or more certificate IDs)',
      'emails: required for send-certificate (one or more recipients)'
    ])
    expect(problemsOf({ ...seal, orderId: '' })).toEqual([
      'order-id: required for email-site-seal (one or more order IDs)'
    ])
  })
  it('reports every problem of a run together', () => {
    const problems = problemsOf({
      ...send,
      apiKey: '',
      certificateId: 'abc',
      emails: 'nope',
      timeoutSeconds: '0',
      maxRetries: '-1',
      region: 'mars'
    })
    expect(problems).toHaveLength(6)
    expect(problems.join('\n')).toMatch(
      /api-key[\s\S]*region[\s\S]*timeout-seconds[\s\S]*max-retries[\s\S]*emails[\s\S]*certificate-id/
    )
  })
  it.each([
    ['timeoutSeconds', 'abc', 'timeout-seconds: "abc" must be a number from 0.1 to 600'],
    ['timeoutSeconds', '601', 'timeout-seconds'],
    ['maxRetries', '1.5', 'max-retries: "1.5" must be a whole number from 0 to 10'],
    ['maxRetries', '11', 'max-retries'],
    ['message', 'bell\u0007', 'message: contains control characters']
  ])('rejects %s = %j', (field, value, why) => {
    expect(problemsOf({ ...send, [field]: value }).join('\n')).toContain(why)
  })
  it('warns that a seal ignores a format other than the default', () => {
    expect(parsePlan({ ...seal, format: 'plaintext' }).warnings).toEqual([
      'format: "plaintext" applies to send-certificate only; email-site-seal ignores it'
    ])
    expect(parsePlan(seal).warnings).toEqual([])
  })
  it('rejects send-only inputs on a seal and seal-only inputs on a send', () => {
    expect(problemsOf({ ...seal, message: 'hi' })).toContain(
      'message: applies to send-certificate only; a site-seal email has no custom message'
    )
    expect(problemsOf({ ...send, sealSettings: '{}' })).toContain(
      'seal-settings: applies to email-site-seal only; remove it for send-certificate'
    )
  })
})
