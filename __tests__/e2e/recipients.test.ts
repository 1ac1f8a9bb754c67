// End-to-end (issue 24): the bundled dist/index.js, run the way the runner runs it, sends each
// certificate to the people its own order names (recipients-from-order), against the stand-in's
// account, under this machine's Node and Node 24. Asserted: whom each send and seal asked the
// stand-in to mail (its recorded recipients), the requests made, the outputs, the summary and the
// log, and that hostile addresses in an order reach none of them raw.
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ROOT, runAction, type ActionRun } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import {
  madeUpCertificate,
  makeCertificates,
  orderHolding,
  type AccountOrder,
  type Certificates,
  type Holding
} from '../support/certificates.js'
import { REPOSITORIES, eventFile } from '../support/event.js'
import { expectCleanRun, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, type StandIn } from '../support/standin.js'

let guard: NetworkGuard | undefined
let guardArgs: string[]
let standIn: StandIn
let certs: Certificates
let duplicate: Holding

const person = (email: unknown) => ({ id: 1, first_name: 'A', last_name: 'B', email })
const contact = (email: unknown) => ({ first_name: 'C', last_name: 'D', email, job_title: 'x' })

/** An order of the account: a made-up certificate and these people. */
function order(people: Partial<AccountOrder>): { order: AccountOrder; certificateId: string } {
  const certificate = madeUpCertificate('team.example.com')
  return {
    order: { id: Number(freshId()), certificate, ...people },
    certificateId: String(certificate.id)
  }
}

const HOSTILE = [
  '::error::owned@example.com',
  'a@example.com\r\n::warning::x',
  'bidi\u202e@example.com',
  'x'.repeat(10_240),
  ...Array.from({ length: 2000 }, (_, i) => `bulk${i}@example.com`)
]

/** The orders the tests send, by name. */
const o = {
  full: order({
    additional_emails: ['add1@example.com', 'add2@example.org'],
    user: person('requester@example.com'),
    organization_contact: contact('org@example.com'),
    technical_contact: contact('tech@example.com'),
    user_assignments: [person('assigned@example.com')],
    custom_fields: [
      {
        metadata_id: 1,
        label: 'Team owners',
        value: 'own1@example.com, own2@example.com; own3@example.net'
      },
      { metadata_id: 2, label: 'Cost centre', value: '4711' }
    ]
  }),
  nobody: order({
    additional_emails: [],
    user: [],
    organization_contact: null,
    technical_contact: ''
  }),
  cased: order({ additional_emails: ['OPS@Example.com', 'dev@example.com', 'Dev@example.com'] }),
  hostile: order({ additional_emails: HOSTILE, user: person('ok@example.com') }),
  few: order({
    additional_emails: ['', null, 'bad\u202eaddress@example.com'],
    user: person('ok@example.com')
  }),
  seal: order({
    additional_emails: ['one@example.com', 'refused@example.com', 'three@example.com']
  }),
  fifty: Array.from({ length: 50 }, (_, i) =>
    order({ additional_emails: [`team${i}@example.com`], user: person(`lead${i}@example.com`) })
  )
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  node24()
  certs = await makeCertificates()
  const dup = await certs.leaf({ commonName: 'dup-people.example.com' })
  duplicate = orderHolding(dup, 'duplicate')
  duplicate.order.additional_emails = ['dup-owner@example.com']
  certs.writeFullChain(dup, 'live/dup-people.example.com/fullchain.pem')
  const { full, nobody, cased, hostile, few, seal, fifty } = o
  standIn = await startStandIn({
    account: {
      orders: [full, nobody, cased, hostile, few, seal, ...fifty]
        .map(entry => entry.order)
        .concat(duplicate.order)
    },
    refuseRecipients: ['refused@example.com']
  })
})
afterAll(async () => {
  await standIn?.close()
  certs?.cleanup()
  expect(guard?.uninstall()).toEqual([])
})

/** The sends and seals since `before`: their method, path and recipients. */
function mailedSince(before: number): { method: string; path: string; recipients: string[] }[] {
  return standIn.requests
    .slice(before)
    .filter(r => r.method !== 'GET')
    .map(({ method, path, recipients }) => ({ method, path, recipients }))
}

/** The GETs since `before`, their paths. */
const getsSince = (before: number): string[] =>
  standIn.requests
    .slice(before)
    .filter(r => r.method === 'GET')
    .map(r => decodeURIComponent(r.path))

describe.each(RUNTIMES)('recipients-from-order under %s', (_, nodePath) => {
  const run = (
    inputs: Record<string, string>,
    env: Record<string, string> = {}
  ): Promise<ActionRun> =>
    runAction({
      inputs: {
        'api-url': standIn.baseUrl,
        'api-key': standIn.apiKey,
        'summary-details': 'full',
        ...inputs
      },
      env: { GITHUB_WORKSPACE: certs.dir, ...env },
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 30_000
    })
  const send = (certificateId: string, roles: string, inputs: Record<string, string> = {}) =>
    run({
      operation: 'send-certificate',
      'certificate-id': certificateId,
      'recipients-from-order': roles,
      ...inputs
    })

  it.each([
    ['additional-emails', ['add1@example.com', 'add2@example.org']],
    ['requester', ['requester@example.com']],
    ['organization-contact', ['org@example.com']],
    ['technical-contact', ['tech@example.com']],
    ['assigned-users', ['assigned@example.com']],
    ['custom-field:Team owners', ['own1@example.com', 'own2@example.com', 'own3@example.net']]
  ])(
    "sends a certificate ID to its order's %s, its order found through the list",
    async (role, recipients) => {
      const before = standIn.requests.length
      const result = await send(o.full.certificateId, role)
      expectCleanRun(result, standIn.apiKey)
      expect(result.code).toBe(0)
      expect(getsSince(before)).toEqual([
        `/services/v2/order/certificate?filters[certificate_id]=${o.full.certificateId}&offset=0&limit=100`,
        `/services/v2/order/certificate/${o.full.order.id}`
      ])
      expect(mailedSince(before)).toEqual([
        {
          method: 'PUT',
          path: `/services/v2/certificate/${o.full.certificateId}/sendemail`,
          recipients
        }
      ])
      expect(resultsOf(result)).toEqual([
        expect.objectContaining({
          id: o.full.certificateId,
          outcome: 'sent',
          lookups: 2,
          order_id: String(o.full.order.id),
          recipients: recipients.length,
          roles_without_recipients: []
        })
      ])
    }
  )

  it("sends to emails and the order's people, duplicates in any case once, emails first", async () => {
    const before = standIn.requests.length
    const result = await send(o.cased.certificateId, 'additional-emails, requester', {
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(0)
    expect(mailedSince(before).map(m => m.recipients)).toEqual([
      ['ops@example.com', 'dev@example.com']
    ])
    expect(resultsOf(result)[0]).toMatchObject({
      recipients: 2,
      roles_without_recipients: ['requester']
    })
  })

  it('fails a certificate whose order names no one, and makes no PUT', async () => {
    const before = standIn.requests.length
    const result = await send(o.nobody.certificateId, 'additional-emails, requester')
    expect(result.code).toBe(1)
    expect(mailedSince(before)).toEqual([])
    expect(result.outputs['failed-ids']).toBe(o.nobody.certificateId)
    expect(resultsOf(result)[0]).toMatchObject({
      outcome: 'failed',
      attempts: 0,
      recipients: 0,
      error: `order ${o.nobody.order.id} names no additional emails or requester: add them in CertCentral, or give \`emails\``
    })
  })

  it("reads the order of a duplicate found by its file, and sends it to that order's people", async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'certificate-file': 'live/dup-people.example.com/fullchain.pem',
      'recipients-from-order': 'additional-emails'
    })
    expectCleanRun(result, standIn.apiKey)
    expect(result.code).toBe(0)
    expect(getsSince(before).at(-1)).toBe(`/services/v2/order/certificate/${duplicate.orderId}`)
    expect(mailedSince(before)).toEqual([
      {
        method: 'PUT',
        path: `/services/v2/certificate/${duplicate.certificateId}/sendemail`,
        recipients: ['dup-owner@example.com']
      }
    ])
  })

  it('posts a seal to three recipients, the second refused: failed, naming those sent and not', async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'email-site-seal',
      'order-id': String(o.seal.order.id),
      'recipients-from-order': 'additional-emails'
    })
    expect(result.code).toBe(1)
    expect(getsSince(before)).toEqual([`/services/v2/order/certificate/${o.seal.order.id}`])
    expect(mailedSince(before).map(m => [m.recipients, standInStatus(m.recipients)])).toEqual([
      [['one@example.com'], 204],
      [['refused@example.com'], 400]
    ])
    const [entry] = resultsOf(result)
    expect(entry).toMatchObject({ outcome: 'failed', attempts: 2, recipients: 1 })
    expect(entry?.error).toMatch(
      /^sent to 1 of 3 recipients \(one@example\.com\); not to 2 \(refused@example\.com, three@example\.com\): HTTP 400/
    )
  })

  it('sends to every address of a custom field holding a list', async () => {
    const before = standIn.requests.length
    const result = await send(
      o.full.certificateId,
      'custom-field:Team owners\ncustom-field:Cost centre'
    )
    expect(result.code).toBe(0)
    expect(mailedSince(before)[0]?.recipients).toEqual([
      'own1@example.com',
      'own2@example.com',
      'own3@example.net'
    ])
    expect(resultsOf(result)[0]?.roles_without_recipients).toEqual(['custom-field:Cost centre'])
    expect(result.stdout).toContain(
      `::warning::certificate ${o.full.certificateId}: order ${o.full.order.id}: custom field "Cost centre" "4711": it is not an email address`
    )
  })

  it('leaves out hostile addresses of an order, and refuses 2,000 recipients whole', async () => {
    const few = await send(o.few.certificateId, 'additional-emails, requester')
    expectCleanRun(few, standIn.apiKey)
    expect(few.code).toBe(0)
    expect(resultsOf(few)[0]).toMatchObject({ recipients: 1 })
    const before = standIn.requests.length
    const result = await send(o.hostile.certificateId, 'additional-emails, requester')
    expectCleanRun(result, standIn.apiKey)
    expect(result.code).toBe(1)
    expect(mailedSince(before)).toEqual([])
    const [entry] = resultsOf(result)
    expect(entry?.error).toBe(
      `order ${o.hostile.order.id} names 997 recipients (and 1,004 entries not read) for additional emails and requester: more than the 100 one certificate is sent to; shorten its lists in CertCentral, or narrow recipients-from-order`
    )
    for (const text of [result.stdout, result.summary, JSON.stringify(result.outputs)]) {
      expect(text).not.toContain('\u202e')
      expect(text).not.toContain('x'.repeat(1000))
      expect(text).not.toMatch(/(^|\n)::(?!add-mask|debug|error|warning|group|endgroup)/)
    }
    for (const command of workflowCommands(result.stdout))
      expect(command.data).not.toMatch(/^::|\n::/)
    // One warning for each address left out, each naming the order and the role.
    const warnings = workflowCommands(result.stdout).filter(c => c.name === 'warning')
    const prefix = `certificate ${o.hostile.certificateId}: order ${o.hostile.order.id}: additional emails `
    expect(warnings).toHaveLength(4)
    for (const warning of warnings) {
      expect(warning.data.startsWith(prefix)).toBe(true)
      expect(warning.data).toMatch(/; left out$/)
    }
  })

  it("shows a public repository's recipients by count and domain only", async () => {
    // In the summary, the log and the outputs alike
    const publicRun = await run(
      {
        operation: 'send-certificate',
        'certificate-id': o.full.certificateId,
        'recipients-from-order': 'additional-emails, requester',
        emails: 'ops@example.com',
        'summary-details': 'auto'
      },
      { GITHUB_EVENT_PATH: eventFile(REPOSITORIES.public) }
    )
    expect(publicRun.code).toBe(0)
    for (const address of ['ops@example.com', 'add1@example.com', 'requester@example.com']) {
      expect(publicRun.summary).not.toContain(address)
      expect(publicRun.stdout).not.toContain(address)
      expect(JSON.stringify(publicRun.outputs)).not.toContain(address)
    }
    expect(publicRun.summary).toContain('4 recipients at example.com, example.org')
  })
})

/** What the stand-in answered the send or seal naming these recipients last. */
function standInStatus(recipients: string[]): number | undefined {
  return standIn.requests.findLast(
    r => r.method !== 'GET' && JSON.stringify(r.recipients) === JSON.stringify(recipients)
  )?.status
}

describe('the README recipe: fifty renewed certificates, each to its own people', () => {
  it('mails each certificate only to the people its own order names', async () => {
    const before = standIn.requests.length
    const result = await runAction({
      inputs: {
        'api-url': standIn.baseUrl,
        'api-key': standIn.apiKey,
        operation: 'send-certificate',
        'certificate-id': o.fifty.map(f => f.certificateId).join('\n'),
        'recipients-from-order': 'additional-emails, requester'
      },
      nodeArgs: guardArgs,
      killAfterMs: 60_000
    })
    expect(result.code).toBe(0)
    const mailed = mailedSince(before)
    expect(mailed).toHaveLength(50)
    o.fifty.forEach((f, i) => {
      expect(
        mailed.find(m => m.path.includes(`/certificate/${f.certificateId}/`))?.recipients
      ).toEqual([`team${i}@example.com`, `lead${i}@example.com`])
    })
    expect(result.outputs['sent-ids']?.split(',')).toHaveLength(50)
  })
})
