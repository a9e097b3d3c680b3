import { describeInterest, scopesOf, widenInterest } from '../../net/scopes.js'
import type { CairnNode } from '../../node.js'
import type { Io } from '../spec.js'
import type { Args, Command } from '../command.js'
import { inProcessOrDaemon, usageError } from '../command.js'
import type { followSpec } from '../specs/node.js'

export const follow: Command = {
  async run (ctx, { values, positionals }: Args<typeof followSpec>) {
    if (positionals[0] === undefined && scopesOf(values).length === 0) throw usageError('cairn follow needs a FEEDKEY, or --project/--list NAME or --path GLOB to follow by interest')
    // Beside `cairn start` the daemon follows: its sessions fetch the feed at once.
    await inProcessOrDaemon(ctx, 'follow', values, async (node) => await followOn(node, values, positionals, ctx.io), positionals)
  }
}

export async function followOn (node: CairnNode, values: Args<typeof followSpec>['values'], positionals: readonly string[], io: Io): Promise<number> {
  const key = positionals[0]?.toLowerCase()
  const scopes = scopesOf(values)
  if (key !== undefined) {
    const added = await node.follow(key)
    io.out(added ? `following ${key}` : `already following ${key}`)
  }
  if (scopes.length > 0) io.out(describeInterest(node.setInterest((interest) => widenInterest(interest, scopes))))
  return 0
}
