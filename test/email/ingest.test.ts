// The ingest pipeline end to end, in-process: mails -> bridge state, blobs and
// signed events -> the series view -> `series show --json`. Corpus checks
// (b4 follow-up trailers, patchwork robustness) skip without ../shared.
import test from 'brittle'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseMatches } from '../../bridges/email/ingest/match.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { seriesDetail } from '../../node/cli/commands/series.js'
import { findSeries } from '../../node/views/series/index.js'
import { seriesMap } from '../helpers/series.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { toHex } from '../../protocol/hex.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { DIFF, ingestMbox, ingestSource, mailsOf, normalizedEvents, rawMail } from './ingest-fixture.js'
import { rawMessages } from './mail-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

interface ShownPatch { index: number, missing?: boolean, messageId?: string, trailers?: Array<{ key: string, value: string }> }
interface Shown { id: string, revisions: Array<{ version: number, id: string, eventIds: string[], complete: boolean, patches: ShownPatch[], reviews: unknown[] }> }

const identity = (t: { key: string, value: string }): string => `${t.key.toLowerCase()}: ${t.value.toLowerCase()}`

// ---- b4's follow-up trailer corpus, through events ---------------------------

const MYSOB = 'signed-off-by: test override <test-override@example.com>'

/** The trailer set of each reference mail, read without our parser (as test/email/b4-trailers.test.ts does). */
function reference (file: string): Array<{ messageId: string, trailers: string[] }> {
  return rawMessages(file).map((raw) => {
    const split = raw.indexOf('\n\n')
    const messageId = /^Message-Id:\s*<([^>]+)>/im.exec(raw.slice(0, split))?.[1] ?? ''
    const body = raw.slice(split + 2).split('\n')
    const end = body.findIndex((l) => /^(---\s*$|--- |diff )/.test(l))
    const msg = (end < 0 ? body : body.slice(0, end)).join('\n').trim()
    const last = msg.split(/\n\s*\n/).pop() ?? ''
    const trailers = last.split('\n').map((l) => /^([A-Za-z][\w-]*): (.+)$/.exec(l)).filter((m) => m !== null)
      .map((m) => `${(m[1] as string).toLowerCase()}: ${(m[2] as string).replace(/\s+#[^#]+$/, '').toLowerCase()}`)
    return { messageId, trailers }
  })
}

/** What b4 adds from its own options (the user's Signed-off-by, Cc: copies, a Link: to the patch), not from the mails. */
function optionExtra (id: string, messageId: string, own: Set<string>): boolean {
  if (own.has(id)) return false
  if (id === MYSOB || id.startsWith('cc: ')) return true
  const m = messageId.toLowerCase()
  return (id.startsWith('link: ') && id.endsWith('/' + m)) || id === `message-id: <${m}>`
}

const FOLLOWUPS: Array<[string, string]> = [
  ['single', 'defaults'], ['single', 'addmysob'], ['single', 'copyccs'], ['single', 'addlink'], ['with-cover', 'defaults'],
  ['with-cover', 'addlink'], ['custody', 'unordered'], ['partial-reroll', 'defaults'], ['nore', 'defaults'],
  ['non-git-patch', 'defaults'], ['non-git-patch-with-comments', 'defaults'], ['with-diffstat', 'defaults'],
  ['name-parens', 'defaults'], ['bare-address', 'defaults'], ['stripped-lines', 'defaults'], ['htmljunk', 'defaults']
]

test('b4 follow-up corpus through ingest -> events -> series show --json: trailer sets per patch match b4', { skip: !hasShared && NO_SHARED, timeout: 60_000 }, async (t) => {
  for (const [source, ref] of FOLLOWUPS) {
    const { node } = await createNode(t, `b4-${source}-${ref}`)
    const summary = await ingestMbox(node, corpus('b4', `trailers-followup-${source}.mbox`))
    t.is(summary.series, 1, `${source}: one series`)
    const shown = seriesDetail(node.views, [...seriesMap(node.views).values()][0]!) as unknown as Shown
    const latest = shown.revisions[shown.revisions.length - 1]!
    for (const want of reference(corpus('b4', `trailers-followup-${source}-ref-${ref}.txt`))) {
      const patch = latest.patches.find((p) => p.messageId === want.messageId)
      if (patch === undefined) { t.fail(`${source}: no patch <${want.messageId}> in v${latest.version}`); continue }
      const event = findSeries(node.views, want.messageId).latest.body.patches.find((p) => p.messageId === want.messageId)
      const own = new Set((event?.trailers ?? []).map(identity))
      const expected = new Set(want.trailers.filter((id) => !optionExtra(id, want.messageId, own)))
      t.alike(new Set((patch.trailers ?? []).map(identity)), expected, `${source} ref-${ref}: <${want.messageId}>`)
    }
  }
})

test('b4 with-cover: the cover letter review is one event whose trailer reaches every patch', { skip: !hasShared && NO_SHARED }, async (t) => {
  const { node } = await createNode(t)
  await ingestMbox(node, corpus('b4', 'trailers-followup-with-cover.mbox'))
  const series = [...seriesMap(node.views).values()][0]!
  const coverReviews = series.latest.reviews.filter((r) => r.body.target.patch === undefined)
  t.is(coverReviews.length, 1, 'one review of the whole revision')
  const cover = coverReviews[0]!.body.trailers.map(identity)
  t.is(coverReviews[0]!.body.from?.email, 'followup-reviewer1@example.com', 'the reply sender is kept beside the bridge signature')
  const shown = seriesDetail(node.views, series) as unknown as Shown
  for (const p of shown.revisions[0]!.patches) {
    t.ok(cover.every((c) => (p.trailers ?? []).map(identity).includes(c)), `patch ${p.index} carries the cover trailer`)
  }
})

// ---- robustness: every patchwork test mail ------------------------------------

test('patchwork-mail: every file, fuzz/ included, ends in an event or a mail.raw with a reason', { skip: !hasShared && NO_SHARED, timeout: 60_000 }, async (t) => {
  const { node } = await createNode(t)
  const files: string[] = []
  for (const dir of ['mail', 'fuzz', 'patches']) for (const f of readdirSync(corpus('patchwork-mail', dir)).sort()) files.push(join(corpus('patchwork-mail', dir), f))
  async function * source (): AsyncGenerator<{ raw: Buffer, origin: string }> {
    for (const f of files) yield { raw: readFileSync(f), origin: f }
  }
  const summary = await ingestSource(node, source())
  t.comment(`patchwork-mail: ${files.length} files -> ${summary.series} series, ${summary.replies} replies, ${summary.raw} mail.raw (${summary.quarantined} quarantined), ${summary.duplicates} duplicates`)
  t.is(summary.mails, files.length)
  const where = new Map<string, string>()
  for (const e of node.views.query({ author: node.identityKey })) {
    if (e.type === 'mail.raw') {
      t.ok(e.body.reason.trim() !== '', `mail.raw ${e.body.messageId ?? e.body.mail.hash} has a reason`)
      where.set(e.body.mail.hash, `mail.raw: ${e.body.reason}`)
    } else if (e.type === 'review' && e.body.mail !== undefined) {
      where.set(e.body.mail.hash, 'review')
    } else if (e.type === 'series.revision') {
      if (e.body.cover?.mail !== undefined) where.set(e.body.cover.mail.hash, 'cover')
      for (const p of e.body.patches) if (p.mail !== undefined) where.set(p.mail.hash, `patch of ${e.body.series}`)
    }
  }
  const lost = files.filter((f) => !where.has(toHex(nativeCrypto.blake2b256(readFileSync(f)))))
  t.alike(lost, [], 'every file is in an event')
  const reasons = [...where.values()].filter((w) => w.startsWith('mail.raw')).map((w) => w.replace(/<[^>]*>/g, '<>').replace(/(MAIL_PARSE: )\S+: /, '$1'))
  t.comment(`mail.raw reasons: ${JSON.stringify([...new Set(reasons)])}`)
  t.ok(reasons.some((r) => r.includes('MAIL_PARSE')), 'bare patches without headers are quarantined with the parser error')
})

// ---- re-ingest, incremental ingest, regrouping -----------------------------------

const V1 = [
  rawMail({ id: 'c1@x', subject: '[PATCH 0/2] demo: tidy', body: 'Two patches.\n' }),
  rawMail({ id: 'p1@x', irt: 'c1@x', subject: '[PATCH 1/2] demo: one', body: 'One.\n\nSigned-off-by: Dev One <dev@example.org>\n' + DIFF('a.c', 'a', 'b') }),
  rawMail({ id: 'p2@x', irt: 'c1@x', subject: '[PATCH 2/2] demo: two', body: 'Two.\n\nSigned-off-by: Dev One <dev@example.org>\n' + DIFF('fs/b.c', 'c', 'd') })
]
const REVIEW = rawMail({ id: 'r1@x', irt: 'p1@x', refs: ['c1@x', 'p1@x'], from: 'Rev Iewer <rev@example.org>', subject: 'Re: [PATCH 1/2] demo: one', body: '> One.\n\nLooks fine.\n\nReviewed-by: Rev Iewer <rev@example.org>\n' })

test('re-ingesting the same mails is a no-op: nothing new, nothing published', async (t) => {
  const { node } = await createNode(t)
  const first = await ingestSource(node, mailsOf(...V1, REVIEW))
  t.alike([first.new, first.published['series.revision'], first.published.review], [4, 1, 1])
  const events = normalizedEvents(node)
  const again = await ingestSource(node, mailsOf(...V1, REVIEW))
  t.alike([again.mails, again.new, again.duplicates], [4, 0, 4])
  t.alike(again.published, { 'series.revision': 0, review: 0, 'mail.raw': 0, fallbacks: 0 })
  const other = await ingestSource(node, mailsOf(...V1), { project: 'other', list: 'other@example.org' })
  t.alike(other.published, { 'series.revision': 0, review: 0, 'mail.raw': 0, fallbacks: 0 }, 'a run with other options leaves what was read before as it was')
  // another archive's copy: same mail, other transport headers
  const copy = 'Received: from relay.example.org\nX-Archive: elsewhere\n' + REVIEW
  const third = await ingestSource(node, mailsOf(copy))
  t.alike([third.new, third.published['mail.raw']], [1, 1], 'same Message-ID and content, other bytes: kept, as mail.raw')
  const raw = (node.views.ofType('mail.raw'))[0]
  t.ok(raw?.type === 'mail.raw' && raw.body.reason === 'duplicate Message-ID <r1@x>: a copy of a mail already read, with other headers; lost to a reply in v1 of series c1@x', 'saying whose copy it is')
  t.alike(normalizedEvents(node).filter((e) => !e.startsWith('mail.raw')), events, 'nothing else changed')
})

test('incremental: a reply and a late patch in a later run attach to the revision of an earlier run', async (t) => {
  const { node } = await createNode(t)
  const first = await ingestSource(node, mailsOf(V1[0]!, V1[1]!))
  t.is(first.published['series.revision'], 1)
  let series = findSeries(node.views, 'c1@x')
  t.alike(series.latest.body.patches.map((p) => p.missing === true), [false, true], 'patch 2 is a hole')
  const v1 = series.latest.id

  const second = await ingestSource(node, mailsOf(REVIEW, V1[2]!))
  t.alike([second.new, second.published['series.revision'], second.published.review], [2, 1, 1], 'the revision is republished, the reply published')
  series = findSeries(node.views, 'c1@x')
  t.is(series.revisions.length, 1)
  t.alike(series.latest.eventIds, [v1, series.latest.id], 'one revision, two publications: the later is in force')
  t.ok(series.latest.body.patches.every((p) => p.missing !== true), 'complete now')
  const shown = seriesDetail(node.views, series) as unknown as Shown
  t.alike(shown.revisions[0]!.patches.map((p) => (p.trailers ?? []).map((x) => x.key)), [['Signed-off-by', 'Reviewed-by'], ['Signed-off-by']])
  t.is(series.latest.reviews[0]?.body.target.revision, series.latest.id, 'the reply targets the revision in force')
})

test('regrouping: a v1 read after its v2 moves the series; the old event is replaced, its reviews follow', async (t) => {
  const { node } = await createNode(t)
  const v2 = [
    rawMail({ id: 'v2c@x', subject: '[PATCH v2 0/1] demo: tidy up', date: 'Tue, 7 Jan 2025 10:00:00 +0000', body: 'v2: reworded.\n' }),
    rawMail({ id: 'v2p1@x', irt: 'v2c@x', subject: '[PATCH v2 1/1] demo: one', date: 'Tue, 7 Jan 2025 10:00:01 +0000', body: 'One.\n' + DIFF('a.c', 'a', 'c') }),
    rawMail({ id: 'v2r@x', irt: 'v2p1@x', from: 'Rev Iewer <rev@example.org>', subject: 'Re: [PATCH v2 1/1] demo: one', date: 'Tue, 7 Jan 2025 11:00:00 +0000', body: 'Acked-by: Rev Iewer <rev@example.org>\n' })
  ]
  const v1 = [
    rawMail({ id: 'v1c@x', subject: '[PATCH 0/1] demo: tidy up', body: 'First go.\n' }),
    rawMail({ id: 'v1p1@x', irt: 'v1c@x', subject: '[PATCH 1/1] demo: one', body: 'One.\n' + DIFF('a.c', 'a', 'b') })
  ]
  await ingestSource(node, mailsOf(...v2))
  t.ok(seriesMap(node.views).has('v2c@x'), 'alone, v2 is its own series')
  const run2 = await ingestSource(node, mailsOf(...v1))
  t.comment(`second run published ${JSON.stringify(run2.published)}`)
  const index = seriesMap(node.views)
  t.alike([...index.keys()], ['v1c@x'], 'one series, named by its first revision')
  const s = findSeries(node.views, 'v2p1@x')
  t.alike(s.revisions.map((r) => r.version), [1, 2])
  t.is(s.revisions[1]?.body.link?.reason, 'subject')
  t.alike(s.revisions[1]?.reviews.map((r) => r.body.trailers[0]?.key), ['Acked-by'], 'the review of the replaced event still counts')
  const fresh = await createNode(t, 'clean')
  await ingestSource(fresh.node, mailsOf(...v1, ...v2))
  const clean = seriesDetail(fresh.node.views, findSeries(fresh.node.views, 'v1c@x')) as unknown as Shown
  const shown = seriesDetail(node.views, s) as unknown as Shown
  const patches = (x: Shown): unknown => x.revisions.map((r) => r.patches.map((p) => ({ ...p, collected: undefined })))
  t.alike(patches(shown), patches(clean), 'the same series as one clean run')
})

test('duplicates, quarantine and nothing dropped: a second mail under a used Message-ID and garbage both become mail.raw', async (t) => {
  const { node } = await createNode(t)
  const other = rawMail({ id: 'p1@x', subject: 'Totally different', date: 'Wed, 8 Jan 2025 10:00:00 +0000', body: 'Not the patch.\n' })
  const s = await ingestSource(node, mailsOf(...V1, other, 'this is not a mail at all', ''))
  t.is(s.quarantined, 2)
  const raws = (node.views.ofType('mail.raw')).map((e) => e.type === 'mail.raw' ? e.body.reason : '')
  t.ok(raws.some((r) => r.startsWith('duplicate Message-ID <p1@x>')), 'the later mail under p1@x')
  t.is(raws.filter((r) => r.startsWith('MAIL_PARSE')).length, 2, 'garbage and an empty mail, with the parser error')
  t.is(findSeries(node.views, 'p1@x').latest.body.patches[0]?.subject, 'demo: one', 'the first mail keeps its place')
})

test('--match path:GLOB and keyword:WORD publish only the series that match', async (t) => {
  const a = await createNode(t, 'paths')
  const mails = [...V1, rawMail({ id: 'x1@x', subject: '[PATCH] net: faster', body: 'Speed.\n' + DIFF('net/core.c', 'x', 'y') })]
  const s1 = await ingestSource(a.node, mailsOf(...mails), { match: parseMatches(['path:fs/']) })
  t.alike([...seriesMap(a.node.views).keys()], ['c1@x'], 'fs/b.c matches fs/')
  t.is(s1.filtered, 1)
  const b = await createNode(t, 'words')
  await ingestSource(b.node, mailsOf(...mails), { match: parseMatches(['keyword:FASTER']) })
  t.alike([...seriesMap(b.node.views).keys()], ['x1@x'], 'keywords are case-insensitive')
  const run2 = await ingestSource(a.node, mailsOf())
  t.is(run2.published['series.revision'], 1, 'a later run without --match publishes what the filter left out, from the bridge state')
  t.is(seriesMap(a.node.views).size, 2)
})

test('a RESEND of a version is that revision: one slot, earlier Message-IDs find it, its mails kept as mail.raw, re-runs publish nothing', async (t) => {
  const { node } = await createNode(t)
  const v2 = (tag: string, date: string): string[] => [
    rawMail({ id: `${tag}c@x`, subject: `[PATCH${tag === 'r' ? ' RESEND' : ''} v2 0/1] demo: tidy`, date, body: 'v2.\n' }),
    rawMail({ id: `${tag}1@x`, irt: `${tag}c@x`, subject: `[PATCH${tag === 'r' ? ' RESEND' : ''} v2 1/1] demo: one`, date, body: 'One.\n' + DIFF('a.c', 'a', 'b') })
  ]
  const ack = rawMail({ id: 'ack@x', irt: 'o1@x', from: 'Rev Iewer <rev@example.org>', subject: 'Re: [PATCH v2 1/1] demo: one', date: 'Tue, 7 Jan 2025 12:00:00 +0000', body: 'Acked-by: Rev Iewer <rev@example.org>\n' })
  const first = await ingestSource(node, mailsOf(...v2('o', 'Tue, 7 Jan 2025 10:00:00 +0000'), ack, ...v2('r', 'Mon, 13 Jan 2025 10:00:00 +0000')))
  t.alike([first.revisions, first.published['series.revision'], first.published['mail.raw']], [1, 1, 2])
  const s = findSeries(node.views, 'o1@x')
  t.is(s.revisions.length, 1)
  t.is(s.latest.body.resend, true, 'the resend is the posting in force')
  t.alike(s.latest.body.source.messageIds, ['oc@x', 'o1@x', 'rc@x', 'r1@x'])
  t.is(s.latest.reviews[0]?.body.trailers[0]?.key, 'Acked-by', 'the ack of the first posting counts')
  const raws = (node.views.ofType('mail.raw')).map((e) => e.type === 'mail.raw' ? `${e.body.messageId ?? ''}: ${e.body.reason}` : '')
  t.ok(raws.every((r) => r.includes('an earlier posting of v2') && r.includes('posted again as <rc@x>')), raws.join('; '))
  const again = await ingestSource(node, mailsOf(...v2('o', 'Tue, 7 Jan 2025 10:00:00 +0000')))
  t.alike(again.published, { 'series.revision': 0, review: 0, 'mail.raw': 0, fallbacks: 0 })
})

test('linux-rtc (the first 2500 mails of a real list): no crash, every mail placed or kept, a second run publishes nothing', { skip: !hasShared && NO_SHARED, timeout: 60_000 }, async (t) => {
  const { node } = await createNode(t)
  const mails = splitMbox(readFileSync(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')), { mboxrd: true }).slice(0, 2500)
  async function * source (): AsyncGenerator<{ raw: Buffer, origin: string }> {
    for (const [i, raw] of mails.entries()) yield { raw, origin: `linux-rtc #${i + 1}` }
  }
  const first = await ingestSource(node, source())
  t.comment(`linux-rtc 2500: ${first.series} series, ${first.revisions} revisions, ${first.replies} replies (${first.trailers} trailers), ${first.raw} mail.raw, ${first.quarantined} quarantined, in ${first.elapsedMs} ms`)
  const placed = first.published['series.revision'] > 0 && first.published.review > 0
  t.ok(placed)
  t.is(first.mails, 2500)
  t.is(seriesMap(node.views).size, first.series, 'every published series is in the view')
  const second = await ingestSource(node, source())
  t.alike([second.duplicates, second.published['series.revision'], second.published.review, second.published['mail.raw']], [2500, 0, 0, 0], 'idempotent on a real archive')
})
