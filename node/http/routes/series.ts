import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { eventJson } from '../../cli/event-json.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { parseLimit } from '../page.js'
import { matchesText, reviewsByRevision, seriesIndex } from '../series.js'
import { resultRow } from '../results.js'
import { strictQuery } from '../query.js'
import { sortedEvents } from './read.js'

/** Series and revisions, from the basic series index (series.ts). */
export function seriesRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const views = node.views

  app.get<{ Querystring: { q?: string, project?: string, limit?: string } }>('/api/series', {
    schema: { querystring: strictQuery({ q: { type: 'string', maxLength: 1000 }, project: { type: 'string', maxLength: 200 }, limit: { type: 'string' } }) }
  }, async (request) => {
    const { q, project } = request.query
    let list = seriesIndex(views)
    if (project !== undefined) list = list.filter((s) => s.project === project)
    if (q !== undefined && q !== '') list = list.filter((s) => matchesText(s, q))
    const limit = parseLimit(request.query.limit)
    return {
      total: list.length,
      series: list.slice(0, limit).map((s) => ({
        project: s.project,
        series: s.series,
        latest: eventJson(s.latest),
        versions: s.revisions.map((r) => ({ id: r.id, version: r.body.version, ts: r.ts })),
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
    const series = seriesIndex(views).find((s) => s.project === rev.body.project && s.series === rev.body.series)
    const jobs = sortedEvents(views, { type: 'job.request' }).filter((e) => e.type === 'job.request' && e.body.revision === id)
    const jobIds = new Set(jobs.map((j) => j.id))
    const results = sortedEvents(views, { type: 'result' }).filter((e) => e.type === 'result' && e.body.job !== undefined && jobIds.has(e.body.job))
    const decisions = sortedEvents(views, { type: 'decision' }).filter((e) => e.type === 'decision' && e.body.revision === id)
    return {
      revision: eventJson(rev),
      versions: (series?.revisions ?? [rev]).map((r) => ({ id: r.id, version: r.type === 'series.revision' ? r.body.version : 0, ts: r.ts })),
      reviews: (reviewsByRevision(views).get(id) ?? []).map(eventJson),
      jobs: jobs.map(eventJson),
      results: results.map((r) => r.type === 'result' ? resultRow(r) : null).filter((r) => r !== null),
      decisions: decisions.map(eventJson)
    }
  })
}
