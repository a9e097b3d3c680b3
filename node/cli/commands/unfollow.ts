import { describeInterest, scopesOf } from '../../net/scopes.js'
import type { CairnNode } from '../../node.js'
import type { Io } from '../spec.js'
import type { Args, Command } from '../command.js'
import { inProcessOrDaemon, usageError } from '../command.js'
import type { unfollowSpec } from '../specs/node.js'

export const unfollow: Command = {
  async run (ctx, { values, positionals }: Args<typeof unfollowSpec>) {
    checkUnfollow(values, positionals) // here too: a usage error before any daemon is asked
    await inProcessOrDaemon(ctx, 'unfollow', values, async (node) => await unfollowOn(node, values, positionals, ctx.io), positionals)
  }
}

/** Exactly one of a feed key, --announced, an interest; a usage error otherwise. */
function checkUnfollow (values: Args<typeof unfollowSpec>['values'], positionals: readonly string[]): { key: string | undefined, scopes: string[] } {
  const key = positionals[0]?.toLowerCase()
  const scopes = scopesOf(values)
  if ([key !== undefined, values.announced === true, scopes.length > 0].filter(Boolean).length !== 1) throw usageError('give a FEEDKEY, --announced, or --project/--list NAME or --path GLOB')
  if (values.from !== undefined && values.announced !== true) throw usageError('--from goes with --announced')
  return { key, scopes }
}

/** On the node, here or in the daemon (whose argv came over its API: checked again, so an empty one forgets nothing). */
export async function unfollowOn (node: CairnNode, values: Args<typeof unfollowSpec>['values'], positionals: readonly string[], io: Io): Promise<number> {
  const { key, scopes } = checkUnfollow(values, positionals)
  if (key !== undefined) {
    io.out(await node.unfollow(key) ? `unfollowed ${key}` : `was not following ${key}; announcements of it are refused from now on`)
  } else if (scopes.length > 0) {
    io.out(describeInterest(node.setInterest((interest) => interest.filter((s) => !scopes.includes(s)))))
  } else {
    const dropped = await node.forgetAnnounced(values.from)
    io.out(`forgot ${dropped.length} announced feed${dropped.length === 1 ? '' : 's'}${values.from === undefined ? '' : ` from ${values.from}`}`)
  }
  return 0
}
