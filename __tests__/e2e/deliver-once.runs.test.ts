// End-to-end, deliver-once across runs (issue 25): dist/index.js under this machine's Node and
// Node 24, against the stand-in's account, which keeps each order's notes between runs. Asserted:
// whom the stand-in was asked to mail, per certificate and address, over several runs (each once),
// the notes on each order, the outputs and the log. Scenarios: three daily common-name runs with a
// renewal between, the second one late; a re-run after a job stopped half-way; a new
// additional_email between runs; a note not written (500); notes refused (403); a hand-written
// near-copy of our note.
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ROOT, runAction, type ActionRun } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import { madeUpCertificate, type AccountOrder } from '../support/certificates.js'
import { expectCleanRun, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, type StandIn } from '../support/standin.js'

const DAY_MS = 86_400_000
let standIn: StandIn
let guard: NetworkGuard | undefined
/** Every order the account holds: a test adds its own, then serves them all (serve). */
const orders: AccountOrder[] = []

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  guard = installNetworkGuard()
  node24()
  standIn = await startStandIn({ account: { orders: [] } })
})
afterEach(() => standIn.setNotesMode(undefined))
afterAll(async () => {
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

/** A new order of the account with a made-up certificate and these additional emails, served. */
function newOrder(
  commonName: string,
  additional: string[],
  issuedAgoMs = 200 * DAY_MS
): AccountOrder {
  const certificate = madeUpCertificate(commonName, {
    date_issued: new Date(Date.now() - issuedAgoMs).toISOString()
  })
  const order: AccountOrder = { id: Number(freshId()), certificate, additional_emails: additional }
  orders.push(order)
  serve()
  return order
}

const serve = (): void => standIn.setAccount({ orders })

const certificateIdOf = (order: AccountOrder): string => String(order.certificate.id)

/** Each address mailed since `before`, per certificate ID: `certificate address` → times. */
function mailsSince(before = 0): Record<string, number> {
  const mails: Record<string, number> = {}
  for (const r of standIn.requests.slice(before)) {
    const send = /\/certificate\/(\d+)\/sendemail$/.exec(r.path)
    if (r.method !== 'PUT' || !send || r.status >= 300) continue
    for (const address of r.recipients) {
      const key = `${send[1]} ${address}`
      mails[key] = (mails[key] ?? 0) + 1
    }
  }
  return mails
}

/** The note POSTs since `before`, by order ID, in the order made. */
const notePostsSince = (before: number): string[] =>
  standIn.requests
    .slice(before)
    .filter(r => r.method === 'POST' && r.path.endsWith('/note'))
    .map(r => r.id as string)

describe.each(RUNTIMES)('deliver-once across runs under %s', (_, nodePath) => {
  const run = (inputs: Record<string, string>, attempt = '1'): Promise<ActionRun> =>
    runAction({
      inputs: {
        'api-url': standIn.baseUrl,
        'api-key': standIn.apiKey,
        operation: 'send-certificate',
        'deliver-once': 'true',
        'summary-details': 'full',
        ...inputs
      },
      env: { GITHUB_RUN_ATTEMPT: attempt },
      node: nodePath(),
      nodeArgs: (guard as NetworkGuard).childArgs,
      killAfterMs: 30_000
    })
  const daily = (commonName: string): Promise<ActionRun> =>
    run({ 'common-name': commonName, 'recipients-from-order': 'additional-emails' })

  it('three daily common-name runs, a renewal between, one late: each person mailed each certificate once', async () => {
    const name = `daily-${freshId()}.example.com`
    const people = ['ops@example.com', 'pki@example.com']
    const first = newOrder(name, people)
    const start = standIn.requests.length

    const day1 = await daily(name)
    expectCleanRun(day1, standIn.apiKey)
    expect(day1.code).toBe(0)
    expect(resultsOf(day1)).toEqual([
      expect.objectContaining({ outcome: 'sent', recorded: true, recipients: 2 })
    ])
    const [note] = standIn.notes(String(first.id))
    expect(String(note?.text).split('\n')).toEqual([
      'certcentral-email-action delivery record v1 (part 1 of 1)',
      'operation: send-certificate',
      expect.stringMatching(new RegExp(`^certificate: ${first.certificate.id} serial [0-9A-F]+$`)),
      'format: attachment',
      expect.stringMatching(/^sent: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'run: https://github.com/octo-org/renewals/actions/runs/4242 (attempt 1)',
      'recipients: ops@example.com, pki@example.com'
    ])

    // Renewed a day and a half ago; the day's run starts late, the next on time.
    const renewed = newOrder(name, people, 1.5 * DAY_MS)
    const day2 = await daily(name)
    expect(day2.code).toBe(0)
    expect(resultsOf(day2)).toEqual([
      expect.objectContaining({
        outcome: 'sent',
        recorded: true,
        certificate_id: certificateIdOf(renewed)
      })
    ])
    const day3 = await daily(name)
    expect(day3.code).toBe(0)
    expect(resultsOf(day3)).toEqual([
      expect.objectContaining({
        outcome: 'skipped',
        reason: expect.stringMatching(/^sent to all 2 recipients on \d{4}-\d\d-\d\d, note \d+$/)
      })
    ])
    expect(day3.outputs['skipped-ids']).toBe(name)
    expect(day3.stdout).toMatch(/sent to all 2 recipients on \d{4}-\d\d-\d\d, note \d+/)

    expect(mailsSince(start)).toEqual({
      [`${certificateIdOf(first)} ops@example.com`]: 1,
      [`${certificateIdOf(first)} pki@example.com`]: 1,
      [`${certificateIdOf(renewed)} ops@example.com`]: 1,
      [`${certificateIdOf(renewed)} pki@example.com`]: 1
    })
  })

  it('a re-run after a job stopped half-way mails only the rest', async () => {
    const batch = Array.from({ length: 6 }, (_, i) =>
      newOrder(`batch-${freshId()}.example.com`, [`team${i}@example.com`])
    )
    const ids = batch.map(order => String(order.id)).join(',')
    const start = standIn.requests.length
    // The third certificate's send meets a 503: the run stops, the rest unsent.
    standIn.setFault(certificateIdOf(batch[2] as AccountOrder), { kind: 'unavailable' })
    const first = await run({
      'order-id': ids,
      'recipients-from-order': 'additional-emails',
      'max-retries': '0'
    })
    expect(first.code).toBe(1)
    const sentFirst = first.outputs['sent-ids']?.split(',').filter(Boolean) ?? []
    expect(sentFirst.length).toBeGreaterThan(0)
    expect(first.outputs['unsent-ids']).toContain(String(batch[2]?.id))
    standIn.clearFault(certificateIdOf(batch[2] as AccountOrder))

    const again = await run(
      { 'order-id': ids, 'recipients-from-order': 'additional-emails', 'max-retries': '0' },
      '2'
    )
    expectCleanRun(again, standIn.apiKey)
    expect(again.code).toBe(0)
    expect(again.outputs['skipped-ids']?.split(',')).toEqual(sentFirst)
    const sentAgain = again.outputs['sent-ids']?.split(',') ?? []
    expect([...sentFirst, ...sentAgain].sort()).toEqual(batch.map(o => String(o.id)).sort())
    expect(mailsSince(start)).toEqual(
      Object.fromEntries(batch.map((o, i) => [`${certificateIdOf(o)} team${i}@example.com`, 1]))
    )
    const rerunNote = standIn.notes(sentAgain[0] as string)[0]
    expect(rerunNote?.text).toContain('/actions/runs/4242 (attempt 2)\n')
  })

  it('mails only an address added to the order between runs', async () => {
    const order = newOrder(`added-${freshId()}.example.com`, ['first@example.com'])
    const start = standIn.requests.length
    const inputs = { 'order-id': String(order.id), 'recipients-from-order': 'additional-emails' }
    expect((await run(inputs)).code).toBe(0)
    order.additional_emails = ['first@example.com', 'Second@example.com']
    serve()
    const second = await run(inputs)
    expect(second.code).toBe(0)
    expect(resultsOf(second)).toEqual([
      expect.objectContaining({ outcome: 'sent', recorded: true, recipients: 1 })
    ])
    expect(mailsSince(start)).toEqual({
      [`${certificateIdOf(order)} first@example.com`]: 1,
      [`${certificateIdOf(order)} Second@example.com`]: 1
    })
    expect(standIn.notes(String(order.id)).map(n => String(n.text).split('\n').at(-1))).toEqual([
      'recipients: Second@example.com',
      'recipients: first@example.com'
    ])
  })

  it('a note not written (500): sent, recorded false, one warning, the summary counts it', async () => {
    const order = newOrder(`unrecorded-${freshId()}.example.com`, [])
    standIn.setNotesMode('fail')
    const before = standIn.requests.length
    const result = await run({ 'order-id': String(order.id), emails: 'ops@example.com' })
    expectCleanRun(result, standIn.apiKey)
    expect(result.code).toBe(0)
    expect(notePostsSince(before)).toEqual([String(order.id)])
    expect(resultsOf(result)).toEqual([
      expect.objectContaining({ outcome: 'sent', recorded: false })
    ])
    const warnings = workflowCommands(result.stdout).filter(c => c.name === 'warning')
    expect(warnings.map(w => w.data)).toEqual([
      `sent but not recorded: a later run may mail them again (1 order: ${order.id}); deliver-once's note on the order could not be written, see the log`
    ])
    expect(result.stdout).toContain(
      `order ${order.id}: sent, but not recorded on order ${order.id}: HTTP 500`
    )
    expect(result.summary).toContain('⚠ 1 sent but not recorded (deliver-once)')
    expect(standIn.notes(String(order.id))).toEqual([])
  })

  it('notes refused (403): the run stops before the next send, the rest unsent with the fix', async () => {
    const batch = Array.from({ length: 8 }, () => newOrder(`refused-${freshId()}.example.com`, []))
    standIn.setNotesMode('refuse')
    const before = standIn.requests.length
    const result = await run({
      'order-id': batch.map(o => String(o.id)).join(','),
      emails: 'ops@example.com'
    })
    expectCleanRun(result, standIn.apiKey)
    expect(result.code).toBe(1)
    const made = standIn.requests.slice(before)
    const refused = made.findIndex(r => r.method === 'POST' && r.path.endsWith('/note'))
    expect(made[refused]?.status).toBe(403)
    // Nothing starts after the refusal; the stand-in logs a request when it answers, so a send
    // already on the wire (at most 3 with the note: MAX_IN_FLIGHT) may be logged after it.
    const puts = made.filter(r => r.method === 'PUT')
    expect(made.slice(refused + 1).filter(r => r.method === 'PUT').length).toBeLessThan(4)
    const results = resultsOf(result)
    const sent = results.filter(r => r.outcome === 'sent')
    expect(sent.map(r => r.recorded)).toEqual(sent.map(() => false))
    expect(sent.length).toBe(puts.length)
    const unsent = results.filter(r => r.outcome === 'unsent')
    expect(unsent.length).toBeGreaterThan(0)
    for (const entry of unsent)
      expect(entry.error).toMatch(
        /^not (?:sent|attempted): CertCentral refused deliver-once's note after order \d+ was sent \(HTTP 403\): the API key's user may not add notes to orders: use a key whose user may \(not View Only\), or turn deliver-once off; then send it again$/
      )
  })

  it('ignores a hand-written near-copy of our note, and counts an exact one', async () => {
    const order = newOrder(`near-${freshId()}.example.com`, [])
    const certificate = order.certificate as { id: number; serial_number: string }
    const ours = (recipient: string) =>
      [
        'certcentral-email-action delivery record v1 (part 1 of 1)',
        'operation: send-certificate',
        `certificate: ${certificate.id} serial ${certificate.serial_number.toUpperCase()}`,
        'format: attachment',
        'sent: 2026-11-30T06:00:00Z',
        'run: unknown',
        `recipients: ${recipient}`
      ].join('\n')
    standIn.addNote(String(order.id), ours('pki@example.com'))
    standIn.addNote(String(order.id), `${ours('ops@example.com')}\nThanks, Kim`)
    standIn.addNote(String(order.id), ours('dev@example.com').replace('v1', 'V1'))
    const before = standIn.requests.length
    const result = await run({
      'order-id': String(order.id),
      emails: 'ops@example.com, pki@example.com, dev@example.com'
    })
    expect(result.code).toBe(0)
    expect(mailsSince(before)).toEqual({
      [`${certificate.id} ops@example.com`]: 1,
      [`${certificate.id} dev@example.com`]: 1
    })
  })

  it('notes carrying hostile text: none counts, none reaches the log, outputs or summary', async () => {
    const order = newOrder(`hostile-${freshId()}.example.com`, ['ops@example.com'])
    standIn.setNotesMode('hostile')
    const before = standIn.requests.length
    const result = await run({
      'order-id': String(order.id),
      'recipients-from-order': 'additional-emails'
    })
    expectCleanRun(result, standIn.apiKey)
    expect(result.code).toBe(0)
    expect(mailsSince(before)).toEqual({ [`${certificateIdOf(order)} ops@example.com`]: 1 })
    expect(resultsOf(result)).toEqual([
      expect.objectContaining({ outcome: 'sent', recorded: true })
    ])
    const everything = result.stdout + JSON.stringify(result.outputs) + result.summary
    for (const text of ['forged', 'evil', '\u202e', '\u200b', 'x'.repeat(100), 'A person wrote'])
      expect(everything).not.toContain(text)
    expect(
      workflowCommands(result.stdout).filter(
        c =>
          c.name !== 'add-mask' && c.name !== 'group' && c.name !== 'endgroup' && c.name !== 'debug'
      )
    ).toEqual([])
  })
})
