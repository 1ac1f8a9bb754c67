// End-to-end (issue 17): the bundled dist/index.js, run the way the runner runs it, finds
// certificates given as files, serial numbers, thumbprints and common names in the stand-in's
// account of real certificates (made by the test CA), sends them, skips what was issued too long
// ago, and emails a site seal by file or, by order ID, in one request. Under this machine's Node
// and Node 24. Asserted: the outputs, the requests the stand-in recorded (paths and count), exit
// codes, and that no file's content is ever printed.
//
// Loopback only: every child runs with a preload that refuses any DNS lookup and any connection
// to a non-loopback address, and this process refuses DNS lookups too.
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ROOT, runAction, type ActionRun } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import {
  madeUpCertificate,
  makeCertificates,
  orderHolding,
  type Account,
  type Certificates,
  type Holding,
  type TestCertificate
} from '../support/certificates.js'
import { expectCleanRun, messagesOf } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, type StandIn } from '../support/standin.js'

const NOT_FOUND = 'not found in this CertCentral account (check `region`)'
const URL_HINT = 'the URL is wrong: check that api-url ends in /services/v2'
const V2 = '/services/v2'
const DAY_MS = 24 * 60 * 60 * 1000

let guard: NetworkGuard | undefined
let guardArgs: string[]
let standIn: StandIn
let certs: Certificates
/**
 * A stand-in whose order list names no common name and ignores filters[common_name] (a partial
 * listing, a server that ignores the filter): what the names of a common name's orders are comes
 * from their Order info only.
 */
let partial: StandIn
/** Its orders: `named.example.com` (issued 10 days ago), `other.example.com` (yesterday). */
const partialOrders = { named: { order: 0, certificate: 0 }, other: { order: 0, certificate: 0 } }
/** A web server that is not CertCentral: every request a plain 404 page (a wrong api-url). */
let plain404: Server
let plain404Url: string
let plain404Hits = 0
/** `waiting.example.com`: a rejected order, and a pending one (the newer), none issued. */
const waiting = { pending: 0, rejected: 0 }

/** The test's certificates and where the account holds them. */
const c = {} as Record<
  | 'leaf'
  | 'chain'
  | 'duplicate'
  | 'stranger'
  | 'globA'
  | 'globB'
  | 'serial1'
  | 'serial2'
  | 'serial3'
  | 'thumb1'
  | 'thumb2'
  | 'older'
  | 'newer'
  | 'old'
  | 'oldFile'
  | 'seal',
  TestCertificate
>
const held = {} as Record<string, Holding>

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  node24()
  certs = await makeCertificates()
  const leaf = (commonName: string, issuedDaysAgo = 0) =>
    certs.leaf({ commonName, dnsNames: [commonName, `alt.${commonName}`], issuedDaysAgo })
  c.leaf = await leaf('leaf.example.com')
  c.chain = await leaf('chain.example.com')
  c.duplicate = await leaf('dup.example.com')
  c.stranger = await leaf('stranger.example.com')
  c.globA = await leaf('a.glob.example.com')
  c.globB = await leaf('b.glob.example.com')
  c.serial1 = await leaf('serial1.example.com')
  c.serial2 = await leaf('serial2.example.com')
  c.serial3 = await leaf('serial3.example.com')
  c.thumb1 = await leaf('thumb1.example.com')
  c.thumb2 = await leaf('thumb2.example.com')
  c.older = await leaf('renewed.example.com', 30)
  c.newer = await leaf('renewed.example.com', 2)
  c.old = await leaf('skip.example.com', 10)
  c.oldFile = await leaf('skip-file.example.com', 10)
  c.seal = await leaf('seal.example.com')

  for (const name of ['leaf', 'chain', 'globA', 'globB', 'serial1', 'serial2', 'serial3'])
    held[name] = orderHolding(c[name as keyof typeof c], 'primary')
  for (const name of ['thumb1', 'thumb2', 'old', 'oldFile', 'seal'])
    held[name] = orderHolding(c[name as keyof typeof c], 'primary')
  held.duplicate = orderHolding(c.duplicate, 'duplicate')
  // The older renewal's order was created later (and is listed first): only date_issued tells.
  held.older = orderHolding(c.older, 'primary', { date_created: '2026-06-01T00:00:00+00:00' })
  held.newer = orderHolding(c.newer, 'reissue', { date_created: '2026-01-01T00:00:00+00:00' })
  const account: Account = {
    orders: [
      ...['leaf', 'chain', 'duplicate', 'globA', 'globB', 'serial1', 'serial2', 'serial3'].map(
        name => (held[name] as Holding).order
      ),
      ...['thumb1', 'thumb2', 'older', 'newer', 'old', 'oldFile', 'seal'].map(
        name => (held[name] as Holding).order
      )
    ]
  }
  waiting.pending = Number(freshId())
  waiting.rejected = Number(freshId())
  account.orders.push(
    {
      id: waiting.rejected,
      status: 'rejected',
      date_created: '2026-01-02T00:00:00+00:00',
      certificate: madeUpCertificate('waiting.example.com')
    },
    {
      id: waiting.pending,
      status: 'pending',
      date_created: '2026-06-02T00:00:00+00:00',
      certificate: madeUpCertificate('waiting.example.com')
    }
  )
  standIn = await startStandIn({ account })

  const issuedDaysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString()
  const named = madeUpCertificate('named.example.com', { date_issued: issuedDaysAgo(10) })
  const other = madeUpCertificate('other.example.com', { date_issued: issuedDaysAgo(1) })
  partialOrders.named = { order: Number(freshId()), certificate: named.id }
  partialOrders.other = { order: Number(freshId()), certificate: other.id }
  partial = await startStandIn({
    account: {
      orders: [
        { id: partialOrders.named.order, certificate: named },
        { id: partialOrders.other.order, certificate: other }
      ],
      list_omits_common_name: true,
      list_ignores_common_name: true
    }
  })
  plain404 = createServer((_, res) => {
    plain404Hits++
    res.writeHead(404, { 'Content-Type': 'text/html' })
    res.end('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>')
  })
  await new Promise<void>(resolve => plain404.listen(0, '127.0.0.1', resolve))
  plain404Url = `http://127.0.0.1:${(plain404.address() as AddressInfo).port}/services/v2`

  certs.writeLeaf(c.leaf, 'live/leaf.example.com/cert.pem')
  certs.writeFullChain(c.chain, 'live/chain.example.com/fullchain.pem')
  certs.writeFullChain(c.chain, 'live/chain.example.com/ca-first.pem', { caFirst: true })
  certs.writeFullChain(c.duplicate, 'live/dup.example.com/fullchain.pem')
  certs.writeLeaf(c.stranger, 'live/stranger.example.com/cert.pem')
  certs.writeLeaf(c.globA, 'glob/a/cert.pem')
  certs.writeLeaf(c.globB, 'glob/b/cert.pem')
  certs.writeDer(c.globB, 'glob/b/cert.der')
  certs.writeLeaf(c.leaf, 'same/cert.pem')
  certs.writeFullChain(c.leaf, 'same/fullchain.pem')
  certs.writeLeaf(c.oldFile, 'live/skip-file.example.com/cert.pem')
  certs.writeLeaf(c.seal, 'live/seal.example.com/cert.pem')
  certs.writePrivateKey(c.leaf, 'live/leaf.example.com/privkey.pem')
  certs.writeCsr('leaf.example.com', 'live/leaf.example.com/request.csr')
  certs.write('live/leaf.example.com/README', 'This directory holds your certificates.\n')
  certs.writeCaOnly('live/leaf.example.com/chain.pem')
  certs.writeLeaf(await certs.leaf({ commonName: 'gone.example.com', expired: true }), 'gone.pem')
})
afterAll(async () => {
  await standIn?.close()
  await partial?.close()
  await new Promise(resolve => plain404?.close(resolve))
  certs?.cleanup()
  expect(guard?.uninstall()).toEqual([])
})

/** The requests since `before`, as `METHOD path` (the query decoded, in its own order). */
function requestsSince(before: number, on: StandIn = standIn): string[] {
  return on.requests.slice(before).map(r => {
    const url = new URL(r.path, 'http://standin')
    const query = [...url.searchParams].map(([k, v]) => `${k}=${v}`).join('&')
    return `${r.method} ${url.pathname}${query ? `?${query}` : ''}`
  })
}

/** Just the method and path, without the query. */
const pathsSince = (before: number, on: StandIn = standIn) =>
  requestsSince(before, on).map(r => r.replace(/\?.*$/, ''))

const orderInfo = (key: string | number) => `GET ${V2}/order/certificate/${key}`
const send = (certificateId: number) => `PUT ${V2}/certificate/${certificateId}/sendemail`
const seal = (orderId: number) => `POST ${V2}/order/certificate/${orderId}/site-seal/email-seal`

/** The `results` entry a certificate found in the account reports, whatever its ID input. */
function found(id: string, cert: TestCertificate, holding: Holding, extra = {}) {
  return {
    id,
    ok: true,
    outcome: 'sent',
    status: 204,
    // one send; its look-ups counted apart
    attempts: 1,
    certificate_id: String(holding.certificateId),
    order_id: String(holding.orderId),
    common_name: cert.commonName,
    serial_number: cert.serial,
    thumbprint: cert.thumbprint,
    valid_till: cert.validTill,
    ...extra
  }
}

/** What a failed run shows: nothing on stderr, no key anywhere. */
function expectNoLeaks(result: ActionRun, secret: string) {
  expect(result.stderr).toBe('')
  const log = result.stdout.slice(result.stdout.indexOf('\n') + 1) // past ::add-mask::KEY
  for (const where of [log, JSON.stringify(result.outputs), result.summary])
    expect(where).not.toContain(secret)
}

describe.each(RUNTIMES)('dist/index.js under %s', (_, nodePath) => {
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      inputs: { 'api-url': standIn.baseUrl, 'api-key': standIn.apiKey, ...inputs },
      env: { GITHUB_WORKSPACE: certs.dir, ...env },
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 20_000
    })
  const sendFile = (file: string, inputs: Record<string, string> = {}) =>
    run({
      operation: 'send-certificate',
      'certificate-file': file,
      emails: 'ops@example.com',
      ...inputs
    })

  it("sends a leaf file's certificate, found by its thumbprint", async () => {
    const before = standIn.requests.length
    const file = 'live/leaf.example.com/cert.pem'
    const result = await sendFile(file)
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const { leaf } = held as Record<string, Holding>
    expect(requestsSince(before)).toEqual([
      orderInfo(c.leaf.thumbprint),
      send(leaf?.certificateId ?? 0)
    ])
    expect(resultsOf(result)).toEqual([found(file, c.leaf, leaf as Holding, { file, lookups: 1 })])
    expect(result.outputs).toMatchObject({ 'sent-ids': file, 'failed-ids': '', 'unsent-ids': '' })
    expect(result.summary).toContain(c.leaf.commonName)
    expect(result.summary).toContain(c.leaf.serial)
    expect(result.summary).toContain(c.leaf.validTill)
  })

  it("sends a full chain's leaf, whether the chain starts with it or with the CA", async () => {
    const before = standIn.requests.length
    const files = ['live/chain.example.com/fullchain.pem', 'live/chain.example.com/ca-first.pem']
    const result = await sendFile(files.join('\n'))
    expect(result.code).toBe(0)
    // the same certificate twice: sent once, a warning naming both files
    const holding = held.chain as Holding
    expect(pathsSince(before)).toEqual([orderInfo(c.chain.thumbprint), send(holding.certificateId)])
    expect(resultsOf(result)).toEqual([
      found(files[0] as string, c.chain, holding, {
        file: files[0],
        lookups: 1
      })
    ])
    const warnings = messagesOf(result.stdout, 'warning')
    expect(warnings.some(w => files.every(f => w.includes(f)))).toBe(true)
  })

  it("finds a duplicate through its common name and sends the duplicate's own ID", async () => {
    const before = standIn.requests.length
    const file = 'live/dup.example.com/fullchain.pem'
    const result = await sendFile(file)
    expect(result.code).toBe(0)
    const holding = held.duplicate as Holding
    const requests = requestsSince(before)
    expect(requests.map(r => r.replace(/\?.*$/, ''))).toEqual([
      orderInfo(c.duplicate.thumbprint),
      orderInfo(c.duplicate.serial),
      `GET ${V2}/order/certificate`,
      `GET ${V2}/order/certificate`,
      `GET ${V2}/order/certificate/${holding.orderId}/duplicate`,
      send(holding.certificateId)
    ])
    expect(requests[2]).toContain(`filters[serial_number]=${c.duplicate.serial}`)
    expect(requests[3]).toContain('filters[common_name]=dup.example.com')
    expect(requests[3]).toContain('filters[status]=issued')
    expect(resultsOf(result)).toEqual([found(file, c.duplicate, holding, { file, lookups: 5 })])
  })

  it('fails a certificate that is not in the account, after every look-up, and sends nothing', async () => {
    const before = standIn.requests.length
    const file = 'live/stranger.example.com/cert.pem'
    const result = await sendFile(file)
    expect(result.code).toBe(1)
    expectNoLeaks(result, standIn.apiKey)
    expect(pathsSince(before)).toEqual([
      orderInfo(c.stranger.thumbprint),
      orderInfo(c.stranger.serial),
      `GET ${V2}/order/certificate`,
      `GET ${V2}/order/certificate`
    ])
    const [entry] = resultsOf(result)
    expect(entry).toMatchObject({ id: file, ok: false, outcome: 'failed', file })
    expect(entry?.error).toContain(NOT_FOUND)
    expect(result.outputs).toMatchObject({ 'failed-ids': file, 'sent-ids': '' })
    expect(messagesOf(result.stdout, 'error').join('\n')).toContain(NOT_FOUND)
    // in the summary, the backtick span is code, not literal backticks
    expect(result.summary).toContain(
      'not found in this CertCentral account (check <code>region</code>)'
    )
  })

  it.each([
    ['a private key', 'live/leaf.example.com/privkey.pem', 'private key'],
    ['a CSR', 'live/leaf.example.com/request.csr', 'certificate request (CSR)'],
    ['a text file', 'live/leaf.example.com/README', 'no certificate'],
    ['only a CA certificate', 'live/leaf.example.com/chain.pem', 'live/leaf.example.com/chain.pem'],
    ['an expired certificate', 'gone.pem', 'expired on'],
    ['a pattern that matches nothing', 'live/*/nothing-*.pem', 'live/*/nothing-*.pem']
  ])('refuses %s as an input error naming the file, before any request', async (_, file, what) => {
    const before = standIn.requests.length
    const result = await sendFile(file)
    expect(result.code).toBe(1)
    expect(standIn.requests.length).toBe(before)
    const errors = messagesOf(result.stdout, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(file)
    expect(errors[0]).toContain(what)
    expectNoLeaks(result, standIn.apiKey)
    // not a byte of the file's content anywhere: each line of it, past its PEM header
    const content = file.includes('*') ? '' : readFileSync(join(certs.dir, file), 'utf8')
    for (const line of content.split('\n').filter(l => l.length >= 16 && !l.startsWith('-----')))
      expectNoLeaks(result, line)
    expect(result.outputs['sent-ids'] ?? '').toBe('')
  })

  it('sends what a glob matches, once per certificate, PEM and DER alike', async () => {
    const before = standIn.requests.length
    const result = await sendFile('glob/**/cert.*')
    expect(result.code).toBe(0)
    const [a, b] = [held.globA as Holding, held.globB as Holding]
    const paths = pathsSince(before)
    expect(paths.filter(p => p.startsWith('PUT')).sort()).toEqual(
      [send(a.certificateId), send(b.certificateId)].sort()
    )
    expect(paths).toHaveLength(4)
    const sent = (result.outputs['sent-ids'] ?? '').split(',')
    expect(sent).toContain('glob/a/cert.pem')
    expect(sent.some(id => id.startsWith('glob/b/cert.'))).toBe(true)
    expect(sent).toHaveLength(2)
  })

  it('leaves out what a ! line matches, and refuses a pattern whose files it all leaves out', async () => {
    const before = standIn.requests.length
    const result = await sendFile('glob/*/cert.pem\n!glob/b/*')
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(pathsSince(before)).toEqual([
      orderInfo(c.globA.thumbprint),
      send((held.globA as Holding).certificateId)
    ])
    expect(result.outputs['sent-ids']).toBe('glob/a/cert.pem')
    const emptied = await sendFile('glob/b/*\n!glob/**/cert.*')
    expect(emptied.code).toBe(1)
    expect(standIn.requests.length).toBe(before + 2)
    expect(messagesOf(emptied.stdout, 'error')).toEqual([
      'certificate-file: "glob/b/*" matches files, but the exclusions below it (lines starting with !) remove all of them; check the exclusions'
    ])
  })

  it('counts one certificate in two files once, with a warning naming both', async () => {
    const before = standIn.requests.length
    const result = await sendFile('same/*.pem')
    expect(result.code).toBe(0)
    expect(pathsSince(before)).toEqual([
      orderInfo(c.leaf.thumbprint),
      send((held.leaf as Holding).certificateId)
    ])
    const warnings = messagesOf(result.stdout, 'warning')
    expect(
      warnings.some(w => w.includes('same/cert.pem') && w.includes('same/fullchain.pem'))
    ).toBe(true)
  })

  it('finds serial numbers given in lower case, with colons and with spaces', async () => {
    const before = standIn.requests.length
    const spell = [
      c.serial1.serial.toLowerCase(),
      c.serial2.serial.match(/../g)?.join(':') ?? '',
      c.serial3.serial.match(/..../g)?.join(' ') ?? ''
    ]
    expect(c.serial3.serial.length % 4).toBe(0)
    const result = await run({
      operation: 'send-certificate',
      'serial-number': spell.join('\n'),
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const certsInOrder = [c.serial1, c.serial2, c.serial3]
    const holdings = ['serial1', 'serial2', 'serial3'].map(n => held[n] as Holding)
    expect(pathsSince(before).sort()).toEqual(
      certsInOrder
        .flatMap((cert, i) => [
          orderInfo(cert.serial),
          send((holdings[i] as Holding).certificateId)
        ])
        .sort()
    )
    expect(result.outputs['sent-ids']).toBe(certsInOrder.map(cert => cert.serial).join(','))
    expect(resultsOf(result)).toEqual(
      certsInOrder.map((cert, i) =>
        found(cert.serial, cert, holdings[i] as Holding, { lookups: 1 })
      )
    )
  })

  it('finds thumbprints given in lower case and with colons', async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      thumbprint: `${c.thumb1.thumbprint.toLowerCase()}, ${c.thumb2.thumbprint.match(/../g)?.join(':')}`,
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const [h1, h2] = [held.thumb1 as Holding, held.thumb2 as Holding]
    expect(pathsSince(before).sort()).toEqual(
      [
        orderInfo(c.thumb1.thumbprint),
        send(h1.certificateId),
        orderInfo(c.thumb2.thumbprint),
        send(h2.certificateId)
      ].sort()
    )
    expect(result.outputs['sent-ids']).toBe(`${c.thumb1.thumbprint},${c.thumb2.thumbprint}`)
  })

  it('sends the newest certificate by issue date for a common name with two issued orders', async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'common-name': 'renewed.example.com',
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const [older, newer] = [held.older as Holding, held.newer as Holding]
    // one page of the list (the older listed first; neither order has duplicates), one send
    const requests = requestsSince(before)
    expect(requests.map(r => r.replace(/\?.*$/, ''))).toEqual([
      `GET ${V2}/order/certificate`,
      send(newer.certificateId)
    ])
    expect(requests[0]).toContain('filters[common_name]=renewed.example.com')
    expect(requests[0]).toContain('filters[status]=issued')
    expect(older.certificateId).not.toBe(newer.certificateId)
    // the order list names no thumbprint, so none is reported
    const expected: Record<string, unknown> = found('renewed.example.com', c.newer, newer, {
      lookups: 1
    })
    delete expected.thumbprint
    expect(resultsOf(result)).toEqual([expected])
  })

  it('skips a common name issued longer ago than issued-within: no send, the step succeeds', async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'common-name': 'skip.example.com',
      'issued-within': '1d',
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(requestsSince(before).filter(r => !r.startsWith('GET'))).toEqual([])
    expect(resultsOf(result)).toMatchObject([{ id: 'skip.example.com', outcome: 'skipped' }])
    expect(result.outputs).toMatchObject({
      'skipped-ids': 'skip.example.com',
      'sent-ids': '',
      'failed-ids': '',
      'unsent-ids': ''
    })
    // no HTTP status: the look-up's 200 is no send's; issued-within as written, in days
    expect(result.summary).toMatch(
      /<td>—<\/td><td>⏭ issued on \d{4}-\d\d-\d\d, longer ago than issued-within \(1 d\): skipped, not sent<\/td><\/tr>/
    )
  })

  it('skips a file by its own validity, without a request', async () => {
    const before = standIn.requests.length
    const file = 'live/skip-file.example.com/cert.pem'
    const result = await sendFile(file, { 'issued-within': '7d' })
    expect(result.code).toBe(0)
    expect(standIn.requests.length).toBe(before)
    expect(resultsOf(result)).toMatchObject([{ id: file, outcome: 'skipped' }])
    expect(result.outputs['skipped-ids']).toBe(file)
    expect(result.summary).toContain('longer ago than issued-within (7 d): skipped, not sent')
  })

  it('dry-runs a file: its common name, serial and expiry, and no request', async () => {
    const before = standIn.requests.length
    const file = 'live/leaf.example.com/cert.pem'
    const result = await sendFile(file, { 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(standIn.requests.length).toBe(before)
    for (const fact of [c.leaf.commonName, c.leaf.serial, c.leaf.validTill])
      expect(result.summary).toContain(fact)
    // and the look-ups it would make, in the log
    expect(result.stdout).toContain(`${standIn.baseUrl}/order/certificate/${c.leaf.thumbprint}`)
    expect(resultsOf(result)).toMatchObject([{ id: file, outcome: 'validated', status: null }])
  })

  it("emails a site seal by file to the certificate's order", async () => {
    const before = standIn.requests.length
    const file = 'live/seal.example.com/cert.pem'
    const result = await run({ operation: 'email-site-seal', 'certificate-file': file })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    const holding = held.seal as Holding
    expect(requestsSince(before)).toEqual([orderInfo(c.seal.thumbprint), seal(holding.orderId)])
    expect(resultsOf(result)).toMatchObject([
      { id: file, ok: true, outcome: 'sent', status: 204, order_id: String(holding.orderId) }
    ])
  })

  it("sends a common name's own certificate, never a newer one listed without a name that is another's", async () => {
    const before = partial.requests.length
    const result = await run({
      'api-url': partial.baseUrl,
      operation: 'send-certificate',
      'common-name': 'named.example.com',
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(0)
    const { named, other } = partialOrders
    // the list names neither; each order's Order info does: only named.example.com's is taken
    expect(pathsSince(before, partial)).toEqual([
      `GET ${V2}/order/certificate`,
      orderInfo(named.order),
      orderInfo(other.order),
      send(named.certificate)
    ])
    expect(resultsOf(result)).toMatchObject([
      {
        id: 'named.example.com',
        outcome: 'sent',
        certificate_id: String(named.certificate),
        order_id: String(named.order),
        common_name: 'named.example.com'
      }
    ])
  })

  it('leaves a common name whose only order is pending unsent, naming the order and its status', async () => {
    const before = standIn.requests.length
    const result = await run({
      operation: 'send-certificate',
      'common-name': 'waiting.example.com',
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectNoLeaks(result, standIn.apiKey)
    const requests = requestsSince(before)
    expect(requests.map(r => r.replace(/\?.*$/, ''))).toEqual([
      `GET ${V2}/order/certificate`,
      `GET ${V2}/order/certificate`
    ])
    expect(requests[0]).toContain('filters[status]=issued')
    // the second asks for every status, newest first
    expect(requests[1]).toContain('filters[common_name]=waiting.example.com')
    expect(requests[1]).toContain('sort=-date_created')
    expect(requests[1]).not.toContain('filters[status]')
    const error = `common name waiting.example.com is not issued yet: order ${waiting.pending} is pending; send it again once it is issued`
    expect(resultsOf(result)).toMatchObject([
      {
        id: 'waiting.example.com',
        ok: false,
        outcome: 'unsent',
        order_id: String(waiting.pending),
        order_status: 'pending',
        error
      }
    ])
    expect(result.outputs).toMatchObject({
      'unsent-ids': 'waiting.example.com',
      'failed-ids': '',
      'sent-ids': ''
    })
  })

  /** Of a run that stops after 3 IDs failed alike: the failed and the unsent, checked. */
  function expectStoppedAfterThree(result: ActionRun, ids: string[], stop: string) {
    const results = resultsOf(result)
    expect(results.map(r => r.id)).toEqual(ids)
    const failed = results.filter(r => r.outcome === 'failed')
    const unsent = results.filter(r => r.outcome === 'unsent')
    // look-ups go 2 at a time: the 4th may be on the wire when the 3rd ends
    expect(failed.length).toBeGreaterThanOrEqual(3)
    expect(failed.length).toBeLessThanOrEqual(4)
    expect(unsent.length).toBe(ids.length - failed.length)
    for (const entry of failed) {
      expect(entry).toMatchObject({ status: 404, attempts: 0, lookups: 1, hint: URL_HINT })
      expect(entry.error).toContain(URL_HINT)
      expect(entry.error).not.toContain(NOT_FOUND)
    }
    for (const entry of unsent) expect(entry.error).toMatch(/^not attempted: /)
    for (const entry of unsent) expect(entry.error).toContain(stop)
    return failed.length
  }

  it('fails thumbprints at a wrong api-url path with the URL hint, not "not found", and stops after 3', async () => {
    const thumbprints = Array.from({ length: 6 }, () =>
      (madeUpCertificate('x.example.com') as { thumbprint: string }).thumbprint.toUpperCase()
    )
    const before = standIn.requests.length
    const result = await run({
      'api-url': `${standIn.origin}/wrong/v2`,
      operation: 'send-certificate',
      thumbprint: thumbprints.join('\n'),
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectNoLeaks(result, standIn.apiKey)
    const failed = expectStoppedAfterThree(
      result,
      thumbprints,
      'DigiCert answered not_found|route for 3 IDs in a row'
    )
    // one request each: the chain's first answer already says the URL is wrong
    expect(pathsSince(before)).toHaveLength(failed)
    for (const entry of resultsOf(result).filter(r => r.outcome === 'failed'))
      expect(entry.error).toContain('not_found|route')
  })

  it('fails files at a server that is not CertCentral (a plain 404) with the URL hint, and stops after 3', async () => {
    const files = [
      'live/leaf.example.com/cert.pem',
      'live/chain.example.com/fullchain.pem',
      'live/dup.example.com/fullchain.pem',
      'live/stranger.example.com/cert.pem',
      'glob/a/cert.pem',
      'live/seal.example.com/cert.pem'
    ]
    const before = plain404Hits
    const result = await sendFile(files.join('\n'), { 'api-url': plain404Url })
    expect(result.code).toBe(1)
    expectNoLeaks(result, standIn.apiKey)
    const failed = expectStoppedAfterThree(
      result,
      files,
      "api-url's server answered HTTP 404 without DigiCert's errors for 3 IDs in a row"
    )
    expect(plain404Hits - before).toBe(failed)
    for (const entry of resultsOf(result).filter(r => r.outcome === 'failed'))
      expect(entry.error).toMatch(/^HTTP 404: body: <html>/)
  })

  it('emails a site seal by order ID in exactly one request, the POST', async () => {
    const before = standIn.requests.length
    const id = freshId()
    const result = await run({ operation: 'email-site-seal', 'order-id': id })
    expect(result.code).toBe(0)
    expectCleanRun(result, standIn.apiKey)
    expect(requestsSince(before)).toEqual([seal(Number(id))])
    expect(resultsOf(result)).toEqual([
      { id, ok: true, outcome: 'sent', status: 204, attempts: 1, lookups: 0 }
    ])
    expect(result.outputs['sent-ids']).toBe(id)
  })
})
