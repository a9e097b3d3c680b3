import { existsSync, rmSync } from 'node:fs'
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import { CairnNode } from '../../node.js'
import { homePaths, isInitialised, writeJson } from '../../storage/home.js'
import { PolicyHolder } from '../../policy/holder.js'
import { MaintainerLoop } from '../../policy/maintainer.js'
import { checkBind, parseAllow } from '../../http/access.js'
import type { LiveSession } from '../../http/peers.js'
import { DEFAULT_HTTP, serveHttp } from '../../http/server.js'
import { loadOrCreateToken } from '../../http/token.js'
import type { Session } from '../../net/replication.js'
import { joinSwarm } from '../../net/swarm.js'
import { listen, parseHostPort } from '../../net/sync.js'
import type { Command } from '../command.js'
import { parse, usageError } from '../command.js'
import type { DaemonRecord } from '../daemon-api.js'

export const start: Command = {
  name: 'start',
  usage: 'start [--name NAME] [--listen HOST:PORT] [--swarm] [--bootstrap HOST:PORT]... [--topic NAME] [--http HOST:PORT|off] [--http-allow-remote] [--http-allow-from ADDR[/BITS]]... [--http-host NAME]... [--maintainer [--jobs-repo PATH|URL] [--jobs-tags T1,T2]]',
  summary: 'run the node: index, serve direct sync, join the project swarm, serve the HTTP API and web UI (127.0.0.1:7420); with --maintainer, publish merge decisions and submit the jobs the policy selects; creates the home on first run',
  async run (ctx, argv) {
    const { values } = parse(this, argv, {
      name: { type: 'string' },
      listen: { type: 'string' },
      swarm: { type: 'boolean' },
      bootstrap: { type: 'string', multiple: true },
      topic: { type: 'string' },
      http: { type: 'string' },
      'http-allow-remote': { type: 'boolean' },
      'http-allow-from': { type: 'string', multiple: true },
      'http-host': { type: 'string', multiple: true },
      maintainer: { type: 'boolean' },
      'jobs-repo': { type: 'string' },
      'jobs-tags': { type: 'string' }
    })
    const bootstrap = (values.bootstrap ?? []).map((b) => parseHostPort(b, '--bootstrap'))
    if (values.swarm === true && bootstrap.length === 0) throw usageError(this, '--swarm needs at least one --bootstrap HOST:PORT (cairn never reaches for the public DHT by itself)')
    if (values.swarm !== true && (bootstrap.length > 0 || values.topic !== undefined)) throw usageError(this, '--bootstrap and --topic go with --swarm')
    const httpOff = values.http === 'off'
    const http = values.http === undefined || httpOff ? DEFAULT_HTTP : parseHostPort(values.http, '--http')
    const allowRemote = values['http-allow-remote'] === true
    const allowFrom = (values['http-allow-from'] ?? []).map(parseAllow)
    if (allowFrom.length > 0 && !allowRemote) throw usageError(this, '--http-allow-from lets remote clients in: it needs --http-allow-remote and a non-loopback --http address')
    const hostNames = values['http-host'] ?? []
    if (hostNames.length > 0 && allowFrom.length === 0) throw usageError(this, '--http-host names the node for remote clients: it goes with --http-allow-from')
    if (!httpOff) checkBind(http.host, allowRemote) // before the home is touched
    const maintainer = values.maintainer === true
    if (!maintainer && (values['jobs-repo'] !== undefined || values['jobs-tags'] !== undefined)) throw usageError(this, '--jobs-repo and --jobs-tags go with --maintainer')
    const jobsRepo = values['jobs-repo']
    const jobsTags = values['jobs-tags']?.split(',').map((t) => t.trim()).filter((t) => t !== '') ?? []
    const log = (msg: string): void => ctx.io.err(`cairn: ${msg}`)

    const fresh = !isInitialised(homePaths(ctx.home))
    const node = fresh
      ? await CairnNode.init(ctx.home, values.name ?? userInfo().username)
      : await CairnNode.open(ctx.home)
    rmSync(node.paths.daemon, { force: true }) // a record left by a daemon that was killed
    const cleanups: Array<() => Promise<void>> = []
    const live: Array<{ via: LiveSession['via'], sessions: Set<Session> }> = []
    try {
      if (fresh) ctx.io.out(`created a new node in ${ctx.home}`)
      ctx.io.out(`identity ${node.identityKey} (${node.name})`)
      ctx.io.out(`feed     ${node.feedKey}`)
      ctx.io.out(`events   ${node.views.events.size} indexed from ${node.status().feeds.filter((f) => f.kind === 'events').length} feed(s)`)
      if (node.viewLogLoad.cut !== null) log(node.viewLogLoad.cut)
      node.warmCrypto().catch(() => {}) // loads while the daemon starts: the first sync or batch finds the threads ready
      if (values.listen !== undefined) {
        const { server, address, sessions } = await listen(node, parseHostPort(values.listen, '--listen'), log)
        ctx.io.out(`sync     listening on ${address.host}:${address.port}`)
        live.push({ via: 'sync', sessions })
        cleanups.push(async () => {
          for (const s of sessions) s.destroy()
          await new Promise((resolve) => server.close(resolve))
        })
      }
      if (values.swarm === true) {
        const topic = values.topic ?? 'default'
        const swarm = await joinSwarm(node, { bootstrap, topic, log })
        ctx.io.out(`swarm    joined topic "${topic}"`)
        live.push({ via: 'swarm', sessions: swarm.sessions })
        cleanups.push(swarm.destroy)
      }
      if (!httpOff) {
        const token = loadOrCreateToken(node.paths.token)
        const sessions = function * (): Iterable<LiveSession> {
          for (const { via, sessions } of live) for (const session of sessions) yield { via, session }
        }
        try {
          const server = await serveHttp(node, { ...http, allowRemote }, { token, allowFrom, hostNames, sessions, log })
          ctx.io.out(`http     ${server.url} (writes need the token in ${node.paths.token})`)
          cleanups.push(async () => {
            rmSync(node.paths.daemon, { force: true })
            await server.close()
          })
          // Bound to every address (0.0.0.0, ::): the CLI on this machine comes in over loopback.
          const local = server.host === '0.0.0.0' || server.host === '::' ? `http://127.0.0.1:${server.port}/` : server.url
          writeJson(node.paths.daemon, { pid: process.pid, url: local } satisfies DaemonRecord)
        } catch (err) {
          // The default port may be taken by another node on this machine: run
          // without HTTP and say so. An address the user asked for must work.
          if (values.http !== undefined) throw err
          log(`${(err as Error).message}; running without the HTTP API (choose one with --http HOST:PORT, or --http off)`)
        }
      }
      if (maintainer) {
        // What auto-submitted jobs name: runners clone this repo and apply the revision on its base
        // (HEAD when the revision names none); the recipe is the tree's own .cairn/recipe.yaml.
        const template = jobsRepo === undefined
          ? null
          : { repo: existsSync(jobsRepo) ? resolve(jobsRepo) : jobsRepo, base: 'HEAD', tags: [...new Set(jobsTags)].sort() }
        const holder = new PolicyHolder({ kind: 'home', home: ctx.home })
        const loop = new MaintainerLoop(node, { policy: holder, template, out: (line) => ctx.io.out(line), warn: log })
        ctx.io.out(`maintainer publishing decisions${template === null ? '' : `, submitting jobs for ${template.repo} when the policy says autoSubmit`}`)
        loop.start()
        cleanups.push(async () => { await loop.stop() })
      }
      ctx.io.out('running; Ctrl-C to stop')
      await ctx.stopped
      ctx.io.out('stopping')
    } finally {
      for (const c of cleanups.reverse()) await c()
      await node.close()
    }
  }
}
