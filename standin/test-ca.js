// A throwaway certificate authority made at test time: a CA certificate and one server
// certificate for the names asked for, signed by it, so that an HTTPS stand-in can be verified for
// real (no NODE_TLS_REJECT_UNAUTHORIZED=0). Nothing is written unless asked, and then only to a
// fresh temporary directory.
//
//   const ca = await makeTestCa(['certcentral.test'])
//   const standIn = await startStandIn({ tls: { key: ca.keyPem, cert: ca.certPem }, hostname: 'certcentral.test' })
//   const caFile = ca.writeCaFile()   // for NODE_EXTRA_CA_CERTS in a child process
//   ...
//   ca.cleanup()
//
// Keys are RSA 2048 made by node:crypto (native, both at once on the thread pool: a few hundred
// milliseconds); node-forge only builds and signs the certificates, since it has no ECDSA.
// `ca.issue({ commonName, ... })` signs more leaf certificates (the renewals of issue 17's tests):
// chosen common name, SANs, serial and validity, on the server certificate's key unless asked.
import { generateKeyPair } from 'node:crypto'
import { isIP } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'

/**
 * @typedef {object} TestCa
 * @property {string} caCertPem  the CA's certificate: what a client must trust
 * @property {string} certPem  the server certificate for the names asked for
 * @property {string} keyPem  the server certificate's private key (PKCS#8)
 * @property {() => string} writeCaFile  writes caCertPem to a file in a fresh temporary directory
 *   (once; later calls return the same path) and returns its path, for NODE_EXTRA_CA_CERTS
 * @property {() => void} cleanup  removes what writeCaFile wrote
 * @property {(options: LeafOptions) => Promise<Leaf>} issue  another leaf certificate, signed by
 *   this CA
 */

/**
 * @typedef {object} LeafOptions
 * @property {string} commonName
 * @property {string[]} [dnsNames]  `[commonName]` by default
 * @property {string} [serial]  hex, positive (first digit below 8); a random one by default
 * @property {Date} [notBefore]  an hour ago by default
 * @property {Date} [notAfter]  90 days after notBefore by default
 * @property {boolean} [newKey]  a key of its own (a few hundred ms); the server key by default
 */

/**
 * @typedef {object} Leaf
 * @property {string} certPem
 * @property {string} keyPem  its private key (PKCS#8 PEM)
 */

/** @returns {Promise<{ publicKey: string, privateKey: string }>} */
function rsaKeyPair() {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
      },
      (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey }))
    )
  )
}

/** A random positive serial number, as hex. */
function serial() {
  // the first hex digit below 8 keeps the DER integer positive
  return '1' + forge.util.bytesToHex(forge.random.getBytesSync(15))
}

/**
 * @param {string[]} names  DNS names (e.g. `certcentral.test`) or IP literals (`127.0.0.1`, `::1`)
 * @param {object} [options]
 * @param {number} [options.days]  how long both certificates are valid; 1 by default
 * @returns {Promise<TestCa>}
 */
export async function makeTestCa(names, options = {}) {
  if (names.length === 0) throw new Error('makeTestCa: give at least one name')
  const days = options.days ?? 1
  const notBefore = new Date(Date.now() - 60 * 60 * 1000) // an hour back: clock skew
  const notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000)
  const [caKeys, serverKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()])
  const caKey = forge.pki.privateKeyFromPem(caKeys.privateKey)

  const caCert = forge.pki.createCertificate()
  caCert.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKey)
  caCert.serialNumber = serial()
  caCert.validity.notBefore = notBefore
  caCert.validity.notAfter = notAfter
  const caName = [
    { name: 'commonName', value: 'CertCentral stand-in test CA (throwaway)' },
    { name: 'organizationName', value: 'certcentral-email-action tests' }
  ]
  caCert.setSubject(caName)
  caCert.setIssuer(caName)
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' }
  ])
  caCert.sign(caKey, forge.md.sha256.create())

  const certPem = leafCertificate({
    caCert,
    caKey,
    publicKeyPem: serverKeys.publicKey,
    names,
    commonName: /** @type {string} */ (names[0]),
    serial: serial(),
    notBefore,
    notAfter
  })

  const caCertPem = forge.pki.certificateToPem(caCert)
  /** @param {LeafOptions} leaf */
  const issue = async leaf => {
    const keys = leaf.newKey ? await rsaKeyPair() : serverKeys
    const from = leaf.notBefore ?? notBefore
    const until = leaf.notAfter ?? new Date(from.getTime() + 90 * 24 * 60 * 60 * 1000)
    return {
      certPem: leafCertificate({
        caCert,
        caKey,
        publicKeyPem: keys.publicKey,
        names: leaf.dnsNames ?? [leaf.commonName],
        commonName: leaf.commonName,
        serial: leaf.serial ?? serial(),
        notBefore: from,
        notAfter: until
      }),
      keyPem: keys.privateKey
    }
  }
  /** @type {string | undefined} */
  let dir
  return {
    caCertPem,
    certPem,
    keyPem: serverKeys.privateKey,
    issue,
    writeCaFile() {
      dir ??= mkdtempSync(join(tmpdir(), 'certcentral-test-ca-'))
      const file = join(dir, 'ca.pem')
      writeFileSync(file, caCertPem)
      return file
    },
    cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true })
      dir = undefined
    }
  }
}

/**
 * The string type a common name is written as, as CAs do: a PrintableString when it holds only
 * that type's characters, else a UTF8String (`bücher.example`, `*.example.com`, `a<b`).
 * @param {string} name
 * @returns {forge.asn1.Class}
 */
function stringType(name) {
  const type = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(name)
    ? forge.asn1.Type.PRINTABLESTRING
    : forge.asn1.Type.UTF8
  return /** @type {forge.asn1.Class} */ (/** @type {unknown} */ (type))
}

/**
 * A server certificate signed by the CA.
 * @param {{ caCert: forge.pki.Certificate, caKey: forge.pki.rsa.PrivateKey, publicKeyPem: string,
 *   names: string[], commonName: string, serial: string, notBefore: Date, notAfter: Date }} leaf
 */
function leafCertificate({
  caCert,
  caKey,
  publicKeyPem,
  names,
  commonName,
  serial,
  notBefore,
  notAfter
}) {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem)
  cert.serialNumber = serial
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = notAfter
  cert.setSubject([
    { name: 'commonName', value: commonName, valueTagClass: stringType(commonName) }
  ])
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      // type 2: dNSName, type 7: iPAddress
      altNames: names.map(name => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }))
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes()
    }
  ])
  cert.sign(caKey, forge.md.sha256.create())
  return forge.pki.certificateToPem(cert)
}
