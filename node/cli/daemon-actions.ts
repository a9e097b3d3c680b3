/**
 * What the daemon's CI loop and mail watchers need from bridges/ and
 * runners/, which node/ may not import: composed here, in the CLI, and
 * handed to startDaemon (node/daemon/components.ts).
 */
import { readFileSync } from 'node:fs'
import type { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import { publicInboxSource } from '../../bridges/email/ingest/public-inbox.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import { appendToMbox, sendSmtp, writeToMaildir } from '../../bridges/email/verdict/send.js'
import { verdictMail } from '../../bridges/email/verdict/verdict.js'
import type { CiConfig } from '../../machines/ci-config.js'
import { jobRequestBody, pinRemoteBase } from '../../runners/submit.js'
import type { CiActions } from '../daemon/ci.js'
import type { SchedulePlan } from '../daemon/components.js'
import { systemClock } from '../daemon/scheduler.js'
import type { Schedule } from '../storage/schedules.js'
import type { WatchActions } from '../daemon/watch.js'
import type { CairnNode } from '../node.js'
import { summaryLines } from './commands/ingest.js'
import type { MailQueue } from './ingest-local.js'

/** Jobs through `job submit`'s checks, verdicts through `mail verdict`'s composition, sent where the configuration says. */
export function ciActions (node: CairnNode, config: CiConfig): CiActions {
  const { target, from, to } = config.verdict
  return {
    jobRequest: async (views, revision, profile) => await jobRequestBody(views, {
      repo: config.repo,
      base: config.base,
      series: revision,
      profile,
      tags: config.tags,
      ...(config.recipe === null ? {} : { recipePath: config.recipe })
    }),
    verdict: async (revision, metrics) => {
      const mail = await verdictMail(node, revision, { ...(from === null ? {} : { from }), ...(to === null ? {} : { to }), metrics })
      const deliver = async (): Promise<string> => {
        if (target.kind === 'maildir') return `written to ${writeToMaildir(target.dir, mail)}`
        if (target.kind === 'mbox') {
          appendToMbox(target.file, mail)
          return `appended to ${target.file}`
        }
        const response = await sendSmtp(target.hostPort, mail)
        return `sent to ${[...mail.to, ...mail.cc].join(', ')} via ${target.hostPort}${response !== '' ? ` (${response})` : ''}`
      }
      return { messageId: mail.messageId, passed: mail.passed, deliver }
    }
  }
}

/**
 * Scheduled jobs through `job submit`'s checks: the ref resolved to a
 * commit when due, the recipe read then. The CI configuration's schedules
 * (`ci/NAME`) test its repo with its recipe and tags, their periods counted
 * from the epoch (1d: at 00:00 UTC).
 */
export function scheduleActions (ci: CiConfig | null): SchedulePlan {
  const fixed: Schedule[] = ci === null ? [] : ci.schedules.map((s) => ({ name: `ci/${s.name}`, everyMs: s.everyMs, repo: ci.repo, ref: s.ref, recipe: ci.recipe, profile: s.profile, tags: ci.tags, created: 0, ...(s.at === undefined ? {} : { at: s.at }) }))
  return {
    clock: systemClock,
    fixed,
    submit: async (s) => {
      const { body } = await jobRequestBody(null, {
        repo: s.repo,
        ref: s.ref,
        profile: s.profile,
        tags: s.tags,
        ...(s.recipe === null ? {} : { recipePath: s.recipe })
      })
      return { body: await pinRemoteBase(body) }
    }
  }
}

/**
 * The email bridge for the watchers: each run goes through the daemon's
 * mail queue and its open bridge state, which POST /api/ingest shares, so
 * the state has one writer at a time.
 */
export function watchActions (node: CairnNode, queue: MailQueue): WatchActions {
  const run = async (source: (state: BridgeState) => MailSource): Promise<string[]> => await queue.run(async (state) => {
    const summary = await ingest(node, state, source(state))
    return summary.mails === 0 ? [] : summaryLines(summary)
  })
  return {
    ingestFiles: async (paths) => await run(() => filesSource(paths)),
    ingestPublicInbox: async (dir) => await run((s) => publicInboxSource(dir, s.cursors))
  }
}

async function * filesSource (paths: readonly string[]): MailSource {
  for (const path of paths) yield { raw: readFileSync(path), origin: path }
}
