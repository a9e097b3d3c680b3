/**
 * Incremental grouping: only the parts (clusters.ts) that hold a mail read
 * since the last grouping are grouped again, with every mail of those
 * parts; the rest of the archive cannot have changed, because no key ties
 * it to the new mails. Publishing then compares those parts' events with
 * the node's feed as before. Each part's tally (series, revisions, replies,
 * trailers, mail.raw) is kept in the bridge state, so a run reports the
 * whole archive's figures without grouping it.
 */
import type { BridgeState, Tally } from './bridge-state.js'
import { desiredEvents } from './bodies.js'
import type { Desired } from './bodies.js'
import { explainCopies, shorterCopies } from './copies.js'
import type { MailRecord } from './mail-record.js'
import { seriesMatcher } from './match.js'
import type { MatchSpec } from './match.js'
import { buildSeries } from '../series/series.js'
import type { ParsedMail } from '../parse/types.js'

interface Regrouped {
  desired: Desired
  /** The mails grouped again (the parts' members; quarantined ones apart). */
  records: Map<ParsedMail, MailRecord>
  /** Each regrouped part's root and its tally now. */
  parts: Array<[number, Tally]>
}

/** Group again every part holding a mail from `state.grouped` on; `match` keeps only the series it selects. */
export function regroup (state: BridgeState, match?: MatchSpec): Regrouped {
  const roots = new Set<number>()
  const quarantined: MailRecord[] = []
  for (const { part, rec } of state.since(state.grouped)) {
    if (part === null) quarantined.push(rec)
    else roots.add(part)
  }
  const records = new Map<ParsedMail, MailRecord>()
  const partOf = new Map<MailRecord, number>()
  for (const root of roots) {
    for (const { rec } of state.membersOf(root)) {
      if (rec.mail !== undefined) records.set(rec.mail, rec)
      partOf.set(rec, root)
    }
  }
  const result = buildSeries([...records.keys()], { superseded: shorterCopies(records.values()) })
  explainCopies(result.unmatched, records, state)
  const keep = match === undefined ? undefined : seriesMatcher(match, records)
  const desired = desiredEvents(result, records, quarantined, keep === undefined ? {} : { keep })
  return { desired, records, parts: tallies(partOf, desired, records, [...roots]) }
}

const empty = (): Tally => ({ series: 0, revisions: 0, replies: 0, trailers: 0, raw: 0 })

/** What each part holds of the desired events: revisions and series by their own mails, replies and raws by theirs. */
function tallies (parts: ReadonlyMap<MailRecord, number>, desired: Desired, records: Map<ParsedMail, MailRecord>, roots: number[]): Array<[number, Tally]> {
  const out = new Map<number, Tally>(roots.map((r) => [r, empty()]))
  const partOf = (rec: MailRecord | undefined): Tally | undefined => {
    const part = rec === undefined ? undefined : parts.get(rec)
    return part === undefined ? undefined : out.get(part)
  }
  const seen = new Set<string>()
  for (const d of desired.revisions) {
    const t = partOf(d.mails[0]) // every revision has a mail of its own (a cover or a patch started it)
    if (t === undefined) continue
    t.revisions++
    if (!seen.has(d.body.series)) { seen.add(d.body.series); t.series++ }
  }
  for (const r of desired.reviews) {
    const t = partOf(r.record)
    if (t !== undefined) { t.replies++; t.trailers += r.body.trailers.length }
  }
  const byRaw = new Map<string, MailRecord>()
  for (const rec of records.values()) byRaw.set(rec.raw.hash, rec)
  for (const r of desired.raws) {
    const t = partOf(byRaw.get(r.hash))
    if (t !== undefined) t.raw++
  }
  return [...out]
}
