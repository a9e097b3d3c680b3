import type { Args, Command } from '../command.js'
import { withNodeToRead } from '../command.js'
import type { statusSpec } from '../specs/node.js'

export const status: Command = {
  async run (ctx, { values }: Args<typeof statusSpec>) {
    await withNodeToRead(ctx, async (node) => {
      const s = node.status()
      if (values.json === true) {
        ctx.io.out(JSON.stringify({ ...s, rejections: node.views.rejections() }))
        return
      }
      ctx.io.out(`identity ${s.identity} (${s.name})`)
      ctx.io.out(`events   ${s.events} indexed, ${s.rejected} rejected`)
      if (s.ownMissingBlocks > 0) ctx.io.out(`WARNING  own feed is missing ${s.ownMissingBlocks} block(s): run cairn recover --connect HOST:PORT`)
      for (const f of s.feeds) {
        ctx.io.out(`${f.kind.padEnd(6)} ${f.key} length ${f.length} here ${f.contiguous}${f.indexed !== null ? ` indexed ${f.indexed}` : ''} hops ${f.hops}`)
      }
      for (const r of node.views.rejections()) ctx.io.out(`rejected ${r.feed.slice(0, 12)} block ${r.seq}${r.index !== undefined ? ` event ${r.index}` : ''}: ${r.reason}`)
    })
  }
}
