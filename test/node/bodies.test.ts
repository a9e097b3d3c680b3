import test from 'brittle'
import type { TestInstance } from 'brittle'
import Database from 'better-sqlite3'
import { appendFileSync, existsSync, rmSync, statSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { homePaths } from '../../node/storage/home.js'
import { bodiesPath, openBodies } from '../../node/views/db/bodies.js'
import { openDb } from '../../node/views/db/schema.js'
import { encodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { signEvent } from '../../protocol/event.js'
import { createNode } from '../helpers/nodes.js'

// Event bodies live beside views.sqlite, in views.bodies.GEN (node/views/db/bodies.ts).

/** meta values and what the rows name, straight from a closed home's file. */
function recorded (home: string): { generation: number, end: number, named: number, rows: number } {
  const db = new Database(homePaths(home).views, { readonly: true })
  try {
    const meta = (key: string): number => db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as number
    const { named, rows } = db.prepare('SELECT coalesce(sum(blen), 0) AS named, count(*) AS rows FROM events').get() as { named: number, rows: number }
    return { generation: meta('generation'), end: meta('bodies_end'), named, rows }
  } finally {
    db.close()
  }
}

const bodiesFile = (home: string, generation: number): string => bodiesPath(homePaths(home).views, generation)
const view = (node: CairnNode): unknown => node.log().map((e) => [e.id, e.body])

test('bodies are written once, beside the rows: a duplicate takes no bytes, a reopen reads them back', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  await a.postMany(Array.from({ length: 50 }, (_, i) => ({ type: 'note' as const, body: { text: `note ${i} ${'b'.repeat(500)}` } })))
  // The same signed event twice, in one block and again in the next: the views keep it once.
  const twice = signEvent({ type: 'note', ts: Date.now() + 1000, body: { text: 'said twice' } }, a.identity, nativeCrypto).signed
  await a.feed.core.append([encodeBlock([twice, twice]), encodeBlock([twice])])
  await a.indexer.run()
  t.is(a.views.duplicates, 2, 'two copies are duplicates')
  const before = view(a)
  await a.close()

  const r = recorded(home)
  t.is(r.rows, 51)
  t.is(r.named, r.end, 'the committed end is the bytes the rows name: nothing for the duplicates')
  t.is(statSync(bodiesFile(home, r.generation)).size, r.end, 'and the file holds exactly those')
  t.is(statSync(bodiesFile(home, r.generation)).mode & 0o777, 0o600, 'its owner\'s only, as every file of the home')
  t.ok(r.end > 50 * 500, `${r.end} bytes of bodies`)
  const b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.is(b.rebuilt, null)
  t.alike(view(b), before, 'every body read back')
})

/** A closed home holding 20 indexed notes: its path, what it answered, and its file's record. */
async function closedHome (t: TestInstance): Promise<{ home: string, before: unknown, r: ReturnType<typeof recorded> }> {
  const { node: a, home } = await createNode(t, 'a')
  await a.postMany(Array.from({ length: 20 }, (_, i) => ({ type: 'note' as const, body: { text: `note ${i}` } })))
  await a.indexer.run()
  const before = view(a)
  await a.close()
  return { home, before, r: recorded(home) }
}

test('bytes past the committed end (a frame killed before COMMIT) are cut on open and written over', async (t) => {
  const { home, before, r } = await closedHome(t)
  appendFileSync(bodiesFile(home, r.generation), Buffer.alloc(4096, 0xee))

  const b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.is(b.rebuilt, null, 'nothing to rebuild')
  t.is(statSync(bodiesFile(home, r.generation)).size, r.end, 'the file is cut back to its committed end')
  t.alike(view(b), before)
  await b.post('note', { text: 'after the cut' })
  t.alike(b.log({ limit: 1 })[0]?.body, { text: 'after the cut' }, 'a new body where the cut bytes were')
})

test('a bodies file shorter than its rows say (the machine stopped before writing it out): the views are rebuilt from the feeds, and it says so', async (t) => {
  const { home, before, r } = await closedHome(t)
  truncateSync(bodiesFile(home, r.generation), r.end - 10)

  const b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.ok(b.rebuilt?.includes('bodies file (views.bodies.N) holds less than its rows name'), b.rebuilt ?? 'not rebuilt')
  t.alike(view(b), before, 'every event back, from the feeds')
  t.absent(existsSync(bodiesFile(home, r.generation)), 'the short file is gone')
  const now = recorded(home) // read beside the holder: WAL lets a reader in
  t.is(now.generation, r.generation + 1)
  t.is(statSync(bodiesFile(home, now.generation)).size, now.end, 'a new file holds the rebuilt bodies')
})

test('a reindex writes a new bodies file: a reader beside the holder reads the new rows from it', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  await a.postMany(Array.from({ length: 30 }, (_, i) => ({ type: 'note' as const, body: { text: `note ${i}` } })))
  await a.indexer.run()
  const reader = await CairnNode.open(home, { readOnly: true })
  t.teardown(() => reader.close())
  const before = view(reader)
  t.is((before as unknown[]).length, 30, 'the reader reads the bodies')
  const generation = a.views.generation
  await a.reindex()
  t.is(a.views.generation, generation + 1)
  t.absent(existsSync(bodiesFile(home, generation)), 'the file of the generation before is removed')
  t.alike(view(reader), before, 'the reader reads the rebuilt rows from the new file')
  await a.post('note', { text: 'after the reindex' })
  await a.indexer.run()
  t.alike(reader.log({ limit: 1 })[0]?.body, { text: 'after the reindex' })
})

test('a frame that does not commit leaves no body behind, and a reader whose file is gone says so', async (t) => {
  const path = join(await t.tmp(), 'views.sqlite')
  const { db } = openDb(path, false)
  const bodies = openBodies(db, true)
  t.teardown(() => { bodies.close(); db.close() })
  const first = bodies.place(Buffer.from('first'))
  bodies.flush()
  bodies.settle(true)
  const lost = bodies.place(Buffer.from('rolled back'))
  t.is(bodies.read(0, lost, 11).toString(), 'rolled back', 'a frame reads its own bodies before they are written')
  bodies.flush()
  bodies.settle(false) // its transaction did not commit
  const next = bodies.place(Buffer.from('next'))
  t.is(next, lost, 'the next frame is placed where the rolled-back one was')
  bodies.flush()
  bodies.settle(true)
  t.is(bodies.read(0, next, 4).toString(), 'next')
  t.is(bodies.read(0, first, 5).toString(), 'first')

  const reader = openBodies(new Database(path, { readonly: true }), false)
  t.teardown(() => reader.close())
  t.is(reader.read(0, first, 5).toString(), 'first', 'a reader reads what was written')
  t.exception(() => reader.read(0, next, 40), /VIEWS_BODIES: .*ends before the body/, 'a body past the end is an error naming the file, not a short read')
  rmSync(bodiesPath(path, 0))
  const late = openBodies(new Database(path, { readonly: true }), false)
  t.teardown(() => late.close())
  t.exception(() => late.read(0, first, 5), /VIEWS_REBUILT: .*views\.bodies\.0 is gone/, 'a file a rebuild removed is named, with what to do')
})
