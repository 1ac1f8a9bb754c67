// certificate-file: the glob matcher, what a file holds (a leaf, a chain with the CA first, DER, a
// private key, a CSR, text, only CA certificates), each file once, a pattern matching nothing, an
// unreadable or too large file; never any content in a message. The walk's bounds (files a
// pattern matches, directory entries read), each directory once per position of a pattern, its
// cancellation, and file names an ID cannot hold (issue 22). Real files in a temporary directory,
// real certificates from the test CA.
import { X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs'
import { join, posix, win32 } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MAX_ENTRIES_VISITED,
  MAX_FILE_BYTES,
  MAX_MATCHES,
  MatchingCancelled,
  Walk,
  certificateIn,
  displayPath,
  factsOf,
  isGlob,
  matchFiles,
  noMatch,
  pathProblem,
  readCertificateFiles,
  segmentPattern,
  splitAbsolute
} from '../../../src/input/certificate-file.js'
import { makeCertificates, selfSigned, tempDir } from '../../support/certificates.js'

/** The files a pattern matches (fails the test on a bound's problem). */
async function filesOf(pattern: string, base: string, walk = new Walk()): Promise<string[]> {
  const matched = await matchFiles(pattern, base, walk)
  if ('problem' in matched) throw new Error(`unexpected: ${matched.problem}`)
  return matched.files
}

const certs = await makeCertificates()
afterAll(() => certs.cleanup())
const leaf = await certs.leaf({ commonName: 'shop.example.com', serial: '0A1B2C3D' })

describe('segmentPattern', () => {
  it.each([
    ['*.pem', 'cert.pem', true],
    ['*.pem', 'cert.pem.bak', false],
    ['*.pem', 'a/b.pem', false],
    ['cert?.pem', 'cert1.pem', true],
    ['cert?.pem', 'cert12.pem', false],
    ['cert[0-9].pem', 'cert7.pem', true],
    ['cert[0-9].pem', 'certx.pem', false],
    ['cert[!0-9].pem', 'certx.pem', true],
    ['cert[!0-9].pem', 'cert!.pem', true],
    ['cert[0-9].pem', 'certe.pem', false],
    ['[a^]', '^', true],
    ['[a^]', 'b', false],
    ['cert[^0-9].pem', 'cert7.pem', false],
    ['a.b', 'axb', false],
    ['a+(b)', 'a+(b)', true],
    ['[ab', '[ab', true],
    ['x\\]', 'x\\]', true]
  ])('%s against %s: %s', (pattern, name, matches) => {
    expect(segmentPattern(pattern).test(name)).toBe(matches)
  })

  it('tells a glob from a plain name', () => {
    expect(['*.pem', 'a?', '[ab]'].map(isGlob)).toEqual([true, true, true])
    expect(isGlob('fullchain.pem')).toBe(false)
  })
})

describe('splitAbsolute', () => {
  it.each([
    ['/', posix, '/', []],
    ['/etc/ssl/*.pem', posix, '/', ['etc', 'ssl', '*.pem']],
    ['C:\\', win32, 'C:\\', []],
    ['C:\\certs\\*.pem', win32, 'C:\\', ['certs', '*.pem']],
    ['\\\\server\\share\\certs\\a.pem', win32, '\\\\server\\share\\', ['certs', 'a.pem']]
  ])('%s: root and segments', (absolute, path, root, segments) => {
    expect(splitAbsolute({ absolute, path })).toEqual({ root, segments })
  })
})

describe('matchFiles and readCertificateFiles', () => {
  beforeAll(() => {
    certs.writeLeaf(leaf, 'live/example.com/cert.pem')
    certs.writeFullChain(leaf, 'live/example.com/fullchain.pem')
    certs.writePrivateKey(leaf, 'live/example.com/privkey.pem')
    certs.writeDer(leaf, 'live/other.org/cert.der')
    certs.writeLeaf(leaf, 'live/.hidden/cert.pem')
    certs.writeFullChain(leaf, 'chain-ca-first.pem', { caFirst: true })
    certs.writeCsr('www.example.com', 'request.csr')
    certs.write('notes.txt', 'just some text, not secret')
    certs.writeCaOnly('ca-only.pem')
    certs.write('big.pem', Buffer.alloc(MAX_FILE_BYTES + 1, 'a'))
    symlinkSync(join(certs.dir, 'live'), join(certs.dir, 'link-to-live'))
  })

  it('matches *, ?, [...] and ** (hidden directories and symlinked ones not descended)', async () => {
    const rel = async (pattern: string): Promise<string[]> =>
      (await filesOf(pattern, certs.dir)).map(f => displayPath(f, certs.dir))
    expect(await rel('live/*/cert.pem')).toEqual(['live/example.com/cert.pem'])
    expect(await rel('live/.*/cert.pem')).toEqual(['live/.hidden/cert.pem'])
    expect(await rel('live/example.com/*.pem')).toEqual([
      'live/example.com/cert.pem',
      'live/example.com/fullchain.pem',
      'live/example.com/privkey.pem'
    ])
    expect(await rel('**/cert.*')).toEqual(['live/example.com/cert.pem', 'live/other.org/cert.der'])
    expect(await rel('live/**/c?rt.[dp]e[mr]')).toEqual([
      'live/example.com/cert.pem',
      'live/other.org/cert.der'
    ])
    expect(await rel('live/example.com')).toEqual([])
    expect(await rel('nothing/*.pem')).toEqual([])
    expect(await rel(join(certs.dir, 'notes.txt'))).toEqual(['notes.txt'])
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
        join(certs.dir, 'missing.pem')
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
      { path: join(certs.dir, 'missing.pem'), problem: 'matches no file' }
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

describe('matchFiles: order and permissions', () => {
  it("sorts the files, not in the order ** walks them (each directory's files before its subdirectories)", async () => {
    const files = tempDir()
    try {
      files.write('b.pem', '')
      files.write('a/x.pem', '')
      expect(await filesOf('**/*.pem', files.dir)).toEqual([
        join(files.dir, 'a/x.pem'),
        join(files.dir, 'b.pem')
      ])
    } finally {
      files.cleanup()
    }
  })

  it.skipIf(process.getuid?.() === 0)(
    'goes through a directory it may enter but not list, when the pattern names it',
    async () => {
      const files = tempDir()
      try {
        files.write('private/cert.pem', '')
        chmodSync(join(files.dir, 'private'), 0o111)
        expect(await filesOf('private/cert.pem', files.dir)).toEqual([
          join(files.dir, 'private/cert.pem')
        ])
        expect(await filesOf('private/*.pem', files.dir)).toEqual([])
      } finally {
        chmodSync(join(files.dir, 'private'), 0o755)
        files.cleanup()
      }
    }
  )
})

describe('matchFiles: bounded', () => {
  it('states its bounds: 1000 files a pattern, 100,000 directory entries a step', () => {
    expect(MAX_MATCHES).toBe(1000)
    expect(MAX_ENTRIES_VISITED).toBe(100_000)
    expect(new Walk().limits).toEqual({ matches: 1000, entries: 100_000 })
  })

  it(`matches ${MAX_MATCHES} files, and refuses a pattern that matches more, naming the bound`, async () => {
    const many = tempDir()
    try {
      for (let i = 0; i < MAX_MATCHES; i++) many.write(`d${i % 2}/f${i}.pem`, '')
      expect(await filesOf('**/*.pem', many.dir)).toHaveLength(MAX_MATCHES)
      many.write('d1/one-more.pem', '')
      expect(await matchFiles('**/*.pem', many.dir)).toEqual({
        problem: 'matches more than 1000 files; narrow the pattern'
      })
      const readings = await readCertificateFiles(['d0/f0.pem', '**/*.pem'], many.dir)
      expect(readings).toEqual([
        { path: 'd0/f0.pem', problem: 'holds no certificate (neither PEM nor DER)' },
        { path: '**/*.pem', problem: 'matches more than 1000 files; narrow the pattern' }
      ])
    } finally {
      many.cleanup()
    }
  })

  it('counts the directory entries every pattern reads, and stops past the bound', async () => {
    const tree = tempDir()
    try {
      // 3 entries at the top (a, b, c.pem), 2 in a, 2 in b: 7 in all
      for (const name of ['a/1.pem', 'a/2.pem', 'b/3.pem', 'b/4.pem', 'c.pem']) tree.write(name, '')
      const walk = (entries: number) => new Walk({ matches: 1000, entries })
      const seven = walk(7)
      expect(await filesOf('**/*.pem', tree.dir, seven)).toHaveLength(5)
      expect(seven.entriesRead).toBe(7)
      // read once: the listing is kept, so another pattern over the same tree reads nothing more
      expect(await filesOf('*/*.pem', tree.dir, seven)).toHaveLength(4)
      expect(seven.entriesRead).toBe(7)
      expect(await matchFiles('**/*.pem', tree.dir, walk(6))).toEqual({
        problem:
          'reads more than 6 directory entries (all patterns together); narrow the pattern, or start it in a deeper directory'
      })
      // a plain path reads no directory
      const none = walk(0)
      expect(await filesOf('a/1.pem', tree.dir, none)).toEqual([join(tree.dir, 'a/1.pem')])
      expect(none.entriesRead).toBe(0)
      // all patterns together: the first reads 3 + 2, the second would read 2 more
      const readings = await readCertificateFiles(['a/*.pem', 'b/*.pem', 'c.pem'], tree.dir, {
        limits: { matches: 1000, entries: 3 }
      })
      expect(readings.map(r => [r.path, 'problem' in r ? r.problem : 'read'])).toEqual([
        ['a/1.pem', 'holds no certificate (neither PEM nor DER)'],
        ['a/2.pem', 'holds no certificate (neither PEM nor DER)'],
        [
          'b/*.pem',
          'reads more than 3 directory entries (all patterns together); narrow the pattern, or start it in a deeper directory'
        ],
        ['c.pem', 'holds no certificate (neither PEM nor DER)']
      ])
    } finally {
      tree.cleanup()
    }
  })

  it('walks each directory once per position of a pattern: four ** over a deep tree are fast', async () => {
    const tree = tempDir()
    try {
      // a chain 40 directories deep, a file in each: without the bound on revisits, four ** would
      // walk the deepest directory once per way of splitting its path among them (~10^5 times)
      const depth = 40
      const dirs = Array.from({ length: depth }, (_, i) => `d${i}`)
      for (let i = 1; i <= depth; i++) tree.write(`${dirs.slice(0, i).join('/')}/f.pem`, '')
      const walk = new Walk()
      const started = performance.now()
      const files = await filesOf('**/**/**/**/f.pem', tree.dir, walk)
      expect(performance.now() - started).toBeLessThan(2000)
      expect(files).toHaveLength(depth)
      // each directory read once: its file and its subdirectory (the deepest, its file only)
      expect(walk.entriesRead).toBe(1 + 2 * depth - 1)
      // each of the depth + 1 directories at each of the 5 positions, each file once, and the
      // workspace's own path from the root
      const rootSteps = tree.dir.split('/').filter(Boolean).length
      expect(walk.visits).toBeLessThanOrEqual(rootSteps + (depth + 1) * 5 + 2 * depth)
      expect(walk.visits).toBeGreaterThanOrEqual((depth + 1) * 5)
    } finally {
      tree.cleanup()
    }
  })
})

describe('matchFiles: cancellation', () => {
  it('says what happened when it is cancelled, as an error of its own', () => {
    expect(new MatchingCancelled()).toMatchObject({
      name: 'MatchingCancelled',
      message: 'cancelled while matching certificate-file patterns: nothing was sent'
    })
  })

  it('stops a walk whose signal is aborted, before reading a directory', async () => {
    const cancel = new AbortController()
    cancel.abort()
    const walk = new Walk(undefined, cancel.signal)
    await expect(matchFiles('**/*.pem', certs.dir, walk)).rejects.toBeInstanceOf(MatchingCancelled)
    expect(walk.entriesRead).toBe(0)
    await expect(
      readCertificateFiles(['live/example.com/cert.pem'], certs.dir, { signal: cancel.signal })
    ).rejects.toThrow('cancelled while matching certificate-file patterns: nothing was sent')
  })

  it('stops a walk aborted while it runs, without reading the rest of the tree', async () => {
    const tree = tempDir()
    try {
      for (let i = 0; i < 200; i++) tree.write(`d${i}/e/f.pem`, '')
      const cancel = new AbortController()
      const walk = new Walk(undefined, cancel.signal)
      const walking = matchFiles('**/*.pem', tree.dir, walk)
      walking.catch(() => {})
      while (walk.entriesRead < 10) await new Promise(resolve => setImmediate(resolve))
      cancel.abort()
      await expect(walking).rejects.toBeInstanceOf(MatchingCancelled)
      expect(walk.entriesRead).toBeLessThan(300)
    } finally {
      tree.cleanup()
    }
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
  it('quotes what the walk says, and nothing it no longer says', async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8')
    const troubleshooting = readme.slice(readme.indexOf('## Troubleshooting'))
    const tree = tempDir()
    try {
      tree.write('a/b.pem', '')
      const tight = new Walk({ matches: MAX_MATCHES, entries: 1 })
      const said = [
        noMatch('x.pem', '/w'),
        noMatch('/x.pem', '/w'),
        (await matchFiles('**/*.pem', tree.dir, new Walk({ matches: 0, entries: 9 }))) as {
          problem: string
        },
        (await matchFiles('**/*.pem', tree.dir, tight)) as { problem: string }
      ]
      expect(said).toEqual([
        expect.stringMatching(/^matches no file /),
        'matches no file',
        { problem: expect.stringMatching(/^matches more than 0 files/) },
        { problem: expect.stringMatching(/^reads more than 1 directory entries/) }
      ])
    } finally {
      tree.cleanup()
    }
    expect(troubleshooting).toContain('`… matches no file`')
    expect(troubleshooting).toContain(`\`… matches more than ${MAX_MATCHES} files\``)
    expect(troubleshooting).toContain(
      `\`… reads more than ${MAX_ENTRIES_VISITED} directory entries\``
    )
    expect(troubleshooting).not.toContain('is not a file')
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
