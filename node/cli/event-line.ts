import type { IndexedEvent } from '../views/views.js'

/** An event on one line for `cairn log`: short id, time, type, short author, the note's first line or the body's start. */
export function eventLine (e: IndexedEvent): string {
  const when = new Date(e.ts).toISOString()
  const what = e.type === 'note' ? e.body.text.split('\n')[0] ?? '' : JSON.stringify(e.body).slice(0, 120)
  return `${e.id.slice(0, 12)} ${when} ${e.type} ${e.author.slice(0, 12)} ${what}`
}
