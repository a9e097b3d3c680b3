import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { CairnError } from '../../protocol/errors.js'
import type { CairnNode } from '../node.js'
import { refuseUnknownQuery } from './query.js'
import { allowed, checkBind, isLoopback, isLoopbackHost, isServedHost } from './access.js'
import type { AllowRule } from './access.js'
import { errorHandler } from './errors.js'
import { etagOnSend } from './etag.js'
import type { LiveSession } from './peers.js'
import { blobRoutes } from './routes/blobs.js'
import { exportRoutes } from './routes/exports.js'
import { historyRoutes } from './routes/history.js'
import { ledgerRoutes } from './routes/ledger.js'
import { commandRoutes } from './routes/commands.js'
import type { DaemonCommand } from './routes/commands.js'
import { ingestRoutes } from './routes/ingest.js'
import type { Ingest } from './routes/ingest.js'
import { interdiffRoutes } from './routes/interdiff.js'
import { readRoutes } from './routes/read.js'
import { resultRoutes } from './routes/results.js'
import { scheduleRoutes } from './routes/schedules.js'
import type { ScheduleService } from './routes/schedules.js'
import { seriesRoutes } from './routes/series.js'
import { streamRoutes } from './routes/stream.js'
import { uiRoutes } from './routes/ui.js'
import { writeRoutes } from './routes/write.js'
import { serverTimingOnSend, startServerTimer } from './server-timing.js'
import type { UiFiles } from './ui-files.js'

export const DEFAULT_HTTP = { host: '127.0.0.1', port: 7420 }

export interface HttpOptions {
  /** Writes need `Authorization: Bearer TOKEN` (loadOrCreateToken). */
  token: string
  /** Remote addresses allowed to talk to the API; loopback always is. Empty: loopback only. */
  allowFrom?: readonly AllowRule[]
  /** With allowFrom: host names (besides loopback names and IP literals) a request's Host header may give. */
  hostNames?: readonly string[]
  /** The daemon's replication sessions, for /api/peers. */
  sessions?: () => Iterable<LiveSession>
  log?: (msg: string) => void
  /** Where the web UI's files are (tests point it elsewhere); default: this package's. */
  ui?: UiFiles
  /** Mail ingest (POST /api/ingest), given by the composition that has the email bridge; without it the route is absent. */
  ingest?: Ingest
  /** Commands the daemon runs for a CLI beside it (POST /api/commands/:name), from the same composition. */
  commands?: Readonly<Record<string, DaemonCommand>>
  /** Schedules: the CI configuration's, and how to check a new one (POST /api/schedules), from the same composition. */
  schedules?: ScheduleService
}

/**
 * The node's HTTP API and web UI as a Fastify instance (not listening: tests
 * drive it with inject). Every request is checked first: from loopback or an
 * allowed address, and with a Host header naming this node (loopback names
 * only, unless remote clients are let in).
 */
export function createHttpApp (node: CairnNode, opts: HttpOptions): FastifyInstance {
  const log = opts.log ?? (() => {})
  const allowFrom = opts.allowFrom ?? []
  const hostNames = opts.hostNames ?? []
  // Unknown query parameters are refused rather than dropped: a typo must not silently widen a filter.
  const app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: true, ajv: { customOptions: { removeAdditional: false } } })
  const ctx = { node, token: opts.token, sessions: opts.sessions ?? (() => []), log }

  refuseUnknownQuery(app)
  app.addHook('onRequest', startServerTimer)
  app.addHook('onRequest', async (request) => {
    const from = request.socket.remoteAddress ?? ''
    if (!isLoopback(from) && !allowed(from, allowFrom)) {
      throw new CairnError('REMOTE_REFUSED', `requests from ${from} are refused: this node serves loopback only (to let them in: cairn start --http HOST:PORT --http-allow-remote --http-allow-from ${from})`)
    }
    const host = request.headers.host
    if (allowFrom.length === 0 && !isLoopbackHost(host)) {
      throw new CairnError('HOST_REFUSED', `Host "${host ?? ''}" is not a loopback name; open http://127.0.0.1:PORT/ instead`)
    }
    if (allowFrom.length > 0 && !isServedHost(host, hostNames)) {
      throw new CairnError('HOST_REFUSED', `Host "${host ?? ''}" is not a name of this node; open it by IP address, or start it with --http-host NAME`)
    }
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY')
    return payload
  })
  app.addHook('onSend', etagOnSend)
  app.addHook('onSend', serverTimingOnSend) // last: it times the hooks before it
  app.setErrorHandler(errorHandler(log))
  app.setNotFoundHandler(async (request) => {
    throw new CairnError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)
  })

  readRoutes(app, ctx)
  blobRoutes(app, ctx)
  seriesRoutes(app, ctx)
  interdiffRoutes(app, ctx)
  resultRoutes(app, ctx)
  historyRoutes(app, ctx)
  ledgerRoutes(app, ctx)
  exportRoutes(app, ctx)
  writeRoutes(app, ctx)
  ingestRoutes(app, ctx, opts.ingest)
  commandRoutes(app, ctx, opts.commands ?? {})
  scheduleRoutes(app, ctx, opts.schedules)
  streamRoutes(app, ctx)
  uiRoutes(app, ctx, opts.ui)
  return app
}

export interface HttpServer {
  app: FastifyInstance
  host: string
  port: number
  url: string
  close: () => Promise<void>
}

/** Listen on host:port (port 0: any free one). A non-loopback host needs allowRemote. */
export async function serveHttp (node: CairnNode, at: { host: string, port: number, allowRemote?: boolean }, opts: HttpOptions): Promise<HttpServer> {
  checkBind(at.host, at.allowRemote ?? false)
  // The name it was bound by is one of its names (`--http node.lab:7420`).
  const app = createHttpApp(node, { ...opts, hostNames: [...(opts.hostNames ?? []), at.host] })
  try {
    await app.listen({ host: at.host, port: at.port })
  } catch (err) {
    await app.close()
    throw new CairnError('LISTEN_FAILED', `cannot serve HTTP on ${at.host}:${at.port}: ${(err as Error).message}`, { cause: err })
  }
  const a = app.server.address() as AddressInfo
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address
  return { app, host: a.address, port: a.port, url: `http://${host}:${a.port}/`, close: async () => { await app.close() } }
}
