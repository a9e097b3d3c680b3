import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { readFile } from 'node:fs/promises'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { uiFiles } from '../ui-files.js'
import type { UiFiles } from '../ui-files.js'

/**
 * The single-page UI at `/`. Only files listed at startup are served; the
 * page's CSP allows scripts from this origin and its own import map only, and
 * WebAssembly for libsodium (signature checks in the browser).
 */
export function uiRoutes (app: FastifyInstance, _ctx: RouteContext, ui: UiFiles = uiFiles()): void {
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${ui.scriptHashes.join(' ')} 'wasm-unsafe-eval'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')

  app.get('/', async (_request, reply) => {
    void reply.header('content-security-policy', csp).type('text/html; charset=utf-8')
    if (ui.index !== null) return ui.index
    return `<!doctype html><meta charset="utf-8"><title>cairn</title><p>cairn's web UI is not available: ${escapeHtml(ui.missing ?? 'unknown reason')}. The JSON API is at <a href="/api/status">/api/status</a>.</p>\n`
  })

  app.get('/favicon.ico', async (_request, reply) => await reply.code(204).send())

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<Buffer> => {
    const path = request.url.split('?')[0] ?? ''
    const file = ui.files.get(path)
    if (file === undefined) throw notFound(`${path} is not a file of the web UI`)
    void reply.type(file.type)
    return await readFile(file.path)
  }
  app.get('/ui/*', serve)
  app.get('/vendor/*', serve)
}

function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
