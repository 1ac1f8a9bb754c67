// certificate-file: the glob matcher, what a file holds (a leaf, a chain with the CA first, DER, a
// private key, a CSR, text, only CA certificates), each file once, a pattern matching nothing, an
// unreadable or too large file; never any content in a message. Real files in a temporary
// directory, real certificates from the test CA.
import { X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, symlinkSync } from 'node:fs'
import { join, posix, win32 } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MAX_FILE_BYTES,
  MAX_MATCHES,
  certificateIn,
  displayPath,
  factsOf,
  isGlob,
  matchFiles,
  readCertificateFiles,
  segmentPattern,
  splitAbsolute
} from '../../src/certificate-file.js'
import { makeCertificates, selfSigned, tempDir } from '../support/certificates.js'

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

  it('matches *, ?, [...] and ** (hidden directories and symlinked ones not descended)', () => {
    const rel = (pattern: string): string[] =>
      matchFiles(pattern, certs.dir).map(f => displayPath(f, certs.dir))
    expect(rel('live/*/cert.pem')).toEqual(['live/example.com/cert.pem'])
    expect(rel('live/.*/cert.pem')).toEqual(['live/.hidden/cert.pem'])
    expect(rel('live/example.com/*.pem')).toEqual([
      'live/example.com/cert.pem',
      'live/example.com/fullchain.pem',
      'live/example.com/privkey.pem'
    ])
    expect(rel('**/cert.*')).toEqual(['live/example.com/cert.pem', 'live/other.org/cert.der'])
    expect(rel('live/**/c?rt.[dp]e[mr]')).toEqual([
      'live/example.com/cert.pem',
      'live/other.org/cert.der'
    ])
    expect(rel('live/example.com')).toEqual([])
    expect(rel('nothing/*.pem')).toEqual([])
    expect(rel(join(certs.dir, 'notes.txt'))).toEqual(['notes.txt'])
  })

  it('reads each file once, relative to the workspace, with what it holds', () => {
    const readings = readCertificateFiles(
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

  it('says what a file holds instead of a certificate, never its content', () => {
    const readings = readCertificateFiles(
      [
        'live/example.com/privkey.pem',
        'request.csr',
        'notes.txt',
        'ca-only.pem',
        'big.pem',
        'missing/*.pem',
        'missing.pem'
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
      { path: 'missing/*.pem', problem: `matches no file (relative to ${certs.dir})` },
      { path: 'missing.pem', problem: `is not a file (relative to ${certs.dir})` }
    ])
    expect(JSON.stringify(readings)).not.toContain('PRIVATE')
    expect(JSON.stringify(readings)).not.toContain('some text')
  })

  it.skipIf(process.getuid?.() === 0)('names a file that cannot be read', () => {
    const file = certs.writeLeaf(leaf, 'locked.pem')
    chmodSync(file, 0o000)
    expect(readCertificateFiles(['locked.pem'], certs.dir)).toEqual([
      { path: 'locked.pem', problem: 'cannot be read (EACCES); check the path and its permissions' }
    ])
  })

  it.skipIf(!existsSync('/proc/self/mem'))(
    'names a file that opens but cannot be read, by its error code (EIO, even as root)',
    () => {
      expect(readCertificateFiles(['/proc/self/mem'], certs.dir)).toEqual([
        {
          path: '/proc/self/mem',
          problem: 'cannot be read (EIO); check the path and its permissions'
        }
      ])
    }
  )

  it('reads a certificate file of exactly the largest size', () => {
    const padding = ' '.repeat(MAX_FILE_BYTES - leaf.pem.length)
    certs.write('padded.pem', leaf.pem + padding)
    expect(readCertificateFiles(['padded.pem'], certs.dir)).toEqual([
      { path: 'padded.pem', facts: expect.objectContaining({ serialNumber: '0A1B2C3D' }) }
    ])
  })

  it.skipIf(!existsSync('/proc/self/fd'))('closes every file it reads', () => {
    const open = (): number => readdirSync('/proc/self/fd').length
    const before = open()
    const readings = readCertificateFiles(['live/**/*', '*.pem'], certs.dir)
    expect(readings.length).toBeGreaterThan(5)
    expect(open()).toBe(before)
  })

  it('keeps an absolute path outside the workspace absolute', () => {
    const file = join(certs.dir, 'live/example.com/cert.pem')
    expect(readCertificateFiles([file], join(certs.dir, 'live/other.org'))).toEqual([
      expect.objectContaining({ path: file })
    ])
  })
})

describe('matchFiles: order and permissions', () => {
  it("sorts the files, not in the order ** walks them (each directory's files before its subdirectories)", () => {
    const files = tempDir()
    try {
      files.write('b.pem', '')
      files.write('a/x.pem', '')
      expect(matchFiles('**/*.pem', files.dir)).toEqual([
        join(files.dir, 'a/x.pem'),
        join(files.dir, 'b.pem')
      ])
    } finally {
      files.cleanup()
    }
  })

  it.skipIf(process.getuid?.() === 0)(
    'goes through a directory it may enter but not list, when the pattern names it',
    () => {
      const files = tempDir()
      try {
        files.write('private/cert.pem', '')
        chmodSync(join(files.dir, 'private'), 0o111)
        expect(matchFiles('private/cert.pem', files.dir)).toEqual([
          join(files.dir, 'private/cert.pem')
        ])
        expect(matchFiles('private/*.pem', files.dir)).toEqual([])
      } finally {
        chmodSync(join(files.dir, 'private'), 0o755)
        files.cleanup()
      }
    }
  )
})

describe('matchFiles: bounded', () => {
  it(`stops at ${MAX_MATCHES} files`, () => {
    const many = tempDir()
    try {
      for (let i = 0; i < MAX_MATCHES + 3; i++) many.write(`d${i % 2}/f${i}.pem`, '')
      expect(MAX_MATCHES).toBe(1000)
      expect(matchFiles('**/*.pem', many.dir)).toHaveLength(MAX_MATCHES)
    } finally {
      many.cleanup()
    }
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
