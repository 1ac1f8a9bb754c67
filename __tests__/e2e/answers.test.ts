// End-to-end, issue 22 (points 3, 9 and 11): dist/index.js under this machine's Node and Node 24
// against the stand-in on loopback. A send's 2xx is sent only when it is CertCentral's answer (a
// 204, empty, `{}`); recipients are shown by count and domain wherever the summary shows them so,
// in input errors and server errors too; a key echoed in base64, hex or percent-encoding is shown
// nowhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAY_HAVE_BEEN_SENT } from '../../src/certcentral/errors.js'
import { startStandIn } from '../../standin/certcentral-standin.js'
import { ECHO_FORMS, echoedForms } from '../../standin/faults.js'
import { runAction, type ActionRun } from '../../standin/run-action.js'
import { resultsOf } from '../support/action.js'
import { sent } from '../support/batch.js'
import { REPOSITORIES, eventFile } from '../support/event.js'
import { expectCleanRun, messagesOf, workflowCommands } from '../support/log.js'
import { installNetworkGuard, type NetworkGuard } from '../support/network-guard.js'
import { RUNTIMES, node24 } from '../support/node24.js'
import { freshId, requestsFor, type StandIn } from '../support/standin.js'

/** A key whose base64 holds + and / at each alignment, and characters percent-encoding escapes. */
const ECHOED_KEY = 'ek_T3st*K3y|[0]`x&<y>~~~???~0000'

let standIn: StandIn
/** A stand-in whose key is ECHOED_KEY. */
let echoing: StandIn
let guard: NetworkGuard | undefined
let guardArgs: string[]

beforeAll(async () => {
  guard = installNetworkGuard()
  guardArgs = guard.childArgs
  node24()
  standIn = await startStandIn()
  echoing = await startStandIn({ apiKey: ECHOED_KEY })
})
afterAll(async () => {
  await echoing?.close()
  await standIn?.close()
  expect(guard?.uninstall()).toEqual([])
})

/**
 * Everything a reader of the run sees, as they see it: the log after its add-mask line (workflow
 * commands decoded), the summary with HTML's character references decoded, and every output.
 */
function shown(run: ActionRun): string[] {
  const log = run.stdout.slice(run.stdout.indexOf('\n') + 1)
  return [
    log,
    ...workflowCommands(log).flatMap(command => [command.message, ...Object.values(command.props)]),
    run.summary.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
    ...Object.values(run.outputs)
  ]
}

/** Every run of `size` characters of `text`. */
const windows = (text: string, size: number): string[] =>
  Array.from({ length: text.length - size + 1 }, (_, at) => text.slice(at, at + size))

const PUBLIC = (): Record<string, string> => ({ GITHUB_EVENT_PATH: eventFile(REPOSITORIES.public) })

describe.each(RUNTIMES)('dist/index.js under %s', (_, nodePath) => {
  const run = (
    inputs: Record<string, string>,
    env: Record<string, string> = {},
    target: StandIn = standIn
  ): Promise<ActionRun> =>
    runAction({
      inputs: {
        'api-url': target.baseUrl,
        'api-key': target.apiKey,
        operation: 'send-certificate',
        emails: 'ops@example.com',
        'timeout-seconds': '2',
        ...inputs
      },
      env: { RUNNER_DEBUG: '1', ...env },
      node: nodePath(),
      nodeArgs: guardArgs,
      killAfterMs: 20_000
    })

  it('3. a 2xx other than a 204, an empty body or {} fails the ID: it may have been sent', async () => {
    const bodies = ['{"message":"Unauthorized"}', '{"error":"denied"}', '{"errors":null}']
    const odd = bodies.map(() => freshId())
    const [fine, empty, braces] = [freshId(), freshId(), freshId()]
    bodies.forEach((body, at) =>
      standIn.setFault(odd[at] as string, { kind: 'status', status: 200, body })
    )
    standIn.setFault(empty, { kind: 'status', status: 200, body: ' \n' })
    standIn.setFault(braces, { kind: 'status', status: 201, body: '{ }' })
    // Each odd answer between two that are CertCentral's.
    const ids = [fine, odd[0], empty, odd[1], braces, odd[2]] as string[]
    const result = await run({ 'certificate-id': ids.join(' ') })
    expect(result.code).toBe(1)
    expectCleanRun(result, standIn.apiKey)
    const results = resultsOf(result)
    expect(results.map(r => r.id)).toEqual(ids)
    expect(results[0]).toEqual(sent(fine))
    expect(results[2]).toMatchObject({ id: empty, ok: true, outcome: 'sent', status: 200 })
    expect(results[4]).toMatchObject({ id: braces, ok: true, outcome: 'sent', status: 201 })
    bodies.forEach((body, at) => {
      const error = `HTTP 200, an answer CertCentral does not give to a send (${MAY_HAVE_BEEN_SENT}): body: ${body}; check api-url and the network`
      expect(results[1 + 2 * at]).toEqual({
        id: odd[at],
        ok: false,
        outcome: 'failed',
        status: 200,
        attempts: 1,
        lookups: 0,
        error
      })
    })
    expect(result.outputs).toMatchObject({
      'sent-ids': [fine, empty, braces].join(','),
      'failed-ids': odd.join(','),
      'unsent-ids': ''
    })
    const annotations = messagesOf(result.stdout, 'error').join('\n')
    for (const id of odd) expect(annotations).toContain(`certificate ${id}: HTTP 200, an answer`)
    // A send that may have gone out is never sent again.
    for (const id of ids) expect(requestsFor(standIn, id)).toHaveLength(1)
  })

  describe('9. recipients shown by count are shown by count everywhere', () => {
    const SEAL_PROBLEM =
      "emails: email-site-seal sends to one recipient only, got 2 recipients (…@example.com, …@example.org); run the step once per recipient, or leave emails empty to mail the key's owner"

    it.each([
      ['a public repository', PUBLIC, {}],
      [
        'an invalid summary-details in a private repository',
        () => ({ GITHUB_EVENT_PATH: eventFile(REPOSITORIES.private) }),
        { 'summary-details': 'fulll' }
      ]
    ])(
      'a seal given two addresses, in %s: their count and domains, neither address',
      async (_, env, inputs) => {
        const id = freshId()
        const result = await run(
          {
            operation: 'email-site-seal',
            'order-id': id,
            emails: 'Ops.Team@Example.COM, pki@example.org',
            ...inputs
          },
          env()
        )
        expect(result.code).toBe(1)
        expect(requestsFor(standIn, id)).toEqual([])
        const [verdict, ...others] = messagesOf(result.stdout, 'error')
        expect(others).toEqual([])
        expect(verdict).toContain(SEAL_PROBLEM)
        expect(result.summary).toContain(
          'got 2 recipients (…@example.com, …@example.org); run the step once per recipient'
        )
        expect(result.outputs.results).toBe('[]')
        for (const text of shown(result)) {
          expect(text.toLowerCase()).not.toContain('ops.team')
          expect(text).not.toContain('pki@')
        }
      }
    )

    it('a seal given two addresses, with summary-details full: both are shown', async () => {
      const result = await run(
        {
          operation: 'email-site-seal',
          'order-id': freshId(),
          emails: 'Ops.Team@Example.COM, pki@example.org',
          'summary-details': 'full'
        },
        PUBLIC()
      )
      expect(result.code).toBe(1)
      const got = 'got 2 recipients (Ops.Team@Example.COM, pki@example.org)'
      expect(messagesOf(result.stdout, 'error')[0]).toContain(got)
      expect(result.summary).toContain(got)
    })

    const BOUNCED = JSON.stringify({
      errors: [
        {
          code: 'invalid_value:emails',
          message: 'Jane.Doe@Example.com bounced (mailbox jane.doe%40example.com unknown).'
        }
      ]
    })

    it('a server error that repeats a recipient: its domain, never the address', async () => {
      const id = freshId()
      standIn.setFault(id, { kind: 'status', status: 400, body: BOUNCED })
      const result = await run({ 'certificate-id': id, emails: 'Jane.Doe@Example.com' }, PUBLIC())
      expect(result.code).toBe(1)
      expectCleanRun(result, standIn.apiKey)
      expect(requestsFor(standIn, id)[0]?.body).toMatchObject({ emails: ['Jane.Doe@Example.com'] })
      expect(resultsOf(result)[0]).toMatchObject({
        outcome: 'failed',
        status: 400,
        error:
          'HTTP 400: invalid_value:emails: …@example.com bounced (mailbox …@example.com unknown).; DigiCert rejected the value of emails: fix the input behind it'
      })
      expect(result.summary).toContain('1 recipient at example.com')
      expect(result.summary).toContain('…@example.com bounced')
      for (const text of shown(result)) expect(text.toLowerCase()).not.toContain('jane.doe')
    })

    it('a server error that repeats a recipient, with summary-details full: as written', async () => {
      const id = freshId()
      standIn.setFault(id, { kind: 'status', status: 400, body: BOUNCED })
      const result = await run(
        { 'certificate-id': id, emails: 'Jane.Doe@Example.com', 'summary-details': 'full' },
        PUBLIC()
      )
      expect(result.code).toBe(1)
      expect(resultsOf(result)[0]?.error).toContain(
        'Jane.Doe@Example.com bounced (mailbox jane.doe%40example.com unknown)'
      )
      expect(result.summary).toContain('Jane.Doe@Example.com bounced')
    })
  })

  it('11. a key echoed in base64, base64url, hex or percent-encoding is shown nowhere', async () => {
    const runs = await Promise.all(
      ECHO_FORMS.map(async form => {
        const id = freshId()
        echoing.setFault(id, { kind: 'echo-key', form })
        return { form, id, result: await run({ 'certificate-id': id }, {}, echoing) }
      })
    )
    for (const { form, id, result } of runs) {
      expect(result.code, form).toBe(1)
      expectCleanRun(result, ECHOED_KEY)
      expect(requestsFor(echoing, id)).toMatchObject([{ keyValid: true, status: 400 }])
      expect(resultsOf(result)[0]?.error, form).toMatch(
        /^HTTP 400: bad_request_format: The key .*\*\*\*/
      )
      const echoed =
        form === 'json'
          ? [ECHOED_KEY, JSON.stringify(ECHOED_KEY).slice(1, -1)]
          : echoedForms(ECHOED_KEY, form)
      // Of a base64 form, up to 3 characters before the key's own and 1 after it (and the padding)
      // may stay, as they hold other bytes' bits too; no run of 8 characters of any form does.
      const parts = echoed.flatMap(text => windows(text, 8))
      for (const text of shown(result))
        for (const part of parts) expect(text, `${form}: ${part}`).not.toContain(part)
    }
  })
})
