import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'
import { EVENT_TYPES } from '../../../protocol/schemas.js'
import { eventJson } from '../../wire/events.js'
import type { RouteContext } from '../context.js'
import { strictQuery } from '../query.js'

const HEARTBEAT_MS = 15_000 // keeps proxies and idle timers from closing a quiet stream
/** A client this far behind is dropped; it reconnects and refetches what it missed. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const RETRY_MS = 2000

/**
 * Server-sent events: one `event` message per event as it enters the views
 * (from our own posts or from peers), in indexing order. `?type=` narrows it.
 */
export function streamRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const open = new Set<ServerResponse>()
  app.addHook('preClose', async () => { for (const res of open) res.end() })

  app.get<{ Querystring: { type?: string } }>('/api/stream', {
    schema: { querystring: strictQuery({ type: { type: 'string', enum: EVENT_TYPES } }) }
  }, async (request, reply) => {
    const only = request.query.type
    const res = reply.raw
    reply.hijack()
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive'
    })
    res.write(`retry: ${RETRY_MS}\n: cairn events as they are indexed\n\n`)
    res.write(`event: hello\ndata: ${JSON.stringify({ events: node.views.count, identity: node.identityKey })}\n\n`)
    open.add(res)
    const unsubscribe = node.views.subscribe((event) => {
      if (only !== undefined && event.type !== only) return
      res.write(`id: ${event.id}\nevent: event\ndata: ${JSON.stringify(eventJson(event))}\n\n`)
      if (res.writableLength > MAX_BUFFERED_BYTES) res.end()
    })
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS)
    const done = (): void => { clearInterval(heartbeat); unsubscribe(); open.delete(res) }
    res.once('close', done)
    request.raw.once('close', () => res.end())
  })
}
