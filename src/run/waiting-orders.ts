// The orders waiting to be issued: each one's last status and next check, how many there are
// (they share the look-up budget, see orderStep; while any waits, a short silence of the host is
// bridged, see stopFor), and the log's waiting line, at most every WAITING_LOG_MS.
import type { Clock } from '../clock.js'

/** The waiting line in the log comes at most this often. */
export const WAITING_LOG_MS = 60_000

export class WaitingOrders {
  private readonly orders = new Map<string, { status: string; nextCheck: number }>()
  private lastLog = -Infinity

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly log: { info(message: string): void },
    /** The run's IDs, all orders, for the waiting line. */
    private readonly total: number
  ) {}

  /** Orders waiting now. */
  get size(): number {
    return this.orders.size
  }

  /** Orders waiting once this one counts too. */
  withOrder(id: string): number {
    return this.orders.size + (this.orders.has(id) ? 0 : 1)
  }

  /** An order waits: its last status, and when it is checked next. */
  set(id: string, status: string, nextCheck: number): void {
    this.orders.set(id, { status, nextCheck })
  }

  /** An order waits no more. */
  delete(id: string): void {
    this.orders.delete(id)
  }

  /** The waiting line, unless one came less than WAITING_LOG_MS ago; `sent`: IDs sent so far. */
  report(sent: number): void {
    const now = this.clock.now()
    // Called right after an order is counted as waiting, so there is always one to report.
    if (now - this.lastLog < WAITING_LOG_MS) return
    this.lastLog = now
    const waiting = [...this.orders.values()]
    const byStatus = new Map<string, number>()
    for (const { status } of waiting) byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    const next = Math.min(...waiting.map(w => w.nextCheck))
    this.log.info(
      `waiting for ${this.orders.size} of ${this.total} orders (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}); ` +
        `next check in ${Math.max(0, Math.round((next - now) / 1000))} s; ${sent} sent`
    )
  }
}
