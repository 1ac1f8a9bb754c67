// The heap the test process holds, after a full garbage collection: what is still reachable, not
// what the collector has yet to free. Node's `gc` is exposed at run time (--expose-gc, set from
// here), so that a test needs no flag of its own.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Bytes of heap in use once everything unreachable is collected. */
export function heapAfterGc(): number {
  // Twice: what the first collection frees can make more unreachable (weak references, finalizers).
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
