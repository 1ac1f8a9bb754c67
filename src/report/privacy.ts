// summary-details: what the job summary, the dry-run listing and the debug log show of the
// recipients and the custom message. `full` shows them, `counts` shows them by count (recipients
// and their domains, the message's length); `auto` shows them in a private repository only, the
// visibility read from the event file. Pure.
import type { Detail } from '../operations.js'
import type { Privacy } from '../input/summary-details.js'

/**
 * What the summary, the dry-run listing and the debug log show of recipients and the message:
 * `full` (the addresses, the message) or `counts`. `auto` shows them in a private repository only:
 * an unknown visibility counts as public.
 */
export function detailsShown({ summaryDetails, visibility }: Privacy): 'full' | 'counts' {
  if (summaryDetails !== 'auto') return summaryDetails
  return visibility === 'private' ? 'full' : 'counts'
}

/** Why recipients and the message are shown by count, or undefined when they are shown. */
export function countsNote(context: Privacy): string | undefined {
  if (detailsShown(context) === 'full') return undefined
  const why =
    context.summaryDetails === 'counts'
      ? 'summary-details is counts'
      : context.visibility === 'public'
        ? 'the repository is public'
        : 'the event file does not say whether the repository is public'
  return `Recipients and the message are shown by count: ${why} (summary-details: full shows them).`
}

/** A private detail by count: `3 recipients at example.com, example.org`, or the message's length. */
export function countedText(hidden: Exclude<Detail[2], undefined>): string {
  if ('message' in hidden) return `a custom message (${[...hidden.message].length} characters)`
  const { recipients } = hidden
  const domains = [
    ...new Set(recipients.map(address => address.slice(address.lastIndexOf('@') + 1).toLowerCase()))
  ]
  return `${recipients.length} recipient${recipients.length === 1 ? '' : 's'} at ${domains.join(', ')}`
}

/** The details as shown: label and value, a private one by count when `shown` is counts. */
export function shownDetails({
  details,
  shown
}: {
  details: Detail[]
  shown: 'full' | 'counts'
}): [string, string][] {
  return details.map(([label, value, hidden]) => [
    label,
    hidden !== undefined && shown === 'counts' ? countedText(hidden) : value
  ])
}

/** A value shown in place of a private one: written `<text>`, unquoted (see shownJson). */
export class Placeholder {
  constructor(readonly text: string) {}
}

/**
 * A body as the dry-run listing and the debug log show it: when `shown` is counts, each recipient's
 * address as `…@domain` and the message as a Placeholder of its length, wherever they stand in the
 * body (write it with shownJson).
 */
export function shownBody({
  body,
  details,
  shown
}: {
  body: object | undefined
  details: Detail[]
  shown: 'full' | 'counts'
}): object | undefined {
  if (shown === 'full') return body
  const hidden = new Map<string, string | Placeholder>()
  for (const [, , held] of details) {
    if (held === undefined) continue
    if ('message' in held) {
      const length = [...held.message].length
      const characters = `${length} character${length === 1 ? '' : 's'}`
      hidden.set(held.message, new Placeholder(`a custom message of ${characters}, not shown`))
    } else
      for (const address of held.recipients)
        hidden.set(address, `…${address.slice(address.lastIndexOf('@'))}`)
  }
  const replaced = (value: unknown): unknown => {
    if (typeof value === 'string') return hidden.get(value) ?? value
    if (typeof value !== 'object' || value === null) return value
    if (Array.isArray(value)) return value.map(replaced)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaced(item)]))
  }
  // No body stays none (replaced passes undefined through).
  return replaced(body) as object | undefined
}

/**
 * `JSON.stringify(value, null, indent)`, but each Placeholder written as `<its text>`, unquoted:
 * not a JSON string, so that it cannot be taken for the value sent.
 */
export function shownJson({ value, indent = 0 }: { value: unknown; indent?: number }): string {
  const pad = ' '.repeat(indent)
  const write = (item: unknown, depth: string): string | undefined => {
    if (item instanceof Placeholder) return `<${item.text}>`
    if (typeof item !== 'object' || item === null) return JSON.stringify(item)
    const inner = depth + pad
    const list = Array.isArray(item)
    const parts = list
      ? item.map(entry => write(entry, inner) ?? 'null')
      : Object.entries(item).flatMap(([key, entry]) => {
          const written = write(entry, inner)
          return written === undefined ? [] : [`${JSON.stringify(key)}:${pad && ' '}${written}`]
        })
    const [open, close] = list ? ['[', ']'] : ['{', '}']
    if (parts.length === 0) return open + close
    const [before, after] = pad ? [`\n${inner}`, `\n${depth}`] : ['', '']
    return `${open}${before}${parts.join(`,${before}`)}${after}${close}`
  }
  return write(value, '') as string
}
