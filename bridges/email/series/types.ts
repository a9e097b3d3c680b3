import type { ParsedMail } from '../parse/types.js'
import type { Subject } from './subject.js'
import type { Person, Trailer } from './trailers.js'

/** A patch mail in its slot of a revision. */
export interface PresentPatch {
  index: number
  missing: false
  messageId: string
  mail: ParsedMail
  subject: Subject
  /** Trailers already in the commit message. */
  own: Trailer[]
  /** Trailers given in replies to this patch and to the cover, deduplicated, minus `own`. */
  collected: Trailer[]
  /** Whether the mail holds a diff (a patch sent as an unparsed attachment may not). */
  hasDiff: boolean
  /** Partial reroll: the slot is the unchanged patch of this older version, not a mail of this revision. */
  carriedFrom?: number
}

export interface MissingPatch { index: number, missing: true }

export type PatchSlot = PresentPatch | MissingPatch

export interface Cover {
  messageId: string
  mail: ParsedMail
  subject: Subject
  /** A cover with no `0/n` prefix, recognised as the same author's thread root (b4's naked cover). */
  naked: boolean
  /** Partial reroll without its own cover: the cover of this older version applies. */
  inheritedFrom?: number
}

/** Why a revision belongs to the series of an older one, strongest first. */
export type LinkReason = 'change-id' | 'in-reply-to' | 'subject'

export interface RevisionLink {
  reason: LinkReason
  /** Anchor of the older revision this one follows. */
  to: string
  /** Subject similarity in [0, 1] for 'subject' links. */
  score?: number
}

/** One posting of a series: an optional cover and patches 1..expected. */
export interface Revision {
  seriesId: string
  /**
   * The Message-ID this revision hangs from: its cover, else its first
   * patch, else the missing message its patches reply to (a cover that was
   * not cross-posted here). With `version` it names the revision uniquely
   * (parts of a v2 and a v3 may hang on one missing cover); stable as mails arrive.
   */
  anchor: string
  version: number
  /** Cover subject, else the first present patch's, prefixes stripped. */
  subject: string
  /** Sender (header From) of the cover, else of the first present patch. */
  author: Person
  /** Earliest parseable Date of its cover and patches, ms since epoch; NaN if none parses. */
  date: number
  /** Patch count: the largest of the `/n` in its subjects and the highest index seen. */
  expected: number
  cover?: Cover
  /** Exactly `expected` slots, index 1..expected, holes as `{ index, missing: true }`. */
  patches: PatchSlot[]
  complete: boolean
  /** Trailers from replies to the cover; already part of every patch's `collected`. */
  coverTrailers: Trailer[]
  isRfc: boolean
  isResend: boolean
  /** Extra subject prefixes of the cover or first patch, e.g. ['net-next']. */
  prefixes: string[]
  changeId?: string
  baseCommit?: string
  /** Some slots are carried over from an older version (b4's partial reroll). */
  partialReroll: boolean
  /** How this revision was tied to the previous one; absent on a series' first revision. */
  link?: RevisionLink
}

export interface Series {
  /**
   * `change-id:<id>` when a revision names one, else the anchor of the first
   * revision; `<anchor> v<version>` of the first revision when two series
   * would share one; `sha256:<hex>` of that when over 200 characters.
   */
  id: string
  changeId?: string
  /** Subject of the latest revision. */
  subject: string
  /** Ordered by version, then date. */
  revisions: Revision[]
}

export type ReplyKind = 'review' | 'comment'

export interface ReplyTarget {
  seriesId: string
  version: number
  /** Anchor of the revision. */
  revision: string
  /** Message-ID of the cover or patch the reply thread answers. */
  messageId: string
  /** Patch index; absent when the target is the cover (the trailers then apply to every patch). */
  patch?: number
}

export interface Reply {
  messageId: string
  mail: ParsedMail
  /** Sender (header From). */
  from: Person
  /** 'review' when it gives at least one accepted trailer. */
  kind: ReplyKind
  target: ReplyTarget
  /** Trailers the sender gave (person trailers must name the sender, b4's rule). */
  trailers: Trailer[]
  /** Person trailers naming someone else, e.g. a Tested-by relayed for a colleague: kept, not applied. */
  mismatched: Trailer[]
}

export interface Unmatched {
  mail: ParsedMail
  reason: string
  /** The Message-ID of the mail it lost to (a copy under its Message-ID, the patch in its slot). */
  lostTo?: string
}

export interface SeriesResult {
  series: Series[]
  replies: Reply[]
  unmatched: Unmatched[]
}
