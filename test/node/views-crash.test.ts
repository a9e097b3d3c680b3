import test from 'brittle'
import Database from 'better-sqlite3'
import { existsSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { homePaths } from '../../node/storage/home.js'
import { bodiesPath } from '../../node/views/db/bodies.js'
import { nextJson, spawnHelper } from '../helpers/child.js'

/** Everything the views answer, comparable. */
function snapshot (node: CairnNode): unknown {
  return {
    events: node.log().map((e) => [e.id, e.feed, e.seq]),
    rejected: node.views.rejections(),
    checkpoints: [...node.views.checkpoints()].sort(),
    types: node.views.countsByType(),
    duplicates: node.views.duplicates
  }
}

/** Straight from the file, before any process opens the home again: the rows are exactly what the checkpoints cover. */
function fileAgrees (path: string): { faults: string[], indexed: number } {
  const db = new Database(path, { readonly: true })
  try {
    const one = (sql: string): number => (db.prepare(sql).get() as { n: number }).n
    const faults: string[] = []
    if (one('SELECT count(*) AS n FROM events e JOIN feeds f ON f.n = e.feed WHERE e.seq >= f.length') > 0) faults.push('event rows beyond their checkpoint')
    if (one('SELECT count(*) AS n FROM events') !== one('SELECT coalesce(sum(n), 0) AS n FROM type_counts')) faults.push('type_counts disagree with the rows')
    if (one("SELECT value AS n FROM meta WHERE key = 'duplicates'") !== 0) faults.push('a frame was applied twice')
    // Bodies: written before their frame's COMMIT, so the file holds at least the committed end (bytes past it are a frame that did not commit).
    const end = one("SELECT value AS n FROM meta WHERE key = 'bodies_end'")
    if (one('SELECT coalesce(max(boff + blen), 0) AS n FROM events') > end) faults.push('a body past the committed end')
    const bodies = bodiesPath(path, one("SELECT value AS n FROM meta WHERE key = 'generation'"))
    if ((existsSync(bodies) ? statSync(bodies).size : 0) < end) faults.push('the bodies file is shorter than its committed end')
    for (const f of db.prepare('SELECT n, length FROM feeds').all() as Array<{ n: number, length: number }>) {
      const blocks = one(`SELECT count(DISTINCT seq) AS n FROM events WHERE feed = ${f.n}`)
      if (blocks !== f.length) faults.push(`feed ${f.n}: rows of ${blocks} blocks, checkpoint ${f.length}`)
    }
    return { faults, indexed: one('SELECT coalesce(sum(length), 0) AS n FROM feeds') }
  } finally {
    db.close()
  }
}

/** Where the child kills itself, in which frame, and how many blocks the file then covers. */
const POINTS: Array<[string, number, number]> = [['rows', 3, 128], ['checkpoint', 3, 128], ['committed', 3, 192], ['between', 5, 320], ['posting', 1, 400]]

test('kill -9 at five points of the indexer\'s transaction: the views reopen consistent, lose and repeat nothing, and equal a reindex', { timeout: 180_000 }, async (t) => {
  const home = join(await t.tmp(), 'b')
  const setup = await CairnNode.init(home, 'b')
  // One event per block: 400 blocks are seven frames of 64.
  for (let i = 0; i < 400; i++) await setup.postMany([{ type: 'note', body: { text: `note ${i}` } }])
  await setup.indexer.run()
  const full = snapshot(setup)
  await setup.close()
  const views = homePaths(home).views

  for (const [point, frame, covered] of POINTS) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(views + suffix, { force: true }) // the child rebuilds them
    const { child, lines } = spawnHelper('ingest-child', [home, point, String(frame)])
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    const acked: string[] = []
    for (;;) {
      let m: Record<string, unknown>
      try {
        m = await nextJson(lines)
      } catch {
        break // killed
      }
      if (Array.isArray(m.ids)) acked.push(...m.ids as string[])
    }
    t.is(await exited, 'SIGKILL', `${point}: the child was killed`)
    const file = fileAgrees(views)
    t.alike(file.faults, [], `${point}: the file holds exactly what its checkpoints cover`)
    t.is(file.indexed, covered, `${point}: the frames committed before the kill, no more`)

    const node = await CairnNode.open(home)
    const reopened = snapshot(node)
    const have = new Set(node.log().map((e) => e.id))
    t.is(acked.filter((id) => !have.has(id)).length, 0, `${point}: the ${acked.length} acknowledged posts are indexed`)
    t.is(node.views.duplicates, 0, `${point}: nothing indexed twice`)
    if (point !== 'posting') t.alike(reopened, full, `${point}: the views equal those before the rebuild`)
    await node.reindex()
    t.alike(snapshot(node), reopened, `${point}: and a reindex`)
    await node.close()
  }
})
