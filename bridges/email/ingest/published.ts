import type { Database as Db, Statement } from 'better-sqlite3'
import type { CairnNode } from '../../../node/node.js'
import type { IndexedEvent } from '../../../node/views/views.js'
import type { CairnEvent } from '../../../protocol/event.js'
import type { EventType } from '../../../protocol/schemas.js'
import { slotKey } from './bodies.js'

type Own<T extends EventType> = IndexedEvent & CairnEvent<T>

/** A slot (series id, version): its revisions not retired, oldest first; the last is in force. */
interface Slot { current: Own<'series.revision'>, ids: string[] }

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pub_slots (key TEXT PRIMARY KEY, ids TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pub_slot_of (event TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pub_replaced (event TEXT PRIMARY KEY, by TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pub_claims (message_id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (message_id, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pub_claims_key ON pub_claims (key);
CREATE TABLE IF NOT EXISTS pub_reviews (message_id TEXT PRIMARY KEY, event TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pub_raws (hash TEXT PRIMARY KEY, event TEXT NOT NULL) WITHOUT ROWID;
`

const REPLACE_HOPS = 64 // a retired revision's chain of replacements is followed this far

/**
 * What the bridge has published, as publish.ts asks it: a slot's revisions,
 * the slots claiming a Message-ID, the review of a reply, the mail.raw of a
 * mail, the slot a revision (retired or not) stands for now. Kept in the
 * bridge's database and brought up to date from the node's own events in
 * the views at the start of each publish (`catchUp`: those after the last
 * ts it read; the own feed's ts strictly increases), so whatever a killed
 * run appended counts, and a run reads only what was appended since the
 * last, not the whole history. Each question is then an index read.
 */
export class PublishedIndex {
  private readonly q: Record<'slot' | 'setSlot' | 'dropSlot' | 'slotOf' | 'setSlotOf' | 'dropSlotOf' | 'replaced' | 'setReplaced' | 'claims' | 'addClaim' | 'dropClaims' | 'review' | 'setReview' | 'raw' | 'setRaw' | 'meta' | 'setMeta', Statement>

  constructor (private readonly db: Db) {
    db.exec(SCHEMA)
    const p = (sql: string): Statement => db.prepare(sql)
    this.q = {
      slot: p('SELECT ids FROM pub_slots WHERE key = ?'),
      setSlot: p('INSERT OR REPLACE INTO pub_slots (key, ids) VALUES (?, ?)'),
      dropSlot: p('DELETE FROM pub_slots WHERE key = ?'),
      slotOf: p('SELECT key FROM pub_slot_of WHERE event = ?'),
      setSlotOf: p('INSERT OR REPLACE INTO pub_slot_of (event, key) VALUES (?, ?)'),
      dropSlotOf: p('DELETE FROM pub_slot_of WHERE event = ?'),
      replaced: p('SELECT by FROM pub_replaced WHERE event = ?'),
      setReplaced: p('INSERT OR REPLACE INTO pub_replaced (event, by) VALUES (?, ?)'),
      claims: p('SELECT key FROM pub_claims WHERE message_id = ? ORDER BY key'),
      addClaim: p('INSERT OR IGNORE INTO pub_claims (message_id, key) VALUES (?, ?)'),
      dropClaims: p('DELETE FROM pub_claims WHERE key = ?'),
      review: p('SELECT event FROM pub_reviews WHERE message_id = ?'),
      setReview: p('INSERT OR REPLACE INTO pub_reviews (message_id, event) VALUES (?, ?)'),
      raw: p('SELECT event FROM pub_raws WHERE hash = ?'),
      setRaw: p('INSERT OR REPLACE INTO pub_raws (hash, event) VALUES (?, ?)'),
      meta: p("SELECT value FROM meta WHERE key = 'published_ts'"),
      setMeta: p("INSERT OR REPLACE INTO meta (key, value) VALUES ('published_ts', ?)")
    }
  }

  /** The ts of the last own event read: a republication must sort after it even if the clock went back. */
  get latestTs (): number {
    return (this.q.meta.get() as { value: number } | undefined)?.value ?? 0
  }

  /** Read the node's own events appended since the last catch-up. */
  catchUp (node: CairnNode): void {
    const fresh = node.views.query({ author: node.identityKey, afterTs: this.latestTs })
    if (fresh.length === 0) return
    this.db.transaction(() => {
      for (const e of fresh) this.apply(node, e)
      this.q.setMeta.run(fresh.reduce((ts, e) => Math.max(ts, e.ts), this.latestTs))
    })()
  }

  slot (node: CairnNode, key: string): Slot | undefined {
    const ids = this.ids(key)
    const current = ids === undefined ? undefined : node.views.event(ids[ids.length - 1] as string)
    return ids === undefined || current === undefined ? undefined : { current: current as Own<'series.revision'>, ids }
  }

  /** The slots whose revision in force lists this Message-ID. */
  claimed (messageId: string): string[] {
    return (this.q.claims.all(messageId) as Array<{ key: string }>).map((r) => r.key)
  }

  /** The slot an own revision stands for now: its own, or that of the revision that retired it. */
  slotOf (id: string): string | undefined {
    let at = id
    for (let hops = 0; hops < REPLACE_HOPS; hops++) {
      const by = (this.q.replaced.get(at) as { by: string } | undefined)?.by
      if (by === undefined) break
      at = by
    }
    return (this.q.slotOf.get(at) as { key: string } | undefined)?.key
  }

  review (node: CairnNode, messageId: string): Own<'review'> | undefined {
    const id = (this.q.review.get(messageId) as { event: string } | undefined)?.event
    return id === undefined ? undefined : node.views.event(id) as Own<'review'> | undefined
  }

  raw (node: CairnNode, hash: string): Own<'mail.raw'> | undefined {
    const id = (this.q.raw.get(hash) as { event: string } | undefined)?.event
    return id === undefined ? undefined : node.views.event(id) as Own<'mail.raw'> | undefined
  }

  private ids (key: string): string[] | undefined {
    const row = this.q.slot.get(key) as { ids: string } | undefined
    return row === undefined ? undefined : JSON.parse(row.ids) as string[]
  }

  /** One own event, in log order: what the whole fold over them would make of it. */
  private apply (node: CairnNode, e: IndexedEvent): void {
    if (e.type === 'series.revision') {
      for (const old of e.body.replaces ?? []) this.retire(node, old, e.id)
      const key = slotKey(e.body.series, e.body.version)
      this.setSlot(key, [...(this.ids(key) ?? []), e.id], e)
      this.q.setSlotOf.run(e.id, key)
    } else if (e.type === 'review' && e.body.messageId !== undefined) {
      this.q.setReview.run(e.body.messageId, e.id)
    } else if (e.type === 'mail.raw') {
      this.q.setRaw.run(e.body.mail.hash, e.id)
    }
  }

  /** A revision replaced by a later one leaves its slot; the slot's previous revision is in force again, or the slot goes. */
  private retire (node: CairnNode, old: string, by: string): void {
    this.q.setReplaced.run(old, by)
    const key = (this.q.slotOf.get(old) as { key: string } | undefined)?.key
    if (key === undefined) return
    this.q.dropSlotOf.run(old)
    const ids = (this.ids(key) ?? []).filter((id) => id !== old)
    const current = ids.length === 0 ? undefined : node.views.event(ids[ids.length - 1] as string)
    if (current?.type === 'series.revision') {
      this.setSlot(key, ids, current)
    } else {
      this.q.dropSlot.run(key)
      this.q.dropClaims.run(key)
    }
  }

  private setSlot (key: string, ids: string[], current: CairnEvent<'series.revision'>): void {
    this.q.setSlot.run(key, JSON.stringify(ids))
    this.q.dropClaims.run(key)
    for (const id of current.body.source.messageIds) this.q.addClaim.run(id, key)
  }
}
