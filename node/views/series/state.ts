/** Where a series or revision stands, from the merges, decisions, jobs and results this node has indexed. */
import { hasRole } from '../../../machines/trust.js'
import type { EventType } from '../../../protocol/schemas.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'
import type { DecisionEvent } from '../decisions.js'
import { deriveOverIncrementally } from '../derive-over.js'
import { addTo } from './model.js'
import type { RevisionView, SeriesView } from './model.js'
import { patchTrailers } from './trailers.js'
import type { PatchTrailers } from './trailers.js'

/** The event types seriesState reads besides the series index (trust: whose merges and decisions count). */
export const STATE_TYPES: readonly EventType[] = ['merge', 'decision', 'job.request', 'result', 'trust.set']

const APPROVALS = new Set(['reviewed-by', 'acked-by', 'reviewed-and-tested-by'])

/**
 * Where a series stands, from what this node has indexed: `merged` (a
 * trusted merge event for any revision), else where its latest revision
 * stands (revisionState).
 */
export function seriesState (views: Views, series: SeriesView, trailers?: Map<number, PatchTrailers>): string {
  if (series.revisions.some((r) => isMerged(views, r))) return 'merged'
  return revisionState(views, series, series.latest, trailers)
}

/**
 * The newest decision (by (ts, EventId)) on any publication of the
 * revision by an identity this node trusts as maintainer, or null: like the
 * verdict, the state a user sees follows only trusted events.
 */
export function newestDecision (views: Views, revision: RevisionView): DecisionEvent | null {
  const decisions = stateFacts(views).decisions
  const trust = views.trust
  return revision.eventIds.flatMap((id) => decisions.get(id) ?? []).filter((d) => hasRole(trust, d.author, 'maintainer')).sort(byTsThenId).pop() ?? null
}

/** A merge event by an identity this node trusts as maintainer names a publication of the revision. */
function isMerged (views: Views, revision: RevisionView): boolean {
  const merges = stateFacts(views).merges
  const trust = views.trust
  return revision.eventIds.some((id) => merges.get(id)?.some((author) => hasRole(trust, author, 'maintainer')) === true)
}

/**
 * Where one revision stands: `merged` (a merge event for it), `superseded`
 * (a newer version exists, as the lifecycle machine says), else its newest
 * decision's state, else `rejected` (a Nacked-by), `incomplete` (patches
 * missing), `tested.fail`, `testing` (jobs, no result yet), `reviewed` (an
 * approval trailer), `tested.pass`, `new`. The names follow
 * machines/revision-lifecycle. `trailers`: its patchTrailers, when the
 * caller has them already.
 */
export function revisionState (views: Views, series: SeriesView, revision: RevisionView, trailers = patchTrailers(series, revision)): string {
  const facts = stateFacts(views)
  if (isMerged(views, revision)) return 'merged'
  if (series.revisions.some((r) => r.version > revision.version)) return 'superseded'
  const decision = newestDecision(views, revision)
  if (decision !== null) return decision.body.state
  const collected = [...trailers.values()].flatMap((p) => p.collected)
  if (collected.some((t) => t.key.toLowerCase() === 'nacked-by')) return 'rejected'
  if (revision.body.patches.some((p) => p.missing === true)) return 'incomplete'
  const jobs = revision.eventIds.flatMap((id) => facts.jobs.get(id) ?? [])
  const verdicts = jobs.flatMap((job) => facts.verdicts.get(job) ?? [])
  if (verdicts.some((v) => v === 'fail' || v === 'error' || v === 'apply-failed')) return 'tested.fail'
  if (jobs.length > 0 && verdicts.length === 0) return 'testing'
  if (collected.some((t) => APPROVALS.has(t.key.toLowerCase()))) return 'reviewed'
  if (verdicts.length > 0) return 'tested.pass'
  return 'new'
}

interface StateFacts {
  /** Revision EventId -> authors of the merge events naming it (trust is checked on reading: it may change). */
  merges: Map<string, string[]>
  decisions: Map<string, DecisionEvent[]>
  /** revision EventId -> job.request ids */
  jobs: Map<string, string[]>
  /** job id -> verdicts of its results */
  verdicts: Map<string, string[]>
}

/** What seriesState reads besides the series, brought up to date when an event of STATE_TYPES arrives (a list of many series asks for each). */
function stateFacts (views: Views): StateFacts {
  const empty = (): StateFacts => ({ merges: new Map(), decisions: new Map(), jobs: new Map(), verdicts: new Map() })
  return deriveOverIncrementally(views, STATE_TYPES, 'series/state', (v) => addFacts(empty(), STATE_TYPES.map((t) => v.ofType(t))), addFacts)
}

/** Adds events of STATE_TYPES (in that order) to the facts: they only ever add, in arrival order, as a build does. */
function addFacts (facts: StateFacts, [merges, decisions, jobs, results]: ReadonlyArray<readonly IndexedEvent[]>): StateFacts {
  for (const e of merges ?? []) if (e.type === 'merge') addTo(facts.merges, e.body.revision, e.author)
  for (const e of decisions ?? []) if (e.type === 'decision') addTo(facts.decisions, e.body.revision, e as DecisionEvent)
  for (const e of jobs ?? []) if (e.type === 'job.request' && e.body.revision !== undefined) addTo(facts.jobs, e.body.revision, e.id)
  for (const e of results ?? []) if (e.type === 'result' && e.body.job !== undefined) addTo(facts.verdicts, e.body.job, e.body.verdict)
  return facts
}

/**
 * The revision EventIds whose state these events of STATE_TYPES (in that
 * order) may change: what a merge, decision or job names, and the
 * revision of the job a result is for; every revision when trust changed.
 */
export function revisionsNamed (views: Views, [merges, decisions, jobs, results, trust]: ReadonlyArray<readonly IndexedEvent[]>): string[] {
  if ((trust ?? []).length > 0) return (views.ofType('series.revision')).map((e) => e.id)
  const out: string[] = []
  for (const e of [...merges ?? [], ...decisions ?? [], ...jobs ?? []]) {
    if ((e.type === 'merge' || e.type === 'decision' || e.type === 'job.request') && e.body.revision !== undefined) out.push(e.body.revision)
  }
  for (const e of results ?? []) {
    const job = e.type === 'result' && e.body.job !== undefined ? views.event(e.body.job) : undefined
    if (job?.type === 'job.request' && job.body.revision !== undefined) out.push(job.body.revision)
  }
  return out
}

/**
 * The states seriesState and revisionState give (decisions carry the
 * lifecycle machine's), and `tested` for both tested.* states.
 */
export const SERIES_STATES: readonly string[] = ['new', 'incomplete', 'testing', 'tested', 'tested.pass', 'tested.fail', 'reviewed', 'ready', 'stale', 'rejected', 'superseded', 'merged']
