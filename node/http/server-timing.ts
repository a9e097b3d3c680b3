import type { FastifyReply, FastifyRequest } from 'fastify'

const started = new WeakMap<FastifyRequest, number>()

/** The first onRequest hook: when the server began on this request. */
export async function startServerTimer (request: FastifyRequest): Promise<void> {
  started.set(request, performance.now())
}

/**
 * `Server-Timing: app;dur=MS` on every response that goes through onSend:
 * the time from the request's arrival to its payload being ready (checks,
 * handler, serialisation, ETag). Registered as the last onSend hook, so the
 * browser's devtools and the API bench can tell the server's share of a
 * request from the network's.
 */
export async function serverTimingOnSend (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const t0 = started.get(request)
  if (t0 !== undefined) void reply.header('server-timing', `app;dur=${(performance.now() - t0).toFixed(2)}`)
  return payload
}
