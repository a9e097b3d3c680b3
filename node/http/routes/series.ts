import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { eventJson } from '../../cli/event-json.js'
import { findSeries, patchTrailers } from '../../views/series.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { parseLimit } from '../page.js'
import { matchesText, revisionOfEvent, seriesSummaries } from '../series.js'
import { resultRow } from '../results.js'
import { strictQuery } from '../query.js'
import { sortedEvents } from './read.js'

/** Series and revisions, from the series view (node/views/series.ts). */
export function seriesRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const views = node.views

  app.get<{ Querystring: { q?: string, project?: string, limit?: string } }>('/api/series', {
    schema: { querystring: strictQuery({ q: { type: 'string', maxLength: 1000 }, project: { type: 'string', maxLength: 200 }, limit: { type: 'string' } }) }
  }, async (request) => {
    const { q, project } = request.query
    let list = seriesSummaries(views)
    if (project !== undefined) list = list.filter((s) => s.project === project)
    if (q !== undefined && q !== '') list = list.filter((s) => matchesText(s, q))
    const limit = parseLimit(request.query.limit)
    return {
      total: list.length,
      series: list.slice(0, limit).map((s) => ({
        id: s.series,
        project: s.project,
        series: s.series,
        state: s.state,
        latest: eventJson(s.latest),
        versions: s.revisions.map((r) => ({ id: r.id, version: r.body.version, ts: r.ts })),
        complete: s.latest.body.patches.every((p) => p.missing !== true),
        reviews: s.reviews,
        trailers: s.trailers
      }))
    }
  })

  app.get<{ Params: { id: string } }>('/api/revisions/:id', async (request) => {
    const { id } = request.params
    if (!isHex32(id)) throw new CairnError('BAD_ID', `"${id}" is not an EventId (64 lowercase hex characters)`)
    const rev = views.events.get(id)
    if (rev?.type !== 'series.revision') throw notFound(`no series.revision ${id} in this node's views`)
    const view = revisionOfEvent(views, id)
    const series = view === null ? null : findSeries(views, view.series)
    // Jobs, results and decisions of any publication of this revision count for it.
    const ids = new Set(view?.eventIds ?? [id])
    const jobs = sortedEvents(views, { type: 'job.request' }).filter((e) => e.type === 'job.request' && e.body.revision !== undefined && ids.has(e.body.revision))
    const jobIds = new Set(jobs.map((j) => j.id))
    const results = sortedEvents(views, { type: 'result' }).filter((e) => e.type === 'result' && e.body.job !== undefined && jobIds.has(e.body.job))
    const decisions = sortedEvents(views, { type: 'decision' }).filter((e) => e.type === 'decision' && ids.has(e.body.revision))
    const trailers = series === null || view === null ? new Map() : patchTrailers(series, view)
    return {
      revision: eventJson(rev),
      inForce: view?.id ?? id,
      series: view?.series ?? rev.body.series,
      versions: (series?.revisions ?? []).map((r) => ({ id: r.id, version: r.version, ts: r.ts })),
      reviews: (view?.reviews ?? []).map(eventJson),
      trailers: [...trailers].map(([index, t]) => ({ index, own: t.own, collected: t.collected })),
      jobs: jobs.map(eventJson),
      results: results.map((r) => r.type === 'result' ? resultRow(r) : null).filter((r) => r !== null),
      decisions: decisions.map(eventJson)
    }
  })
}
