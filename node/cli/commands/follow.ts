import type { Command } from '../command.js'
import { parse, withNode } from '../command.js'

export const follow: Command = {
  name: 'follow',
  usage: 'follow FEEDKEY',
  summary: 'replicate and index that feed',
  async run (ctx, argv) {
    const { positionals } = parse(this, argv, {}, 1)
    const key = (positionals[0] ?? '').toLowerCase()
    await withNode(ctx, async (node) => {
      const added = await node.follow(key)
      ctx.io.out(added ? `following ${key}` : `already following ${key}`)
    })
  }
}
