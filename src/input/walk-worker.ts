// The certificate-file walk (glob-walk.ts) in a worker thread, which can be stopped where
// @actions/glob cannot: the action's bundle is started again as the worker (inWorker, given the
// bundle's URL by index.ts), with workerData naming its role; index.ts, seeing it is not the main
// thread, calls serveWalk, which walks the jobs and posts each result. Terminating the worker ends
// the walk at once, wherever it is. Only the bundle can be the worker (a worker cannot load the
// TypeScript sources): __tests__/e2e/certificate-walk.test.ts and the end-to-end cancellation test
// run it, so Stryker leaves this module out, as it does index.ts.
import { Worker, parentPort, workerData } from 'node:worker_threads'
import { walkPattern, type PatternJob, type PatternWalk, type Walker } from './glob-walk.js'

/** What workerData says when the bundle is started as the walk's worker. */
export const WALK_ROLE = 'certificate-file walk'

/**
 * The walk in a worker thread started from `entry` (the bundle, dist/index.js), its output
 * dropped (@actions/glob logs its options and search paths with core.debug), stopped by
 * terminating it.
 */
export function inWorker(entry: URL): Walker {
  return (jobs, each) => {
    const worker = new Worker(entry, {
      workerData: { role: WALK_ROLE, jobs },
      stdout: true,
      stderr: true
    })
    worker.stdout.resume()
    worker.stderr.resume()
    const done = new Promise<void>((resolve, reject) => {
      let received = 0
      worker.on('message', (walk: PatternWalk) => {
        each(walk)
        if (++received === jobs.length) resolve()
      })
      worker.on('error', reject)
      worker.on('exit', code =>
        reject(
          new Error(
            `the certificate-file walk's worker ended (exit code ${code}) after ${received} of ${jobs.length} patterns`
          )
        )
      )
    })
    return {
      done,
      stop: async () => {
        await worker.terminate()
      }
    }
  }
}

/** The worker's side: walks the jobs workerData names, posting each one's result. */
export async function serveWalk(): Promise<void> {
  const data = workerData as { role?: string; jobs?: PatternJob[] } | null
  if (data?.role !== WALK_ROLE || !data.jobs || !parentPort) return
  for (const job of data.jobs) parentPort.postMessage(await walkPattern(job))
}
