// RESEND on a real list (linux-rtc): a RESEND of a whole posting is that
// revision again, and the original's replies still count there; one patch
// of a series resent alone is a series of its own and leaves the original
// whole.
import test from 'brittle'
import { readFileSync } from 'node:fs'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { seriesMap } from '../helpers/series.js'
import type { SeriesView } from '../../node/views/series/index.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { ingestSource } from './ingest-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

/** The corpus mails whose (unfolded) Subject matches. */
async function * mailsAbout (subject: RegExp): MailSource {
  const all = splitMbox(readFileSync(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')), { mboxrd: true })
  for (const [i, raw] of all.entries()) {
    const head = raw.toString('latin1').split(/\n\n/, 1)[0]?.replace(/\n[ \t]+/g, ' ') ?? ''
    if (subject.test(/^Subject: (.*)$/m.exec(head)?.[1] ?? '')) yield { raw, origin: `linux-rtc #${i + 1}` }
  }
}

const bySubject = (series: Iterable<SeriesView>, subject: string): SeriesView[] => [...series].filter((s) => s.subject === subject)

test('RESEND of a whole posting (rn5t618 v5, v6): the resent posting is the revision, the original its earlier posting, replies to either count', { skip: !hasShared && NO_SHARED, timeout: 60_000 }, async (t) => {
  const { node } = await createNode(t)
  const summary = await ingestSource(node, mailsAbout(/rn5t618|rc5t619|Add rtc support for rn5t618 mfd/))
  const series = bySubject(seriesMap(node.views).values(), 'mfd: rn5t618: Add RTC/ADC support')
  t.is(series.length, 1, 'one series')
  const s = series[0] as SeriesView
  const v5 = s.revisions.find((r) => r.version === 5)
  t.ok(v5?.body.resend === true && v5.body.total === 5, 'v5 in force is the RESEND, five patches')
  t.is(v5?.body.source.messageIds.length, 12, 'both postings\' Message-IDs find it (cover and five patches each)')
  t.ok((v5?.reviews.length ?? 0) >= 3, 'the replies to the original v5 cover count for v5')
  const earlier = (node.views.ofType('mail.raw')).filter((e) => e.type === 'mail.raw' && e.body.reason.startsWith('an earlier posting of v5'))
  t.is(earlier.length, 6, 'the original v5\'s six mails are kept, saying what became of them')
  t.is(s.revisions.map((r) => r.version).join(','), '1,2,3,4,5,6,7', 'every version, each once')
  t.ok(summary.raw >= 12, 'the original v5 and v6 postings are kept as mail.raw')
})

test('one patch of four resent alone (fsl-ftm-alarm) is a series of its own: the original stays whole', { skip: !hasShared && NO_SHARED, timeout: 60_000 }, async (t) => {
  const { node } = await createNode(t)
  await ingestSource(node, mailsAbout(/rtc: fsl-ftm-alarm: (allow COMPILE_TEST|switch to|avoid struct)/))
  const series = bySubject(seriesMap(node.views).values(), 'rtc: fsl-ftm-alarm: allow COMPILE_TEST')
  t.is(series.length, 2, 'two series')
  const [original, resend] = series.sort((a, b) => a.latest.body.total - b.latest.body.total).reverse() as [SeriesView, SeriesView]
  t.alike([original.latest.body.total, original.latest.body.patches.filter((p) => p.missing !== true).length, original.latest.body.resend], [4, 4, undefined], 'the original v1: all four patches in force')
  t.alike([resend.latest.body.total, resend.latest.body.resend], [1, true], 'the RESEND: one patch')
  t.is((node.views.ofType('mail.raw')).length, 0, 'no mail set aside')
})
