// Tests of the stand-in's account of issued certificates (issue 17), with a raw node:http client
// on 127.0.0.1: Order info by order ID and by the upper-case thumbprint or serial of a primary, the
// order list (filters, sort, paging, the empty shape), the duplicate and reissue lists, sends and
// seals for the account's IDs, the account file's checks, the command line and the built-in
// account. Certificates are real ones, made by the test CA (support/certificates.ts).
import { spawn } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_ACCOUNT,
  DEMO_CA_PEM,
  DEMO_CERTIFICATE_PEM,
  parseAccount,
  parseArgs,
  readAccountFile,
  startStandIn
} from '../../standin/certcentral-standin.js'
import {
  factsOf,
  madeUpCertificate,
  makeCertificates,
  orderHolding,
  type Account,
  type Certificates,
  type TestCertificate
} from '../support/certificates.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { freshId, standInCli, type StandIn } from '../support/standin.js'

interface Answer {
  status: number
  body: string
  json: Record<string, unknown>
}

function call(
  port: number,
  method: string,
  path: string,
  options: { key?: string; body?: string } = {}
): Promise<Answer> {
  const headers: Record<string, string> = { 'X-DC-DEVKEY': options.key ?? 'standin-api-key-0000' }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent: false },
      res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', chunk => (body += chunk))
        res.on('end', () => {
          let json = {}
          try {
            json = JSON.parse(body)
          } catch {
            // not JSON: json stays empty
          }
          resolve({ status: res.statusCode ?? 0, body, json })
        })
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const V2 = '/services/v2'
const NOT_FOUND_ORDER =
  '{"errors":[{"code":"not_found|order","message":"The specified order was not found."}]}'

let guard: NetworkGuard | undefined
let standIn: StandIn
let certs: Certificates
let www: TestCertificate
let renewed: TestCertificate
let api1: TestCertificate
let api2: TestCertificate
let account: Account
/** The orders of `account`, by role. */
const ids = { primary: 0, primaryCert: 0, duplicateOrder: 0, duplicateCert: 0, api1: 0, api2: 0 }
const get = (path: string, key?: string) =>
  call(standIn.port, 'GET', `${V2}${path}`, key ? { key } : {})

beforeAll(async () => {
  guard = installNetworkGuard()
  certs = await makeCertificates()
  www = await certs.leaf({
    commonName: 'www.example.com',
    dnsNames: ['www.example.com', 'example.com'],
    serial: '0ABCDEF0123456789'
  })
  renewed = await certs.leaf({ commonName: 'www.example.com' })
  api1 = await certs.leaf({ commonName: 'api.example.com', issuedDaysAgo: 30 })
  api2 = await certs.leaf({ commonName: 'api.example.com', issuedDaysAgo: 2 })
  const primary = orderHolding(www, 'primary', { date_created: '2026-01-01T00:00:00+00:00' })
  const duplicate = orderHolding(renewed, 'duplicate', {
    date_created: '2026-02-01T00:00:00+00:00'
  })
  const first = orderHolding(api1, 'primary', { date_created: '2026-03-01T00:00:00+00:00' })
  const second = orderHolding(api2, 'reissue', { date_created: '2025-12-01T00:00:00+00:00' })
  Object.assign(ids, {
    primary: primary.orderId,
    primaryCert: primary.certificateId,
    duplicateOrder: duplicate.orderId,
    duplicateCert: duplicate.certificateId,
    api1: first.orderId,
    api2: second.orderId
  })
  account = {
    orders: [
      primary.order,
      duplicate.order,
      first.order,
      second.order,
      {
        id: Number(freshId()),
        status: 'expired',
        date_created: '2024-01-01T00:00:00+00:00',
        certificate: madeUpCertificate('old.example.com', { valid_till: '2025-01-01' })
      },
      {
        id: Number(freshId()),
        status: 'pending',
        certificate: madeUpCertificate('pending.example.com')
      }
    ]
  }
  standIn = await startStandIn({ account })
})
afterAll(async () => {
  await standIn?.close()
  certs?.cleanup()
  expect(guard?.uninstall()).toEqual([])
})

describe('Order info from the account', () => {
  it("answers an account order by ID with its primary's facts, taken from the PEM", async () => {
    const answer = await get(`/order/certificate/${ids.primary}`)
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({
      id: ids.primary,
      status: 'issued',
      date_created: '2026-01-01T00:00:00+00:00',
      certificate: {
        id: ids.primaryCert,
        common_name: 'www.example.com',
        dns_names: ['www.example.com', 'example.com'],
        serial_number: 'ABCDEF0123456789',
        thumbprint: www.thumbprint,
        date_issued: www.validFrom.toISOString().replace(/\.000Z$/, '+00:00'),
        valid_from: www.validFrom.toISOString().slice(0, 10),
        valid_till: www.validTill,
        signature_hash: 'sha256',
        key_size: 2048
      },
      product: { name_id: 'ssl_basic', name: 'Basic TLS/SSL', type: 'ssl_certificate' }
    })
    expect(www.serial).toBe('ABCDEF0123456789')
  })

  it('answers the upper-case thumbprint or serial of a primary, and records the look-up', async () => {
    for (const key of [www.thumbprint, www.serial]) {
      const answer = await get(`/order/certificate/${key}`)
      expect(answer.status).toBe(200)
      expect(answer.json).toMatchObject({ id: ids.primary, certificate: { id: ids.primaryCert } })
      expect(standIn.requests.at(-1)).toMatchObject({
        method: 'GET',
        path: `${V2}/order/certificate/${key}`,
        id: key,
        status: 200
      })
    }
  })

  it.each([
    ['a lower-case thumbprint', () => www.thumbprint.toLowerCase()],
    ['a thumbprint with colons', () => www.thumbprint.match(/../g)?.join(':') ?? ''],
    ['a lower-case serial', () => www.serial.toLowerCase()],
    ['a serial with a leading zero', () => `0${www.serial}`],
    ["a duplicate's thumbprint", () => renewed.thumbprint],
    ["a duplicate's serial", () => renewed.serial],
    [
      "an earlier certificate's thumbprint, now in its order's reissue list",
      () => String((account.orders[3]?.reissues?.[0] as { thumbprint: string }).thumbprint)
    ],
    ['an unknown thumbprint', () => 'F'.repeat(40)]
  ])('answers %s 404 not_found|order', async (_, key) => {
    const answer = await get(`/order/certificate/${key()}`)
    expect(answer).toMatchObject({ status: 404, body: NOT_FOUND_ORDER })
  })

  it('keeps answering an order ID outside the account as issued at once', async () => {
    const id = freshId()
    const answer = await get(`/order/certificate/${id}`)
    expect(answer.json).toMatchObject({
      id: Number(id),
      status: 'issued',
      certificate: { id: Number(id) + 1_000_000 }
    })
  })

  it("shows a pending account order's certificate without ID, serial or dates", async () => {
    const pending = account.orders[5]
    const answer = await get(`/order/certificate/${pending?.id}`)
    expect(answer.json).toMatchObject({ status: 'pending' })
    expect(answer.json.certificate).toEqual({
      common_name: 'pending.example.com',
      dns_names: ['pending.example.com'],
      signature_hash: 'sha256',
      key_size: 2048
    })
  })

  it('lets a view-only key look up, list and read duplicates', async () => {
    for (const path of [
      `/order/certificate/${www.thumbprint}`,
      '/order/certificate?filters[status]=issued',
      `/order/certificate/${ids.duplicateOrder}/duplicate`
    ])
      expect((await get(path, 'standin-view-only-key')).status).toBe(200)
    expect((await get(`/order/certificate/${www.thumbprint}`, 'wrong')).status).toBe(403)
  })
})

describe('the order list', () => {
  const list = async (query: string) => {
    const answer = await get(`/order/certificate${query}`)
    expect(answer.status).toBe(200)
    return answer.json as {
      orders?: { id: number; status: string; certificate: Record<string, unknown> }[]
      page: unknown
    }
  }
  const idsOf = async (query: string) => (await list(query)).orders?.map(o => o.id)

  it('lists every order in the account order, with the page', async () => {
    const all = await list('')
    expect(all.orders?.map(o => o.id)).toEqual(account.orders.map(o => o.id))
    expect(all.page).toEqual({ total: 6, limit: 1000, offset: 0 })
    expect(all.orders?.[0]).toEqual({
      id: ids.primary,
      status: 'issued',
      date_created: '2026-01-01T00:00:00+00:00',
      certificate: {
        id: ids.primaryCert,
        common_name: 'www.example.com',
        dns_names: ['www.example.com', 'example.com'],
        valid_till: www.validTill,
        serial_number: www.serial,
        date_issued: www.validFrom.toISOString().replace(/\.000Z$/, '+00:00'),
        signature_hash: 'sha256'
      },
      product: { name_id: 'ssl_basic', name: 'Basic TLS/SSL', type: 'ssl_certificate' },
      has_duplicates: false,
      is_renewed: false
    })
    expect(all.orders?.[1]).toMatchObject({ id: ids.duplicateOrder, has_duplicates: true })
  })

  it('filters by status (issued also matches expired), common name, domain, serial, certificate ID', async () => {
    const expired = account.orders[4]?.id
    const pending = account.orders[5]?.id
    expect(await idsOf('?filters[status]=issued')).toEqual(
      account.orders.filter(o => o.id !== pending).map(o => o.id)
    )
    expect(await idsOf('?filters[status]=expired')).toEqual([expired])
    expect(await idsOf('?filters[status]=pending')).toEqual([pending])
    expect(await idsOf('?filters[common_name]=api.example.com&filters[status]=issued')).toEqual([
      ids.api1,
      ids.api2
    ])
    expect(await idsOf('?filters[common_name]=API.Example.com')).toEqual([ids.api1, ids.api2])
    expect(await idsOf('?filters[domain_name]=example.com')).toEqual([ids.primary])
    expect(await idsOf(`?filters[serial_number]=${www.serial}`)).toEqual([ids.primary])
    expect(await idsOf(`?filters[certificate_id]=${ids.primaryCert}`)).toEqual([ids.primary])
  })

  it("matches a duplicate's serial or certificate ID only when the account says so", async () => {
    expect(await list(`?filters[serial_number]=${renewed.serial}`)).toEqual({
      page: { total: 0, limit: 1000, offset: 0 }
    })
    expect(await idsOf(`?filters[certificate_id]=${ids.duplicateCert}`)).toBeUndefined()
    standIn.setAccount({ ...account, list_matches_duplicates: true })
    try {
      expect(await idsOf(`?filters[serial_number]=${renewed.serial}`)).toEqual([ids.duplicateOrder])
      expect(await idsOf(`?filters[certificate_id]=${ids.duplicateCert}`)).toEqual([
        ids.duplicateOrder
      ])
    } finally {
      standIn.setAccount(account)
    }
  })

  it('answers an empty list with the page only, no orders key, byte for byte', async () => {
    const answer = await get('/order/certificate?filters[common_name]=nobody.example.com&limit=1')
    expect(answer.status).toBe(200)
    expect(answer.body).toBe('{"page":{"total":0,"limit":1,"offset":0}}')
  })

  it('sorts by a field, descending with -, and pages with offset and limit', async () => {
    const issued = '?filters[status]=issued'
    expect(await idsOf(`${issued}&sort=date_created`)).toEqual([
      account.orders[4]?.id,
      ids.api2,
      ids.primary,
      ids.duplicateOrder,
      ids.api1
    ])
    expect(await idsOf(`${issued}&sort=-date_created`)).toEqual([
      ids.api1,
      ids.duplicateOrder,
      ids.primary,
      ids.api2,
      account.orders[4]?.id
    ])
    const ascending = [...account.orders.map(o => o.id)].sort((a, b) => a - b)
    expect(await idsOf('?sort=id')).toEqual(ascending)
    expect(await idsOf('?sort=-id')).toEqual([...ascending].reverse())
    const page = await list('?filters[common_name]=api.example.com&offset=1&limit=1')
    expect(page).toMatchObject({
      orders: [{ id: ids.api2 }],
      page: { total: 2, limit: 1, offset: 1 }
    })
    expect(await list('?filters[common_name]=api.example.com&offset=2&limit=1')).toEqual({
      page: { total: 2, limit: 1, offset: 2 }
    })
  })

  it('leaves out date_issued when the account says so (Order info still gives it)', async () => {
    standIn.setAccount({ ...account, list_omits_date_issued: true })
    try {
      const [first] = (await list('?limit=1')).orders ?? []
      expect(first?.certificate).not.toHaveProperty('date_issued')
      expect(first?.certificate).toHaveProperty('serial_number', www.serial)
      const info = await get(`/order/certificate/${ids.primary}`)
      expect(info.json.certificate).toHaveProperty('date_issued')
    } finally {
      standIn.setAccount(account)
    }
  })

  it('leaves out common_name when the account says so (Order info still gives it)', async () => {
    standIn.setAccount({ ...account, list_omits_common_name: true })
    try {
      const [first] = (await list('?limit=1')).orders ?? []
      expect(first?.certificate).not.toHaveProperty('common_name')
      expect(first?.certificate).toHaveProperty('serial_number', www.serial)
      // the filter still matches by the order's name
      expect(await idsOf('?filters[common_name]=api.example.com')).toEqual([ids.api1, ids.api2])
      const info = await get(`/order/certificate/${ids.primary}`)
      expect(info.json.certificate).toHaveProperty('common_name', 'www.example.com')
    } finally {
      standIn.setAccount(account)
    }
  })

  it('ignores filters[common_name] when the account says so (a server that ignores it)', async () => {
    standIn.setAccount({ ...account, list_ignores_common_name: true })
    try {
      expect(await idsOf('?filters[common_name]=api.example.com')).toEqual(
        account.orders.map(o => o.id)
      )
      // the other filters still hold
      expect(await idsOf('?filters[common_name]=api.example.com&filters[status]=pending')).toEqual([
        account.orders[5]?.id
      ])
    } finally {
      standIn.setAccount(account)
    }
  })

  it("lists a common name's orders in any status, newest first (no status filter)", async () => {
    const rejected = {
      id: Number(freshId()),
      status: 'rejected',
      date_created: '2025-06-01T00:00:00+00:00',
      certificate: madeUpCertificate('pending.example.com')
    }
    standIn.setAccount({ ...account, orders: [...account.orders, rejected] })
    try {
      const pending = account.orders[5]
      const answer = await list('?filters[common_name]=pending.example.com&sort=-date_created')
      expect(answer.orders?.map(o => [o.id, o.status])).toEqual([
        [pending?.id, 'pending'],
        [rejected.id, 'rejected']
      ])
      expect(answer.orders?.[0]?.certificate).toHaveProperty('common_name', 'pending.example.com')
      expect(
        await idsOf('?filters[common_name]=pending.example.com&filters[status]=issued')
      ).toBeUndefined()
    } finally {
      standIn.setAccount(account)
    }
  })

  it.each([
    ['filters[date_created]=>2026-01-01', 'invalid_value:filters[date_created]'],
    ['sort=colour', 'invalid_value:sort'],
    ['limit=0', 'invalid_value:limit'],
    ['limit=1001', 'invalid_value:limit'],
    ['limit=ten', 'invalid_value:limit'],
    ['offset=-1', 'invalid_value:offset']
  ])('refuses %s with 400 %s', async (query, code) => {
    const answer = await get(`/order/certificate?${query}`)
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ errors: [{ code }] })
  })
})

describe('duplicates and reissues', () => {
  const listed = (cert: TestCertificate, id: number) => ({
    id,
    thumbprint: cert.thumbprint,
    serial_number: cert.serial,
    common_name: cert.commonName,
    dns_names: cert.dnsNames,
    status: 'issued',
    date_created: cert.validFrom.toISOString().replace(/\.000Z$/, '+00:00'),
    date_issued: cert.validFrom.toISOString().replace(/\.000Z$/, '+00:00'),
    valid_from: cert.validFrom.toISOString().slice(0, 10),
    valid_till: cert.validTill,
    signature_hash: 'sha256',
    key_size: 2048
  })

  it('lists the duplicates after a copy of the primary', async () => {
    const answer = await get(`/order/certificate/${ids.duplicateOrder}/duplicate`)
    expect(answer.status).toBe(200)
    const { certificates } = answer.json as { certificates: { id: number }[] }
    expect(certificates).toHaveLength(2)
    expect(certificates[0]?.id).toBe(account.orders[1]?.certificate.id)
    expect(certificates[1]).toEqual(listed(renewed, ids.duplicateCert))
  })

  it('lists the reissues after a copy of the primary, and a primary alone without any', async () => {
    const reissued = await get(`/order/certificate/${ids.api2}/reissue`)
    const { certificates } = reissued.json as { certificates: { id: number }[] }
    expect(certificates.map(c => c.id)).toEqual([
      account.orders[3]?.certificate.id,
      account.orders[3]?.reissues?.[0]?.id
    ])
    const alone = await get(`/order/certificate/${ids.primary}/duplicate`)
    expect(alone.json).toEqual({ certificates: [listed(www, ids.primaryCert)] })
  })

  it('answers an order outside the account with no certificates', async () => {
    const answer = await get(`/order/certificate/${freshId()}/duplicate`)
    expect(answer).toMatchObject({ status: 200, body: '{"certificates":[]}' })
  })
})

describe("sends and seals for the account's IDs", () => {
  it('sends any certificate of the account and seals its orders', async () => {
    const body = JSON.stringify({
      emails: ['ops@example.com'],
      certificate_collect_format: 'attachment'
    })
    const reissueId = account.orders[3]?.reissues?.[0]?.id
    for (const id of [ids.primaryCert, ids.duplicateCert, reissueId]) {
      const answer = await call(standIn.port, 'PUT', `${V2}/certificate/${id}/sendemail`, {
        body
      })
      expect(answer.status).toBe(204)
    }
    const seal = await call(
      standIn.port,
      'POST',
      `${V2}/order/certificate/${ids.duplicateOrder}/site-seal/email-seal`
    )
    expect(seal.status).toBe(204)
  })
})

describe('the account file', () => {
  const order = { id: 1, certificate: { id: 2, common_name: 'a.example.com', serial_number: '0A' } }
  it.each([
    [[], 'the account: expected a JSON object'],
    [{}, 'orders: expected a list of orders'],
    [{ orders: [], extra: 1 }, 'extra: unknown field; known: orders, list_matches_duplicates'],
    [{ orders: [{ ...order, id: 0 }] }, 'orders[0].id: expected a whole number above 0'],
    [{ orders: [{ id: 1 }] }, 'orders[0].certificate: missing'],
    [{ orders: [{ ...order, colour: 'red' }] }, 'orders[0].colour: unknown field'],
    [{ orders: [order, { ...order }] }, "orders[1].id: order ID 1 is already orders[0].id's"],
    [
      { orders: [order, { ...order, id: 3 }] },
      "orders[1].certificate.id: certificate ID 2 is already orders[0].certificate.id's"
    ],
    [
      { orders: [{ ...order, duplicates: [{ ...order.certificate, id: 2 }] }] },
      'orders[0].duplicates[0].id: certificate ID 2 is already'
    ],
    [
      { orders: [{ ...order, certificate: { id: 2, serial_number: '0A' } }] },
      'orders[0].certificate.common_name: expected a non-empty string'
    ],
    [
      { orders: [{ ...order, certificate: { id: 2, common_name: 'a.example.com' } }] },
      'orders[0].certificate.serial_number: missing (give it, or the certificate as pem)'
    ],
    [
      { orders: [{ ...order, certificate: { ...order.certificate, serial_number: 'XYZ' } }] },
      'orders[0].certificate.serial_number: expected hex digits (colons allowed)'
    ],
    [
      { orders: [{ ...order, certificate: { ...order.certificate, thumbprint: 'AB' } }] },
      'orders[0].certificate.thumbprint: expected 40 hex digits'
    ],
    [
      { orders: [{ ...order, certificate: { ...order.certificate, valid_till: 'soon' } }] },
      'orders[0].certificate.valid_till: "soon" is not a date'
    ],
    [
      { orders: [{ ...order, certificate: { ...order.certificate, dns_names: 'a' } }] },
      'orders[0].certificate.dns_names: expected a list of strings'
    ],
    [{ orders: [{ ...order, reissues: {} }] }, 'orders[0].reissues: expected a list'],
    [
      { orders: [{ ...order, certificate: { id: 2, pem: 'nope' } }] },
      'orders[0].certificate.pem: expected a PEM certificate (-----BEGIN CERTIFICATE-----)'
    ],
    [
      { orders: [order], list_matches_duplicates: 'yes' },
      'list_matches_duplicates: expected true or false'
    ],
    [
      { orders: [order], list_omits_common_name: 1 },
      'list_omits_common_name: expected true or false'
    ],
    [
      { orders: [order], list_ignores_common_name: 'no' },
      'list_ignores_common_name: expected true or false'
    ]
  ])('refuses %j: %s', (json, message) => {
    expect(() => parseAccount(json)).toThrow(message)
  })

  it("takes a PEM certificate's common name as it holds it (UTF-8, a comma), not as node:crypto shows it", async () => {
    const umlaut = await certs.leaf({ commonName: 'bücher,example', dnsNames: ['b.example'] })
    const parsed = parseAccount({ orders: [{ id: 1, certificate: { id: 2, pem: umlaut.pem } }] })
    expect(parsed.orders[0]?.certificate.common_name).toBe('bücher,example')
  })

  it('refuses a PEM certificate with fields that come from the PEM', () => {
    expect(() =>
      parseAccount({
        orders: [{ id: 1, certificate: { id: 2, pem: www.pem, common_name: 'x.example.com' } }]
      })
    ).toThrow('orders[0].certificate.common_name: comes from pem; give either pem or fields')
  })

  it('normalizes serials and thumbprints given with colons or in lower case, and fills defaults', () => {
    const parsed = parseAccount({
      orders: [
        {
          id: 1,
          certificate: {
            id: 2,
            common_name: 'a.example.com',
            serial_number: '0a:1b',
            thumbprint: 'ab'.repeat(20)
          }
        }
      ]
    })
    expect(parsed.orders[0]).toEqual({
      id: 1,
      status: 'issued',
      date_created: '2026-01-15T12:00:00+00:00',
      certificate: {
        id: 2,
        common_name: 'a.example.com',
        dns_names: ['a.example.com'],
        serial_number: '0A1B',
        thumbprint: 'AB'.repeat(20),
        status: 'issued',
        date_created: '2026-01-15T12:00:00+00:00',
        date_issued: '2026-01-15T12:00:00+00:00',
        valid_from: '2026-01-15',
        valid_till: '2027-01-15'
      },
      duplicates: [],
      reissues: [],
      people: {}
    })
    expect(parsed.listMatchesDuplicates).toBe(false)
  })

  it('reads a file, and names the file in its errors', () => {
    const file = certs.writeAccount(account, 'ok.json')
    expect(readAccountFile(file)).toEqual(account)
    const bad = certs.write('bad.json', '{"orders": [')
    expect(() => readAccountFile(bad)).toThrow(`--account ${bad}: not JSON`)
    const wrong = certs.writeAccount({ orders: [{ id: 'x' }] } as unknown as Account, 'w.json')
    expect(() => readAccountFile(wrong)).toThrow(
      `--account ${wrong}: orders[0].id: expected a whole number above 0`
    )
    expect(() => readAccountFile(`${certs.dir}/missing.json`)).toThrow(
      `--account ${certs.dir}/missing.json: ENOENT`
    )
  })
})

describe('the command line and the built-in account', () => {
  it('lists --account in --help and parses it', () => {
    const run = standInCli('--help')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('--account FILE')
    expect(parseArgs(['--account', 'a.json'])).toMatchObject({ account: 'a.json' })
    expect(parseArgs([])).toMatchObject({ account: undefined })
  })

  it('refuses a bad account file in one plain line naming the field, exit 2', () => {
    const file = certs.write('cli-bad.json', '{"orders":[{"id":1,"certificate":{"id":2}}]}')
    const run = standInCli('--account', file)
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `certcentral-standin: --account ${file}: orders[0].certificate.common_name: expected a non-empty string\n`
    )
  })

  /** Starts the command line, runs `check` against its port, stops it. */
  async function withCli(args: string[], check: (port: number) => Promise<void>) {
    const child = spawn(process.execPath, ['standin/certcentral-standin.js', ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', chunk => {
          out += chunk
          if (out.includes('\n')) resolve(out)
        })
        child.on('exit', code => reject(new Error(`exited ${code}`)))
      })
      await check(Number(/:(\d+)\/services\/v2/.exec(line)?.[1]))
    } finally {
      child.kill('SIGTERM')
    }
  }

  it('serves the account of --account FILE', async () => {
    const file = certs.writeAccount(account, 'cli.json')
    await withCli(['--account', file], async port => {
      const answer = await call(port, 'GET', `${V2}/order/certificate/${www.thumbprint}`)
      expect(answer.json).toMatchObject({ id: ids.primary })
      const none = await call(port, 'GET', `${V2}/order/certificate/8001/duplicate`)
      expect(none.body).toBe('{"certificates":[]}')
    })
  })

  it('serves the built-in account without --account: a PEM primary, a duplicate, a reissue, two api orders', async () => {
    const demo = factsOf(DEMO_CERTIFICATE_PEM)
    expect(demo).toMatchObject({
      commonName: 'www.example.com',
      dnsNames: ['www.example.com', 'example.com'],
      validTill: '2036-11-20'
    })
    expect(new X509Certificate(DEMO_CA_PEM).ca).toBe(true)
    expect(
      new X509Certificate(DEMO_CERTIFICATE_PEM).checkIssued(new X509Certificate(DEMO_CA_PEM))
    ).toBe(true)
    await withCli([], async port => {
      const info = await call(port, 'GET', `${V2}/order/certificate/${demo.thumbprint}`)
      expect(info.json).toMatchObject({
        id: 8001,
        certificate: { id: 5008001, serial_number: demo.serial }
      })
      const duplicates = await call(port, 'GET', `${V2}/order/certificate/8001/duplicate`)
      expect(
        (duplicates.json as { certificates: { id: number }[] }).certificates.map(c => c.id)
      ).toEqual([5008001, 5008011])
      const reissues = await call(port, 'GET', `${V2}/order/certificate/8002/reissue`)
      expect(
        (reissues.json as { certificates: { id: number }[] }).certificates.map(c => c.id)
      ).toEqual([5008022, 5008021])
      const api = await call(
        port,
        'GET',
        `${V2}/order/certificate?filters[common_name]=api.example.com&filters[status]=issued`
      )
      const orders = (
        api.json as { orders: { id: number; certificate: { date_issued: string } }[] }
      ).orders
      expect(orders.map(o => o.id)).toEqual([8003, 8004])
      // the older first: the newer by date_issued is the second
      expect(orders[0]?.certificate.date_issued < (orders[1]?.certificate.date_issued ?? '')).toBe(
        true
      )
    })
    expect(parseAccount(DEFAULT_ACCOUNT).orders.map(o => o.id)).toEqual([
      8001, 8002, 8003, 8004, 8005
    ])
  })
})

describe('test certificates (support/certificates.ts)', () => {
  it('makes leaves with the names, serial and validity asked for, and writes the files', async () => {
    const expired = await certs.leaf({ commonName: 'gone.example.com', expired: true })
    expect(expired.validTo.getTime()).toBeLessThan(Date.now())
    expect(www.dnsNames).toEqual(['www.example.com', 'example.com'])
    const chain = readFileSync(certs.writeFullChain(www, 'live/www/fullchain.pem'), 'utf8')
    expect(chain.indexOf(www.pem)).toBe(0)
    expect(chain).toContain(certs.ca.caCertPem)
    const caFirst = readFileSync(
      certs.writeFullChain(www, 'ca-first.pem', { caFirst: true }),
      'utf8'
    )
    expect(caFirst.indexOf(certs.ca.caCertPem)).toBe(0)
    expect(new X509Certificate(readFileSync(certs.writeDer(www))).serialNumber).toBe(www.serial)
    expect(readFileSync(certs.writePrivateKey(www), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(readFileSync(certs.writeCsr('www.example.com'), 'utf8')).toMatch(
      /^-----BEGIN CERTIFICATE REQUEST-----/
    )
    expect(new X509Certificate(readFileSync(certs.writeCaOnly(), 'utf8')).ca).toBe(true)
  })
})
