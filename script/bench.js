// npm run bench: startup, a 300-ID batch under DigiCert's rate windows, and peak RSS (of that
// batch, of a 10,000-ID dry run and of the first seconds of a 10,000-ID run), all against the
// stand-in on loopback, and 300 orders sent when issued on the virtual clock. Prints one table,
// each figure with how it was measured, and exits 1 when a target is missed. Not part of npm test.
// BENCH_DIST=/path/to/index.js measures another bundle of the action (e.g. an earlier dist/).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startStandIn } from '../standin/certcentral-standin.js'
import { ROOT, runAction } from '../standin/run-action.js'

const STARTUP_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30)
/** The runtime measured: this process's node, or BENCH_NODE (e.g. a Node 24 binary). */
const NODE = process.env.BENCH_NODE || process.execPath
/** The action's bundle measured: dist/index.js, or BENCH_DIST. */
const ACTION = process.env.BENCH_DIST || undefined
const BATCH_IDS = 300
/** The large run whose peak RSS is measured (a dry run whole; a real one for LARGE_RUN_MS). */
const LARGE_IDS = 10_000
const LARGE_RUN_MS = 20_000
const LATENCY_MS = 50
const IN_FLIGHT = 4
/** DigiCert's documented windows, as the stand-in enforces them (DigiCert's Rate limits page, https://dev.digicert.com/en/certcentral-apis/services-api.html). */
const DIGICERT_WINDOWS = [
  { limit: 100, windowMs: 5_000 },
  { limit: 1000, windowMs: 180_000 }
]

const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return /** @type {number} */ (sorted[Math.floor(sorted.length / 2)])
}

/**
 * The finish time of an ideal client: each request starts the instant the in-flight cap and every
 * rate window allow, and takes exactly `latencyMs`. No real client can beat it.
 * @param {number} count @param {number} latencyMs @param {number} inFlight
 * @param {{ limit: number, windowMs: number }[]} windows
 */
export function idealFinishMs(count, latencyMs, inFlight, windows) {
  /** @type {number[]} */
  const starts = []
  const slots = Array.from({ length: inFlight }, () => 0)
  let finish = 0
  for (let i = 0; i < count; i++) {
    const slot = slots.indexOf(Math.min(...slots))
    let start = /** @type {number} */ (slots[slot])
    for (const { limit, windowMs } of windows) {
      if (i >= limit) start = Math.max(start, /** @type {number} */ (starts[i - limit]) + windowMs)
    }
    starts.push(start)
    slots[slot] = start + latencyMs
    finish = Math.max(finish, start + latencyMs)
  }
  return finish
}

/**
 * Bundles a script of script/bench/ with ncc, as dist/index.js is bundled; returns its entry.
 * @param {string} name @param {string} work
 */
function bundle(name, work) {
  const out = join(work, name.replace(/\.js$/, ''))
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(ROOT, 'script/bench', name),
      '-o',
      out,
      '-q'
    ],
    { stdio: 'inherit' }
  )
  return join(out, 'index.js')
}

/** @param {{ apiKey: string, baseUrl: string }} standIn */
async function startup(standIn) {
  const work = mkdtempSync(join(tmpdir(), 'bench-minimal-'))
  const minimal = bundle('minimal-action.js', work)
  const minimalSummary = bundle('minimal-summary-action.js', work)
  const dryRun = {
    operation: 'send-certificate',
    'api-key': standIn.apiKey,
    'api-url': standIn.baseUrl,
    'certificate-id': '1234567',
    emails: 'ops@example.com',
    'dry-run': 'true'
  }
  const noSummary = { GITHUB_STEP_SUMMARY: '' }
  // As on a runner: an event file (a public repository's), which both summary cases may read.
  const event = join(work, 'event.json')
  writeFileSync(event, JSON.stringify({ repository: { private: false, visibility: 'public' } }))
  const withSummary = { GITHUB_EVENT_PATH: event }
  const cases = {
    'node -e 0': { inputs: {}, nodeArgs: ['-e', '0'], env: noSummary },
    'minimal action': { inputs: { operation: 'x' }, entry: minimal, env: noSummary },
    'minimal action + summary': {
      inputs: { operation: 'x' },
      entry: minimalSummary,
      env: withSummary
    },
    'action dry-run': { inputs: dryRun, env: noSummary, entry: ACTION },
    'action dry-run + summary': { inputs: dryRun, env: withSummary, entry: ACTION }
  }
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(Object.keys(cases).map(name => [name, []]))
  // Interleaved rounds, so drift in the machine's load hits every case alike.
  for (let round = 0; round < STARTUP_ROUNDS + 2; round++) {
    for (const [name, options] of Object.entries(cases)) {
      const run = await runAction({ ...options, node: NODE })
      if (run.code !== 0) throw new Error(`${name} exited ${run.code}: ${run.stdout}${run.stderr}`)
      if (round >= 2) times[name]?.push(run.durationMs) // two warm-up rounds
    }
  }
  rmSync(work, { recursive: true, force: true })
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]))
}

/** Spawns the action preloaded with the RSS probe; returns the run and its peak RSS in MB. */
async function probed(/** @type {Parameters<typeof runAction>[0]} */ options) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-'))
  const probe = join(dir, 'rss')
  try {
    const run = await runAction({
      ...options,
      entry: ACTION,
      node: NODE,
      nodeArgs: ['--import', join(ROOT, 'script/bench/rss-probe.js')],
      env: { ...options.env, RSS_PROBE_FILE: probe }
    })
    return { run, rssMb: Number(readFileSync(probe, 'utf8')) / 1024 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** @param {{ apiKey: string, baseUrl: string }} standIn @param {string[]} ids */
const sendInputs = (standIn, ids) => ({
  operation: 'send-certificate',
  'api-key': standIn.apiKey,
  'api-url': standIn.baseUrl,
  'certificate-id': ids.join('\n'),
  emails: 'ops@example.com'
})

const idsFrom = (/** @type {number} */ count) =>
  Array.from({ length: count }, (_, i) => String(5_000_000 + i))

async function batch() {
  const standIn = await startStandIn({ latencyMs: LATENCY_MS, rateLimits: DIGICERT_WINDOWS })
  try {
    const { run, rssMb } = await probed({
      inputs: sendInputs(standIn, idsFrom(BATCH_IDS)),
      killAfterMs: 120_000
    })
    const results = JSON.parse(run.outputs.results ?? '[]')
    return {
      code: run.code,
      wallMs: run.durationMs,
      sent: results.filter((/** @type {{ ok: boolean }} */ r) => r.ok).length,
      tooMany: standIn.requests.filter(r => r.status === 429).length,
      received: standIn.requests.length,
      connections: standIn.connections(),
      rssMb
    }
  } finally {
    await standIn.close()
  }
}

/**
 * Peak RSS of 10,000 IDs: a dry run, whole; a run under DigiCert's windows for its first
 * LARGE_RUN_MS, then cancelled (SIGTERM, as the runner cancels a job): the whole run would take
 * 10,000 / 100 × 5 s, over 8 minutes, and what it holds is allocated at its start.
 */
async function large() {
  const standIn = await startStandIn({ latencyMs: LATENCY_MS, rateLimits: DIGICERT_WINDOWS })
  try {
    const inputs = sendInputs(standIn, idsFrom(LARGE_IDS))
    const dry = await probed({ inputs: { ...inputs, 'dry-run': 'true' } })
    if (dry.run.code !== 0) throw new Error(`the 10,000-ID dry run exited ${dry.run.code}`)
    const real = await probed({
      inputs,
      killAfterMs: LARGE_RUN_MS + 60_000,
      onSpawn: child => setTimeout(() => child.kill('SIGTERM'), LARGE_RUN_MS)
    })
    return { dryMb: dry.rssMb, realMb: real.rssMb, received: standIn.requests.length }
  } finally {
    await standIn.close()
  }
}

const standIn = await startStandIn()
console.error(`startup: ${STARTUP_ROUNDS} interleaved rounds of each case …`)
const start = await startup(standIn)
await standIn.close()
console.error(
  `batch: ${BATCH_IDS} IDs, ${LATENCY_MS} ms per request, DigiCert's rate windows enforced …`
)
const b = await batch()
console.error(`large: ${LARGE_IDS} IDs, a dry run and ${LARGE_RUN_MS / 1000} s of a run …`)
const l = await large()

const rateFloorMs = idealFinishMs(BATCH_IDS, LATENCY_MS, IN_FLIGHT, DIGICERT_WINDOWS)
const plainFloorMs = Math.max(
  (Math.ceil(BATCH_IDS / 100) - 1) * 5_000 + LATENCY_MS,
  (BATCH_IDS * LATENCY_MS) / IN_FLIGHT
)
const floorMs = Math.max(rateFloorMs, (BATCH_IDS * LATENCY_MS) / IN_FLIGHT)
const startupRatio =
  /** @type {number} */ (start['action dry-run']) / /** @type {number} */ (start['minimal action'])
const summaryRatio =
  /** @type {number} */ (start['action dry-run + summary']) /
  /** @type {number} */ (start['minimal action + summary'])
const batchRatio = b.wallMs / floorMs

const ms = (/** @type {number | undefined} */ v) => `${(v ?? NaN).toFixed(1)} ms`
const rows = [
  [
    'startup: node -e 0',
    ms(start['node -e 0']),
    '',
    '',
    `median wall time of ${STARTUP_ROUNDS} spawns`
  ],
  [
    'startup: minimal action',
    ms(start['minimal action']),
    '',
    '',
    "imports @actions/core, http-client and @actions/github's context, ncc-bundled"
  ],
  [
    'startup: minimal action + summary',
    ms(start['minimal action + summary']),
    '',
    '',
    "as above with @actions/github's context, writing a job summary with the run's link"
  ],
  [
    'startup: action dry-run',
    `${ms(start['action dry-run'])} = ${startupRatio.toFixed(3)}× minimal`,
    '≤ 1.15×',
    startupRatio <= 1.15,
    'dist/index.js, dry-run, no GITHUB_STEP_SUMMARY (neither writes one)'
  ],
  [
    'startup: dry-run + summary',
    `${ms(start['action dry-run + summary'])} = ${summaryRatio.toFixed(3)}× minimal + summary`,
    '≤ 1.15×',
    summaryRatio <= 1.15,
    "as above, writing the job summary with the run's link; a public repository's event file"
  ],
  [
    'batch: wall time',
    `${(b.wallMs / 1000).toFixed(2)} s = ${batchRatio.toFixed(3)}× floor`,
    '≤ 1.08×',
    batchRatio <= 1.08,
    `spawn to exit; floor ${(floorMs / 1000).toFixed(2)} s = ideal client under both windows and ${IN_FLIGHT} in flight ` +
      `(plain max(rate floor, ${BATCH_IDS}×${LATENCY_MS} ms/${IN_FLIGHT}) = ${(plainFloorMs / 1000).toFixed(2)} s)`
  ],
  [
    'batch: 429s received',
    String(b.tooMany),
    '0',
    b.tooMany === 0,
    `stand-in counts 429 answers (${b.received} requests, ${b.sent} sent)`
  ],
  [
    'batch: connections opened',
    String(b.connections),
    `≤ ${IN_FLIGHT}`,
    b.connections <= IN_FLIGHT,
    "stand-in's server 'connection' events"
  ],
  [
    'batch: peak RSS',
    `${b.rssMb.toFixed(1)} MB`,
    '≤ 80 MB',
    b.rssMb <= 80,
    'process.resourceUsage().maxRSS at exit, via node --import probe'
  ],
  [
    `large: ${LARGE_IDS} IDs dry run, peak RSS`,
    `${l.dryMb.toFixed(1)} MB = ${(l.dryMb / b.rssMb).toFixed(2)}× batch`,
    '≤ 1.5× batch',
    l.dryMb <= 1.5 * b.rssMb,
    'as the batch, the whole dry run'
  ],
  [
    `large: ${LARGE_IDS} IDs run, peak RSS`,
    `${l.realMb.toFixed(1)} MB = ${(l.realMb / b.rssMb).toFixed(2)}× batch`,
    '≤ 1.5× batch',
    l.realMb <= 1.5 * b.rssMb,
    `as the batch, over the run's first ${LARGE_RUN_MS / 1000} s (${l.received} requests), then SIGTERM`
  ]
]

// Send when issued: 300 orders issued over an hour, on the virtual clock (the test asserts the
// lateness of each send; here its figures join the table).
const ordersOut = join(mkdtempSync(join(tmpdir(), 'bench-orders-')), 'figures.json')
execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '__tests__/unit/run/orders-batch.test.ts'],
  { cwd: ROOT, env: { ...process.env, BENCH_ORDERS_OUT: ordersOut }, stdio: 'ignore' }
)
/** @type {{ requestsPerOrder: number, tooMany: number, medianLatenessS: number, maxLatenessS: number, longestPollIntervalS: number }} */
const orders = JSON.parse(readFileSync(ordersOut, 'utf8'))
rmSync(dirname(ordersOut), { recursive: true, force: true })
rows.push(
  [
    'orders: requests per order',
    orders.requestsPerOrder.toFixed(1),
    '',
    '',
    '300 orders issued over an hour, wait-for-issuance 2h, virtual clock'
  ],
  [
    'orders: 429s',
    String(orders.tooMany),
    '0',
    orders.tooMany === 0,
    'every arrival checked against both windows'
  ],
  [
    'orders: sent after issuance',
    `median ${orders.medianLatenessS} s, longest ${orders.maxLatenessS} s`,
    'within one poll interval',
    true,
    `asserted per order by the test; longest interval between checks ${orders.longestPollIntervalS} s`
  ]
)

const header = ['figure', 'measured', 'target', 'met', 'how']
const table = [
  header,
  ['---', '---', '---', '---', '---'],
  ...rows.map(r => r.map(c => (c === true ? 'yes' : c === false ? 'NO' : String(c))))
]
const version = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()
console.log(`\nnode ${version}, ${new Date().toISOString().slice(0, 10)}\n`)
for (const row of table) console.log(`| ${row.join(' | ')} |`)
const missed = rows.filter(r => r[3] === false)
if (b.code !== 0 || b.sent !== BATCH_IDS) {
  console.error(`\nbench: the batch did not send every ID (exit ${b.code}, ${b.sent} sent)`)
  process.exit(1)
}
if (missed.length) {
  console.error(`\nbench: missed ${missed.map(r => r[0]).join(', ')}`)
  process.exit(1)
}
