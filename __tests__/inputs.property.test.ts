// Property-based tests of the input parsers (fast-check).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  InputError,
  parseApiKey,
  parseBaseUrl,
  parseEmails,
  parseIds,
  parseMessage,
  parseNumber,
  parsePlan,
  parseSealSettings,
  splitList
} from '../src/inputs.js'
import { sendInputs } from './support/inputs.js'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' })
)

/** Runs a parser: its value, or its InputError; anything else thrown fails the property. */
function outcome<T>(parse: () => T): { value: T } | { error: InputError } {
  try {
    return { value: parse() }
  } catch (error) {
    if (error instanceof InputError) return { error }
    throw error
  }
}

describe('parsers on arbitrary strings', () => {
  it('return a value or an InputError, never anything else', () => {
    fc.assert(
      fc.property(anyText, text => {
        outcome(() => parseIds('certificate-id', text, 'a certificate'))
        outcome(() => parseEmails('emails', text))
        outcome(() => parseApiKey(text))
        outcome(() => parseBaseUrl(text, ''))
        outcome(() => parseBaseUrl('us', text))
        outcome(() => parseMessage(text))
        outcome(() => parseSealSettings(text))
        outcome(() => parseNumber('max-retries', text, { min: 0, max: 10, integer: true }))
      }),
      { numRuns: 2000 }
    )
  })

  it('return an InputError for any JSON given as seal-settings, or settings', () => {
    fc.assert(
      fc.property(fc.json(), json => {
        const result = outcome(() => parseSealSettings(json))
        if ('value' in result) expect(typeof result.value.settings).toBe('object')
      })
    )
  })

  it('accept only digit IDs', () => {
    fc.assert(
      fc.property(anyText, text => {
        const result = outcome(() => parseIds('order-id', text, 'an order'))
        if ('value' in result) for (const id of result.value) expect(id).toMatch(/^\d+$/)
      }),
      { numRuns: 2000 }
    )
  })

  it('accept no ID, address or key with a control character', () => {
    fc.assert(
      fc.property(anyText, text => {
        for (const parse of [
          () => parseIds('certificate-id', text, 'a certificate'),
          () => parseEmails('emails', text),
          () => [parseApiKey(text)]
        ]) {
          const result = outcome(parse)
          if ('value' in result)
            for (const value of result.value) expect(value).not.toMatch(CONTROL)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it('accept whole plans whose URL path parts are digits only', () => {
    fc.assert(
      fc.property(anyText, anyText, (ids, emails) => {
        const result = outcome(() => parsePlan({ ...sendInputs, certificateId: ids, emails }))
        if ('value' in result) expect(result.value.ids.every(id => /^\d+$/.test(id))).toBe(true)
      })
    )
  })
})

describe('lists', () => {
  const separator = fc
    .array(fc.constantFrom(',', ';', ' ', '\n', '\r\n', '\t'), { minLength: 1, maxLength: 3 })
    .map(parts => parts.join(''))
  const render = (items: string[], separators: string[], edges: [string, string]) =>
    edges[0] +
    items.map((item, i) => (i ? (separators[i % separators.length] ?? ',') : '') + item).join('') +
    edges[1]

  it('a list of IDs rendered with any mix of separators parses back to the same list', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^\d{1,12}$/), { minLength: 1, maxLength: 20 }),
        fc.array(separator, { minLength: 1, maxLength: 5 }),
        fc.tuple(fc.constantFrom('', ' ', '\n', ','), fc.constantFrom('', ' ', '\n', ';')),
        (ids, separators, edges) => {
          expect(
            parseIds('certificate-id', render(ids, separators, edges), 'a certificate')
          ).toEqual(ids)
        }
      )
    )
  })

  it('a list of addresses rendered with any mix of separators parses back to the same list', () => {
    const address = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9._%+-]{1,20}$/),
        fc.stringMatching(/^[a-z0-9]{1,10}$/),
        fc.constantFrom('com', 'eu', 'co.uk')
      )
      .map(([local, domain, tld]) => `${local}@${domain}.${tld}`)
    fc.assert(
      fc.property(
        fc.uniqueArray(address, { minLength: 1, maxLength: 10 }),
        fc.array(separator, { minLength: 1, maxLength: 5 }),
        fc.tuple(fc.constantFrom('', ' ', '\n'), fc.constantFrom('', ' ', '\n')),
        (emails, separators, edges) => {
          expect(parseEmails('emails', render(emails, separators, edges))).toEqual(emails)
        }
      )
    )
  })

  it('splitList drops duplicates keeping the first, and never yields an empty item', () => {
    fc.assert(
      fc.property(anyText, text => {
        const items = splitList(text)
        expect(new Set(items).size).toBe(items.length)
        expect(items.every(item => item !== '' && !/[\s,;]/.test(item))).toBe(true)
      })
    )
  })
})
