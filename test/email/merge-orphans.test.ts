// Parts of a posting sent without threading join (series/join.ts
// mergeOrphans) at a cost linear in the mails, however many one sender sends
// in a sitting: a flood of unthreaded "[PATCH 1/2]" (none of which can join
// another) made every draft look at every other, 52 s for 8,000 mails, for
// anyone who can mail the list. The work is counted here as reads of the
// drafts' version (each pair looked at reads it), not timed.
import test from 'brittle'
import type { Draft } from '../../bridges/email/series/draft.js'
import { mergeOrphans } from '../../bridges/email/series/join.js'
import { indexMails } from '../../bridges/email/series/mails.js'
import type { MailNode } from '../../bridges/email/series/mails.js'
import { drafts, looseMail } from './unthreaded-fixture.js'

const FROM = 'Dev <dev@example.org>'

/** The drafts of `mails`, each counting the reads of its version into `reads.n`. */
function counted (nodes: MailNode[], reads: { n: number }): Draft[] {
  return drafts(nodes).map((d) => new Proxy(d, {
    get (target, prop, receiver) {
      if (prop === 'version') reads.n++
      return Reflect.get(target, prop, receiver) as unknown
    }
  }))
}

function merge (mails: ReturnType<typeof looseMail>[]): { out: Draft[], reads: number } {
  const { nodes } = indexMails(mails)
  const reads = { n: 0 }
  const out = mergeOrphans(counted(nodes, reads), new Map(nodes.map((n) => [n.id, n])), new Map())
  return { out, reads: reads.n }
}

test('a flood of unthreaded parts that join nothing: work linear in the mails, nothing joined', (t) => {
  const flood = (n: number): ReturnType<typeof merge> => merge(Array.from({ length: n }, (_, i) => looseMail({ id: `p${i}@x`, subject: `[PATCH 1/2] part ${i}`, atMs: i * 100, from: FROM, diff: true })))
  const small = flood(1000)
  const big = flood(4000)
  t.is(big.out.length, 4000, 'every part stays alone: no two are disjoint')
  t.ok(big.reads < 4000 * 300, `${big.reads} reads for 4,000 mails (each against all: 32,000,000)`)
  t.ok(big.reads < small.reads * 4.5, `4x the mails, ${(big.reads / small.reads).toFixed(2)}x the reads`)
})

test('many unthreaded two-part postings of one sender in a sitting: each part finds its own', (t) => {
  const n = 300
  const mails = Array.from({ length: n }, (_, i) => [1, 2].map((k) => looseMail({ id: `s${i}-${k}@x`, subject: `[PATCH ${k}/2] series ${i} part ${k}`, atMs: i * 2000 + k * 100, from: FROM, diff: true }))).flat()
  const { out } = merge(mails)
  t.is(out.length, n, `${n} drafts`)
  const wrong = out.filter((d) => {
    const ids = [...d.patches.values()].map((p) => p.node.id).sort()
    return ids.length !== 2 || ids[0]?.replace(/-1@x$/, '') !== ids[1]?.replace(/-2@x$/, '')
  })
  t.is(wrong.length, 0, `each draft is one posting's two parts${wrong.length > 0 ? `: ${wrong.slice(0, 3).map((d) => [...d.patches.values()].map((p) => p.node.id).join('+')).join(', ')}` : ''}`)
})
