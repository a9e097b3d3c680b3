import test from 'brittle'
import * as fc from 'fast-check'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { createHash } from 'node:crypto'
import type { AnyEvent } from '../../protocol/event.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import { seriesRoutes } from '../../node/http/routes/series.js'
import type { RouteContext } from '../../node/http/context.js'
import { seriesPage } from '../../node/http/series.js'
import { memoryDb } from '../../node/views/db/schema.js'
import { Views } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'
import type { IndexedEvent } from '../../node/views/views.js'
import { foldAnswers, rowsAnswers } from './series-fold.js'

// The series rows and the list's summaries are written event by event
// (node/views/series/rows.ts, node/http/series.ts); after any events, in
// any order, what they give must be what a build over the same events
// gives (a fresh Views, applied in one go), and what the fold over every
// event gave before the series moved to rows (series-fold.ts).

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const AUTHORS = [hex('author a'), hex('author b')]

/** An event to be: which revision it names is an index into the run's revisions, taken modulo their count. */
type Spec =
  | { kind: 'revision', series: number, version: number, author: number, ts: number, mails: number[], changeId: number, date: boolean, missing: boolean, carried: boolean, replaces: readonly number[] }
  | { kind: 'review', target: number, unknown: boolean, author: number, ts: number, patch: number, trailer: number, messageId: number }
  | { kind: 'decision' | 'merge' | 'job.request' | 'result' | 'note', target: number, ts: number, verdict: boolean }

const MAX_EVENTS = 30
const ts = fc.integer({ min: 0, max: 12 }) // few values: ties broken by EventId
const revisionSpec = fc.record({
  kind: fc.constant('revision' as const),
  series: fc.integer({ min: 0, max: 2 }),
  version: fc.integer({ min: 1, max: 3 }),
  author: fc.integer({ min: 0, max: 3 }).map((n) => n === 3 ? 1 : 0), // `replaces` retires only the same author's
  ts,
  // Mostly its own series' mails and change-id; sometimes one another series has too.
  mails: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }),
  changeId: fc.integer({ min: 0, max: 2 }),
  date: fc.boolean(),
  missing: fc.boolean(),
  carried: fc.boolean(),
  replaces: fc.oneof({ arbitrary: fc.constant<number[]>([]), weight: 5 }, { arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), weight: 1 })
})
const reviewSpec = fc.record({
  kind: fc.constant('review' as const),
  target: fc.nat(),
  unknown: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  author: fc.integer({ min: 0, max: 1 }),
  ts,
  patch: fc.integer({ min: -1, max: 2 }),
  trailer: fc.integer({ min: 0, max: 3 }),
  messageId: fc.integer({ min: 0, max: 2 })
})
const otherSpec = fc.record({
  kind: fc.constantFrom('decision' as const, 'merge' as const, 'job.request' as const, 'result' as const, 'note' as const),
  target: fc.nat(),
  ts,
  verdict: fc.boolean()
})
const specs = fc.array(fc.oneof({ arbitrary: revisionSpec, weight: 4 }, { arbitrary: reviewSpec, weight: 4 }, { arbitrary: otherSpec, weight: 2 }), { minLength: 1, maxLength: MAX_EVENTS })

const TRAILERS = [[], [{ key: 'Reviewed-by', value: 'R <r@x>' }], [{ key: 'Nacked-by', value: 'N <n@x>' }], [{ key: 'Acked-by', value: 'A <a@x>' }]]

function event<T extends EventType> (type: T, id: string, author: string, ts: number, body: BodyOf<T>, seq: number): IndexedEvent {
  return { id, type, author, ts, refs: [], body, feed: author, seq } as unknown as AnyEvent & { feed: string, seq: number }
}

function revisionBody (s: Extract<Spec, { kind: 'revision' }>, replaces: string[]): BodyOf<'series.revision'> {
  const patch = (index: number): BodyOf<'series.revision'>['patches'][number] => index === 2 && s.missing
    ? { index, subject: '', missing: true }
    : { index, subject: `s${s.series} part ${index}`, files: [`fs/${s.series}/${index}.c`], messageId: `p${index}-s${s.series}@x`, trailers: [{ key: 'Signed-off-by', value: 'D <d@x>' }], ...(s.carried && s.version > 1 && index === 1 ? { carriedFrom: s.version - 1 } : {}) }
  return {
    project: 'linux',
    series: `s${s.series}`,
    version: s.version,
    subject: `series ${s.series} v${s.version} at ${s.ts}`,
    total: 2,
    patches: [patch(1), patch(2)],
    source: { messageIds: s.mails.map((m) => m === 0 ? 'shared@x' : `m${m}-s${s.series}@x`), list: `list${s.series}@x` },
    ...(s.changeId === 0 ? {} : { changeId: s.changeId === 1 ? 'c-shared' : `c-s${s.series}` }),
    ...(s.date ? { date: 1000 - s.ts } : {}),
    ...(replaces.length > 0 ? { replaces } : {})
  }
}

/** The run's events, in the order given: ids first, so that any event may name any revision, before or after it. */
function makeEvents (list: Spec[], seed: number): IndexedEvent[] {
  const ids = list.map((_, i) => hex(`${seed}/${i}`))
  const revisions = ids.filter((_, i) => list[i]?.kind === 'revision')
  const revision = (n: number): string => revisions.length === 0 ? hex(`none/${n}`) : revisions[n % revisions.length] as string
  const jobs = ids.filter((_, i) => list[i]?.kind === 'job.request')
  // `replaces` names revisions made before (an EventId is a hash: no event names one made after it).
  const earlier = (i: number, picks: readonly number[]): string[] => {
    const before = ids.filter((_, j) => j < i && list[j]?.kind === 'revision')
    return before.length === 0 ? [] : picks.map((n) => before[n % before.length] as string)
  }
  return list.map((s, i) => {
    const id = ids[i] as string
    switch (s.kind) {
      case 'revision':
        return event('series.revision', id, AUTHORS[s.author] as string, s.ts, revisionBody(s, earlier(i, s.replaces)), i)
      case 'review':
        return event('review', id, AUTHORS[s.author] as string, s.ts, {
          target: { revision: s.unknown ? hex(`unknown/${s.target}`) : revision(s.target), ...(s.patch >= 0 ? { patch: s.patch } : {}) },
          trailers: TRAILERS[s.trailer] ?? [],
          comment: `review ${i}`,
          ...(s.messageId > 0 ? { messageId: `r${s.messageId}@x` } : {})
        }, i)
      case 'decision':
        return event('decision', id, AUTHORS[0] as string, s.ts, { revision: revision(s.target), machine: 'cairn/revision', machineVersion: '1', policyHash: 'p', state: s.verdict ? 'ready' : 'rejected', verdict: s.verdict ? 'merge' : 'reject', reasons: [`r${i}`], inputs: [] }, i)
      case 'merge':
        return event('merge', id, AUTHORS[0] as string, s.ts, { revision: revision(s.target), branch: 'main', commit: 'a'.repeat(40) }, i)
      case 'job.request':
        return event('job.request', id, AUTHORS[0] as string, s.ts, { project: 'linux', repo: 'r', base: 'b', revision: revision(s.target), recipe: {}, profile: 'quick', tags: [], priority: 0 }, i)
      case 'result':
        return event('result', id, AUTHORS[1] as string, s.ts, { job: jobs.length === 0 ? hex(`nojob/${s.target}`) : jobs[s.target % jobs.length] as string, build: 'b', testRun: 't', verdict: s.verdict ? 'pass' : 'fail', tests: [], logs: [], environment: {} }, i)
      default:
        return event('note', id, AUTHORS[0] as string, s.ts, { text: `note ${i}` }, i)
    }
  })
}

function app (views: Views): FastifyInstance {
  const server = Fastify()
  seriesRoutes(server, { node: { views } } as unknown as RouteContext)
  return server
}

/** What the rows and routes answer, in comparable form. */
async function observe (views: Views, server: FastifyInstance): Promise<Record<string, unknown>> {
  const page = seriesPage(views, {}, { limit: 500 })
  const summaries = page.items.map((s, i) => ({ ts: s.ts, id: s.id, state: s.state, list: s.list, files: s.files, onEveryPatch: [...s.onEveryPatch].sort(), searchText: s.searchText, json: page.json[i] }))
  const pages = []
  for (const url of ['/api/series?limit=500', '/api/series?state=reviewed', '/api/series?limit=2']) pages.push((await server.inject(url)).body)
  for (const id of (views.ofType('series.revision')).map((e) => e.id).sort()) {
    const res = await server.inject(`/api/revisions/${id}`)
    pages.push([res.statusCode, res.body])
  }
  return { ...rowsAnswers(views), summaries, pages }
}

/** What a build over these events gives: a new Views, folded in the order given. */
async function built (root: string, events: readonly IndexedEvent[]): Promise<Record<string, unknown>> {
  const views = memoryViews(root)
  for (const e of events) applyEvent(views, e)
  const server = app(views)
  try {
    return await observe(views, server)
  } finally {
    await server.close()
  }
}

const step = fc.record({ query: fc.integer({ min: 0, max: 2 }).map((n) => n > 0), reindex: fc.integer({ min: 0, max: 19 }).map((n) => n === 0), key: fc.nat() })

test('series rows, summaries and routes: written event by event, in any order, they equal a build and the fold', async (t) => {
  let queries = 0
  await fc.assert(fc.asyncProperty(specs, fc.nat(), fc.boolean(), fc.array(step, { minLength: MAX_EVENTS, maxLength: MAX_EVENTS }), async (list, seed, shuffle, steps) => {
    const all = makeEvents(list, seed)
    // In time order (a live node) or shuffled (replication from many feeds).
    const order = shuffle
      ? all.map((e, i) => ({ e, key: steps[i]?.key ?? 0 })).sort((a, b) => a.key - b.key).map((x) => x.e)
      : [...all].sort((a, b) => a.ts - b.ts || a.seq - b.seq)
    const views = memoryViews(AUTHORS[0] as string)
    const server = app(views)
    try {
      const applied: IndexedEvent[] = []
      for (const [i, e] of order.entries()) {
        applyEvent(views, e)
        applied.push(e)
        const { query, reindex } = steps[i] as { query: boolean, reindex: boolean }
        if (reindex) {
          views.clear()
          for (const again of [...applied].reverse()) applyEvent(views, again)
          views.settle() // as the indexer does once it has caught up
        }
        // Not after every event: several new events are written before a read.
        if (!query && i < order.length - 1) continue
        queries++
        const now = await observe(views, server)
        const want = { ...await built(views.root, applied) }
        const fold = foldAnswers(views)
        const differ = Object.keys(want).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(want[k]))
        const fromFold = Object.keys(fold).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(fold[k]))
        if (differ.length > 0 || fromFold.length > 0) {
          for (const k of differ) t.alike(now[k], want[k], `${k}, after ${applied.length} of ${order.length} events, against a build`)
          for (const k of fromFold) t.alike(now[k], fold[k], `${k}, after ${applied.length} of ${order.length} events, against the fold`)
          return false
        }
      }
      return true
    } finally {
      await server.close()
    }
  }), { numRuns: 300 })
  t.pass(`every step equals a build and the fold (${queries} reads)`)
})

test('a rebuild killed before its series rows settled settles them in the next writer (meta.series_pending), equal to before', async (t) => {
  const [list] = fc.sample(specs.filter((l) => l.filter((s) => s.kind === 'revision').length >= 3), { numRuns: 1, seed: 12 })
  const all = makeEvents(list ?? [], 12)
  const db = memoryDb()
  const views = new Views(AUTHORS[0] as string, db, true)
  for (const e of all) applyEvent(views, e)
  const before = rowsAnswers(views)
  views.clear()
  for (const e of all) applyEvent(views, e)
  t.is(views.series.count({}), 0, 'the frames of a rebuild write no series row')
  // The process dies here; the next one opens the same file.
  const again = new Views(AUTHORS[0] as string, db, true)
  again.settle()
  t.ok(again.series.count({}) > 0, 'settled by the next writer')
  t.alike(rowsAnswers(again), before)
})
