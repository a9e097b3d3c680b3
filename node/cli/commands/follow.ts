import type { Args, Command } from '../command.js'
import { withNode } from '../command.js'
import type { followSpec } from '../specs/node.js'

export const follow: Command = {
  async run (ctx, args: Args<typeof followSpec>) {
    const key = (args.positionals[0] ?? '').toLowerCase()
    await withNode(ctx, async (node) => {
      const added = await node.follow(key)
      ctx.io.out(added ? `following ${key}` : `already following ${key}`)
    })
  }
}
