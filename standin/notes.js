// The stand-in's order notes (deliver-once's record): notes kept per order, added by
// `POST /order/certificate/{id}/note` (DigiCert's Add note: 201 with the note) and listed newest
// first by `GET` on the same path (List order notes), and the account-wide modes a test sets:
// `refuse` (a 403 to every Add note, as a key whose user may not add notes), `fail` (a 500 to every
// Add note, nothing kept) and `hostile` (every list also carries notes with hostile text: a
// workflow command, CR/LF, bidi and zero-width characters, 10 KB, near-copies of the action's own
// format, entries without an ID or a text).

/** The user the stand-in's key belongs to: every note added through the API names it. */
export const NOTE_USER = {
  id: 4242,
  first_name: 'Stand',
  last_name: 'In',
  email: 'api-user@standin.example'
}
/** The first note ID the stand-in gives. */
export const FIRST_NOTE_ID = 4501
/** The modes of the stand-in's notes. */
export const NOTES_MODES = ['refuse', 'fail', 'hostile']

/**
 * @typedef {object} StoredNote
 * @property {number} id
 * @property {string} date_created  `yyyy-MM-ddTHH:mm:ss+00:00`
 * @property {string} text
 * @property {typeof NOTE_USER} user
 */

/**
 * @typedef {object} NotesStore
 * @property {Map<string, StoredNote[]>} byOrder  oldest first
 * @property {number} nextId
 * @property {'refuse' | 'fail' | 'hostile' | undefined} mode
 */

/** @param {string | undefined} mode @returns {NotesStore} */
export function createNotes(mode) {
  return { byOrder: new Map(), nextId: FIRST_NOTE_ID, mode: checkMode(mode) }
}

/** @param {string | undefined} mode */
export function checkMode(mode) {
  if (mode !== undefined && !NOTES_MODES.includes(mode))
    throw new TypeError(`notes mode ${mode}: expected one of ${NOTES_MODES.join(', ')}`)
  return /** @type {NotesStore['mode']} */ (mode)
}

/** A date as DigiCert writes date_created: `2026-12-01T06:00:05+00:00`. @param {number} ms */
export function noteDate(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

/**
 * Keeps a note on an order as Add note would, and returns it.
 * @param {NotesStore} store @param {string} orderId @param {string} text @param {number} [ms]
 */
export function addNote(store, orderId, text, ms = Date.now()) {
  /** @type {StoredNote} */
  const note = { id: store.nextId++, date_created: noteDate(ms), text, user: NOTE_USER }
  const notes = store.byOrder.get(orderId) ?? []
  notes.push(note)
  store.byOrder.set(orderId, notes)
  return note
}

/**
 * List order notes' answer: the order's notes newest first, after the hostile ones in that mode.
 * @param {NotesStore} store @param {string} orderId
 */
export function listNotes(store, orderId) {
  const kept = [...(store.byOrder.get(orderId) ?? [])].reverse()
  return { notes: store.mode === 'hostile' ? [...hostileNotes(orderId), ...kept] : kept }
}

/**
 * Notes no action should take as its own, nor show as they are.
 * @param {string} orderId
 */
export function hostileNotes(orderId) {
  const heading = 'certcentral-email-action delivery record v1 (part 1 of 1)'
  const lines = [
    heading,
    'operation: send-certificate',
    `certificate: ${Number(orderId) + 1_000_000} serial 0A1B2C`,
    'format: attachment',
    'sent: 2026-12-01T06:00:00Z',
    'run: unknown',
    'recipients: ops@example.com'
  ]
  const note = (/** @type {number} */ id, /** @type {unknown} */ text) => ({
    id,
    date_created: '2026-12-01T06:00:00+00:00',
    text,
    user: { id: 1, first_name: '::error::', last_name: '\u202e', email: 'x@example.com' }
  })
  return [
    note(9001, '::error file=x::forged\n::set-output name=sent-ids::1\n::add-mask::x'),
    note(9002, 'line\r\nbreak\rcarriage \u202eevil\u202c zero\u200bwidth \ufeff'),
    note(9003, 'x'.repeat(10 * 1024)),
    // near-copies of the action's own format: not exact, so never a delivery
    note(9004, `${lines.join('\n')} `),
    note(9005, lines.join('\n').replace('v1', 'v2')),
    note(9006, lines.join('\n').toUpperCase()),
    note(9007, ['A person wrote:', ...lines].join('\n')),
    note(9008, 5),
    { date_created: 'never', text: lines.join('\n') }
  ]
}
