// /api/series keeps the summaries it made between requests, at most its cap
// of them (issue 12: the daemon's memory goes by what it does, not by how
// many series it has seen): after many distinct requests over more series
// than the cap, it holds no more, and pages answer as with room for all.
import test from 'brittle'
import { createHash } from 'node:crypto'
import { cachedSummaries, seriesPage } from '../../node/http/series.js'
import type { IndexedEvent } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const SERIES = 40
const CAP = 8
const LISTS = ['linux-xfs@vger.kernel.org', 'netdev@vger.kernel.org', 'linux-mm@kvack.org']
const DIRS = ['fs/xfs', 'net/core', 'mm']

function revision (i: number): IndexedEvent {
  const body = {
    project: 'linux',
    series: `s${i}`,
    version: 1,
    subject: `${DIRS[i % 3] ?? ''}: change ${i}`,
    total: 1,
    date: Date.UTC(2026, 0, 1) + (i % 7) * 1000, // ties on the date: the EventId orders them
    patches: [{ index: 1, subject: `change ${i}`, files: [`${DIRS[i % 3] ?? ''}/f${i}.c`] }],
    source: { messageIds: [`<s${i}@example.org>`], list: LISTS[i % 3] }
  }
  return { id: hex(`revision ${i}`), type: 'series.revision', author: ROOT, ts: Date.UTC(2026, 0, 2) + i, refs: [], body, feed: ROOT, seq: i } as unknown as IndexedEvent
}

test('GET /api/series: the summary cache stays under its cap over many distinct filtered and paged requests, and pages answer as with room for every series', (t) => {
  const views = memoryViews(ROOT)
  for (let i = 0; i < SERIES; i++) applyEvent(views, revision(i))
  const filters = [{}, { list: LISTS[1] }, { path: ['fs/**'] }, { q: 'change 1' }, { project: 'linux', q: 'mm' }, { state: 'new' }, { search: 'change' }]
  /** Every page of a filter, 3 rows at a time, with the cache at `cap`. */
  const walk = (filter: Record<string, unknown>, cap: number): unknown[] => {
    const pages: unknown[] = []
    let cursor: string | undefined
    do {
      const page = seriesPage(views, filter, { limit: 3, cap, ...(cursor === undefined ? {} : { cursor }) })
      pages.push({ total: page.total, series: page.json })
      const kept = cachedSummaries(views)
      t.ok(kept.summaries <= cap && kept.rows <= cap, `at most ${cap} kept`)
      cursor = page.next ?? undefined
    } while (cursor !== undefined)
    return pages
  }
  for (const filter of filters) {
    const capped = walk(filter, CAP)
    const kept = cachedSummaries(views)
    t.ok(kept.summaries <= CAP && kept.rows <= CAP, `${JSON.stringify(filter)}: ${kept.summaries} summaries and ${kept.rows} rows kept of ${SERIES} series`)
    t.alike(capped, walk(filter, SERIES * 2), `${JSON.stringify(filter)}: the same pages as with every summary kept`)
  }
  t.is((seriesPage(views, {}, { limit: 500, cap: CAP }).items.length), SERIES, 'every series listed')
  t.alike(cachedSummaries(views), { summaries: CAP, rows: CAP }, 'the cap, not the page, bounds what is kept')
  views.close()
})
