import type { AnyEvent } from '../protocol/event.js'
import { isCairnError } from '../protocol/errors.js'
import type { BodyOf } from '../protocol/schemas.js'
import type { DecideContext } from './facts.js'
import { gatherFacts } from './facts.js'
import { checksOf, foldMergePolicy, MERGE_POLICY_MACHINE, MERGE_POLICY_VERSION, verdictOf } from './merge-policy.js'
import { orderEvents, short } from './order.js'
import type { Policy } from './policy-file.js'
import { policyHash } from './policy-file.js'
import { reasonsFor } from './reasons.js'
import { foldLifecycle, stateName } from './revision-lifecycle.js'

/** Exactly the body of a `decision` event. */
export type Decision = BodyOf<'decision'>

interface DecideInput extends DecideContext {
  /** EventId of the series.revision to decide on. */
  revision: string
  /** Any events, in any order, duplicates allowed: decide orders the set by (ts, EventId). */
  events: Iterable<AnyEvent>
}

const MAX_REASON = 2000 // decision schema: reasons are at most 2000 characters
const MAX_REASONS = 1000

/**
 * The merge decision for one revision: a pure function of the event set,
 * the trust state, the caller's path and patch-id maps, and the policy.
 * Arrival order never matters; the same inputs give the same body on every
 * node, so a published decision can be replayed by anyone (verifyDecision).
 */
export function decide (input: DecideInput, policy: Policy): Decision {
  const events = orderEvents(input.events)
  const g = gatherFacts(input.revision, events, policy, input)
  const lifecycle = foldLifecycle(g.input, g.facts)
  const policySnapshot = foldMergePolicy(g.input, g.facts)
  const checks = checksOf(policySnapshot)
  const reasons = reasonsFor(policySnapshot.context, checks, g.notes)
  return {
    revision: g.revision.id,
    machine: MERGE_POLICY_MACHINE,
    machineVersion: MERGE_POLICY_VERSION,
    policyHash: policyHash(policy),
    state: stateName(lifecycle.value),
    verdict: verdictOf(checks),
    reasons: reasons.slice(0, MAX_REASONS).map((r) => r.length > MAX_REASON ? r.slice(0, MAX_REASON - 1) + '…' : r),
    inputs: g.inputs
  }
}

export interface Verification {
  /** True when replaying gives exactly the decision. */
  ok: boolean
  /** What does not hold, for people; empty when ok. */
  problems: string[]
  /** The decision as this node computes it, null when it could not be computed. */
  replay: Decision | null
}

/**
 * Replay a published decision and say whether it holds. Give every event you
 * know: the decision holds when the replay over them gives the same state,
 * verdict, reasons and inputs, so a tampered verdict, a dropped input or an
 * event that arrived since all show up as problems. To check that it was
 * right when made, give only the events it lists as inputs. `ctx` is the
 * trust state and path maps of the node that decided (trust: foldTrust with
 * the decision's author as root).
 */
export function verifyDecision (decision: Decision, events: Iterable<AnyEvent>, policy: Policy, ctx: DecideContext): Verification {
  const problems: string[] = []
  const hash = policyHash(policy)
  if (decision.policyHash !== hash) problems.push(`policy differs: the decision used ${short(decision.policyHash)}, this policy hashes to ${short(hash)}`)
  if (decision.machine !== MERGE_POLICY_MACHINE || decision.machineVersion !== MERGE_POLICY_VERSION) {
    problems.push(`made by ${decision.machine} ${decision.machineVersion}; this node runs ${MERGE_POLICY_MACHINE} ${MERGE_POLICY_VERSION}`)
  }
  const list = orderEvents(events)
  const have = new Set(list.map((e) => e.id))
  const missing = decision.inputs.filter((id) => !have.has(id))
  if (missing.length > 0) problems.push(`${missing.length} input(s) not among the events given: ${missing.map(short).join(', ')}`)
  let replay: Decision
  try {
    replay = decide({ ...ctx, revision: decision.revision, events: list }, policy)
  } catch (err) {
    if (!isCairnError(err)) throw err
    problems.push(`cannot replay: ${err.message}`)
    return { ok: false, problems, replay: null }
  }
  if (replay.verdict !== decision.verdict) problems.push(`verdict: the decision says ${decision.verdict}, the replay gives ${replay.verdict}`)
  if (replay.state !== decision.state) problems.push(`state: the decision says ${decision.state}, the replay gives ${replay.state}`)
  const listed = new Set(decision.inputs)
  const used = new Set(replay.inputs)
  const unlisted = replay.inputs.filter((id) => !listed.has(id))
  const unused = decision.inputs.filter((id) => !used.has(id) && have.has(id))
  if (unlisted.length > 0) problems.push(`${unlisted.length} event(s) the replay uses are not listed as inputs: ${unlisted.map(short).join(', ')}`)
  if (unused.length > 0) problems.push(`${unused.length} listed input(s) are not used by the replay: ${unused.map(short).join(', ')}`)
  if (!sameList(replay.reasons, decision.reasons)) {
    const i = firstDifference(replay.reasons, decision.reasons)
    problems.push(`reasons differ at line ${i + 1}: the decision says "${decision.reasons[i] ?? '(nothing)'}", the replay gives "${replay.reasons[i] ?? '(nothing)'}"`)
  }
  return { ok: problems.length === 0, problems, replay }
}

function sameList (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function firstDifference (a: readonly string[], b: readonly string[]): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}
