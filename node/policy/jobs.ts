import type { Policy } from '../../machines/policy-file.js'
import { selectJobs } from '../../machines/test-selection.js'
import type { JobTemplate } from '../../machines/test-selection.js'
import type { Draft } from '../../protocol/event.js'
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
  const out = new Set<string>()
  for (const job of policyIndex(views).jobsByRevision.get(revision) ?? []) {
    if (job.author === views.root || views.trust.get(job.author)?.has('maintainer') === true) out.add(job.body.profile)
  }
  return [...out].sort()
}

/** The job.request drafts test selection asks for that nobody (this node or a maintainer) requested yet. */
export function missingJobs (views: Views, policy: Policy, revision: RevisionEvent, touched: readonly string[], template: JobTemplate): Array<Draft<'job.request'>> {
  return selectJobs({ revision, policy, template }, touched, requestedProfiles(views, revision.id))
}
