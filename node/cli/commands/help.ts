import { commandHelp, rootHelp, wantsColor } from '../help.js'
import { usageError } from '../parse.js'
import { COMMANDS, findCommand } from '../registry.js'
import type { Args, Command, CommandSpec } from '../spec.js'
import type { helpSpec } from '../specs/builtin.js'
import { didYouMean } from '../suggest.js'

export const help: Command = {
  run (ctx, args: Args<typeof helpSpec>) {
    const [name, subName] = args.positionals
    if (name === undefined) { ctx.io.out(rootHelp(wantsColor())); return }
    const cmd = findCommand(name)
    if (cmd === undefined) throw usageError(`no command "${name}"${didYouMean(name, COMMANDS.map((c) => c.spec.name), (c) => `"${c}"`)}`)
    const path: CommandSpec[] = [cmd.spec]
    if (subName !== undefined) {
      const sub = cmd.spec.subcommands?.find((s) => s.name === subName)
      if (sub === undefined) throw usageError(`cairn ${name} has no subcommand "${subName}"${didYouMean(subName, (cmd.spec.subcommands ?? []).map((s) => s.name), (c) => `"${c}"`)}`)
      path.push(sub)
    }
    ctx.io.out(commandHelp(path, wantsColor()))
  }
}
