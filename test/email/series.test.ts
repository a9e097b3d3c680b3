import test from 'brittle'
import fc from 'fast-check'
import { buildSeries, placements, seriesIdOf, SUBJECT_SIMILARITY } from '../../bridges/email/series/series.js'
import type { PresentPatch, Revision, SeriesResult } from '../../bridges/email/series/series.js'
import { formatTrailer } from '../../bridges/email/series/trailers.js'
import type { ParsedMail } from '../../bridges/email/parse/types.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { loadMbox } from './mail-fixture.js'

// ---- building mails -------------------------------------------------------

const T0 = Date.UTC(2024, 0, 1)
const MIN = 60_000
const DIFF = '---\n f | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n' +
  'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n'

interface MailSpec {
  id: string
  subject: string
  from?: string
  at?: number // minutes after T0
  irt?: string
  refs?: string[]
  body?: string
  diff?: boolean
}

function mail (s: MailSpec): ParsedMail {
  const from = s.from ?? 'Dev One <dev@example.com>'
  const m = /^(.*?)\s*<(.+)>$/.exec(from)
  const dateMs = T0 + (s.at ?? 0) * MIN
  return {
    messageId: s.id,
    inReplyTo: s.irt ?? '',
    references: s.refs ?? (s.irt !== undefined ? [s.irt] : []),
    author: { name: m?.[1] ?? '', email: m?.[2] ?? from },
    rawSubject: s.subject,
    subject: s.subject.replace(/^(re:\s*|\[[^\]]*\]\s*)+/i, ''),
    date: new Date(dateMs).toUTCString(),
    dateMs,
    message: (s.body ?? 'Change things.\n\nSigned-off-by: Dev One <dev@example.com>') + '\n',
    patch: s.diff === true ? DIFF : '',
    headers: [['from', from], ['subject', s.subject], ['message-id', `<${s.id}>`]]
  }
}

const patch = (s: MailSpec): ParsedMail => mail({ ...s, diff: true })

/** A series as git send-email posts it: cover 0/n and patches answering it. */
function posting (tag: string, n: number, opts: { v?: number, at?: number, irt?: string, from?: string, title?: string, cover?: boolean, coverBody?: string } = {}): ParsedMail[] {
  const v = opts.v ?? 1
  const pre = v > 1 ? `PATCH v${v}` : 'PATCH'
  const at = opts.at ?? 0
  const from = opts.from ?? 'Dev One <dev@example.com>'
  const title = opts.title ?? `rtc: ${tag} driver`
  const out: ParsedMail[] = []
  const withCover = opts.cover ?? true
  const coverId = `${tag}-v${v}-0@example.com`
  if (withCover) {
    const spec: MailSpec = { id: coverId, subject: `[${pre} 0/${n}] ${title}`, from, at, body: opts.coverBody ?? 'Cover text.' }
    if (opts.irt !== undefined) spec.irt = opts.irt
    out.push(mail(spec))
  }
  for (let i = 1; i <= n; i++) {
    const spec: MailSpec = { id: `${tag}-v${v}-${i}@example.com`, subject: `[${pre} ${i}/${n}] rtc: ${tag}: step ${i}`, from, at: at + i / 60 }
    if (withCover) spec.irt = coverId
    else if (i > 1) spec.irt = `${tag}-v${v}-1@example.com`
    out.push(patch(spec))
  }
  return out
}

function reply (id: string, to: string, body: string, o: { from?: string, at?: number, subject?: string } = {}): ParsedMail {
  return mail({ id, subject: o.subject ?? 'Re: [PATCH] something', irt: to, from: o.from ?? 'Rev Iewer <rev@example.com>', at: o.at ?? 100, body })
}

const only = (r: SeriesResult): Revision => {
  const s = r.series[0]
  if (r.series.length !== 1 || s === undefined || s.revisions.length !== 1) throw new Error('expected one series with one revision')
  return s.revisions[0] as Revision
}
const present = (rev: Revision): PresentPatch[] => rev.patches.filter((p): p is PresentPatch => !p.missing)
const ids = (rev: Revision): Array<string | null> => rev.patches.map(p => p.missing ? null : p.messageId)

/** Each input mail lands in exactly one place. */
function accountedOnce (t: { is: (a: unknown, b: unknown, m?: string) => void, fail: (m: string) => void }, input: ParsedMail[], r: SeriesResult): void {
  const seen = new Map<ParsedMail, number>()
  for (const { mail } of placements(r)) seen.set(mail, (seen.get(mail) ?? 0) + 1)
  let bad = 0
  for (const m of input) if (seen.get(m) !== 1) bad++
  t.is(bad, 0, 'every mail placed exactly once')
  t.is(placements(r).length, input.length, 'no mail invented')
}

// ---- threading ------------------------------------------------------------

test('buildSeries() makes a single patch without counter a 1-patch series', t => {
  const input = [patch({ id: 'one@x', subject: '[PATCH] rtc: fix one thing' })]
  const r = buildSeries(input)
  const rev = only(r)
  t.is(rev.expected, 1)
  t.ok(rev.complete)
  t.is(rev.anchor, 'one@x')
  t.is(r.series[0]?.id, 'one@x')
  t.is(rev.subject, 'rtc: fix one thing')
  accountedOnce(t, input, r)
})

test('buildSeries() groups a cover and its patches, shallow and deep threading', t => {
  const shallow = posting('foo', 3)
  const r1 = buildSeries(shallow)
  const rev1 = only(r1)
  t.is(rev1.cover?.messageId, 'foo-v1-0@example.com')
  t.alike(ids(rev1), ['foo-v1-1@example.com', 'foo-v1-2@example.com', 'foo-v1-3@example.com'])
  t.is(rev1.subject, 'rtc: foo driver')

  const deep = [
    mail({ id: 'c@x', subject: '[PATCH 0/3] deep', at: 0 }),
    patch({ id: 'p1@x', subject: '[PATCH 1/3] a', irt: 'c@x', at: 1 }),
    patch({ id: 'p2@x', subject: '[PATCH 2/3] b', irt: 'p1@x', at: 2 }),
    patch({ id: 'p3@x', subject: '[PATCH 3/3] c', irt: 'p2@x', at: 3 })
  ]
  const rev2 = only(buildSeries(deep))
  t.is(rev2.anchor, 'c@x')
  t.alike(ids(rev2), ['p1@x', 'p2@x', 'p3@x'])

  const noCover = posting('bar', 3, { cover: false })
  const rev3 = only(buildSeries(noCover))
  t.is(rev3.cover, undefined)
  t.is(rev3.anchor, 'bar-v1-1@example.com', 'without a cover the first patch anchors the revision')
  t.ok(rev3.complete)
})

test('buildSeries() keeps holes as missing slots and hangs cross-posted parts on the absent cover', t => {
  const input = [
    patch({ id: 'p2@x', subject: '[PATCH v2 2/5] b', irt: 'elsewhere-cover@x', at: 1 }),
    patch({ id: 'p4@x', subject: '[PATCH v2 4/5] d', irt: 'elsewhere-cover@x', at: 2 })
  ]
  const r = buildSeries(input)
  const rev = only(r)
  t.is(rev.anchor, 'elsewhere-cover@x', 'anchored on the cover we do not have')
  t.is(rev.version, 2)
  t.is(rev.expected, 5)
  t.absent(rev.complete)
  t.alike(rev.patches.map(p => p.missing), [true, false, true, false, true])
  t.alike(rev.patches.map(p => p.index), [1, 2, 3, 4, 5])
  accountedOnce(t, input, r)

  const two = [
    patch({ id: 'a2@x', subject: '[PATCH v2 2/5] a', irt: 'gone@x', at: 1 }),
    patch({ id: 'b3@x', subject: '[PATCH v3 2/5] zzz', irt: 'gone@x', at: 2, from: 'Other <other@example.com>' }),
    reply('re-b3@x', 'b3@x', 'Acked-by: Rev Iewer <rev@example.com>')
  ]
  const r2 = buildSeries(two)
  t.alike(r2.series.map(s => s.id), ['gone@x v2', 'gone@x v3'], 'one missing cover, two unlinked versions: ids stay apart')
  t.alike(r2.replies.map(x => [x.target.revision, x.target.version]), [['gone@x', 3]])
  t.alike(placements(r2).map(p => p.place.kind === 'review' ? p.place.seriesId : p.place.kind), ['patch', 'patch', 'gone@x v3'])
  accountedOnce(t, two, r2)
})

test('buildSeries() joins patches sent without threading in one sitting, not across hours', t => {
  const near = [1, 2, 3].map(i => patch({ id: `n${i}@x`, subject: `[PATCH ${i}/3] n${i}`, at: i }))
  t.alike(ids(only(buildSeries(near))), ['n1@x', 'n2@x', 'n3@x'])

  const far = [
    patch({ id: 'f1@x', subject: '[PATCH 1/2] f1', at: 0 }),
    patch({ id: 'f2@x', subject: '[PATCH 2/2] f2', at: 600 })
  ]
  const r = buildSeries(far)
  t.is(r.series.flatMap(s => s.revisions).length, 2, 'ten hours apart: two partial postings')

  const others = [
    patch({ id: 'o1@x', subject: '[PATCH 1/2] o1', at: 0 }),
    patch({ id: 'o2@x', subject: '[PATCH 2/2] o2', at: 1, from: 'Someone Else <else@example.com>' })
  ]
  t.is(buildSeries(others).series.flatMap(s => s.revisions).length, 2, 'different senders never join')
})

test('buildSeries() gives an unversioned patch the version of the cover it answers (b4)', t => {
  const input = [
    mail({ id: 'c@x', subject: '[PATCH v3 0/2] versioned cover', at: 0 }),
    patch({ id: 'p1@x', subject: '[PATCH 1/2] a', irt: 'c@x', at: 1 }),
    patch({ id: 'p2@x', subject: '[PATCH 2/2] b', irt: 'c@x', at: 2 })
  ]
  const rev = only(buildSeries(input))
  t.is(rev.version, 3)
  t.ok(rev.complete)
})

test('buildSeries() takes patches under a cover that forgot its version bump (v7 cover, v8 patches)', t => {
  const input = [
    mail({ id: 'c@x', subject: '[PATCH v7 0/2] same sitting', at: 0 }),
    patch({ id: 'p1@x', subject: '[PATCH v8 1/2] a', irt: 'c@x', at: 1 }),
    patch({ id: 'p2@x', subject: '[PATCH v8 2/2] b', irt: 'c@x', at: 2 })
  ]
  const rev = only(buildSeries(input))
  t.is(rev.version, 8)
  t.is(rev.cover?.messageId, 'c@x')
  t.ok(rev.complete)
})

// ---- revisions ------------------------------------------------------------

test('buildSeries() links v1 -> v2 -> v3: in-reply-to, change-id, similar subjects', t => {
  const v1 = posting('foo', 2, { at: 0 })
  const v2 = posting('foo', 2, { v: 2, at: 60 * 24, irt: 'foo-v1-0@example.com', title: 'a whole new title' })
  const v3 = posting('foo', 3, { v: 3, at: 60 * 48, title: 'rtc: foo driver' })
  const r = buildSeries([...v3, ...v1, ...v2])
  t.is(r.series.length, 1)
  const revs = r.series[0]?.revisions ?? []
  t.alike(revs.map(x => x.version), [1, 2, 3])
  t.is(revs[0]?.link, undefined)
  t.alike(revs[1]?.link, { reason: 'in-reply-to', to: 'foo-v1-0@example.com' })
  t.is(revs[2]?.link?.reason, 'subject', 'v3 matches v1/v2 by identical patch subjects')
  t.is(r.series[0]?.id, 'foo-v1-0@example.com', 'the first revision names the series')
  t.ok(revs.every(x => x.seriesId === r.series[0]?.id))
  const kinds = placements(r).filter(p => p.mail.messageId === 'foo-v2-0@example.com').map(p => p.place.kind)
  t.alike(kinds, ['new-revision'], 'a cover answering an older revision is a new revision, not a reply')
  t.is(r.replies.length, 0)

  const a = posting('aaa', 1, { at: 0, coverBody: 'x\n---\nbase-commit: 0123456789abcdef\nchange-id: 20240101-aaa-0123\n' })
  const b = posting('bbb', 1, { v: 2, at: 60, title: 'completely different', coverBody: 'y\n---\nchange-id: 20240101-aaa-0123\n' })
  const rc = buildSeries([...a, ...b])
  t.is(rc.series.length, 1)
  t.is(rc.series[0]?.id, 'change-id:20240101-aaa-0123')
  t.is(rc.series[0]?.revisions[1]?.link?.reason, 'change-id')
  t.is(rc.series[0]?.revisions[0]?.baseCommit, '0123456789abcdef')
})

test('buildSeries() links by subject only for the same sender and similar enough titles', t => {
  const one = (id: string, subject: string, from: string, at: number): ParsedMail => patch({ id, subject, from, at })
  const r = buildSeries([
    one('a1@x', '[PATCH] rtc: add foo driver', 'A <a@example.com>', 0),
    one('a2@x', '[PATCH v2] rtc: add the foo driver', 'A <a@example.com>', 60),
    one('b2@x', '[PATCH v2] rtc: add foo driver', 'B <b@example.com>', 61),
    one('c1@x', '[PATCH] mfd: support MT6358', 'C <c@example.com>', 0),
    one('c2@x', '[PATCH v2] mfd: support MT6359', 'C <c@example.com>', 60),
    one('d1@x', '[PATCH] rtc: fix foo', 'D <d@example.com>', 0),
    one('d2@x', '[PATCH v2] rtc: fix bar', 'D <d@example.com>', 60)
  ])
  const seriesOf = (id: string): string | undefined => r.series.find(s => s.revisions.some(x => x.anchor === id))?.id
  t.is(seriesOf('a2@x'), 'a1@x', 'reworded v2 from the same sender')
  const link = r.series.find(s => s.id === 'a1@x')?.revisions[1]?.link
  t.is(link?.reason, 'subject')
  t.ok((link?.score ?? 0) >= SUBJECT_SIMILARITY)
  t.is(seriesOf('b2@x'), 'b2@x', 'another sender never links by subject')
  t.is(seriesOf('c2@x'), 'c2@x', 'a different chip number is a different series')
  t.is(seriesOf('d2@x'), 'd2@x', 'sibling fixes stay apart')
})

test('buildSeries() a RESEND of the same version joins the series, a plain repost does not', t => {
  const r = buildSeries([
    patch({ id: 'x1@x', subject: '[PATCH] rtc: x', at: 0 }),
    patch({ id: 'x2@x', subject: '[PATCH RESEND] rtc: x', at: 600 }),
    patch({ id: 'y1@x', subject: '[PATCH] rtc: y', at: 0, from: 'Y <y@example.com>' }),
    patch({ id: 'y2@x', subject: '[PATCH] rtc: y', at: 600, from: 'Y <y@example.com>' })
  ])
  t.alike(r.series.find(s => s.id === 'x1@x')?.revisions.map(x => [x.version, x.isResend]), [[1, false], [1, true]])
  t.is(r.series.length, 3)
})

test('seriesIdOf() keeps short keys and hashes long ones under the 200-character schema cap', t => {
  t.is(seriesIdOf('a@b'), 'a@b')
  const long = seriesIdOf('x'.repeat(300) + '@example.com')
  t.ok(long.startsWith('sha256:'))
  t.is(long.length, 'sha256:'.length + 64)
})

// ---- replies and trailers -------------------------------------------------

test('buildSeries() classifies replies and collects trailers per patch, cover trailers on every patch', t => {
  const input = [
    ...posting('foo', 2, { coverBody: 'Cover.\n\nSigned-off-by: Dev One <dev@example.com>' }),
    reply('r1@x', 'foo-v1-1@example.com', '> quoted\n> Reviewed-by: Quoted <q@example.com>\n\nReviewed-by: Rev Iewer <rev@example.com>'),
    reply('r2@x', 'foo-v1-0@example.com', 'For the series:\nAcked-by: Main Tainer <maint@example.com>', { from: 'Main Tainer <maint@example.com>' }),
    reply('r3@x', 'r1@x', 'Tested-by: Test Er <test@example.com>', { from: 'Test Er <test@example.com>' }),
    reply('r4@x', 'foo-v1-2@example.com', 'Looks odd, why?'),
    reply('r5@x', 'foo-v1-2@example.com', 'Tested-by: Colleague <colleague@example.com>'),
    reply('r6@x', 'foo-v1-2@example.com', 'Signed-off-by: Dev One <dev@example.com>', { from: 'Dev One <dev@example.com>' })
  ]
  const r = buildSeries(input)
  const rev = only(r)
  const [p1, p2] = present(rev)
  t.alike(p1?.own.map(formatTrailer), ['Signed-off-by: Dev One <dev@example.com>'])
  t.alike(p1?.collected.map(formatTrailer), [
    'Reviewed-by: Rev Iewer <rev@example.com>',
    'Tested-by: Test Er <test@example.com>',
    'Acked-by: Main Tainer <maint@example.com>'
  ], 'direct, reply-to-reply, then cover; quoted lines ignored')
  t.alike(p2?.collected.map(formatTrailer), ['Acked-by: Main Tainer <maint@example.com>'],
    'cover trailer propagates; mismatched and already-own trailers do not')
  t.alike(rev.coverTrailers.map(formatTrailer), ['Acked-by: Main Tainer <maint@example.com>'])

  const byId = new Map(r.replies.map(x => [x.messageId, x]))
  t.is(byId.get('r1@x')?.kind, 'review')
  t.is(byId.get('r1@x')?.target.patch, 1)
  t.is(byId.get('r2@x')?.target.patch, undefined, 'a reply to the cover targets the whole revision')
  t.is(byId.get('r3@x')?.target.patch, 1, 'a reply to a reply targets the patch')
  t.is(byId.get('r4@x')?.kind, 'comment')
  t.is(byId.get('r5@x')?.kind, 'comment')
  t.alike(byId.get('r5@x')?.mismatched.map(formatTrailer), ['Tested-by: Colleague <colleague@example.com>'])
  t.is(byId.get('r6@x')?.kind, 'comment', 'restating an own trailer is no review')
  t.is(byId.get('r6@x')?.trailers.length, 0)
  t.ok(r.replies.every(x => x.target.seriesId === r.series[0]?.id && x.target.revision === rev.anchor))
  accountedOnce(t, input, r)
})

test('buildSeries() reports what it cannot place, with reasons', t => {
  const first = patch({ id: 'dup@x', subject: '[PATCH] first copy', at: 0 })
  const second = patch({ id: 'dup@x', subject: '[PATCH] second copy', at: 5 })
  const input = [
    second, first,
    patch({ id: '', subject: '[PATCH] no id', at: 1 }),
    reply('orphan@x', 'gone@x', 'Reviewed-by: Rev Iewer <rev@example.com>'),
    mail({ id: 'talk@x', subject: 'rtc: a question', at: 2 }),
    reply('talk-re@x', 'talk@x', 'an answer'),
    ...posting('foo', 2),
    patch({ id: 'foo-again@x', subject: '[PATCH 2/2] rtc: foo: step 2 again', irt: 'foo-v1-0@example.com', at: 3 })
  ]
  const r = buildSeries(input)
  const reasons = new Map(r.unmatched.map(u => [u.mail, u.reason]))
  t.is(reasons.get(second), 'duplicate Message-ID <dup@x>; lost to v1 of series dup@x', 'the earlier copy wins, and the reason names where it is')
  t.absent(reasons.has(first))
  t.is(reasons.get(input[2] as ParsedMail), 'no Message-ID')
  t.is(reasons.get(input[3] as ParsedMail), 'reply to unknown message <gone@x>')
  t.is(reasons.get(input[4] as ParsedMail), 'not a patch and not a reply')
  t.is(reasons.get(input[5] as ParsedMail), 'reply in a thread that is not a patch series (root <talk@x>)')
  t.ok(reasons.get(input[input.length - 1] as ParsedMail)?.startsWith('duplicate patch 2/2 of v1'))
  t.ok(reasons.get(input[input.length - 1] as ParsedMail)?.endsWith('; lost to v1 of series foo-v1-0@example.com'), 'the duplicate names the series it lost to')
  accountedOnce(t, input, r)
})

// ---- determinism ----------------------------------------------------------

/** The whole result as plain data (mails by Message-ID and subject), to compare runs. */
function snapshot (r: SeriesResult): string {
  const m = (x: ParsedMail): string => `${x.messageId}|${x.rawSubject}`
  return JSON.stringify({
    series: r.series.map(s => ({
      id: s.id,
      revisions: s.revisions.map(x => ({
        ...x,
        cover: x.cover === undefined ? null : m(x.cover.mail),
        patches: x.patches.map(p => p.missing ? p : { ...p, mail: m(p.mail) })
      }))
    })),
    replies: r.replies.map(x => ({ ...x, mail: m(x.mail) })),
    unmatched: r.unmatched.map(u => [m(u.mail), u.reason])
  })
}

function corpusOfCases (): ParsedMail[] {
  return [
    ...posting('foo', 3),
    ...posting('foo', 3, { v: 2, at: 600, irt: 'foo-v1-0@example.com' }),
    ...posting('bar', 2, { cover: false, at: 5 }),
    patch({ id: 'x1@x', subject: '[PATCH 1/2] loose one', at: 7 }),
    patch({ id: 'x2@x', subject: '[PATCH 2/2] loose two', at: 7 }),
    patch({ id: 'same@x', subject: '[PATCH] copy a', at: 9 }),
    patch({ id: 'same@x', subject: '[PATCH] copy b', at: 9 }),
    patch({ id: 'tie1@x', subject: '[PATCH] tie', at: 9 }),
    reply('r1@x', 'foo-v1-2@example.com', 'Reviewed-by: Rev Iewer <rev@example.com>'),
    reply('r2@x', 'foo-v2-0@example.com', 'Acked-by: Main Tainer <maint@example.com>', { from: 'Main Tainer <maint@example.com>' }),
    reply('r3@x', 'r2@x', 'thanks'),
    reply('r4@x', 'missing@x', 'hm'),
    mail({ id: 'nodate@x', subject: '[PATCH] no date', diff: true, at: Number.NaN })
  ]
}

test('buildSeries() gives the same result for any order of the same mails (property)', t => {
  const mails = corpusOfCases()
  const want = snapshot(buildSeries(mails))
  fc.assert(fc.property(fc.shuffledSubarray(mails, { minLength: mails.length, maxLength: mails.length }), shuffled => {
    return snapshot(buildSeries(shuffled)) === want
  }), { numRuns: 200, seed: 20240101 })
  t.pass('200 shuffles, one result')
})

test('buildSeries() is order-independent on the b4 corpus shapes too (property)', { skip: !hasShared }, t => {
  const mails = ['trailers-followup-partial-reroll.mbox', 'trailers-thread-with-cover-followup.mbox', 'naked-cover-single.mbox']
    .flatMap(f => loadMbox(corpus('b4', f)).mails)
  const want = snapshot(buildSeries(mails))
  fc.assert(fc.property(fc.shuffledSubarray(mails, { minLength: mails.length, maxLength: mails.length }), shuffled => {
    return snapshot(buildSeries(shuffled)) === want
  }), { numRuns: 100, seed: 7 })
  t.pass('100 shuffles, one result')
})

// ---- a real list: linux-rtc, no answer key --------------------------------

test('linux-rtc (5000 mails): structural invariants hold and counts are printed', { skip: !hasShared, timeout: 120_000 }, t => {
  const started = Date.now()
  const { mails, failed } = loadMbox(corpus('linux-rtc', 'linux-rtc-5000.mboxrd'))
  const r = buildSeries(mails)
  const elapsed = Date.now() - started
  t.is(mails.length + failed.length, 5000, 'every mail parsed or counted as refused')
  accountedOnce(t, mails, r)

  let overflow = 0
  let misordered = 0
  let badSlots = 0
  for (const s of r.series) {
    for (let i = 1; i < s.revisions.length; i++) {
      if ((s.revisions[i] as Revision).version < (s.revisions[i - 1] as Revision).version) misordered++
    }
    for (const rev of s.revisions) {
      if (rev.patches.some(p => p.index > rev.expected)) overflow++
      if (rev.patches.length !== rev.expected || rev.patches.some((p, i) => p.index !== i + 1)) badSlots++
      if (rev.seriesId !== s.id) badSlots++
    }
  }
  t.is(overflow, 0, 'no patch index above expected')
  t.is(misordered, 0, 'revisions ordered by version')
  t.is(badSlots, 0, 'slots are exactly 1..expected')

  const revisions = r.series.flatMap(s => s.revisions)
  const reasons = new Map<string, number>()
  for (const u of r.unmatched) {
    const key = u.reason.replace(/<[^>]*>/g, '<id>')
    reasons.set(key, (reasons.get(key) ?? 0) + 1)
  }
  const links = new Map<string, number>()
  for (const x of revisions) if (x.link !== undefined) links.set(x.link.reason, (links.get(x.link.reason) ?? 0) + 1)
  t.comment(`linux-rtc: ${mails.length} mails (${failed.length} refused by the parser) in ${elapsed} ms`)
  t.comment(`series ${r.series.length}, revisions ${revisions.length} (complete ${revisions.filter(x => x.complete).length}, ` +
    `with cover ${revisions.filter(x => x.cover !== undefined).length}, partial rerolls ${revisions.filter(x => x.partialReroll).length}), ` +
    `series with several revisions ${r.series.filter(s => s.revisions.length > 1).length}, highest version ${Math.max(...revisions.map(x => x.version))}`)
  t.comment(`revision links: ${[...links].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  t.comment(`revisions with collected trailers ${revisions.filter(x => x.patches.some(p => !p.missing && p.collected.length > 0)).length}; ` +
    `replies ${r.replies.length} (review ${r.replies.filter(x => x.kind === 'review').length}, comment ${r.replies.filter(x => x.kind === 'comment').length})`)
  t.comment(`unmatched ${r.unmatched.length}: ${[...reasons].map(([k, n]) => `${k} ${n}`).join('; ')}`)
})
