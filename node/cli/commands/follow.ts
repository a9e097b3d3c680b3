import { describeInterest, scopesOf, widenInterest } from '../../net/scopes.js'
import type { Args, Command } from '../command.js'
import { usageError, withNode } from '../command.js'
import type { followSpec } from '../specs/node.js'

export const follow: Command = {
  async run (ctx, args: Args<typeof followSpec>) {
    const key = args.positionals[0]?.toLowerCase()
    const scopes = scopesOf(args.values)
    if (key === undefined && scopes.length === 0) throw usageError('cairn follow needs a FEEDKEY, or --project/--list NAME or --path GLOB to follow by interest')
    await withNode(ctx, async (node) => {
      if (key !== undefined) {
        const added = await node.follow(key)
        ctx.io.out(added ? `following ${key}` : `already following ${key}`)
      }
      if (scopes.length > 0) ctx.io.out(describeInterest(node.setInterest((interest) => widenInterest(interest, scopes))))
    })
  }
}
