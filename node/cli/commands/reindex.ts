import type { Args, Command } from '../command.js'
import { progressPrinter } from '../progress.js'
import { withNode } from '../command.js'
import type { reindexSpec } from '../specs/node.js'

export const reindex: Command = {
  async run (ctx, { values }: Args<typeof reindexSpec>) {
    await withNode(ctx, async (node) => {
      const started = performance.now()
      await node.reindex({ verifyAll: values['verify-all'] === true })
      const s = node.status()
      ctx.io.out(`indexed ${s.events} events (${s.rejected} rejected) from ${s.feeds.filter((f) => f.kind === 'events').length} feeds in ${Math.round(performance.now() - started)} ms`)
    }, { onProgress: progressPrinter(ctx.io, 'reindex') })
  }
}
