// `cairn ingest public-inbox DIR` on a v2 inbox built here the way
// public-inbox writes one (epochs git/N.git, one commit per message, blob m):
// the first run reads everything, later runs only the commits added since,
// across epochs, deletions skipped, a rewritten epoch read again safely; and
// `cairn start --watch public-inbox:DIR` reads each new commit as it lands.
import test from 'brittle'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { IngestSummary } from '../../bridges/email/ingest/ingest.js'
import { cairn, cairnChild, nthLine } from '../helpers/cli.js'
import { appendToInbox, DIFF, rawMail } from './ingest-fixture.js'

const mail = (text: string): Buffer => Buffer.from(text)
const COVER = rawMail({ id: 'pi-c@x', subject: '[PATCH 0/2] rtc: fix alarms', body: 'Two fixes.\n' })
const P1 = rawMail({ id: 'pi-1@x', irt: 'pi-c@x', subject: '[PATCH 1/2] rtc: one', body: 'One.\n\nSigned-off-by: Dev One <dev@example.org>\n' + DIFF('drivers/rtc/a.c', 'a', 'b') })
const P2 = rawMail({ id: 'pi-2@x', irt: 'pi-c@x', subject: '[PATCH 2/2] rtc: two', body: 'Two.\n\nSigned-off-by: Dev One <dev@example.org>\n' + DIFF('drivers/rtc/b.c', 'a', 'b') })
const ACK = rawMail({ id: 'pi-r@x', irt: 'pi-c@x', from: 'Main Tainer <mt@example.org>', subject: 'Re: [PATCH 0/2] rtc: fix alarms', body: 'Acked-by: Main Tainer <mt@example.org>\n' })
const OTHER = rawMail({ id: 'pi-o@x', subject: '[PATCH] rtc: three', body: 'Three.\n' + DIFF('drivers/rtc/c.c', 'a', 'b') })
const MORE = rawMail({ id: 'pi-m@x', subject: '[PATCH] rtc: four', body: 'Four.\n' + DIFF('drivers/rtc/d.c', 'a', 'b') })

function ingest (t: { is: (a: unknown, b: unknown, m?: string) => void }, home: string, inbox: string): IngestSummary {
  const r = cairn(home, 'ingest', 'public-inbox', inbox, '--json', '--list', 'linux-rtc@vger.kernel.org')
  t.is(r.status, 0, r.stderr)
  return JSON.parse(r.stdout) as IngestSummary
}

test('public-inbox v2: a cron run reads only the commits added since the last one, in every epoch', { timeout: 60_000 }, async (t) => {
  const home = await t.tmp()
  const inbox = join(await t.tmp(), 'linux-rtc')
  t.is(cairn(home, 'init', '--name', 'bridge').status, 0)
  appendToInbox(inbox, 0, [mail(COVER), mail(P1), null, mail(P2)])

  const first = ingest(t, home, inbox)
  t.alike([first.mails, first.new, first.series, first.published['series.revision']], [3, 3, 1, 1], 'first run: three messages (the deletion holds none)')

  appendToInbox(inbox, 0, [mail(ACK)])
  appendToInbox(inbox, 1, [mail(OTHER)])
  const second = ingest(t, home, inbox)
  t.alike([second.mails, second.new, second.duplicates], [2, 2, 0], 'second run: only the new commit of epoch 0 and the new epoch')
  t.alike([second.series, second.replies, second.trailers], [2, 1, 1])
  const shown = JSON.parse(cairn(home, 'series', 'show', 'pi-c@x', '--json').stdout) as { revisions: Array<{ patches: Array<{ trailers: Array<{ key: string }> }> }> }
  t.alike(shown.revisions[0]?.patches.map((p) => p.trailers.map((x) => x.key)), [['Signed-off-by', 'Acked-by'], ['Signed-off-by', 'Acked-by']], 'the cover ack read later reaches both patches')

  const third = ingest(t, home, inbox)
  t.alike([third.mails, third.published['series.revision'], third.published.review], [0, 0, 0], 'nothing new: nothing read')

  // public-inbox-purge rewrites an epoch: our last commit is gone, so it is read again; known mails are no-ops
  rmSync(join(inbox, 'git', '1.git'), { recursive: true })
  appendToInbox(inbox, 1, [mail(MORE), mail(OTHER)])
  const fourth = ingest(t, home, inbox)
  t.alike([fourth.mails, fourth.new, fourth.duplicates, fourth.series], [2, 1, 1, 3], 'a rewritten epoch is read again, safely')

  const bad = cairn(home, 'ingest', 'public-inbox', join(inbox, 'nope'))
  t.is(bad.status, 4, 'not found: exit 4')
  t.ok(bad.stderr.includes('NOT_FOUND') && bad.stderr.includes('not a public-inbox v2 inbox'), bad.stderr)
})

test('cairn start --watch public-inbox:DIR: each commit public-inbox (or lei up, git fetch) adds is read as it lands, in every epoch, and only once', { timeout: 120_000 }, async (t) => {
  const home = await t.tmp()
  const inbox = join(await t.tmp(), 'linux-rtc')
  t.is(cairn(home, 'init', '--name', 'bridge').status, 0)
  appendToInbox(inbox, 0, [mail(COVER)])
  const daemon = cairnChild(t, home, 'start', '--listen', '127.0.0.1:0', '--http', 'off', '--watch', `public-inbox:${inbox}`)
  await daemon.waitFor(/^running/)
  const passes = /^watch +public-inbox:.*: ingest: (\d+) mails read: (\d+) new/
  const read = (): string[] => daemon.lines.filter((l) => passes.test(l)).map((l) => (passes.exec(l) as RegExpExecArray).slice(1, 3).join('/'))
  await nthLine(daemon, passes, 1)
  t.alike(read(), ['1/1'], 'what the inbox held at start')

  appendToInbox(inbox, 0, [mail(P1), null, mail(P2)])
  await nthLine(daemon, passes, 2)
  appendToInbox(inbox, 1, [mail(ACK)])
  await nthLine(daemon, passes, 3)
  t.alike(read(), ['1/1', '2/2', '1/1'], 'then only the commits added since, a new epoch included')

  daemon.child.kill('SIGTERM')
  t.is(await daemon.exited, 0, 'the daemon stops cleanly')
  t.is(ingest(t, home, inbox).mails, 0, 'its cursors are kept: a cron run afterwards reads nothing again')
  const shown = JSON.parse(cairn(home, 'series', 'show', 'pi-c@x', '--json').stdout) as { revisions: Array<{ patches: Array<{ trailers: Array<{ key: string }> }> }> }
  t.alike(shown.revisions[0]?.patches.map((p) => p.trailers.map((x) => x.key)), [['Signed-off-by', 'Acked-by'], ['Signed-off-by', 'Acked-by']], 'the series whole, its cover ack on both patches')
})
