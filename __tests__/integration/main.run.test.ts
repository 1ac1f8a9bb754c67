// run() in-process, the way the runner starts it: INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, workflow commands on stdout. The real @actions/core; the server is
// the CertCentral stand-in (Order info included: every order it does not know is issued).
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actAsRunner, escapeRegExp, messagesOf } from '../support/log.js'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { USER_AGENT, run } from '../../src/main.js'
import type { Clock } from '../../src/clock.js'
import {
  DEFAULT_DATE_ISSUED,
  DEFAULT_VALID_TILL,
  startStandIn
} from '../../standin/certcentral-standin.js'
import { startConnectProxy } from '../../standin/connect-proxy.js'
import { parseOutputFile } from '../../standin/run-action.js'
import { FakeClock } from '../support/clock.js'
import { certificateOf, freshId, requestsFor, type StandIn } from '../support/standin.js'
import { visible } from '../support/summary.js'
import {
  makeCertificates,
  type Certificates,
  type TestCertificate
} from '../support/certificates.js'
import { REPOSITORIES, eventFile } from '../support/event.js'
import { installNetworkGuard } from '../support/network-guard.js'
import { EMPTY_OUTPUTS, outputsWith } from '../support/outputs.js'

// readRunContext as it is, counted: the event file is read at most once a run.
const eventReads = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/run-context.js', async importOriginal => {
  const original = await importOriginal<typeof import('../../src/run-context.js')>()
  const readRunContext: typeof original.readRunContext = () => {
    eventReads.count++
    return original.readRunContext()
  }
  return {
    ...original,
    readRunContext,
    onceRunContext: (read = readRunContext) => original.onceRunContext(read)
  }
})

let standIn: StandIn

// core.summary remembers the first file it wrote to, so every test shares one, emptied first.
const dir = mkdtempSync(join(tmpdir(), 'main-run-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }
let printed: string[]

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(async () => {
  await standIn.close()
})

beforeEach(() => {
  for (const name of Object.keys(process.env)) {
    if (
      /^(INPUT_|RUNNER_DEBUG$|DIGICERT_API_KEY$|GITHUB_REPOSITORY$|GITHUB_RUN_ID$|GITHUB_EVENT_PATH$)/.test(
        name
      ) ||
      /^(https?_proxy|no_proxy|all_proxy)$/i.test(name)
    )
      vi.stubEnv(name, undefined)
  }
  printed = actAsRunner(files)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  process.exitCode = undefined
})

/** Runs the action against the stand-in with these inputs (by their names in action.yml). */
async function runWith(values: Record<string, string>, clock?: Clock): Promise<void> {
  const all = {
    'api-key': standIn.apiKey,
    'api-url': standIn.baseUrl,
    'timeout-seconds': '5',
    ...values
  }
  for (const [name, value] of Object.entries(all)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)
  await run(clock)
}

// ---- what the runner sees ----------------------------------------------------------------------

const log = (): string => printed.join('')
const lines = (): string[] => log().split('\n')
/** Messages of one kind of workflow command (`::error title=…::message`), unescaped. */
const messages = (name: string): string[] => messagesOf(log(), name)
const masked = (): string[] => messages('add-mask')
const outputs = (): Record<string, string> => parseOutputFile(readFileSync(files.output, 'utf8'))
const summary = (): string => readFileSync(files.summary, 'utf8')
const signalListeners = (): unknown[][] => [
  process.listeners('SIGINT'),
  process.listeners('SIGTERM')
]

// ---- the tests --------------------------------------------------------------------------------

describe('run() against the stand-in', () => {
  it('sends the right requests, sets every output and writes the summary', async () => {
    const [a, b] = [freshId(), freshId()]
    const listeners = signalListeners()
    await runWith({
      operation: 'send-certificate',
      'certificate-id': `${a}, ${b}`,
      emails: 'ops@example.com pki@example.com',
      format: 'plaintext',
      message: 'Renewed.\nInstall by Friday.'
    })
    const seen = requestsFor(standIn, a, b)
    expect(seen.map(r => `${r.method} ${r.path}`).sort()).toEqual(
      [a, b].map(id => `PUT /services/v2/certificate/${id}/sendemail`).sort()
    )
    for (const request of seen) {
      expect(request).toMatchObject({ keyPresent: true, keyValid: true, status: 204 })
      expect(request.headers).toMatchObject({
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': USER_AGENT
      })
      expect(request.body).toEqual({
        emails: ['ops@example.com', 'pki@example.com'],
        certificate_collect_format: 'plaintext',
        custom_message: 'Renewed.\nInstall by Friday.'
      })
    }
    expect(process.exitCode).toBeUndefined()
    const shown = outputs()
    expect(shown).toEqual(
      outputsWith({ 'status-code': '204', results: expect.any(String), 'sent-ids': `${a},${b}` })
    )
    expect(JSON.parse(shown.results as string)).toEqual([
      expect.objectContaining({ id: a, ok: true, status: 204, attempts: 1, lookups: 0 }),
      expect.objectContaining({ id: b, ok: true, status: 204, attempts: 1, lookups: 0 })
    ])
    const text = visible(summary())
    expect(text).toContain(a)
    expect(text).toMatch(/2 sent/)
    expect(lines()).toContain(
      `send-certificate: 2 certificate ID(s) via ${new URL(standIn.baseUrl).host}`
    )
    expect(log()).toContain(`certificate ${a}: sent (HTTP 204)`)
    expect(messages('error')).toEqual([])
    expect(signalListeners()).toEqual(listeners)
  })

  it('masks the key first and shows it nowhere else', async () => {
    const id = freshId()
    await runWith({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'ops@example.com'
    })
    expect(printed[0]).toBe(`::add-mask::${standIn.apiKey}\n`)
    expect(masked()).toEqual([standIn.apiKey])
    expect(printed.slice(1).join('')).not.toContain(standIn.apiKey)
    expect(readFileSync(files.output, 'utf8')).not.toContain(standIn.apiKey)
    expect(summary()).not.toContain(standIn.apiKey)
    expect(outputs()['sent-ids']).toBe(id)
  })

  it('masks each line of a multi-line key, then refuses it without sending', async () => {
    const connections = standIn.connections()
    await runWith({
      'api-key': `${standIn.apiKey}\n  second-KEY-line  `,
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com'
    })
    expect(lines().slice(0, 3)).toEqual([
      `::add-mask::${standIn.apiKey}`,
      '::add-mask::second-KEY-line',
      '::add-mask::  second-KEY-line  '
    ])
    expect(process.exitCode).toBe(1)
    expect(messages('error').at(-1)).toContain('api-key: ')
    expect(standIn.connections()).toBe(connections)
    const rest = lines().slice(3).join('\n')
    expect(rest).not.toContain(standIn.apiKey)
    expect(rest).not.toContain('second-KEY-line')
    expect(outputs()).toEqual(EMPTY_OUTPUTS)
  })

  it('takes the key from DIGICERT_API_KEY when api-key is whitespace only, masking no blanks', async () => {
    const id = freshId()
    vi.stubEnv('DIGICERT_API_KEY', standIn.apiKey)
    await runWith({
      'api-key': '  \n \t',
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'ops@example.com'
    })
    expect(masked()).toEqual([standIn.apiKey])
    expect(lines().filter(line => /^::add-mask::\s*$/.test(line))).toEqual([])
    expect(requestsFor(standIn, id)).toEqual([
      expect.objectContaining({ keyValid: true, status: 204 })
    ])
    expect(process.exitCode).toBeUndefined()
  })

  it('bad inputs: every output, every problem in the summary and the verdict, no request', async () => {
    const connections = standIn.connections()
    const listeners = signalListeners()
    await runWith({
      operation: 'send-certificate',
      'certificate-id': '12x',
      emails: 'not-an-address',
      format: 'zip',
      'timeout-seconds': '0'
    })
    expect(process.exitCode).toBe(1)
    expect(standIn.connections()).toBe(connections)
    expect(outputs()).toEqual(EMPTY_OUTPUTS)
    const problems = [
      'certificate-id: "12x"',
      'emails: "not-an-address"',
      'format: "zip"',
      'timeout-seconds: "0"'
    ]
    const verdict = messages('error').at(-1) ?? ''
    const text = visible(summary())
    for (const problem of problems) {
      expect(verdict).toContain(problem)
      expect(text).toContain(problem)
    }
    expect(signalListeners()).toEqual(listeners)
  })

  it('reports dry-run: yes together with the other problems, and sends nothing', async () => {
    const connections = standIn.connections()
    await runWith({
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com',
      format: 'zip',
      'dry-run': 'yes'
    })
    expect(process.exitCode).toBe(1)
    expect(standIn.connections()).toBe(connections)
    const verdict = messages('error').at(-1) ?? ''
    expect(verdict).toContain('dry-run: "yes"')
    expect(verdict).toContain('format: "zip"')
    expect(visible(summary())).toContain('dry-run: "yes"')
    expect(visible(summary())).toContain('format: "zip"')
    expect(outputs()).toEqual(EMPTY_OUTPUTS)
  })

  it('debug lines: the plan without the key, and each request with its attempt and status', async () => {
    vi.stubEnv('RUNNER_DEBUG', '1')
    const id = freshId()
    await runWith({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'ops@example.com'
    })
    const debug = messages('debug')
    const plan = debug.find(line => line.startsWith('plan: '))
    expect(plan).toBeDefined()
    expect(plan).toContain('"operation":"send-certificate"')
    expect(plan).toContain(id)
    // api-url whole: its path is /services/v2, which holds no secret (a gateway's is hidden).
    expect(plan).toContain(`"baseUrl":"${standIn.baseUrl}"`)
    expect(plan).not.toContain(standIn.apiKey)
    expect(plan).not.toMatch(/apiKey|api-key/)
    expect(debug).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^PUT ${escapeRegExp(standIn.baseUrl)}/certificate/${id}/sendemail attempt 1: HTTP 204\\b`
        )
      )
    )
  })

  it.each([
    [
      'public',
      {
        body: {
          emails: ['…@example.com', '…@example.org'],
          certificate_collect_format: 'attachment',
          custom_message: '<a custom message of 8 characters, not shown>'
        },
        details: [
          ['Recipients', '2 recipients at example.com, example.org'],
          ['Format', 'attachment'],
          ['Message', 'a custom message (8 characters)']
        ]
      }
    ],
    [
      'private',
      {
        body: {
          emails: ['ops@example.com', 'pki@example.org'],
          certificate_collect_format: 'attachment',
          custom_message: 'Hi\nthere'
        },
        details: [
          ['Recipients', 'ops@example.com, pki@example.org'],
          ['Format', 'attachment'],
          ['Message', 'Hi\nthere']
        ]
      }
    ]
  ] as const)('debug lines: the plan in a %s repository', async (kind, shown) => {
    vi.stubEnv('RUNNER_DEBUG', '1')
    vi.stubEnv('GITHUB_EVENT_PATH', eventFile(REPOSITORIES[kind]))
    await runWith({
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com, pki@example.org',
      message: 'Hi\nthere',
      'dry-run': 'true'
    })
    const plans = messages('debug').filter(line => line.startsWith('plan: '))
    expect(plans).toHaveLength(1)
    const text = (plans[0] as string).slice('plan: '.length)
    // a message by count is a placeholder, never a JSON string: read here as the string it is not
    expect(text).not.toContain('"custom_message":"<')
    const plan = JSON.parse(text.replace(/:(<[^<>"]*>)/g, ':"$1"')) as Record<string, unknown>
    expect(plan).toMatchObject({ ...shown, summaryDetails: 'auto' })
    expect(messages('warning')).toEqual([])
  })

  it('summary-details auto with an event file that cannot be read: its one warning', async () => {
    vi.stubEnv('GITHUB_EVENT_PATH', join(dir, 'no-event.json'))
    await runWith({
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(messages('warning')).toEqual([
      'the event file (GITHUB_EVENT_PATH) could not be read (ENOENT: no such file or directory): the repository is taken as public, so the job summary shows recipients and the message by count (summary-details: full shows them)'
    ])
    expect(process.exitCode).toBeUndefined()
  })

  it.each(['full', 'counts'])(
    'summary-details %s: the event file is not read, so one that cannot be is no warning',
    async details => {
      vi.stubEnv('GITHUB_EVENT_PATH', join(dir, 'no-event.json'))
      await runWith({
        operation: 'send-certificate',
        'certificate-id': freshId(),
        emails: 'ops@example.com',
        'summary-details': details,
        'dry-run': 'true'
      })
      expect(messages('warning')).toEqual([])
      expect(process.exitCode).toBeUndefined()
    }
  )

  it.each([
    [20, 'every ID', (ids: string[]) => ids],
    [21, 'the first 20 IDs and the count', (ids: string[]) => [...ids.slice(0, 20), '… 21 in all']]
  ])('debug lines: the plan of %i IDs shows %s', async (count, _, shown) => {
    vi.stubEnv('RUNNER_DEBUG', '1')
    const ids = Array.from({ length: count }, freshId)
    await runWith({
      operation: 'send-certificate',
      'certificate-id': ids.join(','),
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    const plans = messages('debug').filter(line => line.startsWith('plan: '))
    expect(plans).toHaveLength(1)
    const plan = JSON.parse((plans[0] as string).slice('plan: '.length)) as Record<string, unknown>
    expect(plan.ids).toEqual(shown(ids))
    expect(plan).toMatchObject({ operation: 'send-certificate', idInput: 'certificate-id' })
    expect(plan).not.toHaveProperty('apiKey')
    // emails' addresses only in the body and the details, each as summary-details shows them
    expect(plan).not.toHaveProperty('emails')
    expect(plan.roles).toEqual([])
    expect(JSON.parse(outputs().results as string)).toHaveLength(count)
  })

  it("through the runner's proxy: the info line names the proxy the tunnel is asked of", async () => {
    // The proxy refuses a tunnel to anything but *.test and loopback: nothing leaves this machine.
    const proxy = await startConnectProxy()
    const guard = installNetworkGuard()
    const id = freshId()
    let lookups: string[]
    try {
      vi.stubEnv('https_proxy', proxy.url)
      await runWith({
        'api-url': 'https://certcentral.invalid/services/v2',
        operation: 'send-certificate',
        'certificate-id': id,
        emails: 'ops@example.com'
      })
    } finally {
      lookups = guard.uninstall()
      await proxy.close()
    }
    expect(lookups).toEqual([])
    expect(lines()).toContain(
      `send-certificate: 1 certificate ID(s) via certcentral.invalid through the proxy 127.0.0.1:${proxy.port}`
    )
    expect(proxy.connects).toMatchObject([
      { host: 'certcentral.invalid', port: 443, allowed: false }
    ])
    expect(proxy.dials).toEqual([])
    // A tunnel the proxy refused never reached CertCentral: nothing was sent, so send it again.
    expect(outputs()).toMatchObject({ 'failed-ids': '', 'unsent-ids': id })
    expect(JSON.parse(outputs().results as string)).toEqual([
      expect.objectContaining({
        id,
        ok: false,
        outcome: 'unsent',
        error: expect.stringContaining(
          `the proxy 127.0.0.1:${proxy.port} refused the tunnel to certcentral.invalid:443 (HTTP 403)`
        )
      })
    ])
    expect(process.exitCode).toBe(1)
  })

  it('reads the date from the injected clock too: issued-within against its wall time', async () => {
    const issued = Date.parse(DEFAULT_DATE_ISSUED)
    const run = async (wallStart: number): Promise<Record<string, string>> => {
      const id = freshId()
      await runWith(
        {
          operation: 'send-certificate',
          'order-id': id,
          'issued-within': '1d',
          emails: 'ops@example.com'
        },
        new FakeClock(0.5, wallStart)
      )
      return { id, ...outputs() }
    }
    const early = await run(issued + 3_600_000)
    expect(early['sent-ids']).toBe(early.id)
    const late = await run(issued + 3 * 86_400_000)
    expect(late['skipped-ids']).toBe(late.id)
  })

  it('retries a 429 after its Retry-After on the injected clock', async () => {
    vi.stubEnv('RUNNER_DEBUG', '1')
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '30', times: 1 })
    const clock = new FakeClock()
    await runWith(
      {
        operation: 'send-certificate',
        'certificate-id': id,
        emails: 'ops@example.com',
        'max-retries': '1'
      },
      clock
    )
    expect(requestsFor(standIn, id).map(r => r.status)).toEqual([429, 204])
    expect(clock.sleeps).toContain(30_000)
    expect(messages('warning')).toContainEqual(
      expect.stringMatching(new RegExp(`certificate ${id}: HTTP 429.*retry 1 of 1 in 30\\.0 s`))
    )
    const url = escapeRegExp(`${standIn.baseUrl}/certificate/${id}/sendemail`)
    // Timed on the injected clock, which stands still while a request is out.
    expect(messages('debug')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^PUT ${url} attempt 1: HTTP 429 in 0 ms\\b`)),
        expect.stringMatching(new RegExp(`^PUT ${url} attempt 2: HTTP 204 in 0 ms\\b`))
      ])
    )
    // sent after its retry: nothing is left to send again later, so no retry-after
    expect(outputs()).toMatchObject({ 'status-code': '204', 'sent-ids': id, 'retry-after': '' })
    expect(process.exitCode).toBeUndefined()
  })

  it('a 429 not retried stops the run: 429, unsent-ids, and no retry-after past a day', async () => {
    const id = freshId()
    standIn.setFault(id, { kind: 'rate-limit', retryAfter: '999999999' })
    await runWith({
      operation: 'send-certificate',
      'certificate-id': id,
      emails: 'ops@example.com'
    })
    expect(requestsFor(standIn, id)).toHaveLength(1)
    expect(outputs()).toMatchObject({
      'status-code': '429',
      'unsent-ids': id,
      'skipped-ids': '',
      'sent-ids': '',
      'retry-after': ''
    })
    expect(messages('warning')).toContainEqual(expect.stringMatching(/999999999/))
    expect(process.exitCode).toBe(1)
  })

  it('one failed ID of two: one annotation, the verdict with its error', async () => {
    const [ok, missing] = [freshId(), freshId()]
    standIn.setFault(missing, { kind: 'not-found' })
    await runWith({
      operation: 'send-certificate',
      'certificate-id': `${ok},${missing}`,
      emails: 'ops@example.com'
    })
    expect(process.exitCode).toBe(1)
    const errors = messages('error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`certificate ${missing}: HTTP 404`)
    expect(outputs()).toMatchObject({
      'status-code': '404',
      'sent-ids': ok,
      'failed-ids': missing,
      'unsent-ids': '',
      'skipped-ids': ''
    })
  })

  it('an unexpected failure mid-run still writes every output, each ID unsent with the reason', async () => {
    const ids = [freshId(), freshId()]
    // A clock that breaks is a bug of ours, not CertCentral's: the run must still report.
    const broken: Clock = {
      now: () => {
        throw new Error('the clock broke\n::error::spoofed')
      },
      wallNow: () => Date.now(),
      sleep: async () => undefined,
      random: () => 0.5
    }
    await runWith(
      { operation: 'send-certificate', 'certificate-id': ids.join(','), emails: 'ops@example.com' },
      broken
    )
    expect(process.exitCode).toBe(1)
    expect(messages('error')).toEqual(['unexpected error: the clock broke ::error::spoofed'])
    expect(lines().filter(line => line.startsWith('::error::spoofed'))).toEqual([])
    expect(outputs()).toEqual(
      outputsWith({ results: expect.any(String), 'unsent-ids': ids.join(',') })
    )
    expect(JSON.parse(outputs().results ?? '')).toEqual(
      ids.map(id => ({
        id,
        ok: false,
        outcome: 'unsent',
        status: null,
        attempts: 0,
        lookups: 0,
        error: 'not attempted: unexpected error: the clock broke ::error::spoofed'
      }))
    )
    expect(visible(summary())).toContain('the action failed')
  })

  it('an outputs file that cannot be written after real sends: the summary and the log list the IDs sent, the step fails naming them', async () => {
    const ids = [freshId(), freshId(), freshId()]
    const missing = freshId()
    standIn.setFault(missing, { kind: 'not-found' })
    // A folder where the outputs file should be.
    vi.stubEnv('GITHUB_OUTPUT', dir)
    await runWith({
      operation: 'send-certificate',
      'certificate-id': [...ids, missing].join(','),
      emails: 'ops@example.com'
    })
    for (const id of ids)
      expect(requestsFor(standIn, id)).toEqual([expect.objectContaining({ status: 204 })])
    const lost = `send-certificate: 3 sent (${ids.join(', ')}), but the outputs could not be written (EISDIR: illegal operation on a directory): do not send these again`
    const errors = messages('error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      new RegExp(
        `^${escapeRegExp(lost)}\\. send-certificate: 1 failed of 4 certificates\\. First failure: certificate ${missing}: HTTP 404`
      )
    )
    expect(errors.join('\n')).not.toContain('unexpected error')
    expect(lines()).toEqual(
      expect.arrayContaining(['the outputs could not be written; sent (3):', ids.join(',')])
    )
    const shown = visible(summary())
    expect(shown).toContain(lost)
    expect(shown).toContain(`Sent (3): ${ids.join(', ')}`)
    expect(shown).toContain('3 sent · ❌ 1 failed')
    expect(process.exitCode).toBe(1)
  })

  it('a dry run logs the requests and the body once, sends nothing, and reports', async () => {
    const [a, b] = [freshId(), freshId()]
    const connections = standIn.connections()
    await runWith({
      operation: 'email-site-seal',
      'order-id': `${a} ${b}`,
      'dry-run': 'true',
      'seal-settings': '{"seal_size":"s"}'
    })
    expect(process.exitCode).toBeUndefined()
    expect(standIn.connections()).toBe(connections)
    // A seal by order ID without a wait: the POST alone, no look-up.
    expect(log()).not.toContain('GET ')
    for (const id of [a, b]) {
      expect(log()).toContain(
        `POST ${standIn.baseUrl}/order/certificate/${id}/site-seal/email-seal`
      )
    }
    expect(log().split('"seal_size": "s"')).toHaveLength(2)
    expect(JSON.parse(outputs().results as string)).toEqual(
      [a, b].map(id => ({
        id,
        ok: true,
        outcome: 'validated',
        status: null,
        attempts: 0,
        lookups: 0
      }))
    )
    expect(outputs()).toMatchObject({ 'status-code': '', 'sent-ids': '', 'failed-ids': '' })
    expect(visible(summary())).toContain('(dry run)')
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s while requests hang: outputs and summary written, the rest cancelled',
    async signal => {
      vi.stubEnv('RUNNER_DEBUG', '1')
      const hanging = [freshId(), freshId(), freshId(), freshId()]
      const waiting = [freshId(), freshId()]
      for (const id of hanging) standIn.setFault(id, { kind: 'hang' })
      const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }
      const running = runWith({
        operation: 'send-certificate',
        'certificate-id': [...hanging, ...waiting].join(','),
        emails: 'ops@example.com'
      })
      await vi.waitFor(() => expect(requestsFor(standIn, ...hanging)).toHaveLength(4), {
        timeout: 4_000,
        interval: 5
      })
      const added = (name: 'SIGINT' | 'SIGTERM') =>
        process.listeners(name).filter(listener => !before[name].includes(listener))
      expect(added('SIGINT')).toHaveLength(1)
      expect(added('SIGTERM')).toHaveLength(1)
      // What the signal does, without a signal another listener of this process could act on.
      for (const listener of added(signal)) listener(signal)
      await running
      expect(process.listeners('SIGINT')).toEqual(before.SIGINT)
      expect(process.listeners('SIGTERM')).toEqual(before.SIGTERM)

      expect(requestsFor(standIn, ...waiting)).toEqual([])
      const shown = outputs()
      const results = JSON.parse(shown.results as string) as {
        id: string
        ok: boolean
        attempts: number
        error?: string
      }[]
      expect(results.map(r => r.id)).toEqual([...hanging, ...waiting])
      for (const result of results) {
        expect(result.ok).toBe(false)
        expect(result.error).toMatch(/cancel/)
      }
      for (const id of waiting) {
        expect(results.find(r => r.id === id)).toMatchObject({ attempts: 0 })
        expect(shown['unsent-ids']?.split(',')).toContain(id)
      }
      expect(shown['sent-ids']).toBe('')
      expect(messages('warning')).toContain(
        `${signal}: the run was cancelled; reporting what was done`
      )
      expect(messages('warning').filter(line => /^SIG/.test(line))).toHaveLength(1)
      expect(messages('debug')).toContain('stopping the run: cancelled')
      const text = visible(summary())
      for (const id of [...hanging, ...waiting]) expect(text).toContain(id)
      expect(text).toMatch(/not sent/)
      expect(process.exitCode).toBe(1)
    }
  )
})

describe('run() with order IDs', () => {
  it('send-certificate looks each order up, then sends its certificate', async () => {
    const [a, b] = [freshId(), freshId()]
    await runWith({
      operation: 'send-certificate',
      'order-id': `${a},${b}`,
      emails: 'ops@example.com'
    })
    expect(process.exitCode).toBeUndefined()
    for (const id of [a, b]) {
      const mine = requestsFor(standIn, id, certificateOf(id))
      expect(mine.map(s => `${s.method} ${s.path}`)).toEqual([
        `GET /services/v2/order/certificate/${id}`,
        `PUT /services/v2/certificate/${certificateOf(id)}/sendemail`
      ])
      expect(mine.every(s => s.keyValid)).toBe(true)
      expect(mine[1]?.body).toEqual({
        emails: ['ops@example.com'],
        certificate_collect_format: 'attachment'
      })
    }
    expect(JSON.parse(outputs().results as string)).toEqual([
      expect.objectContaining({
        id: a,
        ok: true,
        certificate_id: certificateOf(a),
        common_name: `order-${a}.example.com`,
        valid_till: DEFAULT_VALID_TILL
      }),
      expect.objectContaining({ id: b, ok: true, certificate_id: certificateOf(b) })
    ])
    expect(outputs()['sent-ids']).toBe(`${a},${b}`)
    expect(lines()).toContain(
      `send-certificate: 2 order ID(s) via ${new URL(standIn.baseUrl).host}`
    )
    const text = visible(summary())
    expect(text).toMatch(/Common name/)
    expect(text).toContain(`order-${a}.example.com`)
    expect(text).toContain(DEFAULT_VALID_TILL)
  })

  it('email-site-seal by order ID without a wait: exactly one request, the POST', async () => {
    const id = freshId()
    await runWith({
      operation: 'email-site-seal',
      'order-id': id,
      emails: 'web@example.com',
      'seal-settings': '{"seal_size":"m","seal_hover":true}'
    })
    expect(process.exitCode).toBeUndefined()
    const mine = requestsFor(standIn, id)
    expect(mine.map(s => `${s.method} ${s.path}`)).toEqual([
      `POST /services/v2/order/certificate/${id}/site-seal/email-seal`
    ])
    expect(mine[0]?.body).toEqual({
      recipient_email: 'web@example.com',
      seal_size: 'm',
      seal_hover: true
    })
    expect(outputs()).toMatchObject({ 'status-code': '204', 'sent-ids': id })
  })

  it('wait-for-issuance: the info line says how long each order may be waited for', async () => {
    const id = freshId()
    await runWith({
      operation: 'email-site-seal',
      'order-id': id,
      emails: 'web@example.com',
      'wait-for-issuance': '90'
    })
    expect(process.exitCode).toBeUndefined()
    expect(lines()).toContain(
      `email-site-seal: 1 order ID(s) via ${new URL(standIn.baseUrl).host}, waiting up to 1 min 30 s for each order to be issued`
    )
    expect(outputs()).toMatchObject({ 'status-code': '204', 'sent-ids': id })
  })
})

describe('run() with order IDs and issued-within', () => {
  const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString()

  it('looks each order up and skips the one issued longer ago, sending the other', async () => {
    const [recent, old] = [freshId(), freshId()]
    standIn.setOrder(recent, { dateIssued: daysAgo(0.5) })
    standIn.setOrder(old, { dateIssued: daysAgo(3) })
    await runWith({
      operation: 'email-site-seal',
      'order-id': `${recent},${old}`,
      emails: 'web@example.com',
      'issued-within': '1d'
    })
    expect(process.exitCode).toBeUndefined()
    expect(requestsFor(standIn, recent).map(s => `${s.method} ${s.path}`)).toEqual([
      `GET /services/v2/order/certificate/${recent}`,
      `POST /services/v2/order/certificate/${recent}/site-seal/email-seal`
    ])
    expect(requestsFor(standIn, old).map(s => `${s.method} ${s.path}`)).toEqual([
      `GET /services/v2/order/certificate/${old}`
    ])
    expect(outputs()).toMatchObject({ 'sent-ids': recent, 'skipped-ids': old, 'unsent-ids': '' })
  })

  it.each([
    ['issued-within', '1d'],
    ['wait-for-issuance', '90']
  ])(
    'a dry run of a seal by order ID with %s plans the look-up before the POST',
    async (input, value) => {
      const id = freshId()
      await runWith({
        operation: 'email-site-seal',
        'order-id': id,
        emails: 'web@example.com',
        [input]: value,
        'dry-run': 'true'
      })
      expect(process.exitCode).toBeUndefined()
      expect(log()).toContain(
        `GET ${standIn.baseUrl}/order/certificate/${id} → then POST ${standIn.baseUrl}/order/certificate/${id}/site-seal/email-seal`
      )
    }
  )
})

describe('run() with certificate files', () => {
  let workspace: Certificates
  let leaf: TestCertificate
  beforeAll(async () => {
    workspace = await makeCertificates()
    leaf = await workspace.leaf({ commonName: 'shop.example.com', serial: '0A1B2C' })
    workspace.writeFullChain(leaf, 'live/shop/fullchain.pem')
    workspace.writePrivateKey(leaf, 'live/shop/privkey.pem')
  })
  afterAll(() => workspace?.cleanup())

  it('a dry run shows what each file holds and the look-ups it would make, without a request', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', workspace.dir)
    const connections = standIn.connections()
    await runWith({
      operation: 'send-certificate',
      'certificate-file': 'live/*/fullchain.pem',
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(process.exitCode).toBeUndefined()
    expect(standIn.connections()).toBe(connections)
    expect(JSON.parse(outputs().results as string)).toEqual([
      {
        id: 'live/shop/fullchain.pem',
        ok: true,
        outcome: 'validated',
        status: null,
        attempts: 0,
        lookups: 0,
        common_name: 'shop.example.com',
        serial_number: '0A1B2C',
        thumbprint: leaf.thumbprint,
        valid_till: leaf.validTo.toISOString().slice(0, 10),
        file: 'live/shop/fullchain.pem'
      }
    ])
    expect(log()).toContain(`GET ${standIn.baseUrl}/order/certificate/${leaf.thumbprint}`)
    expect(log()).toContain(
      `GET ${standIn.baseUrl}/order/certificate?filters[common_name]=shop.example.com&filters[status]=issued&offset=0&limit=100`
    )
    expect(summary()).toContain('<td>shop.example.com</td><td>0A1B2C</td>')
  })

  it('a private key given as a file: an input error naming it, never its content', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', workspace.dir)
    await runWith({
      operation: 'send-certificate',
      'certificate-file': 'live/shop/privkey.pem',
      emails: 'ops@example.com'
    })
    expect(process.exitCode).toBe(1)
    expect(messages('error')).toEqual([
      'certificate-file: "live/shop/privkey.pem" holds a private key, not a certificate'
    ])
    expect(log()).not.toContain('PRIVATE KEY')
    expect(summary()).not.toContain('PRIVATE KEY')
  })
})

describe('run() with a token in the path of api-url', () => {
  let gateway: StandIn
  beforeAll(async () => {
    gateway = await startStandIn({ pathPrefix: '/t0k3n' })
  })
  afterAll(async () => {
    await gateway.close()
  })

  it('sends below the path and writes it nowhere: log, debug lines, outputs, summary', async () => {
    vi.stubEnv('RUNNER_DEBUG', '1')
    const [fine, redirected, echoed] = [freshId(), freshId(), freshId()]
    // A server that echoes the path back: a redirect's Location and an error body.
    gateway.setFault(redirected, { kind: 'redirect', location: `${gateway.baseUrl}/elsewhere` })
    gateway.setFault(echoed, {
      kind: 'status',
      status: 400,
      body: JSON.stringify({
        errors: [{ code: 'bad', message: `no route ${gateway.baseUrl}/certificate/${echoed}` }]
      })
    })
    await runWith({
      'api-url': gateway.baseUrl,
      'api-key': gateway.apiKey,
      operation: 'send-certificate',
      'certificate-id': `${fine} ${redirected} ${echoed}`,
      emails: 'ops@example.com'
    })
    expect(requestsFor(gateway, fine).map(r => r.path)).toEqual([
      `/t0k3n/services/v2/certificate/${fine}/sendemail`
    ])
    expect(outputs()['sent-ids']).toBe(fine)
    const written = [log(), JSON.stringify(outputs()), summary()].join('\n')
    expect(written).not.toContain('t0k3n')
    expect(log()).toContain(`PUT ${gateway.origin}/…/certificate/${fine}/sendemail attempt 1`)
    expect(outputs().results).toContain(`redirect to ${gateway.origin}***/elsewhere`)
  })

  it('a dry run shows each request from the origin, never the path', async () => {
    vi.stubEnv('RUNNER_DEBUG', '1')
    const id = freshId()
    await runWith({
      'api-url': gateway.baseUrl,
      'api-key': gateway.apiKey,
      operation: 'send-certificate',
      'order-id': id,
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(log()).toContain(
      `GET ${gateway.origin}/…/order/certificate/${id} → then PUT ${gateway.origin}/…/certificate/{certificate.id}/sendemail`
    )
    expect([log(), JSON.stringify(outputs()), summary()].join('\n')).not.toContain('t0k3n')
  })
})

describe('run() with a proxy variable that cannot be used', () => {
  it('warns once, naming the variable and never its password, before the dry run', async () => {
    vi.stubEnv('https_proxy', 'http://user:s3cr%et@proxy.test:3128')
    await runWith({
      'api-url': 'https://certcentral.test/services/v2',
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(messages('warning')).toEqual([
      expect.stringMatching(
        /^https_proxy cannot be used: its user name or password holds a % that starts no %XX escape, so requests to certcentral\.test go directly/
      )
    ])
    expect(log()).not.toContain('s3cr')
    expect(process.exitCode).toBeUndefined()
  })

  it('says nothing of a usable one', async () => {
    vi.stubEnv('https_proxy', 'http://proxy.test:3128')
    await runWith({
      'api-url': 'https://certcentral.test/services/v2',
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com',
      'dry-run': 'true'
    })
    expect(messages('warning')).toEqual([])
  })
})

describe('run() with deliver-once', () => {
  let own: StandIn
  const orderId = 9_700_001
  beforeAll(async () => {
    own = await startStandIn({
      account: {
        orders: [
          {
            id: orderId,
            certificate: { id: 9_800_001, common_name: 'once.example.com', serial_number: '0A1B' }
          }
        ]
      }
    })
  })
  afterAll(async () => {
    await own.close()
  })

  it("writes the workflow run's link and attempt in the note, once; a second run skips", async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
    vi.stubEnv('GITHUB_RUN_ID', '789')
    vi.stubEnv('GITHUB_RUN_ATTEMPT', '3')
    const inputs = {
      'api-key': own.apiKey,
      'api-url': own.baseUrl,
      operation: 'send-certificate',
      'order-id': String(orderId),
      emails: 'ops@example.com',
      'deliver-once': 'true'
    }
    await runWith(inputs)
    expect(own.notes(String(orderId)).map(n => String(n.text).split('\n').slice(2))).toEqual([
      [
        'certificate: 9800001 serial 0A1B',
        'format: attachment',
        expect.stringMatching(/^sent: /),
        'run: https://github.com/acme/certs/actions/runs/789 (attempt 3)',
        'recipients: ops@example.com'
      ]
    ])
    await runWith(inputs)
    expect(own.requests.filter(r => r.method === 'PUT')).toHaveLength(1)
    expect(own.notes(String(orderId))).toHaveLength(1)
    expect(printed.join('\n')).toContain(`order ${orderId}: sent to its recipient on `)
  })

  it('reads the event file once for the visibility, the note and the summary', async () => {
    vi.stubEnv('GITHUB_EVENT_PATH', eventFile(REPOSITORIES.private))
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
    vi.stubEnv('GITHUB_RUN_ID', '790')
    eventReads.count = 0
    await runWith({
      'api-key': own.apiKey,
      'api-url': own.baseUrl,
      operation: 'send-certificate',
      'order-id': String(orderId),
      emails: 'once-more@example.com',
      'deliver-once': 'true'
    })
    expect(eventReads.count).toBe(1)
    expect(readFileSync(files.summary, 'utf8')).toContain(
      'https://github.com/acme/certs/actions/runs/790'
    )
    expect(own.notes(String(orderId))[0]?.text).toContain('acme/certs/actions/runs/790')
  })

  it('reads no event file when nothing needs it', async () => {
    vi.stubEnv('GITHUB_EVENT_PATH', eventFile(REPOSITORIES.private))
    vi.stubEnv('GITHUB_STEP_SUMMARY', '')
    eventReads.count = 0
    await runWith({
      operation: 'send-certificate',
      'certificate-id': freshId(),
      emails: 'ops@example.com',
      'summary-details': 'full',
      'dry-run': 'true'
    })
    expect(eventReads.count).toBe(0)
  })
})
