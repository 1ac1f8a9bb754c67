// Certificate files: the `certificate-file` input's patterns matched against the file system with
// a small glob matcher (`*`, `?`, `**`, `[...]`; no dependency), and each file read (at most
// MAX_FILE_BYTES) with node:crypto's X509Certificate into plain facts: serial, SHA-1 thumbprint,
// common name (read from the DER, src/der.ts), validity. The I/O lives here; parsePlan receives the readings through its
// Environment and stays pure. No file's content is ever returned, logged or put in a message.
import { X509Certificate } from 'node:crypto'
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs'
import nativePath, { isAbsolute, join, relative, resolve, sep, type PlatformPath } from 'node:path'
import { commonNameOf } from './der.js'

/** A file is read up to this size; a larger one is not a certificate file. */
export const MAX_FILE_BYTES = 1024 * 1024
/** Files one pattern may match at most (a `**` over a large tree is a mistake). */
export const MAX_MATCHES = 1000

/** What a certificate file holds, as the plan and the report use it. */
export interface CertificateFacts {
  /** Upper-case hex, no separators. */
  serialNumber: string
  /** SHA-1, 40 upper-case hex digits. */
  thumbprint: string
  commonName: string | undefined
  /** ISO 8601. */
  validFrom: string
  validTo: string
}

/**
 * One file read, or one pattern or file that could not be: `path` is the entry's ID (relative to
 * the workspace when inside it), or the pattern that matched nothing.
 */
export type FileReading =
  { path: string; facts: CertificateFacts } | { path: string; problem: string }

// ---- Glob ---------------------------------------------------------------------------------------

/** Whether a path segment holds a wildcard. */
export function isGlob(segment: string): boolean {
  return /[*?[]/.test(segment)
}

/** One path segment's pattern as a regular expression: `*`, `?`, `[...]` (`[!...]` negates). */
export function segmentPattern(segment: string): RegExp {
  let source = ''
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string
    if (c === '*') source += '[^/]*'
    else if (c === '?') source += '[^/]'
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2)
      if (end === -1) source += '\\['
      else {
        const body = segment.slice(i + 1, end)
        const negated = body.startsWith('!') || body.startsWith('^')
        const chars = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')
        source += `[${negated ? '^' : ''}${chars}]`
        i = end
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/** Entries of a directory, [] when it cannot be read. */
function entries(dir: string): { name: string; directory: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map(e => ({
      name: e.name,
      directory: e.isDirectory()
    }))
  } catch {
    return []
  }
}

/** Whether a wildcard may match this name: a hidden one only when the pattern starts with a dot. */
function visible(name: string, segment: string): boolean {
  return !name.startsWith('.') || segment.startsWith('.')
}

/**
 * An absolute path's root (`/`, `C:\`, `\\server\share\`) and the names after it, split with
 * `path` (node:path, or its posix or win32 flavour in tests).
 */
export function splitAbsolute({ absolute, path }: { absolute: string; path: PlatformPath }): {
  root: string
  segments: string[]
} {
  const { root } = path.parse(absolute)
  return { root, segments: absolute.slice(root.length).split(path.sep).filter(Boolean) }
}

/**
 * The files a pattern matches, absolute, sorted; a path without wildcards matches itself when it
 * is a file. `**` matches any number of directories (hidden ones and symlinks to directories are
 * not descended).
 */
export function matchFiles(pattern: string, base: string): string[] {
  const { root, segments } = splitAbsolute({ absolute: resolve(base, pattern), path: nativePath })
  const found = new Set<string>()
  const walk = (dir: string, rest: string[]): void => {
    if (found.size >= MAX_MATCHES) return
    const [segment, ...after] = rest
    if (segment === undefined) {
      if (isFile(dir)) found.add(dir)
      return
    }
    if (segment === '**') {
      walk(dir, after)
      for (const e of entries(dir))
        if (e.directory && !e.name.startsWith('.')) walk(join(dir, e.name), rest)
      return
    }
    if (!isGlob(segment)) return walk(join(dir, segment), after)
    const match = segmentPattern(segment)
    for (const e of entries(dir))
      if (visible(e.name, segment) && match.test(e.name)) walk(join(dir, e.name), after)
  }
  walk(root, segments)
  return [...found].sort()
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

// ---- Reading ------------------------------------------------------------------------------------

/** The first bytes of a file, at most max + 1 (so that a larger file shows it is larger). */
function readHead(path: string, max: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(max + 1)
    let length = 0
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null)
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g

/** The facts of one certificate; the common name as its DER holds it (src/der.ts). */
export function factsOf(certificate: X509Certificate): CertificateFacts {
  return {
    serialNumber: certificate.serialNumber.toUpperCase(),
    thumbprint: certificate.fingerprint.replace(/:/g, '').toUpperCase(),
    commonName: commonNameOf(certificate.raw),
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString()
  }
}

/**
 * What a file's bytes hold: the facts of its first non-CA certificate (PEM), or of a DER
 * certificate, or a problem saying what it holds instead. Never quotes the content.
 */
export function certificateIn(content: Buffer): CertificateFacts | string {
  const text = content.toString('latin1')
  if (!text.includes('-----BEGIN ')) {
    try {
      return factsOf(new X509Certificate(content))
    } catch {
      return 'holds no certificate (neither PEM nor DER)'
    }
  }
  const blocks = [...text.matchAll(PEM_BLOCK)]
  const certificates: X509Certificate[] = []
  for (const [block, label] of blocks) {
    if (label !== 'CERTIFICATE' && label !== 'TRUSTED CERTIFICATE') continue
    try {
      certificates.push(new X509Certificate(block))
    } catch {
      return 'holds a certificate block that cannot be read (a damaged PEM?)'
    }
  }
  const leaf = certificates.find(c => !c.ca)
  if (leaf) return factsOf(leaf)
  if (certificates.length) return 'holds only CA certificates, not the certificate issued to you'
  const labels = blocks.map(([, label]) => label as string)
  if (labels.some(label => label.endsWith('PRIVATE KEY')))
    return 'holds a private key, not a certificate'
  if (labels.some(label => label.includes('CERTIFICATE REQUEST')))
    return 'holds a certificate request (CSR), not a certificate'
  return 'holds no certificate'
}

/** A file as the entry's ID: relative to the workspace when inside it, else absolute. */
export function displayPath(file: string, workspace: string): string {
  const inside = relative(workspace, file)
  const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)
  return inside !== '' && !outside ? inside : file
}

/**
 * Reads the certificate files the patterns name, each file once (by its real path), in the order
 * the patterns give them. Patterns are relative to `workspace` unless absolute.
 */
export function readCertificateFiles(patterns: string[], workspace: string): FileReading[] {
  const readings: FileReading[] = []
  const seen = new Set<string>()
  for (const pattern of patterns) {
    const files = matchFiles(pattern, workspace)
    if (files.length === 0) {
      const what = [...pattern].some(c => '*?['.includes(c)) ? 'matches no file' : 'is not a file'
      readings.push({ path: pattern, problem: `${what} (relative to ${workspace})` })
    }
    for (const file of files) {
      const real = realPath(file)
      if (seen.has(real)) continue
      seen.add(real)
      readings.push(readOne(file, workspace))
    }
  }
  return readings
}

function realPath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

function readOne(file: string, workspace: string): FileReading {
  const path = displayPath(file, workspace)
  let content: Buffer
  try {
    content = readHead(file, MAX_FILE_BYTES)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    return { path, problem: `cannot be read (${code}); check the path and its permissions` }
  }
  if (content.length > MAX_FILE_BYTES)
    return {
      path,
      problem: `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: not a certificate file`
    }
  const facts = certificateIn(content)
  return typeof facts === 'string' ? { path, problem: facts } : { path, facts }
}
