// An event's "referred to by" (GET /api/events/:id) and a blob's patches
// (GET /api/blobs/:hash/patches) read the event_refs and blob_refs rows
// (issue 12: memory and CPU by what a request does, not by the history):
// only the matching events are decoded, and they answer as the fold over
// every event did.
import test from 'brittle'
import { createHash } from 'node:crypto'
import { blobEntry } from '../../node/http/blob-index.js'
import { patchesOfBlob } from '../../node/http/routes/series.js'
import type { IndexedEvent, Views } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const EVENTS = 200

let seq = 0
function add (views: Views, type: string, refs: string[], body: unknown): string {
  const id = hex(`${type} ${seq}`)
  applyEvent(views, { id, type, author: ROOT, ts: 1000 + seq, refs, body, feed: ROOT, seq: seq++ } as unknown as IndexedEvent)
  return id
}

const decoded = (views: Views): number => [...views.decoded.values()].reduce((a, b) => a + b, 0)

test('referred to by: the events naming an id in refs, in log order, only those decoded', (t) => {
  const views = memoryViews(ROOT)
  const targets = [add(views, 'note', [], { target: hex('x'), text: 'a' }), add(views, 'note', [], { target: hex('x'), text: 'b' })]
  for (let i = 0; i < EVENTS; i++) add(views, 'note', i % 10 === 0 ? [targets[0] as string] : i % 25 === 0 ? [hex('elsewhere'), targets[1] as string] : [hex(`other ${i}`)], { target: hex('x'), text: `n${i}` })
  const fold = (id: string): string[] => views.query().filter((e) => e.refs.includes(id)).map((e) => e.id)
  for (const [i, target] of targets.entries()) {
    const before = decoded(views)
    const got = views.referencing(target).map((e) => e.id)
    t.is(decoded(views) - before, got.length, `target ${i}: only the events naming it decoded`)
    t.alike(got, fold(target), `target ${i}: as the fold over every event`)
  }
  t.is(views.referencing(targets[0] as string).length, EVENTS / 10)
  t.alike(views.referencing(hex('nobody')), [], 'an id nothing names')
  views.close()
})

test('a blob\'s patches: the revisions whose body holds its hash, only those decoded', (t) => {
  const views = memoryViews(ROOT)
  const hash = hex('the diff')
  const blobRef = (h: string): { hash: string, core: string, offset: number, length: number } => ({ hash: h, core: hex('blobs'), offset: 0, length: 1 })
  const revision = (i: number, diff: string, mail: string): string => add(views, 'series.revision', [], {
    project: 'p', series: `s${i}`, version: 1, subject: `s${i}`, total: 1, source: { messageIds: [`<s${i}@x>`] },
    patches: [{ index: 1, subject: `patch ${i}`, diff: blobRef(diff), mail: blobRef(mail) }]
  })
  const named = [revision(0, hash, hex('m0')), revision(1, hex('d1'), hash)]
  for (let i = 2; i < EVENTS; i++) revision(i, hex(`d${i}`), hex(`m${i}`))
  const before = decoded(views)
  const uses = patchesOfBlob(views, hash)
  t.is(decoded(views) - before, 2, 'the two revisions naming it')
  t.alike(uses.map((u) => [u.revision, u.part]), [[named[0], 'diff'], [named[1], 'mail']])
  t.alike(patchesOfBlob(views, hex('nothing')), [])
  views.close()
})

test('a blob by hash: where the first event (log order) carrying its BlobRef says it lives, only that event decoded', (t) => {
  const views = memoryViews(ROOT)
  const hash = hex('the log')
  const ref = (h: string, offset: number): { hash: string, core: string, offset: number, length: number } => ({ hash: h, core: hex('blobs'), offset, length: 10 })
  for (let i = 0; i < EVENTS; i++) add(views, 'note', [], { target: hex('x'), text: `n${i}`, attachment: ref(hex(`other ${i}`), i) })
  add(views, 'note', [], { target: hex('x'), text: `names ${hash} in its text only` })
  const first = add(views, 'result', [], { build: 'b', testRun: 't', verdict: 'pass', tests: [], logs: [{ name: 'log', blob: ref(hash, 7) }], environment: {} })
  add(views, 'note', [], { target: hex('x'), text: 'again', attachment: ref(hash, 99) })
  const before = decoded(views)
  const entry = blobEntry(views, hash)
  t.is(decoded(views) - before, 1, 'the first event carrying it: not the note naming it in its text, nor the later one')
  t.alike(entry, { ref: ref(hash, 7), event: first })
  t.is(blobEntry(views, hex('nothing')), undefined)
  views.close()
})

test('a feed\'s author: its first event\'s, kept in its row', (t) => {
  const views = memoryViews(ROOT)
  const other = hex('other feed')
  const writer = hex('writer')
  applyEvent(views, { id: hex('first of other'), type: 'note', author: writer, ts: 5, refs: [], body: { target: hex('x'), text: 'a' }, feed: other, seq: 0 } as unknown as IndexedEvent)
  applyEvent(views, { id: hex('second of other'), type: 'note', author: ROOT, ts: 1, refs: [], body: { target: hex('x'), text: 'b' }, feed: other, seq: 1 } as unknown as IndexedEvent)
  add(views, 'note', [], { target: hex('x'), text: 'c' })
  t.alike(views.firstAuthors(), new Map([[other, writer], [ROOT, ROOT]]), 'the first event names the author, whatever the later ones say')
  views.close()
})
