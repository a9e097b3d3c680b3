import { describeInterest, scopesOf, widenInterest } from '../../net/scopes.js'
import type { CairnNode } from '../../node.js'
import type { Io } from '../spec.js'
import type { Args, Command } from '../command.js'
import { inProcessOrDaemon, usageError } from '../command.js'
import type { followSpec } from '../specs/node.js'

export const follow: Command = {
  async run (ctx, { values, positionals }: Args<typeof followSpec>) {
    checkFollow(values, positionals) // here too: a usage error before any daemon is asked
    // Beside `cairn start` the daemon follows: its sessions fetch the feed at once.
    await inProcessOrDaemon(ctx, 'follow', values, async (node) => await followOn(node, values, positionals, ctx.io), positionals)
  }
}

/** The follow asked for: a feed key, an interest, or both; a usage error when neither. */
function checkFollow (values: Args<typeof followSpec>['values'], positionals: readonly string[]): { key: string | undefined, scopes: string[] } {
  const key = positionals[0]?.toLowerCase()
  const scopes = scopesOf(values)
  if (key === undefined && scopes.length === 0) throw usageError('cairn follow needs a FEEDKEY, or --project/--list NAME or --path GLOB to follow by interest')
  return { key, scopes }
}

/** On the node, here or in the daemon (whose argv came over its API: checked again). */
export async function followOn (node: CairnNode, values: Args<typeof followSpec>['values'], positionals: readonly string[], io: Io): Promise<number> {
  const { key, scopes } = checkFollow(values, positionals)
  if (key !== undefined) {
    const added = await node.follow(key)
    io.out(added ? `following ${key}` : `already following ${key}`)
  }
  if (scopes.length > 0) io.out(describeInterest(node.setInterest((interest) => widenInterest(interest, scopes))))
  return 0
}
