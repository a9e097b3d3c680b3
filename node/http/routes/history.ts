import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { suiteHistory, testHistory } from '../../views/history.js'
import type { History, HistoryFilter, HistoryKind, SuitePoint, TestPoint } from '../../views/history.js'
import { byRelease } from '../../views/history-order.js'
import { metricHistory } from '../../views/metric-history.js'
import { hotSince } from '../../storage/archive-setting.js'
import type { RouteContext } from '../context.js'
import { paginate, parseLimit } from '../page.js'
import { hex64, strictQuery } from '../query.js'

interface HistoryQuery { test?: string, suite?: string, profile?: string, runner?: string, kind?: HistoryKind, order?: 'time' | 'release', archived?: '0' | '1', limit?: string, cursor?: string }

const NEEDS_ONE = 'history needs a test or a suite: /api/history?test=NAME or /api/history?suite=PREFIX'

/**
 * A test's or a suite's status across results (node/views/history.ts), newest
 * first in pages; `order=release` by what was tested (views/history-order.ts),
 * the newest releases first, in one page (a cursor follows run time).
 * Archived results are left out unless archived=1.
 */
export function historyRoutes (app: FastifyInstance, { node }: RouteContext): void {
  app.get<{ Querystring: HistoryQuery }>('/api/history', {
    schema: {
      querystring: strictQuery({
        test: { type: 'string', minLength: 1, maxLength: 1000 },
        suite: { type: 'string', minLength: 1, maxLength: 1000 },
        profile: { type: 'string', maxLength: 200 },
        runner: hex64,
        kind: { type: 'string', enum: ['baseline', 'revision'] },
        order: { type: 'string', enum: ['time', 'release'] },
        archived: { type: 'string', enum: ['0', '1'] },
        limit: { type: 'string' },
        cursor: { type: 'string', maxLength: 200 }
      })
    }
  }, async (request) => {
    const { test, suite, profile, runner, kind, order, cursor } = request.query
    if (test === undefined && suite === undefined) throw new CairnError('BAD_QUERY', NEEDS_ONE)
    if (test !== undefined && suite !== undefined) throw new CairnError('BAD_QUERY', `${NEEDS_ONE}, not both`)
    if (order === 'release' && cursor !== undefined) throw new CairnError('BAD_QUERY', 'order=release is one page (the newest releases, up to limit); a cursor pages by run time')
    const filter: HistoryFilter = { ...(profile !== undefined ? { profile } : {}), ...(runner !== undefined ? { runner } : {}), ...(kind !== undefined ? { kind } : {}), ...hotSince(node.paths.dir, request.query.archived === '1') }
    const history: History<TestPoint | SuitePoint> = test !== undefined ? testHistory(node.views, test, filter) : suiteHistory(node.views, suite as string, filter)
    const head = { ...(test !== undefined ? { test } : { suite }), filter, order: order ?? 'time', total: history.points.length, counts: history.counts }
    if (order === 'release') {
      const points = byRelease(history).points
      return { ...head, points: points.slice(Math.max(0, points.length - parseLimit(request.query.limit))).reverse(), next: null }
    }
    const page = paginate(history.points, { limit: parseLimit(request.query.limit), newest: true, ...(cursor !== undefined ? { cursor } : {}) })
    return { ...head, points: page.items, next: page.next }
  })

  /** A metric across releases (node/views/metric-history.ts), oldest release first: each release's median value and the spread of its runs' samples. */
  app.get<{ Querystring: Omit<HistoryQuery, 'test' | 'suite' | 'order' | 'limit' | 'cursor'> & { metric?: string } }>('/api/metric-history', {
    schema: {
      querystring: strictQuery({
        metric: { type: 'string', minLength: 1, maxLength: 1000 },
        profile: { type: 'string', maxLength: 200 },
        runner: hex64,
        kind: { type: 'string', enum: ['baseline', 'revision'] },
        archived: { type: 'string', enum: ['0', '1'] }
      })
    }
  }, async (request) => {
    const { metric, profile, runner, kind } = request.query
    if (metric === undefined) throw new CairnError('BAD_QUERY', 'metric history needs a metric: /api/metric-history?metric=NAME')
    const filter: HistoryFilter = { ...(profile !== undefined ? { profile } : {}), ...(runner !== undefined ? { runner } : {}), ...(kind !== undefined ? { kind } : {}), ...hotSince(node.paths.dir, request.query.archived === '1') }
    return metricHistory(node.views, metric, filter)
  })
}
