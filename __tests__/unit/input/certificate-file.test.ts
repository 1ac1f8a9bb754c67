// certificate-file: the lines as @actions/glob's patterns (relative ones under the escaped
// workspace, `!` exclusions), what each pattern comes to (nothing, too many, a directory, nothing
// its exclusions left, an unreadable path, out of time), hidden names, symbolic links, the bound in
// time and the cancellation (a walker that never ends, on a virtual clock), and what a file holds
// (a leaf, a chain with the CA first, DER, a private key, a CSR, text, only CA certificates), each
// file once, an unreadable or too large file; never any content in a message; file names an ID
// cannot hold (issue 22). Real files in a temporary directory, real certificates from the test CA;
// the walk in this thread (inThread): __tests__/e2e/certificate-walk.test.ts runs it in the
// bundle's worker.
import { X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs'
import { join, posix, win32 } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MATCH_BOUND_MS,
  MAX_FILE_BYTES,
  MAX_MATCHES,
  MatchingCancelled,
  absolutePattern,
  certificateIn,
  displayPath,
  escapeGlob,
  factsOf,
  noMatch,
  pathProblem,
  patternJobs,
  readCertificateFiles,
  walkProblem,
  type PatternOutcome
} from '../../../src/input/certificate-file.js'
import {
  inThread,
  walkPattern,
  type PatternWalk,
  type Walker
} from '../../../src/input/glob-walk.js'
import { makeCertificates, selfSigned, tempDir } from '../../support/certificates.js'
import { FakeClock } from '../../support/clock.js'

/** What one pattern (relative to `base`, with its exclusions) comes to, walked in this thread. */
function walkOf(pattern: string, base: string, exclude: string[] = [], limit = MAX_MATCHES) {
  const absolute = (p: string) => absolutePattern({ pattern: p, workspace: base })
  return walkPattern({ include: absolute(pattern), exclude: exclude.map(absolute), limit })
}

/** The files a pattern matches, relative to `base` (fails the test on anything but files). */
async function filesOf(pattern: string, base: string, exclude: string[] = []): Promise<string[]> {
  const walk = await walkOf(pattern, base, exclude)
  if (!('files' in walk)) throw new Error(`unexpected: ${JSON.stringify(walk)}`)
  return walk.files.map(f => displayPath(f, base))
}

const certs = await makeCertificates()
afterAll(() => certs.cleanup())
const leaf = await certs.leaf({ commonName: 'shop.example.com', serial: '0A1B2C3D' })

describe('escapeGlob and absolutePattern', () => {
  it.each([
    ['/home/runner/work/r/r', false, '/home/runner/work/r/r'],
    ['/w/[x]/a*b?c', false, '/w/[[]x]/a[*]b[?]c'],
    ['/w/back\\slash', false, '/w/back\\\\slash'],
    ['C:\\a[1]\\*', true, 'C:\\a[[]1]\\[*]'],
    ['/w/(x)+{y}!#~.pem', false, '/w/(x)+{y}!#~.pem']
  ])('escapeGlob(%j, windows %s) is %j', (path, windows, escaped) => {
    expect(escapeGlob({ path, windows })).toBe(escaped)
  })

  it.each([
    ['certs/*.pem', '/w', posix, '/w/certs/*.pem'],
    ['./certs/../live/*.pem', '/w', posix, '/w/live/*.pem'],
    ['../other/x.pem', '/w/sub', posix, '/w/other/x.pem'],
    ['certs/', '/w', posix, '/w/certs'],
    ['~/x.pem', '/w', posix, '/w/~/x.pem'],
    ['#x.pem', '/w', posix, '/w/#x.pem'],
    ['*.pem', '/w/[a]*', posix, '/w/[[]a][*]/*.pem'],
    ['/etc/ssl/../ssl/*.pem', '/w', posix, '/etc/ssl/*.pem'],
    ['/etc/[a]*.pem', '/w/[b]', posix, '/etc/[a]*.pem'],
    ['x.pem', '/w/a\\b', posix, '/w/a\\\\b/x.pem'],
    ['certs\\*.pem', 'C:\\w[1]', win32, 'C:\\w[[]1]\\certs\\*.pem'],
    ['D:\\certs\\*.pem', 'C:\\w', win32, 'D:\\certs\\*.pem']
  ])('%j under %j: %j', (pattern, workspace, path, absolute) => {
    expect(absolutePattern({ pattern, workspace, path })).toBe(absolute)
  })

  it('reads a workspace whose path holds glob characters as itself, never as a pattern', async () => {
    const files = tempDir()
    try {
      for (const name of ['[ab]/cert.pem', 'a/cert.pem', 'b/cert.pem', 'x*y/c.pem', 'xzy/c.pem'])
        files.write(name, '')
      expect(await filesOf('cert.pem', join(files.dir, '[ab]'))).toEqual(['cert.pem'])
      expect(await filesOf('*.pem', join(files.dir, 'x*y'))).toEqual(['c.pem'])
      expect(await filesOf('[ab]/*.pem', files.dir)).toEqual(['a/cert.pem', 'b/cert.pem'])
    } finally {
      files.cleanup()
    }
  })
})

describe('patternJobs: the lines as patterns and exclusions', () => {
  const job = (include: string, exclude: string[] = []) => ({
    include,
    exclude,
    limit: MAX_MATCHES
  })
  it.each([
    [['a.pem'], [{ pattern: 'a.pem', job: job('/w/a.pem') }]],
    [
      ['certs/**/*.pem', '!certs/**/chain.pem'],
      [{ pattern: 'certs/**/*.pem', job: job('/w/certs/**/*.pem', ['/w/certs/**/chain.pem']) }]
    ],
    [
      ['a/*', '!a/x', 'b/*', '! /abs/y'],
      [
        { pattern: 'a/*', job: job('/w/a/*', ['/w/a/x', '/abs/y']) },
        { pattern: 'b/*', job: job('/w/b/*', ['/abs/y']) }
      ]
    ],
    [
      ['!a/x', 'a/*'],
      [
        {
          path: '!a/x',
          problem:
            'excludes nothing: an exclusion applies to the patterns above it; put it after them'
        },
        { pattern: 'a/*', job: job('/w/a/*') }
      ]
    ],
    [
      ['a/*', '!'],
      [
        { pattern: 'a/*', job: job('/w/a/*') },
        {
          path: '!',
          problem:
            'is an exclusion without a pattern: write the pattern after the !, e.g. !certs/**/chain.pem'
        }
      ]
    ],
    [['a/*', '!!x'], [{ pattern: 'a/*', job: job('/w/a/*', ['/w/!x']) }]],
    [['\\!x.pem'], [{ pattern: '\\!x.pem', job: job('/w/\\!x.pem') }]]
  ])('%j', (lines, expected) => {
    expect(patternJobs({ lines, workspace: '/w' })).toEqual(expected)
  })

  it('gives each pattern its limit', () => {
    expect(patternJobs({ lines: ['a'], workspace: '/w', maxMatches: 3 })).toEqual([
      { pattern: 'a', job: job('/w/a').limit === MAX_MATCHES && { ...job('/w/a'), limit: 3 } }
    ])
  })
})

describe('walkProblem: what a pattern came to', () => {
  it.each<[PatternOutcome, string | undefined]>([
    [{ files: ['/w/a.pem'] }, undefined],
    [{ files: [] }, 'matches no file (relative to the workspace /w)'],
    [{ tooMany: true }, 'matches more than 1000 files; narrow the pattern'],
    [
      { directory: '/w/live/a.com' },
      'matches a directory ("live/a.com"), not a file: certificate-file reads no directory whole; name the files in it, e.g. "live/*/*.pem"'
    ],
    [
      { excludedAll: true },
      'matches files, but the exclusions below it (lines starting with !) remove all of them; check the exclusions'
    ],
    [
      { refused: "Invalid pattern '/w/[.]'. Relative pathing '.' and '..' is not allowed." },
      "is not a pattern @actions/glob takes (Invalid pattern '/w/[.]'. Relative pathing '.' and '..' is not allowed.)"
    ],
    [
      { unreadable: { code: 'EACCES', path: '/w/live/private' } },
      'cannot be matched: "live/private" cannot be read (EACCES); check its permissions, or give a pattern that leaves it out'
    ],
    [
      { outOfTimeMs: 60_000 },
      'was not matched within 60 s (the bound on matching all the patterns of certificate-file together); narrow it, or start it in a deeper directory'
    ]
  ])('%j: %j', (outcome, problem) => {
    expect(walkProblem({ pattern: 'live/*/', outcome, workspace: '/w' })).toBe(problem)
  })

  it('names the bounds it is given, and an absolute pattern without the workspace', () => {
    const problem = (outcome: PatternOutcome) =>
      walkProblem({ pattern: '/x//', outcome, workspace: '/w', maxMatches: 7 })
    expect(problem({ tooMany: true })).toBe('matches more than 7 files; narrow the pattern')
    expect(problem({ outOfTimeMs: 2500 })).toMatch(/^was not matched within 2.5 s /)
    expect(problem({ files: [] })).toBe('matches no file')
    expect(problem({ directory: '/x/d' })).toContain('("/x/d")')
    expect(problem({ directory: '/x/d' })).toMatch(/e\.g\. "\/x\/\*\.pem"$/)
  })

  it('states its bounds: 1000 files a pattern, a minute for the patterns of a step', () => {
    expect(MAX_MATCHES).toBe(1000)
    expect(MATCH_BOUND_MS).toBe(60_000)
  })
})

describe('the walk (@actions/glob) and readCertificateFiles', () => {
  beforeAll(() => {
    certs.writeLeaf(leaf, 'live/example.com/cert.pem')
    certs.writeFullChain(leaf, 'live/example.com/fullchain.pem')
    certs.writePrivateKey(leaf, 'live/example.com/privkey.pem')
    certs.writeFullChain(leaf, 'live/example.com/chain.pem')
    certs.writeDer(leaf, 'live/other.org/cert.der')
    certs.writeLeaf(leaf, 'live/.hidden/cert.pem')
    certs.writeLeaf(leaf, 'live/.hidden.pem')
    certs.writeFullChain(leaf, 'chain-ca-first.pem', { caFirst: true })
    certs.writeCsr('www.example.com', 'request.csr')
    certs.write('notes.txt', 'just some text, not secret')
    certs.writeCaOnly('ca-only.pem')
    certs.write('big.pem', Buffer.alloc(MAX_FILE_BYTES + 1, 'a'))
    symlinkSync(join(certs.dir, 'live'), join(certs.dir, 'link-to-live'))
  })

  it.each([
    ['live/*/cert.pem', ['live/example.com/cert.pem']],
    ['live/.*/cert.pem', ['live/.hidden/cert.pem']],
    ['live/*.pem', []],
    ['live/.*.pem', ['live/.hidden.pem']],
    ['live/.hidden/*', ['live/.hidden/cert.pem']],
    [
      'live/example.com/*.pem',
      [
        'live/example.com/cert.pem',
        'live/example.com/chain.pem',
        'live/example.com/fullchain.pem',
        'live/example.com/privkey.pem'
      ]
    ],
    [
      '**/cert.*',
      [
        'link-to-live/example.com/cert.pem',
        'link-to-live/other.org/cert.der',
        'live/example.com/cert.pem',
        'live/other.org/cert.der'
      ]
    ],
    ['live/**/c?rt.[dp]e[mr]', ['live/example.com/cert.pem', 'live/other.org/cert.der']],
    ['live/**/c[!a]rt.der', ['live/other.org/cert.der']],
    ['live/example.com/{cert,chain}.pem', []],
    ['link-to-live/*/cert.pem', ['link-to-live/example.com/cert.pem']],
    ['nothing/*.pem', []],
    ['notes.txt', ['notes.txt']]
  ])(
    '%j matches %j (a hidden name only where the pattern spells its dot; links followed)',
    async (pattern, files) => {
      expect(await filesOf(pattern, certs.dir)).toEqual(files)
    }
  )

  it.each([
    [['live/example.com/privkey.pem'], 3],
    [['live/**/privkey.pem', '**/chain.pem'], 2],
    [['live/example.com/*'], 0],
    [['live/*/*.pem'], 0]
  ])('live/example.com/*.pem less %j: %i files', async (exclude, count) => {
    const walk = await walkOf('live/example.com/*.pem', certs.dir, exclude)
    expect(count === 0 ? walk : 'files' in walk && walk.files.length).toEqual(
      count === 0 ? { excludedAll: true } : count
    )
  })

  it('says a pattern with exclusions that matches nothing at all matches nothing', async () => {
    expect(await walkOf('nothing/*', certs.dir, ['**/x'])).toEqual({ files: [] })
  })

  it.each([
    ['\\[1].pem', ['[1].pem']],
    ['[[]1].pem', ['[1].pem']],
    ['{a,b}.pem', ['{a,b}.pem']],
    ['+(x).pem', ['+(x).pem']],
    ['!(x).pem', ['!(x).pem']]
  ])(
    '%j: a backslash escapes, braces and extglobs are plain characters',
    async (pattern, files) => {
      const names = tempDir()
      try {
        for (const name of [
          '[1].pem',
          '1.pem',
          '{a,b}.pem',
          'a.pem',
          '+(x).pem',
          'x.pem',
          '!(x).pem'
        ])
          names.write(name, '')
        expect(await filesOf(pattern, names.dir)).toEqual(files)
      } finally {
        names.cleanup()
      }
    }
  )

  it('reports a pattern naming a directory, or matching only directories, apart from no match', async () => {
    expect(await walkOf('live/example.com', certs.dir)).toEqual({
      directory: join(certs.dir, 'live/example.com')
    })
    expect(await walkOf('live/*', certs.dir)).toEqual({
      directory: join(certs.dir, 'live/example.com')
    })
    expect(await walkOf('live/example.com/', certs.dir)).toEqual({
      directory: join(certs.dir, 'live/example.com')
    })
    // a directory beside files: the files only
    const top = await filesOf('*', certs.dir)
    expect(top).toContain('notes.txt')
    expect(top.filter(f => f.includes('live'))).toEqual([])
    expect(await walkOf('nothing', certs.dir)).toEqual({ files: [] })
    expect(await walkOf('live/[.]/x', certs.dir)).toEqual({
      refused: expect.stringMatching(
        /^Invalid pattern .*Relative pathing '.' and '..' is not allowed/
      )
    })
  })

  it('reads each file once, relative to the workspace, with what it holds', async () => {
    const readings = await readCertificateFiles(
      [
        'live/example.com/cert.pem',
        'live/example.com/fullchain.pem',
        'live/*/cert.pem',
        'link-to-live/example.com/cert.pem',
        'live/other.org/cert.der',
        'chain-ca-first.pem'
      ],
      certs.dir
    )
    const facts = {
      serialNumber: '0A1B2C3D',
      thumbprint: leaf.thumbprint,
      commonName: 'shop.example.com',
      validFrom: leaf.validFrom.toISOString(),
      validTo: leaf.validTo.toISOString()
    }
    expect(readings).toEqual([
      { path: 'live/example.com/cert.pem', facts },
      { path: 'live/example.com/fullchain.pem', facts },
      { path: 'live/other.org/cert.der', facts },
      { path: 'chain-ca-first.pem', facts }
    ])
  })

  it('reads what a pattern matches less its exclusions, and names each problem line', async () => {
    const readings = await readCertificateFiles(
      [
        '!live/x',
        'live/example.com/*.pem',
        '!**/privkey.pem',
        '!live/example.com/chain.pem',
        'live/other.org/*',
        '!live/other.org/*.der',
        '!'
      ],
      certs.dir
    )
    expect(readings.map(r => [r.path, 'problem' in r ? r.problem : 'read'])).toEqual([
      ['!live/x', expect.stringMatching(/^excludes nothing/)],
      ['live/example.com/cert.pem', 'read'],
      ['live/example.com/fullchain.pem', 'read'],
      ['live/other.org/*', expect.stringMatching(/^matches files, but the exclusions/)],
      ['!', expect.stringMatching(/^is an exclusion without a pattern/)]
    ])
  })

  it('says what a file holds instead of a certificate, never its content', async () => {
    const readings = await readCertificateFiles(
      [
        'live/example.com/privkey.pem',
        'request.csr',
        'notes.txt',
        'ca-only.pem',
        'big.pem',
        'missing/*.pem',
        'missing.pem',
        join(certs.dir, 'missing.pem'),
        'live/other.org'
      ],
      certs.dir
    )
    expect(readings).toEqual([
      { path: 'live/example.com/privkey.pem', problem: 'holds a private key, not a certificate' },
      { path: 'request.csr', problem: 'holds a certificate request (CSR), not a certificate' },
      { path: 'notes.txt', problem: 'holds no certificate (neither PEM nor DER)' },
      {
        path: 'ca-only.pem',
        problem: 'holds only CA certificates, not the certificate issued to you'
      },
      { path: 'big.pem', problem: 'is larger than 1 MiB: not a certificate file' },
      {
        path: 'missing/*.pem',
        problem: `matches no file (relative to the workspace ${certs.dir})`
      },
      { path: 'missing.pem', problem: `matches no file (relative to the workspace ${certs.dir})` },
      { path: join(certs.dir, 'missing.pem'), problem: 'matches no file' },
      { path: 'live/other.org', problem: expect.stringMatching(/^matches a directory /) }
    ])
    expect(JSON.stringify(readings)).not.toContain('PRIVATE')
    expect(JSON.stringify(readings)).not.toContain('some text')
  })

  it.skipIf(process.getuid?.() === 0)('names a file that cannot be read', async () => {
    const file = certs.writeLeaf(leaf, 'locked.pem')
    chmodSync(file, 0o000)
    expect(await readCertificateFiles(['locked.pem'], certs.dir)).toEqual([
      { path: 'locked.pem', problem: 'cannot be read (EACCES); check the path and its permissions' }
    ])
  })

  it.skipIf(!existsSync('/proc/self/mem'))(
    'names a file that opens but cannot be read, by its error code (EIO, even as root)',
    async () => {
      expect(await readCertificateFiles(['/proc/self/mem'], certs.dir)).toEqual([
        {
          path: '/proc/self/mem',
          problem: 'cannot be read (EIO); check the path and its permissions'
        }
      ])
    }
  )

  it('reads a certificate file of exactly the largest size', async () => {
    const padding = ' '.repeat(MAX_FILE_BYTES - leaf.pem.length)
    certs.write('padded.pem', leaf.pem + padding)
    expect(await readCertificateFiles(['padded.pem'], certs.dir)).toEqual([
      { path: 'padded.pem', facts: expect.objectContaining({ serialNumber: '0A1B2C3D' }) }
    ])
  })

  it.skipIf(!existsSync('/proc/self/fd'))('closes every file and directory it reads', async () => {
    const open = (): number => readdirSync('/proc/self/fd').length
    const before = open()
    const readings = await readCertificateFiles(['live/**/*', '*.pem'], certs.dir)
    expect(readings.length).toBeGreaterThan(5)
    expect(open()).toBe(before)
  })

  it('keeps an absolute path outside the workspace absolute', async () => {
    const file = join(certs.dir, 'live/example.com/cert.pem')
    expect(await readCertificateFiles([file], join(certs.dir, 'live/other.org'))).toEqual([
      expect.objectContaining({ path: file })
    ])
  })
})

describe('the walk: order, permissions, links', () => {
  it('sorts the files, not in the order ** walks them (depth first, in the order of each listing)', async () => {
    const files = tempDir()
    try {
      files.write('b.pem', '')
      files.write('a/x.pem', '')
      expect(await filesOf('**/*.pem', files.dir)).toEqual(['a/x.pem', 'b.pem'])
      // a directory's files after another directory's, though `a.pem` sorts before `a/x.pem`
      files.write('c/a.pem', '')
      files.write('c/a/x.pem', '')
      expect(await filesOf('c/**/*.pem', files.dir)).toEqual(['c/a.pem', 'c/a/x.pem'])
      // and not in the order the directory lists them
      const names = Array.from({ length: 30 }, (_, i) => `n${(i * 7919) % 1000}.pem`)
      for (const name of names) files.write(`many/${name}`, '')
      expect(await filesOf('many/*.pem', files.dir)).toEqual(names.map(n => `many/${n}`).sort())
    } finally {
      files.cleanup()
    }
  })

  it.skipIf(process.getuid?.() === 0)(
    'goes through a directory it may enter but not list when the pattern names the file, and names it when it must list it',
    async () => {
      const files = tempDir()
      try {
        files.write('private/cert.pem', '')
        chmodSync(join(files.dir, 'private'), 0o111)
        expect(await filesOf('private/cert.pem', files.dir)).toEqual(['private/cert.pem'])
        expect(await walkOf('private/*.pem', files.dir)).toEqual({
          unreadable: { code: 'EACCES', path: join(files.dir, 'private') }
        })
      } finally {
        chmodSync(join(files.dir, 'private'), 0o755)
        files.cleanup()
      }
    }
  )

  it('names a path it cannot read, as root too (links that lead to each other: ELOOP)', async () => {
    const files = tempDir()
    try {
      symlinkSync(join(files.dir, 'b'), join(files.dir, 'a'))
      symlinkSync(join(files.dir, 'a'), join(files.dir, 'b'))
      expect(await walkOf('a/*.pem', files.dir)).toEqual({
        unreadable: { code: 'ELOOP', path: join(files.dir, 'a') }
      })
      expect(await readCertificateFiles(['a/*.pem'], files.dir)).toEqual([
        {
          path: 'a/*.pem',
          problem:
            'cannot be matched: "a" cannot be read (ELOOP); check its permissions, or give a pattern that leaves it out'
        }
      ])
    } finally {
      files.cleanup()
    }
  })

  it('ends a symbolic-link loop where it comes back, and skips a broken link', async () => {
    const loop = tempDir()
    try {
      mkdirSync(join(loop.dir, 'self'))
      for (let i = 0; i < 10; i++) symlinkSync('.', join(loop.dir, 'self', `l${i}`))
      symlinkSync('..', join(loop.dir, 'self', 'up'))
      symlinkSync(join(loop.dir, 'gone'), join(loop.dir, 'self', 'broken.pem'))
      loop.write('self/a.pem', '')
      expect(await filesOf('self/**/*.pem', loop.dir)).toEqual(['self/a.pem'])
      expect(await filesOf('self/*/*/*/*/*/a.pem', loop.dir)).toEqual([])
    } finally {
      loop.cleanup()
    }
  })

  it(`matches ${MAX_MATCHES} files, and refuses a pattern that matches more, naming the bound`, async () => {
    const many = tempDir()
    try {
      for (let i = 0; i < MAX_MATCHES; i++) many.write(`d${i % 2}/f${i}.pem`, '')
      expect(await filesOf('**/*.pem', many.dir)).toHaveLength(MAX_MATCHES)
      many.write('d1/one-more.pem', '')
      expect(await walkOf('**/*.pem', many.dir)).toEqual({ tooMany: true })
      // the bound counts files only, and those its exclusions leave
      expect(await walkOf('**/*.pem', many.dir, ['d1/one-more.pem'])).toEqual({
        files: expect.any(Array)
      })
      // exclusions that leave none of more files than the bound: the pattern had files
      expect(await walkOf('**/*.pem', many.dir, ['**/*.pem'], 3)).toEqual({ excludedAll: true })
      const readings = await readCertificateFiles(['d0/f0.pem', '**/*.pem'], many.dir)
      expect(readings).toEqual([
        { path: 'd0/f0.pem', problem: 'holds no certificate (neither PEM nor DER)' },
        { path: '**/*.pem', problem: 'matches more than 1000 files; narrow the pattern' }
      ])
      expect(await readCertificateFiles(['d0/f*.pem'], many.dir, { maxMatches: 3 })).toEqual([
        { path: 'd0/f*.pem', problem: 'matches more than 3 files; narrow the pattern' }
      ])
    } finally {
      many.cleanup()
    }
  })
})

/** A walker that never ends, recording the jobs it was given and whether it was stopped. */
function endless(walks: PatternWalk[] = []) {
  const seen = { jobs: 0, stopped: 0 }
  const walker: Walker = (jobs, each) => {
    seen.jobs = jobs.length
    for (const walk of walks) each(walk)
    return {
      done: new Promise<void>(() => {}),
      stop: async () => {
        seen.stopped++
        each({ files: ['/late.pem'] })
      }
    }
  }
  return { walker, seen }
}

describe('the bound in time and cancellation', () => {
  it('stops a walk past the bound: the patterns not matched by then are problems naming it', async () => {
    const clock = new FakeClock()
    const { walker, seen } = endless([{ files: [] }])
    const readings = await readCertificateFiles(['a/*.pem', '!a/x.pem', 'b/**/*.pem', 'c'], '/w', {
      walker,
      clock
    })
    expect(clock.sleeps).toEqual([MATCH_BOUND_MS])
    expect(seen).toEqual({ jobs: 3, stopped: 1 })
    const late = walkProblem({
      pattern: 'b',
      outcome: { outOfTimeMs: MATCH_BOUND_MS },
      workspace: '/w'
    })
    expect(readings).toEqual([
      { path: 'a/*.pem', problem: 'matches no file (relative to the workspace /w)' },
      { path: 'b/**/*.pem', problem: late },
      { path: 'c', problem: late }
    ])
  })

  it('waits the bound it is given, and stops a walk that ends in time too', async () => {
    const clock = new FakeClock()
    let stopped = 0
    const walker: Walker = (jobs, each) => ({
      done: Promise.resolve().then(() => jobs.forEach(() => each({ files: [] }))),
      stop: async () => void stopped++
    })
    const readings = await readCertificateFiles(['a'], '/w', { walker, clock, boundMs: 5 })
    expect(readings).toEqual([{ path: 'a', problem: expect.stringMatching(/^matches no file/) }])
    expect(stopped).toBe(1)
    expect(clock.pending).toBe(0)
    const slow = endless()
    expect(
      await readCertificateFiles(['a'], '/w', { walker: slow.walker, clock, boundMs: 2500 })
    ).toEqual([{ path: 'a', problem: expect.stringMatching(/^was not matched within 2.5 s /) }])
    expect(clock.sleeps).toEqual([5, 2500])
  })

  it('says what happened when it is cancelled, as an error of its own', () => {
    expect(new MatchingCancelled()).toMatchObject({
      name: 'MatchingCancelled',
      message: 'cancelled while matching certificate-file patterns: nothing was sent'
    })
  })

  it('starts no walk once cancelled', async () => {
    const cancel = new AbortController()
    cancel.abort()
    const { walker, seen } = endless()
    await expect(
      readCertificateFiles(['live/example.com/cert.pem'], certs.dir, {
        signal: cancel.signal,
        walker
      })
    ).rejects.toThrow('cancelled while matching certificate-file patterns: nothing was sent')
    expect(seen).toEqual({ jobs: 0, stopped: 0 })
  })

  it('stops a walk cancelled while it runs, at once, before the bound', async () => {
    const clock = new FakeClock()
    const cancel = new AbortController()
    const { walker, seen } = endless()
    const reading = readCertificateFiles(['**/*.pem'], '/w', {
      walker,
      clock,
      signal: cancel.signal
    })
    // the walk has started and the bound is waited on: the clock would end it when idle
    expect([seen.jobs, clock.pending]).toEqual([1, 1])
    cancel.abort()
    await expect(reading).rejects.toBeInstanceOf(MatchingCancelled)
    expect(seen.stopped).toBe(1)
    expect(clock.time).toBe(0)
  })

  it('reads no file once cancelled after the walk', async () => {
    const cancel = new AbortController()
    const walker: Walker = (_, each) => ({
      done: Promise.resolve().then(() => {
        each({ files: [join(certs.dir, 'notes.txt'), join(certs.dir, 'request.csr')] })
      }),
      stop: async () => cancel.abort()
    })
    await expect(
      readCertificateFiles(['*'], certs.dir, { walker, signal: cancel.signal })
    ).rejects.toBeInstanceOf(MatchingCancelled)
  })

  it('reads no more files once cancelled while it reads them', async () => {
    const cancel = new AbortController()
    const walker: Walker = (_, each) => ({
      done: Promise.resolve().then(() => {
        each({ files: [join(certs.dir, 'notes.txt'), join(certs.dir, 'request.csr')] })
      }),
      // cancelled once the walk is over, while the first file's real path is looked up
      stop: async () => void setImmediate(() => cancel.abort())
    })
    await expect(
      readCertificateFiles(['*'], certs.dir, { walker, signal: cancel.signal })
    ).rejects.toBeInstanceOf(MatchingCancelled)
  })

  it('hands a walk that failed on, as the bug it is', async () => {
    const walker: Walker = () => ({
      done: Promise.reject(new Error('worker gone')),
      stop: async () => {}
    })
    await expect(readCertificateFiles(['a'], '/w', { walker })).rejects.toThrow('worker gone')
  })

  it('walks in this thread by default, and runs every job', async () => {
    const walks: PatternWalk[] = []
    await inThread(
      [
        { include: join(certs.dir, 'notes.txt'), exclude: [], limit: 1 },
        { include: join(certs.dir, 'none'), exclude: [], limit: 1 }
      ],
      walk => walks.push(walk)
    ).done
    expect(walks).toEqual([{ files: [join(certs.dir, 'notes.txt')] }, { files: [] }])
  })
})

describe('file names an ID cannot hold', () => {
  it.each([
    ['a\n::warning::x.pem', 'a control character (U+000A)'],
    ['a\rb.pem', 'a control character (U+000D)'],
    ['tab\there.pem', 'a control character (U+0009)'],
    ['del\u007f.pem', 'a control character (U+007F)'],
    ['nel\u0085.pem', 'a control character (U+0085)'],
    ['c1\u009f.pem', 'a control character (U+009F)'],
    ['ls\u2028.pem', 'a control character (U+2028)'],
    ['ps\u2029.pem', 'a control character (U+2029)'],
    ['rlo\u202ecod.pem', 'an invisible format character (U+202E)'],
    ['zw\u200b.pem', 'an invisible format character (U+200B)'],
    ['bom\ufeff.pem', 'an invisible format character (U+FEFF)'],
    ['tag\u{e0041}.pem', 'an invisible format character (U+E0041)'],
    ['b,c.pem', 'a comma (certificate-file splits on it)'],
    ['dir,x/cert.pem', 'a comma (certificate-file splits on it)'],
    [' lead.pem', 'whitespace at an end (certificate-file trims it)'],
    ['trail.pem ', 'whitespace at an end (certificate-file trims it)']
  ])('%j holds %s', (path, what) => {
    expect(pathProblem(path)).toBe(
      `has a name that holds ${what}, which an ID cannot hold; rename the file, or give a pattern that leaves it out`
    )
  })

  it.each([
    'cert.pem',
    'live/a b/cert.pem',
    'bücher/ü.pem',
    '/abs/path [1]/(x)+y=z;.pem',
    'nbsp\u00a0.pem',
    'emoji😀.pem'
  ])('%j is a name an ID can hold', path => {
    expect(pathProblem(path)).toBeUndefined()
  })

  it('names a matched file by a safe spelling and reads the others', async () => {
    const files = tempDir()
    try {
      for (const name of ['a\n::warning::x.pem', 'b,c.pem', 'r\u202ecod.pem', 'fine.pem'])
        files.write(join('certs', name), leaf.pem)
      const readings = await readCertificateFiles(['certs/*.pem'], files.dir)
      const unsafe = (what: string) =>
        `has a name that holds ${what}, which an ID cannot hold; rename the file, or give a pattern that leaves it out`
      expect(readings).toEqual([
        { path: 'certs/a\n::warning::x.pem', problem: unsafe('a control character (U+000A)') },
        { path: 'certs/b,c.pem', problem: unsafe('a comma (certificate-file splits on it)') },
        { path: 'certs/fine.pem', facts: expect.objectContaining({ serialNumber: '0A1B2C3D' }) },
        {
          path: 'certs/r\u202ecod.pem',
          problem: unsafe('an invisible format character (U+202E)')
        }
      ])
    } finally {
      files.cleanup()
    }
  })
})

describe("the README's troubleshooting", () => {
  it('quotes what the walk says, and nothing it no longer says', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8')
    const troubleshooting = readme.slice(readme.indexOf('## Troubleshooting'))
    const said = (outcome: PatternOutcome) =>
      walkProblem({ pattern: 'p', outcome, workspace: '/w' }) as string
    expect(said({ files: [] })).toMatch(/^matches no file /)
    expect(troubleshooting).toContain('`… matches no file`')
    expect(said({ tooMany: true })).toMatch(new RegExp(`^matches more than ${MAX_MATCHES} files`))
    expect(troubleshooting).toContain(`\`… matches more than ${MAX_MATCHES} files\``)
    expect(said({ outOfTimeMs: MATCH_BOUND_MS })).toMatch(
      new RegExp(`^was not matched within ${MATCH_BOUND_MS / 1000} s`)
    )
    expect(troubleshooting).toContain(`\`… was not matched within ${MATCH_BOUND_MS / 1000} s`)
    expect(said({ directory: '/w/d' })).toMatch(/^matches a directory/)
    expect(troubleshooting).toContain('`… matches a directory')
    expect(said({ excludedAll: true })).toMatch(/^matches files, but the exclusions/)
    expect(troubleshooting).toContain('`… matches files, but the exclusions')
    expect(troubleshooting).not.toContain('is not a file')
    expect(troubleshooting).not.toContain('directory entries')
  })
})

describe('noMatch', () => {
  it('says where a relative pattern was looked for, and nothing more for an absolute one', () => {
    expect(noMatch('certs/*.pem', '/home/runner/work/r/r')).toBe(
      'matches no file (relative to the workspace /home/runner/work/r/r)'
    )
    expect(noMatch('cert.pem', '/w')).toBe('matches no file (relative to the workspace /w)')
    expect(noMatch('/etc/ssl/cert.pem', '/w')).toBe('matches no file')
    expect(noMatch('/etc/ssl/*.pem', '/w')).toBe('matches no file')
  })
})

describe('certificateIn', () => {
  it('reads a PEM leaf, a DER one, and the first non-CA certificate of a chain', async () => {
    const facts = certificateIn(Buffer.from(leaf.pem))
    expect(facts).toEqual({
      serialNumber: '0A1B2C3D',
      thumbprint: leaf.thumbprint,
      commonName: 'shop.example.com',
      validFrom: leaf.validFrom.toISOString(),
      validTo: leaf.validTo.toISOString()
    })
    expect(certificateIn(leaf.der)).toEqual(facts)
    const other = await certs.leaf({ commonName: 'second.example.com', serial: '7F' })
    expect(certificateIn(Buffer.from(certs.ca.caCertPem + leaf.pem + other.pem))).toEqual(facts)
  })

  it('a damaged certificate block, and a PEM with neither key nor request', () => {
    const damaged = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    expect(certificateIn(Buffer.from(damaged))).toBe(
      'holds a certificate block that cannot be read (a damaged PEM?)'
    )
    const key = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'
    expect(certificateIn(Buffer.from(key))).toBe('holds no certificate')
  })

  it('reads a TRUSTED CERTIFICATE block as a certificate', () => {
    const trusted = leaf.pem.replace(/CERTIFICATE/g, 'TRUSTED CERTIFICATE')
    expect(certificateIn(Buffer.from(trusted))).toMatchObject({ serialNumber: '0A1B2C3D' })
  })

  it('names a private key of any kind, or a request, even next to another block', () => {
    const block = (label: string): string =>
      `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`
    const key = 'holds a private key, not a certificate'
    const csr = 'holds a certificate request (CSR), not a certificate'
    expect(certificateIn(Buffer.from(block('EC PRIVATE KEY')))).toBe(key)
    expect(certificateIn(Buffer.from(block('RSA PRIVATE KEY')))).toBe(key)
    expect(certificateIn(Buffer.from(block('PUBLIC KEY') + block('PRIVATE KEY')))).toBe(key)
    expect(certificateIn(Buffer.from(block('PUBLIC KEY') + block('CERTIFICATE REQUEST')))).toBe(csr)
    expect(certificateIn(Buffer.from(block('NEW CERTIFICATE REQUEST')))).toBe(csr)
  })

  it('takes the common name from the CN attribute, not from another holding "CN="', () => {
    const subject = (attributes: { name: string; value: string }[]): X509Certificate =>
      new X509Certificate(selfSigned(attributes))
    const o = { name: 'organizationName', value: 'ACME CN=not.the.name' }
    expect(factsOf(subject([o, { name: 'commonName', value: 'real.example.com' }]))).toMatchObject({
      commonName: 'real.example.com'
    })
    expect(factsOf(subject([o]))).toMatchObject({ commonName: undefined })
  })

  it('a certificate without a common name', async () => {
    const noCn = await certs.leaf({ commonName: '', dnsNames: ['no-cn.example.com'] })
    expect(certificateIn(Buffer.from(noCn.pem))).toMatchObject({ commonName: undefined })
  })
})

describe('displayPath', () => {
  it('is relative inside the workspace, absolute outside it or at it', () => {
    expect(displayPath('/w/a/b.pem', '/w')).toBe('a/b.pem')
    expect(displayPath('/x/b.pem', '/w')).toBe('/x/b.pem')
    expect(displayPath('/w', '/w')).toBe('/w')
    expect(displayPath('/w', '/w/sub')).toBe('/w')
    expect(displayPath('/w/..b/c.pem', '/w')).toBe('..b/c.pem')
  })
})
