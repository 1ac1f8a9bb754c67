// Finding a certificate (pure): the look-up chain of a file, serial, thumbprint or common name.
// findStep names the next GET from the answers so far (withFindAnswer folds each in), the
// certificate found (the first match; for a common name the newest, pickNewest), or why none is;
// isMiss says which failed look-up is "not this step" of the chain.
import {
  ISSUED,
  MAX_LIST_ENTRIES,
  isWaitingForCertificate,
  hexKey,
  sameHex,
  type CertificateSummary,
  type OrderInfo,
  type OrderSummary
} from '../certcentral/bodies.js'
import { anyStatusQuery, type OrderQuery } from '../certcentral/api.js'
import type { CertCentralError } from '../certcentral/errors.js'
import type { IdInput, Known } from '../operations.js'

/** DigiCert's code for a path it does not know: the URL is wrong, whatever was asked. */
const ROUTE_NOT_FOUND = 'not_found|route'

/**
 * Whether a code says the thing asked was not found (`not_found`, `not_found|order`, any other
 * `not_found|…` but the route's): it names the ID, so the same one for many IDs says nothing of
 * the run.
 */
export function isNotFoundCode(code: string): boolean {
  return code === 'not_found' || (code.startsWith('not_found|') && code !== ROUTE_NOT_FOUND)
}

/**
 * Whether a look-up's failure is "not this step" of the look-up chain: a 404 carrying DigiCert's
 * not-found code for what was asked. A 404 `not_found|route`, or one that is not DigiCert's (no
 * `errors` in its body: empty, HTML, text), says the URL is wrong: no miss, the ID ends on it.
 */
export function isMiss({ failure }: { failure: CertCentralError }): boolean {
  return (
    failure.status === 404 &&
    failure.codes.some(isNotFoundCode) &&
    !failure.codes.includes(ROUTE_NOT_FOUND)
  )
}

/** What the look-ups of the chain answered so far, kept by the scheduler as plain data. */
export interface FindAnswers {
  /** Order info by the thumbprint: the order, or null when it answered 404. */
  byThumbprint?: OrderInfo | null
  /** Order info by the serial: the order, or null on a 404. */
  bySerial?: OrderInfo | null
  /** The order list filtered by the serial (its first page). */
  serialList?: readonly OrderSummary[]
  /** The issued orders with the common name: every page read so far, and whether that is all. */
  commonNameList?: { orders: readonly OrderSummary[]; complete: boolean }
  /** A common name's orders in any status, newest first (the first page), when none is issued. */
  anyStatusList?: readonly OrderSummary[]
  /** Duplicate lists by order ID ([] for a 404). */
  duplicates: Readonly<Record<string, readonly CertificateSummary[]>>
  /** Order info by order ID, for listed orders without date_issued (null on a 404). */
  orders: Readonly<Record<string, OrderInfo | null>>
}

export const NO_ANSWERS: FindAnswers = { duplicates: {}, orders: {} }

/** The certificate the chain found: its own ID, its order's, and what CertCentral says of it. */
export interface Found {
  certificateId: string
  orderId: string | undefined
  commonName?: string
  serialNumber?: string
  thumbprint?: string
  validTill?: string
  /** date_issued, else valid_from: when the certificate was issued. */
  issued?: string
}

/** `match`: the certificate with this serial or thumbprint; `newest`: the newest with the common name. */
export type Picking = 'match' | 'newest'

/** How an ID input's certificate is picked: a common name's the newest, any other's the match. */
export function pickOf({ idInput }: { idInput: IdInput }): Picking {
  return idInput === 'common-name' ? 'newest' : 'match'
}

export interface FindInput {
  /** What the ID tells of its certificate. */
  known: Known
  /** `match`: the certificate with this serial or thumbprint; `newest`: the newest with the common name. */
  pick: Picking
  answers: FindAnswers
  /** The wall clock (ms since the epoch): a certificate expired by now is no candidate. */
  now: number
}

export type FindStep =
  /** Order info by a key: the thumbprint, the serial, or an order ID (for its date_issued). */
  | { step: 'lookup'; key: string; as: 'thumbprint' | 'serial' | 'order' }
  | { step: 'list'; query: OrderQuery }
  | { step: 'duplicates'; orderId: string }
  | { step: 'found'; found: Found }
  | { step: 'not-found'; error: string }
  /** A common name with no issued certificate, whose newest order is still waiting for one. */
  | { step: 'not-issued'; orderId: string; status: string; error: string }

/** What a step of the chain was answered: the answer's content, or null for a 404 (not this step). */
export type FindAnswer =
  | { order: OrderInfo }
  | { list: { orders: readonly OrderSummary[]; total: number; offset: number } }
  | { certificates: readonly CertificateSummary[] }
  | null

/** The chain's answers once a look-up step is answered. */
export function withFindAnswer({
  answers,
  step,
  answer
}: {
  answers: FindAnswers
  step: Extract<FindStep, { step: 'lookup' | 'list' | 'duplicates' }>
  answer: FindAnswer
}): FindAnswers {
  if (step.step === 'duplicates') {
    const certificates = answer !== null && 'certificates' in answer ? answer.certificates : []
    return { ...answers, duplicates: { ...answers.duplicates, [step.orderId]: certificates } }
  }
  if (step.step === 'lookup') {
    const order = answer !== null && 'order' in answer ? answer.order : null
    if (step.as === 'thumbprint') return { ...answers, byThumbprint: order }
    if (step.as === 'serial') return { ...answers, bySerial: order }
    return { ...answers, orders: { ...answers.orders, [step.key]: order } }
  }
  const page = answer !== null && 'list' in answer ? answer.list : undefined
  const orders = page?.orders ?? []
  if (step.query.filter === 'serial_number') return { ...answers, serialList: orders }
  if (step.query.filter === 'common_name' && step.query.anyStatus)
    return { ...answers, anyStatusList: orders }
  const all = [...(answers.commonNameList?.orders ?? []), ...orders]
  // The last page: what the total says is read, or a page that brought nothing (no loop forever).
  // At most MAX_LIST_ENTRIES orders in all: a common name on more orders is not paged further.
  const complete =
    page === undefined ||
    orders.length === 0 ||
    all.length >= page.total ||
    all.length >= MAX_LIST_ENTRIES
  return { ...answers, commonNameList: { orders: all, complete } }
}

/** Said of an ID the chain did not find. */
export const NOT_FOUND = 'not found in this CertCentral account (check `region`)'

/**
 * One link of the look-up chain: Order info by the primary's thumbprint or serial; the order list
 * by serial or by common name (from its first page), with each listed order's duplicates (and for
 * the newest, the Order info of a listed order the list leaves undated or unnamed); a common
 * name's orders in any status.
 */
export type ChainLink =
  | { link: 'order-info'; as: 'thumbprint' | 'serial'; key: string }
  | { link: 'orders'; query: OrderQuery }
  | { link: 'any-status'; query: OrderQuery }

/**
 * The look-up chain for what is known, its links in the order they are walked (issue 17): the one
 * definition of the chain, which findStep walks and the dry run lists. To match: Order info by
 * thumbprint, then by serial, then the order list by serial, then the issued orders with the
 * common name. The newest of a common name: its issued orders, then its orders in any status.
 */
export function chainLinks({ known, pick }: { known: Known; pick: Picking }): ChainLink[] {
  const { thumbprint, serialNumber, commonName } = known
  const links: ChainLink[] = []
  if (pick === 'match' && thumbprint !== undefined)
    links.push({ link: 'order-info', as: 'thumbprint', key: thumbprint })
  if (pick === 'match' && serialNumber !== undefined) {
    links.push({ link: 'order-info', as: 'serial', key: serialNumber })
    const query = { filter: 'serial_number', value: serialNumber, offset: 0 } as const
    links.push({ link: 'orders', query })
  }
  if (commonName !== undefined) {
    links.push({ link: 'orders', query: { filter: 'common_name', value: commonName, offset: 0 } })
    if (pick === 'newest') links.push({ link: 'any-status', query: anyStatusQuery(commonName) })
  }
  return links
}

/**
 * The next step of the look-up chain: the links of chainLinks in order, each until it is answered.
 * The first match by serial or thumbprint wins; for a common-name input, the newest issued,
 * unexpired certificate among every primary and duplicate.
 */
export function findStep(input: FindInput): FindStep {
  for (const link of chainLinks(input)) {
    const step = linkStep(input, link)
    if (step) return step
  }
  return { step: 'not-found', error: NOT_FOUND }
}

/** The next step within one link: a look-up it still needs, or its end; undefined to go on. */
function linkStep(input: FindInput, link: ChainLink): FindStep | undefined {
  const { known, answers } = input
  if (link.link === 'order-info') {
    const order = link.as === 'thumbprint' ? answers.byThumbprint : answers.bySerial
    if (order === undefined) return { step: 'lookup', key: link.key, as: link.as }
    const hit = fromOrderInfo(known, order)
    return hit ? { step: 'found', found: hit } : undefined
  }
  if (link.link === 'any-status') return notIssuedStep(link.query, answers.anyStatusList)
  if (link.query.filter === 'serial_number') {
    if (answers.serialList === undefined) return { step: 'list', query: link.query }
    return searchOrders(known, answers.serialList, answers)
  }
  const list = answers.commonNameList
  if (!list?.complete)
    return { step: 'list', query: { ...link.query, offset: list?.orders.length ?? 0 } }
  if (input.pick === 'newest') return newestStep(input, link.query.value, list.orders)
  return searchOrders(known, list.orders, answers)
}

/**
 * An Order info answer by thumbprint or serial: its primary certificate, when it names one and
 * is this certificate. CertCentral finds an order only by its primary's thumbprint or serial, but
 * when the answer names the primary's serial or thumbprint and neither is ours (a reissue since?),
 * sending it would send another certificate: the chain goes on instead.
 */
function fromOrderInfo(known: Known, order: OrderInfo | null): Found | undefined {
  if (order === null || order.certificateId === undefined) return undefined
  const named = order.serialNumber !== undefined || order.thumbprint !== undefined
  if (named && !matches(known, order)) return undefined
  return withoutUndefined({
    certificateId: order.certificateId,
    orderId: order.orderId,
    commonName: order.commonName,
    serialNumber: order.serialNumber,
    thumbprint: order.thumbprint,
    validTill: order.validTill,
    issued: order.dateIssued ?? order.validFrom
  })
}

function fromSummary(order: OrderSummary, certificate: CertificateSummary): Found {
  return withoutUndefined({
    certificateId: certificate.id,
    orderId: order.id,
    commonName: certificate.commonName,
    serialNumber: certificate.serialNumber,
    thumbprint: certificate.thumbprint,
    validTill: certificate.validTill,
    issued: certificate.dateIssued ?? certificate.validFrom
  })
}

function withoutUndefined(found: Found): Found {
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as Found
}

function matches(
  known: Known,
  certificate: { serialNumber?: string | undefined; thumbprint?: string | undefined } | undefined
): boolean {
  return (
    certificate !== undefined &&
    (sameHex(certificate.serialNumber, known.serialNumber) ||
      sameHex(certificate.thumbprint, known.thumbprint))
  )
}

/** Listed orders: a primary that matches, else the duplicates of each order, in list order. */
function searchOrders(
  known: Known,
  orders: readonly OrderSummary[],
  answers: FindAnswers
): FindStep | undefined {
  for (const order of orders) {
    if (matches(known, order.certificate))
      return { step: 'found', found: fromSummary(order, order.certificate as CertificateSummary) }
  }
  for (const order of orders) {
    if (order.hasDuplicates === false) continue
    const duplicates = answers.duplicates[order.id]
    if (duplicates === undefined) return { step: 'duplicates', orderId: order.id }
    const hit = duplicates.find(certificate => matches(known, certificate))
    if (hit) return { step: 'found', found: fromSummary(order, hit) }
  }
  return undefined
}

/**
 * A common name's newest issued, unexpired certificate, by date_issued (else valid_from) among the
 * listed orders' primaries and duplicates, each taken only when its name is the one asked (see
 * orderCandidates for what its order's Order info tells), or the look-up they still need;
 * undefined when there is none (the chain goes on: its orders in any status).
 */
function newestStep(
  { answers, now }: FindInput,
  commonName: string,
  orders: readonly OrderSummary[]
): FindStep | undefined {
  const candidates: Found[] = []
  for (const order of orders) {
    const found = orderCandidates(order, answers)
    if (!Array.isArray(found)) return found
    candidates.push(...found)
  }
  const newest = pickNewest({ candidates, commonName, now })
  return newest ? { step: 'found', found: newest } : undefined
}

/**
 * A common name without an issued certificate: its orders in any status first (one page, newest
 * first), then the first named as asked that still waits for its certificate (send again once it
 * is issued), else not found.
 */
function notIssuedStep(query: OrderQuery, orders: readonly OrderSummary[] | undefined): FindStep {
  if (orders === undefined) return { step: 'list', query }
  const commonName = query.value
  const waiting = orders.find(
    ({ status, certificate }) =>
      isWaitingForCertificate(status) &&
      certificate?.commonName !== undefined &&
      sameDnsName(certificate.commonName, commonName)
  )
  if (waiting === undefined) return { step: 'not-found', error: NOT_FOUND }
  const { id, status } = waiting
  return {
    step: 'not-issued',
    orderId: id,
    status,
    error: `common name ${commonName} is not issued yet: order ${id} is ${status}; send it again once it is issued`
  }
}

/**
 * A listed order's candidates (its primary, its issued duplicates), or the look-up they still
 * need. The order's Order info (one GET, null on a 404) dates a primary listed without date_issued
 * or valid_from and names one listed without common_name; a duplicate without common_name has its
 * order's: the primary's, else the Order info's.
 */
function orderCandidates(order: OrderSummary, answers: FindAnswers): Found[] | FindStep {
  const info = answers.orders[order.id]
  const lookup: FindStep = { step: 'lookup', key: order.id, as: 'order' }
  const candidates: Found[] = []
  const primary = order.certificate && fromSummary(order, order.certificate)
  if (primary !== undefined) {
    if (primary.issued === undefined || primary.commonName === undefined) {
      if (info === undefined) return lookup
      const issued = primary.issued ?? info?.dateIssued ?? info?.validFrom
      if (issued !== undefined) primary.issued = issued
      // One still unnamed is no candidate (pickNewest): its name may stay undefined.
      primary.commonName ??= info?.commonName
    }
    candidates.push(primary)
  }
  if (order.hasDuplicates === false) return candidates
  const duplicates = answers.duplicates[order.id]
  if (duplicates === undefined) return { step: 'duplicates', orderId: order.id }
  const issued = duplicates.filter(d => d.status === undefined || d.status === ISSUED)
  let name = primary?.commonName
  if (name === undefined && issued.some(d => d.commonName === undefined)) {
    if (info === undefined) return lookup
    name = info?.commonName
  }
  for (const duplicate of issued) {
    const found = fromSummary(order, duplicate)
    found.commonName ??= name
    candidates.push(found)
  }
  return candidates
}

/**
 * The newest candidate by issue date named `commonName` (as DNS names compare: sameDnsName),
 * unexpired, one per serial (the first listing of a serial counts). A candidate whose name is not
 * known is not taken: it could be any certificate.
 */
export function pickNewest({
  candidates,
  commonName,
  now
}: {
  candidates: readonly Found[]
  commonName: string
  now: number
}): Found | undefined {
  const seen = new Set<string>()
  let newest: { found: Found; at: number } | undefined
  for (const found of candidates) {
    if (found.commonName === undefined || !sameDnsName(found.commonName, commonName)) continue
    const serial = found.serialNumber === undefined ? undefined : hexKey(found.serialNumber)
    if (serial !== undefined && seen.has(serial)) continue
    if (serial !== undefined) seen.add(serial)
    if (found.validTill !== undefined && Date.parse(found.validTill) <= now) continue
    const at = found.issued === undefined ? -Infinity : Date.parse(found.issued)
    if (newest === undefined || at > newest.at)
      newest = { found, at: Number.isNaN(at) ? -Infinity : at }
  }
  return newest?.found
}

/** Whether two names are one DNS name: ASCII letters in any case, all else exactly (no wildcards). */
export function sameDnsName(a: string, b: string): boolean {
  const fold = (name: string): string => name.replace(/[A-Z]/g, letter => letter.toLowerCase())
  return fold(a) === fold(b)
}
