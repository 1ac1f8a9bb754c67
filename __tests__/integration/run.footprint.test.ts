// What a run holds per ID at its start (issue 26: a 10,000-ID run peaked at 131 MB of RSS, 2.1×
// the 300-ID batch, because every ID's work was started at once and waited for its turn). The
// real scheduler against a CertCentral that holds every request: once the first requests are on
// the wire the run has started, and the heap it holds then, after a full collection, is measured
// per ID of the plan. An ID's work, its record and its promises belong to its turn, not to the
// start: the bound is a few pointers per ID, where starting every ID at once costs about 2 KB.
import { describe, expect, it } from 'vitest'
import type { OrderInfo } from '../../src/certcentral/bodies.js'
import { realClock } from '../../src/clock.js'
import type { Target } from '../../src/operations.js'
import type { CertCentralPort } from '../../src/run/port.js'
import { MAX_IN_FLIGHT, runPlan, type RunOptions } from '../../src/run/scheduler.js'
import { heapAfterGc } from '../support/heap.js'
import { BODY, range } from '../support/scripted-certcentral.js'

const IDS = 10_000
/** Bytes per ID the run may hold at its start: its results' slot and margin for the collector. */
const BOUND_PER_ID = 256
/** No rate window is reached: the first requests go at once. */
const NO_WINDOW = [{ limit: 1_000_000, windowMs: 1000 }]

/** A CertCentral that answers nothing until released: what is on the wire stays there. */
class HeldCertCentral implements CertCentralPort {
  private readonly held: ((error: Error) => void)[] = []

  get onTheWire(): number {
    return this.held.length
  }

  /** Fails every request held, and every later one. */
  release(): void {
    this.released = true
    for (const fail of this.held.splice(0)) fail(new Error('released'))
  }

  private released = false

  private hold<T>(): Promise<T> {
    if (this.released) return Promise.reject(new Error('released'))
    return new Promise<T>((_, reject) => this.held.push(reject))
  }

  call = (): Promise<{ status: number }> => this.hold()
  lookup = (): Promise<{ status: number; order: OrderInfo }> => this.hold()
  listOrders = (): Promise<never> => this.hold()
  duplicates = (): Promise<never> => this.hold()
  listNotes = (): Promise<never> => this.hold()
  addNote = (): Promise<never> => this.hold()
}

/** Resolves once `count` requests are on the wire (after the run's start), or fails after 10 s. */
async function untilOnTheWire(api: HeldCertCentral, count: number): Promise<void> {
  const started = Date.now()
  while (api.onTheWire < count) {
    if (Date.now() - started > 10_000) throw new Error(`${api.onTheWire} requests on the wire`)
    await new Promise(resolve => setImmediate(resolve))
  }
}

/**
 * The heap a run of the plan holds per ID once its first `firstRequests` are on the wire; the
 * run is then cancelled and every ID must still have its result.
 */
async function heapPerIdAtStart(options: RunOptions, firstRequests: number): Promise<number> {
  const api = new HeldCertCentral()
  const cancel = new AbortController()
  const before = heapAfterGc()
  const outcome = runPlan({ ...options, cancel: cancel.signal, limits: NO_WINDOW }, api, realClock)
  await untilOnTheWire(api, firstRequests)
  const perId = (heapAfterGc() - before) / options.ids.length
  cancel.abort()
  api.release()
  const { results } = await outcome
  expect(results.map(r => r.id)).toEqual(options.ids)
  return perId
}

const ids = range(5_000_000, IDS)
const plans: [what: string, options: RunOptions, firstRequests: number][] = [
  [
    'certificate IDs (a send each)',
    {
      operation: 'send-certificate',
      idInput: 'certificate-id',
      ids,
      body: BODY,
      maxRetries: 0,
      waitSeconds: 0
    },
    MAX_IN_FLIGHT
  ],
  [
    'order IDs waiting for issuance (look-ups first, at most half the slots)',
    {
      operation: 'send-certificate',
      idInput: 'order-id',
      ids,
      body: BODY,
      maxRetries: 0,
      waitSeconds: 3600
    },
    MAX_IN_FLIGHT / 2
  ],
  [
    'serial numbers (the look-up chain)',
    {
      operation: 'send-certificate',
      idInput: 'serial-number',
      ids,
      targets: ids.map((id): Target => ({ id, known: { serialNumber: id } })),
      body: BODY,
      maxRetries: 0,
      waitSeconds: 0
    },
    MAX_IN_FLIGHT / 2
  ]
]

describe("a run's start holds no per-ID work", () => {
  it.each(plans)('%s', async (_, options, firstRequests) => {
    // Once first, so that what the first run compiles and caches is not counted.
    await heapPerIdAtStart(
      { ...options, ids: ids.slice(0, 100), targets: options.targets?.slice(0, 100) },
      firstRequests
    )
    const perId = await heapPerIdAtStart(options, firstRequests)
    expect(perId, `${perId.toFixed(0)} bytes per ID`).toBeLessThan(BOUND_PER_ID)
  })
})
