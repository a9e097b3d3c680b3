/**
 * The CI verdict of a series revision as a plain-text reply threaded to the
 * series (In-Reply-To and References: its cover letter, else its first
 * patch), from the `result` events of the jobs that tested that revision:
 * "CI passed", or the failures with their details and the log lines that
 * matter. With a metric gate (ci.yaml `metrics:`), a run whose gated
 * metrics regressed against its baseline fails as a failed test does, and
 * the mail names each metric, baseline -> new value, size and unit. The
 * Message-ID is a hash of the results, so the same verdict mailed twice is
 * one message to every archive.
 */
import { createHash } from 'node:crypto'
import type { CairnNode } from '../../../node/node.js'
import { byTsThenId } from '../../../node/views/views.js'
import { findRevisionView } from '../../../node/views/series/index.js'
import type { RevisionView, SeriesView } from '../../../node/views/series/index.js'
import { resolveResult, resultsOfJob } from '../../../node/views/results.js'
import { jobCancelled } from '../../../node/views/jobs.js'
import type { ResultEvent } from '../../../node/views/results.js'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import type { MetricChange } from '../../../protocol/metrics.js'

export interface VerdictMail {
  /** The whole message (headers and body), LF line ends. */
  text: string
  from: string
  to: string[]
  cc: string[]
  subject: string
  messageId: string
  inReplyTo: string
  passed: boolean
  revision: string
}

interface VerdictOptions {
  /** From: header; default this node's published name and email, else `cairn <cairn@localhost>`. */
  from?: string
  /** Override the recipients (default: the series author, Cc the list when it is an address). */
  to?: string[]
  now?: Date
  /** Gated metric regressions against the baseline, by profile (node/daemon/ci-plan.ts MetricFinding): each fails its run. */
  metrics?: ReadonlyArray<{ profile: string, baseline: string, change: MetricChange }>
}

const MAX_LOG_LINES = 40 // per log: enough to see the error, short enough for a mail
const MAX_FAILURES = 20
const RELEVANT = /\b(error|fail(ed|ure)?|fatal|panic|oops|bug:|warning:|assert|segfault|timed? ?out|not ok)\b/i

interface Run {
  job: string
  profile: string
  result: ResultEvent
  /** The result that holds the tests (itself, or what a `reused` result stands for). */
  tests: ResultEvent
}

/** The revision's runs, and its jobs cancelled before any finished run: those were never tested. */
function runsOf (node: CairnNode, revision: RevisionView): { runs: Run[], cancelled: Array<{ job: string, profile: string }> } {
  const ids = new Set(revision.eventIds)
  const jobs = (node.views.ofType('job.request')).filter((e) => e.type === 'job.request' && e.body.revision !== undefined && ids.has(e.body.revision)).sort(byTsThenId)
  const runs: Run[] = []
  const cancelled: Array<{ job: string, profile: string }> = []
  for (const job of jobs) {
    if (job.type !== 'job.request') continue
    // an aborted run is no verdict (the job is queued again); the newest other result is, else the aborted one
    const results = [...resultsOfJob(node.views, job.id)].sort(byTsThenId)
    const finished = results.filter((r) => r.body.verdict !== 'aborted')
    if (finished.length === 0 && jobCancelled(node.views, job.id)) {
      cancelled.push({ job: job.id, profile: job.body.profile })
      continue
    }
    const result = finished[finished.length - 1] ?? results[results.length - 1]
    if (result === undefined) continue
    runs.push({ job: job.id, profile: job.body.profile, result, tests: resolveResult(node.views, result) ?? result })
  }
  return { runs, cancelled }
}

const failing = (r: ResultEvent): Array<ResultEvent['body']['tests'][number]> => r.body.tests.filter((t) => t.status === 'fail' || t.status === 'error' || t.status === 'xpass')
type Findings = NonNullable<VerdictOptions['metrics']>
const regressedIn = (run: Run, metrics: Findings): Findings => metrics.filter((m) => m.profile === run.profile)
const passed = (run: Run, metrics: Findings = []): boolean => run.tests.body.verdict === 'pass' && regressedIn(run, metrics).length === 0

const num = (x: number): string => String(Number(x.toPrecision(6)))

/** `        throughput: 1000 -> 800 ops/s, -200 (-20.0%), higher is better` under the baseline it regressed against. */
function metricText (found: Findings): string[] {
  if (found.length === 0) return []
  const out = [`    metrics that regressed against the baseline (result ${found[0]?.baseline.slice(0, 12) ?? ''}):`]
  for (const { change: c } of found) {
    const sign = c.delta > 0 ? '+' : ''
    const pct = c.pct === null ? '' : ` (${sign}${c.pct.toFixed(1)}%)`
    out.push(`        ${c.name}: ${num(c.a)} -> ${num(c.b)} ${c.unit}, ${sign}${num(c.delta)}${pct}, ${c.direction} is better`)
  }
  return out
}

/** Lines of a log worth quoting: those naming a failing test or saying error/fail, with one line of context. */
function relevantLines (log: string, names: readonly string[], max = MAX_LOG_LINES): string[] {
  const lines = log.replace(/\r/g, '').split('\n')
  const keep = new Set<number>()
  lines.forEach((line, i) => {
    if (RELEVANT.test(line) || names.some((n) => n !== '' && line.includes(n))) for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < lines.length) keep.add(j)
  })
  const out: string[] = []
  let last = -2
  for (const i of [...keep].sort((a, b) => a - b)) {
    if (out.length >= max) { out.push('[...]'); break }
    if (i !== last + 1 && out.length > 0) out.push('[...]')
    out.push(lines[i] as string)
    last = i
  }
  return out
}

async function failureText (node: CairnNode, run: Run): Promise<string[]> {
  const r = run.tests
  const out: string[] = []
  const fails = failing(r)
  for (const t of fails.slice(0, MAX_FAILURES)) {
    out.push(`    ${t.name}: ${t.status}`)
    for (const line of (t.detail ?? '').split('\n').filter((l) => l.trim() !== '').slice(0, 10)) out.push(`        ${line}`)
  }
  if (fails.length > MAX_FAILURES) out.push(`    ... and ${fails.length - MAX_FAILURES} more`)
  if (r.body.message !== undefined) for (const line of r.body.message.split('\n').slice(0, 10)) out.push(`    ${line}`)
  for (const log of r.body.logs) {
    let text: string
    try {
      text = (await node.blobs.get(log.blob)).toString('utf8')
    } catch (err) {
      if (!isCairnError(err)) throw err
      out.push(`    log ${log.name}: not on this node (${err.code})`)
      continue
    }
    const lines = relevantLines(text, fails.map((t) => t.name))
    if (lines.length === 0) continue
    out.push(`    log ${log.name}:`)
    for (const line of lines) out.push(`        ${line}`)
  }
  return out
}

function counts (r: ResultEvent): string {
  const by = new Map<string, number>()
  for (const t of r.body.tests) by.set(t.status, (by.get(t.status) ?? 0) + 1)
  const parts = [...by].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${n} ${s}`)
  return `${r.body.tests.length} test${r.body.tests.length === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`
}

/** RFC 2047 for header text that is not plain ASCII. */
function header (s: string): string {
  const flat = s.replace(/\s*\n\s*/g, ' ').trim()
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`
}

function address (p: { name: string, email: string }): string {
  return p.name === '' ? p.email : `${header(/[(),:;<>@[\]"]/.test(p.name) ? `"${p.name.replace(/"/g, '\\"')}"` : p.name)} <${p.email}>`
}

/** The RFC 5322 date: `Tue, 25 Oct 2022 13:38:41 +0000`. */
function mailDate (d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000').replace(/^(\w{3}), 0?(\d+)/, '$1, $2')
}

function replySubject (series: SeriesView, revision: RevisionView): string {
  const b = revision.body
  if (b.cover !== undefined && b.cover.inheritedFrom === undefined) return `Re: ${b.cover.subject}`
  const first = b.patches.find((p) => p.missing !== true && p.index > 0)
  const v = revision.version > 1 ? ` v${revision.version}` : ''
  return `Re: [PATCH${v}${b.total > 1 ? ` ${first?.index ?? 1}/${b.total}` : ''}] ${first?.subject ?? series.subject}`
}

/** The verdict mail for the revision `ref` names (a series: its latest revision). NO_RESULTS when nothing was tested yet. */
export async function verdictMail (node: CairnNode, ref: string, opts: VerdictOptions = {}): Promise<VerdictMail> {
  const { series, revision } = findRevisionView(node.views, ref)
  const { runs, cancelled } = runsOf(node, revision)
  if (runs.length === 0 && cancelled.length === 0) {
    throw new CairnError('NO_RESULTS', `no result yet for ${series.id} v${revision.version} (revision ${revision.id}); submit a job (cairn job submit --series ${revision.id} ...) and let a runner publish its result first`)
  }
  const b = revision.body
  const metrics = opts.metrics ?? []
  const failed = runs.filter((run) => !passed(run, metrics)).length
  const ok = failed === 0 && cancelled.length === 0
  const outcome = failed > 0 ? 'FAILED' : cancelled.length > 0 ? 'was CANCELLED' : 'passed'
  const runner = (key: string): string => node.views.identities.get(key)?.name ?? key.slice(0, 12)
  const patches = b.patches.filter((p) => p.missing !== true && p.index > 0).length
  const lines: string[] = [
    b.author !== undefined && b.author.name !== '' ? `Hello ${b.author.name},` : 'Hello,',
    '',
    `cairn CI ${outcome} for v${revision.version} of "${b.subject}" (${patches} patch${patches === 1 ? '' : 'es'}).`,
    ''
  ]
  for (const run of runs) {
    const r = run.tests
    const reused = run.result.id !== r.id ? `, reusing ${r.id.slice(0, 12)}` : ''
    lines.push(`${passed(run, metrics) ? 'PASS' : 'FAIL'}  ${run.profile} on ${runner(run.result.author)}: ${r.body.verdict}, ${counts(r)}${reused}`)
    if (r.body.verdict !== 'pass') lines.push(...await failureText(node, run))
    lines.push(...metricText(regressedIn(run, metrics)))
  }
  for (const c of cancelled) lines.push(`CANCELLED  ${c.profile}: job ${c.job.slice(0, 12)} was cancelled before it ran to a result; not tested`)
  const total = runs.length + cancelled.length
  const summary = [
    ...(failed > 0 ? [`Sorry, ${failed} of ${total} test run${total === 1 ? '' : 's'} failed.`] : []),
    ...(cancelled.length > 0 ? [`${cancelled.length} of ${total} test run${total === 1 ? '' : 's'} ${cancelled.length === 1 ? 'was' : 'were'} cancelled: this revision is not fully tested.`] : [])
  ]
  lines.push('', ok ? 'CI passed.' : summary.join('\n'), '',
    'To look at a run: cairn results show RESULT --log',
    ...runs.map((run) => `  ${run.profile}: result ${run.result.id} (job ${run.job.slice(0, 12)})`),
    `Revision: ${revision.id}`, '', '-- ', `cairn node ${node.name !== '' ? node.name : node.identityKey.slice(0, 12)}`)

  const me = node.views.identities.get(node.identityKey)
  const from = opts.from ?? address({ name: me?.name ?? (node.name !== '' ? node.name : 'cairn'), email: me?.emails[0] ?? 'cairn@localhost' })
  const to = opts.to ?? (b.author !== undefined && b.author.email !== '' ? [address(b.author)] : [])
  if (to.length === 0) throw new CairnError('NO_RECIPIENT', `${series.id} v${revision.version} names no author address; give --to ADDRESS`)
  const list = b.source.list
  const cc = opts.to === undefined && list !== undefined && /^[^\s@<>]+@[^\s@<>]+$/.test(list) ? [list] : []
  const anchor = b.cover?.messageId ?? b.patches.find((p) => p.messageId !== undefined)?.messageId ?? ''
  const digest = createHash('sha256').update(revision.id).update(runs.map((r) => r.result.id).join(',')).update(metrics.map((m) => m.baseline).join(',')).digest('hex').slice(0, 24)
  const messageId = `cairn-verdict-${digest}@cairn.invalid`
  const subject = replySubject(series, revision)
  const headers = [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    ...(cc.length > 0 ? [`Cc: ${cc.join(', ')}`] : []),
    `Subject: ${header(subject)}`,
    `Date: ${mailDate(opts.now ?? new Date())}`,
    `Message-ID: <${messageId}>`,
    ...(anchor !== '' ? [`In-Reply-To: <${anchor}>`, `References: <${anchor}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    `X-Cairn-Revision: ${revision.id}`,
    `X-Cairn-Verdict: ${ok ? 'pass' : 'fail'}`
  ]
  return { text: `${headers.join('\n')}\n\n${lines.join('\n')}\n`, from, to, cc, subject, messageId, inReplyTo: anchor, passed: ok, revision: revision.id }
}
