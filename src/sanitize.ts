// The one way out for text that came from the network (DigiCert codes and messages, raw bodies,
// headers, system error text): every such string reaches logs, annotations, outputs and the job
// summary through `Sanitizer.text`, which never throws and returns one bounded line without the key.

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

/** The character, `\uXXXX` (either case of hex) or a short escape: a JSON-escaped secret. */
function escapedOrPlain(char: string): string {
  const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
  const plain = char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const short = Object.hasOwn(SHORT_ESCAPES, char) ? `|${SHORT_ESCAPES[char]}` : ''
  return `(?:${plain}|\\\\u${hex.replace(/[a-f]/g, c => `[${c}${c.toUpperCase()}]`)}${short})`
}

export class Sanitizer {
  private readonly secrets: RegExp[]

  /** @param secrets  values never shown: the API key (each line of it) */
  constructor(secrets: readonly string[]) {
    this.secrets = secrets
      .filter(secret => secret.length >= 3)
      .map(secret => new RegExp([...secret].map(escapedOrPlain).join(GAP), 'g'))
  }

  /** Replaces every secret, as given or JSON-escaped, with `***`. */
  redact(text: string): string {
    return this.secrets.reduce((shown, secret) => shown.replace(secret, '***'), text)
  }

  /**
   * One line of at most `max` characters: secrets redacted (before and after control characters
   * are folded, so a key split by a newline is still found), control characters and line breaks
   * folded into one space, format characters (FORMAT_CHARACTERS) removed, and no leading `::`
   * that the runner could take for a command.
   */
  text(value: unknown, max = DEFAULT_FIELD_CHARS): string {
    const flat = this.redact(
      this.redact(asText(value)).replace(LINE_BREAKERS, ' ').replace(FORMAT_CHARACTERS, '')
    )
      .trim()
      .replace(/^:+/, match => match.split('').join(' '))
    if (flat.length <= max) return flat
    // Cut on a code point, not inside a surrogate pair.
    const cut = [...flat.slice(0, max)].slice(0, -1).join('')
    return `${cut}… (${flat.length} characters in all)`
  }
}
