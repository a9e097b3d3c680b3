import { existsSync } from 'node:fs'
import { isCairnError } from '../../protocol/errors.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import { commandThroughDaemon, liveDaemon, postThroughDaemon } from './daemon-api.js'
import { daemonApi } from '../daemon/record.js'
import type { DaemonApi } from '../daemon/record.js'
import type { CairnNode, OpenOptions } from '../node.js'
import { CairnNode as Node } from '../node.js'
import { homePaths } from '../storage/home.js'
import { viewsVersion } from '../views/db/recorded.js'
import { SCHEMA_VERSION } from '../views/db/schema.js'
import { progressPrinter } from './progress.js'

import type { Context } from './spec.js'

export type { Args, Command, Context, Io } from './spec.js'
export { usageError } from './parse.js'

/** Open the node of this home for the duration of `fn`, then close it. */
export async function withNode<T> (ctx: Context, fn: (node: CairnNode) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  return await using(await open(ctx, opts), fn)
}

/** A home of another release rebuilds its views from the feeds on its first writable open: say so first, with progress. */
async function open (ctx: Context, opts: OpenOptions = {}): Promise<CairnNode> {
  const why = opts.readOnly === true ? null : rebuildReason(ctx.home)
  if (why !== null) {
    ctx.io.err(`rebuilding the views from the feeds: ${why}`)
    opts = { ...opts, onProgress: opts.onProgress ?? progressPrinter(ctx.io, 'rebuilding the views') }
  }
  return await Node.open(ctx.home, opts)
}

/** Why opening the home will rebuild its views from the feeds (another release wrote them), or null. */
export function rebuildReason (home: string): string | null {
  const paths = homePaths(home)
  if (existsSync(paths.viewLog)) return 'this home was made by an earlier release (views.log becomes views.sqlite)'
  const version = viewsVersion(paths.views)
  return version === null || version === SCHEMA_VERSION ? null : `this home's views.sqlite is of schema ${version}, this release's of ${SCHEMA_VERSION}`
}

/**
 * withNode for commands that only read: when another process (the daemon)
 * holds the home, read beside it (OpenOptions.readOnly) rather than fail
 * with HOME_LOCKED.
 */
export async function withNodeToRead<T> (ctx: Context, fn: (node: CairnNode) => Promise<T>): Promise<T> {
  let node: CairnNode
  try {
    node = await open(ctx)
  } catch (err) {
    if (!isCairnError(err, 'HOME_LOCKED')) throw err
    node = await Node.open(ctx.home, { readOnly: true })
  }
  return await using(node, fn)
}

/**
 * For commands that write more than an event (run jobs in this process,
 * change what the node follows): on the home, or, while `cairn start` holds
 * it, in the daemon (POST /api/commands/NAME), which parses `values` (and
 * `positionals`, after `--`) again: paths in them must be absolute. A
 * status other than 0 becomes the exit code.
 */
export async function inProcessOrDaemon (ctx: Context, name: string, values: Record<string, unknown>, local: (node: CairnNode) => Promise<number>, positionals: readonly string[] = []): Promise<void> {
  const options = Object.entries(values).flatMap(([k, v]) => v === true ? [`--${k}`] : v === undefined || v === false ? [] : (Array.isArray(v) ? v : [v]).flatMap((x) => [`--${k}`, String(x)]))
  const argv = positionals.length === 0 ? options : [...options, '--', ...positionals]
  const inDaemon = async (api: DaemonApi): Promise<number> => await commandThroughDaemon(api, name, argv, ctx.io, ctx.stopped)
  const running = liveDaemon(ctx.home)
  let status: number
  if (running !== null) status = await inDaemon(running)
  else {
    try {
      status = await withNode(ctx, local)
    } catch (err) {
      const api = isCairnError(err, 'HOME_LOCKED') ? daemonApi(ctx.home) : null
      if (api === null) throw err
      status = await inDaemon(api)
    }
  }
  if (status !== 0) process.exitCode = status
}

/** Posts an event as this home's identity; resolves with its EventId. */
type Poster = (type: EventType, body: unknown, refs?: string[]) => Promise<string>

/**
 * For commands that read the views and then post: the node and a Poster
 * through it, or, beside a running daemon (withNodeToRead), a Poster through
 * the daemon's HTTP API. Beside a daemon that serves none, posting fails
 * with READ_ONLY and its advice.
 */
export async function withNodeToPost<T> (ctx: Context, fn: (node: CairnNode, post: Poster) => Promise<T>): Promise<T> {
  return await withNodeToRead(ctx, async (node) => await fn(node, (node.readOnly ? daemonPoster(ctx.home) : null) ?? nodePoster(node)))
}

/**
 * Post an event as this home's identity and return its EventId: through the
 * node, or, while `cairn start` holds the home, through its HTTP API (the
 * daemon signs with the same identity and indexes it at once). Unlike
 * withNodeToPost it does not read the views beside the daemon: nothing here
 * needs them.
 */
export async function postAs (ctx: Context, type: EventType, body: unknown, refs: string[] = []): Promise<string> {
  try {
    return await withNode(ctx, async (node) => await nodePoster(node)(type, body, refs))
  } catch (err) {
    const post = isCairnError(err, 'HOME_LOCKED') ? daemonPoster(ctx.home) : null
    if (post === null) throw err
    return await post(type, body, refs)
  }
}

function nodePoster (node: CairnNode): Poster {
  return async (type, body, refs = []) => (await node.post(type, body as BodyOf<EventType>, refs)).id
}

function daemonPoster (home: string): Poster | null {
  const api = daemonApi(home)
  return api === null ? null : async (type, body, refs = []) => await postThroughDaemon(api, type, body, refs)
}

async function using<T> (node: CairnNode, fn: (node: CairnNode) => Promise<T>): Promise<T> {
  try {
    return await fn(node)
  } finally {
    await node.close()
  }
}
