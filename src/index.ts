// The action's entry point: awaited, so a pending request can never end the process as a success.
// The same bundle is the certificate-file walk's worker thread (input/walk-worker.ts): started by
// inWorker from this file's URL, it only serves the walk its workerData names.
import { isMainThread } from 'node:worker_threads'
import { realClock } from './clock.js'
import { inWorker, serveWalk } from './input/walk-worker.js'
import { run } from './main.js'

if (isMainThread) await run(realClock, inWorker(new URL(import.meta.url)))
else await serveWalk()
