import type { JobView } from '../views/jobs.js'
import type { JobJson } from './types.js'

/** One row of `job list --json` (README documents the shape). */
export function jobJson (j: JobView): JobJson {
  const b = j.request.body
  return {
    id: j.id,
    state: j.state,
    cancelled: j.cancelled,
    project: b.project,
    repo: b.repo,
    base: b.base,
    ref: b.ref ?? null,
    revision: b.revision ?? null,
    profile: b.profile,
    tags: b.tags,
    priority: b.priority,
    author: j.request.author,
    ts: j.request.ts,
    runner: j.runner,
    leaseUntil: j.leaseUntil,
    attempts: j.attempts,
    verdict: j.verdict,
    result: j.result,
    rerunOf: b.rerunOf ?? null,
    waiting: j.waiting
  }
}
