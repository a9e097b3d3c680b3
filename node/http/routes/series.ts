import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { eventJson } from '../../wire/events.js'
import { byTsThenId } from '../../views/views.js'
import type { Views } from '../../views/views.js'
import { decisionsFor } from '../../views/decisions.js'
import { jobsOfRevision } from '../../views/jobs.js'
import { resultsOfJob } from '../../views/results.js'
import { findSeries, patchTrailers, presentPatches, revisionOfEvent, revisionState } from '../../views/series/index.js'
import type { RevisionView, SeriesView } from '../../views/series/index.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { parseLimit } from '../page.js'
import { checkFilter, seriesPage } from '../series.js'
import type { ListFilter } from '../series.js'
import { resultRow } from '../../wire/results.js'
import { strictQuery } from '../query.js'
import type { BlobPatchJson, BlobPatchesJson } from '../../wire/types.js'

/** A revision as the series page sets them side by side. */
function versionRow (views: Views, s: SeriesView, r: RevisionView): Record<string, unknown> {
  const b = r.body
  return {
    id: r.id,
    version: r.version,
    ts: r.ts,
    date: b.date ?? null,
    subject: b.subject,
    total: b.total,
    present: presentPatches(b),
    state: revisionState(views, s, r),
    reviews: r.reviews.length
  }
}

/** The patches (and cover letters) whose diff or mail is the blob `hash`: the revisions carrying it, found by its blob_refs rows. */
export function patchesOfBlob (views: Views, hash: string): BlobPatchJson[] {
  const out: BlobPatchJson[] = []
  for (const e of views.read(() => views.carrying(hash, { type: 'series.revision' }, 'arrival'))) {
    if (e.type !== 'series.revision') continue
    const b = e.body
    const at = { revision: e.id, series: b.series, project: b.project, version: b.version }
    if (b.cover?.mail?.hash === hash) out.push({ ...at, index: 0, subject: b.cover.subject, part: 'mail' })
    for (const p of b.patches) {
      if (p.diff?.hash === hash) out.push({ ...at, index: p.index, subject: p.subject, part: 'diff' })
      if (p.mail?.hash === hash) out.push({ ...at, index: p.index, subject: p.subject, part: 'mail' })
    }
  }
  return out
}

/** Series and revisions, from the series view (node/views/series/). */
export function seriesRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const views = node.views

  const text = (max: number): Record<string, unknown> => ({ type: 'string', maxLength: max })
  const texts = (max: number): Record<string, unknown> => ({ type: 'array', maxItems: 20, items: { type: 'string', maxLength: max } })
  app.get<{ Querystring: ListFilter & { limit?: string, cursor?: string, search?: string } }>('/api/series', {
    schema: { querystring: strictQuery({ q: text(1000), search: text(1000), project: text(200), state: text(50), list: text(300), path: texts(1000), trailer: texts(100), limit: { type: 'string' }, cursor: text(200) }) }
  }, async (request, reply) => {
    const { limit, cursor, ...filter } = request.query
    checkFilter(filter)
    const page = seriesPage(views, filter, { limit: parseLimit(limit), ...(cursor !== undefined ? { cursor } : {}) })
    // The rows are JSON already (once per summary): the body is assembled from those strings.
    void reply.type('application/json; charset=utf-8')
    return `{"total":${page.total},"series":[${page.json.join(',')}],"next":${JSON.stringify(page.next)}}`
  })

  app.get<{ Params: { id: string } }>('/api/revisions/:id', async (request) => {
    const { id } = request.params
    if (!isHex32(id)) throw new CairnError('BAD_ID', `"${id}" is not an EventId (64 lowercase hex characters)`)
    const rev = views.event(id)
    if (rev?.type !== 'series.revision') throw notFound(`no series.revision ${id} in this node's views`)
    const view = revisionOfEvent(views, id)
    const series = view === null ? null : findSeries(views, view.series)
    // Jobs, results and decisions of any publication of this revision count for it (looked up in the
    // views' indexes: scanning every job and result per request costs tens of ms at 100k events).
    const ids = [...new Set(view?.eventIds ?? [id])]
    const jobs = ids.flatMap((r) => jobsOfRevision(views, r)).sort(byTsThenId)
    const results = jobs.flatMap((j) => resultsOfJob(views, j.id)).sort(byTsThenId)
    const decisions = ids.flatMap((r) => decisionsFor(views, r)).sort(byTsThenId)
    const trailers = series === null || view === null ? new Map() : patchTrailers(series, view)
    return {
      revision: eventJson(rev),
      inForce: view?.id ?? id,
      series: view?.series ?? rev.body.series,
      versions: series === null ? [] : series.revisions.map((r) => versionRow(views, series, r)),
      reviews: (view?.reviews ?? []).map(eventJson),
      trailers: [...trailers].map(([index, t]) => ({ index, own: t.own, collected: t.collected })),
      jobs: jobs.map(eventJson),
      results: results.map((e) => resultRow(views, e)),
      decisions: decisions.map(eventJson)
    }
  })

  app.get<{ Params: { hash: string } }>('/api/blobs/:hash/patches', async (request): Promise<BlobPatchesJson> => {
    const { hash } = request.params
    if (!isHex32(hash)) throw new CairnError('BAD_HASH', `"${String(hash).slice(0, 80)}" is not a blob hash (64 lowercase hex characters)`)
    return { hash, patches: patchesOfBlob(views, hash) }
  })
}
