// End-to-end (issue 26): the certificate-file walk in the bundle's worker thread, as the action
// runs it (dist/index.js re-entered as the worker, src/input/walk-worker.ts's inWorker): the same
// readings as the walk in this thread, a walk past its bound in time stopped with the patterns
// named, and a cancelled walk stopped at once, the worker terminated either way. The tree that
// takes long is a linkedTree (10^8 paths through symbolic links, made in a moment). Run under this
// machine's Node; __tests__/e2e/inputs.test.ts cancels the same walk in a whole run under Node 24 too.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../standin/run-action.js'
import { MatchingCancelled, readCertificateFiles } from '../../src/input/certificate-file.js'
import { inThread } from '../../src/input/glob-walk.js'
import { inWorker } from '../../src/input/walk-worker.js'
import { linkedTree, makeCertificates, type Certificates } from '../support/certificates.js'

const BUNDLE = join(ROOT, 'dist', 'index.js')
let certs: Certificates

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error('dist/index.js is missing: run npm run bundle first')
  certs = await makeCertificates()
  const leaf = await certs.leaf({ commonName: 'walk.example.com' })
  certs.writeLeaf(leaf, 'certs/a/cert.pem')
  certs.writeFullChain(leaf, 'certs/a/fullchain.pem')
  certs.writeCaOnly('certs/a/chain.pem')
  certs.writePrivateKey(leaf, 'certs/b/privkey.pem')
  certs.writeLeaf(leaf, 'certs/.hidden/cert.pem')
  linkedTree(join(certs.dir, 'long'))
})
afterAll(() => certs?.cleanup())

const worker = () => inWorker(pathToFileURL(BUNDLE))

describe("the walk in dist/index.js's worker thread", () => {
  it('reads what the walk in this thread reads', async () => {
    const lines = ['certs/**/*.pem', '!certs/**/chain.pem', '!certs/b/*', 'certs/b', 'missing/*']
    const inWorkerReadings = await readCertificateFiles(lines, certs.dir, { walker: worker() })
    expect(inWorkerReadings).toEqual(
      await readCertificateFiles(lines, certs.dir, { walker: inThread })
    )
    expect(inWorkerReadings.map(r => [r.path, 'problem' in r ? r.problem : 'read'])).toEqual([
      ['certs/a/cert.pem', 'read'],
      ['certs/a/fullchain.pem', 'read'],
      ['certs/b', expect.stringMatching(/^matches a directory \("certs\/b"\), not a file/)],
      ['missing/*', expect.stringMatching(/^matches no file/)]
    ])
  })

  it('stops a walk past its bound, naming the patterns not matched, and goes on at once', async () => {
    const started = performance.now()
    const readings = await readCertificateFiles(
      ['certs/a/cert.pem', 'long/**/x', 'certs/*'],
      certs.dir,
      {
        walker: worker(),
        boundMs: 1500
      }
    )
    expect(performance.now() - started).toBeLessThan(5000)
    const late = expect.stringMatching(/^was not matched within 1.5 s \(the bound on matching all/)
    expect(readings).toEqual([
      {
        path: 'certs/a/cert.pem',
        facts: expect.objectContaining({ commonName: 'walk.example.com' })
      },
      { path: 'long/**/x', problem: late },
      { path: 'certs/*', problem: late }
    ])
  })

  it('stops a cancelled walk at once', async () => {
    const cancel = new AbortController()
    const reading = readCertificateFiles(['long/**/x'], certs.dir, {
      walker: worker(),
      signal: cancel.signal
    })
    reading.catch(() => {})
    await new Promise(resolve => setTimeout(resolve, 1000))
    const cancelledAt = performance.now()
    cancel.abort()
    await expect(reading).rejects.toBeInstanceOf(MatchingCancelled)
    expect(performance.now() - cancelledAt).toBeLessThan(1000)
  })
})
