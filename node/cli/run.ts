import type { Context } from './command.js'
import { parseCommand } from './parse.js'
import type { Parsed } from './parse.js'
import type { Registered } from './registry.js'
import type { Handler } from './spec.js'

/** Load the command `parsed` names and run the handler of its subcommand (or itself) with the parsed arguments. */
export async function runParsed (registered: Registered, parsed: Parsed, ctx: Context): Promise<void> {
  const command = await registered.load()
  const sub = parsed.path[1]?.name
  const handler: Handler | undefined = sub === undefined ? command.run : command.subcommands?.[sub]
  if (handler === undefined) throw new Error(`cairn ${parsed.path.map((s) => s.name).join(' ')} is declared but not implemented`)
  await handler(ctx, { values: parsed.values, positionals: parsed.positionals })
}

/** Parse and run `argv` (after the command name) in this process: what main does, for tests. */
export async function runArgv (registered: Registered, ctx: Context, argv: string[]): Promise<void> {
  await runParsed(registered, parseCommand(registered.spec, argv), ctx)
}
