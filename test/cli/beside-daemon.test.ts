// While `cairn start` holds the home, every ingest form and `mail verdict`
// work through it (POST /api/ingest; a read-only open beside it), with the
// output and exit codes they have without a daemon.
import test from 'brittle'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { daemonApi } from '../../node/daemon/record.js'
import { killed } from '../helpers/child.js'
import { cairn, cairnBackground, cairnIn } from '../helpers/cli.js'
import { DIFF, rawMail } from '../email/ingest-fixture.js'

const COVER = rawMail({ id: 'c1@x', subject: '[PATCH 0/2] demo: tidy', body: 'Two patches.\n' })
const P1 = rawMail({ id: 'p1@x', irt: 'c1@x', subject: '[PATCH 1/2] demo: one', body: 'One.\n' + DIFF('a.c', 'a', 'b') })
const P2 = rawMail({ id: 'p2@x', irt: 'c1@x', subject: '[PATCH 2/2] demo: two', body: 'Two.\n' + DIFF('b.c', 'a', 'b') })
const OTHER = rawMail({ id: 'd1@x', subject: '[PATCH] net: faster', body: 'Speed.\n' + DIFF('net/c.c', 'x', 'y') })

interface Row { id: string, latest: { complete: boolean } }

test('beside the daemon: ingest mail|mbox|maildir go through its API; mail verdict reads beside it', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'home')
  const daemon = await cairnBackground(home, /^http\s+(\S+)/, 'start', '--name', 'ci', '--http', '127.0.0.1:0')
  t.teardown(() => killed(daemon.child))
  // The http line is printed once daemon.json is written.

  const cover = cairnIn(home, COVER, 'ingest', 'mail', '--list', 'demo')
  t.is(cover.status, 0, `ingest mail (the MDA mode) goes through the daemon: ${cover.stderr.trim()}`)
  t.is(cover.stdout.split('\n')[0], 'ingest: 1 mails read: 1 new, 0 duplicates, 0 quarantined', cover.stdout)
  t.is(cairnIn(home, P1, 'ingest', 'mail', '--list', 'demo').status, 0)
  const again = cairnIn(home, P1, 'ingest', 'mail', '--list', 'demo', '--json')
  t.is((JSON.parse(again.stdout) as { duplicates: number }).duplicates, 1, 'the same mail again is a duplicate; --json prints the summary')

  const mbox = join(dir, 'p2.mbox')
  writeFileSync(mbox, `From p2@x Mon Jan  6 10:00:00 2025\n${P2}\n`)
  const fromFile = cairn(home, 'ingest', 'mbox', mbox, '--list', 'demo')
  t.is(fromFile.status, 0, fromFile.stderr)
  t.ok(fromFile.stdout.includes('ingest: 1 series, 1 revisions'), `the daemon read the mbox by path and regrouped: ${fromFile.stdout}`)
  const fromStdin = cairnIn(home, `junk\nFrom p2@x Mon Jan  6 10:00:00 2025\n${P2}\n`, 'ingest', 'mbox', '-', '--list', 'demo')
  t.is(fromStdin.status, 0, fromStdin.stderr)
  t.ok(fromStdin.stderr.includes('warning: stdin:'), `the daemon's warnings reach the CLI's stderr: ${fromStdin.stderr}`)

  const maildir = join(dir, 'Maildir')
  for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true })
  writeFileSync(join(maildir, 'new', '1.mail'), OTHER)
  t.is(cairn(home, 'ingest', 'maildir', maildir, '--list', 'net').status, 0)
  const missing = cairn(home, 'ingest', 'maildir', join(dir, 'nowhere'))
  t.is(missing.status, 4, 'a missing Maildir exits 4 (not found), as without the daemon')
  t.ok(/^cairn: NOT_FOUND: .*nowhere is not a Maildir/.test(missing.stderr), missing.stderr)

  const rows = JSON.parse(cairn(home, 'series', 'list', '--json').stdout) as Row[]
  t.alike(rows.map((r) => [r.id, r.latest.complete]).sort(), [['c1@x', true], ['d1@x', true]], 'both series, whole, are in the daemon\'s views')

  const rev = (JSON.parse(cairn(home, 'log', '--json', '--type', 'series.revision').stdout) as Array<{ id: string, body: { series: string } }>).filter((e) => e.body.series === 'd1@x').pop()?.id ?? ''
  const job = cairn(home, 'post', 'job.request', '--body', JSON.stringify({ project: 'net', repo: '/srv/net.git', base: 'a'.repeat(40), revision: rev, recipe: {}, profile: 'quick', tags: [], priority: 0 }), '--ref', rev).stdout.trim()
  const result = cairn(home, 'post', 'result', '--body', JSON.stringify({ job, build: 'b', testRun: 't', verdict: 'pass', tests: [{ name: 'net/1', status: 'pass' }], logs: [], environment: {} }), '--ref', job)
  t.is(result.status, 0, result.stderr)
  const out = join(dir, 'verdicts.mbox')
  const verdict = cairn(home, 'mail', 'verdict', 'd1@x', '--to-mbox', out)
  t.is(verdict.status, 0, `mail verdict works beside the daemon: ${verdict.stderr.trim()}`)
  t.ok(/^appended pass verdict <[^>]+> in reply to <d1@x> to /.test(verdict.stdout), verdict.stdout)
  t.ok(readFileSync(out, 'utf8').includes('CI passed.'))

  await killed(daemon.child, 'SIGTERM')
  t.is(daemon.child.exitCode, 0)
})

test('beside the daemon: follow and unfollow run on its node (a feed, an interest), and what they change stays after it stops', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'home')
  const daemon = await cairnBackground(home, /^http\s+(\S+)/, 'start', '--name', 'lab', '--http', '127.0.0.1:0')
  t.teardown(() => killed(daemon.child))
  const key = 'ab'.repeat(32)
  const first = cairn(home, 'follow', key)
  t.is(first.status, 0, `follow FEEDKEY goes through the daemon: ${first.stderr.trim()}`)
  t.is(first.stdout.trim(), `following ${key}`)
  t.is(cairn(home, 'follow', key).stdout.trim(), `already following ${key}`, 'the daemon\'s node follows it now')
  const interest = cairn(home, 'follow', '--path', 'fs/xfs/**', '--project', 'xfs')
  t.is(interest.status, 0, interest.stderr)
  t.ok(interest.stdout.includes('fs/xfs/**') && interest.stdout.includes('xfs'), interest.stdout)
  const bad = cairn(home, 'follow', '--path', '')
  t.is(bad.status, 1)
  t.ok(bad.stderr.startsWith('cairn: BAD_SCOPE: --path ""'), `a bad glob is refused as without the daemon: ${bad.stderr.trim()}`)
  const narrowed = cairn(home, 'unfollow', '--project', 'xfs')
  t.is(narrowed.status, 0, narrowed.stderr)
  t.ok(narrowed.stdout.includes('fs/xfs/**') && !narrowed.stdout.includes('project xfs'), narrowed.stdout)
  // What the daemon runs for its API is checked there too: an empty unfollow is a usage error, not --announced.
  const api = daemonApi(home)
  const empty = await fetch(`${api?.url ?? ''}api/commands/unfollow`, { method: 'POST', headers: { authorization: `Bearer ${api?.token ?? ''}`, 'content-type': 'application/json' }, body: JSON.stringify({ argv: [] }) })
  t.alike(JSON.parse((await empty.text()).trim()), { error: 'USAGE', message: 'give a FEEDKEY, --announced, or --project/--list NAME or --path GLOB' })
  t.is(cairn(home, 'unfollow', key).stdout.trim(), `unfollowed ${key}`)
  await killed(daemon.child, 'SIGTERM')
  t.is(daemon.child.exitCode, 0)
  t.is(cairn(home, 'unfollow', key).stdout.trim(), `was not following ${key}; announcements of it are refused from now on`, 'the daemon saved the unfollow')
  const kept = cairn(home, 'unfollow', '--path', 'fs/xfs/**')
  t.is(kept.status, 0, kept.stderr)
  t.absent(kept.stdout.includes('fs/xfs/**'), `the interest the daemon saved, less this path: ${kept.stdout}`)
})
