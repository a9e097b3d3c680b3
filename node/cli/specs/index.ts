/**
 * Every command's spec, in the order help lists them, and the options cairn
 * itself takes. Light (no implementation is imported), so help, completion
 * and the man page read them without loading a command; registry.ts pairs
 * each with its implementation.
 */
import type { CommandSpec } from '../spec.js'
import { completionSpec, helpSpec, manSpec } from './builtin.js'
import { jobSpec, resultsSpec, runnerSpec } from './jobs.js'
import { ingestSpec, mailSpec } from './mail.js'
import { followSpec, idSpec, initSpec, logSpec, postSpec, recoverSpec, reindexSpec, statusSpec, syncSpec, trustSpec, unfollowSpec } from './node.js'
import { mergeSpec, policySpec, reviewSpec, seriesSpec } from './review.js'
import { startSpec } from './start.js'
import { bootstrapSpec } from './bootstrap.js'
import { flowSpec } from './flow.js'
import { bisectSpec, flakesSpec, regressionsSpec } from './bisect.js'
import { historySpec } from './history.js'
import { scheduleSpec } from './schedule.js'

export const SPECS: readonly CommandSpec[] = [
  initSpec,
  idSpec,
  postSpec,
  logSpec,
  followSpec,
  unfollowSpec,
  trustSpec,
  syncSpec,
  startSpec,
  bootstrapSpec,
  reindexSpec,
  statusSpec,
  recoverSpec,
  jobSpec,
  runnerSpec,
  scheduleSpec,
  resultsSpec,
  flowSpec,
  bisectSpec,
  historySpec,
  flakesSpec,
  regressionsSpec,
  policySpec,
  reviewSpec,
  mergeSpec,
  ingestSpec,
  seriesSpec,
  mailSpec,
  helpSpec,
  completionSpec,
  manSpec
]

/** `cairn [--home DIR] COMMAND`: the options main takes before the command. */
export const GLOBAL_OPTIONS = [
  { name: 'home', type: 'string', value: 'DIR', description: 'the node home (default: $CAIRN_HOME, else ~/.cairn)' },
  { name: 'help', type: 'boolean', description: 'list the commands' }
] as const

export function findSpec (name: string): CommandSpec | undefined {
  return SPECS.find((s) => s.name === name)
}
