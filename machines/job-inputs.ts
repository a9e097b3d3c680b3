import type { BodyOf } from '../protocol/schemas.js'

type JobBody = BodyOf<'job.request'>

/**
 * What a job runs, as one string: repo, commit, revision, recipe, profile
 * and tags. Two jobs of equal inputs are answered by the same run (a
 * runner reuses the result of its test-run identity).
 */
export function jobInputsKey (b: JobBody): string {
  return JSON.stringify([b.repo, b.base, b.revision ?? null, b.recipe, b.profile, b.tags])
}

/** A series job's baseline: the same repo, base commit, recipe, profile and tags, with no series applied. */
export function baselineOf (body: JobBody): JobBody {
  const { revision: _r, ref: _ref, reuse: _reuse, rerunOf: _rerun, ...rest } = body
  return rest
}
