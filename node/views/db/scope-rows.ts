import type { Database as Db, Statement } from 'better-sqlite3'
import type { IndexedEvent } from '../indexed.js'
import { blob } from './rows.js'

/**
 * What each feed is about (`project:P`, `list:L`, `path:DIR`), one row per feed and
 * scope, so a node finds a feed's scopes (net/scopes.ts: every announcement)
 * without reading its events. A series revision names its project and list,
 * and the directories its patches touch (pathPrefix);
 * a job request its project and its revision's; everything that answers one
 * of them (reviews, decisions and merges of a revision; claims, progress and
 * results of a job) is about what it answers: a runner's feed is about the
 * lists of the jobs it ran, so a lab following one list does not carry the
 * runners of others. Written with the event's row.
 *
 * Feeds are indexed in any order, so an answer may come before what it
 * answers: each answer is kept in scope_deps, and when a revision or job
 * gains scopes (indexed, or its own revision indexed later) they flow to
 * the feeds and jobs that answered it. A job answers a revision, which
 * answers nothing; each scope is added to an event once, so the flow ends.
 */
export class ScopeRows {
  private readonly feedScope: Statement
  private readonly eventScope: Statement
  private readonly scopesOfEvent: Statement
  private readonly dep: Statement
  private readonly deps: Statement
  /** `feed scope` pairs this writer knows are in feed_scopes: nearly every event repeats its feed's, and a no-op INSERT still costs a B-tree probe. */
  private readonly known = new Set<string>()

  constructor (db: Db) {
    this.feedScope = db.prepare('INSERT OR IGNORE INTO feed_scopes (feed, scope) VALUES (?, ?)')
    this.eventScope = db.prepare('INSERT OR IGNORE INTO event_scopes (id, scope) VALUES (?, ?)')
    this.scopesOfEvent = db.prepare('SELECT scope FROM event_scopes WHERE id = ?').pluck()
    this.dep = db.prepare('INSERT OR IGNORE INTO scope_deps (target, event, feed, answerable) VALUES (?, ?, ?, ?)')
    this.deps = db.prepare('SELECT event, feed, answerable FROM scope_deps WHERE target = ?')
  }

  /** `feed`: the feed's row (feeds.n) the event was indexed from. */
  apply (event: IndexedEvent, feed: number): void {
    const { own, target } = aboutOf(event)
    const answerable = event.type === 'series.revision' || event.type === 'job.request'
    if (target !== undefined) {
      this.dep.run(blob(target), blob(event.id), feed, answerable ? 1 : 0)
      own.push(...(this.scopesOfEvent.all(blob(target)) as string[]))
    }
    this.add(blob(event.id), feed, answerable, own)
  }

  /** After a rolled-back transaction or a clear: what `known` holds may not be in the file. */
  forget (): void {
    this.known.clear()
  }

  /**
   * Give the event (and its feed) these scopes; what is new to an answerable
   * event flows on to its answers. A worklist, not recursion: a hostile chain
   * of jobs answering jobs is walked once, without deepening the stack.
   */
  private add (id: Buffer, feed: number, answerable: boolean, scopes: readonly string[]): void {
    const work = [{ id, feed, answerable, scopes }]
    for (let next = work.pop(); next !== undefined; next = work.pop()) {
      for (const scope of next.scopes) {
        const pair = `${next.feed} ${scope}`
        if (this.known.has(pair)) continue
        this.feedScope.run(next.feed, scope)
        this.known.add(pair)
      }
      if (!next.answerable) continue
      const event = next.id
      const added = next.scopes.filter((scope) => this.eventScope.run(event, scope).changes > 0)
      if (added.length === 0) continue
      for (const d of this.deps.all(event) as Array<{ event: Buffer, feed: number, answerable: number }>) work.push({ id: d.event, feed: d.feed, answerable: d.answerable === 1, scopes: added })
    }
  }
}

/** The scopes an event names itself, and the event it answers (whose scopes it shares). */
function aboutOf (event: IndexedEvent): { own: string[], target?: string } {
  switch (event.type) {
    case 'series.revision': return { own: [`project:${event.body.project}`, ...(event.body.source.list === undefined ? [] : [`list:${event.body.source.list}`]), ...pathScopes(event.body.patches)] }
    case 'job.request': return { own: [`project:${event.body.project}`], ...(event.body.revision === undefined ? {} : { target: event.body.revision }) }
    case 'review': return { own: [], target: event.body.target.revision }
    case 'decision':
    case 'merge': return { own: [], target: event.body.revision }
    case 'job.claim':
    case 'job.progress':
    case 'result': return { own: [], ...(event.body.job === undefined ? {} : { target: event.body.job }) }
    default: return { own: [] }
  }
}

/** Directories of a path scope: `drivers/rtc/rtc-ds1307.c` is about `drivers/rtc`. */
const PATH_DEPTH = 3
/** Longest path scope (`path:` and the prefix): a deeper one is cut at a segment, one long name is about the root. */
export const MAX_PATH_SCOPE_LENGTH = 105

/** The `path:PREFIX` scopes of the files a revision's patches touch, each once. */
function pathScopes (patches: ReadonlyArray<{ files?: string[] | undefined }>): string[] {
  const out = new Set<string>()
  for (const p of patches) for (const file of p.files ?? []) out.add(`path:${pathPrefix(file)}`)
  return [...out]
}

/**
 * What a touched file is about: its first PATH_DEPTH directories (a file at
 * the top, itself), so a feed's path rows grow with the directories it
 * touches, not the files; `/` (the root, about every path) when no shorter
 * prefix fits MAX_PATH_SCOPE_LENGTH or the name holds control characters.
 */
function pathPrefix (file: string): string {
  const segments = file.split('/').filter((s) => s !== '' && s !== '.')
  const kept = segments.slice(0, Math.max(1, Math.min(PATH_DEPTH, segments.length - 1)))
  while (kept.length > 0 && kept.join('/').length > MAX_PATH_SCOPE_LENGTH - 5) kept.pop()
  const prefix = kept.join('/')
  return prefix === '' || /[\x00-\x1f\x7f]/.test(prefix) ? '/' : prefix
}
