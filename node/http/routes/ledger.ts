import type { FastifyInstance } from 'fastify'
import { flakes } from '../../views/flakes.js'
import { regressions } from '../../views/regressions.js'
import { hotSince } from '../../storage/archive-setting.js'
import type { RouteContext } from '../context.js'
import { strictQuery } from '../query.js'

/** The flake ledger and the tracked regressions (node/views/flakes.ts, regressions.ts), whole: both are short. Regressions leave archived results out unless archived=1. */
export function ledgerRoutes (app: FastifyInstance, { node }: RouteContext): void {
  app.get<{ Querystring: { test?: string } }>('/api/flakes', {
    schema: { querystring: strictQuery({ test: { type: 'string', minLength: 1, maxLength: 1000 } }) }
  }, async (request) => {
    const { test } = request.query
    const list = flakes(node.views).filter((f) => test === undefined || f.test === test)
    return { total: list.length, flakes: list }
  })
  app.get<{ Querystring: { state?: 'failing' | 'fixed', project?: string, archived?: '0' | '1' } }>('/api/regressions', {
    schema: { querystring: strictQuery({ state: { type: 'string', enum: ['failing', 'fixed'] }, project: { type: 'string', maxLength: 200 }, archived: { type: 'string', enum: ['0', '1'] } }) }
  }, async (request) => {
    const { state, project } = request.query
    const list = regressions(node.views, hotSince(node.paths.dir, request.query.archived === '1').since).filter((r) => (state === undefined || r.state === state) && (project === undefined || r.project === project))
    return { total: list.length, regressions: list }
  })
}
