// The views-db bench's key-value candidates (lmdb, rocksdb-native, hyperbee):
// one key layout over a minimal ordered store, each frame one atomic batch.
//   e id                  -> msgpack [type, author, ts, feed, seq, index, body]
//   t ts id, y type ts id, a author ts id -> ''   (newest first by reverse scans)
//   m message-id          -> id
//   N name -> name id, n name id -> name          (test names interned)
//   r result-id name-id   -> [status, duration]   (all tests of one result)
//   h name-id ts result-id -> status              (one test across results)
//   c feed                -> checkpoint
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pack, unpack } from 'msgpackr'
import { load } from './views-db-stores.js'
import type { Candidate, EventRow, ViewsStore } from './views-db-stores.js'
import { FEEDS, TYPES } from './views-db-workload.js'
import type { BenchFrame } from './views-db-workload.js'

type Entry = [Buffer, Buffer]
interface Range { gte: Buffer, lt: Buffer, reverse?: boolean, limit?: number }

/** What the layout needs of a store: atomic batches, point gets and ordered range scans. */
interface Kv {
  commit: (entries: Entry[]) => Promise<void> | void
  get: (key: Buffer) => Promise<Buffer | null>
  getMany: (keys: Buffer[]) => Promise<Array<Buffer | null>>
  range: (range: Range) => AsyncIterable<Entry> | Iterable<Entry>
  close: () => Promise<void> | void
}

const EMPTY = Buffer.alloc(1)
const key = (prefix: string, ...parts: Buffer[]): Buffer => Buffer.concat([Buffer.from(prefix, 'latin1'), ...parts])
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
const u8 = (n: number): Buffer => Buffer.from([n])
function ts64 (ts: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeUInt32BE(Math.floor(ts / 2 ** 32))
  b.writeUInt32BE(ts >>> 0, 4)
  return b
}
/** Every key that starts with `prefix`. */
const prefixRange = (prefix: Buffer, opts: { reverse?: boolean, limit?: number } = {}): Range => ({ gte: prefix, lt: Buffer.concat([prefix, Buffer.alloc(64, 0xff)]), ...opts })

async function collect<T> (it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

function toRow (id: Buffer, value: Buffer): EventRow {
  const [type, author, ts, feed, seq, index, body] = unpack(value) as [string, Uint8Array, number, number, number, number, Uint8Array]
  return { id: id.toString('hex'), type, author: Buffer.from(author).toString('hex'), ts, feed, seq, index, body }
}

async function kvViews (kv: Kv, raw: boolean): Promise<ViewsStore> {
  // The writer's cache of interned test names, read on its first frame (a reader never needs it).
  let names: Map<string, number> | null = null
  const loadNames = async (): Promise<Map<string, number>> => {
    const map = new Map<string, number>()
    for await (const [k, v] of kv.range(prefixRange(key('N')))) map.set(k.toString('utf8', 1), v.readUInt32BE(0))
    return map
  }
  const entriesOf = (frame: BenchFrame, names: Map<string, number>): Entry[] => {
    const out: Entry[] = []
    for (const e of frame.events) {
      out.push([key('e', e.id), pack([e.type, e.author, e.ts, e.feed, e.seq, e.index, e.body])])
      if (raw) continue
      const ts = ts64(e.ts)
      out.push([key('t', ts, e.id), EMPTY], [key('y', u8(TYPES.indexOf(e.type)), ts, e.id), EMPTY], [key('a', e.author, ts, e.id), EMPTY])
      if (e.messageId !== undefined) out.push([key('m', Buffer.from(e.messageId)), e.id])
      for (const t of e.tests ?? []) {
        let n = names.get(t.name)
        if (n === undefined) {
          n = names.size
          names.set(t.name, n)
          out.push([key('N', Buffer.from(t.name)), u32(n)], [key('n', u32(n)), Buffer.from(t.name)])
        }
        out.push([key('r', e.id, u32(n)), pack([t.status, t.duration])], [key('h', u32(n), ts, e.id), u8(t.status)])
      }
    }
    out.push([key('c', u8(frame.feed)), u32(frame.length)])
    return out
  }
  const rowsOf = async (indexPrefix: Buffer, limit: number): Promise<EventRow[]> => {
    const ids = (await collect(kv.range(prefixRange(indexPrefix, { reverse: true, limit })))).map(([k]) => k.subarray(k.length - 32))
    const values = await kv.getMany(ids.map((id) => key('e', id)))
    return ids.map((id, i) => toRow(id, values[i] as Buffer))
  }
  const countPrefix = async (prefix: string): Promise<number> => {
    let n = 0
    for await (const _ of kv.range(prefixRange(key(prefix)))) n++ // eslint-disable-line @typescript-eslint/no-unused-vars
    return n
  }
  return {
    writeFrame: async (frame) => { names ??= await loadNames(); await kv.commit(entriesOf(frame, names)) },
    checkpoints: async () => (await kv.getMany(Array.from({ length: FEEDS }, (_, f) => key('c', u8(f))))).map((v) => v?.readUInt32BE(0) ?? 0),
    event: async (id) => { const v = await kv.get(key('e', id)); return v === null ? null : toRow(id, v) },
    newest: async (limit, type) => await rowsOf(type === undefined ? key('t') : key('y', u8(TYPES.indexOf(type))), limit),
    byMessageId: async (mid) => {
      const id = await kv.get(key('m', Buffer.from(mid)))
      const v = id === null ? null : await kv.get(key('e', id))
      return id === null || v === null ? null : toRow(id, v)
    },
    testsOf: async (result) => {
      const rows = await collect(kv.range(prefixRange(key('r', result))))
      const nameOf = await kv.getMany(rows.map(([k]) => key('n', k.subarray(33))))
      return rows.map(([, v], i) => { const [status, duration] = unpack(v) as [number, number]; return { name: String(nameOf[i]), status, duration } })
    },
    history: async (name) => {
      const n = await kv.get(key('N', Buffer.from(name)))
      if (n === null) return []
      return (await collect(kv.range(prefixRange(key('h', n))))).map(([k, v]) => ({ result: k.subarray(13).toString('hex'), status: v.readUInt8(0) }))
    },
    audit: async () => {
      const counts: Record<string, number> = {}
      for (const [name, prefix] of [['events', 'e'], ['byTs', 't'], ['byType', 'y'], ['byAuthor', 'a'], ['messageIds', 'm'], ['tests', 'r'], ['history', 'h']] as const) counts[name] = await countPrefix(prefix)
      return { counts, faults: [] }
    },
    close: () => kv.close()
  }
}

/** lmdb 3.x with noSync: a committed write transaction is in the OS's page cache, which kill -9 does not touch. */
export const lmdb: Candidate = {
  name: 'lmdb',
  pkg: 'lmdb',
  async open (dir, { raw }) {
    const { open } = await load('lmdb')
    const db = open({ path: join(dir, 'views.lmdb'), keyEncoding: 'binary', encoding: 'binary', noSync: true })
    return await kvViews({
      commit: (entries) => db.transactionSync(() => { for (const [k, v] of entries) db.put(k, v) }),
      get: async (k) => db.get(k) ?? null,
      getMany: async (keys) => keys.map((k) => db.get(k) ?? null),
      range: ({ gte, lt, reverse = false, limit }) => mapIter(db.getRange({ start: reverse ? lt : gte, end: reverse ? gte : lt, reverse, limit })),
      close: async () => await db.close()
    }, raw)
  }
}

function * mapIter (it: Iterable<{ key: Buffer, value: Buffer }>): Iterable<Entry> {
  for (const { key, value } of it) yield [key, value]
}

/** rocksdb-native (as hypercore-storage uses it): a write batch is atomic; without sync its WAL write survives kill -9. */
export const rocksdb: Candidate = {
  name: 'rocksdb',
  pkg: 'rocksdb-native',
  async open (dir, { raw }) {
    const RocksDB = await load('rocksdb-native')
    const db = new RocksDB(join(dir, 'views.rocksdb'))
    await db.ready()
    const getMany = async (keys: Buffer[]): Promise<Array<Buffer | null>> => {
      const r = db.read({ autoDestroy: true })
      const ps = keys.map((k) => r.get(k) as Promise<Buffer | null>)
      const done = r.flush() as Promise<void>
      const values = await Promise.all(ps)
      await done
      return values
    }
    return await kvViews({
      commit: async (entries) => { const w = db.write({ autoDestroy: true }); for (const [k, v] of entries) w.put(k, v); await w.flush() },
      get: async (k) => (await getMany([k]))[0] ?? null,
      getMany,
      range: async function * ({ gte, lt, reverse = false, limit }) { for await (const { key, value } of db.iterator({ gte, lt, reverse, limit })) yield [key, value] },
      close: async () => await db.close()
    }, raw)
  }
}

/** hyperbee 2.x on a local, never replicated core: a batch is appended as one atomic flush. */
export const hyperbee: Candidate = {
  name: 'hyperbee',
  pkg: 'hyperbee',
  async open (dir, { raw }) {
    const Hyperbee = await load('hyperbee')
    const Corestore = await load('corestore')
    mkdirSync(dir, { recursive: true })
    const store = new Corestore(join(dir, 'views.corestore'))
    const bee = new Hyperbee(store.get({ name: 'views' }), { keyEncoding: 'binary', valueEncoding: 'binary' })
    await bee.ready()
    const get = async (k: Buffer): Promise<Buffer | null> => (await bee.get(k))?.value ?? null
    return await kvViews({
      commit: async (entries) => { const b = bee.batch(); for (const [k, v] of entries) await b.put(k, v); await b.flush() },
      get,
      getMany: async (keys) => await Promise.all(keys.map(get)),
      range: async function * (range) { for await (const { key, value } of bee.createReadStream(range)) yield [key, value] },
      close: async () => { await bee.close(); await store.close() }
    }, raw)
  }
}
