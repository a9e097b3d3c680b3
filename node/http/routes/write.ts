import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { validateDraft } from '../../../protocol/event.js'
import type { BodyOf, EventType } from '../../../protocol/schemas.js'
import { eventJson } from '../../wire/events.js'
import type { CairnNode } from '../../node.js'
import type { RouteContext } from '../context.js'
import { checkBearer } from '../token.js'

/** Notes can be long (1 MiB of text): room for that and JSON escaping. */
const WRITE_BODY_LIMIT = 4 * 1024 * 1024

interface WriteRoute<T extends EventType> {
  path: string
  type: T
  /** Causal links from the body, and checks that need the views (the revision reviewed must be here). */
  refs: (body: BodyOf<T>, node: CairnNode) => string[]
}

const routes: Array<WriteRoute<EventType>> = [
  {
    path: '/api/reviews',
    type: 'review',
    refs: (body, node) => {
      const { revision } = (body as BodyOf<'review'>).target
      requireRevision(node, revision, 'target.revision')
      return [revision]
    }
  },
  {
    path: '/api/jobs',
    type: 'job.request',
    refs: (body, node) => {
      const { revision } = body as BodyOf<'job.request'>
      if (revision === undefined) return []
      requireRevision(node, revision, 'revision')
      return [revision]
    }
  },
  { path: '/api/trust', type: 'trust.set', refs: () => [] },
  { path: '/api/notes', type: 'note', refs: () => [] }
]

function requireRevision (node: CairnNode, id: string, field: string): void {
  if (node.views.event(id)?.type !== 'series.revision') {
    throw new CairnError('UNKNOWN_REVISION', `${field}: ${id} is not a series.revision this node has indexed; sync first`)
  }
}

/**
 * Writes: each request body is the body of one event, validated with the
 * protocol's schema, signed with this node's identity and appended to its
 * own feed. The token is checked before the body is even read.
 */
export function writeRoutes (app: FastifyInstance, { node, token }: RouteContext): void {
  const auth = async (request: FastifyRequest): Promise<void> => checkBearer(request.headers.authorization, token)
  // Any event type, as `cairn post` (which goes through here while the daemon holds the home).
  app.post('/api/events', { onRequest: auth, bodyLimit: WRITE_BODY_LIMIT }, async (request, reply) => {
    const { type, body, refs } = (request.body ?? {}) as { type?: unknown, body?: unknown, refs?: unknown }
    if (typeof type !== 'string') throw new CairnError('SCHEMA', 'type: expected the event type as a string ({"type", "body", "refs"})')
    if (refs !== undefined && !(Array.isArray(refs) && refs.every((r) => typeof r === 'string'))) throw new CairnError('SCHEMA', 'refs: expected a list of EventIds')
    const event = await node.post(type as EventType, body as BodyOf<EventType>, refs ?? [])
    void reply.code(201).header('location', `/api/events/${event.id}`)
    return { id: event.id }
  })
  for (const route of routes) {
    app.post(route.path, { onRequest: auth, bodyLimit: WRITE_BODY_LIMIT }, async (request, reply) => {
      const body = request.body
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new CairnError('SCHEMA', `${route.type}: body: expected a JSON object (Content-Type: application/json)`)
      }
      validateDraft(route.type, body)
      const refs = route.refs(body as BodyOf<EventType>, node)
      const event = await node.post(route.type, body as BodyOf<EventType>, refs)
      const indexed = node.views.event(event.id)
      void reply.code(201).header('location', `/api/events/${event.id}`)
      return { id: event.id, event: indexed !== undefined ? eventJson(indexed) : event }
    })
  }
}
