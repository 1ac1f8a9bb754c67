// The repository's own files: workflows that refer only to scripts, files, inputs and outputs that
// exist; action.yml metadata complete; script/release refusing a dirty tree and a stale dist/.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  appendFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const ROOT = join(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
const action = parse(read('action.yml')) as {
  name?: string
  description?: string
  author?: string
  branding?: { icon?: string; color?: string }
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
}
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
}
interface Workflow {
  on?: unknown
  permissions?: unknown
  jobs: Record<string, { steps: Step[]; permissions?: unknown }>
}

const workflowFiles = readdirSync(join(ROOT, '.github/workflows')).filter(f => /\.ya?ml$/.test(f))
const workflows = workflowFiles.map(
  file => [file, parse(read(`.github/workflows/${file}`)) as Workflow] as const
)

describe('action.yml', () => {
  it('is complete Marketplace metadata on the node24 runtime', () => {
    expect(action.name).toBeTruthy()
    expect(action.description).toBeTruthy()
    expect(action.author).toBeTruthy()
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    for (const [name, input] of Object.entries(action.inputs))
      expect(input.description, name).toBeTruthy()
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.description, name).toBeTruthy()
    expect(Object.keys(action.outputs)).toEqual(['status-code', 'results', 'retry-after'])
  })
})

describe('workflows', () => {
  it('exist and parse', () => {
    expect(workflowFiles).toContain('ci.yml')
    expect(parse(read('.github/dependabot.yml'))).toMatchObject({
      version: 2,
      updates: expect.arrayContaining([
        expect.objectContaining({ 'package-ecosystem': 'npm' }),
        expect.objectContaining({ 'package-ecosystem': 'github-actions' })
      ])
    })
  })

  it.each(workflows)(
    '%s grants the least permissions and pins third-party actions',
    (_, workflow) => {
      expect(workflow.permissions).toEqual({ contents: 'read' })
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps) {
          if (!step.uses || step.uses.startsWith('./')) continue
          expect(step.uses, 'a full version or a commit').toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/)
        }
      }
    }
  )

  it.each(workflows)(
    '%s refers only to scripts, files, inputs and outputs that exist',
    (_, workflow) => {
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        const ids = new Map(job.steps.filter(s => s.id).map(s => [s.id as string, s]))
        for (const step of job.steps) {
          const text = JSON.stringify(step)
          for (const [, script] of (step.run ?? '').matchAll(/npm run (?:--silent )?([\w:-]+)/g)) {
            expect(scripts, `${jobName}: npm run ${script}`).toHaveProperty([script as string])
          }
          for (const [, file] of (step.run ?? '').matchAll(
            /node ((?:standin|script)\/[\w./-]+)/g
          )) {
            expect(existsSync(join(ROOT, file as string)), `${jobName}: ${file}`).toBe(true)
          }
          if (step.uses === './') {
            for (const input of Object.keys(step.with ?? {})) {
              expect(action.inputs, `${jobName}: input ${input}`).toHaveProperty([input])
            }
            expect(step.with?.operation, `${jobName}: the required input`).toBeTruthy()
          }
          for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
            const target = ids.get(id as string)
            expect(target, `${jobName}: step ${id}`).toBeDefined()
            if (target?.uses === './')
              expect(action.outputs, `${jobName}: output ${output}`).toHaveProperty([
                output as string
              ])
          }
        }
      }
    }
  )

  it('run the action itself, with a dry run, against the stand-in', () => {
    const steps = Object.values(
      workflows.find(([file]) => file === 'ci.yml')?.[1].jobs ?? {}
    ).flatMap(j => j.steps)
    const own = steps.filter(s => s.uses === './')
    expect(own.length).toBeGreaterThanOrEqual(2)
    expect(own.some(s => s.with?.['dry-run'] === 'true')).toBe(true)
    expect(steps.some(s => s.run?.includes('node standin/certcentral-standin.js'))).toBe(true)
  })
})

describe('script/release', () => {
  let clone: string

  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), 'release-')), 'repo')
    execFileSync('git', ['clone', '-q', ROOT, clone])
    // Hard links: fast, and unlike a symlink they keep module paths inside the clone, which the
    // bundle's chunk names depend on. A plain copy where /tmp is another file system.
    const modules = [join(ROOT, 'node_modules'), join(clone, 'node_modules')]
    if (spawnSync('cp', ['-al', ...modules]).status !== 0) execFileSync('cp', ['-a', ...modules])
    for (const [key, value] of [
      ['user.email', 'release-test@example.com'],
      ['user.name', 'release test']
    ]) {
      execFileSync('git', ['config', key, value], { cwd: clone })
    }
  })
  afterAll(() => rmSync(join(clone, '..'), { recursive: true, force: true }))

  const release = (...args: string[]) =>
    spawnSync('bash', ['script/release', ...args], {
      cwd: clone,
      encoding: 'utf8',
      timeout: 60_000
    })
  const version = (JSON.parse(read('package.json')) as { version: string }).version

  it('would tag a clean tree with a fresh dist/', () => {
    const result = release(`v${version}`, '--dry-run')
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(`would tag v${version} and move v${version.split('.')[0]}`)
  })

  it('refuses a version that package.json does not have', () => {
    const result = release('v9.9.9', '--dry-run')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`package.json says ${version}, not 9.9.9`)
  })

  it('refuses a dirty tree', () => {
    writeFileSync(join(clone, 'scratch.txt'), 'x')
    const result = release(`v${version}`, '--dry-run')
    rmSync(join(clone, 'scratch.txt'))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('the working tree is not clean')
  })

  it('refuses a stale dist/', () => {
    appendFileSync(
      join(clone, 'src/index.ts'),
      '\nconsole.error("changed after the last bundle")\n'
    )
    execFileSync('git', ['commit', '-qam', 'change the source, not dist/'], { cwd: clone })
    const result = release(`v${version}`, '--dry-run')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('dist/ is stale')
    // and leaves the tree as it found it
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe(
      ''
    )
  })
})
