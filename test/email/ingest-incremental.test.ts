// Incremental grouping (issue 14): a run groups again only the parts of the
// archive its new mails touch. Checked on a real list against one run over
// everything: the same figures, and a forced regroup of the whole archive
// afterwards finds nothing to publish.
import test from 'brittle'
import { readFileSync } from 'node:fs'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import type { IngestSummary } from '../../bridges/email/ingest/ingest.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { ingestSource, mailsOf, rawMail, DIFF } from './ingest-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

async function * slice (mails: Buffer[], from: number, to: number): MailSource {
  for (let i = from; i < to && i < mails.length; i++) yield { raw: mails[i] as Buffer, origin: `linux-rtc #${i + 1}` }
}

const figures = (s: IngestSummary): number[] => [s.series, s.revisions, s.replies, s.trailers, s.raw]

test('incremental grouping on linux-rtc: mail by mail and in batches gives the figures of one run, and a full regroup publishes nothing', { skip: !hasShared && NO_SHARED, timeout: 120_000 }, async (t) => {
  const mails = splitMbox(readFileSync(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')), { mboxrd: true }).slice(0, 900)
  const whole = await createNode(t)
  const once = await ingestSource(whole.node, slice(mails, 0, mails.length))

  const { node } = await createNode(t)
  let last = await ingestSource(node, slice(mails, 0, 600))
  for (let at = 600; at < 800; at += 50) last = await ingestSource(node, slice(mails, at, at + 50))
  for (let at = 800; at < mails.length; at++) last = await ingestSource(node, slice(mails, at, at + 1))
  t.alike(figures(last), figures(once), 'the last run reports the whole archive as one run over it does')

  const state = new BridgeState(node.paths.dir) // reopened: the tallies come from the state log
  try {
    t.is(state.grouped, mails.length, 'every mail recorded as grouped')
    state.grouped = 0 // group the whole archive again
    const full = await ingest(node, state, mailsOf())
    t.alike(figures(full), figures(once), 'a full regroup has the same figures')
    t.alike([full.published['series.revision'], full.published.review, full.published['mail.raw']], [0, 0, 0], 'and finds nothing the incremental runs did not publish')
  } finally {
    state.close()
  }
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
