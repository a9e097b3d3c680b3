import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { jobTrace } from '../../wire/trace.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { nodeMetrics } from '../node-metrics.js'
import { OPENMETRICS_TYPE, openMetricsText } from '../openmetrics.js'

/** What other tools read: OpenMetrics for Prometheus/Grafana, a job's trace-event JSON for Perfetto. */
export function exportRoutes (app: FastifyInstance, { node, sessions }: RouteContext): void {
  app.get('/metrics', async (_request, reply) => {
    const text = openMetricsText(nodeMetrics(node, [...sessions()].length))
    return await reply.header('content-type', OPENMETRICS_TYPE).send(text)
  })

  app.get<{ Params: { id: string } }>('/api/jobs/:id/trace', async (request) => {
    const { id } = request.params
    if (!isHex32(id)) throw new CairnError('BAD_ID', `"${String(id).slice(0, 80)}" is not a job id (64 lowercase hex characters)`)
    const trace = jobTrace(node.views, id)
    if (trace === null) throw notFound(`no job ${id} in this node's views`)
    return trace
  })
}
