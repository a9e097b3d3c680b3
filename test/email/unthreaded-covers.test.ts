// A cover sent without threading headers takes the one patch draft of its
// sender, version, prefixes and count sent in its minute (issue 15), found
// by index (series/join.ts adoptUnthreadedCovers, trailers.ts addressKeys):
// the index agrees with the pairwise rule on random inputs, and many
// unthreaded covers from one sender give the right result.
import test from 'brittle'
import type { Draft } from '../../bridges/email/series/draft.js'
import { adoptUnthreadedCovers } from '../../bridges/email/series/join.js'
import { indexMails, LOCAL_ID_SUFFIX } from '../../bridges/email/series/mails.js'
import { buildSeries } from '../../bridges/email/series/series.js'
import type { PresentPatch } from '../../bridges/email/series/series.js'
import { addressKeys, emailMatches } from '../../bridges/email/series/trailers.js'
import { drafts, looseMail, pairwise, unthreadedPostings } from './unthreaded-fixture.js'

/** A seeded generator (LCG), so a failure replays. */
function rng (seed: number): (n: number) => number {
  let s = seed
  return (n) => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 16) % n } // the high bits: the low ones cycle
}

test('addressKeys: b is found under a\'s sought keys exactly when emailMatches(a, b)', t => {
  const pick = rng(7)
  const locals = ['dev', 'Dev', 'dev+tag', 'dev+', 'ops', '']
  const domains = ['example.org', 'lists.example.org', 'a.lists.example.org', 'org', 'Example.org', 'other.org', '', '.', 'x@example.org']
  const address = (): string => pick(12) === 0 ? locals[pick(locals.length)] as string : `${locals[pick(locals.length)] as string}@${domains[pick(domains.length)] as string}`
  let wrong = 0
  let matches = 0
  for (let i = 0; i < 20_000; i++) {
    const a = address()
    const b = address()
    const sought = new Set(addressKeys(a).sought)
    const found = addressKeys(b).stored.some(k => sought.has(k))
    if (emailMatches(a, b)) matches++
    if (found !== emailMatches(a, b)) { wrong++; if (wrong < 4) t.fail(`${a} / ${b}: index ${String(found)}, emailMatches ${String(emailMatches(a, b))}`) }
  }
  t.is(wrong, 0, `agree on 20,000 pairs (${matches} matches)`)
})

const shape = (ds: Draft[]): string[] => ds.map(d => `${d.anchor}: ${[...d.patches.values()].map(p => p.node.id).join(' ')}`).sort()

test('adoptUnthreadedCovers by index makes what the pairwise rule makes, on 300 random sittings', t => {
  const pick = rng(15)
  const senders = ['Dev <dev@example.org>', 'Dev <dev@lists.example.org>', 'Dev <DEV+x@example.org>', 'Dev <dev@other.org>', 'Ops <ops@example.org>']
  let differ = 0
  let adopted = 0
  for (let round = 0; round < 300; round++) {
    const mails = Array.from({ length: 2 + pick(14) }, (_x, i) => {
      const cover = pick(2) === 0
      const local = pick(8) === 0
      const prefix = pick(4) === 0 ? 'PATCH net' : 'PATCH'
      const count = pick(4) === 0 ? 2 : 1
      return looseMail({
        id: `m${i}${local ? LOCAL_ID_SUFFIX : '@x'}`,
        subject: `[${prefix} ${cover ? 0 : 1 + pick(count)}/${count}] part ${i}`,
        atMs: pick(20) === 0 ? NaN : pick(10) * 40_000 + pick(4) * 1000 + (pick(10) === 0 ? 4_000_000 : 0),
        from: senders[pick(3) === 0 ? pick(senders.length) : 0] as string,
        diff: !cover
      })
    })
    const { nodes } = indexMails(mails)
    const reference = pairwise(drafts(nodes), new Map())
    adopted += reference.filter(d => d.cover !== undefined && d.patches.size > 0).length
    const expected = shape(reference)
    const got = shape(adoptUnthreadedCovers(drafts(nodes), new Map()))
    if (JSON.stringify(got) !== JSON.stringify(expected)) { differ++; if (differ < 3) t.alike(got, expected, `round ${round}`) }
  }
  t.is(differ, 0, 'the same drafts every round')
  t.ok(adopted > 0, `and the rounds had covers to adopt (${adopted} adopted)`)
})

const patchesOf = (r: ReturnType<typeof buildSeries>): Map<string, string[]> => new Map(r.series.flatMap(s => s.revisions)
  .filter(v => v.cover !== undefined).map(v => [v.cover?.messageId ?? '', v.patches.filter((p): p is PresentPatch => !p.missing).map(p => p.messageId)]))

test('hostile: 3,000 unthreaded covers from one sender each take their own patch, or none when their minute holds several', t => {
  const n = 3000
  let byCover = patchesOf(buildSeries(unthreadedPostings(n, 120_000)))
  t.ok(Array.from({ length: n }, (_x, i) => byCover.get(`c${i}@x`)?.join() === `p${i}@x`).every(Boolean), 'two minutes apart: each cover its own patch')
  byCover = patchesOf(buildSeries(unthreadedPostings(n, 0)))
  t.ok(Array.from({ length: n }, (_x, i) => byCover.get(`c${i}@x`)?.length === 0).every(Boolean), 'all in one minute, one count and prefix: no cover guesses')
  byCover = patchesOf(buildSeries(unthreadedPostings(n, 0, true)))
  t.ok(Array.from({ length: n }, (_x, i) => byCover.get(`c${i}@x`)?.join() === `p${i}@x`).every(Boolean), 'all in one minute, a prefix each: each cover its own patch')
})
