import { join, resolve } from 'node:path'
import { parseDuration, formatMs } from '../../../runners/duration.js'
import { parseGates } from '../../../runners/gates.js'
import { flushToPeers, Runner } from '../../../runners/runner.js'
import { isCairnError } from '../../../protocol/errors.js'
import { connect, listen, parseHostPort, untilCaughtUp } from '../../net/sync.js'
import type { Session } from '../../net/replication.js'
import { notifyReady } from '../../notify-ready.js'
import type { Context } from '../command.js'
import type { Args, Command } from '../command.js'
import { usageError, withNode } from '../command.js'
import type { runnerSpec } from '../specs/jobs.js'

const CATCH_UP_MS = 30_000
/** How long a stopping runner waits for its peers to take its last results. */
const FLUSH_MS = 30_000

export const runner: Command = {
  subcommands: { start }
}

async function start (ctx: Context, { values }: Args<(typeof runnerSpec)['subcommands'][0]>): Promise<void> {
  const tags = [...new Set(values.tags.split(',').map((t) => t.trim()).filter((t) => t !== ''))].sort()
  const jobs = values.jobs
  let leaseMs: number
  try {
    leaseMs = parseDuration(values.lease, '--lease')
  } catch (err) {
    throw usageError(isCairnError(err) ? err.message.replace(/^BAD_DURATION: /, '') : String(err))
  }
  if (leaseMs < 1000) throw usageError(`--lease ${values.lease} is under a second; leases are renewed at a third of their length`)
  const listenAt = values.listen === undefined ? null : parseHostPort(values.listen, '--listen')
  const peers = (values.connect ?? []).map((c) => parseHostPort(c, '--connect'))
  const gates = parseGates({
    ...(values['gate-disk'] === undefined ? {} : { disk: values['gate-disk'] }),
    ...(values['gate-load'] === undefined ? {} : { load: values['gate-load'] }),
    ...(values['gate-mem'] === undefined ? {} : { mem: values['gate-mem'] }),
    ...(values['gate-script'] === undefined ? {} : { script: values['gate-script'] })
  })
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
      const r = new Runner(node, { tags, workdir, jobs, leaseMs, log, gates })
      await r.start()
      cleanups.push(async () => await r.stop())
      log(`runner ready: identity ${node.identityKey}, tags ${tags.join(',') || '(none)'}, jobs ${jobs}, lease ${formatMs(leaseMs)}, workdir ${workdir}`)
      await notifyReady(`runner: tags ${tags.join(',') || '(none)'}`, warn)
      if (values.once === true) await Promise.race([r.idle(), ctx.stopped])
      else await ctx.stopped
      log(values.once === true ? 'runner done' : 'runner stopping')
      await r.stop() // jobs still running are recorded aborted: those results are flushed too
      await flush(sessions, log, warn)
    } finally {
      for (const c of cleanups.reverse()) await c()
    }
  })
}

/** Before exiting, hand the results published to every connected peer, and say how that went. */
async function flush (sessions: readonly Session[], log: (line: string) => void, warn: (msg: string) => void): Promise<void> {
  if (sessions.length === 0) return
  const node = sessions[0]?.node
  if (node === undefined) return
  for (const f of await flushToPeers(node, sessions, FLUSH_MS)) {
    if (f.held) log(`results flushed: peer ${f.peer} ${f.detail}`)
    else warn(`results not all flushed to peer ${f.peer}: ${f.detail}; they reach it at the next sync with this runner`)
  }
}
