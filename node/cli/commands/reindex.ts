import type { Command } from '../command.js'
import { progressPrinter } from '../progress.js'
import { withNode } from '../command.js'

export const reindex: Command = {
  async run (ctx) {
    await withNode(ctx, async (node) => {
      const started = performance.now()
      await node.reindex()
      const s = node.status()
      ctx.io.out(`indexed ${s.events} events (${s.rejected} rejected) from ${s.feeds.filter((f) => f.kind === 'events').length} feeds in ${Math.round(performance.now() - started)} ms`)
    }, { onProgress: progressPrinter(ctx.io, 'reindex') })
  }
}
