// When each ID's work starts (id-starts.ts): as its turn nears, not all at the run's start, and yet
// the run does what it did when every ID started with it. Plans longer than the IDs the run starts
// ahead (twice the slots): the first request of each ID before any later one of its kind, a file
// issued-within skips ending as the run starts wherever it is in the plan, the IDs not started
// when the run stops ending unsent, not attempted, and an empty plan. What the run holds at its
// start is measured in __tests__/integration/run.footprint.test.ts.
import { describe, expect, it, vi } from 'vitest'
import type { Known, Target } from '../../../src/operations.js'
import { Slots } from '../../../src/run/gates.js'
import { MAX_IN_FLIGHT, runPlan } from '../../../src/run/scheduler.js'
import { FakeClock, recordLog } from '../../support/clock.js'
import {
  ScriptedApi,
  byCertificate,
  keyRefused,
  notAttempted,
  range
} from '../../support/scripted-certcentral.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
/** More IDs than the run starts ahead of their turn (twice the slots), and then some. */
const MANY = 5 * MAX_IN_FLIGHT

describe('IDs start as their turn nears, as if all had started with the run', () => {
  it("every ID's first look-up goes before any ID's second one", async () => {
    const serials = range(100, MANY).map(n => `0A${n}`)
    const clock = new FakeClock(0.5, NOW)
    // Order info by serial misses, so the chain lists orders by serial next (and finds none).
    const api = new ScriptedApi(clock, { lookupsMissByDefault: true, latencyMs: 10 })
    const targets = serials.map((id): Target => ({ id, known: { serialNumber: id } }))
    const outcome = await runPlan(
      byCertificate(serials, { idInput: 'serial-number', targets }),
      api,
      clock
    )
    expect(api.trail()).toEqual([
      ...serials.map(serial => `lookup ${serial}`),
      ...serials.map(serial => `list serial_number=${serial}@0`)
    ])
    expect(outcome.results.map(r => [r.id, r.fate, r.lookups])).toEqual(
      serials.map(serial => [serial, 'failed', 2])
    )
  })

  it('a file issued-within skips ends as the run starts, wherever it is in the plan', async () => {
    const clock = new FakeClock(0.5, NOW)
    const { log, of } = recordLog(clock)
    const api = new ScriptedApi(clock, { latencyMs: 10 })
    const targets = range(1, MANY).map(n => fileTarget(`${n}.pem`, '2026-05-31T12:00:00.000Z'))
    const last = fileTarget('old.pem', '2026-05-01T00:00:00.000Z')
    targets.push(last)
    const outcome = await runPlan(
      byCertificate(
        targets.map(t => t.id),
        { idInput: 'certificate-file', targets, issuedWithinSeconds: 86_400, log }
      ),
      api,
      clock
    )
    const lines = of('info').map(l => l.message)
    expect(lines[0]).toBe(
      'file old.pem: issued on 2026-05-01, longer ago than issued-within (1 d): skipped, not sent'
    )
    expect(lines.filter(line => line.startsWith('file old.pem'))).toHaveLength(1)
    expect(outcome.results.map(r => r.fate)).toEqual([
      ...targets.slice(0, -1).map(() => 'sent'),
      'skipped'
    ])
    expect(api.lookups().map(c => c.id)).toEqual(targets.slice(0, -1).map(t => t.known.thumbprint))
  })

  it('once the run stopped, the IDs not started end unsent, not attempted, with what is known', async () => {
    const serials = range(100, MANY).map(n => `0A${n}`)
    const clock = new FakeClock(0.5, NOW)
    const api = new ScriptedApi(clock, {
      lookups: { [serials[0] as string]: [keyRefused()] },
      latencyMs: 10
    })
    const targets = serials.map((id): Target => ({ id, known: { serialNumber: id } }))
    const acquired = vi.spyOn(Slots.prototype, 'acquire')
    const outcome = await runPlan(
      byCertificate(serials, { idInput: 'serial-number', targets }),
      api,
      clock
    )
    // Those started before the stop, twice the slots ahead and two on the wire, and the send of
    // the second (found); the others never queued for a slot.
    expect(acquired.mock.calls.length).toBeLessThanOrEqual(2 * MAX_IN_FLIGHT + 3)
    acquired.mockRestore()
    expect(outcome.stop?.reason).toBe('key-refused')
    // The two look-ups the slots took at once; every other ID was never attempted.
    expect(api.trail()).toEqual([`lookup ${serials[0]}`, `lookup ${serials[1]}`])
    const error = `not attempted: CertCentral refused the API key (serial number ${serials[0]})`
    expect(outcome.results.slice(2)).toEqual(
      serials.slice(2).map(id => ({ ...notAttempted(id, error), serialNumber: id }))
    )
  })

  it('an empty plan ends at once, with no results', async () => {
    const clock = new FakeClock()
    const outcome = await runPlan(byCertificate([]), new ScriptedApi(clock), clock)
    expect(outcome).toEqual({ results: [], stop: undefined, retryAfter: undefined })
  })
})

/** A certificate file's target, issued at `validFrom`, its thumbprint made from its name. */
function fileTarget(file: string, validFrom: string): Target {
  const thumbprint = Buffer.from(file).toString('hex').toUpperCase().padEnd(40, '0').slice(0, 40)
  const known: Known = { file, thumbprint, validFrom, validTo: '2026-08-29T12:00:00.000Z' }
  return { id: file, known }
}
