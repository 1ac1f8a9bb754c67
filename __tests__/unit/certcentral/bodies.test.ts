// What CertCentral's answers hold (src/certcentral/bodies.ts): a send's answer, DigiCert's error
// entries, Order info, the final statuses.
import { describe, expect, it } from 'vitest'
import {
  MAX_ERRORS_READ,
  isFinalWithoutCertificate,
  isSendAnswer,
  parseDigiCertErrors,
  parseOrderInfo,
  idAsWritten
} from '../../../src/certcentral/bodies.js'

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
