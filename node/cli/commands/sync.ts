import type { Args, Command } from '../command.js'
import { progressPrinter } from '../progress.js'
import { usageError, withNode } from '../command.js'
import type { syncSpec } from '../specs/node.js'
import { connect, listen, parseHostPort, PEER_TIMEOUT_MS, untilCaughtUp } from '../../net/sync.js'

export const sync: Command = {
  async run (ctx, { values }: Args<typeof syncSpec>) {
    const timeoutMs = values.timeout === undefined ? PEER_TIMEOUT_MS : Number(values.timeout) * 1000
    if (!(timeoutMs > 0)) throw usageError(`--timeout "${values.timeout ?? ''}" is not a number of seconds above 0`)
    if ((values.listen === undefined) === (values.connect === undefined)) throw usageError('give exactly one of --listen HOST:PORT or --connect HOST:PORT')
    if (values.listen !== undefined && values.once === true) throw usageError('--once goes with --connect')
    const log = (msg: string): void => ctx.io.err(`cairn: ${msg}`)
    await withNode(ctx, async (node) => {
      if (values.listen !== undefined) {
        const { server, address, sessions } = await listen(node, parseHostPort(values.listen, '--listen'), log)
        ctx.io.out(`listening ${address.host}:${address.port}`)
        await ctx.stopped
        for (const s of sessions) s.destroy()
        await new Promise((resolve) => server.close(resolve))
        return
      }
      const session = await connect(node, parseHostPort(values.connect ?? '', '--connect'), log, timeoutMs)
      if (values.once === true) {
        let done: boolean
        try {
          done = await Promise.race([untilCaughtUp(session, timeoutMs), ctx.stopped.then(() => false)])
        } finally {
          session.destroy()
        }
        await node.indexer.run()
        const s = node.status()
        ctx.io.out(`${done ? 'caught up' : 'stopped before catching up'}: ${s.events} events indexed from ${s.feeds.filter((f) => f.kind === 'events').length} feeds`)
        if (!done) process.exitCode = 1
        return
      }
      ctx.io.out('syncing; Ctrl-C to stop')
      await Promise.race([ctx.stopped, session.closed])
      session.destroy()
      await node.indexer.run()
    }, { onProgress: progressPrinter(ctx.io, 'sync') })
  }
}
