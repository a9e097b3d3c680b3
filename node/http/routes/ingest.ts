import type { FastifyInstance, FastifyRequest } from 'fastify'
import { PassThrough } from 'node:stream'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import type { RouteContext } from '../context.js'
import { strictQuery } from '../query.js'
import { checkBearer } from '../token.js'

/** The sources `cairn ingest` reads, as the API names them. */
const INGEST_SOURCES = ['mail', 'mbox', 'maildir', 'public-inbox'] as const
type IngestSource = typeof INGEST_SOURCES[number]

/** One ingest run as the daemon's composition carries it out (node/http knows nothing of the email bridge). */
export interface IngestRequest {
  source: IngestSource
  /** The bytes sent (one mail, or an mbox), or a path on this machine the daemon reads (an mbox file, a Maildir, a public-inbox). */
  input: { stream: AsyncIterable<Buffer> } | { path: string }
  format?: string
  list?: string
  project?: string
  match: string[]
  /** Progress as the bridge reports it, passed on to the client. */
  progress: (p: unknown) => void
  warn: (message: string) => void
  /** True once the client went away: stop reading, keep and publish what was read. */
  stopped: () => boolean
}

/** Runs an ingest in the daemon's process (the bridge state lives in its home); resolves with the summary. */
export type Ingest = (request: IngestRequest) => Promise<unknown>

/** What each line of the answer (application/x-ndjson) is: progress and warnings as they come, then the summary or the error. */
type IngestLine = { progress: unknown } | { warning: string } | { summary: unknown } | { error: string, message: string }

/** Raw mail: an mbox or one RFC 5322 message, streamed to the bridge as it arrives (no body limit: an mbox may be gigabytes). */
const RAW_TYPES = ['application/mbox', 'message/rfc822', 'application/octet-stream']
const ONE_STRING = { type: 'string' } as const
/** What the route takes; refuseUnknownQuery (query.ts) names any other parameter. Checked further in parseQuery. */
const QUERY = strictQuery({
  source: ONE_STRING,
  path: ONE_STRING,
  format: ONE_STRING,
  list: ONE_STRING,
  project: ONE_STRING,
  match: { anyOf: [ONE_STRING, { type: 'array', items: ONE_STRING }] }
})

/**
 * POST /api/ingest?source=mail|mbox|maildir|public-inbox[&path=ABS][&list=][&project=][&format=][&match=...]:
 * `cairn ingest` while the daemon holds the home. The body is the mail
 * bytes (mail, mbox from stdin), or empty with `path` (the daemon reads the
 * file or folder itself: a public-inbox's cursors are in its home). The
 * answer streams one JSON line per progress report or warning, then the
 * summary, or an error line (the status is sent before the run ends).
 * Without an ingest capability (a server without the bridge) it is 404.
 */
export function ingestRoutes (app: FastifyInstance, { token }: RouteContext, ingest: Ingest | undefined): void {
  if (ingest === undefined) return
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => { done(null, payload) })
  const auth = async (request: FastifyRequest): Promise<void> => checkBearer(request.headers.authorization, token)
  app.post('/api/ingest', { onRequest: auth, schema: { querystring: QUERY } }, async (request, reply) => {
    const req = parseQuery(request.query as Record<string, string | string[] | undefined>)
    const body = request.body as AsyncIterable<Buffer> | undefined
    if (req.path !== undefined) {
      if (body !== undefined) for await (const _ of body) { /* drain: a path needs no body */ }
    } else if (body === undefined || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') {
      throw new CairnError('UNSUPPORTED_MEDIA_TYPE', `source=${req.source} without path: send the mail bytes with Content-Type ${RAW_TYPES.join(' or ')}`)
    }
    const out = new PassThrough()
    const send = (line: IngestLine): void => { out.write(JSON.stringify(line) + '\n') }
    let gone = false
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) gone = true })
    const { path, ...options } = req
    void ingest({
      ...options,
      input: path !== undefined ? { path } : { stream: body as AsyncIterable<Buffer> },
      progress: (p) => send({ progress: p }),
      warn: (message) => send({ warning: message }),
      stopped: () => gone
    }).then((summary) => send({ summary }), (err: unknown) => {
      const e = isCairnError(err) ? err : new CairnError('INTERNAL', (err as Error).message)
      send({ error: e.code, message: e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message })
    }).finally(() => out.end())
    return await reply.code(200).type('application/x-ndjson; charset=utf-8').send(out)
  })
}

type ParsedQuery = Omit<IngestRequest, 'input' | 'progress' | 'warn' | 'stopped'> & { path?: string }

function parseQuery (query: Record<string, string | string[] | undefined>): ParsedQuery {
  const one = (key: string): string | undefined => {
    const v = query[key]
    if (Array.isArray(v)) throw new CairnError('BAD_QUERY', `${key}: give it once`)
    return v
  }
  const source = one('source')
  if (!(INGEST_SOURCES as readonly string[]).includes(source ?? '')) throw new CairnError('BAD_QUERY', `source: expected one of ${INGEST_SOURCES.join(', ')}`)
  const path = one('path')
  if ((source === 'maildir' || source === 'public-inbox') && path === undefined) throw new CairnError('BAD_QUERY', `source=${source ?? ''} needs path (the daemon reads the folder)`)
  if (source === 'mail' && path !== undefined) throw new CairnError('BAD_QUERY', 'source=mail takes the mail as the body, not a path')
  if (path !== undefined && !path.startsWith('/')) throw new CairnError('BAD_QUERY', `path: ${path} is not absolute (the daemon's working folder is not the client's)`)
  const match = query.match === undefined ? [] : Array.isArray(query.match) ? query.match : [query.match]
  const opt = (key: 'format' | 'list' | 'project'): Record<string, string> => { const v = one(key); return v === undefined ? {} : { [key]: v } }
  return { source: source as IngestSource, match, ...opt('format'), ...opt('list'), ...opt('project'), ...(path === undefined ? {} : { path }) }
}
