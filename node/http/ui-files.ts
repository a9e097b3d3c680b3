import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One file the UI may be served: fixed at startup, so no request path ever reaches the file system. */
interface UiFile { path: string, type: string }

export interface UiFiles {
  /** URL path -> file; only these are served. */
  files: Map<string, UiFile>
  /** index.html, or null when the UI has not been built. */
  index: string | null
  /** CSP hashes of index.html's inline scripts (the import map). */
  scriptHashes: string[]
  /** Why the UI is not available, for the page shown instead. */
  missing: string | null
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml'
}

/** The repo (or installed package) root: the nearest folder above holding package.json; works from node/ and dist/node/. */
function packageRoot (from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${from}`)
    dir = up
  }
  return dir
}

function typeOf (path: string): string {
  const dot = path.lastIndexOf('.')
  return TYPES[path.slice(dot)] ?? 'application/octet-stream'
}

function walk (dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) walk(full, out)
    else out.push(full)
  }
  return out
}

function resolveModule (specifier: string): string | null {
  try {
    return fileURLToPath(import.meta.resolve(specifier))
  } catch {
    return null
  }
}

/**
 * The web UI: index.html and style.css from node/ui/, the compiled modules
 * from dist/node/ui/ (tsc -p node/ui), and the few libraries the browser
 * needs straight from node_modules (no CDN: it works with the network off).
 */
export function uiFiles (root = packageRoot()): UiFiles {
  const files = new Map<string, UiFile>()
  const src = join(root, 'node', 'ui')
  const built = join(root, 'dist', 'node', 'ui')
  for (const name of ['style.css']) {
    const path = join(src, name)
    if (existsSync(path)) files.set(`/ui/${name}`, { path, type: typeOf(path) })
  }
  for (const path of walk(built)) {
    if (!path.endsWith('.js')) continue
    files.set(`/ui/${relative(built, path).split(sep).join('/')}`, { path, type: typeOf(path) })
  }
  const sodium = resolveModule('libsodium-wrappers')
  const sodiumCore = resolveModule('libsodium')
  const uplot = resolveModule('uplot')
  const vendor: Array<[string, string | null]> = [
    ['/vendor/libsodium-wrappers.mjs', sodium],
    ['/vendor/libsodium.mjs', sodiumCore],
    ['/vendor/uplot.mjs', uplot === null ? null : join(dirname(uplot), 'uPlot.esm.js')],
    ['/vendor/uplot.css', uplot === null ? null : join(dirname(uplot), 'uPlot.min.css')]
  ]
  for (const [url, path] of vendor) if (path !== null && existsSync(path)) files.set(url, { path, type: typeOf(path) })

  const indexPath = join(src, 'index.html')
  const mainBuilt = files.has('/ui/main.js')
  const missing = !existsSync(indexPath)
    ? `${indexPath} is missing`
    : !mainBuilt ? `the UI modules are not built (${join(built, 'main.js')} is missing): run npm run build` : null
  const index = missing === null ? readFileSync(indexPath, 'utf8') : null
  const scriptHashes = index === null ? [] : inlineScripts(index).map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`)
  return { files, index, scriptHashes, missing }
}

function inlineScripts (html: string): string[] {
  const out: string[] = []
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    if (!/\bsrc=/.test(m[0].slice(0, m[0].indexOf('>'))) && (m[1] ?? '') !== '') out.push(m[1] ?? '')
  }
  return out
}
