import type { Command } from '../command.js'
import { progressPrinter } from '../progress.js'
import { parse, withNode } from '../command.js'

export const reindex: Command = {
  name: 'reindex',
  usage: 'reindex',
  summary: 'drop the local views and rebuild them from the feeds',
  async run (ctx, argv) {
    parse(this, argv, {})
    await withNode(ctx, async (node) => {
      const started = performance.now()
      await node.reindex()
      const s = node.status()
      ctx.io.out(`indexed ${s.events} events (${s.rejected} rejected) from ${s.feeds.filter((f) => f.kind === 'events').length} feeds in ${Math.round(performance.now() - started)} ms`)
    }, { onProgress: progressPrinter(ctx.io, 'reindex') })
  }
}
