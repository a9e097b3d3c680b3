// A node's HTTP server on 127.0.0.1 (any free port) for tests, closed on teardown.
import type { TestInstance } from 'brittle'
import { join } from 'node:path'
import type { CairnNode } from '../../node/node.js'
import { serveHttp } from '../../node/http/server.js'
import type { HttpOptions, HttpServer } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'

interface Served {
  server: HttpServer
  token: string
  url: (path: string) => string
  get: (path: string, headers?: Record<string, string>) => Promise<Response>
  json: <T = Record<string, unknown>>(path: string) => Promise<T>
  post: (path: string, body: unknown, opts?: { token?: string | null, raw?: string, contentType?: string }) => Promise<Response>
}

export async function serve (t: TestInstance, node: CairnNode, home: string, opts: Partial<HttpOptions> = {}): Promise<Served> {
  const token = loadOrCreateToken(join(home, 'api.token'))
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token, ...opts })
  t.teardown(() => server.close(), { order: -1 })
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`
  const get = async (path: string, headers: Record<string, string> = {}): Promise<Response> => await fetch(url(path), { headers })
  return {
    server,
    token,
    url,
    get,
    json: async <T>(path: string): Promise<T> => {
      const res = await get(path)
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
      return await res.json() as T
    },
    post: async (path, body, o = {}) => {
      const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/json' }
      const tok = o.token === undefined ? token : o.token
      if (tok !== null) headers.authorization = `Bearer ${tok}`
      return await fetch(url(path), { method: 'POST', headers, body: o.raw ?? JSON.stringify(body) })
    }
  }
}
