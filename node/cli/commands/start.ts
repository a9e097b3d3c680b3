import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import { startDaemon } from '../../daemon/daemon.js'
import { CairnNode } from '../../node.js'
import { notifyReady } from '../../notify-ready.js'
import { homePaths, isInitialised } from '../../storage/home.js'
import { checkBind, parseAllow } from '../../http/access.js'
import { DEFAULT_HTTP } from '../../http/server.js'
import { parseHostPort } from '../../net/sync.js'
import { parseWatchSource } from '../../daemon/watch.js'
import { loadCiConfig } from '../ci-file.js'
import { ciActions, scheduleActions, watchActions } from '../daemon-actions.js'
import { makeSchedule } from '../schedule-make.js'
import type { Args, Command } from '../command.js'
import { rebuildReason, usageError } from '../command.js'
import { progressPrinter } from '../progress.js'
import type { startSpec } from '../specs/start.js'
import { daemonCommands } from '../daemon-commands.js'
import { daemonIngest, mailQueue } from '../ingest-local.js'

/** The blob cache of a node that follows by interest when --blob-cache-mb is not given. */
const INTEREST_CACHE_MB = 1024

/** --blob-cache-mb: MB (on demand, a cache of that size), `whole` (blobs cores replicated whole), or null when not given. */
function blobCacheMb (value: string | undefined): number | 'whole' | null {
  if (value === undefined) return null
  if (value === 'whole') return 'whole'
  const mb = Number(value)
  if (!(Number.isFinite(mb) && mb > 0)) throw usageError(`--blob-cache-mb ${value}: give the cache size in MB, a number above 0, or whole; e.g. --blob-cache-mb 2048`)
  return mb
}

/** The options are declared in specs/start.ts (parser, help, completion and man page). */
export const start: Command = {
  async run (ctx, { values }: Args<typeof startSpec>) {
    const bootstrap = (values.bootstrap ?? []).map((b) => parseHostPort(b, '--bootstrap'))
    if (values.swarm === true && bootstrap.length === 0) throw usageError('--swarm needs at least one --bootstrap HOST:PORT (cairn never reaches for the public DHT by itself)')
    if (values.swarm !== true && (bootstrap.length > 0 || values.topic !== undefined || values.reachable === true)) throw usageError('--bootstrap, --topic and --reachable go with --swarm')
    const httpOff = values.http === 'off'
    const http = values.http === undefined || httpOff ? DEFAULT_HTTP : parseHostPort(values.http, '--http')
    const allowRemote = values['http-allow-remote'] === true
    const allowFrom = (values['http-allow-from'] ?? []).map(parseAllow)
    if (allowFrom.length > 0 && !allowRemote) throw usageError('--http-allow-from lets remote clients in: it needs --http-allow-remote and a non-loopback --http address')
    const hostNames = values['http-host'] ?? []
    if (hostNames.length > 0 && allowFrom.length === 0) throw usageError('--http-host names the node for remote clients: it goes with --http-allow-from')
    if (!httpOff) checkBind(http.host, allowRemote) // before the home is touched
    const maintainer = values.maintainer === true
    if (!maintainer && (values['jobs-repo'] !== undefined || values['jobs-tags'] !== undefined)) throw usageError('--jobs-repo and --jobs-tags go with --maintainer')
    const jobsRepo = values['jobs-repo']
    const jobsTags = values['jobs-tags']?.split(',').map((t) => t.trim()).filter((t) => t !== '') ?? []
    const ci = values.ci === undefined ? null : { file: values.ci, config: loadCiConfig(values.ci) } // before the home is touched
    const schedules = scheduleActions(ci?.config ?? null)
    const watched = (values.watch ?? []).map(parseWatchSource)
    const blobChoice = blobCacheMb(values['blob-cache-mb'])
    const log = (msg: string): void => ctx.io.err(`cairn: ${msg}`)

    const listen = values.listen === undefined ? null : parseHostPort(values.listen, '--listen')
    // What auto-submitted jobs name: runners clone this repo and apply the revision on its base
    // (HEAD when the revision names none); the recipe is the tree's own .cairn/recipe.yaml.
    const template = jobsRepo === undefined
      ? null
      : { repo: existsSync(jobsRepo) ? resolve(jobsRepo) : jobsRepo, base: 'HEAD', tags: [...new Set(jobsTags)].sort() }
    const fresh = !isInitialised(homePaths(ctx.home))
    const rebuild = fresh ? null : rebuildReason(ctx.home)
    if (rebuild !== null) ctx.io.err(`rebuilding the views from the feeds: ${rebuild}`)
    const node = fresh
      ? await CairnNode.init(ctx.home, values.name ?? userInfo().username)
      : await CairnNode.open(ctx.home, rebuild === null ? {} : { onProgress: progressPrinter(ctx.io, 'rebuilding the views') })
    const mail = mailQueue(node.paths.dir) // the bridge state's one writer: API ingest and watchers alike
    const watching = watched.length === 0 ? null : watchActions(node, mail)
    try {
      if (fresh) ctx.io.out(`created a new node in ${ctx.home}`)
      ctx.io.out(`identity ${node.identityKey} (${node.name})`)
      ctx.io.out(`feed     ${node.feedKey}`)
      ctx.io.out(`events   ${node.views.count} indexed from ${node.status().feeds.filter((f) => f.kind === 'events').length} feed(s)`)
      if (node.rebuilt !== null) log(node.rebuilt)
      // A node that follows by interest is a leaf that reads a few blobs: it need not carry blobs cores whole (docs/deploy.md).
      const cacheMb = blobChoice ?? (node.interest.length > 0 ? INTEREST_CACHE_MB : 'whole')
      if (cacheMb !== 'whole') {
        node.blobs.fetchOnDemand({ cacheBytes: Math.round(cacheMb * 1024 * 1024) })
        ctx.io.out(`blobs    fetched on demand, at most ${cacheMb} MB of other nodes' kept${blobChoice === null ? ' (the node follows by interest; --blob-cache-mb whole to carry them whole)' : ''}`)
      }
      const daemon = await startDaemon(node, {
        listen,
        swarm: values.swarm === true ? { bootstrap, topic: values.topic ?? 'default', reachable: values.reachable === true } : null,
        http: httpOff ? null : { ...http, allowRemote, allowFrom, hostNames, required: values.http !== undefined, ingest: daemonIngest(node, mail), commands: daemonCommands(node, mail), schedules: { fixed: schedules.fixed ?? [], make: makeSchedule } },
        maintainer: maintainer ? { template } : null,
        ci: ci === null ? null : { ...ci, actions: ciActions(node, ci.config) },
        schedules,
        watch: watching === null ? null : { sources: watched, actions: watching },
        out: (line) => ctx.io.out(line),
        log
      })
      try {
        ctx.io.out('running; Ctrl-C to stop')
        await notifyReady('running', log)
        await ctx.stopped
        ctx.io.out('stopping')
      } finally {
        await daemon.close()
      }
    } finally {
      await mail.close()
      await node.close()
    }
  }
}
