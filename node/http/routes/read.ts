import type { FastifyInstance } from 'fastify'
import { CairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { EVENT_TYPES } from '../../../protocol/schemas.js'
import { eventJson } from '../../wire/events.js'
import type { IndexedEvent, Views } from '../../views/views.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { decodeCursor, encodeCursor, parseLimit } from '../page.js'
import { peersOf } from '../peers.js'
import { hex64, strictQuery } from '../query.js'
import { signedBytes } from '../signed.js'


/**
 * One page of `/api/events` (log order, newest first unless `oldest`), read
 * from the log-order indexes a page at a time: one more than the page is
 * read to know whether there is a next.
 */
export function eventsPage (views: Views, filter: { type?: string, author?: string }, opts: { cursor?: string, limit: number, newest: boolean }): { total: number, items: IndexedEvent[], next: string | null } {
  const after = opts.cursor === undefined ? null : decodeCursor(opts.cursor)
  const { items, total } = views.read(() => ({ items: views.logPage(filter, { after, newest: opts.newest, limit: opts.limit + 1 }), total: views.countOf(filter) }))
  const more = items.length > opts.limit
  if (more) items.length = opts.limit
  return { total, items, next: more ? encodeCursor(items[items.length - 1] as IndexedEvent) : null }
}

function nameOf (views: Views, key: string): string | null {
  return views.identities.get(key)?.name ?? null
}

/** The roles this node's trust gives an identity (its own: every role, unless it said otherwise). */
function rolesOf (views: Views, key: string): string[] {
  return [...(views.trust.get(key) ?? [])].sort()
}

/** Read routes over the local views: no token, no network, answered from memory. */
export function readRoutes (app: FastifyInstance, { node, sessions }: RouteContext): void {
  const views = node.views

  app.get('/api/status', async () => {
    const s = node.status()
    const types: Record<string, number> = {}
    Object.assign(types, views.countsByType())
    return { ...s, types, trusted: views.trust.size, identities: views.identities.size }
  })

  app.get('/api/feeds', async () => {
    const authors = feedAuthors(views)
    return {
      feeds: node.status().feeds.map((f) => {
        const author = authors.get(f.key) ?? (f.hops === 0 ? node.identityKey : null)
        return {
          ...f,
          author,
          name: author !== null ? nameOf(views, author) ?? (author === node.identityKey ? node.name : null) : null,
          own: f.key === node.feedKey || f.key === node.blobsKey,
          // known to exist at the writer but not here yet / here but not yet through the indexer
          missing: f.length - f.contiguous,
          unindexed: f.indexed === null ? 0 : f.contiguous - f.indexed
        }
      })
    }
  })

  app.get('/api/peers', async () => ({ peers: peersOf(node, sessions()) }))

  app.get('/api/trust', async () => ({
    root: node.identityKey,
    trust: [...views.trust].map(([key, roles]) => ({ key, roles: [...roles].sort(), name: nameOf(views, key) }))
  }))

  app.get('/api/identities', async () => ({
    identities: [...views.identities].map(([key, info]) => ({ key, name: info.name ?? null, emails: info.emails, roles: rolesOf(views, key) }))
  }))

  app.get<{ Querystring: { limit?: string } }>('/api/rejections', {
    schema: { querystring: strictQuery({ limit: { type: 'string' } }) }
  }, async (request) => {
    const limit = parseLimit(request.query.limit)
    return { total: views.rejectionCount, rejections: views.rejections(limit).reverse() }
  })

  app.get<{ Querystring: { type?: string, author?: string, limit?: string, cursor?: string, order?: 'newest' | 'oldest' } }>('/api/events', {
    schema: {
      querystring: strictQuery({
        type: { type: 'string', enum: EVENT_TYPES },
        author: hex64,
        limit: { type: 'string' },
        cursor: { type: 'string', maxLength: 200 },
        order: { type: 'string', enum: ['newest', 'oldest'] }
      })
    }
  }, async (request) => {
    const { type, author, cursor, order } = request.query
    const filter = { ...(type !== undefined ? { type } : {}), ...(author !== undefined ? { author } : {}) }
    const page = eventsPage(views, filter, { limit: parseLimit(request.query.limit), newest: order !== 'oldest', ...(cursor !== undefined ? { cursor } : {}) })
    return { total: page.total, events: page.items.map(eventJson), next: page.next }
  })

  app.get<{ Params: { id: string } }>('/api/events/:id', async (request) => {
    const { id } = request.params
    if (!isHex32(id)) throw new CairnError('BAD_ID', `"${id}" is not an EventId (64 lowercase hex characters)`)
    const event = views.event(id)
    if (event === undefined) throw notFound(`no event ${id} in this node's views`)
    return {
      event: eventJson(event),
      signed: await signedBytes(node, event),
      authorName: nameOf(views, event.author) ?? (event.author === node.identityKey ? node.name : null),
      authorRoles: rolesOf(views, event.author),
      referencedBy: views.read(() => views.referencing(id)).map((e) => e.id)
    }
  })
}

/** Which identity writes each feed: the first event indexed from it (by log order; no event decoded), and the feed and blobs keys identities link. */
function feedAuthors (views: Views): Map<string, string> {
  return views.derive('http:feed-authors', (v) => {
    const out = v.firstAuthors()
    for (const e of v.ofType('identity.link')) {
      if (e.type !== 'identity.link') continue
      if (!out.has(e.body.feed)) out.set(e.body.feed, e.author)
      if (e.body.blobs !== undefined && !out.has(e.body.blobs)) out.set(e.body.blobs, e.author)
    }
    return out
  })
}
