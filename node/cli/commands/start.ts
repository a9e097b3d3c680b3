import { userInfo } from 'node:os'
import { CairnNode } from '../../node.js'
import { homePaths, isInitialised } from '../../home.js'
import { joinSwarm } from '../../swarm.js'
import { listen, parseHostPort } from '../../sync.js'
import type { Command } from '../command.js'
import { parse, usageError } from '../command.js'

export const start: Command = {
  name: 'start',
  usage: 'start [--name NAME] [--listen HOST:PORT] [--swarm] [--bootstrap HOST:PORT]... [--topic NAME]',
  summary: 'run the node: index, serve direct sync, join the project swarm; creates the home on first run',
  async run (ctx, argv) {
    const { values } = parse(this, argv, {
      name: { type: 'string' },
      listen: { type: 'string' },
      swarm: { type: 'boolean' },
      bootstrap: { type: 'string', multiple: true },
      topic: { type: 'string' }
    })
    const bootstrap = (values.bootstrap ?? []).map((b) => parseHostPort(b, '--bootstrap'))
    if (values.swarm === true && bootstrap.length === 0) throw usageError(this, '--swarm needs at least one --bootstrap HOST:PORT (cairn never reaches for the public DHT by itself)')
    if (values.swarm !== true && (bootstrap.length > 0 || values.topic !== undefined)) throw usageError(this, '--bootstrap and --topic go with --swarm')
    const log = (msg: string): void => ctx.io.err(`cairn: ${msg}`)

    const fresh = !isInitialised(homePaths(ctx.home))
    const node = fresh
      ? await CairnNode.init(ctx.home, values.name ?? userInfo().username)
      : await CairnNode.open(ctx.home)
    const cleanups: Array<() => Promise<void>> = []
    try {
      if (fresh) ctx.io.out(`created a new node in ${ctx.home}`)
      ctx.io.out(`identity ${node.identityKey} (${node.name})`)
      ctx.io.out(`feed     ${node.feedKey}`)
      ctx.io.out(`events   ${node.views.events.size} indexed from ${node.status().feeds.filter((f) => f.kind === 'events').length} feed(s)`)
      if (values.listen !== undefined) {
        const { server, address, sessions } = await listen(node, parseHostPort(values.listen, '--listen'), log)
        ctx.io.out(`sync     listening on ${address.host}:${address.port}`)
        cleanups.push(async () => {
          for (const s of sessions) s.destroy()
          await new Promise((resolve) => server.close(resolve))
        })
      }
      if (values.swarm === true) {
        const topic = values.topic ?? 'default'
        const swarm = await joinSwarm(node, { bootstrap, topic, log })
        ctx.io.out(`swarm    joined topic "${topic}"`)
        cleanups.push(swarm.destroy)
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
