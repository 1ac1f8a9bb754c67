// From the step's raw inputs to a plan, or to one InputError listing every problem (src/input/plan.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import { ACTION_INPUTS, type InputName } from '../../../src/action-metadata.js'
import {
  MAX_RETRIES,
  MAX_TIMEOUT_SECONDS,
  MAX_WAIT_FOR_ISSUANCE_SECONDS,
  parseApiKey,
  parseBaseUrl,
  parsePlan,
  withDefaults,
  type Environment,
  type RawInputs
} from '../../../src/input/plan.js'
import { InputError } from '../../../src/input/parse.js'
import {
  inputErrorOf,
  noProxy,
  proxyEverything,
  sealInputs as seal,
  sendInputs as send
} from '../../support/inputs.js'

const action = parse(
  readFileSync(join(import.meta.dirname, '..', '..', '..', 'action.yml'), 'utf8')
) as {
  inputs: Record<string, { required?: boolean; default?: string }>
}

function plan(inputs: RawInputs, env: Environment = noProxy) {
  return parsePlan(inputs, env)
}

/** The problems parsePlan reports for these inputs; fails the test when it accepts them. */
function problemsOf(inputs: RawInputs, env: Environment = noProxy): string[] {
  return inputErrorOf(() => parsePlan(inputs, env)).problems
}

/** The one problem of an input (fails when there is none, or more than one). */
function problemOf(inputs: RawInputs, env: Environment = noProxy): string {
  const problems = problemsOf(inputs, env)
  expect(problems).toHaveLength(1)
  return problems[0] as string
}

describe('withDefaults', () => {
  it("knows every input of action.yml with action.yml's default", () => {
    expect(Object.keys(ACTION_INPUTS).sort()).toEqual(Object.keys(action.inputs).sort())
    const defaults = withDefaults({})
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(defaults[name as InputName], name).toBe(input.default ?? '')
      expect(ACTION_INPUTS[name as InputName].required, name).toBe(input.required ?? false)
    }
  })

  it('applies the defaults to empty and whitespace-only values', () => {
    const inputs = withDefaults({
      format: '',
      region: '   ',
      'timeout-seconds': '\n',
      'max-retries': '\t',
      'dry-run': ' \r\n ',
      'wait-for-issuance': ''
    })
    expect(inputs).toMatchObject({
      format: 'attachment',
      region: 'us',
      'timeout-seconds': '30',
      'max-retries': '0',
      'dry-run': 'false',
      'wait-for-issuance': '0'
    })
  })

  it('keeps given values as they are, spaces included', () => {
    const inputs = withDefaults({ message: '  two\nlines  ', 'timeout-seconds': ' 5 ' })
    expect(inputs.message).toBe('  two\nlines  ')
    expect(inputs['timeout-seconds']).toBe(' 5 ')
  })

  it('gives a plan with the defaults from the required inputs alone', () => {
    expect(
      plan(
        withDefaults({
          operation: 'send-certificate',
          'api-key': 'K3yForTests0001',
          'certificate-id': '1',
          emails: 'a@example.com'
        })
      )
    ).toMatchObject({
      baseUrl: 'https://www.digicert.com/services/v2',
      timeoutMs: 30_000,
      maxRetries: 0,
      dryRun: false,
      waitSeconds: 0,
      body: { emails: ['a@example.com'], certificate_collect_format: 'attachment' }
    })
  })
})

describe('parsePlan builds', () => {
  it('a send-certificate plan', () => {
    expect(
      plan({
        ...send,
        'certificate-id': '1,2 2;3\n1',
        emails: 'a@example.com;b@example.com',
        format: 'PlainText',
        message: 'Line one\nline two\n',
        region: 'EU',
        'timeout-seconds': '2.5',
        'max-retries': '3',
        'dry-run': 'true'
      })
    ).toEqual({
      operation: 'send-certificate',
      apiKey: 'K3yForTests0001',
      baseUrl: 'https://certcentral.digicert.eu/services/v2',
      idInput: 'certificate-id',
      ids: ['1', '2', '3'],
      targets: ['1', '2', '3'].map(id => ({ id, known: {} })),
      issuedWithinSeconds: undefined,
      body: {
        emails: ['a@example.com', 'b@example.com'],
        certificate_collect_format: 'plaintext',
        custom_message: 'Line one\nline two\n'
      },
      emails: ['a@example.com', 'b@example.com'],
      roles: [],
      details: [
        [
          'Recipients',
          'a@example.com, b@example.com',
          { recipients: ['a@example.com', 'b@example.com'] }
        ],
        ['Format', 'plaintext'],
        ['Message', 'Line one\nline two\n', { message: 'Line one\nline two\n' }]
      ],
      summaryDetails: 'auto',
      waitSeconds: 0,
      timeoutMs: 2500,
      maxRetries: 3,
      dryRun: true,
      deliverOnce: false,
      warnings: []
    })
  })

  it('a send-certificate plan from order IDs that waits for issuance', () => {
    expect(
      plan({ ...send, 'certificate-id': '', 'order-id': '5 6', 'wait-for-issuance': '15m' })
    ).toMatchObject({ idInput: 'order-id', ids: ['5', '6'], waitSeconds: 900 })
  })

  it('an email-site-seal plan without a body when there is no recipient and no settings', () => {
    const sealPlan = plan(seal)
    expect(sealPlan).toMatchObject({
      operation: 'email-site-seal',
      idInput: 'order-id',
      ids: ['77'],
      warnings: []
    })
    expect(sealPlan.body).toBeUndefined()
  })

  it('an email-site-seal plan with a recipient and settings', () => {
    expect(
      plan({
        ...seal,
        emails: 'web@example.com',
        'seal-settings': '{"seal_size":"l","seal_number":"16"}',
        'wait-for-issuance': '2h'
      })
    ).toMatchObject({
      body: { recipient_email: 'web@example.com', seal_size: 'l', seal_number: 16 },
      waitSeconds: 7200
    })
  })

  it('an email-site-seal plan with format left at its default', () => {
    expect(() => plan({ ...seal, format: 'attachment' })).not.toThrow()
    expect(plan({ ...seal, format: 'attachment' }).body).toBeUndefined()
  })
})

describe('parsePlan is pure', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('reads neither the environment nor anything but its arguments', () => {
    vi.stubEnv('DIGICERT_API_KEY', 'FromTheEnvironment1')
    vi.stubEnv('INPUT_API-KEY', 'FromTheEnvironment2')
    vi.stubEnv('http_proxy', 'http://proxy.example:3128')
    vi.stubEnv('HTTP_PROXY', 'http://proxy.example:3128')
    vi.stubEnv('no_proxy', '')
    expect(problemOf({ ...send, 'api-key': '' })).toContain('api-key: no API key')
    expect(plan({ ...send, 'api-url': 'http://127.0.0.1:8080/v2' }).baseUrl).toBe(
      'http://127.0.0.1:8080/v2'
    )
  })

  it('does not change its inputs and gives the same plan twice', () => {
    const inputs = Object.freeze({ ...send, 'certificate-id': '3 1 3' })
    expect(plan(inputs)).toEqual(plan(inputs))
    expect(inputs['certificate-id']).toBe('3 1 3')
  })

  it('asks the environment about the proxy of a plain-HTTP URL only', () => {
    const proxyFor = vi.fn<Environment['proxyFor']>(() => undefined)
    plan({ ...send, 'api-url': 'http://localhost:8080/services/v2' }, { ...noProxy, proxyFor })
    expect(proxyFor).toHaveBeenCalled()
    for (const [url] of proxyFor.mock.calls) expect(url.href).toMatch(/^http:\/\/localhost:8080\//)
  })
})

describe('parsePlan reports every problem in one InputError', () => {
  it('lists the problems of every input together', () => {
    const error = inputErrorOf(() =>
      parsePlan(
        {
          ...send,
          'api-key': '',
          region: 'mars',
          'timeout-seconds': '0',
          'max-retries': '-1',
          'dry-run': 'yes',
          'summary-details': 'none',
          'wait-for-issuance': '7h',
          'certificate-id': 'abc',
          emails: 'nope'
        },
        noProxy
      )
    )
    expect(error).toBeInstanceOf(InputError)
    const inputs = error.problems.map(problem => problem.split(':')[0])
    for (const input of [
      'api-key',
      'region',
      'timeout-seconds',
      'max-retries',
      'dry-run',
      'summary-details',
      'wait-for-issuance',
      'certificate-id',
      'emails'
    ]) {
      expect(inputs, input).toContain(input)
    }
    // in action.yml's order of inputs, whatever order they were found in
    expect(inputs).toEqual([
      'api-key',
      'certificate-id',
      'wait-for-issuance',
      'emails',
      'region',
      'timeout-seconds',
      'max-retries',
      'dry-run',
      'summary-details'
    ])
    expect(error.message).toMatch(new RegExp(`^${error.problems.length} input problems:\\n- `))
    expect(error.message.split('\n- ')).toHaveLength(error.problems.length + 1)
  })

  it('lists dry-run with the others, not as a toolkit error', () => {
    const problems = problemsOf({ ...send, 'dry-run': 'yes', 'max-retries': '11' })
    expect(problems).toEqual([
      'max-retries: "11" must be a whole number from 0 to 10',
      'dry-run: "yes" must be true or false'
    ])
  })

  it('still lists the other problems when the operation is unknown', () => {
    const problems = problemsOf({ ...send, operation: 'mail', 'api-key': '' })
    expect(problems[0]).toBe('operation: "mail" is not one of send-certificate, email-site-seal')
    expect(problems[1]).toContain('api-key: no API key')
  })

  it('requires an operation', () => {
    expect(problemOf({ ...send, operation: ' ' })).toBe(
      'operation: required; use one of send-certificate, email-site-seal'
    )
  })

  it('shows a single problem alone', () => {
    const error = inputErrorOf(() => plan({ ...send, 'max-retries': '11' }))
    expect(error.message).toBe('max-retries: "11" must be a whole number from 0 to 10')
  })
})

describe('timeout-seconds', () => {
  it(`accepts 0.1 to ${MAX_TIMEOUT_SECONDS} exactly`, () => {
    expect(plan({ ...send, 'timeout-seconds': '0.1' }).timeoutMs).toBe(100)
    expect(plan({ ...send, 'timeout-seconds': '600' }).timeoutMs).toBe(600_000)
    expect(plan({ ...send, 'timeout-seconds': '600.0' }).timeoutMs).toBe(600_000)
    expect(plan({ ...send, 'timeout-seconds': ' 45 ' }).timeoutMs).toBe(45_000)
  })

  it.each(['0x10', '1e1', '-1', '600.5', '600.000001', '601', '0.09', '0', ' ', '', 'abc', '30s'])(
    'rejects %j',
    value => {
      expect(problemOf({ ...send, 'timeout-seconds': value })).toBe(
        `timeout-seconds: ${JSON.stringify(value)} must be a decimal number from 0.1 to 600`
      )
    }
  )
})

describe('max-retries', () => {
  it(`accepts 0 to ${MAX_RETRIES}`, () => {
    expect(plan({ ...send, 'max-retries': '0' }).maxRetries).toBe(0)
    expect(plan({ ...send, 'max-retries': '10' }).maxRetries).toBe(10)
  })

  it.each(['11', '1.5', '-1', '1e1', '0x2', ' ', 'three'])('rejects %j', value => {
    expect(problemOf({ ...send, 'max-retries': value })).toBe(
      `max-retries: ${JSON.stringify(value)} must be a whole number from 0 to 10`
    )
  })
})

describe('dry-run', () => {
  it.each([
    ['true', true],
    ['FALSE', false],
    ['True', true]
  ])('reads %j', (value, dryRun) => {
    expect(plan({ ...send, 'dry-run': value }).dryRun).toBe(dryRun)
  })

  it.each(['yes', 'no', '1', 'on'])('rejects %j', value => {
    expect(problemOf({ ...send, 'dry-run': value })).toBe(
      `dry-run: ${JSON.stringify(value)} must be true or false`
    )
  })
})

describe('summary-details', () => {
  it.each([
    ['auto', 'auto'],
    [' Full ', 'full'],
    ['COUNTS', 'counts']
  ])('reads %j', (value, summaryDetails) => {
    expect(plan({ ...send, 'summary-details': value }).summaryDetails).toBe(summaryDetails)
  })

  it('is auto by default (action.yml)', () => {
    expect(ACTION_INPUTS['summary-details'].default).toBe('auto')
    expect(plan(send).summaryDetails).toBe('auto')
  })

  it('rejects another value, suggesting the one meant', () => {
    expect(problemOf({ ...send, 'summary-details': 'count' })).toBe(
      'summary-details: "count" is not one of auto, full, counts; did you mean "counts"?'
    )
    expect(problemOf({ ...send, 'summary-details': 'private' })).toBe(
      'summary-details: "private" is not one of auto, full, counts'
    )
  })
})

describe('IDs', () => {
  it('accepts comma, semicolon, space and newline separators and drops duplicates', () => {
    expect(plan({ ...send, 'certificate-id': ' 10,20;30 40\n50\r\n60\t70,,10 ; 20 ' }).ids).toEqual(
      ['10', '20', '30', '40', '50', '60', '70']
    )
  })

  it('accepts up to 20 digits', () => {
    const twenty = '1'.repeat(20)
    expect(plan({ ...send, 'certificate-id': twenty }).ids).toEqual([twenty])
    expect(problemOf({ ...send, 'certificate-id': `${twenty}1` })).toContain(
      'is not a valid certificate ID'
    )
  })

  it.each(['0', '007', '-1', '1.5', '12a', '1e3', '0x10', '+5', '１２'])('rejects %j', id => {
    expect(problemOf({ ...send, 'certificate-id': `5 ${id}` })).toBe(
      `certificate-id: ${JSON.stringify(id)} is not a valid certificate ID (a positive whole number without leading zeros, e.g. 1234567)`
    )
  })

  it('names order IDs as order IDs', () => {
    expect(problemOf({ ...seal, 'order-id': '0' })).toBe(
      'order-id: "0" is not a valid order ID (a positive whole number without leading zeros, e.g. 1234567)'
    )
  })
})

describe('which inputs hold the IDs', () => {
  it('send-certificate takes certificate-id or order-id, not both', () => {
    expect(problemOf({ ...send, 'order-id': '5' })).toBe(
      'certificate-id and order-id: give one of them, not both'
    )
  })

  it('send-certificate needs one of them', () => {
    expect(problemOf({ ...send, 'certificate-id': '' })).toBe(
      'certificate-id, order-id, certificate-file, serial-number, thumbprint, common-name: one of them is required for send-certificate'
    )
  })

  it('email-site-seal takes no certificate-id', () => {
    expect(problemsOf({ ...seal, 'order-id': '', 'certificate-id': '5' })).toEqual([
      'certificate-id: email-site-seal takes order-id, certificate-file, serial-number, thumbprint, common-name, not certificate-id',
      'order-id, certificate-file, serial-number, thumbprint, common-name: one of them is required for email-site-seal'
    ])
    expect(problemOf({ ...seal, 'certificate-id': '5' })).toBe(
      'certificate-id: email-site-seal takes order-id, certificate-file, serial-number, thumbprint, common-name, not certificate-id'
    )
  })

  it('email-site-seal needs an ID input', () => {
    expect(problemOf({ ...seal, 'order-id': ' ' })).toBe(
      'order-id, certificate-file, serial-number, thumbprint, common-name: one of them is required for email-site-seal'
    )
  })
})

describe('wait-for-issuance', () => {
  const orders: RawInputs = { ...send, 'certificate-id': '', 'order-id': '5' }

  it.each([
    ['0', 0],
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['6h', MAX_WAIT_FOR_ISSUANCE_SECONDS]
  ])('reads %j as %d seconds', (value, seconds) => {
    expect(plan({ ...orders, 'wait-for-issuance': value }).waitSeconds).toBe(seconds)
    expect(plan({ ...seal, 'wait-for-issuance': value }).waitSeconds).toBe(seconds)
  })

  it.each(['7h', '-1', '1.5h', 'abc', '21601', '361m'])('rejects %j', value => {
    expect(problemOf({ ...orders, 'wait-for-issuance': value })).toBe(
      `wait-for-issuance: ${JSON.stringify(value)} must be 0, a number of seconds, or a duration such as 90s, 15m or 2h, at most 6 h`
    )
  })

  it('needs order IDs when not 0', () => {
    expect(problemOf({ ...send, 'wait-for-issuance': '90' })).toContain('needs order IDs')
    expect(problemOf({ ...send, 'wait-for-issuance': '15m' })).toContain('wait-for-issuance:')
    expect(plan({ ...send, 'wait-for-issuance': '0' }).waitSeconds).toBe(0)
  })
})

describe("an operation's foreign inputs", () => {
  it('message with email-site-seal is a problem', () => {
    expect(problemOf({ ...seal, message: 'hi' })).toBe(
      'message: applies to send-certificate only; remove it for email-site-seal'
    )
  })

  it('a format other than the default with email-site-seal is a problem', () => {
    expect(problemOf({ ...seal, format: 'plaintext' })).toBe(
      'format: applies to send-certificate only; remove it for email-site-seal'
    )
  })

  it('seal-settings with send-certificate is a problem', () => {
    expect(problemOf({ ...send, 'seal-settings': '{"seal_size":"m"}' })).toBe(
      'seal-settings: applies to email-site-seal only; remove it for send-certificate'
    )
  })

  it('emails with either operation is not', () => {
    expect(() => plan({ ...seal, emails: 'a@example.com' })).not.toThrow()
    expect(() => plan(send)).not.toThrow()
  })
})

describe('did you mean', () => {
  it.each([
    ['operation', 'send-certificat', 'send-certificate'],
    ['operation', 'email-site-sael', 'email-site-seal'],
    ['format', 'atachment', 'attachment'],
    ['format', 'plain-text', 'plaintext'],
    ['region', 'uss', 'us'],
    ['region', 'EUU', 'eu']
  ] as const)('suggests for %s %j', (input, value, meant) => {
    const problems = problemsOf({ ...send, [input]: value })
    expect(problems.join('\n')).toContain(`${input}: ${JSON.stringify(value)} is not one of`)
    expect(problems.join('\n')).toContain(`did you mean ${JSON.stringify(meant)}?`)
  })

  it('suggests a region for ue', () => {
    expect(problemOf({ ...send, region: 'ue' })).toMatch(/did you mean "(us|eu)"\?/)
  })

  it('warns about a near-miss seal setting, naming the setting meant', () => {
    const { warnings, body } = plan({ ...seal, 'seal-settings': '{"seal_sise":"m"}' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('"seal_sise"')
    expect(warnings[0]).toContain('seal_size')
    expect(body).toEqual({ seal_sise: 'm' })
  })
})

describe('seal-settings in a plan', () => {
  it.each([
    ['{"seal_number": 16}', 16],
    ['{"seal_number": "17"}', 17],
    ['{"seal_number": 16.0}', 16]
  ])('accepts %s', (settings, number) => {
    expect(plan({ ...seal, 'seal-settings': settings }).body).toEqual({ seal_number: number })
  })

  it.each([
    '{"seal_number": "0x10"}',
    '{"seal_number": "1.6e1"}',
    '{"seal_number": 19}',
    '{"seal_hover": "true"}',
    '{"emails": ["a@example.com"]}',
    '{"custom_message": "hi"}',
    '{"certificate_collect_format": "attachment"}',
    '{"seal_autoplay": true, "seal_hover": false}',
    '{"seal_use_logo": true, "seal_hover": false}'
  ])('rejects %s', settings => {
    expect(problemOf({ ...seal, 'seal-settings': settings })).toMatch(/^seal-settings: /)
  })

  it('keeps __proto__ and toString as data, without polluting objects', () => {
    const { body, warnings } = plan({
      ...seal,
      'seal-settings': '{"__proto__": {"polluted": true}, "toString": 1}'
    })
    expect(warnings).toHaveLength(2)
    expect(JSON.stringify(body)).toBe('{"__proto__":{"polluted":true},"toString":1}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('emails in a plan', () => {
  it('accepts a local part of exactly 64 characters, not 65', () => {
    const address = `${'x'.repeat(64)}@example.com`
    expect(plan({ ...send, emails: address }).body).toMatchObject({ emails: [address] })
    expect(problemOf({ ...send, emails: `${'x'.repeat(65)}@example.com` })).toMatch(
      /^emails: .* longer than 64 characters\)$/
    )
  })

  it('accepts an address of 254 characters, not 255', () => {
    const domainOf = (length: number) => `${'d'.repeat(length - 4)}.com`
    const at254 = `${'x'.repeat(64)}@${domainOf(254 - 65)}`
    const at255 = `${'x'.repeat(64)}@${domainOf(255 - 65)}`
    expect(at254).toHaveLength(254)
    expect(at255).toHaveLength(255)
    expect(plan({ ...send, emails: at254 }).body).toMatchObject({ emails: [at254] })
    expect(problemOf({ ...send, emails: at255 })).toContain('is longer than 254 characters')
  })

  it.each(['', ',', ', ;'])('requires recipients for send-certificate (emails %j)', emails => {
    expect(problemOf({ ...send, emails })).toBe(
      'emails: required for send-certificate (one or more recipients), unless recipients-from-order reads them from each order'
    )
  })

  it('takes one recipient at most for email-site-seal', () => {
    expect(problemOf({ ...seal, emails: 'a@example.com,b@example.com' })).toContain(
      'email-site-seal sends to one recipient only, got 2 recipients'
    )
  })
})

describe('api-key', () => {
  it('is trimmed', () => {
    expect(parseApiKey('  K3y-value_01 \n')).toBe('K3y-value_01')
    expect(plan({ ...send, 'api-key': '\tK3yForTests0001\n' }).apiKey).toBe('K3yForTests0001')
  })

  it('names api-key and DIGICERT_API_KEY when there is none', () => {
    expect(() => parseApiKey('  ')).toThrow(/api-key.*DIGICERT_API_KEY/)
  })

  it.each([
    ['a non-ASCII character', 'Kx7Sécret99'],
    ['a tab inside', 'Kx7Sec\tret99'],
    ['a newline inside', 'Kx7Sec\nret99'],
    ['a space inside', 'Kx7Sec ret99'],
    ['a control character', 'Kx7Sec\u0000ret99'],
    ['a line separator', 'Kx7Sec\u2028ret99']
  ])('refuses %s without showing the key', (_, key) => {
    const error = inputErrorOf(() => parsePlan({ ...send, 'api-key': key }, noProxy))
    expect(error.problems).toHaveLength(1)
    expect(error.message).toMatch(/^api-key: the key must be printable ASCII without spaces/)
    for (const part of ['Kx7', 'Sec', 'ret99']) expect(error.message).not.toContain(part)
  })

  it('accepts every printable ASCII character', () => {
    let printable = ''
    for (let code = 0x21; code <= 0x7e; code++) printable += String.fromCharCode(code)
    expect(parseApiKey(printable)).toBe(printable)
  })

  it('never appears in any problem', () => {
    const key = 'K3yNeverShown42'
    const error = inputErrorOf(() =>
      parsePlan(
        {
          ...send,
          'api-key': key,
          'certificate-id': '0',
          region: 'mars',
          'api-url': 'http://example.com/'
        },
        noProxy
      )
    )
    expect(error.problems.length).toBeGreaterThan(1)
    expect(error.problems.some(problem => problem.startsWith('api-key'))).toBe(false)
    expect(error.message).not.toContain(key)
  })
})

describe('api-url and region', () => {
  it('maps the regions', () => {
    expect(plan({ ...send, region: 'us' }).baseUrl).toBe('https://www.digicert.com/services/v2')
    expect(plan({ ...send, region: ' EU ' }).baseUrl).toBe(
      'https://certcentral.digicert.eu/services/v2'
    )
  })

  it('rejects an unknown region, listing the valid ones', () => {
    expect(problemOf({ ...send, region: 'asia' })).toBe('region: "asia" is not one of us, eu')
  })

  it.each([
    ['https://gateway.example.com/services/v2/', 'https://gateway.example.com/services/v2'],
    ['https://gateway.example.com', 'https://gateway.example.com'],
    ['https://gateway.example.com/services/v2///', 'https://gateway.example.com/services/v2'],
    ['https://gateway.example.com//', 'https://gateway.example.com'],
    ['http://127.0.0.1:8080/services/v2', 'http://127.0.0.1:8080/services/v2'],
    ['http://127.8.9.10/x', 'http://127.8.9.10/x'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://LOCALHOST:3000/v2', 'http://localhost:3000/v2'],
    ['http://[::1]:9/v2', 'http://[::1]:9/v2']
  ])('accepts %s', (url, baseUrl) => {
    expect(plan({ ...send, 'api-url': url }).baseUrl).toBe(baseUrl)
  })

  it.each([
    'http://example.com/services/v2',
    'http://anything.localhost/',
    'http://127.0.0.1.nip.io/',
    'http://10.0.0.1/',
    'http://0.0.0.0:8080/',
    'http://[::2]/'
  ])('refuses plain HTTP to %s', url => {
    expect(problemOf({ ...send, 'api-url': url })).toMatch(/^api-url: .*uses plain HTTP/)
  })

  it.each([
    ['http://example.com/services/v2', 'http://example.com/services/v2'],
    ['http://example.com/t0k3n/services/v2', 'http://example.com/…']
  ])('says where the key may travel over plain HTTP: %s shown as %s', (url, shown) => {
    expect(problemOf({ ...send, 'api-url': url })).toBe(
      `api-url: "${shown}" uses plain HTTP; the API key only travels over https: (http: is allowed for loopback only: 127.0.0.0/8, localhost, ::1)`
    )
  })

  it.each([
    ['ftp://example.com/', 'ftp://example.com'],
    ['file:///tmp/x', 'file:///…'],
    ['ws://localhost/', 'ws://localhost'],
    ['FTP://127.0.0.1/t0k3n/v2', 'ftp://127.0.0.1/…']
  ])('refuses %s, which is neither HTTPS nor HTTP, showing its origin only', (url, href) => {
    expect(problemOf({ ...send, 'api-url': url })).toBe(
      `api-url: "${href}" must start with https://`
    )
  })

  it('refuses a value that is not a URL', () => {
    expect(problemOf({ ...send, 'api-url': 'not a url' })).toBe(
      'api-url: not a URL (e.g. https://www.digicert.com/services/v2)'
    )
  })

  it.each([
    [
      'a user name and password',
      'https://alice:hunter2pw@gateway.example.com/v2',
      ['alice', 'hunter2pw']
    ],
    ['a user name only', 'https://tok3nValue@gateway.example.com/v2', ['tok3nValue']],
    ['a password only', 'https://:hunter2pw@gateway.example.com/v2', ['hunter2pw']],
    ['a query', 'https://gateway.example.com/v2?token=abc123secret', ['abc123secret', 'token=']],
    ['a fragment', 'https://gateway.example.com/v2#access_token=xyz789', ['xyz789']],
    ['credentials on loopback', 'http://alice:hunter2pw@127.0.0.1:8080/', ['alice', 'hunter2pw']],
    ['credentials in a value that is not a URL', 'https://alice:hunter2pw@', ['hunter2pw']]
  ])('refuses %s without quoting the URL', (_, url, secrets) => {
    const error = inputErrorOf(() => parsePlan({ ...send, 'api-url': url }, noProxy))
    expect(error.problems).toHaveLength(1)
    expect(error.message).toMatch(/^api-url: /)
    for (const secret of secrets) expect(error.message).not.toContain(secret)
    expect(error.message).not.toContain(url)
  })

  it.each(['https://gateway.example.com/v2?', 'https://gateway.example.com/v2#'])(
    'refuses %s: an empty query or fragment would still swallow the path of every call',
    url => {
      expect(problemOf({ ...send, 'api-url': url })).toBe(
        'api-url: the URL for gateway.example.com must not carry a query or a fragment; give the base URL only'
      )
    }
  )

  it('says what is wrong with a URL that carries credentials or a query', () => {
    expect(
      problemOf({ ...send, 'api-url': 'https://alice:hunter2pw@gateway.example.com/v2' })
    ).toBe(
      'api-url: the URL for gateway.example.com must not carry a user name or password; the API key is the only credential'
    )
    expect(
      problemOf({ ...send, 'api-url': 'https://tok3nValue@gateway.example.com:8443/v2' })
    ).toBe(
      'api-url: the URL for gateway.example.com:8443 must not carry a user name or password; the API key is the only credential'
    )
    for (const url of [
      'https://gateway.example.com/v2?x=1',
      'https://gateway.example.com/v2#x',
      'https://gateway.example.com/v2?#'
    ]) {
      expect(problemOf({ ...send, 'api-url': url }), url).toBe(
        'api-url: the URL for gateway.example.com must not carry a query or a fragment; give the base URL only'
      )
    }
  })
})

describe('api-url through a proxy', () => {
  it('refuses plain HTTP to loopback when a proxy would carry it, naming the proxy and no_proxy', () => {
    const problem = problemOf(
      { ...send, 'api-url': 'http://127.0.0.1:8080/services/v2' },
      proxyEverything('http://proxy.corp.example:3128')
    )
    expect(problem).toBe(
      'api-url: plain HTTP to 127.0.0.1:8080 would pass the API key through the proxy proxy.corp.example:3128 in clear; add 127.0.0.1 to no_proxy or use https'
    )
  })

  it('does not show the credentials of the proxy', () => {
    const problem = problemOf(
      { ...send, 'api-url': 'http://localhost:8080/' },
      proxyEverything('http://puser:ppass99@proxy.corp.example:3128')
    )
    expect(problem).toContain('proxy.corp.example')
    expect(problem).not.toContain('ppass99')
    expect(problem).not.toContain('puser')
  })

  it('accepts plain HTTP to loopback that no proxy routes', () => {
    const env: Environment = {
      ...noProxy,
      proxyFor: url => (url.hostname === 'localhost' ? undefined : new URL('http://proxy:3128'))
    }
    expect(plan({ ...send, 'api-url': 'http://localhost:8080/v2' }, env).baseUrl).toBe(
      'http://localhost:8080/v2'
    )
  })

  it('accepts HTTPS through a proxy', () => {
    expect(
      plan({ ...send, 'api-url': 'https://gateway.example.com/v2' }, proxyEverything()).baseUrl
    ).toBe('https://gateway.example.com/v2')
    expect(plan(send, proxyEverything()).baseUrl).toBe('https://www.digicert.com/services/v2')
  })

  it('accepts HTTPS to loopback through a proxy: the proxy sees only a tunnel', () => {
    expect(
      plan({ ...send, 'api-url': 'https://127.0.0.1:8443/v2' }, proxyEverything()).baseUrl
    ).toBe('https://127.0.0.1:8443/v2')
    expect(
      plan({ ...send, 'api-url': 'https://localhost:8443/v2' }, proxyEverything()).baseUrl
    ).toBe('https://localhost:8443/v2')
  })
})

describe('parseBaseUrl', () => {
  it('uses the region when api-url is empty', () => {
    expect(parseBaseUrl('eu', '  ', noProxy)).toBe('https://certcentral.digicert.eu/services/v2')
  })

  it('checks the region even when api-url is given', () => {
    expect(() => parseBaseUrl('mars', 'https://gateway.example.com', noProxy)).toThrow(
      'region: "mars" is not one of us, eu'
    )
  })
})
