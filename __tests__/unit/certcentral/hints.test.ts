// What each DigiCert error code asks of the user (src/certcentral/hints.ts): the hints, and the
// codes that refuse the key or only a permission.
import { describe, expect, it } from 'vitest'
import { HINTS, hintFor, lacksPermission, refusesKey } from '../../../src/certcentral/hints.js'

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
