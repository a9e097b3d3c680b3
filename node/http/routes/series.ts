import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { eventJson } from '../../cli/event-json.js'
import { byTsThenId } from '../../views.js'
import { decisionsFor } from '../../views/decisions.js'
import { jobsOfRevision } from '../../views/jobs.js'
import { resultsOfJob } from '../../views/results.js'
import { findSeries, patchTrailers } from '../../views/series.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { parseLimit } from '../page.js'
import { matchesText, revisionOfEvent, seriesRowJson, seriesSummaries } from '../series.js'
import { resultRow } from '../results.js'
import { strictQuery } from '../query.js'

/** Series and revisions, from the series view (node/views/series.ts). */
export function seriesRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const views = node.views

  app.get<{ Querystring: { q?: string, project?: string, limit?: string } }>('/api/series', {
    schema: { querystring: strictQuery({ q: { type: 'string', maxLength: 1000 }, project: { type: 'string', maxLength: 200 }, limit: { type: 'string' } }) }
  }, async (request, reply) => {
    const { q, project } = request.query
    let list = seriesSummaries(views)
    if (project !== undefined) list = list.filter((s) => s.project === project)
    if (q !== undefined && q !== '') list = list.filter((s) => matchesText(s, q))
    const rows = list.slice(0, parseLimit(request.query.limit)).map(seriesRowJson)
    // The rows are JSON already (once per summary): 500 of them are ~3 MB, too slow to stringify per request.
    void reply.type('application/json; charset=utf-8')
    return `{"total":${list.length},"series":[${rows.join(',')}]}`
  })

  app.get<{ Params: { id: string } }>('/api/revisions/:id', async (request) => {
    const { id } = request.params
    if (!isHex32(id)) throw new CairnError('BAD_ID', `"${id}" is not an EventId (64 lowercase hex characters)`)
    const rev = views.events.get(id)
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
      versions: (series?.revisions ?? []).map((r) => ({ id: r.id, version: r.version, ts: r.ts })),
      reviews: (view?.reviews ?? []).map(eventJson),
      trailers: [...trailers].map(([index, t]) => ({ index, own: t.own, collected: t.collected })),
      jobs: jobs.map(eventJson),
      results: results.map(resultRow),
      decisions: decisions.map(eventJson)
    }
  })
}
