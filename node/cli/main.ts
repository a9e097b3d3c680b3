#!/usr/bin/env node
import { isCairnError } from '../../protocol/errors.js'
import { resolveHome } from '../storage/home.js'
import type { Context, Io } from './command.js'
import { EXIT, exitCodeOf } from './exit-codes.js'
import { commandHelp, rootHelp, usageLine, wantsColor } from './help.js'
import { parseCommand } from './parse.js'
import { COMMANDS, findCommand } from './registry.js'
import { runParsed } from './run.js'
import { didYouMean } from './suggest.js'

const stdio: Io = { out: (l) => { process.stdout.write(l + '\n') }, err: (l) => { process.stderr.write(l + '\n') } }

/** `--home DIR` (or --home=DIR) before the command; null when it lacks its directory. */
function takeHome (args: string[]): { home: string | undefined } | null {
  let home: string | undefined
  while (args[0]?.startsWith('--home') === true) {
    const arg = args.shift() as string
    home = arg.includes('=') ? arg.slice('--home='.length) : args.shift()
    if (home === undefined || home === '') return null
  }
  return { home }
}

export async function main (argv: string[], io: Io = stdio): Promise<number> {
  const args = [...argv]
  const flags = takeHome(args)
  if (flags === null) { io.err('cairn: USAGE: --home needs a directory, e.g. --home ~/.cairn'); return EXIT.usage }
  const name = args.shift()
  if (name === '--help' || name === '-h') { io.out(rootHelp(wantsColor())); return EXIT.ok }
  if (name === undefined) { io.err(rootHelp()); return EXIT.usage }
  const registered = findCommand(name)
  if (registered === undefined) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.spec.name), (c) => `"${c}"`)
    io.err(`cairn: USAGE: ${name.startsWith('-') ? `unknown option ${name} (before the command only --home DIR)` : `unknown command "${name}"${hint}`}\ncairn --help lists the commands`)
    return EXIT.usage
  }
  const path = [registered.spec]
  try {
    const parsed = parseCommand(registered.spec, args, path)
    if (parsed.help) { io.out(commandHelp(parsed.path, wantsColor())); return EXIT.ok }
    await runParsed(registered, parsed, context(flags.home, io))
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok
  } catch (err) {
    if (!isCairnError(err)) {
      io.err(`cairn: INTERNAL: ${(err as Error).stack ?? String(err)}`)
      return EXIT.internal
    }
    const spoken = path.map((s) => s.name).join(' ')
    io.err(`cairn: ${err.message}${err.code === 'USAGE' ? `\nusage: ${usageLine(path)}\ncairn ${spoken} --help shows every option` : ''}`)
    return exitCodeOf(err.code)
  }
}

function context (home: string | undefined, io: Io): Context {
  let stop!: () => void
  const stopped = new Promise<void>((resolve) => { stop = resolve })
  process.once('SIGINT', () => stop())
  process.once('SIGTERM', () => stop())
  return { home: resolveHome(home), io, stopped }
}

// A reader that stops early (`cairn log | head -1`) is not an error: end quietly, as git does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(EXIT.ok); throw err })
}
const code = await main(process.argv.slice(2))
// stdout to a pipe may still hold output (a big --json): exit once what was written is flushed
process.stdout.write('', () => process.exit(code))
