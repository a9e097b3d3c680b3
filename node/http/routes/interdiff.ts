import type { FastifyInstance } from 'fastify'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import type { CairnEvent } from '../../../protocol/event.js'
import { isHex32 } from '../../../protocol/hex.js'
import { interdiff } from '../../interdiff.js'
import type { Interdiff } from '../../interdiff.js'
import type { IndexedEvent, Views } from '../../views/views.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { strictQuery } from '../query.js'

type RevisionEvent = IndexedEvent & CairnEvent<'series.revision'>

/** Interdiffs kept: two revision events and their hash-checked blobs always give the same answer. */
const CACHED = 32

const USAGE = 'interdiff needs two revisions: /api/interdiff?from=REVISION_ID&to=REVISION_ID'

function revisionById (views: Views, id: string | undefined, what: 'from' | 'to'): RevisionEvent {
  if (id === undefined) throw new CairnError('BAD_QUERY', `${USAGE} (${what} is missing)`)
  if (!isHex32(id)) throw new CairnError('BAD_ID', `${what}: "${id}" is not an EventId (64 lowercase hex characters)`)
  const e = views.event(id)
  if (e === undefined) throw notFound(`${what}: no event ${id} in this node's views`)
  if (e.type !== 'series.revision') throw notFound(`${what}: ${id} is a ${e.type} event, not a series.revision`)
  return e as RevisionEvent
}

const side = (e: RevisionEvent): Record<string, unknown> => ({ id: e.id, series: e.body.series, version: e.body.version, subject: e.body.subject, total: e.body.total })

/**
 * The interdiff of two revisions (node/interdiff.ts): exactly the two
 * publications named, usually two versions of one series (any two
 * revisions can be compared).
 */
export function interdiffRoutes (app: FastifyInstance, { node }: RouteContext): void {
  const cache = new Map<string, Promise<Record<string, unknown>>>()

  const compute = async (from: RevisionEvent, to: RevisionEvent): Promise<Record<string, unknown>> => {
    let d: Interdiff
    try {
      d = await interdiff(node.blobs, { version: from.body.version, body: from.body }, { version: to.body.version, body: to.body })
    } catch (err) {
      // What is not here yet is a 404, as on /api/blobs; the store's message says which blob and what to do.
      if (isCairnError(err, 'NOT_FOLLOWED') || isCairnError(err, 'BLOB_MISSING')) throw new CairnError('BLOB_MISSING', `a diff of these revisions: ${err.message.replace(/^[A-Z_]+: /, '')}`)
      throw err
    }
    const counts = { same: 0, changed: 0, dropped: 0, added: 0 }
    for (const p of d.pairs) counts[p.status]++
    return { from: side(from), to: side(to), counts, pairs: d.pairs, missing: d.missing }
  }

  app.get<{ Querystring: { from?: string, to?: string } }>('/api/interdiff', {
    schema: { querystring: strictQuery({ from: { type: 'string', maxLength: 200 }, to: { type: 'string', maxLength: 200 } }) }
  }, async (request) => {
    const from = revisionById(node.views, request.query.from, 'from')
    const to = revisionById(node.views, request.query.to, 'to')
    const key = `${from.id}.${to.id}`
    let answer = cache.get(key)
    if (answer === undefined) {
      answer = compute(from, to)
      cache.set(key, answer)
      if (cache.size > CACHED) cache.delete(cache.keys().next().value as string)
      answer.catch(() => { cache.delete(key) }) // a blob not here yet: try again next time
    }
    return await answer
  })
}
