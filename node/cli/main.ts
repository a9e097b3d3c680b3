#!/usr/bin/env node
import { isCairnError } from '../../protocol/errors.js'
import { resolveHome } from '../storage/home.js'
import type { Command, Context } from './command.js'
/**
 * The composition root: the one place that may also register bridges/ and
 * runners/ commands. Each command's module is imported only when it runs, so
 * `cairn log` does not load fastify, the mail parser and the runners.
 */
export const COMMANDS: Array<[string, () => Promise<Command>]> = [
  ['init', async () => (await import('./commands/init.js')).init],
  ['id', async () => (await import('./commands/id.js')).id],
  ['post', async () => (await import('./commands/post.js')).post],
  ['log', async () => (await import('./commands/log.js')).log],
  ['follow', async () => (await import('./commands/follow.js')).follow],
  ['unfollow', async () => (await import('./commands/unfollow.js')).unfollow],
  ['trust', async () => (await import('./commands/trust.js')).trust],
  ['sync', async () => (await import('./commands/sync.js')).sync],
  ['start', async () => (await import('./commands/start.js')).start],
  ['reindex', async () => (await import('./commands/reindex.js')).reindex],
  ['status', async () => (await import('./commands/status.js')).status],
  ['recover', async () => (await import('./commands/recover.js')).recover],
  ['job', async () => (await import('./commands/job.js')).job],
  ['runner', async () => (await import('./commands/runner.js')).runner],
  ['results', async () => (await import('./commands/results.js')).results],
  ['policy', async () => (await import('./commands/policy.js')).policy],
  ['review', async () => (await import('./commands/review.js')).review],
  ['merge', async () => (await import('./commands/merge.js')).merge],
  ['ingest', async () => (await import('./commands/ingest.js')).ingest],
  ['series', async () => (await import('./commands/series.js')).series],
  ['mail', async () => (await import('./commands/mail.js')).mail]
]

async function help (): Promise<string> {
  const commands = await Promise.all(COMMANDS.map(async ([, load]) => await load()))
  return [
    'usage: cairn [--home DIR] COMMAND ...',
    '  --home DIR   node home (default: $CAIRN_HOME, else ~/.cairn)',
    '',
    ...commands.map((c) => `  cairn ${c.usage}\n        ${c.summary}`)
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
    io.out(await help())
    return name === undefined ? 2 : 0
  }
  const load = COMMANDS.find(([n]) => n === name)?.[1]
  if (load === undefined) {
    io.err(`cairn: USAGE: unknown command "${name}"\n${await help()}`)
    return 2
  }
  const command = await load()
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
