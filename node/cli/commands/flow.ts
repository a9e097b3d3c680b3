/**
 * `cairn flow`: the mbox ingested (when given), runners/flow.ts for the jobs
 * and the comparison, then what the maintainer would read: the policy's
 * verdict (when a policy is set) and where the verdict mail would go.
 */
import { join, resolve } from 'node:path'
import { parseRecord } from '../../../bridges/email/ingest/mail-record.js'
import { mboxSource } from '../../../bridges/email/ingest/sources.js'
import { verdictMail } from '../../../bridges/email/verdict/verdict.js'
import type { VerdictMail } from '../../../bridges/email/verdict/verdict.js'
import { compareText } from '../../../runners/result-report.js'
import { flowRevision, runFlow } from '../../../runners/flow.js'
import type { FlowJob, FlowOutcome } from '../../../runners/flow.js'
import type { Decision } from '../../../machines/decide.js'
import { isCairnError } from '../../../protocol/errors.js'
import type { CairnNode } from '../../node.js'
import type { ComparisonJson } from '../../wire/types.js'
import { decideRevision } from '../../policy/decide.js'
import { DiffCache } from '../../policy/diffs.js'
import { readPolicy } from '../../policy/files.js'
import type { PolicyRead } from '../../policy/files.js'
import { resolveResult } from '../../views/results.js'
import { statusCounts } from '../../wire/results.js'
import type { IngestSummary } from '../../../bridges/email/ingest/ingest.js'
import type { CommandIo } from '../../http/routes/commands.js'
import type { IngestRequest } from '../../http/routes/ingest.js'
import { isLocalPath } from '../../../runners/submit.js'
import { hotSince } from '../../storage/archive-setting.js'
import type { Args, Command, Context } from '../command.js'
import { inProcessOrDaemon, usageError } from '../command.js'
import type { flowSpec } from '../specs/flow.js'
import { ingestOnce } from '../ingest-local.js'

export const flow: Command = { run }

/** The mbox's ingest: the CLI's own run, or the daemon's through its one mail queue. */
type IngestRun = (req: IngestRequest) => Promise<IngestSummary>

async function run (ctx: Context, args: Args<typeof flowSpec>): Promise<void> {
  const { values } = args
  if (values.series !== undefined && values.mbox !== undefined) throw usageError('give --series ID or --mbox FILE, not both')
  // Beside a daemon the flow runs there: paths are made absolute first (its working folder is not ours).
  const absolute = { ...values, ...pathsOf(values) }
  await inProcessOrDaemon(ctx, 'flow', absolute, async (node) => await flowOn(node, ctx.home, absolute, { ...ctx.io, stopped: ctx.stopped }, async (req) => await ingestOnce(node, req)))
}

function pathsOf (values: Args<typeof flowSpec>['values']): Partial<Args<typeof flowSpec>['values']> {
  const local = (p: string | undefined): string | undefined => p === undefined || !isLocalPath(p) ? p : resolve(p)
  return {
    repo: local(values.repo) as string,
    ...(values.mbox === undefined ? {} : { mbox: resolve(values.mbox) }),
    ...(values.recipe === undefined ? {} : { recipe: resolve(values.recipe) }),
    ...(values.workdir === undefined ? {} : { workdir: resolve(values.workdir) })
  }
}

/** The flow on an open, writable node (this process's, or the daemon's); resolves with the exit status. */
export async function flowOn (node: CairnNode, home: string, values: Args<typeof flowSpec>['values'], io: CommandIo, ingest: IngestRun): Promise<number> {
  const tags = values.tags === undefined ? undefined : values.tags.split(',').map((t) => t.trim()).filter((t) => t !== '')
  const json = values.json === true
  const say = (line: string): void => { if (json) io.err(line); else io.out(line) }
  let messageIds: string[] | undefined
  if (values.mbox !== undefined) {
    const path = resolve(values.mbox)
    const s = await ingest({ source: 'mbox', input: { path }, match: [], progress: () => {}, warn: (m) => io.err(`warning: ${m}`), stopped: () => false })
    say(`ingested ${values.mbox}: ${s.mails} mails, ${s.new} new`)
    messageIds = await messageIdsOf(path)
  }
  const revision = flowRevision(node.views, { ...(values.series === undefined ? {} : { series: values.series }), ...(messageIds === undefined ? {} : { messageIds }) })
  say(`series ${revision.body.series} v${revision.body.version}: ${revision.body.subject} (revision ${revision.id.slice(0, 12)})`)
  const outcome = await runFlow(node, {
    repo: values.repo,
    series: revision.id,
    ...(values.base === undefined ? {} : { base: values.base }),
    ...(values.recipe === undefined ? {} : { recipePath: values.recipe }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(tags === undefined ? {} : { tags }),
    workdir: values.workdir === undefined ? join(home, 'runner') : resolve(values.workdir),
    log: say,
    stopped: io.stopped,
    ...hotSince(home)
  })
  const policy = readPolicy({ kind: 'home', home }) ?? readPolicy({ kind: 'repo', repo: values.repo })
  const decision = policy === null ? null : await decideRevision(node.views, new DiffCache(node.blobs), policy.policy, outcome.revision)
  const mail = await mailFor(node, outcome.revision.id)
  if (json) io.out(JSON.stringify(flowJson(node, outcome, decision, mail)))
  else for (const line of flowLines(node, outcome, policy, decision, mail)) io.out(line)
  return verdictOf(outcome) === 'fail' ? 1 : 0
}

/** The Message-ID of each mail in the mbox as the bridge names it (format-patch writes none: then one from its bytes). */
async function messageIdsOf (path: string): Promise<string[]> {
  const ids: string[] = []
  for await (const { raw, origin } of mboxSource(path, { mboxrd: true, warn: () => {} })) {
    const id = parseRecord(raw, origin).mail?.messageId
    if (id !== undefined && id !== '') ids.push(id)
  }
  return ids
}

/** The verdict mail as `cairn mail verdict` would make it, or why there is none. */
async function mailFor (node: CairnNode, revision: string): Promise<VerdictMail | string> {
  try {
    return await verdictMail(node, revision)
  } catch (err) {
    if (isCairnError(err, 'NO_RECIPIENT')) return err.message
    throw err
  }
}

function jobLine (node: CairnNode, what: string, j: FlowJob): string {
  const run = resolveResult(node.views, j.result) ?? j.result
  const counts = Object.entries(statusCounts(run)).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')
  const reused = run.id !== j.result.id ? `, reusing result ${run.id.slice(0, 12)}` : ''
  return `${what} job ${j.job.slice(0, 12)}: ${run.body.verdict} (${counts || 'no tests'}${reused})`
}

function flowLines (node: CairnNode, o: FlowOutcome, policy: PolicyRead | null, d: Decision | null, mail: VerdictMail | string): string[] {
  const out = [jobLine(node, 'baseline', o.baseline), jobLine(node, 'series', o.series)]
  if (o.comparison !== null) out.push(compareText(o.comparison))
  else out.push(`no comparison: the series run ended ${o.series.result.body.verdict}${o.series.result.body.message === undefined ? '' : `: ${o.series.result.body.message}`}`)
  out.push(`verdict: ${verdictOf(o)} (${verdictWhy(o)})`)
  if (policy === null || d === null) out.push('policy: none set (cairn policy set FILE, or .cairn/policy.yaml in the repo)')
  else out.push(`policy verdict: ${d.verdict} (${d.state}; ${policy.origin})`, ...d.reasons.map((r) => `  - ${r}`))
  if (typeof mail === 'string') out.push(`verdict mail: none (${mail})`)
  else out.push(`verdict mail: ${mail.passed ? 'pass' : 'fail'} to ${[...mail.to, ...mail.cc].join(', ')}, "${mail.subject}"; cairn mail verdict ${o.revision.id.slice(0, 12)} --smtp HOST:PORT sends it`)
  return out
}

/** Regressed tests and metrics beyond the noise, by name: a metric regression counts as a failed test does. */
function regressed (c: ComparisonJson): string[] {
  return [...c.regressions.map((r) => r.name), ...c.metrics.changes.filter((m) => m.kind === 'regression').map((m) => m.name)]
}

/** The flow's own verdict: the series passes when it ran and regressed nothing (no test, no metric) against its base. */
const verdictOf = (o: FlowOutcome): 'pass' | 'fail' => o.comparison !== null && regressed(o.comparison).length === 0 ? 'pass' : 'fail'

function verdictWhy (o: FlowOutcome): string {
  if (o.comparison === null) return `the series run ended ${o.series.result.body.verdict}`
  const c = o.comparison
  const all = regressed(c)
  const names = all.slice(0, 5).join(', ')
  return all.length === 0 ? `no regression against the base; ${c.counts.fixes} fixed` : `${all.length} regression(s): ${names}${all.length > 5 ? ', ...' : ''}`
}

function flowJson (node: CairnNode, o: FlowOutcome, d: Decision | null, mail: VerdictMail | string): Record<string, unknown> {
  const job = (j: FlowJob): Record<string, unknown> => {
    const run = resolveResult(node.views, j.result) ?? j.result
    return { job: j.job, posted: j.posted, result: j.result.id, verdict: run.body.verdict, reuses: j.result.body.reuses ?? null }
  }
  return {
    revision: o.revision.id,
    baseline: job(o.baseline),
    series: job(o.series),
    ranLocally: o.ranLocally,
    verdict: verdictOf(o),
    comparison: o.comparison,
    policy: d === null ? null : { verdict: d.verdict, state: d.state, reasons: d.reasons },
    mail: typeof mail === 'string' ? null : { to: mail.to, cc: mail.cc, subject: mail.subject, passed: mail.passed }
  }
}
