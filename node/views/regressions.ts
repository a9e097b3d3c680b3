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
import { deriveOver } from './derive-over.js'
import { flakyTests } from './flakes.js'
import { trackMetrics } from './metric-regressions.js'
import type { MetricRegression } from './metric-regressions.js'
import { trustedRunners } from './jobs.js'
import { allResults, requestOf, resolveResult } from './results.js'
import type { ResultEvent } from './results.js'
import type { Views } from './views.js'

export interface Sighting { result: string, commit: string, ref: string | null, ts: number }

interface Regression {
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

function sighting (e: ResultEvent, base: string, ref: string | undefined): Sighting {
  return { result: e.id, commit: base, ref: ref ?? null, ts: e.ts }
}

interface Tree { key: string, project: string, profile: string, tags: string[], results: Array<{ e: ResultEvent, source: ResultEvent, at: Sighting }> }

/** Trusted baseline results with real runs behind them, grouped by tree, oldest first. */
function trees (views: Views): Tree[] {
  const trusted = new Set(trustedRunners(views))
  const byKey = new Map<string, Tree>()
  for (const e of allResults(views)) {
    const request = requestOf(views, e)
    if (!trusted.has(e.author) || request === null || request.body.revision !== undefined) continue
    const source = resolveResult(views, e)
    if (source === null || (source.body.verdict !== 'pass' && source.body.verdict !== 'fail')) continue
    const b = request.body
    const key = JSON.stringify([b.project, b.profile, b.tags])
    let tree = byKey.get(key)
    if (tree === undefined) byKey.set(key, tree = { key, project: b.project, profile: b.profile, tags: b.tags, results: [] })
    tree.results.push({ e, source, at: sighting(e, b.base, b.ref) })
  }
  return [...byKey.values()]
}

function track (views: Views, tree: Tree): Regression[] {
  const flaky = flakyTests(views, [...new Set(tree.results.map((r) => r.source.body.testRun))])
  const lastPass = new Map<string, Sighting>()
  const open = new Map<string, Regression>()
  const out: Regression[] = []
  for (const { source, at } of tree.results) {
    for (const t of source.body.tests) {
      if (flaky.has(t.name)) continue
      const reg = open.get(t.name)
      if (isFailing(t.status)) {
        if (reg !== undefined) { reg.lastSeen = at; continue }
        const pass = lastPass.get(t.name)
        if (pass === undefined) continue // failing since it was first run: not a regression
        const created: Regression = { project: tree.project, profile: tree.profile, tags: tree.tags, test: t.name, state: 'failing', firstSeen: at, lastSeen: at, lastPass: pass, fixedBy: null }
        open.set(t.name, created)
        out.push(created)
      } else if (t.status === 'pass' || t.status === 'xfail') {
        lastPass.set(t.name, at)
        if (reg !== undefined) { reg.state = 'fixed'; reg.fixedBy = at; open.delete(t.name) }
      }
    }
  }
  return out
}

/** Every regression of every tree, open ones first, then by when first seen; from results published at or after `since` (the archive cut-off) when given. */
export function regressions (views: Views, since?: number): Regression[] {
  return deriveOver(views, ['result', 'job.request', 'trust.set'], `regressions/all/${since ?? ''}`, (v) => {
    const all = trees(v).flatMap((whole) => {
      const tree = { ...whole, results: whole.results.filter((r) => since === undefined || r.e.ts >= since) }
      const where = { project: tree.project, profile: tree.profile, tags: tree.tags }
      return [...track(v, tree), ...trackMetrics(tree.results).map((m): Regression => ({ ...where, ...m }))]
    })
    return all.sort((a, b) => (a.state === b.state ? 0 : a.state === 'failing' ? -1 : 1) || a.firstSeen.ts - b.firstSeen.ts)
  })
}
