// Issue 15: one posting grouped whole as b4 groups it (a miscounted cover,
// a v2 sent in reply to a review, a cover sent without threading headers),
// Mercurial subjects, acks on a RESEND filed as a duplicate, and every
// mail left over naming the series it lost to.
import test from 'brittle'
import { buildSeries } from '../../bridges/email/series/series.js'
import type { PresentPatch, Revision, SeriesResult } from '../../bridges/email/series/series.js'
import { parseSubject } from '../../bridges/email/series/subject.js'
import type { ParsedMail } from '../../bridges/email/parse/types.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { loadMbox } from './mail-fixture.js'

const T0 = Date.UTC(2024, 0, 1)
const SEC = 1000
const DIFF = '---\n f | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n' +
  'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n'
const DEV = 'Dev One <dev@example.com>'

interface Spec { id: string, subject: string, at?: number, irt?: string, from?: string, body?: string, diff?: boolean }

/** A parsed mail; `at` in seconds after T0. */
function mail (s: Spec): ParsedMail {
  const from = s.from ?? DEV
  const m = /^(.*?)\s*<(.+)>$/.exec(from)
  const dateMs = T0 + (s.at ?? 0) * SEC
  return {
    messageId: s.id,
    inReplyTo: s.irt ?? '',
    references: s.irt !== undefined ? [s.irt] : [],
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
const patch = (s: Spec): ParsedMail => mail({ ...s, diff: true })

/** The revisions of a version: one when the posting is whole, several when it came out in pieces. */
const revisionsOf = (r: SeriesResult, version: number): Revision[] => r.series.flatMap(s => s.revisions).filter(v => v.version === version)

/** The only revision of a version (asserted), or an empty one so the test goes on to report. */
function revisionOf (t: { is: (a: unknown, b: unknown, m?: string) => void }, r: SeriesResult, version: number): Revision {
  const revs = revisionsOf(r, version)
  t.is(revs.length, 1, `v${version} is one revision (anchors: ${revs.map(v => v.anchor).join(', ')})`)
  return revs.find(v => v.cover !== undefined) ?? revs[0] ?? { patches: [] } as unknown as Revision
}

const presentIds = (rev: Revision): string[] => rev.patches.filter((p): p is PresentPatch => !p.missing).map(p => p.messageId)

/** A cover `0/coverCount` over `patchCount` patches `n/patchCount`, shallow threading. */
function miscounted (tag: string, coverCount: number, patchCount: number): ParsedMail[] {
  const out = [mail({ id: `${tag}-0`, subject: `[PATCH 0/${coverCount}] ${tag}: rework` })]
  for (let i = 1; i <= patchCount; i++) out.push(patch({ id: `${tag}-${i}`, subject: `[PATCH ${i}/${patchCount}] ${tag}: step ${i}`, irt: `${tag}-0`, at: i }))
  return out
}

test('a cover whose count differs from its patches\' (0/15 over n/16, 0/7 over n/6, 0/5 over n/3) is one complete revision', t => {
  for (const [cover, patches] of [[15, 16], [7, 6], [5, 3]] as const) {
    const input = miscounted(`c${cover}`, cover, patches)
    const r = buildSeries(input)
    const rev = revisionOf(t, r, 1)
    t.is(rev.cover?.messageId, `c${cover}-0`, `0/${cover}: the cover is the revision's`)
    t.is(rev.expected, patches, `0/${cover}: the patches' count wins, as in b4`)
    t.ok(rev.complete, `0/${cover}: complete`)
    t.is(presentIds(rev).length, patches)
    t.is(r.unmatched.length, 0, `0/${cover}: nothing left over`)
  }
})

test('a miscounted cover of someone else does not take a patch answering it', t => {
  const input = [
    ...miscounted('own', 3, 3),
    patch({ id: 'fixup', subject: '[PATCH 1/1] own: fix on top', irt: 'own-0', from: 'Other Dev <other@example.com>', at: 600 })
  ]
  const r = buildSeries(input)
  t.alike(presentIds(r.series.flatMap(s => s.revisions).find(v => v.anchor === 'own-0') as Revision), ['own-1', 'own-2', 'own-3'])
  t.ok(r.series.flatMap(s => s.revisions).some(v => v.anchor === 'fixup'), 'the other sender\'s patch stays its own revision')
})

test('v2 sent in reply to a review of v1: its cover and patches (siblings of the review) are one revision', t => {
  const v1 = [
    mail({ id: 'a-v1-0', subject: '[PATCH 0/2] rtc: add alarm' }),
    patch({ id: 'a-v1-1', subject: '[PATCH 1/2] rtc: alarm core', irt: 'a-v1-0', at: 1 }),
    patch({ id: 'a-v1-2', subject: '[PATCH 2/2] rtc: alarm driver', irt: 'a-v1-0', at: 2 })
  ]
  const review = mail({ id: 'a-review', subject: 'Re: [PATCH 1/2] rtc: alarm core', irt: 'a-v1-1', from: 'Rev Iewer <rev@example.com>', at: 3600, body: 'Please rename.' })
  const withCover = [
    mail({ id: 'a-v2-0', subject: '[PATCH v2 0/2] rtc: add alarm', irt: 'a-review', at: 7200 }),
    patch({ id: 'a-v2-1', subject: '[PATCH v2 1/2] rtc: alarm core', irt: 'a-review', at: 7201 }),
    patch({ id: 'a-v2-2', subject: '[PATCH v2 2/2] rtc: alarm driver', irt: 'a-review', at: 7202 })
  ]
  let r = buildSeries([...v1, review, ...withCover])
  let v2 = revisionOf(t, r, 2)
  t.is(v2.cover?.messageId, 'a-v2-0')
  t.alike(presentIds(v2), ['a-v2-1', 'a-v2-2'])
  t.is(r.series.length, 1, 'v1 and v2 are one series')
  t.is(v2.link?.reason, 'in-reply-to')
  t.is(r.unmatched.length, 0)

  r = buildSeries([...v1, review, ...withCover.slice(1)]) // no v2 cover at all
  v2 = revisionOf(t, r, 2)
  t.alike(presentIds(v2), ['a-v2-1', 'a-v2-2'], 'coverless siblings join too')
  t.ok(v2.complete)
})

test('linux-rtc: a v3 whose cover and patch both answer a review of v2 is one revision', { skip: !hasShared, timeout: 60_000 }, t => {
  const r = buildSeries(loadMbox(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')).mails)
  const rev = r.series.flatMap(s => s.revisions).find(v => v.anchor === '20210316100805.2630481-1-ch@denx.de')
  t.is(rev?.cover?.subject.full, '[PATCH v3 0/1] add ACPI binding to RX6110 driver')
  t.alike(rev === undefined ? [] : presentIds(rev), ['20210316100805.2630481-2-ch@denx.de'], 'the patch is the cover\'s, not a revision of its own')
})

test('Mercurial subjects: [PATCH 1 of 2] is part 1 of 2, [PATCH 0 of 2] a cover; an hg email posting groups', t => {
  const one = parseSubject('[PATCH 1 of 2 V2] hgext: fold')
  t.alike([one.counter, one.expected, one.version, one.subject], [1, 2, 2, 'hgext: fold'])
  t.ok(parseSubject('[PATCH 0 of 2] series').isCover)
  t.is(parseSubject('[PATCH] 1 of 2 things').hasCounter, false, 'outside the brackets it is subject text')
  const r = buildSeries([
    mail({ id: 'hg-0', subject: '[PATCH 0 of 2] fold things' }),
    patch({ id: 'hg-1', subject: '[PATCH 1 of 2] fold: one', irt: 'hg-0', at: 1 }),
    patch({ id: 'hg-2', subject: '[PATCH 2 of 2] fold: two', irt: 'hg-0', at: 2 })
  ])
  const rev = revisionOf(t, r, 1)
  t.is(rev.cover?.messageId, 'hg-0')
  t.alike(presentIds(rev), ['hg-1', 'hg-2'])
})

test('a cover and its patches sent without threading headers: the cover joins them in the same minute, not hours apart', t => {
  const unthreaded = (coverAt: number): ParsedMail[] => [
    mail({ id: 'u-0', subject: '[PATCH net-next 0/3] net: tidy', at: coverAt }),
    ...[1, 2, 3].map(i => patch({ id: `u-${i}`, subject: `[PATCH net-next ${i}/3] net: tidy ${i}`, at: i }))
  ]
  let rev = revisionOf(t, buildSeries(unthreaded(0)), 1)
  t.is(rev.cover?.messageId, 'u-0')
  t.alike(presentIds(rev), ['u-1', 'u-2', 'u-3'])
  t.is(rev.anchor, 'u-0')
  const apart = buildSeries(unthreaded(-7200))
  rev = apart.series.flatMap(s => s.revisions).find(v => v.anchor === 'u-0') as Revision
  t.is(presentIds(rev).length, 0, 'a cover two hours earlier stays alone')
  const otherPrefix = unthreaded(0)
  otherPrefix[0] = mail({ id: 'u-0', subject: '[PATCH net 0/3] net: tidy' })
  rev = buildSeries(otherPrefix).series.flatMap(s => s.revisions).find(v => v.anchor === 'u-0') as Revision
  t.is(presentIds(rev).length, 0, 'nor does one with other prefixes')
})

test('acks on a RESEND filed as a duplicate patch reach the patch in force; the duplicate names the series it lost to', t => {
  const input = [
    mail({ id: 'r-0', subject: '[PATCH 0/2] rtc: resend me' }),
    patch({ id: 'r-1', subject: '[PATCH 1/2] rtc: one', irt: 'r-0', at: 1 }),
    patch({ id: 'r-2', subject: '[PATCH 2/2] rtc: two', irt: 'r-0', at: 2 }),
    patch({ id: 'r-2-resend', subject: '[RESEND PATCH 2/2] rtc: two', irt: 'r-0', at: 86400 }),
    mail({ id: 'r-ack', subject: 'Re: [RESEND PATCH 2/2] rtc: two', irt: 'r-2-resend', from: 'Rev Iewer <rev@example.com>', at: 90000, body: 'Acked-by: Rev Iewer <rev@example.com>' })
  ]
  const r = buildSeries(input)
  const rev = revisionOf(t, r, 1)
  const two = rev.patches[1] as PresentPatch
  t.is(two.messageId, 'r-2')
  t.alike(two.collected.map(x => `${x.key}: ${x.value}`), ['Acked-by: Rev Iewer <rev@example.com>'], 'the ack is collected')
  t.is(r.replies.find(x => x.messageId === 'r-ack')?.target.patch, 2)
  t.is(r.unmatched.length, 1)
  t.is(r.unmatched[0]?.reason, 'duplicate patch 2/2 of v1 <r-0>: <r-2> came first; lost to v1 of series r-0')
})

test('a partial RESEND of the same version (its own thread, some patches) does not take the complete posting\'s place; acks on it reach the patch in force', t => {
  const input = [
    mail({ id: 'p-0', subject: '[PATCH v5 0/3] mfd: pmic' }),
    ...[1, 2, 3].map(i => patch({ id: `p-${i}`, subject: `[PATCH v5 ${i}/3] mfd: step ${i}`, irt: 'p-0', at: i })),
    patch({ id: 'q-2', subject: '[PATCH RESEND v5 2/3] mfd: step 2', irt: 'q-0', at: 86400 }),
    patch({ id: 'q-3', subject: '[PATCH RESEND v5 3/3] mfd: step 3', irt: 'q-0', at: 86401 }),
    mail({ id: 'q-ack', subject: 'Re: [PATCH RESEND v5 3/3] mfd: step 3', irt: 'q-3', from: 'Rev Iewer <rev@example.com>', at: 90000, body: 'Acked-by: Rev Iewer <rev@example.com>' })
  ]
  const r = buildSeries(input)
  const rev = revisionOf(t, r, 5)
  t.alike(presentIds(rev), ['p-1', 'p-2', 'p-3'], 'the complete v5 is the one v5')
  t.alike((rev.patches[2] as PresentPatch).collected.map(x => x.key), ['Acked-by'], 'the ack on the resent 3/3 counts for 3/3')
  t.alike(r.unmatched.map(u => u.reason), [
    'partial RESEND of patch 2/3 of v5 <p-0>: the complete posting\'s <p-2> stays in force; lost to v5 of series p-0',
    'partial RESEND of patch 3/3 of v5 <p-0>: the complete posting\'s <p-3> stays in force; lost to v5 of series p-0'
  ])
  const renamed = buildSeries([...input.slice(0, 4), patch({ id: 'q-2', subject: '[PATCH RESEND v5 2/3] mfd: another change', irt: 'q-0', at: 86400 })])
  t.is(revisionsOf(renamed, 5).length, 2, 'a RESEND whose patch has another title is not a copy of the slot')
})

test('linux-rtc: the partial RESEND v5 of MT6359 (4 of 8 patches) leaves the complete v5 in force', { skip: !hasShared, timeout: 60_000 }, t => {
  const r = buildSeries(loadMbox(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')).mails)
  const mt = r.series.find(s => /MediaTek PMIC MT6359/.test(s.subject)) as { revisions: Revision[] }
  const v5 = mt.revisions.filter(v => v.version === 5)
  t.is(v5.length, 1, 'one v5')
  t.ok(v5[0]?.complete === true && v5[0].cover !== undefined && !v5[0].isResend, 'the complete posting with its cover')
  t.is(r.unmatched.filter(u => u.reason.startsWith('partial RESEND of patch')).length, 4, 'the four resent patches are filed as its copies')
})

test('one send-email run with two series, every mail answering the first cover: each patch goes to the cover of its own count (linux-hwmon, pwm-fan)', t => {
  // the shape of linux-hwmon's <20200920180943.352526-1..5-pbarker@konsulko.com>: 0/1 and its 1/1, then 0/2, 1/2, 2/2, all In-Reply-To the 0/1
  const from = 'Paul Barker <pbarker@konsulko.com>'
  const r = buildSeries([
    mail({ id: 'pb-1', subject: '[PATCH 0/1] Document multiple fan tach support in pwm-fan driver', from }),
    patch({ id: 'pb-2', subject: '[PATCH 1/1] dt-bindings: hwmon: pwm-fan: Support multiple fan tachometer inputs', irt: 'pb-1', at: 1, from }),
    mail({ id: 'pb-3', subject: '[PATCH 0/2] pwm-fan: Support multiple tach inputs & fix RPM calc', irt: 'pb-1', at: 2, from }),
    patch({ id: 'pb-4', subject: '[PATCH 1/2] hwmon: pwm-fan: Support multiple tachometer inputs', irt: 'pb-1', at: 3, from }),
    patch({ id: 'pb-5', subject: '[PATCH 2/2] hwmon: pwm-fan: Fix RPM calculation', irt: 'pb-1', at: 4, from })
  ])
  const byCover = new Map(r.series.flatMap(s => s.revisions).map(v => [v.cover?.messageId, presentIds(v)]))
  t.alike(byCover.get('pb-1'), ['pb-2'], 'the 0/1 keeps its 1/1')
  t.alike(byCover.get('pb-3'), ['pb-4', 'pb-5'], 'the 0/2 takes 1/2 and 2/2')
  t.alike(r.unmatched.map(u => u.reason), [], 'no patch filed as a duplicate')
  const other = buildSeries([
    mail({ id: 'q-0', subject: '[PATCH 0/2] q: two', from }),
    mail({ id: 'q-5', subject: '[PATCH 0/3] q: three', irt: 'q-0', at: 5, from: 'Someone Else <else@example.org>' }),
    patch({ id: 'q-6', subject: '[PATCH 1/3] q: a', irt: 'q-0', at: 6, from }),
    patch({ id: 'q-7', subject: '[PATCH 2/3] q: b', irt: 'q-0', at: 7, from })
  ])
  t.alike(new Map(other.series.flatMap(s => s.revisions).map(v => [v.cover?.messageId, presentIds(v)])).get('q-0'), ['q-6', 'q-7'], 'another sender\'s cover of that count is not theirs: the miscounted cover keeps them')
})
