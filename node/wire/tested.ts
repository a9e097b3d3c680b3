/**
 * What a result tested, from its job request, for people and for the JSON
 * that lists results: a baseline (a repo at a ref or commit) or a series
 * revision (its series, version and subject), with a short label such as
 * `v6.13` or `xfs: fix iget (v2)`. The history and the results lists share it.
 */
import { jobRequest } from '../views/jobs.js'
import type { Views } from '../views/views.js'
import type { TestedJson } from './types.js'

/** `result`: a result's job (null: none) and build identity. */
export function testedOf (views: Views, result: { job: string | null, build: string }): TestedJson {
  const b = result.job === null ? undefined : jobRequest(views, result.job)?.body
  const revisionEvent = b?.revision === undefined ? undefined : views.event(b.revision)
  const series = revisionEvent?.type === 'series.revision'
    ? { id: revisionEvent.body.series, version: revisionEvent.body.version, subject: revisionEvent.body.subject }
    : null
  const kind = b === undefined ? null : b.revision === undefined ? 'baseline' : 'revision'
  const label = series !== null
    ? `${series.subject} (v${series.version})`
    : kind === 'baseline' ? b?.ref ?? b?.base.slice(0, 12) ?? '' : kind === 'revision' ? `revision ${b?.revision?.slice(0, 12) ?? ''}` : `build ${result.build.slice(0, 12)}`
  return { kind, repo: b?.repo ?? null, profile: b?.profile ?? null, base: b?.base ?? null, ref: b?.ref ?? null, revision: b?.revision ?? null, series, label }
}
