import test from 'brittle'
import * as fc from 'fast-check'
import { createHash } from 'node:crypto'
import type { AnyEvent } from '../../protocol/event.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import { flakes } from '../../node/views/flakes.js'
import { suiteHistory, testHistory } from '../../node/views/history.js'
import type { HistoryFilter } from '../../node/views/history.js'
import { metricHistory } from '../../node/views/metric-history.js'
import { regressions } from '../../node/views/regressions.js'
import { isStale } from '../../node/views/results.js'
import type { IndexedEvent, Views } from '../../node/views/views.js'
import { allResults, applyEvent, applySteps, memoryViews } from '../helpers/views.js'
import { foldFlakes, foldMetricHistory, foldRegressions, foldStaleResults, foldSuiteHistory, foldTestHistory } from './results-fold.js'

// Test and metric histories, regressions, the flake ledger and staleness read result
// and test rows (node/views/result-rows.ts, written event by event by
// views/db/job-rows.ts and test-rows.ts); after any results, job requests
// and trust, in any order of arrival and across a reindex, they must answer
// what the fold over every result event answered before (results-fold.ts).

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const AUTHORS = [ROOT, hex('trusted runner'), hex('stranger')]
const NAMES = ['a', 'a/1', 'a/2', 'a/b/3', 'ab/1', 'b/1']
const STATUSES = ['pass', 'fail', 'skip', 'xfail', 'xpass', 'error'] as const
const VERDICTS = ['pass', 'fail', 'pass', 'fail', 'reused', 'error', 'aborted'] as const
const MAX_EVENTS = 25

type Spec =
  | { kind: 'job', baseline: boolean, revision: number, repo: number, profile: number, tags: number, base: number, ref: boolean, ts: number }
  | { kind: 'result', author: number, job: number, build: number, testRun: number, verdict: number, reuses: number, tests: Array<{ name: number, status: number }>, metric: number, ts: number }
  | { kind: 'trust', revoked: boolean, ts: number }

const ts = fc.integer({ min: 0, max: 10 }) // few values: ties broken by EventId
const jobSpec = fc.record({ kind: fc.constant('job' as const), baseline: fc.boolean(), revision: fc.integer({ min: 0, max: 1 }), repo: fc.integer({ min: 0, max: 1 }), profile: fc.integer({ min: 0, max: 1 }), tags: fc.integer({ min: 0, max: 1 }), base: fc.integer({ min: 0, max: 2 }), ref: fc.boolean(), ts })
const resultSpec = fc.record({
  kind: fc.constant('result' as const),
  author: fc.integer({ min: 0, max: 2 }),
  job: fc.integer({ min: -2, max: 8 }), // -2: none, -1: a job not here
  build: fc.integer({ min: 0, max: 1 }),
  testRun: fc.integer({ min: 0, max: 2 }), // 0: none
  verdict: fc.integer({ min: 0, max: VERDICTS.length - 1 }),
  reuses: fc.integer({ min: -1, max: 8 }),
  tests: fc.array(fc.record({ name: fc.integer({ min: 0, max: NAMES.length - 1 }), status: fc.integer({ min: 0, max: STATUSES.length - 1 }) }), { maxLength: 6 }),
  metric: fc.integer({ min: -3, max: 3 }), // negative: no metrics
  ts
})
const trustSpec = fc.record({ kind: fc.constant('trust' as const), revoked: fc.boolean(), ts })
const specs = fc.array(fc.oneof({ arbitrary: jobSpec, weight: 3 }, { arbitrary: resultSpec, weight: 6 }, { arbitrary: trustSpec, weight: 1 }), { minLength: 1, maxLength: MAX_EVENTS })

function event<T extends EventType> (type: T, id: string, author: string, ts: number, body: BodyOf<T>, seq: number): IndexedEvent {
  return { id, type, author, ts, refs: [], body, feed: author, seq } as unknown as AnyEvent & { feed: string, seq: number }
}

/** The run's events: ids first, so a result may name any job; `reuses` names an earlier result (an EventId names no later event). */
function makeEvents (list: Spec[], seed: number): IndexedEvent[] {
  const ids = list.map((_, i) => hex(`${seed}/${i}`))
  const jobs = ids.filter((_, i) => list[i]?.kind === 'job')
  return list.map((s, i) => {
    const id = ids[i] as string
    if (s.kind === 'trust') return event('trust.set', id, ROOT, s.ts, { subject: AUTHORS[1] as string, roles: ['runner'], ...(s.revoked ? { revoked: true } : {}) }, i)
    if (s.kind === 'job') {
      return event('job.request', id, ROOT, s.ts, {
        project: 'p', repo: `repo${s.repo}`, base: `base${s.base}`, ...(s.ref ? { ref: `v${s.base}` } : {}), ...(s.baseline ? {} : { revision: hex(`revision ${s.revision}`) }),
        recipe: {}, profile: `profile${s.profile}`, tags: s.tags === 0 ? [] : ['x86'], priority: 0
      }, i)
    }
    const earlier = ids.filter((_, j) => j < i && list[j]?.kind === 'result')
    const named = new Set<number>()
    const tests = s.tests.filter((t) => !named.has(t.name) && named.add(t.name) !== undefined).map((t) => ({ name: NAMES[t.name] as string, status: STATUSES[t.status] as typeof STATUSES[number], duration: t.status * 10 }))
    const verdict = VERDICTS[s.verdict] as typeof VERDICTS[number]
    return event('result', id, AUTHORS[s.author] as string, s.ts, {
      ...(s.job === -2 ? {} : { job: s.job === -1 || jobs.length === 0 ? hex('no job') : jobs[s.job % jobs.length] as string }),
      build: `b${s.build}`, testRun: s.testRun === 0 ? '' : `t${s.testRun}`, verdict, tests, logs: [], environment: {},
      ...(verdict === 'reused' && s.reuses >= 0 && earlier.length > 0 ? { reuses: earlier[s.reuses % earlier.length] as string } : {}),
      ...(s.metric < 0 ? {} : { metrics: [{ name: 'boot', value: 100 + s.metric * 20, unit: 'ms', direction: 'lower' as const }] })
    }, i)
  })
}

const FILTERS: HistoryFilter[] = [{}, { profile: 'profile0' }, { kind: 'baseline' }, { kind: 'revision' }, { runner: AUTHORS[1] as string }, { since: 5 }]
const SUITES = ['a', 'a/b', 'b', 'zz']

/** What the rows answer and what the fold answers, side by side. */
function answers (views: Views): { rows: Record<string, unknown>, fold: Record<string, unknown> } {
  const rows: Record<string, unknown> = {}
  const fold: Record<string, unknown> = {}
  for (const [i, filter] of FILTERS.entries()) {
    for (const name of [...NAMES, 'none']) {
      rows[`test ${name} ${i}`] = testHistory(views, name, filter)
      fold[`test ${name} ${i}`] = foldTestHistory(views, name, filter)
    }
    for (const suite of SUITES) {
      rows[`suite ${suite} ${i}`] = suiteHistory(views, suite, filter)
      fold[`suite ${suite} ${i}`] = foldSuiteHistory(views, suite, filter)
    }
    for (const metric of ['boot', 'none']) {
      rows[`metric ${metric} ${i}`] = metricHistory(views, metric, filter)
      fold[`metric ${metric} ${i}`] = foldMetricHistory(views, metric, filter)
    }
  }
  rows.regressions = regressions(views)
  fold.regressions = foldRegressions(views)
  rows.regressionsSince = regressions(views, 5)
  fold.regressionsSince = foldRegressions(views, 5)
  rows.flakes = flakes(views)
  fold.flakes = foldFlakes(views)
  const stale = foldStaleResults(views)
  rows.stale = allResults(views).map((e) => isStale(views, e.body))
  fold.stale = allResults(views).map((e) => stale.has(e.id))
  rows.holds = NAMES.map((n) => views.resultRows.hasTest(n))
  fold.holds = NAMES.map((n) => allResults(views).some((e) => e.body.tests.some((t) => t.name === n)))
  return { rows, fold }
}

const step = fc.record({ query: fc.integer({ min: 0, max: 3 }).map((n) => n === 0), reindex: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), key: fc.nat() })

test('result rows: histories, regressions, flakes and staleness answer as the fold over every result, in any order of arrival and after a reindex', async (t) => {
  let reads = 0
  let points = 0
  await fc.assert(fc.asyncProperty(specs, fc.nat(), fc.boolean(), fc.array(step, { minLength: MAX_EVENTS, maxLength: MAX_EVENTS }), async (list, seed, shuffle, steps) => {
    const views = memoryViews(ROOT)
    try {
      return await applySteps(views, makeEvents(list, seed), shuffle, steps, (applied) => {
        reads++
        const { rows, fold } = answers(views)
        points += Object.values(fold).reduce<number>((n, v) => n + ((v as { points?: unknown[] }).points?.length ?? 0), 0)
        const differ = Object.keys(fold).filter((k) => JSON.stringify(rows[k]) !== JSON.stringify(fold[k]))
        for (const k of differ.slice(0, 3)) t.alike(rows[k], fold[k], `${k}, after ${applied.length} of ${list.length} events`)
        return differ.length === 0
      })
    } finally {
      views.close()
    }
  }), { numRuns: 200 })
  t.ok(points > 1000, `every read equals the fold (${reads} reads, ${points} history points)`)
})

test('result rows: a metric\'s history decodes only the runs holding that metric, each once, however many results there are', (t) => {
  const views = memoryViews(ROOT)
  let seq = 0
  const add = (type: EventType, body: unknown): string => {
    const id = hex(`bounded ${seq}`)
    applyEvent(views, event(type, id, ROOT, seq, body as BodyOf<typeof type>, seq++))
    return id
  }
  const job = add('job.request', { project: 'p', repo: 'r', base: 'b', ref: 'v1', recipe: {}, profile: 'quick', tags: [], priority: 0 })
  const result = (extra: Partial<BodyOf<'result'>>): string => add('result', { job, build: 'b', testRun: 't', verdict: 'pass', tests: [{ name: 'a', status: 'pass' }], logs: [], environment: {}, ...extra })
  for (let i = 0; i < 50; i++) result({})
  const run = result({ metrics: [{ name: 'boot', value: 100, unit: 'ms', direction: 'lower' }] })
  for (let i = 0; i < 20; i++) result({ metrics: [{ name: 'other', value: i, unit: 'ms', direction: 'lower' }] })
  const reused = result({ verdict: 'reused', reuses: run, tests: [] })
  result({ verdict: 'reused', reuses: reused, tests: [] })
  const before = views.decoded.get('result') ?? 0
  const history = metricHistory(views, 'boot')
  t.is((views.decoded.get('result') ?? 0) - before, 1, 'the run holding it: not the 50 without metrics, nor the 20 holding another')
  t.is(history.points.flatMap((p) => p.runs).length, 3, 'the run and the two results reusing it (one through the other)')
  t.alike(history, foldMetricHistory(views, 'boot'), 'as the fold over every result')
  views.close()
})
