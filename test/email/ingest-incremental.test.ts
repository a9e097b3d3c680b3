// Incremental grouping (issue 14): a run groups again only the parts of the
// archive its new mails touch. Checked on a real list against one run over
// everything: the same figures, and a forced regroup of the whole archive
// afterwards finds nothing to publish.
import test from 'brittle'
import type { TestInstance } from 'brittle'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import type { IngestSummary } from '../../bridges/email/ingest/ingest.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import type { CairnNode } from '../../node/node.js'
import { FrameLog } from '../../node/storage/frame-log.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { ingestSource, mailsOf, normalizedEvents, rawMail, DIFF } from './ingest-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

async function * slice (mails: Buffer[], from: number, to: number, name = 'linux-rtc'): MailSource {
  for (let i = from; i < to && i < mails.length; i++) yield { raw: mails[i] as Buffer, origin: `${name} #${i + 1}` }
}

const figures = (s: IngestSummary): number[] => [s.series, s.revisions, s.replies, s.trailers, s.raw]

/** Group the whole archive of `node` again: the figures of one run (`once`), and nothing the incremental runs did not publish. */
async function regroupsToNothing (t: TestInstance, node: CairnNode, once: IngestSummary, mails: number): Promise<void> {
  const state = new BridgeState(node.paths.dir) // reopened: the tallies come from the state file
  try {
    t.is(state.grouped, mails, 'every mail recorded as grouped')
    state.grouped = 0 // group the whole archive again
    const full = await ingest(node, state, mailsOf())
    t.alike(figures(full), figures(once), 'a full regroup has the same figures')
    t.alike([full.published['series.revision'], full.published.review, full.published['mail.raw']], [0, 0, 0], 'and finds nothing the incremental runs did not publish')
  } finally {
    state.close()
  }
}

test('incremental grouping on linux-rtc: mail by mail and in batches gives the figures of one run, and a full regroup publishes nothing', { skip: !hasShared && NO_SHARED, timeout: 120_000 }, async (t) => {
  const mails = splitMbox(readFileSync(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')), { mboxrd: true }).slice(0, 900)
  const whole = await createNode(t)
  const once = await ingestSource(whole.node, slice(mails, 0, mails.length))

  const { node } = await createNode(t)
  let last = await ingestSource(node, slice(mails, 0, 600))
  for (let at = 600; at < 800; at += 50) last = await ingestSource(node, slice(mails, at, at + 50))
  for (let at = 800; at < mails.length; at++) last = await ingestSource(node, slice(mails, at, at + 1))
  t.alike(figures(last), figures(once), 'the last run reports the whole archive as one run over it does')

  await regroupsToNothing(t, node, once, mails.length)
})

// A run publishes what it has: a series whose mails a batch boundary cuts goes
// out incomplete (its cover and first patches, holes marked missing) and is
// republished whole in its slot (series id, version) by the run that brings
// the rest; the views keep a slot's latest event. So batches append one event
// more per boundary crossed, and stand where one run does.
test('incremental grouping on git-history: batches of 100 stand where one run does; a series cut by a batch boundary is republished in its slot, once per batch holding its mails; a full regroup publishes nothing', { skip: !hasShared && NO_SHARED, timeout: 300_000 }, async (t) => {
  const BATCH = 100
  const mails = splitMbox(readFileSync(corpus('git-history', 'git-history.mboxrd')), { mboxrd: true })
  const whole = await createNode(t)
  let started = Date.now()
  const once = await ingestSource(whole.node, slice(mails, 0, mails.length, 'git-history'))
  const oneRunMs = Date.now() - started

  const { node } = await createNode(t)
  started = Date.now()
  let last = once
  for (let at = 0; at < mails.length; at += BATCH) last = await ingestSource(node, slice(mails, at, at + BATCH, 'git-history'))
  t.comment(`${mails.length} mails: one run ${oneRunMs} ms, ${Math.ceil(mails.length / BATCH)} runs of ${BATCH} ${Date.now() - started} ms`)
  t.alike(figures(last), figures(once), 'the last run reports the whole archive as one run over it does')
  t.alike(normalizedEvents(node, { inForce: true }), normalizedEvents(whole.node, { inForce: true }), 'the same revisions stand, each with the same body')

  const revisions = (n: typeof node): Array<BodyOf<'series.revision'>> => n.views.query({ author: n.identityKey }).flatMap((e) => e.type === 'series.revision' ? [e.body] : [])
  const batchOf = new Map<string, number>()
  mails.forEach((m, i) => {
    const id = /^message-id:\s*<([^>]+)>/im.exec(m.subarray(0, m.indexOf('\n\n')).toString('latin1'))?.[1]
    if (id !== undefined) batchOf.set(id, Math.floor(i / BATCH))
  })
  const published = revisions(whole.node).reduce((n, r) => n + new Set(r.source.messageIds.map((id) => batchOf.get(id))).size, 0)
  t.is(revisions(whole.node).length, once.revisions, 'one run: one event per revision')
  t.is(revisions(node).length, published, `batches: one event per revision and batch holding its mails (${published - once.revisions} republished whole after a boundary cut them)`)
  t.ok(revisions(node).every((r) => (r.replaces ?? []).length === 0), 'each superseded in its own slot, none retired into another')

  await regroupsToNothing(t, node, once, mails.length)
})

test('incremental grouping: a run killed before its grouping frame groups those mails next time', async (t) => {
  const { node } = await createNode(t)
  const cover = rawMail({ id: 'c@x', subject: '[PATCH 0/1] foo: fix', body: 'cover\n' })
  const patch = rawMail({ id: 'p1@x', subject: '[PATCH 1/1] foo: fix', irt: 'c@x', body: 'fix\n' + DIFF('foo.c', 'a', 'b') })
  const state = new BridgeState(node.paths.dir)
  try {
    await ingest(node, state, mailsOf(cover))
    const grouped = state.grouped
    t.is(grouped, 1)
    state.grouped = 0 // as if the last grouping frame was lost: stored mails from 0 on are grouped again
    const again = await ingest(node, state, mailsOf(patch))
    t.is(again.revisions, 1, 'the patch joins the cover')
    t.is(again.published['series.revision'], 1, 'the revision is republished with its patch')
  } finally {
    state.close()
  }
})

test('bridge state: a state.log of an earlier release is migrated once, then deleted; the archive regroups to the same figures and publishes nothing', async (t) => {
  const { node } = await createNode(t)
  const cover = rawMail({ id: 'mc@x', subject: '[PATCH 0/2] foo: two fixes', body: 'cover\n' })
  const p1 = rawMail({ id: 'm1@x', subject: '[PATCH 1/2] foo: one', irt: 'mc@x', body: 'one\n' + DIFF('foo.c', 'a', 'b') })
  const p2 = rawMail({ id: 'm2@x', subject: '[PATCH 2/2] foo: two', irt: 'mc@x', body: 'two\n' + DIFF('bar.c', 'a', 'b') })
  const ack = rawMail({ id: 'ma@x', subject: 'Re: [PATCH 1/2] foo: one', irt: 'm1@x', from: 'Rev <rev@example.org>', body: 'Acked-by: Rev <rev@example.org>\n' })
  const before = await ingestSource(node, mailsOf(cover, p1, p2, ack, 'not a mail at all'))

  // the earlier release's file: frames of mails and cursors, from what this state holds
  const dir = join(node.paths.dir, 'email')
  let state = new BridgeState(node.paths.dir)
  const records = state.since(0).map((m) => m.rec)
  state.close()
  for (const f of readdirSync(dir)) if (f.startsWith('state.sqlite')) rmSync(join(dir, f))
  const log = new FrameLog<unknown>(join(dir, 'state.log'))
  log.append({ mails: records.slice(0, 2), cursors: { 'public-inbox:/x:0': 'abc' } })
  log.append({ mails: [], grouped: 2, parts: [[0, { series: 1, revisions: 1, replies: 0, trailers: 0, raw: 0 }]] })
  log.append({ mails: records.slice(2) })
  log.close()

  state = new BridgeState(node.paths.dir)
  try {
    t.absent(existsSync(join(dir, 'state.log')), 'the log is gone once migrated')
    t.is(state.size, records.length, 'every mail migrated')
    t.is(state.cursors.get('public-inbox:/x:0'), 'abc', 'and the cursors')
    t.is(state.grouped, 0, 'groupings are not carried over: the first run groups the archive once')
    t.ok(state.hasRaw(records[3]?.hash ?? ''), 'mails are found by their bytes')
    const again = await ingest(node, state, mailsOf(cover))
    t.is(again.duplicates, 1, 'a mail read before is a duplicate')
    t.alike(figures(again), figures(before), 'the same figures as before the migration')
    t.alike([again.published['series.revision'], again.published.review, again.published['mail.raw']], [0, 0, 0], 'and nothing to publish')
  } finally {
    state.close()
  }
  state = new BridgeState(node.paths.dir)
  t.teardown(() => state.close())
  t.is(state.grouped, records.length, 'reopened: grouped, nothing migrated again')
  t.alike(figures({ ...before, ...state.totals() }), figures(before), 'the tallies kept')
})

