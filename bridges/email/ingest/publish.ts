/**
 * Publish what the grouping says, minus what the bridge already published.
 * "Already published" is read from this node's own events in the views,
 * never from a local file: published.ts indexes them, reading at the start
 * of each run the events appended since its last read, so whatever a killed
 * run managed to append counts, nothing is appended twice, and a run does
 * not read the whole history back. A revision whose body changed (a late patch
 * filled a hole, a reply moved it) is republished in the same slot (series
 * id, version), where the views keep the latest; a slot whose mails moved to
 * another series id or version is retired by the new event's `replaces`.
 */
import type { CairnNode } from '../../../node/node.js'
import type { CairnEvent, Draft } from '../../../protocol/event.js'
import { validateDraft } from '../../../protocol/event.js'
import { isCairnError } from '../../../protocol/errors.js'
import { pack } from '../../../protocol/codec.js'
import type { BodyOf, EventType } from '../../../protocol/schemas.js'
import { rawBody } from './bodies.js'
import type { Desired, DesiredRaw } from './bodies.js'
import type { MailRecord } from './mail-record.js'
import type { PublishedIndex } from './published.js'

export interface PublishCounts {
  'series.revision': number
  review: number
  'mail.raw': number
  /** Bodies that failed their schema and went out as mail.raw instead. */
  fallbacks: number
}

/**
 * Is this the body we published? Compared as msgpack bytes: a stored body
 * decodes with the key order it was built with, and bodies.ts always builds
 * in one order.
 */
function same (a: unknown, b: unknown): boolean {
  return Buffer.from(pack(a)).equals(pack(b))
}

function withoutReplaces (body: BodyOf<'series.revision'>): unknown {
  const { replaces: _, ...rest } = body
  return rest
}

function schemaProblem (type: EventType, body: unknown): string | null {
  try {
    validateDraft(type, body)
    return null
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** Append the events the grouping calls for and the node's feed lacks; returns what was appended. */
export async function publish (node: CairnNode, desired: Desired, published: PublishedIndex): Promise<PublishCounts> {
  const counts: PublishCounts = { 'series.revision': 0, review: 0, 'mail.raw': 0, fallbacks: 0 }
  published.catchUp(node)
  // A republication must sort after what it republishes even if the clock went back.
  const floor = published.latestTs + 1
  const ts = (): number => Math.max(Date.now(), floor)
  const inForce = new Map<string, string>()
  const fallbacks: DesiredRaw[] = []
  const fallBack = (mails: readonly MailRecord[], why: string): void => {
    counts.fallbacks += mails.length
    for (const rec of mails) fallbacks.push({ hash: rec.raw.hash, body: rawBody(rec, why) })
  }

  // Revisions go out in waves (every first revision, then every second...) so a v2 can refer to its v1's EventId.
  const desiredKeys = new Set(desired.revisions.map((d) => d.key))
  const retired = new Set<string>()
  let pending = desired.revisions
  while (pending.length > 0) {
    const wave = pending.filter((d) => d.prev === undefined || inForce.has(d.prev) || !desiredKeys.has(d.prev))
    const later = pending.filter((d) => !wave.includes(d))
    if (wave.length === 0) { pending = []; break } // unreachable: prev always comes earlier in its series
    const drafts: Array<Draft<'series.revision'>> = []
    const keys: string[] = []
    const mailsOf: MailRecord[][] = []
    for (const d of wave) {
      const slot = published.slot(node, d.key)
      if (slot !== undefined && same(withoutReplaces(slot.current.body), d.body)) {
        inForce.set(d.key, slot.current.id)
        continue
      }
      const replaces: string[] = []
      for (const id of d.body.source.messageIds) {
        for (const key of published.claimed(id)) {
          if (desiredKeys.has(key) || retired.has(key)) continue
          retired.add(key)
          replaces.push(...(published.slot(node, key)?.ids ?? []))
        }
      }
      const body = replaces.length > 0 ? { ...d.body, replaces } : d.body
      const prev = d.prev === undefined ? undefined : inForce.get(d.prev)
      drafts.push({ type: 'series.revision', body, refs: prev === undefined ? [] : [prev], ts: ts() })
      keys.push(d.key)
      mailsOf.push(d.mails)
    }
    const events = await postInBlocks(node, drafts, (i, problem) => {
      const d = drafts[i] as Draft<'series.revision'>
      fallBack(mailsOf[i] ?? [], `cannot publish revision v${d.body.version} of series ${d.body.series}: ${problem}`)
    })
    events.forEach((e, i) => { if (e !== null) inForce.set(keys[i] as string, e.id) })
    counts['series.revision'] += events.filter((e) => e !== null).length
    pending = later
  }

  const reviews: Array<Draft<'review'>> = []
  const replyOf: MailRecord[] = []
  for (const r of desired.reviews) {
    const revision = inForce.get(r.key)
    if (revision === undefined) {
      fallBack([r.record], 'a reply to a revision that could not be published')
      continue
    }
    const target: BodyOf<'review'>['target'] = r.patch === undefined ? { revision } : { revision, patch: r.patch }
    const body: BodyOf<'review'> = { target, ...r.body }
    const old = published.review(node, r.messageId)
    if (old !== undefined && published.slotOf(old.body.target.revision) === r.key && old.body.target.patch === r.patch) {
      const { target: _, ...rest } = old.body
      if (same(rest, r.body)) continue
    }
    reviews.push({ type: 'review', body, refs: [revision], ts: ts() })
    replyOf.push(r.record)
  }
  const posted = await postInBlocks(node, reviews, (i, problem) => fallBack([replyOf[i] as MailRecord], `cannot publish review: ${problem}`))
  counts.review += posted.filter((e) => e !== null).length
  const drafts: Draft[] = []
  for (const r of [...desired.raws, ...fallbacks]) {
    const old = published.raw(node, r.hash)
    if (old !== undefined && same(old.body, r.body)) continue
    drafts.push({ type: 'mail.raw', body: r.body, ts: ts() })
    counts['mail.raw']++
  }
  await postInBlocks(node, drafts, (_i, problem) => { throw new Error(`mail.raw refused: ${problem}`) }) // a bug: rawBody clips every field
  return counts
}

const BLOCK_BUDGET = 60 * 1024 // a little under a hypercore block (64 KB of signed events)
const EVENT_OVERHEAD = 200 // envelope, signature and msgpack framing of one event, generously

/** Roughly what a body weighs in msgpack: its strings, plus a little per field; cheap, and generous. */
function weight (value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value) + 5
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + weight(v), 4)
  if (value !== null && typeof value === 'object') return Object.entries(value).reduce((n, [k, v]) => n + k.length + weight(v), 4)
  return 9
}

/**
 * Append and index drafts a block at a time. The node hands a batch of 256
 * drafts or more, or a frame of more than one block, to its crypto worker
 * pool, whose start-up costs a one-shot CLI run a few hundred milliseconds;
 * one block at a time is signed and verified inline, which for an ingest's
 * few hundred or thousand events is several times faster. A chunk the node
 * refuses (a body failing its schema: postMany appends nothing then) is
 * retried without the bad drafts, each reported to `refused`; their slots
 * in the result are null.
 */
async function postInBlocks<T extends EventType> (node: CairnNode, drafts: ReadonlyArray<Draft<T>>, refused: (index: number, problem: string) => void): Promise<Array<CairnEvent | null>> {
  const out: Array<CairnEvent | null> = []
  let chunk: number[] = []
  let size = 0
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return
    let good = chunk
    let events: CairnEvent[]
    try {
      events = await node.postMany(good.map((i) => drafts[i] as Draft<T>))
    } catch (err) {
      if (!isCairnError(err, 'SCHEMA')) throw err
      good = chunk.filter((i) => {
        const problem = schemaProblem((drafts[i] as Draft<T>).type, (drafts[i] as Draft<T>).body)
        if (problem !== null) refused(i, problem)
        return problem === null
      })
      events = await node.postMany(good.map((i) => drafts[i] as Draft<T>))
    }
    const byIndex = new Map(good.map((i, k) => [i, events[k] as CairnEvent]))
    for (const i of chunk) out.push(byIndex.get(i) ?? null)
    await node.indexer.run()
    chunk = []
    size = 0
  }
  for (const [i, d] of drafts.entries()) {
    const cost = weight(d.body) + EVENT_OVERHEAD
    if (chunk.length > 0 && (size + cost > BLOCK_BUDGET || chunk.length >= 255)) await flush()
    chunk.push(i)
    size += cost
  }
  await flush()
  return out
}
