import type { IndexedEvent } from '../views/views.js'

/** The stable JSON shape of an event in CLI and API output (documented in README). */
export function eventJson (e: IndexedEvent): Record<string, unknown> {
  return { id: e.id, type: e.type, author: e.author, ts: e.ts, refs: e.refs, body: e.body, feed: e.feed, seq: e.seq }
}

export function eventLine (e: IndexedEvent): string {
  const when = new Date(e.ts).toISOString()
  const what = e.type === 'note' ? e.body.text.split('\n')[0] ?? '' : JSON.stringify(e.body).slice(0, 120)
  return `${e.id.slice(0, 12)} ${when} ${e.type} ${e.author.slice(0, 12)} ${what}`
}
