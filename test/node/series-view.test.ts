import test from 'brittle'
import { findSeries, listSeries, sentAt, trailersByPatch } from '../../node/views/series/index.js'
import { seriesMap } from '../helpers/series.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { createNode } from '../helpers/nodes.js'

function revision (version: number, patches: number[], extra: Partial<BodyOf<'series.revision'>> = {}): BodyOf<'series.revision'> {
  return {
    project: 'xfs',
    series: 'cover-v1@example.org',
    version,
    subject: `xfs: fix things (v${version})`,
    total: 2,
    patches: [1, 2].map((index) => patches.includes(index) ? { index, subject: `patch ${index}`, messageId: `p${index}-v${version}@example.org` } : { index, subject: '', missing: true }),
    source: { messageIds: [`cover-v${version}@example.org`, ...patches.map((i) => `p${i}-v${version}@example.org`)] },
    changeId: '20251121-xfs-things-abc',
    ...extra
  }
}

test('series view: revisions, republication, lookup by every kind of id, trailers per patch', async (t) => {
  const { node } = await createNode(t)
  const v1 = await node.post('series.revision', revision(1, [1, 2]))
  const v2partial = await node.post('series.revision', revision(2, [1]))
  const v2 = await node.post('series.revision', revision(2, [1, 2]))
  await node.post('review', { target: { revision: v1.id }, trailers: [{ key: 'Acked-by', value: 'A <a@example.org>' }] })
  await node.post('review', { target: { revision: v2partial.id, patch: 2 }, trailers: [{ key: 'Reviewed-by', value: 'R <r@example.org>' }] })
  await node.post('review', { target: { revision: v2.id }, trailers: [{ key: 'Tested-by', value: 'T <t@example.org>' }] })

  const index = seriesMap(node.views)
  t.is(index.size, 1)
  const series = findSeries(node.views, 'cover-v1@example.org')
  t.alike(series.revisions.map((r) => r.version), [1, 2])
  t.is(series.latest.id, v2.id, 'the later republication of v2 is in force')
  t.alike(series.latest.eventIds, [v2partial.id, v2.id])
  t.is(series.latest.body.patches.filter((p) => p.missing === true).length, 0)

  for (const ref of ['<p2-v2@example.org>', 'p1-v1@example.org', '20251121-xfs-things-abc', v2partial.id, v1.id.slice(0, 10), 'cover-v']) {
    t.is(findSeries(node.views, ref).id, 'cover-v1@example.org', `found by ${ref}`)
  }
  await t.exception(async () => findSeries(node.views, 'nothing-like-it'), /NOT_FOUND/)
  await t.exception(async () => findSeries(node.views, 'ab'), /NOT_FOUND: .*at least 4/)

  const v2trailers = trailersByPatch(series.latest)
  t.alike(v2trailers.get(1)?.map((x) => x.key), ['Tested-by'], 'a whole-revision review applies to patch 1')
  t.alike(v2trailers.get(2)?.map((x) => x.key).sort(), ['Reviewed-by', 'Tested-by'], 'a review of the earlier publication of v2 still counts')
  t.alike(trailersByPatch(series.revisions[0]!).get(2)?.map((x) => x.value), ['A <a@example.org>'], 'v1 keeps its own trailers')

  const { changeId: _, ...withoutChangeId } = revision(1, [1, 2])
  await node.post('series.revision', { ...withoutChangeId, series: 'other@example.org', source: { messageIds: ['other@example.org'] } })
  t.is(seriesMap(node.views).size, 2, 'the derived index follows new events')
  await t.exception(async () => findSeries(node.views, 'p'), /NOT_FOUND/)
})

test('series list: newest first by mail date, but a mail dated in the future does not stay on top', async (t) => {
  const { node } = await createNode(t)
  const day = 86_400_000
  const now = Date.now()
  await node.postMany([
    { type: 'series.revision', ts: now - 3 * day, body: { ...revision(1, [1, 2]), series: 'old@x', date: now - 3 * day, changeId: 'old', source: { messageIds: ['old@x'] } } },
    { type: 'series.revision', ts: now - 2 * day, body: { ...revision(1, [1, 2]), series: 'future@x', date: now + 365 * day, changeId: 'future', source: { messageIds: ['future@x'] } } },
    { type: 'series.revision', ts: now - day, body: { ...revision(1, [1, 2]), series: 'new@x', date: now - day - 60_000, changeId: 'new', source: { messageIds: ['new@x'] } } }
  ])
  await node.indexer.run()
  t.alike(listSeries(node.views).map((s) => s.id), ['new@x', 'future@x', 'old@x'], 'the future-dated mail counts as sent when it was published')
  t.is(sentAt(findSeries(node.views, 'future@x').latest), now - 2 * day)
  t.is(sentAt(findSeries(node.views, 'new@x').latest), now - day - 60_000, 'an honest date is kept')
})
