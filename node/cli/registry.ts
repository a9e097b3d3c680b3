/**
 * Every command: its spec (light, for help, completion and the man page) and
 * its implementation, imported only when it runs, so `cairn log` does not load
 * fastify, the mail parser and the runners. The composition root: the one
 * place that may also register bridges/ and runners/ commands. Registering a
 * command is one line here (and its spec in specs/).
 */
import type { Command, CommandSpec } from './spec.js'
import { bootstrapSpec } from './specs/bootstrap.js'
import { completionSpec, helpSpec, manSpec } from './specs/builtin.js'
import { jobSpec, resultsSpec, runnerSpec } from './specs/jobs.js'
import { ingestSpec, mailSpec } from './specs/mail.js'
import { followSpec, idSpec, initSpec, logSpec, postSpec, recoverSpec, reindexSpec, statusSpec, syncSpec, trustSpec, unfollowSpec } from './specs/node.js'
import { mergeSpec, policySpec, reviewSpec, seriesSpec } from './specs/review.js'
import { startSpec } from './specs/start.js'

export interface Registered {
  spec: CommandSpec
  load: () => Promise<Command>
}

export const COMMANDS: readonly Registered[] = [
  { spec: initSpec, load: async () => (await import('./commands/init.js')).init },
  { spec: idSpec, load: async () => (await import('./commands/id.js')).id },
  { spec: postSpec, load: async () => (await import('./commands/post.js')).post },
  { spec: logSpec, load: async () => (await import('./commands/log.js')).log },
  { spec: followSpec, load: async () => (await import('./commands/follow.js')).follow },
  { spec: unfollowSpec, load: async () => (await import('./commands/unfollow.js')).unfollow },
  { spec: trustSpec, load: async () => (await import('./commands/trust.js')).trust },
  { spec: syncSpec, load: async () => (await import('./commands/sync.js')).sync },
  { spec: startSpec, load: async () => (await import('./commands/start.js')).start },
  { spec: bootstrapSpec, load: async () => (await import('./commands/bootstrap.js')).bootstrap },
  { spec: reindexSpec, load: async () => (await import('./commands/reindex.js')).reindex },
  { spec: statusSpec, load: async () => (await import('./commands/status.js')).status },
  { spec: recoverSpec, load: async () => (await import('./commands/recover.js')).recover },
  { spec: jobSpec, load: async () => (await import('./commands/job.js')).job },
  { spec: runnerSpec, load: async () => (await import('./commands/runner.js')).runner },
  { spec: resultsSpec, load: async () => (await import('./commands/results.js')).results },
  { spec: policySpec, load: async () => (await import('./commands/policy.js')).policy },
  { spec: reviewSpec, load: async () => (await import('./commands/review.js')).review },
  { spec: mergeSpec, load: async () => (await import('./commands/merge.js')).merge },
  { spec: ingestSpec, load: async () => (await import('./commands/ingest.js')).ingest },
  { spec: seriesSpec, load: async () => (await import('./commands/series.js')).series },
  { spec: mailSpec, load: async () => (await import('./commands/mail.js')).mail },
  { spec: helpSpec, load: async () => (await import('./commands/help.js')).help },
  { spec: completionSpec, load: async () => (await import('./commands/completion.js')).completion },
  { spec: manSpec, load: async () => (await import('./commands/man.js')).man }
]

/** `cairn [--home DIR] COMMAND`: the options main takes before the command. */
export const GLOBAL_OPTIONS = [
  { name: 'home', type: 'string', value: 'DIR', description: 'the node home (default: $CAIRN_HOME, else ~/.cairn)' },
  { name: 'help', type: 'boolean', description: 'list the commands' }
] as const

export function findCommand (name: string): Registered | undefined {
  return COMMANDS.find((c) => c.spec.name === name)
}
