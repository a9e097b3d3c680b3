import { join, resolve } from 'node:path'
import { parseDuration, formatMs } from '../../../runners/duration.js'
import { Runner } from '../../../runners/runner.js'
import { isCairnError } from '../../../protocol/errors.js'
import { connect, listen, parseHostPort, untilCaughtUp } from '../../net/sync.js'
import type { Session } from '../../net/replication.js'
import type { Command } from '../command.js'
import { intOption, parse, usageError, withNode } from '../command.js'

const DEFAULT_LEASE = '10m'
const CATCH_UP_MS = 30_000

export const runner: Command = {
  name: 'runner',
  usage: 'runner start --tags T1,T2 [--workdir DIR] [--jobs N] [--once] [--lease 10m] [--listen HOST:PORT] [--connect HOST:PORT]...',
  summary: 'take jobs from trusted publishers whose tags this machine serves; --once: until none is left',
  async run (ctx, argv) {
    if (argv[0] !== 'start') throw usageError(this, argv[0] === undefined ? 'expected start' : `unknown subcommand "${argv[0]}"; expected start`)
    const { values } = parse(this, argv.slice(1), {
      tags: { type: 'string' },
      workdir: { type: 'string' },
      jobs: { type: 'string' },
      once: { type: 'boolean' },
      lease: { type: 'string' },
      listen: { type: 'string' },
      connect: { type: 'string', multiple: true }
    })
    if (values.tags === undefined) throw usageError(this, '--tags is required (what this machine serves, e.g. x86_64,kvm; --tags "" for untagged jobs only)')
    const tags = [...new Set(values.tags.split(',').map((t) => t.trim()).filter((t) => t !== ''))].sort()
    const jobs = intOption(this, 'jobs', values.jobs) ?? 1
    if (jobs < 1) throw usageError(this, '--jobs must be at least 1')
    let leaseMs: number
    try {
      leaseMs = parseDuration(values.lease ?? DEFAULT_LEASE, '--lease')
    } catch (err) {
      throw usageError(this, isCairnError(err) ? err.message.replace(/^BAD_DURATION: /, '') : String(err))
    }
    if (leaseMs < 1000) throw usageError(this, `--lease ${values.lease ?? ''} is under a second; leases are renewed at a third of their length`)
    const listenAt = values.listen === undefined ? null : parseHostPort(values.listen, '--listen')
    const peers = (values.connect ?? []).map((c) => parseHostPort(c, '--connect'))
    const log = (line: string): void => ctx.io.out(line)
    const warn = (msg: string): void => ctx.io.err(`cairn: ${msg}`)

    await withNode(ctx, async (node) => {
      const workdir = values.workdir === undefined ? join(ctx.home, 'runner') : resolve(values.workdir)
      const cleanups: Array<() => Promise<void> | void> = []
      try {
        if (listenAt !== null) {
          const { server, address, sessions } = await listen(node, listenAt, warn)
          log(`sync listening on ${address.host}:${address.port}`)
          cleanups.push(async () => {
            for (const s of sessions) s.destroy()
            await new Promise((resolve) => server.close(resolve))
          })
        }
        const sessions: Session[] = []
        for (const peer of peers) {
          const session = await connect(node, peer, warn)
          sessions.push(session)
          cleanups.push(() => session.destroy())
        }
        // --once decides what is left to do from what the peers hold: catch up first.
        if (values.once === true) for (const s of sessions) await untilCaughtUp(s, CATCH_UP_MS)
        const r = new Runner(node, { tags, workdir, jobs, leaseMs, log })
        await r.start()
        cleanups.push(async () => await r.stop())
        log(`runner ready: identity ${node.identityKey}, tags ${tags.join(',') || '(none)'}, jobs ${jobs}, lease ${formatMs(leaseMs)}, workdir ${workdir}`)
        if (values.once === true) await Promise.race([r.idle(), ctx.stopped])
        else await ctx.stopped
        log(values.once === true ? 'runner done' : 'runner stopping')
      } finally {
        for (const c of cleanups.reverse()) await c()
      }
    })
  }
}
