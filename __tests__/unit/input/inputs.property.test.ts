// Property-based tests of the input parsers and the plan (fast-check).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { InputName } from '../../../src/action-metadata.js'
import { parseApiKey, parseBaseUrl, parsePlan, type RawInputs } from '../../../src/input/plan.js'
import { parseMessage, parseSealSettings, type IdInput } from '../../../src/operations.js'
import {
  ID_PATTERN,
  InputError,
  parseBoolean,
  parseDuration,
  parseEmails,
  parseIds,
  parseNumber,
  splitList
} from '../../../src/input/parse.js'
import { noProxy, proxyEverything, sealInputs, sendInputs } from '../../support/inputs.js'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 60 })
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

const INPUT_NAMES = Object.keys(sendInputs) as InputName[]

describe('parsers on arbitrary strings', () => {
  it('return a value or an InputError, never anything else', () => {
    fc.assert(
      fc.property(anyText, text => {
        outcome(() => parseIds('certificate-id', text, 'certificate'))
        outcome(() => parseEmails('emails', text))
        outcome(() => parseApiKey(text))
        outcome(() => parseBaseUrl(text, '', noProxy))
        outcome(() => parseBaseUrl('us', text, noProxy))
        outcome(() => parseBaseUrl('us', text, proxyEverything()))
        outcome(() => parseMessage(text))
        outcome(() => parseSealSettings(text))
        outcome(() => parseNumber('max-retries', text, { min: 0, max: 10, integer: true }))
        outcome(() => parseNumber('timeout-seconds', text, { min: 0.1, max: 600, integer: false }))
        outcome(() => parseDuration('wait-for-issuance', text, 21_600))
        outcome(() => parseBoolean('dry-run', text))
      }),
      { numRuns: 400 }
    )
  })

  it('give seal settings or an InputError for any JSON', () => {
    fc.assert(
      fc.property(fc.json(), json => {
        const result = outcome(() => parseSealSettings(json))
        if ('value' in result) {
          expect(typeof result.value.settings).toBe('object')
          expect(Object.getPrototypeOf(result.value.settings)).toBe(Object.prototype)
        }
      }),
      { numRuns: 300 }
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('accept only positive whole-number IDs without leading zeros', () => {
    fc.assert(
      fc.property(anyText, text => {
        const result = outcome(() => parseIds('order-id', text, 'order'))
        if ('value' in result) for (const id of result.value) expect(id).toMatch(/^[1-9]\d{0,19}$/)
      }),
      { numRuns: 400 }
    )
  })

  it('accept no ID, address or key with a control character or a space', () => {
    fc.assert(
      fc.property(anyText, text => {
        for (const parse of [
          () => parseIds('certificate-id', text, 'certificate'),
          () => parseEmails('emails', text),
          () => [parseApiKey(text)]
        ]) {
          const result = outcome(parse)
          if ('value' in result)
            for (const value of result.value) {
              expect(value).not.toMatch(CONTROL)
              expect(value).not.toMatch(/\s/)
            }
        }
      }),
      { numRuns: 400 }
    )
  })
})

describe('numbers', () => {
  const decimal = fc
    .tuple(
      fc.stringMatching(/^\d{1,4}$/),
      fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined })
    )
    .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`))

  it('timeout-seconds accepts a decimal exactly when it is from 0.1 to 600', () => {
    fc.assert(
      fc.property(decimal, text => {
        const value = Number(text)
        const result = outcome(() => plan({ 'timeout-seconds': text }))
        if (value >= 0.1 && value <= 600) {
          expect(result).toHaveProperty('value.timeoutMs', Math.round(value * 1000))
        } else {
          expect(result).toHaveProperty('error')
        }
      }),
      { numRuns: 400 }
    )
  })

  it('timeout-seconds accepts nothing but plain decimals', () => {
    fc.assert(
      fc.property(anyText, text => {
        const result = outcome(() => plan({ 'timeout-seconds': text }))
        if ('value' in result) expect(text.trim()).toMatch(/^\d+(\.\d+)?$/)
      }),
      { numRuns: 400 }
    )
  })

  it('max-retries accepts a whole number exactly when it is from 0 to 10', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, fc.integer({ min: -20, max: 30 }).map(String)), text => {
        const result = outcome(() => plan({ 'max-retries': text }))
        const accepted = /^\d+$/.test(text) && Number(text) <= 10
        expect('value' in result).toBe(accepted)
        if ('value' in result) expect(result.value.maxRetries).toBe(Number(text))
      }),
      { numRuns: 300 }
    )
  })

  it('wait-for-issuance accepts seconds, minutes and hours up to 6 h', () => {
    const units = { '': 1, s: 1, m: 60, h: 3600 } as const
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30_000 }),
        fc.constantFrom('', 's', 'm', 'h' as const),
        (amount, unit: keyof typeof units) => {
          const seconds = amount * units[unit]
          const result = outcome(() =>
            plan({ 'certificate-id': '', 'order-id': '5', 'wait-for-issuance': `${amount}${unit}` })
          )
          if (seconds <= 21_600) expect(result).toHaveProperty('value.waitSeconds', seconds)
          else expect(result).toHaveProperty('error')
        }
      ),
      { numRuns: 300 }
    )
  })
})

/** parsePlan on the valid send step with some inputs replaced. */
function plan(overrides: Partial<RawInputs>, base: RawInputs = sendInputs) {
  return parsePlan({ ...base, ...overrides }, noProxy)
}

/** The form of an ID from each input, once parsed (files are read through the Environment). */
const ID_FORMS: Record<IdInput, RegExp> = {
  'certificate-id': ID_PATTERN,
  'order-id': ID_PATTERN,
  'serial-number': /^[0-9A-F]{1,40}$/,
  thumbprint: /^[0-9A-F]{40}$/,
  // One name: no whitespace, control or format character, and a letter or digit.
  'common-name': /^(?=.*[\p{L}\p{N}])[^\s\p{Cc}\p{Cf}\u2028\u2029]+$/u,
  'certificate-file': /^$/
}

describe('whole plans', () => {
  it('give a plan or one InputError for any values of any inputs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(sendInputs, sealInputs),
        fc.dictionary(fc.constantFrom(...INPUT_NAMES), anyText, { maxKeys: 5 }),
        fc.boolean(),
        (base, overrides, proxied) => {
          const result = outcome(() =>
            parsePlan({ ...base, ...overrides }, proxied ? proxyEverything() : noProxy)
          )
          if ('error' in result) {
            expect(result.error.problems.length).toBeGreaterThan(0)
            for (const problem of result.error.problems) expect(problem).not.toMatch(/[\r\n]/)
          } else {
            expect(result.value.ids.length).toBeGreaterThan(0)
            // Each input's IDs in its own form: what goes into a URL path is digits or hex.
            const form = ID_FORMS[result.value.idInput]
            for (const id of result.value.ids) expect(id).toMatch(form)
            expect(new URL(result.value.baseUrl).protocol).toMatch(/^https?:$/)
          }
        }
      ),
      { numRuns: 400 }
    )
  })

  it('never show the key in a problem', () => {
    const key = fc
      .tuple(fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 10 }))
      .map(([a, b]) => `Qz7${a}KEYMARK${b}`)
    fc.assert(
      fc.property(
        key,
        fc.dictionary(fc.constantFrom(...INPUT_NAMES.filter(n => n !== 'api-key')), anyText, {
          maxKeys: 3
        }),
        (apiKey, overrides) => {
          const result = outcome(() => plan({ ...overrides, 'api-key': apiKey }))
          if ('error' in result) expect(result.error.message).not.toContain('KEYMARK')
        }
      ),
      { numRuns: 300 }
    )
  })

  it('never show the credentials or the query of api-url', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{4,12}$/).map(s => `SECRET${s}`)
    const host = fc.constantFrom(
      'gateway.example.com',
      '127.0.0.1:8080',
      'localhost',
      '[::1]:9',
      '10.0.0.1'
    )
    fc.assert(
      fc.property(
        fc.constantFrom('https', 'http', 'ftp'),
        host,
        secret,
        fc.constantFrom('user', 'pass', 'query', 'fragment'),
        (scheme, where, token, place) => {
          const url =
            place === 'user'
              ? `${scheme}://${token}@${where}/v2`
              : place === 'pass'
                ? `${scheme}://u:${token}@${where}/v2`
                : place === 'query'
                  ? `${scheme}://${where}/v2?token=${token}`
                  : `${scheme}://${where}/v2#${token}`
          const result = outcome(() => plan({ 'api-url': url }))
          expect(result).toHaveProperty('error')
          if ('error' in result) expect(result.error.message).not.toContain(token)
        }
      ),
      { numRuns: 300 }
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
        fc.uniqueArray(fc.stringMatching(/^[1-9]\d{0,19}$/), { minLength: 1, maxLength: 20 }),
        fc.array(separator, { minLength: 1, maxLength: 5 }),
        fc.tuple(fc.constantFrom('', ' ', '\n', ','), fc.constantFrom('', ' ', '\n', ';')),
        (ids, separators, edges) => {
          const text = render(ids, separators, edges)
          expect(parseIds('certificate-id', text, 'certificate')).toEqual(ids)
          expect(plan({ 'certificate-id': text }).ids).toEqual(ids)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('duplicate IDs are dropped, keeping the first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('1', '22', '333', '4444'), { minLength: 1, maxLength: 30 }),
        ids => {
          expect(plan({ 'certificate-id': ids.join(',') }).ids).toEqual([...new Set(ids)])
        }
      ),
      { numRuns: 200 }
    )
  })

  it('a list of addresses rendered with any mix of separators parses back to the same list', () => {
    const address = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9_%+-]{1,10}(?:\.[a-z0-9_%+-]{1,9})?$/),
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
      ),
      { numRuns: 300 }
    )
  })

  it('splitList drops duplicates keeping the first, and never yields an empty item', () => {
    fc.assert(
      fc.property(anyText, text => {
        const items = splitList(text)
        expect(new Set(items).size).toBe(items.length)
        expect(items.every(item => item !== '' && !/[\s,;]/.test(item))).toBe(true)
      }),
      { numRuns: 300 }
    )
  })
})
