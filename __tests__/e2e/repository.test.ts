// The repository's own files. actionlint (npm run lint) checks the workflows' syntax, expressions,
// references to steps and permission scopes; this checks what it does not: least permissions,
// pinned third-party actions, the npm scripts and files a step names, the inputs and outputs of
// the action itself (`uses: ./`, which the WebAssembly actionlint does not resolve against
// action.yml), action.yml's metadata; and the tools that keep the repository honest: the README
// tables generated from action.yml, the licence check of dist/, the pinned Node 24, the one
// dist/ check and script/release.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { check as prettierCheck, resolveConfig } from 'prettier'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ALLOWED, isAllowed, licenseProblems } from '../../script/check-licenses.js'
import { cell, code, inputsTable, render, replaceSection } from '../../script/docs.js'
import { declaredLicense, parseLicenses } from '../../script/licenses.js'
import { NODE24_PACKAGE, node24 } from '../support/node24.js'

const ROOT = join(import.meta.dirname, '..', '..')
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
const packageJson = JSON.parse(read('package.json')) as {
  version: string
  scripts: Record<string, string>
  optionalDependencies?: Record<string, string>
}
const scripts = packageJson.scripts
const scratch = () => mkdtempSync(join(tmpdir(), 'repository-'))

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
  jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>
}

const workflowFiles = readdirSync(join(ROOT, '.github/workflows')).filter(f => /\.ya?ml$/.test(f))
const workflows = workflowFiles.map(
  file => [file, parse(read(`.github/workflows/${file}`)) as Workflow] as const
)
const ciSteps = Object.values(
  workflows.find(([file]) => file === 'ci.yml')?.[1].jobs ?? {}
).flatMap(j => j.steps)

/** The write scopes a job may have, by workflow file and job: nothing else writes. */
const WRITES: Record<string, Record<string, string[]>> = {
  'codeql.yml': { analyze: ['security-events'] }
}

/**
 * A clone of the repository's HEAD in a scratch directory, with node_modules hard-linked (fast,
 * and unlike a symlink it keeps module paths inside the clone, which the bundle's chunk names
 * depend on; a plain copy where /tmp is another file system).
 */
function cloneRepository(): string {
  const clone = join(scratch(), 'repo')
  execFileSync('git', ['clone', '-q', ROOT, clone])
  const modules = [join(ROOT, 'node_modules'), join(clone, 'node_modules')]
  if (spawnSync('cp', ['-al', ...modules]).status !== 0) execFileSync('cp', ['-a', ...modules])
  for (const [key, value] of [
    ['user.email', 'release-test@example.com'],
    ['user.name', 'release test']
  ]) {
    execFileSync('git', ['config', key, value], { cwd: clone })
  }
  return clone
}

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * script/release on a committed source change that dist/ does not carry, with the real npm run
 * bundle; started before the tests (see the last test) and awaited by the last one.
 */
let realBundle: Promise<{ dir: string; result: Run }>
let realBundleChild: ChildProcess | undefined
beforeAll(() => {
  const dir = cloneRepository()
  appendFileSync(join(dir, 'src/index.ts'), '\nconsole.error("changed after the last bundle")\n')
  execFileSync('git', ['commit', '-qam', 'change the source, not dist/'], { cwd: dir })
  const version = packageJson.version
  realBundle = new Promise((resolve, reject) => {
    // its own process group, so that afterAll can stop ncc too when the last test did not run
    const child = spawn('bash', ['script/release', `v${version}`, '--dry-run'], {
      cwd: dir,
      detached: true,
      timeout: 110_000
    })
    realBundleChild = child
    const result: Run = { status: null, stdout: '', stderr: '' }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (result.stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk))
    child.on('error', reject)
    child.on('close', status => resolve({ dir, result: { ...result, status } }))
  })
  // a failure here is reported by the last test, which awaits it
  realBundle.catch(() => undefined)
})
afterAll(async () => {
  const child = realBundleChild
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid)
    } catch {
      // already gone
    }
  }
  const { dir } = await realBundle.catch(() => ({ dir: undefined }))
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true })
})

describe('action.yml', () => {
  it('is complete Marketplace metadata on the node24 runtime', () => {
    expect(action.name).toBeTruthy()
    expect(action.description).toBeTruthy()
    expect(action.author).toBeTruthy()
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(Object.keys(action.inputs).length).toBeGreaterThan(0)
    expect(Object.keys(action.outputs).length).toBeGreaterThan(0)
    for (const [name, input] of Object.entries(action.inputs))
      expect(input.description, name).toBeTruthy()
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.description, name).toBeTruthy()
  })
})

describe('workflows', () => {
  it('exist and parse', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'codeql.yml']))
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
    (file, workflow) => {
      expect(workflow.permissions).toEqual({ contents: 'read' })
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        const writes = Object.entries(job.permissions ?? {})
          .filter(([, level]) => level === 'write')
          .map(([scope]) => scope)
        expect(writes, `${file}: ${jobName}`).toEqual(WRITES[file]?.[jobName] ?? [])
        for (const step of job.steps) {
          if (!step.uses || step.uses.startsWith('./')) continue
          expect(step.uses, 'pinned by full commit SHA').toMatch(/@[0-9a-f]{40}$/)
        }
      }
      // the tag the SHA stands for, in a comment on the same line (dependabot keeps both current)
      for (const line of read(`.github/workflows/${file}`).split('\n')) {
        if (/^\s*(?:- )?uses: (?!\.\/)/.test(line))
          expect(line, file).toMatch(/uses: \S+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
      }
    }
  )

  it('CodeQL analyses the TypeScript weekly and on every push and pull request', () => {
    const codeql = workflows.find(([file]) => file === 'codeql.yml')?.[1]
    expect(codeql?.on).toMatchObject({
      push: expect.anything(),
      pull_request: null,
      schedule: [{ cron: expect.stringMatching(/^\S+ \S+ \* \* \d$/) }]
    })
    const steps = Object.values(codeql?.jobs ?? {}).flatMap(j => j.steps)
    const init = steps.find(s => s.uses?.startsWith('github/codeql-action/init@'))
    expect(init?.with?.languages).toBe('javascript-typescript')
    expect(steps.some(s => s.uses?.startsWith('github/codeql-action/analyze@'))).toBe(true)
  })

  it.each(workflows)(
    '%s refers only to scripts, files, inputs and outputs that exist',
    (_, workflow) => {
      const required = Object.entries(action.inputs)
        .filter(([, input]) => input.required)
        .map(([name]) => name)
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        const ids = new Map(job.steps.filter(s => s.id).map(s => [s.id as string, s]))
        for (const step of job.steps) {
          for (const [, script] of (step.run ?? '').matchAll(/npm run (?:--silent )?([\w:-]+)/g)) {
            expect(scripts, `${jobName}: npm run ${script}`).toHaveProperty([script as string])
          }
          for (const [, file] of (step.run ?? '').matchAll(
            /(?:^|\s)((?:standin|script)\/[\w./-]+)/g
          )) {
            expect(existsSync(join(ROOT, file as string)), `${jobName}: ${file}`).toBe(true)
          }
          if (step.uses === './') {
            for (const input of Object.keys(step.with ?? {})) {
              expect(action.inputs, `${jobName}: input ${input}`).toHaveProperty([input])
            }
            for (const input of required) {
              expect(step.with?.[input], `${jobName}: required input ${input}`).toBeTruthy()
            }
          }
          // actionlint reports a step id that does not exist; it types a local action's outputs
          // as any string, so a misspelt output of the action itself is caught here.
          for (const [, id, output] of JSON.stringify(step).matchAll(
            /steps\.([\w-]+)\.outputs\.([\w-]+)/g
          )) {
            if (ids.get(id as string)?.uses === './')
              expect(action.outputs, `${jobName}: output ${output}`).toHaveProperty([
                output as string
              ])
          }
        }
      }
    }
  )

  it('run the action itself, with a dry run, against the stand-in', () => {
    const own = ciSteps.filter(s => s.uses === './')
    expect(own.length).toBeGreaterThanOrEqual(2)
    expect(own.some(s => s.with?.['dry-run'] === 'true')).toBe(true)
    expect(ciSteps.some(s => s.run?.includes('node standin/certcentral-standin.js'))).toBe(true)
  })

  it('are linted by actionlint in npm run lint, which fails on a broken workflow', () => {
    expect(scripts.lint).toContain('npm run --silent lint:workflows')
    const dir = scratch()
    try {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true })
      for (const file of workflowFiles)
        copyFileSync(join(ROOT, '.github/workflows', file), join(dir, '.github/workflows', file))
      writeFileSync(
        join(dir, '.github/workflows/broken.yml'),
        [
          'on: push',
          'jobs:',
          '  a:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - id: one',
          '        run: echo "${{ steps.two.outputs.x }}"',
          ''
        ].join('\n')
      )
      const result = spawnSync('sh', ['-c', scripts['lint:workflows'] as string], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          FORCE_COLOR: '0',
          PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH}`
        },
        timeout: 60_000
      })
      expect(result.stdout).toContain(`Checking ${workflowFiles.length + 1} workflow file(s)`)
      expect(result.stdout).toMatch(/broken\.yml:7:\d+ property "two" is not defined/)
      // the repository's own workflows are clean
      expect(result.stdout).not.toMatch(/^\.github\/workflows\/(?!broken\.yml)/m)
      expect(result.status).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('repository', () => {
  it('has code owners and marks dist/ as generated', () => {
    expect(read('.github/CODEOWNERS')).toMatch(/^\* @your-org\/\S+$/m)
    const attrs = execFileSync('git', ['check-attr', 'linguist-generated', '--', 'dist/index.js'], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    expect(attrs.trim()).toBe('dist/index.js: linguist-generated: true')
  })

  it('has one dist/ check, which CI, the workflow and script/release use', () => {
    expect(read('script/check-dist')).toContain('git status --porcelain -- dist')
    for (const file of ['.ci/run', 'script/release', '.github/workflows/ci.yml']) {
      expect(read(file), file).toMatch(/^\s*(?:run: )?script\/check-dist\b/m)
      expect(read(file), file).not.toContain('--porcelain -- dist')
    }
    expect(read('script/release')).toMatch(/script\/check-dist --restore/)
  })

  it('CI checks the README tables and the bundled licences', () => {
    const ci = read('.ci/run')
    expect(ci).toContain('npm run --silent docs -- --check')
    expect(ci).toContain('node script/check-licenses.js')
    expect(ciSteps.some(s => s.run === 'npm run docs -- --check')).toBe(true)
    expect(ciSteps.some(s => s.run === 'node script/check-licenses.js')).toBe(true)
  })
})

describe('README tables (npm run docs)', () => {
  const readmePath = join(ROOT, 'README.md')
  const withInput = (name: string, yaml: string) =>
    read('action.yml').replace(/^outputs:/m, `  ${name}:\n${yaml}\noutputs:`)

  it('are what npm run docs writes from action.yml', async () => {
    const readme = read('README.md')
    expect(await render(readme, read('action.yml'), readmePath), 'run npm run docs').toBe(readme)
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)])
      expect(readme).toContain(`| \`${name}\``)
  })

  it('take a new input, folded descriptions and pipes, and stay as Prettier formats them', async () => {
    const yaml = withInput(
      'deliver-by',
      [
        '    description: >-',
        '      Wait for the order to be issued: `true` | `false`,',
        '      checked every 10 s.',
        '    required: false',
        "    default: 'false'"
      ].join('\n')
    )
    const readme = await render(read('README.md'), yaml, readmePath)
    const row = readme.split('\n').find(line => line.startsWith('| `deliver-by`'))
    expect(row).toMatch(
      /^\| `deliver-by` +\| no +\| `false` +\| Wait for the order to be issued: `true` \\\| `false`, checked every 10 s\. +\|$/
    )
    // four cells: the pipe in the description does not open a fifth
    expect(row?.split(/(?<!\\)\|/).length).toBe(6)
    expect(await render(readme, yaml, readmePath)).toBe(readme)
    const options = (await resolveConfig(readmePath)) ?? {}
    expect(await prettierCheck(readme, { ...options, filepath: readmePath })).toBe(true)
  })

  it('render cells and defaults safely', () => {
    expect(cell('one\ntwo\n\nthree | four')).toBe('one two<br>three \\| four')
    expect(cell(undefined)).toBe('')
    expect(code('a`b')).toBe('``a`b``')
    expect(code('`a')).toBe('`` `a ``')
    expect(
      inputsTable({
        inputs: { n: { description: 'd', default: 30 as unknown as string, required: 'true' } }
      })
    ).toContain('| `n` | yes | `30` | d |')
    expect(inputsTable({ inputs: null })).toBe('This action has no inputs.')
  })

  it('go between marker lines, which must be there once each', () => {
    const readme =
      'Run `<!-- inputs:start -->` …\n<!-- inputs:start -->\nold\n<!-- inputs:end -->\nafter\n'
    expect(replaceSection(readme, 'inputs', 'new')).toBe(
      'Run `<!-- inputs:start -->` …\n<!-- inputs:start -->\n\nnew\n\n<!-- inputs:end -->\nafter\n'
    )
    expect(() => replaceSection('no markers', 'inputs', 'new')).toThrow(
      'README.md needs one line <!-- inputs:start --> followed by one line <!-- inputs:end -->'
    )
    expect(() => replaceSection(`${readme}<!-- inputs:end -->\n`, 'inputs', 'new')).toThrow()
  })

  it('--check fails when src/action-metadata.ts differs from action.yml; npm run docs rewrites it', () => {
    const dir = scratch()
    try {
      for (const file of ['README.md', '.prettierrc.json', 'action.yml'])
        copyFileSync(join(ROOT, file), join(dir, file))
      const docs = (...args: string[]) =>
        spawnSync(process.execPath, [join(ROOT, 'script/docs.js'), ...args], {
          cwd: dir,
          encoding: 'utf8'
        })
      // missing is stale too
      const missing = docs('--check')
      expect(missing.status).toBe(1)
      expect(missing.stderr).toContain('src/action-metadata.ts is stale')
      expect(docs().status).toBe(0)
      expect(readFileSync(join(dir, 'src/action-metadata.ts'), 'utf8')).toBe(
        read('src/action-metadata.ts')
      )
      expect(docs('--check').status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--check fails when action.yml gains an output; npm run docs adds it to ACTION_OUTPUTS, in order', () => {
    const dir = scratch()
    try {
      for (const file of ['README.md', '.prettierrc.json'])
        copyFileSync(join(ROOT, file), join(dir, file))
      mkdirSync(join(dir, 'src'))
      copyFileSync(join(ROOT, 'src/action-metadata.ts'), join(dir, 'src/action-metadata.ts'))
      const yaml = read('action.yml').replace(
        /\nruns:/,
        '  extra-ids:\n    description: IDs of a new kind.\n\nruns:'
      )
      writeFileSync(join(dir, 'action.yml'), yaml)
      const docs = (...args: string[]) =>
        spawnSync(process.execPath, [join(ROOT, 'script/docs.js'), ...args], {
          cwd: dir,
          encoding: 'utf8'
        })
      const stale = docs('--check')
      expect(stale.status).toBe(1)
      expect(stale.stderr).toContain(
        'docs: src/action-metadata.ts is stale: its inputs or outputs differ from action.yml; run npm run docs and commit it'
      )
      expect(docs().status).toBe(0)
      const names = Object.keys(action.outputs).map(name => `'${name}'`)
      expect(readFileSync(join(dir, 'src/action-metadata.ts'), 'utf8')).toContain(
        `export const ACTION_OUTPUTS = [\n  ${[...names, "'extra-ids'"].join(',\n  ')}\n] as const`
      )
      expect(docs('--check').status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--check fails, changing nothing, when README.md is stale; npm run docs fixes it', () => {
    const dir = scratch()
    try {
      for (const file of ['README.md', '.prettierrc.json'])
        copyFileSync(join(ROOT, file), join(dir, file))
      writeFileSync(
        join(dir, 'action.yml'),
        withInput('deliver-by', "    description: Wait.\n    default: 'false'")
      )
      const docs = (...args: string[]) =>
        spawnSync(process.execPath, [join(ROOT, 'script/docs.js'), ...args], {
          cwd: dir,
          encoding: 'utf8'
        })
      const stale = docs('--check')
      expect(stale.stderr).toContain(
        'README.md is stale: its inputs table differs from action.yml; run npm run docs'
      )
      expect(stale.status).toBe(1)
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(read('README.md'))
      expect(docs().status).toBe(0)
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('| `deliver-by`')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('bundled licences (script/check-licenses.js)', () => {
  const dist = join(ROOT, 'dist')
  const copyDist = (edit: (licenses: string) => string) => {
    const dir = scratch()
    for (const file of readdirSync(dist)) copyFileSync(join(dist, file), join(dir, file))
    writeFileSync(join(dir, 'licenses.txt'), edit(readFileSync(join(dist, 'licenses.txt'), 'utf8')))
    return dir
  }
  const checkLicenses = (dir: string) =>
    spawnSync(process.execPath, [join(ROOT, 'script/check-licenses.js'), dir], {
      encoding: 'utf8'
    })

  it('dist/licenses.txt lists every bundled package, each under an allowed licence', () => {
    const { packages, problems } = licenseProblems(dist)
    expect(problems).toEqual([])
    expect(packages.map(p => p.name)).toEqual(
      expect.arrayContaining(['@actions/core', '@actions/http-client', 'undici'])
    )
    for (const p of packages) expect(p.text, p.name).not.toBe('')
  })

  it('fails on a licence that is not on the allow-list, naming the package', () => {
    const dir = copyDist(text => text.replace(/^(undici \S+\nLicense: )MIT$/m, '$1GPL-3.0-only'))
    try {
      const result = checkLicenses(dir)
      expect(result.stderr).toMatch(/undici \S+ \(node_modules\/undici\) is under GPL-3.0-only/)
      expect(result.status).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails when a bundled package is missing from licenses.txt', () => {
    const dir = copyDist(text => {
      const rule = '='.repeat(80)
      return text
        .split(rule)
        .filter(entry => !entry.startsWith('\nundici '))
        .join(rule)
    })
    try {
      const result = checkLicenses(dir)
      expect(result.stderr).toContain('bundles node_modules/undici, which')
      expect(result.status).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads SPDX expressions and package.json licence fields', () => {
    expect(ALLOWED).toEqual(expect.arrayContaining(['MIT', 'ISC', 'Apache-2.0']))
    expect(isAllowed('MIT')).toBe(true)
    expect(isAllowed('(MIT OR GPL-3.0-only)')).toBe(true)
    expect(isAllowed('Apache-2.0 AND (ISC OR GPL-2.0-only)')).toBe(true)
    for (const bad of [
      'GPL-3.0-only',
      'MIT AND GPL-3.0-only',
      'GPL-2.0-only WITH Classpath-exception-2.0',
      'SEE LICENSE IN LICENSE.txt',
      'UNKNOWN',
      '(MIT',
      'MIT OR',
      ''
    ])
      expect(isAllowed(bad), bad).toBe(false)
    expect(declaredLicense({ license: 'ISC' })).toBe('ISC')
    expect(declaredLicense({ license: { type: 'MIT' } })).toBe('MIT')
    expect(declaredLicense({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe(
      '(MIT OR Apache-2.0)'
    )
    expect(declaredLicense({})).toBe('UNKNOWN')
    expect(() => parseLicenses(`head\n${'='.repeat(80)}\nnot an entry\n`)).toThrow(/entry 1/)
  })
})

describe('Node 24 for the end-to-end tests', () => {
  it('is the pinned package from package-lock.json, unless $NODE24 names another', () => {
    const version = execFileSync(node24(), ['--version'], { encoding: 'utf8' }).trim()
    expect(version).toMatch(/^v24\./)
    const pinned = packageJson.optionalDependencies?.[NODE24_PACKAGE]
    expect(pinned).toMatch(/^24\.\d+\.\d+$/)
    if (!process.env.NODE24) {
      expect(node24()).toBe(join(ROOT, 'node_modules', NODE24_PACKAGE, 'bin/node'))
      expect(version).toBe(`v${pinned}`)
    }
  })

  it('does not shadow the machine’s node in npm scripts', () => {
    // npm puts node_modules/.bin first on PATH; script/postinstall.js removes the package's link
    expect(existsSync(join(ROOT, 'node_modules/.bin/node')), 'run npm ci').toBe(false)
    expect(process.execPath).not.toBe(node24())
    expect(process.execPath).not.toContain('node_modules')
  })
})

describe('script/check-dist and script/release', () => {
  let clone: string
  let stubs: string

  beforeAll(() => {
    clone = cloneRepository()
    stubs = join(clone, '..', 'stubs')
    mkdirSync(stubs)
  })
  afterAll(() => rmSync(join(clone, '..'), { recursive: true, force: true }))

  const clean = (dir = clone) =>
    execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })
  /**
   * Runs a script in the clone, with `npm` a stub that runs the shell code `bundle` for
   * `npm run --silent bundle` (and fails on anything else): these tests do not wait for ncc.
   */
  const run = (script: string, args: string[], bundle: string) => {
    writeFileSync(
      join(stubs, 'npm'),
      `#!/bin/sh\n[ "$*" = "run --silent bundle" ] || { echo "npm stub: $*" >&2; exit 99; }\n${bundle}\n`,
      { mode: 0o755 }
    )
    return spawnSync('bash', [script, ...args], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${stubs}${delimiter}${process.env.PATH}` },
      timeout: 20_000
    })
  }
  const version = packageJson.version
  const STALE = 'echo "// not what the sources bundle to" >> dist/index.js'

  it('check-dist passes when the bundle leaves dist/ as committed', () => {
    const result = run('script/check-dist', [], 'exit 0')
    expect(result.stdout).toContain('dist/ is what npm run bundle makes from the sources')
    expect(result.status).toBe(0)
  })

  it('check-dist fails on a changed dist/ and leaves the new one to commit', () => {
    const result = run('script/check-dist', [], `${STALE}; echo new > dist/extra.js`)
    expect(result.stderr).toContain('dist/ is stale')
    expect(result.stderr).toContain('M dist/index.js')
    expect(result.stderr).toContain('?? dist/extra.js')
    expect(result.status).toBe(1)
    expect(clean()).toBe(' M dist/index.js\n?? dist/extra.js\n')
    execFileSync('git', ['checkout', '-q', '--', 'dist'], { cwd: clone })
    execFileSync('git', ['clean', '-qfd', '--', 'dist'], { cwd: clone })
  })

  it('check-dist fails when the bundle fails, showing its output', () => {
    const result = run('script/check-dist', [], 'echo "ncc: boom" >&2; exit 1')
    expect(result.stderr).toContain('ncc: boom')
    expect(result.stderr).toContain('check-dist: npm run bundle failed')
    expect(result.status).toBe(1)
  })

  it('release would tag a clean tree with a fresh dist/', () => {
    const result = run('script/release', [`v${version}`, '--dry-run'], 'exit 0')
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(`would tag v${version} and move v${version.split('.')[0]}`)
  })

  it('release refuses a stale dist/ and puts the committed one back', () => {
    const result = run('script/release', [`v${version}`, '--dry-run'], STALE)
    expect(result.stderr).toContain('dist/ is stale')
    expect(result.stderr).toContain('release: not tagging')
    expect(result.status).toBe(1)
    expect(clean()).toBe('')
  })

  it('release refuses a version that package.json does not have', () => {
    const result = run('script/release', ['v9.9.9', '--dry-run'], 'exit 99')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`package.json says ${version}, not 9.9.9`)
  })

  it('release refuses a dirty tree', () => {
    writeFileSync(join(clone, 'scratch.txt'), 'x')
    const result = run('script/release', [`v${version}`, '--dry-run'], 'exit 99')
    rmSync(join(clone, 'scratch.txt'))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('the working tree is not clean')
  })

  // The one slow check in this file: nothing short of rebuilding dist/ from a changed source
  // shows that a stale dist/ is really caught, so this runs the real npm run bundle (ncc
  // type-checks and bundles the whole action: about 10 s on an idle machine, several times that
  // on a busy one), through script/release and script/check-dist --restore, in a clone of its
  // own. It was started before the first test of this file (realBundle, at the top), so ncc
  // works on one core while the other tests run on the other; this test only awaits it.
  it('release refuses a stale dist/ that the real npm run bundle finds', async () => {
    const { dir, result } = await realBundle
    expect(result.stderr).toContain('M dist/index.js')
    expect(result.stderr).toContain('dist/ is stale')
    expect(result.stderr).toContain('release: not tagging')
    expect(result.status).toBe(1)
    expect(clean(dir)).toBe('')
  }, 120_000)
})
