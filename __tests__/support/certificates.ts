// Test certificates, the one helper for them: leaf certificates signed by the stand-in's throwaway
// test CA (standin/test-ca.js signs every one: chosen common name, SANs, serial, validity, or
// already expired), the files a renewal leaves behind written to a fresh temporary directory (leaf
// PEM, full chain in either order, CA only, DER, a private key, a CSR, any other content), a bare
// temporary directory (tempDir), and stand-in accounts that hold a certificate as an order's
// primary, a duplicate or a reissue (the format of `--account`, for startStandIn's `account`).
// Fast: one CA per makeCertificates(), and every leaf reuses its one server key (the tests read
// certificates; none needs a key of its own).
//
//   const certs = await makeCertificates()
//   const cert = await certs.leaf({ commonName: 'www.example.com' })
//   standIn.setAccount({ orders: [orderHolding(cert, 'duplicate')] })
//   const file = certs.writeFullChain(cert, 'live/www.example.com/fullchain.pem')
//   ...
//   certs.cleanup()
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import forge from 'node-forge'
import { subjectCommonName } from '../../standin/account.js'
import { makeTestCa, type TestCa } from '../../standin/test-ca.js'
import { freshId } from './standin.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** A leaf certificate and the facts the action and the stand-in read from it. */
export interface TestCertificate {
  pem: string
  /** Its private key (PKCS#8 PEM). */
  keyPem: string
  der: Buffer
  commonName: string
  dnsNames: string[]
  /** Upper-case hex, as X509Certificate gives it. */
  serial: string
  /** SHA-1, upper-case hex without colons. */
  thumbprint: string
  validFrom: Date
  validTo: Date
  /** yyyy-MM-dd of validTo: what CertCentral calls valid_till. */
  validTill: string
}

export interface LeafOptions {
  commonName: string
  /** `[commonName]` by default. */
  dnsNames?: string[]
  /** Hex, first digit below 8 (a positive DER integer); random by default. */
  serial?: string
  /** An hour ago by default (or `issuedDaysAgo` days ago). */
  notBefore?: Date
  issuedDaysAgo?: number
  /** 90 days after notBefore by default. */
  notAfter?: Date
  /** Valid from 100 days ago until 10 days ago. */
  expired?: boolean
}

/** A certificate of a stand-in account: given by fields, or as PEM (facts from X509Certificate). */
export type AccountCertificate =
  | { id: number; pem: string; status?: string; date_created?: string; date_issued?: string }
  | {
      id: number
      common_name: string
      dns_names?: string[]
      serial_number: string
      thumbprint?: string
      status?: string
      date_created?: string
      date_issued?: string
      valid_from?: string
      valid_till?: string
    }

export interface AccountOrder {
  id: number
  status?: string
  date_created?: string
  certificate: AccountCertificate
  duplicates?: AccountCertificate[]
  reissues?: AccountCertificate[]
  /** Order info's people (recipients-from-order), any shape: served as given. */
  additional_emails?: unknown
  user?: unknown
  organization_contact?: unknown
  technical_contact?: unknown
  user_assignments?: unknown
  custom_fields?: unknown
}

/** The stand-in's account (`--account FILE`, startStandIn's `account`, `setAccount`). */
export interface Account {
  orders: AccountOrder[]
  list_matches_duplicates?: boolean
  list_omits_date_issued?: boolean
  list_omits_common_name?: boolean
  list_ignores_common_name?: boolean
}

/** A fresh temporary directory: each writer returns the file's absolute path. */
export interface TempDir {
  dir: string
  /** Writes `content` to `name` (which may hold folders, made as needed); returns its path. */
  write(name: string, content: string | Buffer): string
  /** Removes the directory and everything in it. */
  cleanup(): void
}

/** A fresh temporary directory to write files in, and its removal. */
export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'certcentral-certificates-'))
  return {
    dir,
    write(name, content) {
      const file = join(dir, name)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, content)
      return file
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A tree that takes a walk that follows links (@actions/glob) far longer than any test, made in a
 * moment: `top` and eight more directories, each holding ten symbolic links to the next, so that
 * a `**` under `top` has 10^8 paths to walk, none a cycle (a link leads down, never back to a
 * directory it is in). The directories after `top` are its siblings, named `linked-1` to `linked-8`.
 */
export function linkedTree(top: string): void {
  const parent = dirname(top)
  const dirs = [top, ...Array.from({ length: 8 }, (_, i) => join(parent, `linked-${i + 1}`))]
  dirs.forEach((dir, d) => {
    mkdirSync(dir, { recursive: true })
    const next = dirs[d + 1]
    if (next !== undefined) for (let i = 0; i < 10; i++) symlinkSync(next, join(dir, `l${i}`))
  })
}

/** The test CA, its leaves and the files they go to (the temporary directory `dir`). */
export interface Certificates extends TempDir {
  ca: TestCa
  leaf(options: LeafOptions): Promise<TestCertificate>
  /** Each writer returns the file's absolute path; `name` may hold folders (made as needed). */
  writeLeaf(cert: TestCertificate, name?: string): string
  /** Leaf first, then the CA (certbot's fullchain.pem); `caFirst` puts the CA first. */
  writeFullChain(cert: TestCertificate, name?: string, options?: { caFirst?: boolean }): string
  /** Only the CA's certificate: a file with no leaf. */
  writeCaOnly(name?: string): string
  writeDer(cert: TestCertificate, name?: string): string
  writePrivateKey(cert: TestCertificate, name?: string): string
  writeCsr(commonName: string, name?: string): string
  writeAccount(account: Account, name?: string): string
  /** Removes the directory and what the CA wrote. */
  cleanup(): void
}

/** The facts of a PEM certificate, as the tests compare them. */
export function factsOf(pem: string, keyPem = ''): TestCertificate {
  const x509 = new X509Certificate(pem)
  const commonName = subjectCommonName(x509.raw) ?? ''
  const dnsNames = (x509.subjectAltName ?? '')
    .split(', ')
    .filter(name => name.startsWith('DNS:'))
    .map(name => name.slice(4))
  const validTo = new Date(x509.validTo)
  return {
    pem,
    keyPem,
    der: x509.raw,
    commonName,
    dnsNames,
    serial: x509.serialNumber.toUpperCase(),
    thumbprint: x509.fingerprint.replace(/:/g, '').toUpperCase(),
    validFrom: new Date(x509.validFrom),
    validTo,
    validTill: validTo.toISOString().slice(0, 10)
  }
}

/** A test CA (valid ten years) and a fresh temporary directory for the files. */
export async function makeCertificates(): Promise<Certificates> {
  const ca = await makeTestCa(['certcentral-email-action test leaves'], { days: 3650 })
  const files = tempDir()
  const { dir, write } = files
  return {
    ca,
    dir,
    write,
    async leaf(options) {
      const now = Date.now()
      const notBefore = options.expired
        ? new Date(now - 100 * DAY_MS)
        : (options.notBefore ??
          new Date(now - (options.issuedDaysAgo ?? 0) * DAY_MS - 60 * 60 * 1000))
      const notAfter = options.expired ? new Date(now - 10 * DAY_MS) : options.notAfter
      const issued = await ca.issue({
        commonName: options.commonName,
        ...(options.dnsNames ? { dnsNames: options.dnsNames } : {}),
        ...(options.serial ? { serial: options.serial } : {}),
        notBefore,
        ...(notAfter ? { notAfter } : {})
      })
      return factsOf(issued.certPem, issued.keyPem)
    },
    writeLeaf: (cert, name = 'cert.pem') => write(name, cert.pem),
    writeFullChain: (cert, name = 'fullchain.pem', options = {}) =>
      write(name, options.caFirst ? ca.caCertPem + cert.pem : cert.pem + ca.caCertPem),
    writeCaOnly: (name = 'chain.pem') => write(name, ca.caCertPem),
    writeDer: (cert, name = 'cert.der') => write(name, cert.der),
    writePrivateKey: (cert, name = 'privkey.pem') => write(name, cert.keyPem),
    writeCsr: (commonName, name = 'request.csr') => write(name, csrPem(ca.keyPem, commonName)),
    writeAccount: (account, name = 'account.json') => write(name, JSON.stringify(account)),
    cleanup() {
      files.cleanup()
      ca.cleanup()
    }
  }
}

/**
 * A subject attribute for selfSigned: `type` (an OID) or `name` (forge's: commonName,
 * organizationName…), and `tag` the string type it is written as: 12 UTF8String (the value
 * encoded as UTF-8), else the value written as it is, one byte per character (a binary string):
 * 19 PrintableString (forge's default), 22 IA5String, 20 TeletexString, 30 BMPString (give the
 * string: forge writes it as UTF-16BE), 28 UniversalString (the UTF-32BE bytes).
 */
export interface SubjectAttribute {
  name?: string
  type?: string
  value: string
  tag?: number
}

let selfSignedKeys: { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey } | undefined

/**
 * A self-signed end-entity certificate (PEM) with these subject (and issuer) attributes, valid from
 * an hour ago for a day, on one RSA key made at the first call.
 */
export function selfSigned(attributes: SubjectAttribute[]): string {
  if (!selfSignedKeys) {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = (key: { export(o: object): string | Buffer }, type: string): string =>
      key.export({ type, format: 'pem' }).toString()
    selfSignedKeys = {
      publicKey: forge.pki.publicKeyFromPem(pem(keys.publicKey, 'spki')),
      privateKey: forge.pki.privateKeyFromPem(pem(keys.privateKey, 'pkcs8'))
    }
  }
  const fields = attributes.map(({ tag, ...field }) =>
    tag === undefined ? field : { ...field, valueTagClass: tag as forge.asn1.Class }
  )
  const cert = forge.pki.createCertificate()
  cert.publicKey = selfSignedKeys.publicKey
  cert.serialNumber = '01'
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000)
  cert.validity.notAfter = new Date(Date.now() + DAY_MS)
  cert.setSubject(fields)
  cert.setIssuer(fields)
  cert.sign(selfSignedKeys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create())
  return forge.pki.certificateToPem(cert)
}

/** A certificate signing request (PEM) for a common name, signed with this key. */
function csrPem(keyPem: string, commonName: string): string {
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey
  const csr = forge.pki.createCertificationRequest()
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e)
  csr.setSubject([{ name: 'commonName', value: commonName }])
  csr.sign(key, forge.md.sha256.create())
  return forge.pki.certificationRequestToPem(csr)
}

/** A random serial (upper-case hex, 32 digits, positive) for a certificate given by fields. */
export function randomSerial(): string {
  return ('4' + forge.util.bytesToHex(forge.random.getBytesSync(15)) + '0').toUpperCase()
}

/** A random SHA-1 thumbprint (upper-case hex, 40 digits). */
export function randomThumbprint(): string {
  return forge.util.bytesToHex(forge.random.getBytesSync(20)).toUpperCase()
}

/** A certificate given by fields, not the test's: the other primary of an order, say. */
export function madeUpCertificate(
  commonName: string,
  fields: Partial<Extract<AccountCertificate, { common_name: string }>> = {}
): AccountCertificate {
  return {
    id: Number(freshId()),
    common_name: commonName,
    serial_number: randomSerial(),
    thumbprint: randomThumbprint(),
    date_issued: new Date(Date.now() - 200 * DAY_MS).toISOString(),
    valid_till: new Date(Date.now() + 165 * DAY_MS).toISOString().slice(0, 10),
    ...fields
  }
}

export interface Holding {
  orderId: number
  /** The certificate ID the test certificate has in the account. */
  certificateId: number
  order: AccountOrder
}

/**
 * An order (fresh order and certificate IDs) that holds `cert` as:
 * - `primary`: its certificate;
 * - `duplicate`: one of its duplicates (the primary a made-up certificate, same common name);
 * - `reissue`: its certificate after a reissue (the earlier, made-up one in its reissue list);
 * - `replaced`: an earlier certificate in its reissue list (the primary a newer made-up one).
 */
export function orderHolding(
  cert: TestCertificate,
  as: 'primary' | 'duplicate' | 'reissue' | 'replaced',
  order: Partial<Omit<AccountOrder, 'certificate'>> & { date_issued?: string } = {}
): Holding {
  const orderId = order.id ?? Number(freshId())
  const certificateId = Number(freshId())
  const { date_issued, ...rest } = order
  const mine: AccountCertificate = {
    id: certificateId,
    pem: cert.pem,
    ...(date_issued ? { date_issued } : {})
  }
  const other = madeUpCertificate(cert.commonName, { dns_names: cert.dnsNames })
  const base = { status: 'issued', ...rest, id: orderId }
  const built: AccountOrder = {
    primary: { ...base, certificate: mine },
    duplicate: { ...base, certificate: other, duplicates: [...(rest.duplicates ?? []), mine] },
    reissue: { ...base, certificate: mine, reissues: [...(rest.reissues ?? []), other] },
    replaced: { ...base, certificate: other, reissues: [...(rest.reissues ?? []), mine] }
  }[as]
  return { orderId, certificateId, order: built }
}
