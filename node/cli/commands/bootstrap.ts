import { startBootstrap } from '../../net/bootstrap.js'
import { parseHostPort } from '../../net/sync.js'
import { notifyReady } from '../../notify-ready.js'
import type { Args, Command } from '../command.js'
import type { bootstrapSpec } from '../specs/bootstrap.js'

export const bootstrap: Command = {
  async run (ctx, { values }: Args<typeof bootstrapSpec>) {
    const node = await startBootstrap(parseHostPort(values.listen, '--listen'))
    try {
      const at = `${node.address.host}:${node.address.port}`
      ctx.io.out(`bootstrap listening on ${at} (UDP); nodes join with --swarm --bootstrap ${at}`)
      await notifyReady(`bootstrap node on ${at}`, (msg) => ctx.io.err(`cairn: ${msg}`))
      await ctx.stopped
      ctx.io.out('stopping')
    } finally {
      await node.destroy()
    }
  }
}
