// A revision page read as its mail thread, over a real b4 test thread (a
// 4-patch series by Konstantin Ryabitsev with a Tested-by reply to patch 4
// and a Reviewed-by reply to the cover) mailed through the bridge: the diff
// inline, the mail's sender as author (the bridge only as publisher), the
// quoted text as a blockquote, the given trailer highlighted, and a blob
// page linking back. A screenshot goes to $TMPDIR (not the repo).
import test from 'brittle'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveHttp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import { ingestMbox } from '../email/ingest-fixture.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { createNode } from '../helpers/nodes.js'
import { browserPage, buildUi, CHROMIUM, hasChromium } from './chromium.js'

const THREAD = 'trailers-thread-with-cover-followup.mbox'
if (!hasChromium) console.log(`# skipping the revision thread test: ${CHROMIUM} is missing`)
if (!hasShared) console.log('# skipping the revision thread test: it needs ../shared/corpora (b4)')

test('revision page: patches inline with their diffs, the sender as author, replies with quotes and trailers under what they answer', { skip: !hasChromium || !hasShared, timeout: 60_000 }, async (t) => {
  if (import.meta.url.endsWith('.ts')) buildUi()
  const { node, home } = await createNode(t, 'bridge')
  await node.post('identity.link', { feed: node.feedKey, blobs: node.blobsKey, name: 'list-bridge' })
  const ingested = await ingestMbox(node, corpus('b4', THREAD), { list: 'list@example.org' })
  t.is(ingested.published.review, 2, 'two replies published as reviews')
  const revision = node.log({ type: 'series.revision' })[0]
  if (revision?.type !== 'series.revision') throw new Error('the series was not published')
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: loadOrCreateToken(join(home, 'api.token')) })
  t.teardown(() => server.close(), { order: -1 })
  const { page, problems } = await browserPage(t, server.url)

  await page.goto(`${server.url}#/revision/${revision.id}`)
  await page.locator('main[data-route="/revision/:id"]').waitFor()
  const head = await page.locator('main dl.kv').innerText()
  t.ok(head.includes('Konstantin Ryabitsev <konstantin@linuxfoundation.org>'), 'the author is the mail\'s sender')
  t.ok(/published by\s+list-bridge/.test(head), 'the bridge only as publisher')

  const patch1 = page.locator('details.patch[data-index="1"]')
  t.is(await patch1.getAttribute('open'), '', 'a small patch starts open')
  await patch1.locator('pre.diff .del').first().waitFor()
  t.is(await patch1.locator('pre.diff .del').first().innerText(), '-This is a new line in file 2.\n', 'its diff inline, coloured')
  t.ok((await patch1.locator('.mail-text').first().innerText()).includes('Etiam in rhoncus lacus.'), 'its commit message')
  t.absent((await patch1.locator('pre.diff').innerText()).includes('b4 0.11.0-dev'), 'the mail signature after the diff is not shown as part of it')

  const reply = page.locator('details.patch[data-index="4"] .reply')
  t.is(await reply.count(), 1, 'the reply to patch 4 sits under patch 4')
  t.is(await reply.locator('.sender').innerText(), 'Follow Upper <follow.upper@example.org>', 'the reply\'s sender, not the bridge')
  t.is(await reply.locator('.mail-text blockquote').first().innerText(), 'Life imitatus artem.\n\nSigned-off-by: Konstantin Ryabitsev <konstantin@linuxfoundation.org>', 'the quoted text in a blockquote, line breaks kept')
  t.is(await reply.locator('.mail-text blockquote .trailer.given').count(), 0, 'a quoted trailer is not highlighted as given')
  t.is(await reply.locator('.mail-text > .lines .trailer.given').innerText(), 'Tested-by: Follow Upper <follow.upper@example.org>', 'the trailer highlighted where it was given')
  const cover = page.locator('details.cover .reply')
  t.is(await cover.locator('.sender').innerText(), 'Cover Upper <cover.upper@example.org>', 'the reply to the cover under the cover letter')
  t.ok((await page.locator('details.patch[data-index="4"] summary').innerText()).includes('Reviewed-by'), 'the cover\'s Reviewed-by collected for every patch')
  const shot = join(tmpdir(), 'cairn-revision-thread.png')
  await page.screenshot({ path: shot, fullPage: true })
  await page.screenshot({ path: join(tmpdir(), 'cairn-revision-thread-top.png') })
  await page.locator('details.patch[data-index="4"]').screenshot({ path: join(tmpdir(), 'cairn-revision-thread-patch4.png') })
  t.comment(`screenshot: ${shot}`)

  await patch1.locator('a', { hasText: /bytes$/ }).click()
  await page.locator('main[data-route="/blob/:hash"]').waitFor()
  await page.locator('#blob-patches a').first().click()
  await page.locator('main[data-route="/revision/:id"]').waitFor()
  t.ok(new URL(page.url()).hash.startsWith(`#/revision/${revision.id}`), 'the blob page links back to its revision')
  t.alike(problems, [], 'no page errors, console errors or external requests')
})
