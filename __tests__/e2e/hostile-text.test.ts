// End-to-end, issue 18's hostile text: dist/index.js under this machine's Node and Node 24 against
// the stand-in on loopback. A token in the path of api-url is written nowhere; format characters
// from the network never reach the log, outputs or summary, and `emails` refuses them; an Order
// info with an unusable certificate.id says so; a proxy variable that cannot be used is a warning;
// messages say what is wrong (a display name, misplaced dots, 1e400; a status written oddly is
// still issued; a send's debug line counts its own attempts).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ROOT, runAction } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import { expectCleanRun, messagesOf } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, requestsFor, type StandIn } from '../support/standin.js'

let guard: NetworkGuard | undefined
let guardArgs: string[]
/** A stand-in behind a gateway's path: its base URL is http://127.0.0.1:PORT/t0k3n/services/v2. */
let gateway: StandIn

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/index.js is missing: run npm run bundle first')
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  node24()
  gateway = await startStandIn({ pathPrefix: '/t0k3n' })
})
afterAll(async () => {
  await gateway?.close()
  expect(guard?.uninstall()).toEqual([])
})

const FORMAT = /\p{Cf}/u

describe.each(RUNTIMES)('dist/index.js under %s', (_, nodePath) => {
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      inputs: { 'api-url': gateway.baseUrl, 'api-key': gateway.apiKey, ...inputs },
      env: { RUNNER_DEBUG: '1', ...env },
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 20_000
    })

  it('a token in the path of api-url reaches the server and nothing the step writes', async () => {
    const [fine, redirected] = [freshId(), freshId()]
    gateway.setFault(redirected, { kind: 'redirect', location: `${gateway.baseUrl}/elsewhere` })
    const result = await run({
      operation: 'send-certificate',
      'certificate-id': `${fine} ${redirected}`,
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, gateway.apiKey)
    expect(requestsFor(gateway, fine).map(r => r.path)).toEqual([
      `/t0k3n/services/v2/certificate/${fine}/sendemail`
    ])
    expect(result.outputs['sent-ids']).toBe(fine)
    expect(messagesOf(result.stdout, 'debug')).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^PUT http://127\\.0\\.0\\.1:\\d+/…/certificate/${fine}/sendemail attempt 1: HTTP 204`
        )
      )
    )
    for (const written of [result.stdout, JSON.stringify(result.outputs), result.summary])
      expect(written).not.toContain('t0k3n')
  })

  it('a dry run shows each request from the origin of api-url, never its path', async () => {
    const id = freshId()
    const result = await run({
      operation: 'email-site-seal',
      'order-id': id,
      'dry-run': 'true'
    })
    expect(result.code).toBe(0)
    expectCleanRun(result, gateway.apiKey)
    // A seal by order ID without a wait is its POST alone.
    expect(result.stdout).toContain(
      `POST ${gateway.origin}/…/order/certificate/${id}/site-seal/email-seal`
    )
    expect(result.stdout).not.toContain(`GET ${gateway.origin}`)
    for (const written of [result.stdout, JSON.stringify(result.outputs), result.summary])
      expect(written).not.toContain('t0k3n')
  })

  it('format characters from the network are written nowhere: a reversed host shows as it is made', async () => {
    const [order, broken, refused] = [freshId(), freshId(), freshId()]
    gateway.setOrder(order, { commonName: '\u202Emoc.evil\u202C.example.com' })
    gateway.setOrder(broken, { certificateId: 5.5 })
    gateway.setFault(refused, {
      kind: 'status',
      status: 400,
      body: JSON.stringify({
        errors: [{ code: 'bad\u200b_request', message: 'Bad\u2066 email\ufeff \u202eoc.evil' }]
      })
    })
    const result = await run({
      operation: 'send-certificate',
      'order-id': `${order} ${broken} ${refused}`,
      emails: 'ops@example.com'
    })
    expect(result.code).toBe(1)
    expectCleanRun(result, gateway.apiKey)
    const results = resultsOf(result)
    expect(results.find(r => r.id === order)).toMatchObject({
      outcome: 'sent',
      common_name: 'moc.evil.example.com'
    })
    expect(results.find(r => r.id === broken)).toMatchObject({
      outcome: 'failed',
      error: `order ${broken} is issued but its Order info has an unusable certificate.id (5.5); check api-url`
    })
    expect(result.summary).toContain('moc.evil.example.com')
    for (const written of [result.stdout, JSON.stringify(result.outputs), result.summary])
      expect(written).not.toMatch(FORMAT)
  })

  it('emails refuses a format character, naming it and where, before any request', async () => {
    const id = freshId()
    const emails = 'ops@example.com, \u202emoc.live@example.com'
    const result = await run({ operation: 'send-certificate', 'certificate-id': id, emails })
    expect(result.code).toBe(1)
    expect(requestsFor(gateway, id)).toEqual([])
    // No event file: recipients are shown by count, so the address by its domain.
    expect(messagesOf(result.stdout, 'error').join('\n')).toContain(
      'emails: "…@example.com" contains an invisible format character (U+202E) at character 1'
    )
    expect(result.stdout).not.toMatch(FORMAT)
    const full = await run({
      operation: 'send-certificate',
      'certificate-id': id,
      emails,
      'summary-details': 'full'
    })
    expect(messagesOf(full.stdout, 'error').join('\n')).toContain(
      String.raw`emails: "\u202emoc.live@example.com" contains an invisible format character (U+202E) at character 1`
    )
    expect(full.stdout).not.toMatch(FORMAT)
  })

  it('says what is wrong: a display name, misplaced dots, 1e400 in seal-settings; each before any request', async () => {
    const id = freshId()
    const send = await run({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'Ops Team <ops@example.com>, .ops..x.@example.com',
      'summary-details': 'full'
    })
    expect(send.code).toBe(1)
    const problems = messagesOf(send.stdout, 'error').join('\n')
    expect(problems).toContain('use ops@example.com')
    expect(problems).toContain('.ops..x.@example.com')
    const seal = await run({
      operation: 'email-site-seal',
      'order-id': id,
      'seal-settings': '{"seal_number": 1e400}'
    })
    expect(seal.code).toBe(1)
    expect(messagesOf(seal.stdout, 'error').join('\n')).toContain('1e400')
    expect(requestsFor(gateway, id)).toEqual([])
  })

  it('a status with spaces and capitals is still issued; a send after look-ups is its own attempt 1', async () => {
    const order = freshId()
    gateway.setOrder(order, { statuses: [' Issued '] })
    const result = await run(
      { operation: 'send-certificate', 'order-id': order, emails: 'ops@example.com' },
      { RUNNER_DEBUG: '1' }
    )
    expect(result.code).toBe(0)
    expect(resultsOf(result)[0]).toMatchObject({ outcome: 'sent', attempts: 1, lookups: 1 })
    expect(messagesOf(result.stdout, 'debug').join('\n')).toMatch(
      /PUT http:\/\/127\.0\.0\.1:\d+\/…\/certificate\/\d+\/sendemail attempt 1: HTTP 204/
    )
  })

  it('a proxy variable that cannot be used is one warning naming it, never its password', async () => {
    const result = await run(
      {
        'api-url': 'https://certcentral.test/services/v2',
        operation: 'send-certificate',
        'certificate-id': freshId(),
        emails: 'ops@example.com',
        'dry-run': 'true'
      },
      { https_proxy: 'http://user:s3cr%et@proxy.test:3128' }
    )
    expect(result.code).toBe(0)
    const warnings = messagesOf(result.stdout, 'warning')
    expect(warnings).toEqual([
      expect.stringMatching(
        /^https_proxy cannot be used: its user name or password holds a % that starts no %XX escape, so requests to certcentral\.test go directly, not through a proxy \(@actions\/http-client's getProxyUrl.* cannot use it either\); set it to a URL such as http:\/\/proxy\.example:3128/
      )
    ])
    expect(result.stdout).not.toContain('s3cr')
    const noScheme = await run(
      {
        'api-url': 'https://certcentral.test/services/v2',
        operation: 'send-certificate',
        'certificate-id': freshId(),
        emails: 'ops@example.com',
        'dry-run': 'true'
      },
      { HTTPS_PROXY: 'proxy.test:3128' }
    )
    expect(messagesOf(noScheme.stdout, 'warning')).toEqual([
      expect.stringMatching(
        /^HTTPS_PROXY cannot be used: it has no http:\/\/ or https:\/\/ before the host/
      )
    ])
  })
})
