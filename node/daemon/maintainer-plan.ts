import type { Decision } from '../../machines/decide.js'
import type { Policy } from '../../machines/policy-file.js'
import type { JobTemplate } from '../../machines/test-selection.js'
import { isCairnError } from '../../protocol/errors.js'
import type { CairnCode, CairnError } from '../../protocol/errors.js'
import type { Draft } from '../../protocol/event.js'
import { contextRevisions, decideKnown } from '../policy/decide.js'
import type { DiffInfo } from '../policy/diffs.js'
import type { RevisionEvent } from '../policy/events.js'
import { affectedBy, revisionEvent } from '../policy/events.js'
import { missingBaselines, missingJobs } from '../policy/jobs.js'
import { latestDecision } from '../views/decisions.js'
import { byTsThenId } from '../views/views.js'
import type { IndexedEvent, Views } from '../views/views.js'

/**
 * What the maintainer's node is to do about one revision; the executor
 * (maintainer.ts) carries intents out, in order. Planning does no I/O, so
 * what the node would publish is checked without a node.
 */
export type Intent =
  /** Post these job requests, then plan the revision again once they are indexed (its decision names them). */
  | { kind: 'submit-jobs', revision: RevisionEvent, jobs: Array<Draft<'job.request'>> }
  /** Publish this decision: its verdict differs from the last one this node published on the revision, or there was none. */
  | { kind: 'publish-decision', revision: RevisionEvent, decision: Decision }
  /** A diff blob of the revision or of an earlier version is not here yet: plan it again later. */
  | { kind: 'wait', revision: RevisionEvent }
  /** The revision cannot be decided (a damaged diff, a policy that does not apply): say why. */
  | { kind: 'cannot-decide', revision: RevisionEvent, reason: string }

/** A revision's diff facts as the executor read them, or why it could not. */
export type DiffRead = DiffInfo | CairnError

export interface PlanInput {
  views: Views
  policy: Policy
  /** What auto-submitted jobs name; null: no jobs are submitted. */
  template: JobTemplate | null
  /** The revisions to decide on, in (ts, EventId) order. */
  revisions: readonly RevisionEvent[]
  /** Diff facts of those revisions and of their series' earlier versions (contextRevisions); one absent is not read yet. */
  diffs: ReadonlyMap<string, DiffRead>
  /** Jobs this node posted (jobKey): never planned twice, even before the views show them. */
  submitted: ReadonlySet<string>
}

const jobKey = (revision: string, profile: string): string => `${revision}\u0000${profile}`
/** What a draft is among the revision's jobs: its profile, or its baseline's (a metric gate's). */
export const draftKey = (revision: string, body: Draft<'job.request'>['body']): string => jobKey(revision, body.revision === undefined ? `baseline ${body.profile}` : body.profile)

/** States in which a revision needs no more tests: nothing is submitted for it. */
const SETTLED = new Set(['superseded', 'merged', 'rejected'])

/** Blob errors that pass once a sync brings the blob (or its core). */
const NOT_HERE_YET: CairnCode[] = ['BLOB_MISSING', 'BLOB_UNREACHABLE', 'NOT_FOLLOWED']

/**
 * The maintainer's decisions over the views: for each revision, the jobs test
 * selection asks for that nobody requested yet (when the policy says
 * autoSubmit and a template is given), else a decision when its verdict
 * differs from the last one this node (views.root) published on it.
 */
export function planPass (input: PlanInput): Intent[] {
  const scope = maintainerScope(input.views, input.policy)
  return input.revisions.filter((r) => inScope(scope, r)).flatMap((revision) => planRevision(input, revision) ?? [])
}

/**
 * The lists and projects a maintainer decides for: the lists its
 * MAINTAINERS file names (L:), and the lists and projects of the series
 * this node published itself (its own email bridge). Revisions of other
 * lists (a lab's, brought by a sync) get no decision and no job. A node
 * that names no list and publishes no series follows no list, so it decides
 * only for series posted to it directly (`cairn post`, no list): one sync
 * with a lab does not make it sign decisions for every list the lab carries.
 */
interface MaintainerScope { lists: Set<string>, projects: Set<string> }

function maintainerScope (views: Views, policy: Policy): MaintainerScope {
  const lists = new Set<string>()
  const projects = new Set<string>()
  for (const section of policy.maintainers?.parsed?.sections ?? []) for (const l of section.lists) lists.add(listKey(l))
  for (const e of views.ofType('series.revision')) {
    if (e.author !== views.root) continue
    const { project, source } = (e as RevisionEvent).body
    if (source.list !== undefined) lists.add(listKey(source.list))
    projects.add(project)
  }
  return { lists, projects }
}

/** A revision is covered by its project (a series of a project the node publishes, whatever list it came by) or by its list. */
function inScope (scope: MaintainerScope, revision: RevisionEvent): boolean {
  const { project, source } = revision.body
  if (scope.lists.size === 0 && scope.projects.size === 0) return source.list === undefined
  if (scope.projects.has(project)) return true
  if (source.list === undefined) return false
  const key = listKey(source.list)
  return scope.lists.has(key) || [...scope.lists].some((l) => sameList(l, key))
}

/** A bare name (--list linux-ext4) is the list of that name on any host. */
function sameList (a: string, b: string): boolean {
  const bare = (k: string): boolean => !k.includes('.')
  return (bare(a) || bare(b)) && a.split('.')[0] === b.split('.')[0]
}

/** One spelling per list: `linux-ext4@vger.kernel.org` (MAINTAINERS L:), `linux-ext4.vger.kernel.org` (List-Id) and `linux-ext4` (--list) meet; a bare name matches any host. */
function listKey (list: string): string {
  const address = /<([^<>]+)>/.exec(list)?.[1] ?? list.trim().split(/\s+/)[0] ?? ''
  return address.toLowerCase().replace('@', '.')
}

/** The intent for one revision; null: nothing to do (its verdict is the one last published). */
function planRevision (input: PlanInput, revision: RevisionEvent): Intent | null {
  const { views, policy, template } = input
  const known = new Map<string, DiffInfo>()
  for (const r of contextRevisions(views, revision)) {
    const read = input.diffs.get(r.id)
    if (read === undefined || NOT_HERE_YET.some((code) => isCairnError(read, code))) return { kind: 'wait', revision }
    if (isCairnError(read)) return { kind: 'cannot-decide', revision, reason: read.message }
    known.set(r.id, read)
  }
  let decision: Decision
  try {
    decision = decideKnown(views, policy, revision, known)
  } catch (err) {
    if (!isCairnError(err)) throw err
    return { kind: 'cannot-decide', revision, reason: err.message }
  }
  if (policy.autoSubmit && template !== null && !SETTLED.has(decision.state.split('.')[0] ?? '')) {
    const touched = known.get(revision.id)?.touched ?? []
    const jobs = missingJobs(views, policy, revision, touched, template).filter((j) => !input.submitted.has(jobKey(revision.id, j.body.profile)))
    if (jobs.length > 0) return { kind: 'submit-jobs', revision, jobs }
    const baselines = missingBaselines(views, policy, revision).filter((j) => !input.submitted.has(draftKey(revision.id, j.body)))
    if (baselines.length > 0) return { kind: 'submit-jobs', revision, jobs: baselines }
  }
  const last = latestDecision(views, revision.id, views.root)
  return last === null || last.body.verdict !== decision.verdict ? { kind: 'publish-decision', revision, decision } : null
}

/**
 * The revisions a round decides on: every one (first round, a new policy),
 * or those the events that arrived can affect, with those still waiting for
 * their diffs.
 */
export function revisionsToPlan (views: Views, arrived: readonly IndexedEvent[] | 'all', waiting: Iterable<string>): RevisionEvent[] {
  const ids = new Set<string>(waiting)
  const all = (): void => { for (const e of views.ofType('series.revision')) ids.add(e.id) }
  if (arrived === 'all') all()
  else {
    for (const e of arrived) {
      const hit = affectedBy(views, e)
      if (hit === 'all') { all(); break }
      for (const id of hit) ids.add(id)
    }
  }
  return [...ids].map((id) => revisionEvent(views, id)).filter((r): r is RevisionEvent => r !== null).sort(byTsThenId)
}
