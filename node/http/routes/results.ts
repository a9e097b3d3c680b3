import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { eventJson } from '../../wire/events.js'
import type { Views } from '../../views/views.js'
import { compareResults } from '../../../protocol/results.js'
import { renderReport } from '../../../protocol/result-summary.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { decodeCursor, encodeCursor, parseLimit } from '../page.js'
import { metricComparison, resultRow, statusCounts } from '../../wire/results.js'
import { resolveResult } from '../../views/results.js'
import { flakyTests } from '../../views/flakes.js'
import type { ResultEvent } from '../../views/results.js'
import { strictQuery } from '../query.js'
import { hotSince } from '../../storage/archive-setting.js'

function resultById (views: Views, id: string, what: string): ResultEvent {
  if (!isHex32(id)) throw new CairnError('BAD_ID', `${what}: "${id}" is not an EventId (64 lowercase hex characters)`)
  const e = views.event(id)
  if (e?.type !== 'result') throw notFound(`${what}: no result ${id} in this node's views`)
  return e as ResultEvent
}

function runOf (views: Views, e: ResultEvent, what: string): ResultEvent {
  const run = resolveResult(views, e)
  if (run === null) throw notFound(`${what}: result ${e.id} reuses ${e.body.reuses ?? '?'}, which is not here; sync with its runner`)
  return run
}

/** Results (per-run summary and per-test table) and A/B comparison of any two. */
export function resultRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const views = node.views

  app.get<{ Querystring: { verdict?: string, build?: string, job?: string, archived?: '0' | '1', limit?: string, cursor?: string } }>('/api/results', {
    schema: { querystring: strictQuery({ verdict: { type: 'string', maxLength: 50 }, build: { type: 'string', maxLength: 200 }, job: { type: 'string', maxLength: 64 }, archived: { type: 'string', enum: ['0', '1'] }, limit: { type: 'string' }, cursor: { type: 'string', maxLength: 200 } }) }
  }, async (request) => {
    const { verdict, build, job, cursor } = request.query
    const limit = parseLimit(request.query.limit)
    const filter = { ...hotSince(node.paths.dir, request.query.archived === '1'), ...(verdict === undefined ? {} : { verdict }), ...(build === undefined ? {} : { build }), ...(job === undefined ? {} : { job }) }
    // Newest first from the cursor, a page of rows: only the results shown are decoded.
    return views.read(() => {
      const items = views.resultsPage(filter, { after: cursor === undefined ? null : decodeCursor(cursor), newest: true, limit: limit + 1 }) as ResultEvent[]
      const page = items.slice(0, limit)
      const last = page[page.length - 1]
      return { total: views.resultsCount(filter), results: page.map((e) => resultRow(views, e)), next: items.length > limit && last !== undefined ? encodeCursor(last) : null }
    })
  })

  app.get<{ Params: { id: string } }>('/api/results/:id', async (request) => {
    const e = resultById(views, request.params.id, 'result')
    const job = e.body.job === undefined ? undefined : views.event(e.body.job)
    return { result: eventJson(e), counts: statusCounts(e), report: renderReport(e.body.tests, { width: 0 }), job: job === undefined ? null : eventJson(job) }
  })

  app.get<{ Querystring: { a?: string, b?: string } }>('/api/compare', {
    schema: { querystring: strictQuery({ a: { type: 'string', maxLength: 64 }, b: { type: 'string', maxLength: 64 } }) }
  }, async (request) => {
    const { a, b } = request.query
    if (a === undefined || b === undefined) throw new CairnError('BAD_QUERY', 'compare needs two results: /api/compare?a=RESULT_ID&b=RESULT_ID')
    const ra = resultById(views, a, 'a')
    const rb = resultById(views, b, 'b')
    // A reused result is compared as the run it stands for; tests the flake ledger holds flaky under either run's identity are listed apart.
    const [runA, runB] = [runOf(views, ra, 'a'), runOf(views, rb, 'b')]
    const flaky = [...flakyTests(views, [runA.body.testRun, runB.body.testRun])].sort()
    return { a: resultRow(views, ra), b: resultRow(views, rb), comparison: compareResults(runA.body.tests, runB.body.tests), flaky, metrics: metricComparison(views, runA, runB) }
  })
}
