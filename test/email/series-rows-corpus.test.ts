// The series rows on real lists: what series list/show/find and the states
// read from the rows (node/views/series/) equals the fold over every event
// they replaced (test/node/series-fold.ts), and a reindex gives the same.
import test from 'brittle'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { foldAnswers, rowsAnswers } from '../node/series-fold.js'
import { ingestMbox } from './ingest-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

for (const [list, file] of [['linux-rtc', 'linux-rtc-5000.mboxrd'], ['git-history', 'git-history.mboxrd']] as const) {
  test(`series rows on ${list}: the rows answer as the fold over every event, and the same after a reindex`, { skip: !hasShared && NO_SHARED, timeout: 600_000 }, async (t) => {
    const { node } = await createNode(t)
    await ingestMbox(node, corpus(list, file))
    const rows = rowsAnswers(node.views)
    const series = JSON.parse(rows.series as string) as unknown[]
    t.comment(`${series.length} series, ${(rows.found as unknown[]).length} references looked up`)
    t.ok(series.length > 100, 'many series')
    for (const [k, v] of Object.entries(foldAnswers(node.views))) t.alike(rows[k], v, `${k}: as the fold`)
    await node.reindex()
    t.alike(rowsAnswers(node.views), rows, 'after a reindex: the same')
  })
}
