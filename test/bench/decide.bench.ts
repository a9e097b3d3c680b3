// Policy decisions: 10,000 revisions with 20 events each, decided one by one
// on one core, as a maintainer node does (issue 5's target: under 1 s).
import { pathToFileURL } from 'node:url'
import { decide } from '../../machines/decide.js'
import type { AnyEvent } from '../../protocol/event.js'
import { cast, smallestPolicy, World } from '../machines/fixtures.js'

const REVISIONS = Number(process.env.CAIRN_BENCH_REVISIONS ?? 10_000)

export async function run (): Promise<void> {
  const w = new World()
  const c = cast(w)
  const shared = w.events.length // trust and identity events every decision reads
  const perRevision: AnyEvent[][] = []
  const touched: Record<string, string[]> = {}
  const t0 = performance.now()
  for (let i = 0; i < REVISIONS; i++) {
    const start = w.events.length
    const rev = w.revision(c.dev, { series: `s${i}@example.org`, patches: 3 })
    touched[rev.id] = ['fs/xfs/xfs_log.c', 'fs/xfs/xfs_log_recover.c']
    for (const who of [c.alice, c.bob, c.mallory, c.erin]) w.review(who, rev, [['Reviewed-by']])
    for (let p = 1; p <= 3; p++) w.review(c.alice, rev, [['Acked-by']], { patch: p })
    w.review(c.carol, rev, [['Tested-by']])
    for (const profile of ['quick', 'long']) {
      const job = w.job(c.dev, rev, profile)
      w.result(c.runner, job, 'pass', `build-${i}`)
      w.result(c.rogueRunner, job, 'fail', `build-${i}-rogue`)
    }
    while (w.events.length - start < 20) w.emit(c.erin, 'note', { text: `comment ${w.events.length}` }, { refs: [rev.id] })
    perRevision.push(w.events.slice(start))
  }
  const setupMs = performance.now() - t0
  const context = w.context(touched)
  const base = w.events.slice(0, shared)
  const policy = smallestPolicy()
  const verdicts = new Map<string, number>()
  const t1 = performance.now()
  for (const events of perRevision) {
    const d = decide({ ...context, revision: (events[0] as AnyEvent).id, events: [...base, ...events] }, policy)
    verdicts.set(d.verdict, (verdicts.get(d.verdict) ?? 0) + 1)
  }
  const ms = performance.now() - t1
  console.log(`decide: ${REVISIONS.toLocaleString('en-US')} revisions x 20 events in ${ms.toFixed(0)} ms, ${Math.round(REVISIONS / (ms / 1000)).toLocaleString('en-US')} decisions/s on one core (target under 1 s; events signed beforehand in ${(setupMs / 1000).toFixed(1)} s)`)
  console.log(`  verdicts: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
