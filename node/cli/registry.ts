/**
 * Every command: its spec (specs/index.ts, light, for help, completion and
 * the man page) and its implementation, imported only when it runs, so
 * `cairn log` does not load fastify, the mail parser and the runners. The
 * composition root: the one place that may also register bridges/ and
 * runners/ commands. Registering a command is its spec in specs/ (listed in
 * specs/index.ts) and one line here.
 */
import type { Command, CommandSpec } from './spec.js'
import { SPECS } from './specs/index.js'

export interface Registered {
  spec: CommandSpec
  load: () => Promise<Command>
}

const LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  init: async () => (await import('./commands/init.js')).init,
  id: async () => (await import('./commands/id.js')).id,
  post: async () => (await import('./commands/post.js')).post,
  log: async () => (await import('./commands/log.js')).log,
  follow: async () => (await import('./commands/follow.js')).follow,
  unfollow: async () => (await import('./commands/unfollow.js')).unfollow,
  trust: async () => (await import('./commands/trust.js')).trust,
  sync: async () => (await import('./commands/sync.js')).sync,
  start: async () => (await import('./commands/start.js')).start,
  bootstrap: async () => (await import('./commands/bootstrap.js')).bootstrap,
  reindex: async () => (await import('./commands/reindex.js')).reindex,
  status: async () => (await import('./commands/status.js')).status,
  recover: async () => (await import('./commands/recover.js')).recover,
  job: async () => (await import('./commands/job.js')).job,
  runner: async () => (await import('./commands/runner.js')).runner,
  schedule: async () => (await import('./commands/schedule.js')).schedule,
  results: async () => (await import('./commands/results.js')).results,
  flow: async () => (await import('./commands/flow.js')).flow,
  bisect: async () => (await import('./commands/bisect.js')).bisectCommand,
  history: async () => (await import('./commands/history.js')).history,
  flakes: async () => (await import('./commands/ledger.js')).flakes,
  regressions: async () => (await import('./commands/ledger.js')).regressions,
  policy: async () => (await import('./commands/policy.js')).policy,
  review: async () => (await import('./commands/review.js')).review,
  merge: async () => (await import('./commands/merge.js')).merge,
  ingest: async () => (await import('./commands/ingest.js')).ingest,
  series: async () => (await import('./commands/series.js')).series,
  mail: async () => (await import('./commands/mail.js')).mail,
  help: async () => (await import('./commands/help.js')).help,
  completion: async () => (await import('./commands/completion.js')).completion,
  man: async () => (await import('./commands/man.js')).man
}

export const COMMANDS: readonly Registered[] = SPECS.map((spec) => {
  const load = LOADERS[spec.name]
  if (load === undefined) throw new Error(`cairn: command ${spec.name} has a spec and no implementation`)
  return { spec, load }
})

export function findCommand (name: string): Registered | undefined {
  return COMMANDS.find((c) => c.spec.name === name)
}
