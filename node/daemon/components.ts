import type { JobTemplate } from '../../machines/test-selection.js'
import type { AllowRule } from '../http/access.js'
import type { LiveSession } from '../http/peers.js'
import type { DaemonCommand } from '../http/routes/commands.js'
import type { ScheduleService } from '../http/routes/schedules.js'
import type { Ingest } from '../http/routes/ingest.js'
import { serveHttp } from '../http/server.js'
import { loadOrCreateToken } from '../http/token.js'
import type { CairnNode } from '../node.js'
import type { Session } from '../net/replication.js'
import { joinSwarm } from '../net/swarm.js'
import { listen } from '../net/sync.js'
import type { HostPort } from '../net/sync.js'
import { PolicyHolder } from '../policy/holder.js'
import type { CiConfig } from '../../machines/ci-config.js'
import { CiLoop } from './ci.js'
import type { CiActions } from './ci.js'
import { MaintainerLoop } from './maintainer.js'
import { Scheduler, TICK_MS } from './scheduler.js'
import type { SchedulerOptions } from './scheduler.js'
import { readSchedules } from '../storage/schedules.js'
import { SourceWatcher } from './watch.js'
import type { WatchActions, WatchSource } from './watch.js'
import { clearDaemonRecord, writeDaemonRecord } from './record.js'

/** A part of the running daemon: started by startDaemon, closed by Daemon.close (the last started first). */
export interface Component {
  name: string
  close: () => Promise<void>
}

/** The replication sessions of every component that has some, for the HTTP API's /api/peers. */
export class LiveSessions implements Iterable<LiveSession> {
  private readonly sources: Array<{ via: LiveSession['via'], sessions: ReadonlySet<Session> }> = []

  add (via: LiveSession['via'], sessions: ReadonlySet<Session>): void {
    this.sources.push({ via, sessions })
  }

  * [Symbol.iterator] (): Iterator<LiveSession> {
    for (const { via, sessions } of this.sources) for (const session of sessions) yield { via, session }
  }
}

/** What every component starts with. */
interface DaemonEnv {
  node: CairnNode
  /** One line per thing started or published. */
  out: (line: string) => void
  /** Problems that do not stop the daemon. */
  log: (msg: string) => void
  live: LiveSessions
}

export interface HttpPlan extends HostPort {
  allowRemote: boolean
  allowFrom: readonly AllowRule[]
  /** Host names remote clients may give in the Host header (with allowFrom). */
  hostNames?: readonly string[]
  /** false (the default address): when it cannot be served, say so and run without HTTP. */
  required: boolean
  /** Mail ingest through the API (POST /api/ingest), from the composition root (node/ may not import bridges/). */
  ingest?: Ingest
  /** Commands run for a CLI beside the daemon (POST /api/commands/:name), from the composition root (they run runners/ code). */
  commands?: Readonly<Record<string, DaemonCommand>>
  /** The schedule routes' CI schedules and check of a new one (POST /api/schedules), from the composition root (runners/ resolve the ref). */
  schedules?: ScheduleService
}

export interface SwarmPlan {
  bootstrap: HostPort[]
  topic: string
  /** The host is behind no NAT or firewall: peers connect to it directly (DHT firewalled: false). */
  reachable: boolean
}

export interface MaintainerPlan {
  /** What auto-submitted jobs name; null: none are submitted. */
  template: JobTemplate | null
}

export interface CiPlan {
  config: CiConfig
  /** The file it came from, for the line printed. */
  file: string
  actions: CiActions
}

/** The scheduled jobs' clock and job builder (runners/ submit, from the CLI). */
export type SchedulePlan = Pick<SchedulerOptions, 'clock' | 'submit' | 'fixed' | 'onOutcome'>

export interface WatchPlan {
  sources: WatchSource[]
  actions: WatchActions
}

/** Direct sync (cairn sync --connect) on a TCP address. */
export async function startSync ({ node, out, log, live }: DaemonEnv, at: HostPort): Promise<Component> {
  const { server, address, sessions } = await listen(node, at, log)
  out(`sync     listening on ${address.host}:${address.port}`)
  live.add('sync', sessions)
  return {
    name: 'sync',
    close: async () => {
      for (const s of sessions) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

/** The project's swarm, found through the site's own bootstrap nodes. */
export async function startSwarm ({ node, out, log, live }: DaemonEnv, opts: SwarmPlan): Promise<Component> {
  const swarm = await joinSwarm(node, { ...opts, log })
  out(`swarm    joined topic "${opts.topic}"${opts.reachable ? ' (reachable)' : ''}`)
  live.add('swarm', swarm.sessions)
  return { name: 'swarm', close: swarm.destroy }
}

/** The HTTP API and web UI, and the daemon.json record that sends the CLI's posts to it; null: running without. */
export async function startHttp ({ node, out, log, live }: DaemonEnv, plan: HttpPlan): Promise<Component | null> {
  const token = loadOrCreateToken(node.paths.token)
  let server
  try {
    server = await serveHttp(node, { host: plan.host, port: plan.port, allowRemote: plan.allowRemote }, { token, allowFrom: plan.allowFrom, hostNames: plan.hostNames ?? [], sessions: () => live, log, ...(plan.ingest === undefined ? {} : { ingest: plan.ingest }), ...(plan.commands === undefined ? {} : { commands: plan.commands }), ...(plan.schedules === undefined ? {} : { schedules: plan.schedules }) })
  } catch (err) {
    // The default port may be taken by another node on this machine: run
    // without HTTP and say so. An address the user asked for must work.
    if (plan.required) throw err
    log(`${(err as Error).message}; running without the HTTP API (choose one with --http HOST:PORT, or --http off)`)
    return null
  }
  const close = async (): Promise<void> => {
    clearDaemonRecord(node.paths)
    await server.close()
  }
  // Bound to every address (0.0.0.0, ::): the CLI on this machine comes in over loopback.
  const local = server.host === '0.0.0.0' || server.host === '::' ? `http://127.0.0.1:${server.port}/` : server.url
  try {
    writeDaemonRecord(node.paths, local)
  } catch (err) {
    await close()
    throw err
  }
  // Printed once daemon.json is written: from this line on, the CLI's writes go through the API.
  out(`http     ${server.url} (writes need the token in ${node.paths.token})`)
  return { name: 'http', close }
}

/** Decisions and job requests published as the home's policy says (cairn start --maintainer). */
export function startMaintainer ({ node, out, log }: DaemonEnv, plan: MaintainerPlan): Component {
  const loop = new MaintainerLoop(node, { policy: new PolicyHolder({ kind: 'home', home: node.paths.dir }), template: plan.template, out, warn: log })
  out(`maintainer publishing decisions${plan.template === null ? '' : `, submitting jobs for ${plan.template.repo} when the policy says autoSubmit`}`)
  loop.start()
  return { name: 'maintainer', close: async () => { await loop.stop() } }
}

/** Jobs for every new revision the CI configuration matches, and its verdict mail once the results are in (cairn start --ci). */
export async function startCi ({ node, out, log }: DaemonEnv, plan: CiPlan): Promise<Component> {
  const loop = new CiLoop(node, { config: plan.config, actions: plan.actions, out, warn: log })
  await loop.start()
  const { target } = plan.config.verdict
  const to = target.kind === 'smtp' ? `smtp ${target.hostPort}` : target.kind === 'maildir' ? `maildir ${target.dir}` : `mbox ${target.file}`
  out(`ci       ${plan.file}: testing ${plan.config.profiles.join(', ')} on ${plan.config.repo}, verdicts to ${to}`)
  return { name: 'ci', close: async () => { await loop.stop() } }
}

/** Mail taken in as it arrives in each watched source (cairn start --watch). */
export function startWatch ({ out, log }: DaemonEnv, plan: WatchPlan): Component {
  const watchers = plan.sources.map((source) => new SourceWatcher(source, { actions: plan.actions, out, warn: log }))
  for (const w of watchers) {
    w.start()
    out(`watch    ${w.label}`)
  }
  return { name: 'watch', close: async () => { await Promise.all(watchers.map(async (w) => { await w.stop() })) } }
}

/** Jobs submitted as the home's schedules.json says (cairn schedule add), read again on every tick. */
export function startSchedules ({ node, out, log }: DaemonEnv, plan: SchedulePlan): Component {
  const scheduler = new Scheduler(node, { ...plan, out, warn: log })
  const n = readSchedules(node.paths.dir).length
  const ci = plan.fixed?.length ?? 0
  out(`schedule ${n} schedule(s) in ${node.paths.dir}/schedules.json${ci > 0 ? ` and ${ci} of the CI configuration` : ''}, looked at every ${TICK_MS / 1000}s`)
  scheduler.start()
  return { name: 'schedule', close: async () => { await scheduler.stop() } }
}
