// What CertCentral is (src/api.ts): error bodies, hints, Retry-After, Order info, where the key
// may travel.
import { describe, expect, it } from 'vitest'
import {
  HINTS,
  MAX_ERRORS_READ,
  REGION_BASE_URLS,
  digits,
  hintFor,
  isFinalWithoutCertificate,
  isLoopbackHost,
  isSendAnswer,
  lacksPermission,
  mayCarryKey,
  orderInfoPath,
  parseDigiCertErrors,
  parseOrderInfo,
  parseRetryAfter,
  refusesKey,
  idAsWritten,
  secretPathOf,
  shownBase
} from '../../../src/certcentral/api.js'

describe('REGION_BASE_URLS', () => {
  it('points each region at its CertCentral over HTTPS', () => {
    expect(REGION_BASE_URLS).toEqual({
      us: 'https://www.digicert.com/services/v2',
      eu: 'https://certcentral.digicert.eu/services/v2'
    })
  })
})

describe('isSendAnswer: what CertCentral answers a send', () => {
  it.each<[string, number, string, boolean]>([
    ['a 204 (what sendemail and email-seal answer)', 204, '', true],
    ['a 204, whatever the transport read', 204, '{"message":"Unauthorized"}', true],
    ['a 200, empty', 200, '', true],
    ['a 201, empty', 201, '', true],
    ['a 299, empty', 299, '', true],
    ['a 200 of JSON whitespace', 200, ' \r\n\t ', true],
    ['a 200 with {}', 200, '{}', true],
    ['a 200 with { }', 200, '{ }', true],
    ['a 200 with {} amid JSON whitespace', 200, '\n { \r\n\t } \n', true],
    ['a 200 with {"message":"Unauthorized"}', 200, '{"message":"Unauthorized"}', false],
    ['a 200 with {"error":"denied"}', 200, '{"error":"denied"}', false],
    ['a 200 with {"errors":null}', 200, '{"errors":null}', false],
    ['a 200 with {"errors":[]}', 200, '{"errors":[]}', false],
    ['a 200 with {"id":5}', 200, '{"id":5}', false],
    ['a 200 with two objects', 200, '{}{}', false],
    ['a 200 with an unclosed object', 200, '{', false],
    ['a 200 with {} and a word', 200, '{} ok', false],
    ['a 200 with a word and {}', 200, 'ok {}', false],
    ['a 200 with []', 200, '[]', false],
    ['a 200 with null', 200, 'null', false],
    ['a 200 with "" (a JSON string)', 200, '""', false],
    ['a 200 with OK', 200, 'OK', false],
    ['a 200 with a no-break space (not JSON whitespace)', 200, '\u00a0', false],
    ['a 200 with a BOM', 200, '\ufeff', false],
    ['a 200 with { } holding a no-break space', 200, '{\u00a0}', false],
    ['a 200 with an HTML page', 200, '<html></html>', false],
    ['a 199, empty', 199, '', false],
    ['a 300, empty', 300, '', false],
    ['a 404, empty', 404, '', false],
    ['a 500 with {}', 500, '{}', false]
  ])('%s', (_, status, text, sent) => {
    expect(isSendAnswer({ status, text })).toBe(sent)
  })
})

describe('parseDigiCertErrors', () => {
  it('reads an array of errors', () => {
    expect(
      parseDigiCertErrors(
        JSON.stringify({
          errors: [
            { code: 'not_found', message: 'Certificate not found.' },
            { code: 'invalid_value:emails', message: 'Invalid email.' }
          ]
        })
      )
    ).toEqual([
      { code: 'not_found', message: 'Certificate not found.' },
      { code: 'invalid_value:emails', message: 'Invalid email.' }
    ])
  })

  it('reads a single error object', () => {
    expect(parseDigiCertErrors('{"errors":{"code":"access_denied","message":"Denied."}}')).toEqual([
      { code: 'access_denied', message: 'Denied.' }
    ])
  })

  it('takes the message, else the description', () => {
    expect(
      parseDigiCertErrors(
        JSON.stringify({
          errors: [
            { code: 'a', message: 'the message', description: 'the description' },
            { code: 'b', description: 'only a description' },
            { code: 'c' }
          ]
        })
      )
    ).toEqual([
      { code: 'a', message: 'the message' },
      { code: 'b', message: 'only a description' },
      { code: 'c', message: '' }
    ])
  })

  it('shows non-string codes and messages as JSON text', () => {
    expect(
      parseDigiCertErrors(JSON.stringify({ errors: [{ code: 404, message: { text: 'x' } }] }))
    ).toEqual([{ code: '404', message: '{"text":"x"}' }])
  })

  it('does not call methods named in the body', () => {
    const parse = () => parseDigiCertErrors('{"errors":{"code":{"toString":1}}}')
    expect(parse).not.toThrow()
    expect(parse()).toEqual([{ code: '{"toString":1}', message: '' }])
    expect(() =>
      parseDigiCertErrors('{"errors":[{"code":{"toJSON":1},"message":{"valueOf":null}}]}')
    ).not.toThrow()
  })

  it('reads an entry that is not an object as the message of an error without a code', () => {
    expect(parseDigiCertErrors('{"errors":["Something broke.",42,null]}')).toEqual([
      { code: '(no code)', message: 'Something broke.' },
      { code: '(no code)', message: '42' },
      { code: '(no code)', message: '' }
    ])
  })

  it('takes a null code or message as missing, not as the text "null"', () => {
    expect(
      parseDigiCertErrors(
        JSON.stringify({
          errors: [
            { code: null, message: null, description: null },
            { code: 'x', message: null, description: 'the description' }
          ]
        })
      )
    ).toEqual([
      { code: '(no code)', message: '' },
      { code: 'x', message: 'the description' }
    ])
  })

  it('marks an error without a code', () => {
    expect(parseDigiCertErrors('{"errors":[{"message":"oops"}]}')).toEqual([
      { code: '(no code)', message: 'oops' }
    ])
  })

  it(`reads at most ${MAX_ERRORS_READ} entries`, () => {
    const errors = Array.from({ length: 1000 }, (_, i) => ({ code: `c${i}`, message: `m${i}` }))
    const read = parseDigiCertErrors(JSON.stringify({ errors }))
    expect(read).toHaveLength(MAX_ERRORS_READ)
    expect(read?.[0]).toEqual({ code: 'c0', message: 'm0' })
  })

  it.each([
    ['not JSON', '<html>Bad gateway</html>'],
    ['empty', ''],
    ['no errors', '{"status":"ok"}'],
    ['an empty list', '{"errors":[]}'],
    ['errors as a string', '{"errors":"boom"}'],
    ['a JSON array', '[{"code":"x"}]'],
    ['JSON null', 'null']
  ])('is undefined for %s', (_, body) => {
    expect(parseDigiCertErrors(body)).toBeUndefined()
  })
})

describe('hintFor', () => {
  const context = { idInput: 'certificate-id' }

  it.each(Object.keys(HINTS))('has a non-empty sentence for %s', code => {
    const hint = hintFor([code], context)
    expect(typeof hint).toBe('string')
    expect((hint as string).trim().length).toBeGreaterThan(10)
    expect(hint).not.toMatch(/[\r\n]/)
  })

  it('names the ID input of the context for not_found', () => {
    expect(hintFor(['not_found'], { idInput: 'order-id' })).toContain('order-id')
    expect(hintFor(['not_found'], { idInput: 'certificate-id' })).toContain('certificate-id')
  })

  it('names the field of an invalid_value or required_param code', () => {
    expect(hintFor(['invalid_value:emails'], context)).toContain('emails')
    expect(hintFor(['invalid_value:custom_message'], context)).toContain('custom_message')
    expect(hintFor(['required_param:emails'], context)).toContain('emails')
  })

  it('uses the first code that has a hint', () => {
    expect(hintFor(['something_else', 'not_found|route'], context)).toBe(
      hintFor(['not_found|route'], context)
    )
  })

  it.each([['unknown_code'], ['toString'], ['__proto__'], ['constructor'], ['']])(
    'is undefined for %j',
    code => {
      expect(hintFor([code], context)).toBeUndefined()
    }
  )

  it('is undefined without codes', () => {
    expect(hintFor([], context)).toBeUndefined()
  })
})

describe('refusesKey', () => {
  it('takes any 401 as a refused key', () => {
    expect(refusesKey(401, [])).toBe(true)
    expect(refusesKey(401, ['not_found'])).toBe(true)
  })

  it.each([
    'access_denied',
    'access_denied|invalid_auth',
    'access_denied|access_denied_invalid_key'
  ])('takes a 403 with %s as a refused key', code => {
    expect(refusesKey(403, ['other', code])).toBe(true)
    expect(refusesKey(403, [code, 'access_denied|missing_permission'])).toBe(true)
  })

  it('does not take a missing permission alone as a refused key: it may hold for one ID only', () => {
    expect(refusesKey(403, ['access_denied|missing_permission'])).toBe(false)
    expect(refusesKey(403, ['other', 'access_denied|missing_permission'])).toBe(false)
  })

  it('does not take a 403 with other codes, or none, as a refused key', () => {
    expect(refusesKey(403, ['invalid_value:emails'])).toBe(false)
    expect(refusesKey(403, [])).toBe(false)
  })

  it.each([404, 400, 429, 500])('does not take %d as a refused key', status => {
    expect(refusesKey(status, ['access_denied'])).toBe(false)
  })
})

describe('lacksPermission', () => {
  it('takes a 403 with access_denied|missing_permission as a missing permission', () => {
    expect(lacksPermission(403, ['access_denied|missing_permission'])).toBe(true)
    expect(lacksPermission(403, ['other', 'access_denied|missing_permission'])).toBe(true)
  })

  it.each<[number, string[]]>([
    [403, []],
    [403, ['access_denied']],
    [403, ['access_denied|missing_permission', 'access_denied|access_denied_invalid_key']],
    [401, ['access_denied|missing_permission']],
    [400, ['access_denied|missing_permission']]
  ])('is false for %i %j', (status, codes) => {
    expect(lacksPermission(status, codes)).toBe(false)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2015-10-21T07:28:00Z')

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('999999999999999', now)).toBe(999_999_999_999_999)
  })

  it('reads an IMF-fixdate as seconds from now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(120)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now + 500)).toBe(120)
  })

  it('never gives a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0)
  })

  it("reads an IMF-fixdate against the answer's Date when it has one, not the runner's clock", () => {
    const date = 'Wed, 21 Oct 2015 07:29:00 GMT'
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now, date)).toBe(60)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now + 3_600_000, date)).toBe(60)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now, ` ${date} `)).toBe(60)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now, date)).toBe(0)
    expect(parseRetryAfter('30', now, date)).toBe(30)
  })

  it.each(['', 'yesterday', 'Wed, 32 Oct 2015 07:29:00 GMT', '2015-10-21T07:29:00Z'])(
    'falls back on the runner’s clock for an unusable Date %j',
    date => {
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now, date)).toBe(120)
    }
  )

  it.each([
    'a 1',
    '1.5',
    '-1',
    '+1',
    '1e3',
    '0x10',
    '',
    'soon',
    'Wed, 21 Oct 2015',
    '21 Oct 2015 07:28:00 GMT',
    'Wednesday, 21-Oct-15 07:28:00 GMT',
    '2015-10-21T07:30:00Z',
    'Wed, 32 Oct 2015 07:28:00 GMT',
    'Wed, 21 Oct 2015 25:28:00 GMT',
    '1234567890123456',
    '9'.repeat(40)
  ])('is undefined for %j', header => {
    expect(parseRetryAfter(header, now)).toBeUndefined()
  })

  it('is undefined without the header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe('parseOrderInfo', () => {
  it('reads the status (lower-cased), certificate ID, common name and expiry', () => {
    expect(
      parseOrderInfo(
        JSON.stringify({
          id: 77,
          status: 'Issued',
          certificate: { id: 1234, common_name: 'example.com', valid_till: '2026-01-01' }
        })
      )
    ).toEqual({
      status: 'issued',
      certificateId: '1234',
      commonName: 'example.com',
      validTill: '2026-01-01',
      orderId: '77'
    })
  })

  it('accepts the certificate ID as a digit string', () => {
    expect(parseOrderInfo('{"status":"issued","certificate":{"id":"987"}}')?.certificateId).toBe(
      '987'
    )
  })

  it.each([
    ['0', 0],
    ['negative', -5],
    ['a fraction', 1.5],
    ['unsafe', 2 ** 60],
    ['leading zero', '0123'],
    ['a path', '12/../34'],
    ['empty', ''],
    ['a boolean', true],
    ['an object', { id: 1 }],
    ['null', null]
  ])('reads no certificate ID from %s', (_, id) => {
    expect(
      parseOrderInfo(JSON.stringify({ status: 'issued', certificate: { id } }))?.certificateId
    ).toBeUndefined()
  })

  it.each([
    ['0', '0', '0'],
    ['negative', '-5', '-5'],
    ['a fraction', '5.5', '5.5'],
    ['a fraction written with a trailing zero', '1.50', '1.50'],
    ['unsafe', '9007199254740993', '9007199254740993'],
    ['too large for a number', '1e400', '1e400'],
    ['negative, with an exponent', '-2.5E+3', '-2.5E+3'],
    ['an array', '[1234]', '[1234]'],
    ['leading zero', '"0123"', '0123'],
    ['an object', '{"id":1}', '{"id":1}'],
    ['a boolean', 'true', 'true']
  ])('keeps a certificate.id that is there but %s as unusable, as JSON text', (_, id, shown) => {
    expect(parseOrderInfo(`{"status":"issued","certificate":{"id":${id}}}`)).toEqual({
      status: 'issued',
      certificateId: undefined,
      unusableCertificateId: shown,
      commonName: undefined,
      validTill: undefined
    })
  })

  it('idAsWritten finds the number as written: the one that reads as the value', () => {
    const body = '{"id": 7, "status":"issued","certificate":{"id" : 1E400}}'
    expect(idAsWritten({ body, id: Infinity })).toBe('1E400')
    expect(idAsWritten({ body: '{"id":7,"certificate":{"id":-1e999}}', id: -Infinity })).toBe(
      '-1e999'
    )
    expect(idAsWritten({ body: '{"certificate":{"id":"x"}}', id: 5 })).toBe('5')
    expect(idAsWritten({ body: '{"certificate":{"id":[5]}}', id: [5] })).toBe('[5]')
  })

  it('names no unusable certificate.id when there is none, or null', () => {
    for (const certificate of ['{}', '{"id":null}', '[1]', '7']) {
      const order = parseOrderInfo(`{"status":"issued","certificate":${certificate}}`)
      expect(order, certificate).toBeDefined()
      expect(order, certificate).not.toHaveProperty('unusableCertificateId')
    }
    expect(parseOrderInfo('{"status":"issued","certificate":{"id":12}}')).not.toHaveProperty(
      'unusableCertificateId'
    )
  })

  it.each([' Issued ', 'ISSUED', '\tissued\n'])('trims and lower-cases the status %j', status => {
    expect(parseOrderInfo(JSON.stringify({ status }))?.status).toBe('issued')
  })

  it('leaves out what is missing or not text', () => {
    expect(
      parseOrderInfo('{"status":"pending","certificate":{"common_name":7,"valid_till":null}}')
    ).toEqual({
      status: 'pending',
      certificateId: undefined,
      commonName: undefined,
      validTill: undefined
    })
    expect(parseOrderInfo('{"status":"pending","certificate":[1]}')?.certificateId).toBeUndefined()
  })

  it.each([
    ['no status', '{"certificate":{"id":1}}'],
    ['an empty status', '{"status":""}'],
    ['a status of spaces', '{"status":"  "}'],
    ['a status that is not text', '{"status":1}'],
    ['not JSON', 'Service Unavailable'],
    ['an array', '[{"status":"issued"}]'],
    ['null', 'null']
  ])('is undefined for %s', (_, body) => {
    expect(parseOrderInfo(body)).toBeUndefined()
  })
})

describe('isFinalWithoutCertificate', () => {
  it.each(['rejected', 'canceled', 'cancelled', 'revoked', 'expired'])('%s is final', status => {
    expect(isFinalWithoutCertificate(status)).toBe(true)
  })

  it.each(['issued', 'pending', 'processing', 'needs_approval'])('%s is not', status => {
    expect(isFinalWithoutCertificate(status)).toBe(false)
  })
})

describe('paths', () => {
  it('builds the Order info path from digits only', () => {
    expect(orderInfoPath('77')).toBe('/order/certificate/77')
    expect(() => orderInfoPath('7/../8')).toThrow('refusing to build a URL')
    expect(() => digits('')).toThrow('refusing to build a URL')
    expect(() => digits('1?x=2')).toThrow('refusing to build a URL')
  })
})

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    '127.0.0.1',
    '127.0.0.2',
    '127.255.255.254',
    '127.1.2.3',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1'
  ])('%s is loopback', host => {
    expect(isLoopbackHost(host)).toBe(true)
  })

  it.each([
    'anything.localhost',
    'localhost.example.com',
    '127.0.0.1.nip.io',
    '127.example.com',
    '10.0.0.1',
    '0.0.0.0',
    '128.0.0.1',
    '::',
    '::2',
    'example.com',
    ''
  ])('%s is not loopback', host => {
    expect(isLoopbackHost(host)).toBe(false)
  })

  it('agrees with how URL parses hosts', () => {
    expect(isLoopbackHost(new URL('http://[::1]:8080/').hostname)).toBe(true)
    expect(isLoopbackHost(new URL('http://127.1/').hostname)).toBe(true)
    expect(isLoopbackHost(new URL('http://anything.localhost/').hostname)).toBe(false)
  })
})

describe('mayCarryKey', () => {
  it.each([
    'https://www.digicert.com/services/v2',
    'https://10.0.0.1/',
    'http://127.0.0.1:8080/services/v2',
    'http://localhost:3000/',
    'http://[::1]:9/'
  ])('lets the key travel to %s', url => {
    expect(mayCarryKey(new URL(url))).toBe(true)
  })

  it.each([
    'http://example.com/',
    'http://10.0.0.1/',
    'http://anything.localhost/',
    'http://127.0.0.1.nip.io/',
    'ftp://127.0.0.1/',
    'ws://localhost/',
    'file:///etc/passwd'
  ])('keeps the key from %s', url => {
    expect(mayCarryKey(new URL(url))).toBe(false)
  })
})

describe('shownBase', () => {
  it.each([
    ['https://gw.example/t0k3n/services/v2', 'https://gw.example/…'],
    // the regions' own URLs, and any whose path is /services/v2, hold no secret: shown whole
    ['https://www.digicert.com/services/v2', 'https://www.digicert.com/services/v2'],
    [REGION_BASE_URLS.eu, 'https://certcentral.digicert.eu/services/v2'],
    ['http://127.0.0.1:8080/services/v2', 'http://127.0.0.1:8080/services/v2'],
    ['https://gw.example/services/v2/', 'https://gw.example/services/v2'],
    ['https://gw.example/services/v2x', 'https://gw.example/…'],
    ['https://gw.example/t0k3n/services/v2/', 'https://gw.example/…'],
    ['https://gw.example/services', 'https://gw.example/…'],
    ['https://gw.example', 'https://gw.example'],
    ['https://gw.example/', 'https://gw.example'],
    ['https://gw.example//', 'https://gw.example'],
    ['https://[::1]:8443/x', 'https://[::1]:8443/…']
  ])('shows %s as %s', (baseUrl, shown) => {
    expect(shownBase({ baseUrl })).toBe(shown)
  })

  it.each([
    'https://gw.example/t0k3n/services/v2',
    'https://gw.example/services/v2',
    'https://gw.example/services/v2/',
    REGION_BASE_URLS.us,
    'https://gw.example/',
    'https://gw.example/a',
    'https://gw.example//x//'
  ])('hides the path of %s exactly when secretPathOf hides it, and shows no part of it', url => {
    const [secret] = secretPathOf({ apiUrl: url })
    const shown = shownBase({ baseUrl: url })
    expect(shown.endsWith('/…')).toBe(secret !== undefined)
    if (secret !== undefined) expect(shown).not.toContain(secret)
  })
})

describe('secretPathOf', () => {
  it.each([
    ['https://gw.example/t0k3n/services/v2', ['/t0k3n/services/v2']],
    [' https://gw.example/t0k3n/ ', ['/t0k3n']],
    ['\u00a0https://gw.example/t0k3n/\u00a0', ['/t0k3n']],
    ['https://gw.example/t0k3n//', ['/t0k3n']],
    ['https://www.digicert.com/services/v2', []],
    ['https://www.digicert.com/services/v2/', []],
    ['https://gw.example', []],
    ['https://gw.example/', []],
    ['', []],
    ['not a url', []]
  ])('hides the path of %j: %j', (apiUrl, paths) => {
    expect(secretPathOf({ apiUrl })).toEqual(paths)
  })
})
