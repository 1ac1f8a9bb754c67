// Certificate files for the tests of certificate-file: a throwaway CA and leaf certificates made
// with node-forge (keys from node:crypto), with the common name, serial and validity asked for, as
// PEM, a full chain, DER, a private key and a CSR; written to a fresh temporary directory.
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import forge from 'node-forge'

const DAY_MS = 86_400_000

/** One key pair for every certificate: the tests read certificates, they verify none. */
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
})
const privateKey = forge.pki.privateKeyFromPem(keys.privateKey)
const publicKey = forge.pki.publicKeyFromPem(keys.publicKey)

export interface MadeCertificate {
  pem: string
  der: Buffer
  /** Upper-case hex, as X509Certificate reads it. */
  serialNumber: string
  /** SHA-1 of the DER, 40 upper-case hex digits. */
  thumbprint: string
  validFrom: string
  validTo: string
}

const CA_NAME = [{ name: 'commonName', value: 'certificate-file test CA (throwaway)' }]

function made(certificate: forge.pki.Certificate): MadeCertificate {
  const pem = forge.pki.certificateToPem(certificate)
  const x509 = new X509Certificate(pem)
  return {
    pem,
    der: Buffer.from(x509.raw),
    serialNumber: x509.serialNumber.toUpperCase(),
    thumbprint: createHash('sha1').update(x509.raw).digest('hex').toUpperCase(),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString()
  }
}

/** The CA certificate (a chain's last entry). */
export const caCertificate: MadeCertificate = (() => {
  const ca = forge.pki.createCertificate()
  ca.publicKey = publicKey
  ca.serialNumber = '01'
  ca.validity.notBefore = new Date(Date.now() - 400 * DAY_MS)
  ca.validity.notAfter = new Date(Date.now() + 3650 * DAY_MS)
  ca.setSubject(CA_NAME)
  ca.setIssuer(CA_NAME)
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }])
  ca.sign(privateKey, forge.md.sha256.create())
  return made(ca)
})()

/** A leaf certificate signed by the test CA. */
export function leafCertificate({
  commonName = 'www.example.com',
  serial = '1A2B3C',
  notBefore = new Date(Date.now() - DAY_MS),
  notAfter = new Date(Date.now() + 90 * DAY_MS)
}: {
  commonName?: string
  /** Hex, the first digit below 8 (a positive DER integer). */
  serial?: string
  notBefore?: Date
  notAfter?: Date
} = {}): MadeCertificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = publicKey
  cert.serialNumber = serial
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = notAfter
  cert.setSubject([{ name: 'commonName', value: commonName }])
  cert.setIssuer(CA_NAME)
  cert.setExtensions([{ name: 'basicConstraints', cA: false }])
  cert.sign(privateKey, forge.md.sha256.create())
  return made(cert)
}

/** The private key of every test certificate, as PEM (PKCS#8). */
export const privateKeyPem: string = keys.privateKey

/** A certificate request (CSR) as PEM. */
export function csrPem(commonName = 'www.example.com'): string {
  const csr = forge.pki.createCertificationRequest()
  csr.publicKey = publicKey
  csr.setSubject([{ name: 'commonName', value: commonName }])
  csr.sign(privateKey, forge.md.sha256.create())
  return forge.pki.certificationRequestToPem(csr)
}

/** A fresh temporary directory to write files in, and its removal. */
export function tempDir(): {
  dir: string
  write: (path: string, content: string | Buffer) => string
  cleanup: () => void
} {
  const dir = mkdtempSync(join(tmpdir(), 'certificate-file-'))
  return {
    dir,
    write(path, content) {
      const file = join(dir, path)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, content)
      return file
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}
