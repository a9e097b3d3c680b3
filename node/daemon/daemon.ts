import type { CairnNode } from '../node.js'
import type { HostPort } from '../net/sync.js'
import type { CiPlan, Component, HttpPlan, MaintainerPlan, SchedulePlan, SwarmPlan, WatchPlan } from './components.js'
import { LiveSessions, startCi, startHttp, startMaintainer, startSchedules, startSwarm, startSync, startWatch } from './components.js'
import { clearDaemonRecord } from './record.js'

/** What the daemon runs; null: not that part. */
export interface DaemonOptions {
  listen: HostPort | null
  swarm: SwarmPlan | null
  http: HttpPlan | null
  maintainer: MaintainerPlan | null
  ci: CiPlan | null
  /** Scheduled jobs (cairn schedule add). */
  schedules: SchedulePlan | null
  watch: WatchPlan | null
  /** One line per thing started or published. */
  out: (line: string) => void
  /** Problems that do not stop the daemon. */
  log: (msg: string) => void
}

/**
 * A node at work (`cairn start`): its components, in the order they
 * started. The node itself stays the caller's: it opened it, it closes it
 * after the daemon.
 */
export class Daemon {
  private readonly started: Component[] = []

  /** The components running, in start order. */
  get components (): readonly string[] {
    return this.started.map((c) => c.name)
  }

  add (component: Component | null): void {
    if (component !== null) this.started.push(component)
  }

  /** Close every component, the last started first; one that fails to close does not keep the others open. */
  async close (): Promise<void> {
    const errors: unknown[] = []
    for (let c = this.started.pop(); c !== undefined; c = this.started.pop()) {
      try {
        await c.close()
      } catch (err) {
        errors.push(err)
      }
    }
    if (errors.length > 0) throw errors[0]
  }
}

/**
 * Start what `options` asks for, in order: sync listener, swarm, HTTP (with
 * the daemon.json record), maintainer loop, CI loop, scheduled jobs, mail watchers (last:
 * what they ingest finds the CI already listening). A component that fails to start
 * closes those already started. A new component is a start function
 * returning its Component, added to the list here.
 */
export async function startDaemon (node: CairnNode, options: DaemonOptions): Promise<Daemon> {
  const { listen, swarm, http, maintainer, ci, schedules, watch } = options
  const env = { node, out: options.out, log: options.log, live: new LiveSessions() }
  const starts: Array<() => Promise<Component | null> | Component> = []
  if (listen !== null) starts.push(async () => await startSync(env, listen))
  if (swarm !== null) starts.push(async () => await startSwarm(env, swarm))
  if (http !== null) starts.push(async () => await startHttp(env, http))
  if (maintainer !== null) starts.push(() => startMaintainer(env, maintainer))
  if (ci !== null) starts.push(async () => await startCi(env, ci))
  if (schedules !== null) starts.push(() => startSchedules(env, schedules))
  if (watch !== null) starts.push(() => startWatch(env, watch))

  clearDaemonRecord(node.paths) // one left by a daemon that was killed
  node.warmCrypto().catch(() => {}) // loads while the daemon starts: the first sync or batch finds the threads ready
  const daemon = new Daemon()
  try {
    for (const start of starts) daemon.add(await start())
  } catch (err) {
    await daemon.close().catch(() => {}) // the error worth reporting is the one that stopped the start
    throw err
  }
  return daemon
}
