// Policy decisions: 10,000 revisions with 20 events each, decided one by one
// on one core, as a maintainer node does (issue 5's target: under 1 s). The
// revisions vary (vetoes, failed and stale results, short reviews, newer
// versions) so the replay memo sees many shapes. The reference, in the same
// run: the same decisions with XState's pure transition() called once per
// fact, which must agree on every state.
import { pathToFileURL } from 'node:url'
import { decide } from '../../machines/decide.js'
import { gatherFacts } from '../../machines/facts.js'
import { mergePolicy } from '../../machines/merge-policy.js'
import { orderEvents } from '../../machines/order.js'
import { revisionLifecycle, stateName } from '../../machines/revision-lifecycle.js'
import type { AnyEvent } from '../../protocol/event.js'
import { BUILD_1, BUILD_2, cast, smallestPolicy, stepByStep, World } from '../machines/fixtures.js'

const REVISIONS = Number(process.env.CAIRN_BENCH_REVISIONS ?? 10_000)
const REFERENCE = Math.min(REVISIONS, 1000)

export async function run (): Promise<void> {
  const w = new World()
  const c = cast(w)
  const shared = w.events.length // trust and identity events every decision reads
  const perRevision: AnyEvent[][] = []
  const touched: Record<string, string[]> = {}
  const t0 = performance.now()
  for (let i = 0; i < REVISIONS; i++) {
    const start = w.events.length
    const rev = w.revision(c.dev, { series: `s${i >> 1}@example.org`, version: 1 + (i & 1), patches: 3 })
    touched[rev.id] = ['fs/xfs/xfs_log.c', 'fs/xfs/xfs_log_recover.c']
    const jobs = ['quick', 'long'].map((profile) => w.job(c.dev, rev, profile))
    for (const job of jobs) {
      const quick = job.body.profile === 'quick'
      if (i % 17 !== 0 || !quick) w.result(c.runner, job, i % 7 === 0 && quick ? 'fail' : 'pass', BUILD_1) // none yet: needs-tests
      w.result(c.rogueRunner, job, 'fail', `build-${i}-rogue`)
    }
    const reviewers = i % 4 === 0 ? [c.alice, c.mallory] : [c.alice, c.bob, c.mallory, c.erin]
    for (const who of reviewers) w.review(who, rev, [['Reviewed-by']])
    if (i % 13 === 0) w.review(c.carol, rev, [['Nacked-by']])
    for (let p = 1; p <= 3; p++) w.review(c.alice, rev, [['Acked-by']], { patch: p })
    if (i % 11 === 0) w.result(c.runner, jobs[0] as { id: string }, 'pass', BUILD_2) // a new build after the approvals: stale
    while (w.events.length - start < 20) w.emit(c.erin, 'note', { text: `comment ${w.events.length}` }, { refs: [rev.id] })
    perRevision.push(w.events.slice(start))
  }
  // One v1 in four also sees its v2, which supersedes it.
  for (let i = 0; i + 1 < perRevision.length; i += 8) perRevision[i] = [...(perRevision[i] ?? []), (perRevision[i + 1] ?? [])[0] as AnyEvent]
  const setupMs = performance.now() - t0
  const context = w.context(touched)
  const base = w.events.slice(0, shared)
  const policy = smallestPolicy()

  const verdicts = new Map<string, number>()
  const states: string[] = []
  const t1 = performance.now()
  const cpu1 = process.cpuUsage()
  for (const events of perRevision) {
    const d = decide({ ...context, revision: (events[0] as AnyEvent).id, events: [...base, ...events] }, policy)
    verdicts.set(d.verdict, (verdicts.get(d.verdict) ?? 0) + 1)
    states.push(d.state)
  }
  const ms = performance.now() - t1
  const cpuMs = cpuSince(cpu1)

  let agree = 0
  const t2 = performance.now()
  const cpu2 = process.cpuUsage()
  for (let i = 0; i < REFERENCE; i++) {
    const events = perRevision[i] as AnyEvent[]
    const g = gatherFacts((events[0] as AnyEvent).id, orderEvents([...base, ...events]), policy, context)
    stepByStep(mergePolicy, g.input, g.facts)
    if (stateName(stepByStep(revisionLifecycle, g.input, g.facts).value) === states[i]) agree++
  }
  const refMs = (performance.now() - t2) * (REVISIONS / REFERENCE)
  const refCpuMs = cpuSince(cpu2) * (REVISIONS / REFERENCE)

  console.log(`decide: ${REVISIONS.toLocaleString('en-US')} revisions x 20 events in ${ms.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms), ${Math.round(REVISIONS / (ms / 1000)).toLocaleString('en-US')} decisions/s on one core (target under 1 s; events signed beforehand in ${(setupMs / 1000).toFixed(1)} s)`)
  console.log(`  reference, XState transition() once per fact: ${refMs.toFixed(0)} ms (CPU ${refCpuMs.toFixed(0)} ms) for the same (timed on ${REFERENCE.toLocaleString('en-US')}, scaled), ${(refMs / ms).toFixed(1)}x slower; states agree on ${agree}/${REFERENCE}`)
  console.log(`  verdicts: ${[...verdicts].sort().map(([v, n]) => `${v} ${n}`).join(', ')}`)
  if (agree !== REFERENCE) throw new Error(`replay and step-by-step XState disagree on ${REFERENCE - agree} revisions`)
}

/** CPU time of this process since `from`, in ms: steadier than the wall clock on a shared machine. */
function cpuSince (from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1000
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
