import test from 'brittle'
import { parsePolicy, withMaintainers } from '../../machines/policy-file.js'
import { CairnError } from '../../protocol/errors.js'
import type { CairnEvent } from '../../protocol/event.js'
import { verifyDecision } from '../../machines/decide.js'
import { baselineOf } from '../../machines/job-inputs.js'
import { draftKey, planPass, revisionsToPlan } from '../../node/daemon/maintainer-plan.js'
import type { DiffRead, Intent, PlanInput } from '../../node/daemon/maintainer-plan.js'
import { revisionEvent } from '../../node/policy/events.js'
import type { RevisionEvent } from '../../node/policy/events.js'
import type { Views } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'
import { cast, World } from '../machines/fixtures.js'

const POLICY = parsePolicy(`reviews: { required: 2, role: reviewer }
tests: { required: [quick] }
veto: [Nacked-by]
selection:
  - match: 'fs/xfs/**'
    profiles: [xfstests]
autoSubmit: true
`)
const TEMPLATE = { repo: 'https://git.example.org/xfs.git', base: 'HEAD', tags: ['x86_64'] }
const XFS = { touched: ['fs/xfs/log.c'], patchIds: null }

function viewsOf (w: World): Views {
  const views = memoryViews(w.root.key)
  w.events.forEach((e, seq) => applyEvent(views, { ...e, feed: 'f'.repeat(64), seq }))
  return views
}

/** Plan over the world's events as the root node holds them; every revision's diffs read unless `diffs` says otherwise. */
function plan (w: World, revisions: Array<{ id: string }>, over: Partial<Omit<PlanInput, 'views' | 'revisions'>> = {}): { intents: Intent[], views: Views } {
  const views = viewsOf(w)
  const revs = revisions.map((r) => revisionEvent(views, r.id) as RevisionEvent)
  const diffs = new Map<string, DiffRead>((views.ofType('series.revision')).map((r) => [r.id, XFS]))
  const intents = planPass({ views, policy: POLICY, template: TEMPLATE, revisions: revs, diffs, submitted: new Set(), ...over })
  return { intents, views }
}

/** An intent as kind, revision and what it carries, to compare. */
function brief (i: Intent): unknown[] {
  switch (i.kind) {
    case 'submit-jobs': return [i.kind, i.revision.id, i.jobs.map((j) => j.body.profile).sort()]
    case 'publish-decision': return [i.kind, i.revision.id, i.decision.verdict, i.decision.state]
    case 'wait': return [i.kind, i.revision.id]
    case 'cannot-decide': return [i.kind, i.revision.id, i.reason]
  }
}

/** What the root node would have published for `intent`. */
function publish (w: World, intent: Intent | undefined): CairnEvent<'decision'> {
  if (intent?.kind !== 'publish-decision') throw new Error(`not a decision: ${JSON.stringify(intent)}`)
  return w.emit(w.root, 'decision', intent.decision, { refs: [intent.revision.id] })
}

test('planPass(): jobs test selection asks for come first; the decision follows once they are in the views', (t) => {
  const w = new World()
  cast(w)
  const v1 = w.revision(cast(w).dev, { patches: 1 })
  t.alike(plan(w, [v1]).intents.map(brief), [['submit-jobs', v1.id, ['quick', 'xfstests']]], 'the required profile and the one selected for fs/xfs, no decision yet')
  t.alike(plan(w, [v1], { submitted: new Set([`${v1.id}\u0000quick`]) }).intents.map(brief), [['submit-jobs', v1.id, ['xfstests']]], 'a job this node posted is not planned again before the views show it')

  w.job(w.root, v1, 'quick')
  w.job(w.root, v1, 'xfstests')
  const { intents } = plan(w, [v1])
  t.alike(intents.map(brief), [['publish-decision', v1.id, 'needs-tests', 'testing']], 'decided with its jobs')
  publish(w, intents[0])
  t.alike(plan(w, [v1]).intents, [], 'the verdict this node published last: nothing to do')
})

test('planPass(): a decision only when the verdict differs from the last one this node published', (t) => {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { patches: 1 })
  const quiet = { template: null }
  const first = plan(w, [v1], quiet).intents
  t.alike(first.map(brief), [['publish-decision', v1.id, 'needs-tests', 'new']], 'no template: nothing submitted, decided at once')
  w.emit(p.carol, 'decision', (first[0] as Extract<Intent, { kind: 'publish-decision' }>).decision, { refs: [v1.id] })
  t.is(plan(w, [v1], quiet).intents.length, 1, 'another identity\'s decision is not this node\'s')
  publish(w, first[0])
  w.review(p.alice, v1, [['Reviewed-by']])
  t.alike(plan(w, [v1], quiet).intents, [], 'a review that keeps the verdict: nothing')
  w.review(p.carol, v1, [['Nacked-by']])
  t.alike(plan(w, [v1], quiet).intents.map(brief), [['publish-decision', v1.id, 'reject', 'rejected']], 'a maintainer\'s veto changes it')
  t.alike(plan(w, [v1]).intents.map(brief), [['publish-decision', v1.id, 'reject', 'rejected']], 'a rejected revision gets no jobs, even with a template')
  t.alike(plan(w, [v1], { policy: { ...POLICY, autoSubmit: false } }).intents.map(brief), [['publish-decision', v1.id, 'reject', 'rejected']])
})

test('planPass(): diffs not here yet wait; a diff that cannot be read is said once, as cannot-decide', (t) => {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { patches: 1 })
  const v2 = w.revision(p.dev, { version: 2, patches: 1 })
  const other = w.revision(p.erin, { series: 'other@example.org', patches: 1 })
  const missing = new CairnError('BLOB_MISSING', 'blob aaaa is not here yet')
  const diffs = new Map<string, DiffRead>([[v1.id, missing], [v2.id, XFS], [other.id, new CairnError('BLOB_CORRUPT', 'blob bbbb does not match its hash')]])
  t.alike(plan(w, [v1, v2, other], { diffs, template: null }).intents.map(brief), [
    ['wait', v1.id],
    ['wait', v2.id],
    ['cannot-decide', other.id, 'BLOB_CORRUPT: blob bbbb does not match its hash']
  ], 'v2 waits for v1\'s diffs too (their patch-ids decide whether reviews carry over)')
  t.alike(plan(w, [v2], { diffs: new Map([[v2.id, XFS]]) }).intents.map(brief), [['wait', v2.id]], 'diffs not read at all: wait')
  const notFollowed = new Map<string, DiffRead>([[v1.id, new CairnError('NOT_FOLLOWED', 'core cccc is not carried')]])
  t.alike(plan(w, [v1], { diffs: notFollowed }).intents.map(brief), [['wait', v1.id]], 'a blobs core not adopted yet: wait')
})

test('revisionsToPlan(): every revision, or those the arrived events affect, with the waiting ones, in (ts, id) order', (t) => {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { patches: 1 })
  const other = w.revision(p.erin, { series: 'other@example.org', patches: 1 })
  const v2 = w.revision(p.dev, { version: 2, patches: 1 })
  const review = w.review(p.alice, v1, [['Reviewed-by']])
  const note = w.emit(p.dev, 'note', { text: 'noise' })
  const trust = w.trust(p.dave, 'reviewer')
  const views = viewsOf(w)
  const ids = (arrived: Parameters<typeof revisionsToPlan>[1], waiting: string[] = []): string[] => revisionsToPlan(views, arrived, waiting).map((r) => r.id)
  const at = (e: { id: string }): NonNullable<ReturnType<typeof views.event>> => views.event(e.id) as NonNullable<ReturnType<typeof views.event>>
  t.alike(ids('all'), [v1.id, other.id, v2.id])
  t.alike(ids([at(review)]), [v1.id, v2.id], 'a review of v1 may carry over to v2')
  t.alike(ids([at(note)]), [], 'a note affects no decision')
  t.alike(ids([at(note)], [other.id, 'e'.repeat(64)]), [other.id], 'waiting revisions again; an id that is no revision is dropped')
  t.alike(ids([at(trust)]), [v1.id, other.id, v2.id], 'a trust change by this node: every revision')
})

test('planPass(): a maintainer decides only for the lists and projects it covers (its own series, its MAINTAINERS L:), not for a lab\'s other lists', (t) => {
  const w = new World()
  const p = cast(w)
  const onList = (author: typeof p.dev, list: string, project: string, series: string): ReturnType<typeof w.revision> => {
    const r = w.revision(author, { series, project, patches: 1 })
    return w.emit(author, 'series.revision', { ...r.body, source: { messageIds: [`${series}-listed`], list } })
  }
  const quiet = { template: null }
  const lone = w.revision(p.dev, { patches: 1 })
  t.alike(plan(w, [lone], quiet).intents.map(brief), [['publish-decision', lone.id, 'needs-tests', 'new']], 'no list named, no series of its own: a series posted to it directly is decided')
  const listed = onList(p.erin, 'linux-ext4.vger.kernel.org', 'linux-ext4', 'synced@example.org')
  t.alike(plan(w, [lone, listed], quiet).intents.map((i) => i.revision.id), [lone.id], 'but none that came by a list it never named (a lab\'s, after one sync)')

  const ours = onList(w.root, 'linux-xfs.vger.kernel.org', 'linux-xfs', 'ours@example.org')
  const lab = onList(p.erin, 'linux-ext4.vger.kernel.org', 'linux-ext4', 'lab@example.org')
  const bare = onList(p.erin, 'linux-xfs', 'linux-xfs', 'bare@example.org')
  const decided = plan(w, [lone, ours, lab, bare], quiet).intents.map((i) => i.revision.id)
  t.alike(decided, [lone.id, ours.id, bare.id], 'the lab\'s ext4 series gets nothing; the xfs list (by List-Id or bare name) and the project of its own series do')

  const policy = withMaintainers({ ...POLICY, maintainers: { file: 'MAINTAINERS', digest: null, parsed: null } }, 'EXT4\nM:\tTed <tytso@example.org>\nL:\tlinux-ext4@vger.kernel.org\nF:\tfs/ext4/\n')
  t.ok(plan(w, [lab], { ...quiet, policy }).intents.some((i) => i.revision.id === lab.id), 'a list its MAINTAINERS names (L:) is covered')
})

test('planPass(): a node whose own series name no list (cairn post) covers its project\'s revisions that came by a list', (t) => {
  const w = new World()
  const p = cast(w)
  const own = w.revision(w.root, { series: 'posted@example.org', project: 'linux-xfs', patches: 1 })
  const listed = (project: string, series: string): ReturnType<typeof w.revision> => {
    const r = w.revision(p.erin, { series, project, patches: 1 })
    return w.emit(p.erin, 'series.revision', { ...r.body, source: { messageIds: [`${series}-listed`], list: 'linux-ext4.vger.kernel.org' } })
  }
  const xfs = listed('linux-xfs', 'xfs@example.org')
  const ext4 = listed('linux-ext4', 'ext4@example.org')
  const decided = plan(w, [own, xfs, ext4], { template: null }).intents.map((i) => i.revision.id)
  t.alike(decided, [own.id, xfs.id], 'its project is covered whatever list brought it; another project on that list is not')
})

test('planPass() with a metric gate: the baseline job is requested after the series job; a regression against its result fails the required result, with the metric in the reasons; the decision replays from its inputs', (t) => {
  const w = new World()
  const p = cast(w)
  const gated = parsePolicy(`reviews: { required: 0, role: reviewer }\ntests: { required: [quick] }\nveto: []\nautoSubmit: true\nmetrics: { gate: [throughput] }\n`)
  const v1 = w.revision(p.dev, { patches: 1 })
  const series = w.job(w.root, v1, 'quick')
  const { intents } = plan(w, [v1], { policy: gated })
  const baselineDraft = intents[0]?.kind === 'submit-jobs' ? intents[0].jobs[0] : undefined
  t.alike(baselineDraft?.body, baselineOf(series.body), 'the baseline of the quick job: its inputs without the series')
  t.absent(plan(w, [v1], { policy: gated, submitted: new Set([draftKey(v1.id, baselineOf(series.body))]) }).intents.some((i) => i.kind === 'submit-jobs'), 'not twice from this process')
  const baseline = w.emit(w.root, 'job.request', baselineOf(series.body))
  const measured = (job: { id: string }, build: string, throughput: number, latency: number): CairnEvent<'result'> => w.emit(p.runner, 'result', {
    job: job.id, build, testRun: `${build}-run`, verdict: 'pass', tests: [{ name: 'bench', status: 'pass' }], logs: [], environment: {},
    metrics: [{ name: 'throughput', value: throughput, unit: 'ops/s', direction: 'higher' }, { name: 'latency', value: latency, unit: 'ms', direction: 'lower' }]
  }, { refs: [job.id] })
  const run = measured(series, 'series', 800, 300)
  const waiting = plan(w, [v1], { policy: gated }).intents[0]
  t.is(waiting?.kind === 'publish-decision' ? waiting.decision.verdict : null, 'needs-tests', 'its baseline has no result: the result does not count yet')
  const base = measured(baseline, 'base', 1000, 200)
  const views = viewsOf(w)
  t.alike(revisionsToPlan(views, [views.event(base.id) as NonNullable<ReturnType<typeof views.event>>], []).map((r) => r.id), [v1.id], 'the baseline\'s result brings the revision up again')
  const decided = plan(w, [v1], { policy: gated }).intents[0]
  const decision = decided?.kind === 'publish-decision' ? decided.decision : null
  t.is(decision?.verdict, 'reject', 'a 20% throughput drop fails the quick result')
  t.ok(decision?.reasons.includes(`result ${run.id.slice(0, 8)} (quick) fails the metric gate: throughput 1000 -> 800 ops/s (-20.0%), higher is better, against baseline result ${base.id.slice(0, 8)}`), decision?.reasons.join('\n'))
  t.absent(decision?.reasons.some((r) => r.includes('latency')), 'latency is not gated')
  const ungated = plan(w, [v1], { policy: { ...gated, metrics: { names: ['other'], minChange: {} } } }).intents[0]
  t.is(ungated?.kind === 'publish-decision' ? ungated.decision.verdict : null, 'merge', 'a gate on other metrics passes it')
  const inputs = new Set(decision?.inputs)
  const replay = verifyDecision(decision as NonNullable<typeof decision>, w.events.filter((e) => inputs.has(e.id)), gated, w.context({ [v1.id]: XFS.touched }))
  t.ok(replay.ok, replay.problems.join('; '))
})
