/**
 * The shapes of the series view: series, their revisions and the index that
 * finds them, plus small helpers every part of the view shares.
 */
import type { CairnEvent } from '../../../protocol/event.js'
import type { BodyOf } from '../../../protocol/schemas.js'
import type { IndexedEvent } from '../views.js'

type RevisionBody = BodyOf<'series.revision'>
export type RevisionEvent = IndexedEvent & CairnEvent<'series.revision'>
export type ReviewEvent = IndexedEvent & CairnEvent<'review'>

/** One revision (v1, v2, ...) of a series as the views see it. */
export interface RevisionView {
  /** The EventId of the series.revision event in force (the latest for this series and version). */
  id: string
  /**
   * Every series.revision EventId that stands for this series and version: its
   * republications (a bridge republishes when late patches arrive) and the
   * events it replaces (`replaces`: mails regrouped under another series id).
   */
  eventIds: string[]
  series: string
  version: number
  author: string
  ts: number
  body: RevisionBody
  reviews: ReviewEvent[]
}

export interface SeriesView {
  id: string
  project: string
  subject: string
  changeId?: string
  revisions: RevisionView[]
  latest: RevisionView
  messageIds: string[]
}

export interface SeriesIndex {
  series: Map<string, SeriesView>
  byMessageId: Map<string, string>
  byChangeId: Map<string, string>
  /** Any revision EventId -> its revision */
  byRevisionEvent: Map<string, RevisionView>
}

/** How many of a revision's patches 1..total are here (the cover letter not counted). */
export function presentPatches (body: RevisionBody): number {
  return body.patches.filter((p) => p.missing !== true && p.index > 0).length
}

/** Appends to the list under key, starting it if needed. */
export function addTo<T> (map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}
