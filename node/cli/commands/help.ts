import { commandHelp, rootHelp, wantsColor } from '../help.js'
import { usageError } from '../parse.js'
import type { Args, Command, CommandSpec } from '../spec.js'
import type { helpSpec } from '../specs/builtin.js'
import { findSpec, SPECS } from '../specs/index.js'
import { didYouMean } from '../suggest.js'

export const help: Command = {
  run (ctx, args: Args<typeof helpSpec>) {
    const [name, subName] = args.positionals
    if (name === undefined) { ctx.io.out(rootHelp(wantsColor())); return }
    const spec = findSpec(name)
    if (spec === undefined) throw usageError(`no command "${name}"${didYouMean(name, SPECS.map((s) => s.name), (c) => `"${c}"`)}`)
    const path: CommandSpec[] = [spec]
    if (subName !== undefined) {
      const sub = spec.subcommands?.find((s) => s.name === subName)
      if (sub === undefined) throw usageError(`cairn ${name} has no subcommand "${subName}"${didYouMean(subName, (spec.subcommands ?? []).map((s) => s.name), (c) => `"${c}"`)}`)
      path.push(sub)
    }
    ctx.io.out(commandHelp(path, wantsColor()))
  }
}
