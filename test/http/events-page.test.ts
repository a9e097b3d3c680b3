// GET /api/events pages through the log-order indexes (issue 12: memory by
// what a request does, not by the history): a page decodes the events it
// shows (and one more, to know whether there is a next), and the pages and
// counts of each filter answer as the whole list in log order did.
import test from 'brittle'
import { createHash } from 'node:crypto'
import { eventsPage } from '../../node/http/routes/read.js'
import type { IndexedEvent, Views } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const AUTHORS = [ROOT, hex('a'), hex('b')]
const EVENTS = 300

function fill (views: Views): void {
  for (let i = 0; i < EVENTS; i++) {
    const author = AUTHORS[i % 3] as string
    const type = i % 4 === 0 ? 'identity.link' : 'note'
    const body = type === 'note' ? { target: hex('t'), text: `n${i}` } : { feed: hex(`f${i}`) }
    // ties on ts across authors (the EventId orders them); each author's own clock goes forward
    applyEvent(views, { id: hex(`e${i}`), type, author, ts: 1000 + Math.floor(i / 6), refs: [], body, feed: author, seq: Math.floor(i / 3) } as unknown as IndexedEvent)
  }
}

/** Every page of a filter, `limit` at a time. */
function pages (views: Views, filter: { type?: string, author?: string }, newest: boolean, limit: number): { ids: string[], totals: number[] } {
  const ids: string[] = []
  const totals: number[] = []
  let cursor: string | null = null
  do {
    const page: ReturnType<typeof eventsPage> = eventsPage(views, filter, { limit, newest, ...(cursor === null ? {} : { cursor }) })
    t0(page.items.length <= limit)
    ids.push(...page.items.map((e) => e.id))
    totals.push(page.total)
    cursor = page.next
  } while (cursor !== null)
  return { ids, totals }
}
function t0 (ok: boolean): void { if (!ok) throw new Error('a page longer than its limit') }

test('GET /api/events: a page decodes its events, not the history; every filter\'s pages and totals are the log-order list\'s', (t) => {
  const views = memoryViews(ROOT)
  fill(views)
  const decoded = (): number => [...views.decoded.values()].reduce((a, b) => a + b, 0)
  const before = decoded()
  const first = eventsPage(views, {}, { limit: 10, newest: true })
  t.is(decoded() - before, 11, 'the page and one more')
  t.is(first.total, EVENTS)
  const mid = decoded()
  eventsPage(views, { type: 'note', author: AUTHORS[1] as string }, { limit: 5, newest: false, ...(first.next === null ? {} : { cursor: first.next }) })
  t.ok(decoded() - mid <= 7, 'a filtered page from a cursor: its own events (and the cursor\'s key read as a row)')

  for (const filter of [{}, { type: 'note' }, { author: AUTHORS[1] as string }, { type: 'identity.link', author: ROOT }, { type: 'review' }]) {
    const all = views.query(filter).map((e) => e.id)
    for (const newest of [true, false]) {
      const got = pages(views, filter, newest, 7)
      t.alike(got.ids, newest ? [...all].reverse() : all, `${JSON.stringify(filter)} ${newest ? 'newest' : 'oldest'} first`)
      t.ok(got.totals.every((n) => n === all.length), 'total: every event of the filter')
    }
  }
  views.close()
})

test('GET /api/feeds: each feed\'s author from the first of its events in log order, no event decoded', (t) => {
  const views = memoryViews(ROOT)
  fill(views)
  const before = [...views.decoded.values()].reduce((a, b) => a + b, 0)
  const got = views.firstAuthors()
  t.is([...views.decoded.values()].reduce((a, b) => a + b, 0) - before, 0, 'none decoded')
  const fold = new Map<string, string>()
  for (const e of views.query()) if (!fold.has(e.feed)) fold.set(e.feed, e.author)
  t.alike([...got].sort(), [...fold].sort(), 'as the fold over every event')
  t.is(got.size, AUTHORS.length)
  views.close()
})
