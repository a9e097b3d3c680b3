// Issue 15, ingest side: junk before the first `From ` line, a mail cut
// short then read whole, `git format-patch` output without Message-IDs,
// and every mail.raw naming why (and which series it lost to).
import test from 'brittle'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { mboxSource } from '../../bridges/email/ingest/sources.js'
import { findSeries } from '../../node/views/series/index.js'
import type { CairnNode } from '../../node/node.js'
import { cairn } from '../helpers/cli.js'
import { createNode } from '../helpers/nodes.js'
import { git, gitEnv } from './cli-fixture.js'
import { DIFF, ingestSource, mailsOf, rawMail } from './ingest-fixture.js'

const FROM_LINE = 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
const SERIES = [
  rawMail({ id: 'j0@x', subject: '[PATCH 0/2] demo: tidy', body: 'Two patches.\n' }),
  rawMail({ id: 'j1@x', irt: 'j0@x', subject: '[PATCH 1/2] demo: one', date: 'Mon, 6 Jan 2025 10:00:01 +0000', body: 'One.\n' + DIFF('a.c', 'a', 'b') }),
  rawMail({ id: 'j2@x', irt: 'j0@x', subject: '[PATCH 2/2] demo: two', date: 'Mon, 6 Jan 2025 10:00:02 +0000', body: 'Two.\n' + DIFF('b.c', 'c', 'd') })
]
const MBOX = SERIES.map((m) => FROM_LINE + m + '\n').join('')

const rawReasons = (node: CairnNode): string[] =>
  (node.views.ofType('mail.raw')).map((e) => e.type === 'mail.raw' ? `${e.body.messageId ?? ''}: ${e.body.reason}` : '')

test('mbox junk: a BOM or a stray line before the first From line is skipped with a warning, not one quarantined mail', async (t) => {
  const tmp = await t.tmp()
  const cases: Array<[string, Buffer, RegExp]> = [
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MBOX)]), /skipped 3 bytes before the first line \(a UTF-8 byte order mark\)/],
    ['a stray line', Buffer.from('saved from my mail client\n' + MBOX), /skipped 26 bytes \(1 line\) before the first "From " line/]
  ]
  for (const [what, bytes, warning] of cases) {
    const file = join(tmp, `${what.replace(/\W+/g, '-')}.mbox`)
    writeFileSync(file, bytes)
    const { node } = await createNode(t, what)
    const warnings: string[] = []
    const s = await ingestSource(node, mboxSource(file, { mboxrd: true, warn: (m) => warnings.push(m) }))
    t.alike([s.mails, s.quarantined, s.revisions, s.raw], [3, 0, 1, 0], `${what}: three mails, one revision, nothing quarantined`)
    t.is(warnings.length, 1, `${what}: one warning`)
    t.ok(warning.test(warnings[0] ?? ''), `${what}: it says what was skipped: ${warnings[0] ?? ''}`)
    t.ok((warnings[0] ?? '').startsWith(file), `${what}: and names the file`)
    const home = join(tmp, `home-${what.replace(/\W+/g, '-')}`)
    t.is(cairn(home, 'init', '--name', 'bridge').status, 0)
    const cli = cairn(home, 'ingest', 'mbox', file)
    t.is(cli.status, 0, `${what}: cairn ingest mbox exits 0`)
    t.ok(warning.test(cli.stderr), `${what}: the warning is on stderr`)
  }
})

test('mbox junk: a bare mail (headers first, or no From line anywhere) is still one mail, and says nothing', (t) => {
  const said: string[] = []
  const onSkip = (m: string): void => { said.push(m) }
  t.is(splitMbox(Buffer.from(SERIES[1] as string), { onSkip }).length, 1, 'a bare mail starting with headers')
  t.is(splitMbox(Buffer.from('diff --git a/x b/x\n--- a/x\n+++ b/x\n'), { onSkip }).length, 1, 'a bare diff, no From line anywhere')
  t.alike(said, [])
  const long = 'junk line\n'.repeat(2000) + MBOX
  t.is(splitMbox(Buffer.from(long), { onSkip }).length, 1, 'more junk than a stray line: a bare mail, as git mailsplit -b reads it')
})

test('a mail cut short, then read whole: the longer copy wins and the revision is republished', async (t) => {
  const { node } = await createNode(t)
  const whole = SERIES[2] as string
  const cut = whole.slice(0, whole.indexOf('+d'))
  const first = await ingestSource(node, mailsOf(SERIES[0] as string, SERIES[1] as string, cut))
  t.is(first.revisions, 1)
  const before = findSeries(node.views, 'j0@x').latest
  const second = await ingestSource(node, mailsOf(...SERIES))
  t.alike([second.new, second.duplicates, second.published['series.revision']], [1, 2, 1], 'the whole copy is new and republishes the revision')
  const after = findSeries(node.views, 'j0@x').latest
  t.not(after.id, before.id)
  t.ok((after.body.patches[1]?.diff?.length ?? 0) > (before.body.patches[1]?.diff?.length ?? 0), 'the complete diff is in force')
  const raws = rawReasons(node)
  t.is(raws.length, 1)
  t.ok(/^j2@x: a cut-off copy of <j2@x>: the longer copy read from test #3 is in force; lost to v1 of series j0@x$/.test(raws[0] ?? ''), raws[0])

  const { node: reversed } = await createNode(t, 'reversed')
  await ingestSource(reversed, mailsOf(...SERIES, cut))
  t.is(findSeries(reversed.views, 'j0@x').latest.body.patches[1]?.diff?.length, after.body.patches[1]?.diff?.length, 'read in the other order, the same copy wins')
})

test('git format-patch without --thread (no Message-ID): mails named by their bytes, cover and patches one series', async (t) => {
  const tmp = await t.tmp()
  const repo = join(tmp, 'repo')
  git(tmp, ['init', '-q', '-b', 'main', repo])
  const commit = (file: string, date: string): void => {
    writeFileSync(join(repo, file), `${file}\n`)
    git(repo, ['add', file], gitEnv(date))
    git(repo, ['commit', '-q', '-m', `demo: add ${file}`], gitEnv(date))
  }
  commit('base', '1735689600 +0000')
  commit('one', '1735776000 +0000') // author dates days apart, as a local branch has them
  commit('two', '1736035200 +0000')
  const mbox = git(repo, ['format-patch', '--stdout', '--cover-letter', 'HEAD~2'], gitEnv('1736121600 +0000')) + '\n'
  t.absent(/^Message-I[dD]:/m.test(mbox), 'format-patch wrote no Message-ID')
  const file = join(tmp, 'series.mbox')
  writeFileSync(file, mbox)
  const { node } = await createNode(t)
  const s = await ingestSource(node, mboxSource(file, { mboxrd: false }))
  t.alike([s.mails, s.revisions, s.raw], [3, 1, 0], 'one revision, nothing kept as mail.raw')
  const latest = [...(node.views.ofType('series.revision'))].pop()
  const body = latest?.type === 'series.revision' ? latest.body : undefined
  t.ok(body?.cover?.messageId?.endsWith('@cairn.local') === true, 'the cover has an identity from its bytes')
  t.alike(body?.patches.map((p) => p.subject), ['demo: add one', 'demo: add two'])
  const again = await ingestSource(node, mboxSource(file, { mboxrd: false }))
  t.alike(again.published, { 'series.revision': 0, review: 0, 'mail.raw': 0, fallbacks: 0 }, 'the identity is stable: reading it again changes nothing')
})
