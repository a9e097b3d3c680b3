// GET /api/results and `results list` page through the results' rows
// (issue 12: memory by what a command does, not by the history): a page
// decodes the results it shows, and the pages, filters, counts and a
// series' results answer as the fold over every result did.
import test from 'brittle'
import Fastify from 'fastify'
import { createHash } from 'node:crypto'
import type { RouteContext } from '../../node/http/context.js'
import { resultRoutes } from '../../node/http/routes/results.js'
import { resultsOfSeries } from '../../node/views/results.js'
import type { ResultEvent } from '../../node/views/results.js'
import type { IndexedEvent, ResultFilter, Views } from '../../node/views/views.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import { allResults, applyEvent, memoryViews } from '../helpers/views.js'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const RESULTS = 150
const VERDICTS = ['pass', 'fail', 'error'] as const

function fill (views: Views): { revisions: string[], jobs: string[] } {
  let seq = 0
  const add = (type: EventType, ts: number, body: unknown): string => {
    const id = hex(`${type} ${seq}`)
    applyEvent(views, { id, type, author: ROOT, ts, refs: [], body, feed: ROOT, seq: seq++ } as unknown as IndexedEvent)
    return id
  }
  const revision = (series: string, version: number): string => add('series.revision', 0, { project: 'linux', series, version, subject: series, total: 1, patches: [{ index: 1, subject: series }], source: { messageIds: [`<${series}.${version}@x>`] } })
  const revisions = [revision('a', 1), revision('a', 2), revision('b', 1)]
  const jobs = [undefined, ...revisions].map((r, i) => add('job.request', 1, { project: 'linux', repo: 'r', base: 'b', ...(r === undefined ? {} : { revision: r }), recipe: {}, profile: 'quick', tags: [], priority: i }))
  for (let i = 0; i < RESULTS; i++) {
    const body: BodyOf<'result'> = { ...(i % 5 === 4 ? {} : { job: jobs[i % 5] as string }), build: `b${i % 3}`, testRun: `t${i % 4}`, verdict: VERDICTS[i % 3] as typeof VERDICTS[number], tests: [{ name: 'x', status: 'pass' }], logs: [], environment: {} }
    add('result', 1000 + (i % 37), body) // ties on ts: the EventId orders them
  }
  return { revisions, jobs }
}

/** Every page of a filter, `limit` at a time, oldest or newest first. */
function pages (views: Views, filter: ResultFilter, newest: boolean, limit: number): string[] {
  const out: string[] = []
  for (let page = views.resultsPage(filter, { after: null, newest, limit }); page.length > 0;) {
    out.push(...page.map((e) => e.id))
    const last = page[page.length - 1] as IndexedEvent
    page = page.length < limit ? [] : views.resultsPage(filter, { after: last, newest, limit })
  }
  return out
}

test('results pages: through the rows, in (ts, id) order either way, filtered and counted as the fold over every result', (t) => {
  const views = memoryViews(ROOT)
  const { revisions, jobs } = fill(views)
  const every = allResults(views)
  const filters: Array<[ResultFilter, (e: ResultEvent) => boolean]> = [
    [{}, () => true],
    [{ since: 1020 }, (e) => e.ts >= 1020],
    [{ verdict: 'fail' }, (e) => e.body.verdict === 'fail'],
    [{ build: 'b1', since: 1010 }, (e) => e.body.build === 'b1' && e.ts >= 1010],
    [{ job: jobs[2] as string }, (e) => e.body.job === jobs[2]],
    [{ job: 'not a job' }, () => false]
  ]
  for (const [filter, keep] of filters) {
    const expected = every.filter(keep).map((e) => e.id)
    t.alike(pages(views, filter, false, 7), expected, `${JSON.stringify(filter)}: oldest first`)
    t.alike(pages(views, filter, true, 7), [...expected].reverse(), `${JSON.stringify(filter)}: newest first`)
    t.is(views.resultsCount(filter), expected.length, `${JSON.stringify(filter)}: counted`)
  }
  // What the fold over every result answered (was views/results.ts): by revision, prefix of one, or series id.
  const ofSeries = (series: string): string[] => every.filter((e) => {
    const job = e.body.job === undefined ? undefined : views.event(e.body.job)
    const revision = job?.type === 'job.request' ? job.body.revision : undefined
    if (revision === undefined) return false
    if (revision === series || (series.length >= 8 && revision.startsWith(series))) return true
    const r = views.event(revision)
    return r?.type === 'series.revision' && r.body.series === series
  }).map((e) => e.id)
  for (const series of ['a', 'b', 'c', revisions[1] as string, (revisions[2] as string).slice(0, 8), (revisions[2] as string).slice(0, 7), 'A'.repeat(10)]) {
    t.alike(resultsOfSeries(views, series).map((e) => e.id), ofSeries(series), `series ${series}`)
  }
  views.close()
})

test('GET /api/results: a page decodes the results it shows, however many there are', async (t) => {
  const views = memoryViews(ROOT)
  fill(views)
  const server = Fastify()
  resultRoutes(server, { node: { views, paths: { dir: await t.tmp() } } } as unknown as RouteContext)
  t.teardown(() => { views.close() })
  t.teardown(() => server.close(), { order: -1 })
  const before = views.decoded.get('result') ?? 0
  const first = (await server.inject('/api/results?limit=5')).json() as { total: number, results: Array<{ id: string }>, next: string }
  t.ok((views.decoded.get('result') ?? 0) - before <= 6, `${(views.decoded.get('result') ?? 0) - before} results decoded for a page of 5 of ${RESULTS}`)
  t.is(first.total, RESULTS)
  const newest = allResults(views).reverse().map((e) => e.id)
  t.alike(first.results.map((r) => r.id), newest.slice(0, 5), 'newest first')
  const second = (await server.inject(`/api/results?limit=5&cursor=${first.next}`)).json() as { results: Array<{ id: string }> }
  t.alike(second.results.map((r) => r.id), newest.slice(5, 10), 'the next page from the cursor')
})
