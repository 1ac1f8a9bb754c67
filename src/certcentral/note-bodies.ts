// What CertCentral's answers about an order's notes hold, read tolerantly and bounded from
// untrusted text: the notes list (List order notes, or a `notes` array in Order info) and the Add
// note answer. Pure: no HTTP; the caller sanitizes what it shows. Which notes are ours is decided
// by run/delivery-notes.ts, on the text as read here.
import { idOf, isRecord, parseJson } from './bodies.js'

/** Notes read at most from one list: a hostile body may hold more. */
export const MAX_NOTES_READ = 1000
/** A note's text longer than this is cut to it (ours are far shorter, so it is then not ours). */
export const MAX_NOTE_TEXT_CHARS = 20_000

/** A note of an order: its ID, its text (bounded) and `date_created` when given. */
export interface NoteEntry {
  id: string
  text: string
  dateCreated: string | undefined
}

/** The notes of a list's `notes` array: those with an ID and a text, at most MAX_NOTES_READ. */
function notesOf(entries: unknown[]): NoteEntry[] {
  return entries.slice(0, MAX_NOTES_READ).flatMap((entry): NoteEntry[] => {
    if (!isRecord(entry) || typeof entry.text !== 'string') return []
    const id = idOf(entry.id)
    if (id === undefined) return []
    const dateCreated = typeof entry.date_created === 'string' ? entry.date_created : undefined
    return [{ id, text: entry.text.slice(0, MAX_NOTE_TEXT_CHARS), dateCreated }]
  })
}

/**
 * List order notes' answer, `{"notes":[{id, date_created, text, user}, …]}`; an empty list may
 * come without `notes`. Undefined when the body is not one (not an object, `notes` not an array,
 * DigiCert's `errors`). Notes without an ID or a string text are skipped.
 */
export function parseNoteList(body: string): NoteEntry[] | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed) || parsed.errors !== undefined) return undefined
  if (parsed.notes === undefined) return []
  return Array.isArray(parsed.notes) ? notesOf(parsed.notes) : undefined
}

/**
 * The `notes` array of an Order info body, read as parseNoteList reads a list; undefined when it
 * has none (which never means "no notes": DigiCert does not document it there).
 */
export function parseOrderInfoNotes(body: string): NoteEntry[] | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed) || !Array.isArray(parsed.notes)) return undefined
  return notesOf(parsed.notes)
}

/** The note Add note made: its ID and `date_created` when given. */
export interface AddedNote {
  id: string
  dateCreated: string | undefined
}

/**
 * Add note's answer, `{"id":int, "date_created":…, "text":…, "user":{…}}`; undefined when the body
 * is not one (no usable `id`, or DigiCert's `errors`): a 2xx without it is not CertCentral's answer.
 */
export function parseAddedNote(body: string): AddedNote | undefined {
  const parsed = parseJson(body)
  if (!isRecord(parsed) || parsed.errors !== undefined) return undefined
  const id = idOf(parsed.id)
  if (id === undefined) return undefined
  const dateCreated = typeof parsed.date_created === 'string' ? parsed.date_created : undefined
  return { id, dateCreated }
}
