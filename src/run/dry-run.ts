// The dry run: nothing is sent. Every ID is validated (dryRunOutcome), and the requests each would
// make are listed (plannedRequests) from the rules the run itself follows: looksUpOrder (orders.ts:
// whether an order ID's order is looked up before the call), chainLinks (finding.ts: the
// look-up chain's links for what is known) and peopleLinks (people.ts: the look-ups that read a
// certificate's order for recipients-from-order). With deliver-once, the order's notes are read
// before the call and a note is added after it (withDeliveryNotes). Every URL is built by the pure
// path builders of certcentral/api.ts, below the base URL as shownBase shows it.
import {
  digits,
  orderInfoPath,
  orderListPath,
  orderNotesPath,
  shownBase
} from '../certcentral/api.js'
import {
  OPERATIONS,
  isFindingInput,
  type IdInput,
  type Operation,
  type Target
} from '../operations.js'
import { knownFields, type RunOutcome } from '../outcome.js'
import { chainLinks, pickOf, type ChainLink } from './finding.js'
import { looksUpOrder } from './orders.js'
import { peopleLinks } from './people.js'
import type { Role } from '../input/roles.js'

/**
 * A request as shown (dry run, summary): `url` is the base URL as shownBase shows it, then the
 * path; `note` what it is for, when it says more than the URL (the roles an Order info reads).
 */
export interface PlannedRequest {
  method: string
  url: string
  note?: string
}

/** A planned request on one line: `GET https://…/order/certificate/1 (reads requester)`. */
export function stepText({ method, url, note }: PlannedRequest): string {
  return `${method} ${url}${note === undefined ? '' : ` (${note})`}`
}

/** What the dry run lists the requests from: the plan's operation, IDs, base URL and waits. */
export interface RequestsPlan {
  baseUrl: string
  operation: Operation
  idInput: IdInput
  /** wait-for-issuance, in seconds. */
  waitSeconds: number
  /** issued-within, in seconds, when given. */
  issuedWithinSeconds?: number | undefined
  /** deliver-once: the order's notes read before the call, a note added after it. */
  deliverOnce?: boolean
  /** recipients-from-order's roles: the look-ups that read each order's people. */
  roles?: readonly Role[] | undefined
}

/** A dry run of a plan: its outcome, the requests each ID would make, the body of each call. */
export function dryRun(plan: RequestsPlan & { targets: Target[]; body: object | undefined }): {
  outcome: RunOutcome
  planned: { requests: { id: string; steps: PlannedRequest[] }[]; body: object | undefined }
} {
  const base = shownBase({ baseUrl: plan.baseUrl })
  return {
    outcome: dryRunOutcome(plan.targets),
    planned: {
      requests: plan.targets.map(target => ({
        id: target.id,
        steps: withDeliveryNotes({ plan, target, base, steps: stepsOf(plan, target, base) })
      })),
      body: plan.body
    }
  }
}

/** A dry run's outcome: every ID validated, nothing sent, no request made; what each input tells. */
export function dryRunOutcome(targets: Target[]): RunOutcome {
  return {
    results: targets.map(({ id, known }) => ({
      id,
      fate: 'validated',
      status: null,
      attempts: 0,
      lookups: 0,
      ...knownFields(known)
    })),
    stop: undefined,
    retryAfter: undefined
  }
}

/**
 * The requests one ID would make, in order: a certificate ID the call alone; an order ID its
 * look-up first when looksUpOrder says so; a file, serial, thumbprint or common name the look-ups
 * of the chain that may find it (chainLinks), then the call. What a request takes that only an
 * answer tells is shown as a placeholder: `{certificate.id}`, `{order.id}`.
 */
export function plannedRequests({
  plan,
  target
}: {
  plan: RequestsPlan
  target: Target
}): PlannedRequest[] {
  const base = shownBase({ baseUrl: plan.baseUrl })
  return withDeliveryNotes({ plan, target, base, steps: stepsOf(plan, target, base) })
}

/** An order's notes, as listed when its ID is known only once an answer tells it. */
const NOTES_OF_FOUND_ORDER = '/order/certificate/{order.id}/note'

/**
 * With deliver-once, an ID's requests with its order's notes read (GET) before the call, the last
 * step, and a note added (POST) after it: the order ID itself for order-id, else `{order.id}`.
 * Without it, the steps as they are.
 */
export function withDeliveryNotes({
  plan,
  target,
  base,
  steps
}: {
  plan: Pick<RequestsPlan, 'idInput' | 'deliverOnce'>
  target: Pick<Target, 'id'>
  base: string
  steps: PlannedRequest[]
}): PlannedRequest[] {
  if (plan.deliverOnce !== true) return steps
  const path = plan.idInput === 'order-id' ? orderNotesPath(target.id) : NOTES_OF_FOUND_ORDER
  const notes = (method: string): PlannedRequest => ({ method, url: base + path })
  return [...steps.slice(0, -1), notes('GET'), ...steps.slice(-1), notes('POST')]
}

function stepsOf(plan: RequestsPlan, { id, known }: Target, base: string): PlannedRequest[] {
  const { operation, idInput, roles = [] } = plan
  const spec = OPERATIONS[operation]
  const shown = (method: string, path: string, note?: string): PlannedRequest => ({
    method,
    url: base + path,
    ...(note === undefined ? {} : { note })
  })
  const perRecipient =
    roles.length && spec.orderTarget === 'order' ? 'one per recipient' : undefined
  const call = (to: string): PlannedRequest =>
    shown(spec.method, spec.path.replace('{id}', to), perRecipient)
  const reads = roles.length
    ? `reads ${roles.join(', ')} of its order`
    : plan.deliverOnce
      ? 'reads its order and serial, for deliver-once'
      : undefined
  // A certificate found by the chain: its order's Order info may have been read on the way.
  const found = isFindingInput(idInput)
  const { deliverOnce } = plan
  const people = peopleLinks({ idInput, id, roles, deliverOnce }).map(link =>
    link.link === 'certificate-orders'
      ? shown('GET', orderListPath(link.query))
      : shown('GET', ORDER_FOUND, found ? `${reads as string}, unless the chain read it` : reads)
  )
  if (found) {
    const links = chainLinks({ known, pick: pickOf({ idInput }) })
    const lookups = listedOnce(links.flatMap(linkPaths)).map(path => shown('GET', path))
    const to = spec.orderTarget === 'order' ? '{order.id}' : '{certificate.id}'
    return [...lookups, ...people, call(to)]
  }
  if (!looksUpOrder(plan)) return [...people, call(digits(id))]
  const after = call(spec.orderTarget === 'order' ? digits(id) : '{certificate.id}')
  return [shown('GET', orderInfoPath(id), reads), after]
}

/** The Order info of an order known only once a look-up names it. */
const ORDER_FOUND = '/order/certificate/{order.id}'

/** An order's duplicate list, as listed: the order is known only once the chain lists it. */
const DUPLICATES_OF_LISTED = '/order/certificate/{order.id}/duplicate'

/**
 * The GETs a link of the chain may make, as the dry run lists them: an Order info, or the first
 * page of an order list and, after an `orders` list, the duplicate lists of the orders listed
 * (the Order info of a listed order, which the newest may need, is not listed).
 */
function linkPaths(link: ChainLink): string[] {
  if (link.link === 'order-info') return [orderInfoPath(link.key)]
  if (link.link === 'any-status') return [orderListPath(link.query)]
  return [orderListPath(link.query), DUPLICATES_OF_LISTED]
}

/** The duplicate lists once, at their last place: after the last order list. */
function listedOnce(paths: string[]): string[] {
  return paths.filter((path, i) => path !== DUPLICATES_OF_LISTED || paths.lastIndexOf(path) === i)
}
