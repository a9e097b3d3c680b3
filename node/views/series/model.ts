/**
 * The shapes of the series view: series, their revisions and the index that
 * finds them, plus small helpers every part of the view shares.
 */
import type { CairnEvent } from '../../../protocol/event.js'
import type { BodyOf } from '../../../protocol/schemas.js'
import type { IndexedEvent } from '../indexed.js'

type RevisionBody = BodyOf<'series.revision'>
export type RevisionEvent = IndexedEvent & CairnEvent<'series.revision'>
export type ReviewEvent = IndexedEvent & CairnEvent<'review'>
export type DecisionEvent = IndexedEvent & CairnEvent<'decision'>

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

/** How many of a revision's patches 1..total are here (the cover letter not counted). */
export function presentPatches (body: RevisionBody): number {
  return body.patches.filter((p) => p.missing !== true && p.index > 0).length
}

/**
 * When a revision counts as sent, for newest-first lists: its mail date, but
 * never later than the event that published it (the publisher's clock), so
 * a mail dated in the future does not stay on top of every list.
 */
export function sentAt (revision: RevisionView): number {
  const date = revision.body.date
  return date === undefined ? revision.ts : Math.min(date, revision.ts)
}
