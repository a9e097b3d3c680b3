/** Where a series or revision stands (series/facts.ts), from the merges, decisions, jobs and results this node has indexed. */
import type { Views } from '../views.js'
import type { DecisionEvent, RevisionView, SeriesView } from './model.js'
import type { PatchTrailers } from './trailers.js'

/**
 * Where a series stands: `merged` (a trusted merge event for any revision),
 * else where its latest revision stands (revisionState). The series' row
 * keeps it, made again whenever an event changes it (series/rows.ts).
 */
export function seriesState (views: Views, series: SeriesView): string {
  return views.read(() => views.series.state(series.id)) || views.series.facts.seriesState(series)
}

/**
 * The newest decision (by (ts, EventId)) on any publication of the
 * revision by an identity this node trusts as maintainer, or null: like the
 * verdict, the state a user sees follows only trusted events.
 */
export function newestDecision (views: Views, revision: RevisionView): DecisionEvent | null {
  return views.read(() => views.series.facts.newestDecision(revision))
}

/**
 * Where one revision stands: `merged`, `superseded`, else its newest
 * decision's state, else `rejected`, `incomplete`, `tested.fail`,
 * `testing`, `reviewed`, `tested.pass`, `new` (machines/revision-lifecycle).
 * `trailers`: its patchTrailers, when the caller has them already.
 */
export function revisionState (views: Views, series: SeriesView, revision: RevisionView, trailers?: Map<number, PatchTrailers>): string {
  return views.read(() => views.series.facts.revisionState(series, revision, trailers))
}

/**
 * The states seriesState and revisionState give (decisions carry the
 * lifecycle machine's), and `tested` for both tested.* states.
 */
export const SERIES_STATES: readonly string[] = ['new', 'incomplete', 'testing', 'tested', 'tested.pass', 'tested.fail', 'reviewed', 'ready', 'stale', 'rejected', 'superseded', 'merged']
