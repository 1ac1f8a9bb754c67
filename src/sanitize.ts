// The one way out for text that came from the network (DigiCert codes and messages, raw bodies,
// headers, system error text) and for input problems: every such string reaches logs, annotations,
// outputs and the job summary through `Sanitizer.text`, which never throws and returns one bounded
// line without the key in any encoding, and with every email address as `…@domain` where
// recipients are shown by count.

/** Characters a field keeps unless the caller asks for fewer. */
export const DEFAULT_FIELD_CHARS = 300

/**
 * How many characters each kind of shown text keeps, in one table: a limit changes here only.
 * `Sanitizer.text` cuts to these and says the full length when it cuts.
 */
export const SHOWN_CHARS = {
  /** An ID inside a message or an annotation title. */
  id: 30,
  /** A system error code (ECONNRESET) and the like. */
  systemCode: 40,
  /** A Retry-After value quoted as unusable. */
  quotedHeader: 60,
  /** A header value in a debug line. */
  header: 80,
  /** One DigiCert error code. */
  errorCode: 100,
  /** A short field of an answer in `results`: common name, expiry, certificate ID, status, hint. */
  field: 200,
  /** One DigiCert error message, a redirect's Location, a system error's text, a stop's reason. */
  message: 300,
  /** A label's value or a warning in the summary. */
  detail: 500,
  /** An ID's error in a summary cell, an annotation, the verdict or `results`. */
  error: 600,
  /** An input problem in the summary. */
  problem: 1000,
  /** A body that is not DigiCert's error shape, inside a message. */
  body: 1024,
  /** One line of the log. */
  logLine: 2000
} as const

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything a log viewer or
// the runner's command parser could read as the end of a line.
// eslint-disable-next-line no-control-regex
const LINE_BREAKERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/**
 * Unicode's format characters (category Cf), all of them: the bidi controls (U+202A–202E,
 * U+2066–2069, U+200E, U+200F, U+061C), the zero-width characters (U+200B–200D, U+2060), the BOM
 * (U+FEFF), the soft hyphen (U+00AD), the tag characters (U+E0001, U+E0020–E007F) and the rest.
 * Invisible, they can make a host name read as another or hide text; shown text loses them (a
 * joined emoji shows as its parts, the one cost). Removed, not replaced by a space.
 */
export const FORMAT_CHARACTERS = /\p{Cf}/gu

/** Shows any value as text without letting it throw: strings as they are, the rest as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  try {
    return JSON.stringify(value) ?? String(typeof value)
  } catch {
    // A cycle or a getter that throws: say what it was, not what it contains.
    return `(${typeof value})`
  }
}

/** JSON's short escapes, which JSON.stringify writes for these characters of a key. */
const SHORT_ESCAPES: Record<string, string> = {
  '"': String.raw`\\"`,
  '\\': String.raw`\\\\`,
  '/': String.raw`\\/`
}

/** Between two characters of a secret: line breakers, raw or JSON-escaped, that folding removes. */
const GAP = String.raw`(?:[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\\[nrt]|\\u00[01][0-9a-fA-F]|\\u202[89])*`

/** Hex digits as a pattern that takes either case: `6b` matches `6b`, `6B`. */
function caseless(hex: string): string {
  return hex.replace(/[a-f]/g, c => `[${c}${c.toUpperCase()}]`)
}

/** The character, `\uXXXX` (either case of hex) or a short escape: a JSON-escaped secret. */
function escapedOrPlain(char: string): string {
  const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
  const plain = char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const short = Object.hasOwn(SHORT_ESCAPES, char) ? `|${SHORT_ESCAPES[char]}` : ''
  return `(?:${plain}|\\\\u${caseless(hex)}${short})`
}

/**
 * A character of a secret as given, JSON-escaped, or percent-encoded: each of its UTF-8 bytes as
 * %XX (either case), and a space as `+` too (a form's encoding).
 */
function anyEscape(char: string): string {
  const bytes = [...Buffer.from(char, 'utf8')]
  const percent = bytes.map(byte => `%${caseless(byte.toString(16).padStart(2, '0'))}`).join('')
  return `(?:${escapedOrPlain(char)}|${percent}${char === ' ' ? String.raw`|\+` : ''})`
}

/**
 * Secrets shorter than this many bytes are not looked for in base64 or hex: a few characters of
 * either are found by chance in other text (a serial, a word), which would lose its `***` meaning.
 */
export const MIN_ENCODED_BYTES = 6

/** The letters base64 writes as `+` and `/`, and their URL-safe alphabet's `-` and `_`. */
const URL_SAFE: Record<string, string> = { '+': '-', '/': '_' }

/**
 * The part of a secret's base64 that depends on its bytes alone, when it starts `offset` bytes
 * (0, 1 or 2) into a 3-byte group of a longer string: the characters whose 6 bits are all the
 * secret's. The character at each end that mixes in a neighbouring byte (or padding) is not.
 */
function base64Core(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
  return encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6))
}

/**
 * The patterns of one secret, one per form a server may echo it in: as given, JSON-escaped or
 * percent-encoded (character by character, so any mix of them); and from MIN_ENCODED_BYTES on, in
 * hex (either case) and in base64 (either alphabet, at each of the three byte alignments, a
 * character JSON-escaped or not). A line break, raw or escaped, may split any form (GAP). Apart,
 * not one alternation: V8 runs each such pattern several times faster than their alternation.
 */
function secretPatterns(secret: string): RegExp[] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms = [[...secret].map(anyEscape).join(GAP)]
  if (bytes.length >= MIN_ENCODED_BYTES) {
    forms.push([...bytes.toString('hex')].map(caseless).join(GAP))
    for (const offset of [0, 1, 2]) {
      const core = [...base64Core(bytes, offset)]
      forms.push(
        core
          .map(char => {
            const safe = URL_SAFE[char]
            return safe ? `(?:${escapedOrPlain(char)}|${safe})` : escapedOrPlain(char)
          })
          .join(GAP)
      )
    }
  }
  return forms.map(form => new RegExp(form, 'g'))
}

/**
 * A character of an address before its @: anything parse accepts there, and a backslash (a JSON
 * escape such as `\u202e` quoted in an input problem); not a space, quote, bracket, comma, colon,
 * semicolon or @.
 */
const LOCAL = String.raw`[^\s@<>()[\]",:;]`
/** The same inside a URL, where the address is percent-encoded: `?to=` and `&` are the URL's. */
const URL_LOCAL = String.raw`[\p{L}\p{N}\p{M}%._~+-]`
/** A domain: labels in any script, separated by dots. */
const DOMAIN = String.raw`[\p{L}\p{N}\p{M}_-]+(?:\.[\p{L}\p{N}\p{M}_-]+)*`

/**
 * An email address anywhere in a text, its @ plain or JSON-escaped (`\u0040`), or percent-encoded
 * (`%40`) in a URL; the domain is the first or the second group. The part before @ starts where a
 * word does (the lookbehinds), so each word is tried once and no text makes it backtrack for long.
 */
export const ADDRESS = new RegExp(
  `(?<!${LOCAL})${LOCAL}+(?:@|\\\\u0040)(${DOMAIN})|(?<!${URL_LOCAL})${URL_LOCAL}+%40(${DOMAIN})`,
  'gu'
)

/** How a sanitizer shows email addresses: `full` (the default) as written, `counts` `…@domain`. */
export interface SanitizerOptions {
  shown?: 'full' | 'counts'
}

export class Sanitizer {
  private readonly secrets: RegExp[]
  private readonly byDomain: boolean

  /**
   * @param secrets  values never shown: the API key (each line of it)
   * @param options  `shown: 'counts'`: every email address as `…@domain` (see detailsShown)
   */
  constructor(secrets: readonly string[], options: SanitizerOptions = {}) {
    this.secrets = secrets.filter(secret => secret.length >= 3).flatMap(secretPatterns)
    this.byDomain = options.shown === 'counts'
  }

  /**
   * Replaces every secret with `***`: as given, JSON-escaped, percent-encoded, in hex or in base64
   * (see secretPatterns).
   */
  redact(text: string): string {
    return this.secrets.reduce((shown, secret) => shown.replace(secret, '***'), text)
  }

  /** Every email address as `…@domain` (the domain in lower case) when shown by count. */
  addresses(text: string): string {
    if (!this.byDomain) return text
    return text.replace(
      ADDRESS,
      // One of the two groups took the domain.
      (_, plain: string | undefined, encoded: string) => `…@${(plain ?? encoded).toLowerCase()}`
    )
  }

  /**
   * One line of at most `max` characters: secrets redacted (before and after control characters
   * are folded, so a key split by a newline is still found), control characters and line breaks
   * folded into one space, format characters (FORMAT_CHARACTERS) removed, addresses shown as the
   * options say (before the cut, so none is cut in two), and no leading `::` that the runner
   * could take for a command.
   */
  text(value: unknown, max = DEFAULT_FIELD_CHARS): string {
    const flat = this.addresses(
      this.redact(
        this.redact(asText(value)).replace(LINE_BREAKERS, ' ').replace(FORMAT_CHARACTERS, '')
      )
    )
      .trim()
      .replace(/^:+/, match => match.split('').join(' '))
    if (flat.length <= max) return flat
    // Cut on a code point, not inside a surrogate pair.
    const cut = [...flat.slice(0, max)].slice(0, -1).join('')
    return `${cut}… (${flat.length} characters in all)`
  }
}

/**
 * The reason an output or a file could not be written, on one line: a system error's code and
 * text without the call and path (`ENOSPC: no space left on device`), anything else as it says.
 */
export function ioReason(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error)
  const { syscall } = (error ?? {}) as { syscall?: unknown }
  if (typeof syscall === 'string' && syscall !== '') {
    const at = text.lastIndexOf(`, ${syscall}`)
    if (at > 0) text = text.slice(0, at)
  }
  return new Sanitizer([]).text(text, SHOWN_CHARS.message)
}
