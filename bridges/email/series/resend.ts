import { expectedOf, leadNode, sameSender, type Draft, type Placement } from './draft.js'
import type { MailNode } from './mails.js'
import type { Unmatched } from './types.js'

const title = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase()

/** `older` is the complete posting `d` resends part of: same version, count and sender, each resent patch under its slot's title. */
function resends (d: Draft, older: Draft): boolean {
  if (older === d || older.seq >= d.seq || older.version !== d.version || older.patches.size <= d.patches.size) return false
  if (expectedOf(older) !== expectedOf(d) || !sameSender(older, d)) return false
  for (const [index, p] of d.patches) {
    const twin = older.patches.get(index)
    if (twin === undefined || twin.carriedFrom !== undefined || title(twin.node.subject.subject) !== title(p.node.subject.subject)) return false
  }
  return true
}

/**
 * A RESEND of some patches of a posting, same version (linux-rtc: `[PATCH
 * RESEND v5 3/8]`, 4/8, 6/8 and 8/8 of the complete v5 0/8): the same
 * posting again, not a newer one. As a revision of its own it would take the
 * complete one's place (the later of one version is in force), so its
 * mails are filed as copies of the slots they resend, and replies to them
 * count there (as a duplicate patch's do).
 */
export function foldPartialResends (drafts: Draft[], placed: Map<string, Placement>, aliases: Map<string, string>, unmatched: Unmatched[]): Draft[] {
  const byVersion = new Map<number, Draft[]>()
  for (const d of drafts) byVersion.set(d.version, [...byVersion.get(d.version) ?? [], d])
  const folded = new Set<Draft>()
  for (const d of drafts) {
    const lead = leadNode(d)
    // a resent cover over some patches is left as posted
    if (lead === undefined || !lead.subject.isResend || d.cover !== undefined || d.patches.size >= expectedOf(d)) continue
    const older = (byVersion.get(d.version) ?? []).filter((o) => !folded.has(o) && resends(d, o)).sort((a, b) => b.patches.size - a.patches.size || a.seq - b.seq)[0]
    if (older === undefined) continue
    for (const [index, p] of d.patches) {
      const twin = (older.patches.get(index) as { node: MailNode }).node
      unmatched.push({ mail: p.node.mail, reason: `partial RESEND of patch ${index}/${expectedOf(d)} of v${d.version} <${older.anchor}>: the complete posting's <${twin.id}> stays in force`, lostTo: twin.id })
      aliases.set(p.node.id, twin.id)
      placed.delete(p.node.id)
    }
    folded.add(d)
  }
  return drafts.filter((d) => !folded.has(d))
}
