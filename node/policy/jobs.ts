import { baselineOf, jobInputsKey } from '../../machines/job-inputs.js'
import type { Policy } from '../../machines/policy-file.js'
import { selectJobs } from '../../machines/test-selection.js'
import type { JobTemplate } from '../../machines/test-selection.js'
import type { Draft } from '../../protocol/event.js'
import type { JobRequest } from '../views/jobs.js'
import type { Views } from '../views/views.js'
import type { RevisionEvent } from './events.js'
import { policyIndex } from './events.js'

/**
 * Profiles that already have a job for this revision from someone whose
 * jobs runners run: this node or an identity it trusts as maintainer. A
 * stranger's job.request (perhaps with a bogus recipe) does not stop the
 * maintainer's node from asking for the real one.
 */
function requestedProfiles (views: Views, revision: string): string[] {
  return [...new Set(requested(views, revision).map((job) => job.body.profile))].sort()
}

/** The revision's jobs from this node or a maintainer: those runners run. */
function requested (views: Views, revision: string): JobRequest[] {
  return policyIndex(views).jobsByRevision(revision).filter((job) => job.author === views.root || views.trust.get(job.author)?.has('maintainer') === true)
}

/**
 * With a metric gate, each job this node or a maintainer requested for the
 * revision needs its baseline (machines/job-inputs.ts): the drafts of those
 * no job of any author stands for yet, one per inputs.
 */
export function missingBaselines (views: Views, policy: Policy, revision: RevisionEvent): Array<Draft<'job.request'>> {
  if (policy.metrics === undefined) return []
  const index = policyIndex(views)
  const out = new Map<string, Draft<'job.request'>>()
  for (const job of requested(views, revision.id)) {
    const body = baselineOf(job.body)
    const key = jobInputsKey(body)
    if (index.baselinesByInputs(key).length === 0 && !out.has(key)) out.set(key, { type: 'job.request', body, refs: [] })
  }
  return [...out.values()]
}

/** The job.request drafts test selection asks for that nobody (this node or a maintainer) requested yet. */
export function missingJobs (views: Views, policy: Policy, revision: RevisionEvent, touched: readonly string[], template: JobTemplate): Array<Draft<'job.request'>> {
  return selectJobs({ revision, policy, template }, touched, requestedProfiles(views, revision.id))
}
