/**
 * The commands `cairn start` runs for a CLI beside it (POST
 * /api/commands/:name): `flow` and `bisect` post jobs and run a runner,
 * `follow` and `unfollow` change what the node carries (its sessions act on
 * it at once), so beside the daemon they run on its node rather than failing
 * HOME_LOCKED.
 * The options arrive as argv and are parsed again against the command's
 * spec here (the client's paths were made absolute).
 */
import type { DaemonCommand } from '../http/routes/commands.js'
import type { CairnNode } from '../node.js'
import { bisectOn } from './commands/bisect.js'
import { flowOn } from './commands/flow.js'
import { followOn } from './commands/follow.js'
import { unfollowOn } from './commands/unfollow.js'
import { daemonIngest } from './ingest-local.js'
import type { MailQueue } from './ingest-local.js'
import { parseCommand, usageError } from './parse.js'
import type { CommandSpec } from './spec.js'
import type { Args } from './command.js'
import { bisectSpec } from './specs/bisect.js'
import { flowSpec } from './specs/flow.js'
import { followSpec, unfollowSpec } from './specs/node.js'

export function daemonCommands (node: CairnNode, queue: MailQueue): Record<string, DaemonCommand> {
  const home = node.paths.dir
  return {
    flow: async (argv, io) => await flowOn(node, home, options(flowSpec, argv), io, daemonIngest(node, queue)),
    bisect: async (argv, io) => await bisectOn(node, home, options(bisectSpec, argv), io),
    follow: async (argv, io) => { const p = parsed(followSpec, argv); return await followOn(node, p.values, p.positionals, io) },
    unfollow: async (argv, io) => { const p = parsed(unfollowSpec, argv); return await unfollowOn(node, p.values, p.positionals, io) }
  }
}

/** The options of `spec` (the command itself: no subcommand, no positionals) from argv. */
function options<S extends CommandSpec> (spec: S, argv: string[]): Args<S>['values'] {
  const p = parsed(spec, argv)
  if (p.positionals.length > 0) throw usageError(`the daemon runs ${spec.name} with options only: ${argv.join(' ')}`)
  return p.values
}

/** The options and arguments of `spec` (the command itself, no subcommand) from argv. */
function parsed<S extends CommandSpec> (spec: S, argv: string[]): { values: Args<S>['values'], positionals: string[] } {
  const p = parseCommand(spec, argv)
  if (p.help || p.path.length !== 1) throw usageError(`the daemon runs ${spec.name} itself, no subcommand or --help: ${argv.join(' ')}`)
  return { values: p.values as Args<S>['values'], positionals: p.positionals }
}
