// When each ID's work starts: in plan order, as its turn nears, not all at the run's start. A run
// that started all its IDs at once held every ID's record, promises and closures from its start
// (about 2.8 KB an ID, 28 MB for 10,000: issue 26); now it holds those of the few IDs near their
// turn. What the run does is the same as if all had started at once: every ID's first request
// waits where it would have waited then, ahead of every later request of its kind and behind the
// first requests of the IDs before it (Slots keeps them apart), and the next IDs start whenever
// one gets its slot while there is `room` (fewer first requests wait than twice the slots: more
// than the slots could take before the next IDs start), so that queue never runs dry while IDs
// are left. An ID that issued-within skips by its file's own date is judged, and ends, as the run
// starts, as it always did; once the run stopped, the IDs not started end unsent at once, as their
// first request would have ended them. The results come in plan order.
import type { Known, Target } from '../operations.js'
import type { IdResult } from '../outcome.js'
import type { RunContext } from './context.js'
import { fileSkipOf, runOneId, stoppedBeforeStart } from './id-run.js'

/** What is known of an ID given as it is (no file, serial or name): nothing, shared by all. */
const NOTHING_KNOWN: Known = Object.freeze({})

export class IdStarts {
  /** True while an ID's work is being started: a request it makes then is its first. */
  starting = false
  private readonly count: number
  private readonly results: IdResult[]
  /** IDs started as the run started (issued-within skipped them by their file's date). */
  private readonly early: Uint8Array
  /** The next ID in plan order to start (unless it started early). */
  private next = 0
  private ended = 0
  private resolve: (results: IdResult[]) => void = () => {}
  private reject: (error: unknown) => void = () => {}

  constructor(
    private readonly run: RunContext,
    /** Whether another ID may start: fewer first requests wait than the run keeps ahead. */
    private readonly room: () => boolean
  ) {
    this.count = run.options.ids.length
    this.results = new Array<IdResult>(this.count)
    this.early = new Uint8Array(this.count)
  }

  /**
   * Starts the run's IDs: those issued-within skips by their file's date, and the first ones in
   * plan order while there is room. Resolves with every ID's result in plan order once all ended;
   * rejects with the first failure of an ID's work.
   */
  all(): Promise<IdResult[]> {
    const ended = new Promise<IdResult[]>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    if (this.count === 0) this.resolve([])
    for (let position = 0; position < this.count; position++) {
      const target = this.targetAt(position)
      const fileSkip = fileSkipOf(this.run, target.known)
      const inTurn = position === this.next && this.room()
      if (fileSkip !== undefined && !inTurn) this.early[position] = 1
      if (inTurn) this.next++
      if (inTurn || fileSkip !== undefined) this.start(position, target, fileSkip)
    }
    return ended
  }

  /**
   * Starts the next IDs in plan order while there is room (called as a first request gets its
   * slot). Once the run stopped, the IDs not started end at once as the stop left them: none of
   * them could have started a request.
   */
  topUp(): void {
    // After a stop, nothing goes on waiting: the loop ends the rest at once.
    while (this.next < this.count && this.room()) {
      const position = this.next++
      if (this.early[position]) continue
      const target = this.targetAt(position)
      if (this.run.stopped) this.end(position, stoppedBeforeStart(this.run, target, position))
      else this.start(position, target, undefined)
    }
  }

  private targetAt(position: number): Target {
    const { targets, ids } = this.run.options
    return targets?.[position] ?? { id: ids[position] as string, known: NOTHING_KNOWN }
  }

  private start(position: number, target: Target, fileSkip: string | undefined): void {
    this.starting = true
    const work = runOneId(this.run, target, position, fileSkip)
    this.starting = false
    work.then(result => this.end(position, result), this.reject)
  }

  private end(position: number, result: IdResult): void {
    this.results[position] = result
    if (++this.ended === this.count) this.resolve(this.results)
  }
}
