import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * A strong ETag over the exact bytes of every successful GET, and 304 when
 * the client already holds them. Hashing what is sent is always right,
 * whatever the route computed it from, and costs little next to building it.
 */
export async function etagOnSend (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload // streams (SSE) carry no ETag
  const tag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`
  void reply.header('etag', tag)
  if (reply.getHeader('cache-control') === undefined) void reply.header('cache-control', 'no-cache')
  if (matches(request.headers['if-none-match'], tag)) {
    void reply.code(304)
    return ''
  }
  return payload
}

function matches (header: string | undefined, tag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((t) => { const v = t.trim().replace(/^W\//, ''); return v === tag || v === '*' })
}
