// parsePlan with the inputs that name a certificate (certificate-file, serial-number, thumbprint,
// common-name) and issued-within: the targets each gives, the files' problems all at once, an
// expired certificate, the same certificate in two files, and the inputs' combinations.
import { describe, expect, it } from 'vitest'
import type { CertificateFacts, FileReading } from '../../../src/input/certificate-file.js'
import {
  MAX_ISSUED_WITHIN_SECONDS,
  certificateFilePatterns,
  fileTargets,
  parsePlan,
  type Environment,
  type RawInputs
} from '../../../src/input/plan.js'
import {
  WALL_NOW,
  inputErrorOf,
  noProxy,
  sealInputs as seal,
  sendInputs as send
} from '../../support/inputs.js'

const facts: CertificateFacts = {
  serialNumber: '0A1B',
  thumbprint: 'AB'.repeat(20),
  commonName: 'shop.example.com',
  validFrom: '2026-05-01T00:00:00.000Z',
  validTo: '2026-08-01T00:00:00.000Z'
}

function withFiles(readings: FileReading[]): Environment {
  return { ...noProxy, certificateFiles: readings }
}

const byFile = (value: string): RawInputs => ({
  ...send,
  'certificate-id': '',
  'certificate-file': value
})
const problemsOf = (inputs: RawInputs, env: Environment = noProxy): string[] =>
  inputErrorOf(() => parsePlan(inputs, env)).problems

describe('parsePlan: certificate-file', () => {
  it('takes the patterns separated by newlines or commas, trimmed, each once', () => {
    expect(certificateFilePatterns(byFile('live/a b/*.pem,\n other.pem ,,\r\nother.pem'))).toEqual([
      'live/a b/*.pem',
      'other.pem'
    ])
    expect(certificateFilePatterns(send)).toEqual([])
    expect(certificateFilePatterns(byFile(' \n, '))).toEqual([])
  })

  it('takes each file read as a target with its facts', () => {
    const env = withFiles([{ path: 'live/a b/cert.pem', facts }])
    const plan = parsePlan(byFile('live/a b/*.pem,\n other.pem '), env)
    expect(plan).toMatchObject({
      idInput: 'certificate-file',
      ids: ['live/a b/cert.pem'],
      targets: [{ id: 'live/a b/cert.pem', known: { ...facts, file: 'live/a b/cert.pem' } }],
      warnings: []
    })
  })

  it('lists every file problem at once, with the other inputs', () => {
    const env = withFiles([
      { path: 'key.pem', problem: 'holds a private key, not a certificate' },
      { path: 'old.pem', facts: { ...facts, validTo: '2026-01-01T00:00:00.000Z' } },
      { path: 'now.pem', facts: { ...facts, validTo: new Date(WALL_NOW).toISOString() } }
    ])
    expect(problemsOf({ ...byFile('*.pem'), format: 'pdf' }, env)).toEqual([
      'certificate-file: "key.pem" holds a private key, not a certificate',
      'certificate-file: "old.pem" holds a certificate that expired on 2026-01-01: renew it first',
      'certificate-file: "now.pem" holds a certificate that expired on 2026-06-01: renew it first',
      'format: "pdf" is not one of attachment, plaintext, downloadlink'
    ])
  })

  it('takes no file read when another ID input is given', () => {
    const plan = parsePlan(send, withFiles([{ path: 'cert.pem', facts }]))
    expect(plan.ids).toEqual(['123'])
  })
})

describe('fileTargets', () => {
  it('refuses a plan without a single file read (no pattern, or a reader that gave nothing)', () => {
    expect(inputErrorOf(() => fileTargets({ readings: [], now: WALL_NOW })).problems).toEqual([
      'certificate-file: no certificate file was read; give the path of one or more'
    ])
  })

  it('takes two files with the same certificate once, with a warning naming both', () => {
    const other = { ...facts, thumbprint: 'CD'.repeat(20) }
    expect(
      fileTargets({
        readings: [
          { path: 'cert.pem', facts },
          { path: 'fullchain.pem', facts },
          { path: 'other.pem', facts: other }
        ],
        now: WALL_NOW
      })
    ).toEqual({
      targets: [
        { id: 'cert.pem', known: { ...facts, file: 'cert.pem' } },
        { id: 'other.pem', known: { ...other, file: 'other.pem' } }
      ],
      warnings: [
        'certificate-file: "fullchain.pem" holds the same certificate as "cert.pem"; it is sent once, as "cert.pem"'
      ]
    })
  })

  it('a certificate valid one more millisecond is taken', () => {
    const validTo = new Date(WALL_NOW + 1).toISOString()
    expect(
      fileTargets({ readings: [{ path: 'a.pem', facts: { ...facts, validTo } }], now: WALL_NOW })
        .targets
    ).toHaveLength(1)
  })
})

describe('parsePlan: serial-number, thumbprint, common-name', () => {
  it('each value a target, the ID in its normalized form', () => {
    expect(
      parsePlan({ ...send, 'certificate-id': '', 'serial-number': '0a:1b, 0A1B\nff' }, noProxy)
        .targets
    ).toEqual([
      { id: '0A1B', known: { serialNumber: '0A1B' } },
      { id: 'FF', known: { serialNumber: 'FF' } }
    ])
    const thumb = 'ab'.repeat(20)
    expect(parsePlan({ ...seal, 'order-id': '', thumbprint: thumb }, noProxy).targets).toEqual([
      { id: thumb.toUpperCase(), known: { thumbprint: thumb.toUpperCase() } }
    ])
    expect(
      parsePlan({ ...send, 'certificate-id': '', 'common-name': 'Shop.example.com' }, noProxy)
        .targets
    ).toEqual([{ id: 'Shop.example.com', known: { commonName: 'Shop.example.com' } }])
  })

  it('reports a bad value of each', () => {
    expect(problemsOf({ ...send, 'certificate-id': '', 'serial-number': 'zz' })).toEqual([
      'serial-number: "zz" is not a serial number in hex (1 to 40 hex digits; colons and spaces allowed)'
    ])
    expect(problemsOf({ ...send, 'certificate-id': '', 'common-name': 'a b' })).toHaveLength(1)
  })

  it('exactly one ID input', () => {
    expect(problemsOf({ ...send, thumbprint: 'ab'.repeat(20) })).toEqual([
      'certificate-id and thumbprint: give one of them, not both'
    ])
  })
})

describe('parsePlan: issued-within and wait-for-issuance', () => {
  it('issued-within in seconds with every ID input but certificate-id; none when not given', () => {
    expect(parsePlan(send, noProxy).issuedWithinSeconds).toBeUndefined()
    expect(parsePlan({ ...seal, 'issued-within': '1d' }, noProxy).issuedWithinSeconds).toBe(86_400)
    expect(
      parsePlan(
        { ...send, 'certificate-id': '', 'common-name': 'a.example', 'issued-within': '2h' },
        noProxy
      ).issuedWithinSeconds
    ).toBe(7200)
    expect(MAX_ISSUED_WITHIN_SECONDS).toBe(400 * 86_400)
  })

  it('issued-within with certificate-id, or a bad duration, is an input error', () => {
    expect(problemsOf({ ...send, 'issued-within': '1d' })).toEqual([
      'issued-within: needs order-id, certificate-file, serial-number, thumbprint or common-name; a certificate ID names one certificate, send it or not'
    ])
    expect(problemsOf({ ...seal, 'issued-within': '401d' })).toEqual([
      'issued-within: "401d" must be a duration such as 90s, 15m, 2h or 7d (or a number of seconds), from 1 s to 400 days'
    ])
  })

  it.each(['serial-number', 'thumbprint', 'common-name'] as const)(
    'wait-for-issuance with %s is an input error',
    input => {
      const value = input === 'common-name' ? 'a.example' : 'AB'.repeat(20)
      expect(
        problemsOf({ ...send, 'certificate-id': '', [input]: value, 'wait-for-issuance': '5m' })
      ).toEqual([
        `wait-for-issuance: needs order IDs (order-id); ${input} names a certificate issued already`
      ])
    }
  )

  it('wait-for-issuance with certificate-file is an input error too', () => {
    const env = withFiles([{ path: 'a.pem', facts }])
    expect(problemsOf({ ...byFile('a.pem'), 'wait-for-issuance': '5m' }, env)).toEqual([
      'wait-for-issuance: needs order IDs (order-id); certificate-file names a certificate issued already'
    ])
  })
})
