/**
 * Regressions tracked over a tree's baseline results (metrics alike, in
 * metric-regressions.ts): a test that passed
 * and then fails is a regression, first seen in that result; it stays open
 * (still failing, last seen) until a later result passes it, which fixed it.
 * A tree is a project tested with one profile and tag set; its results are
 * taken in the order they were published (ts, EventId), each reused result
 * as the run it stands for. Series results are not the tree's: a series
 * that breaks a test is compare's business until it is merged. A test the
 * flake ledger holds flaky for any identity of the tree is left out (it is
 * in the ledger, not a regression).
 */
import { isFailing } from '../../protocol/results.js'
import type { TestStatus } from '../../protocol/results.js'
import { deriveOver } from './derive-over.js'
import { flakyTests } from './flakes.js'
import { trackMetrics } from './metric-regressions.js'
import type { MetricRegression, MetricRun } from './metric-regressions.js'
import { jobRequest, trustedRunners } from './jobs.js'
import type { ResultRow } from './result-rows.js'
import type { Views } from './views.js'

export interface Sighting { result: string, commit: string, ref: string | null, ts: number }

export interface Regression {
  project: string
  profile: string
  tags: string[]
  test: string
  state: 'failing' | 'fixed'
  firstSeen: Sighting
  lastSeen: Sighting
  /** The last result before it that passed the test. */
  lastPass: Sighting
  fixedBy: Sighting | null
  /** A metric regression (test is the metric's name): its size against the reference, lastPass. */
  metric?: MetricRegression<Sighting>['metric']
}

/** A result of a tree and the run whose tests stand for it. */
interface TreeRun { row: ResultRow, source: ResultRow, at: Sighting }
interface Tree { key: string, project: string, profile: string, tags: string[], results: TreeRun[] }

/** Trusted baseline results with real runs behind them, grouped by tree, oldest first (result rows; no result body is read). */
function trees (views: Views): Tree[] {
  const trusted = new Set(trustedRunners(views))
  const byKey = new Map<string, Tree>()
  for (const row of views.resultRows.baselines()) {
    if (!trusted.has(row.author)) continue
    const source = views.resultRows.resolve(row)
    if (source === null || (source.verdict !== 'pass' && source.verdict !== 'fail')) continue
    const b = (jobRequest(views, row.job as string) as NonNullable<ReturnType<typeof jobRequest>>).body
    let tree = byKey.get(row.tree)
    if (tree === undefined) byKey.set(row.tree, tree = { key: row.tree, project: b.project, profile: b.profile, tags: b.tags, results: [] })
    tree.results.push({ row, source, at: { result: row.id, commit: b.base, ref: b.ref ?? null, ts: row.ts } })
  }
  return [...byKey.values()]
}

/**
 * A tree's test regressions. Only a test some run of the tree fails can
 * regress, so only those tests' rows are read (the failing rows are
 * indexed by result); each is walked in the tree's order.
 */
function track (views: Views, tree: Tree): Regression[] {
  const sources = [...new Set(tree.results.map((r) => r.source.n))]
  const flaky = flakyTests(views, [...new Set(tree.results.map((r) => r.source.testRun))])
  const names = new Set(sources.flatMap((n) => views.resultRows.failing(n)))
  const found: Array<{ reg: Regression, at: number, pos: number }> = []
  for (const name of names) {
    if (flaky.has(name)) continue
    const rows = new Map(views.resultRows.statuses(name, sources).map((t) => [t.result, t]))
    let lastPass: Sighting | undefined
    let open: Regression | undefined
    for (const [i, { source, at }] of tree.results.entries()) {
      const t = rows.get(source.n)
      if (t === undefined) continue
      if (isFailing(t.status as TestStatus)) {
        if (open !== undefined) { open.lastSeen = at; continue }
        if (lastPass === undefined) continue // failing since it was first run: not a regression
        open = { project: tree.project, profile: tree.profile, tags: tree.tags, test: name, state: 'failing', firstSeen: at, lastSeen: at, lastPass, fixedBy: null }
        found.push({ reg: open, at: i, pos: t.pos })
      } else if (t.status === 'pass' || t.status === 'xfail') {
        lastPass = at
        if (open !== undefined) { open.state = 'fixed'; open.fixedBy = at; open = undefined }
      }
    }
  }
  // In the order they were first seen: by result, then by the test's place in it.
  return found.sort((a, b) => a.at - b.at || a.pos - b.pos).map((f) => f.reg)
}

/** The tree's runs for trackMetrics: a run's body is read only when it holds metrics. */
function metricRuns (views: Views, tree: Tree): Array<MetricRun<Sighting>> {
  const bodies = new Map<number, MetricRun<Sighting>['source']>()
  return tree.results.map(({ source, at }) => {
    let body = bodies.get(source.n)
    if (body === undefined) {
      const e = source.metrics > 0 ? views.event(source.id) : undefined
      bodies.set(source.n, body = { body: { testRun: source.testRun, ...(e?.type === 'result' && e.body.metrics !== undefined ? { metrics: e.body.metrics } : {}) } })
    }
    return { source: body, at }
  })
}

/** Every regression of every tree, open ones first, then by when first seen; from results published at or after `since` (the archive cut-off) when given. */
export function regressions (views: Views, since?: number): Regression[] {
  return deriveOver(views, ['result', 'job.request', 'trust.set'], `regressions/all/${since ?? ''}`, (v) => {
    const all = trees(v).flatMap((whole) => {
      const tree = { ...whole, results: whole.results.filter((r) => since === undefined || r.row.ts >= since) }
      const where = { project: tree.project, profile: tree.profile, tags: tree.tags }
      return [...track(v, tree), ...trackMetrics(metricRuns(v, tree)).map((m): Regression => ({ ...where, ...m }))]
    })
    return all.sort((a, b) => (a.state === b.state ? 0 : a.state === 'failing' ? -1 : 1) || a.firstSeen.ts - b.firstSeen.ts)
  })
}
