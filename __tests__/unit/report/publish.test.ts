// Unit tests of src/report/publish.ts: publishing a report writes exactly the expected workflow
// commands on stdout, the GITHUB_OUTPUT file and the GITHUB_STEP_SUMMARY file, with the real
// @actions/core, read back the way the runner reads them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { publish, runLink as linkOf } from '../../../src/report/publish.js'
import { Context } from '../../../src/run-context.js'
import type { Report } from '../../../src/report/report.js'
import { parseOutputFile } from '../../../standin/run-action.js'
import { NOTHING_SENT_OUTPUT_ORDER, RUN_OUTPUT_ORDER } from '../../support/outputs.js'
import { actAsRunner, messagesOf, workflowCommands } from '../../support/log.js'

// core.summary remembers the first file it wrote to, so every test shares one, emptied first.
const dir = mkdtempSync(join(tmpdir(), 'publish-'))
const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md') }
let printed: string[]

beforeEach(() => {
  vi.stubEnv('GITHUB_REPOSITORY', undefined)
  vi.stubEnv('GITHUB_RUN_ID', undefined)
  printed = actAsRunner(files)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  core.summary.emptyBuffer()
  process.exitCode = undefined
})

const stdout = (): string => printed.join('')
const outputFile = (): string => readFileSync(files.output, 'utf8')
const summary = (): string => readFileSync(files.summary, 'utf8')

/** A report with every part, texts that need escaping included. */
const full: Report = {
  dryRunLog: {
    lines: ['dry-run: nothing is sent; 1 order ID(s) validated', 'body:\n{\n  "a": 1\n}'],
    group: { title: 'the requests that would be made (1)', lines: ['GET https://x.test/order/1'] }
  },
  outputs: {
    'status-code': '404',
    results: '[{"id":"1"}]',
    'sent-ids': '2',
    'failed-ids': '1',
    'unsent-ids': '',
    'skipped-ids': '',
    'retry-after': '30'
  },
  warnings: ['results: cut', '100% of it\nagain'],
  summary: '<h2>DigiCert CertCentral: send-certificate</h2>\n<table></table>',
  errors: [
    { message: 'certificate 3: HTTP 500', title: 'send-certificate failed for certificate 3' },
    { message: 'certificate 4: a: b, c', title: 'x: y, z' }
  ],
  verdict: 'send-certificate: 2 failed\nof 3'
}

describe('publish', () => {
  it('publishes every part in order: log, outputs, warnings, summary, annotations, verdict', async () => {
    await publish(full)
    expect(stdout()).toBe(
      [
        'dry-run: nothing is sent; 1 order ID(s) validated',
        'body:',
        '{',
        '  "a": 1',
        '}',
        '::group::the requests that would be made (1)',
        'GET https://x.test/order/1',
        '::endgroup::',
        '::warning::results: cut',
        '::warning::100%25 of it%0Aagain',
        '::error title=send-certificate failed for certificate 3::certificate 3: HTTP 500',
        '::error title=x%3A y%2C z::certificate 4: a: b, c',
        '::error::send-certificate: 2 failed%0Aof 3',
        ''
      ].join('\n')
    )
    expect(workflowCommands(stdout()).filter(c => c.name === 'error')).toEqual([
      expect.objectContaining({
        props: { title: 'send-certificate failed for certificate 3' },
        message: 'certificate 3: HTTP 500'
      }),
      expect.objectContaining({ props: { title: 'x: y, z' }, message: 'certificate 4: a: b, c' }),
      expect.objectContaining({ props: {}, message: 'send-certificate: 2 failed\nof 3' })
    ])
    expect(messagesOf(stdout(), 'warning')).toEqual(['results: cut', '100% of it\nagain'])
    expect(parseOutputFile(outputFile())).toEqual(full.outputs)
    expect([...outputFile().matchAll(/^([a-z-]+)<</gm)].map(m => m[1])).toEqual(RUN_OUTPUT_ORDER)
    expect(summary()).toBe(`${full.summary}\n`)
    expect(process.exitCode).toBe(1)
  })

  it('sets the outputs in the order of the report', async () => {
    await publish({
      outputs: {
        'status-code': '',
        'sent-ids': '',
        'failed-ids': '',
        'retry-after': '',
        'unsent-ids': '1,2',
        'skipped-ids': '',
        results: '[]'
      },
      warnings: [],
      errors: []
    })
    expect([...outputFile().matchAll(/^([a-z-]+)<</gm)].map(m => m[1])).toEqual(
      NOTHING_SENT_OUTPUT_ORDER
    )
    expect(parseOutputFile(outputFile())['unsent-ids']).toBe('1,2')
  })

  it('publishes only the parts a report has: warnings alone, or the verdict alone', async () => {
    await publish({ warnings: ['w1', 'w2'], errors: [] })
    expect(stdout()).toBe('::warning::w1\n::warning::w2\n')
    expect(outputFile()).toBe('')
    expect(summary()).toBe('')
    expect(process.exitCode).toBeUndefined()

    printed.length = 0
    await publish({ warnings: [], errors: [], verdict: 'unexpected error: x' })
    expect(stdout()).toBe('::error::unexpected error: x\n')
    expect(outputFile()).toBe('')
    expect(summary()).toBe('')
    expect(process.exitCode).toBe(1)
  })
})

describe('publish: outputs that cannot be written', () => {
  /** A run that sent 4 and 6 and failed 5: everything a report has but the dry-run log. */
  const run: Report = {
    ...full,
    dryRunLog: undefined,
    verdict: 'send-certificate: 1 failed of 3 certificates. First failure: certificate 5: HTTP 404',
    sent: { operation: 'send-certificate', ids: ['4', '6'] }
  }
  const lost = (reason: string): string =>
    `send-certificate: 2 sent (4, 6), but the outputs could not be written (${reason}): do not send these again`

  it.each([
    ['a directory', (): string => dir, 'EISDIR: illegal operation on a directory'],
    [
      'a missing file',
      (): string => join(dir, 'gone', 'output'),
      `Missing file at path: ${join(dir, 'gone', 'output')}`
    ],
    ['a full disk', (): string => '/dev/full', 'ENOSPC: no space left on device']
  ])(
    '%s: the warnings, the summary and the annotations still go out, and the verdict names the IDs sent',
    async (_, path, reason) => {
      vi.stubEnv('GITHUB_OUTPUT', path())
      await publish(run)
      expect(messagesOf(stdout(), 'warning')).toEqual(full.warnings)
      expect(messagesOf(stdout(), 'error')).toEqual([
        'certificate 3: HTTP 500',
        'certificate 4: a: b, c',
        `${lost(reason)}. ${run.verdict}`
      ])
      expect(stdout()).toContain('\nthe outputs could not be written; sent (2):\n4,6\n')
      expect(summary()).toBe(
        `<p><strong>${lost(reason).replace(/_/g, '&#95;')}</strong></p>\n<p>Sent (2): 4, 6</p>\n${full.summary}\n`
      )
      expect(process.exitCode).toBe(1)
    }
  )

  it('an unwritable file: the same, whatever the reason the system gives', async () => {
    // Read-only to everyone, root included (a chmod would not stop root).
    vi.stubEnv('GITHUB_OUTPUT', '/proc/version')
    await publish({ ...run, verdict: undefined })
    expect(messagesOf(stdout(), 'error').at(-1)).toMatch(
      /^send-certificate: 2 sent \(4, 6\), but the outputs could not be written \((EIO: i\/o error|EACCES: permission denied)\): do not send these again$/
    )
    expect(summary()).toContain('<p>Sent (2): 4, 6</p>')
  })

  it('and the summary cannot be written either: a warning, the verdict still names the IDs sent', async () => {
    vi.stubEnv('GITHUB_OUTPUT', dir)
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce(new Error('ENOSPC: no space left'))
    await publish({ ...run, verdict: undefined })
    expect(messagesOf(stdout(), 'warning').at(-1)).toBe(
      'could not write the job summary: ENOSPC: no space left'
    )
    expect(messagesOf(stdout(), 'error').at(-1)).toBe(
      lost('EISDIR: illegal operation on a directory')
    )
  })
})

describe('publish: the summary', () => {
  const report = (html: string): Report => ({ warnings: [], errors: [], summary: html })

  it('links the run on its own line after the summary, only with both repository and run', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
    vi.stubEnv('GITHUB_RUN_ID', '77')
    vi.stubEnv('GITHUB_SERVER_URL', 'https://ghe.example.com')
    await publish(report('<table></table>'))
    expect(summary()).toBe(
      '<table></table>\n<a href="https://ghe.example.com/acme/certs/actions/runs/77">Workflow run</a>\n'
    )

    for (const unset of ['GITHUB_REPOSITORY', 'GITHUB_RUN_ID']) {
      writeFileSync(files.summary, '')
      vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
      vi.stubEnv('GITHUB_RUN_ID', '77')
      vi.stubEnv(unset, '')
      await publish(report('<table></table>'))
      expect(summary()).toBe('<table></table>\n')
    }
  })

  it('never reads the event file: one that is missing or unreadable changes nothing', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/certs')
    vi.stubEnv('GITHUB_RUN_ID', '77')
    vi.stubEnv('GITHUB_SERVER_URL', '')
    for (const path of [join(dir, 'no-such-event.json'), dir, '/proc/self/mem']) {
      writeFileSync(files.summary, '')
      vi.stubEnv('GITHUB_EVENT_PATH', path)
      await publish(report('<p>x</p>'))
      expect(summary()).toBe(
        '<p>x</p>\n<a href="https://github.com/acme/certs/actions/runs/77">Workflow run</a>\n'
      )
      expect(stdout()).toBe('')
    }
  })

  it('a summary that cannot be written is a warning; the verdict still goes out', async () => {
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce(new Error('ENOENT: no such file'))
    await publish({ ...report('<p>one</p>'), verdict: 'failed' })
    expect(stdout()).toBe(
      '::warning::could not write the job summary: ENOENT: no such file\n::error::failed\n'
    )
  })

  it('a summary that failed to write leaves nothing behind for the next one', async () => {
    vi.spyOn(core.summary, 'write').mockRejectedValueOnce('disk full')
    await publish(report('<h2>one</h2>'))
    expect(messagesOf(stdout(), 'warning')).toEqual(['could not write the job summary: disk full'])
    await publish(report('<h2>two</h2>'))
    expect(summary()).toBe('<h2>two</h2>\n')
  })

  it('writes no summary without GITHUB_STEP_SUMMARY, and says nothing', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '')
    await publish(report('<p>x</p>'))
    expect(summary()).toBe('')
    expect(stdout()).toBe('')
  })
})

describe('runLink', () => {
  /** The link from @actions/github's context under these runner variables (and no event file). */
  const runLink = (env: Record<string, string | undefined>): string | undefined => {
    vi.stubEnv('GITHUB_EVENT_PATH', undefined)
    for (const name of ['GITHUB_SERVER_URL', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID'])
      vi.stubEnv(name, env[name])
    return linkOf(new Context())
  }
  const run = { GITHUB_REPOSITORY: 'acme/certs', GITHUB_RUN_ID: '77' }
  it.each([
    [run, 'https://github.com/acme/certs/actions/runs/77'],
    [{ ...run, GITHUB_SERVER_URL: '' }, 'https://github.com/acme/certs/actions/runs/77'],
    [
      { ...run, GITHUB_SERVER_URL: 'https://ghe.example.com/' },
      'https://ghe.example.com/acme/certs/actions/runs/77'
    ],
    [
      { ...run, GITHUB_SERVER_URL: 'https://ghe.example.com/git//' },
      'https://ghe.example.com/git/acme/certs/actions/runs/77'
    ],
    [
      { ...run, GITHUB_SERVER_URL: 'http://127.0.0.1:8080' },
      'http://127.0.0.1:8080/acme/certs/actions/runs/77'
    ],
    [
      { GITHUB_REPOSITORY: 'my-org/repo.name_2', GITHUB_RUN_ID: '1' },
      'https://github.com/my-org/repo.name_2/actions/runs/1'
    ],
    // Values no runner sets, as @actions/github's context reads them (the first two parts of the
    // repository, the run ID by parseInt), as in every action that links its run with it.
    [
      { ...run, GITHUB_REPOSITORY: 'acme/certs/x' },
      'https://github.com/acme/certs/actions/runs/77'
    ],
    [{ ...run, GITHUB_RUN_ID: '7a' }, 'https://github.com/acme/certs/actions/runs/7'],
    [{ ...run, GITHUB_RUN_ID: ' 77' }, 'https://github.com/acme/certs/actions/runs/77']
  ])('%j links %s', (env, link) => {
    expect(runLink(env)).toBe(link)
  })

  it.each([
    {},
    { GITHUB_REPOSITORY: 'acme/certs' },
    { GITHUB_RUN_ID: '77' },
    { ...run, GITHUB_REPOSITORY: 'acme' },
    { ...run, GITHUB_REPOSITORY: 'acme/<b>' },
    { ...run, GITHUB_REPOSITORY: ' acme/certs' },
    { ...run, GITHUB_SERVER_URL: 'not a url' },
    { ...run, GITHUB_SERVER_URL: 'javascript:alert(1)' },
    { ...run, GITHUB_SERVER_URL: 'ftp://ghe.example.com' },
    { ...run, GITHUB_RUN_ID: '0' },
    { ...run, GITHUB_RUN_ID: '-3' },
    { ...run, GITHUB_REPOSITORY: 'acme/' },
    { ...run, GITHUB_REPOSITORY: 'acme/certs<b>' },
    { ...run, GITHUB_REPOSITORY: 'acme<b>/certs' },
    { ...run, GITHUB_REPOSITORY: '/certs' }
  ])('%j links nothing', env => {
    expect(runLink(env)).toBeUndefined()
  })
})

describe('runLink from the event payload', () => {
  it("takes the repository from the payload when GITHUB_REPOSITORY is unset (context.repo's rule), none from one without an owner", () => {
    const run = { serverUrl: 'https://github.com', runId: 5 }
    const payload = { repository: { name: 'certs', owner: { login: 'acme' } } }
    vi.stubEnv('GITHUB_REPOSITORY', undefined)
    const context = Object.assign(new Context(), run, { payload })
    expect(linkOf(context)).toBe('https://github.com/acme/certs/actions/runs/5')
    expect(linkOf(Object.assign(new Context(), run, { payload: { repository: {} } }))).toBe(
      undefined
    )
  })
})
