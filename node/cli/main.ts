#!/usr/bin/env node
import { isCairnError } from '../../protocol/errors.js'
import { resolveHome } from '../home.js'
import type { Command, Context } from './command.js'
import { follow } from './commands/follow.js'
import { id } from './commands/id.js'
import { init } from './commands/init.js'
import { log } from './commands/log.js'
import { post } from './commands/post.js'
import { recover } from './commands/recover.js'
import { reindex } from './commands/reindex.js'
import { start } from './commands/start.js'
import { status } from './commands/status.js'
import { sync } from './commands/sync.js'
import { trust } from './commands/trust.js'
import { job } from './commands/job.js'
import { runner } from './commands/runner.js'
import { results } from './commands/results.js'
import { policy } from './commands/policy.js'
import { review } from './commands/review.js'
import { merge } from './commands/merge.js'
import { ingest } from './commands/ingest.js'
import { series } from './commands/series.js'
import { mail } from './commands/mail.js'

/** The composition root: the one place that may also register bridges/ and runners/ commands. */
export const COMMANDS: Command[] = [init, id, post, log, follow, trust, sync, start, reindex, status, recover, job, runner, results, policy, review, merge, ingest, series, mail]

function help (): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length))
  return [
    'usage: cairn [--home DIR] COMMAND ...',
    '  --home DIR   node home (default: $CAIRN_HOME, else ~/.cairn)',
    '',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)
  ].join('\n')
}

export async function main (argv: string[], io = { out: (l: string) => { process.stdout.write(l + '\n') }, err: (l: string) => { process.stderr.write(l + '\n') } }): Promise<number> {
  let homeFlag: string | undefined
  const args = [...argv]
  while (args[0]?.startsWith('--home') === true) {
    const arg = args.shift() as string
    homeFlag = arg.includes('=') ? arg.slice('--home='.length) : args.shift()
    if (homeFlag === undefined || homeFlag === '') { io.err('cairn: USAGE: --home needs a directory'); return 2 }
  }
  const name = args.shift()
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(help())
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (command === undefined) {
    io.err(`cairn: USAGE: unknown command "${name}"\n${help()}`)
    return 2
  }
  let stop!: () => void
  const stopped = new Promise<void>((resolve) => { stop = resolve })
  process.once('SIGINT', () => stop())
  process.once('SIGTERM', () => stop())
  const ctx: Context = { home: resolveHome(homeFlag), io, stopped }
  try {
    await command.run(ctx, args)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (isCairnError(err)) {
      io.err(`cairn: ${err.message}`)
      return err.code === 'USAGE' ? 2 : 1
    }
    io.err(`cairn: INTERNAL: ${(err as Error).stack ?? String(err)}`)
    return 70
  }
}

const code = await main(process.argv.slice(2))
// stdout to a pipe may still hold output (a big --json): exit once what was written is flushed
process.stdout.write('', () => process.exit(code))
