// The git-history corpus (../shared/corpora/git-history): 1653 mails from
// `git format-patch --thread=shallow --cover-letter` over 515 merged topics of
// git.git. Every series must come out exactly: same cover, same patches in
// the same order. Each patch's commit trailers must equal the corpus' list.
import test from 'brittle'
import { readFileSync } from 'node:fs'
import { buildSeries } from '../../bridges/email/series/series.js'
import { formatTrailer, parseTrailers } from '../../bridges/email/series/trailers.js'
import type { Revision } from '../../bridges/email/series/series.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { readMbox } from './mail-fixture.js'

interface Expected {
  cover: { message_id: string, subject: string } | null
  patches: Array<{ message_id: string, subject: string, trailers: string[] }>
}

const bare = (id: string): string => id.replace(/^<|>$/g, '')

test('git-history: every series grouped exactly, commit trailers as listed', { skip: !hasShared, timeout: 60_000 }, t => {
  const started = Date.now()
  const mails = readMbox(corpus('git-history', 'git-history.mboxrd'))
  t.is(mails.length, 1653, 'mails in the mboxrd (git mailsplit --mboxrd count)')
  const result = buildSeries(mails)
  const elapsed = Date.now() - started

  const byAnchor = new Map<string, Revision>()
  for (const s of result.series) for (const r of s.revisions) byAnchor.set(r.anchor, r)
  const expected = readFileSync(corpus('git-history', 'expected-series.jsonl'), 'utf8').trim().split('\n')
    .map(line => JSON.parse(line) as Expected)

  let exact = 0
  const wrong: string[] = []
  for (const e of expected) {
    const first = e.patches[0]
    const anchor = bare(e.cover?.message_id ?? first?.message_id ?? '')
    const rev = byAnchor.get(anchor)
    const want = e.patches.map(p => bare(p.message_id))
    const got = rev?.patches.map(p => p.missing ? `missing ${p.index}` : p.messageId) ?? []
    const coverOk = e.cover === null ? rev?.cover === undefined : rev?.cover?.messageId === anchor
    if (rev !== undefined && coverOk && rev.complete && JSON.stringify(got) === JSON.stringify(want)) exact++
    else wrong.push(`<${anchor}>: want ${want.length} patches, got ${JSON.stringify(got)}`)
  }
  const revisions = result.series.reduce((n, s) => n + s.revisions.length, 0)
  t.comment(`git-history: ${exact}/${expected.length} series exact; ${result.series.length} series, ${revisions} revisions, ` +
    `${result.unmatched.length} unmatched, in ${elapsed} ms`)
  t.alike(wrong, [], 'series that differ')
  t.is(exact, expected.length)
  t.is(revisions, expected.length, 'no series split or invented')
  t.is(result.series.length, expected.length, 'no v1 topics linked together as revisions')
  t.is(result.unmatched.length, 0)

  const byId = new Map(mails.map(m => [m.messageId, m]))
  let same = 0
  let total = 0
  const differ: string[] = []
  for (const e of expected) {
    for (const p of e.patches) {
      total++
      const got = parseTrailers(byId.get(bare(p.message_id))?.message ?? '').map(formatTrailer)
      if (JSON.stringify(got) === JSON.stringify(p.trailers)) same++
      else differ.push(`${p.message_id}: ${JSON.stringify(got)} != ${JSON.stringify(p.trailers)}`)
    }
  }
  t.comment(`git-history: commit trailers equal to the corpus list for ${same}/${total} patches`)
  t.alike(differ, [])
  t.ok(elapsed < 20_000, `parse + group under 20 s (${elapsed} ms)`)
})
