// CLI transcripts of the email porcelain on a real git repository: a series
// mailed with `git format-patch -v1/-v2/-v3 --cover-letter`, review replies
// mailed in between and read incrementally (mbox on stdin, a Maildir, one
// mail as an MDA), then `series list/show/diff/apply`.
import test from 'brittle'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findCommand } from '../../node/cli/registry.js'
import type { Registered } from '../../node/cli/registry.js'
import { runArgv } from '../../node/cli/run.js'
import { CairnNode } from '../../node/node.js'
import { cairn } from '../helpers/cli.js'
import { cairnIn, formatPatch, git, gitEnv } from './cli-fixture.js'
import { rawMail } from './ingest-fixture.js'

interface Patch { index: number, subject: string, missing?: boolean, trailers: Array<{ key: string, value: string }> }
interface Shown { id: string, state: string, revisions: Array<{ version: number, id: string, link: { reason: string } | null, complete: boolean, patches: Patch[] }> }

const keys = (p: Patch | undefined): string[] => (p?.trailers ?? []).filter((t) => t.key !== 'Signed-off-by').map((t) => `${t.key}: ${t.value}`)

test('format-patch v1 -> v2 -> v3 with reviews between: one series, three linked revisions, trailers where given, diff and apply', { timeout: 180_000 }, async (t) => {
  const tmp = await t.tmp()
  const home = join(tmp, 'home')
  const repo = join(tmp, 'repo')
  mkdirSync(repo)
  git(repo, ['init', '-q', '--initial-branch=main'])
  // files of some length, so that range-diff pairs the revisions' patches as a reviewer would
  const file = (line: string): string => Array.from({ length: 30 }, (_, i) => i === 15 ? line : `/* line ${i} */`).join('\n') + '\n'
  writeFileSync(join(repo, 'a.c'), file('int a = 1;'))
  writeFileSync(join(repo, 'b.c'), file('int b = 1;'))
  git(repo, ['add', '.'])
  git(repo, ['commit', '-q', '-m', 'base'])
  const base = git(repo, ['rev-parse', 'HEAD'])
  const commit = (file: string, text: string, msg: string, date: string): void => {
    writeFileSync(join(repo, file), text)
    git(repo, ['commit', '-q', '-a', '-m', msg], gitEnv(date))
  }
  const series = (v: number, a: string, b: string, date: string): { mbox: string, ids: string[] } => {
    git(repo, ['reset', '-q', '--hard', base])
    commit('a.c', file(a), 'demo: make a two\n\nBecause two is better.\n\nSigned-off-by: Dev One <dev@example.org>', date)
    commit('b.c', file(b), 'demo: make b two\n\nSo is b.\n\nSigned-off-by: Dev One <dev@example.org>', date)
    return formatPatch(repo, join(tmp, 'out'), v, base, 'demo: two is better', date)
  }
  const reply = (id: string, to: string, from: string, trailer: string, date: string): string =>
    rawMail({ id, irt: to, from, subject: 'Re: demo', date, body: `> quoted\n\n${trailer}\n` })

  t.is(cairn(home, 'init', '--name', 'bridge').status, 0)
  const v1 = series(1, 'int a = 2;', 'int b = 2;', '1736157600 +0000')
  let r = cairnIn(home, v1.mbox, 'ingest', 'mbox', '-', '--project', 'demo')
  t.is(r.status, 0, r.stderr)
  t.ok(r.stdout.includes('3 mails read: 3 new'), r.stdout)

  // v1 patch 1 reviewed, as an MDA would hand the reply over
  r = cairnIn(home, reply('rev1@example.org', v1.ids[1] as string, 'Rev Iewer <rev@example.org>', 'Reviewed-by: Rev Iewer <rev@example.org>', 'Mon, 6 Jan 2025 12:00:00 +0000'), 'ingest', 'mail')
  t.is(r.status, 0, r.stderr)
  t.ok(r.stdout.includes('1 replies, 1 trailers'), r.stdout)

  const v2 = series(2, 'int a = 2; /* two */', 'int b = 2;', '1736244000 +0000')
  const maildir = join(tmp, 'Maildir')
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d), { recursive: true })
  v2.mbox.split(/^(?=From [0-9a-f]{40} )/m).forEach((m, i) => writeFileSync(join(maildir, 'new', `17362440${i}.M1P1.host`), m.replace(/^From [0-9a-f]{40} .*\n/, '')))
  writeFileSync(join(maildir, 'cur', '1736250000.M2P2.host:2,S'), reply('test2@example.org', v2.ids[0] as string, 'Bot <ci-bot@example.org>', 'Tested-by: Bot <ci-bot@example.org>', 'Tue, 7 Jan 2025 14:00:00 +0000'))
  r = cairn(home, 'ingest', 'maildir', maildir)
  t.is(r.status, 0, r.stderr)
  t.ok(r.stdout.includes('4 mails read: 4 new'), r.stdout)

  const v3 = series(3, 'int a = 2; /* two */', 'int b = 3;', '1736330400 +0000')
  const mbox = join(tmp, 'v3.mbox')
  writeFileSync(mbox, v3.mbox + '\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\n' + reply('ack3@example.org', v3.ids[2] as string, 'Main Tainer <mt@example.org>', 'Acked-by: Main Tainer <mt@example.org>', 'Wed, 8 Jan 2025 12:00:00 +0000'))
  r = cairn(home, 'ingest', 'mbox', mbox)
  t.is(r.status, 0, r.stderr)

  const list = JSON.parse(cairn(home, 'series', 'list', '--json').stdout) as Array<{ id: string, project: string, versions: Array<{ version: number }> }>
  t.is(list.length, 1, 'one series')
  t.alike(list[0]?.versions.map((v) => v.version), [1, 2, 3])
  t.is(list[0]?.project, 'demo')
  const id = list[0]?.id as string
  const shown = JSON.parse(cairn(home, 'series', 'show', `<${v2.ids[1] as string}>`, '--json').stdout) as Shown
  t.is(shown.id, id, 'found by a Message-ID of v2, with <>')
  const [s1, s2, s3] = shown.revisions
  t.alike([s2?.link?.reason, s3?.link?.reason], ['subject', 'subject'], 'v2 and v3 linked to their predecessor')
  t.alike([keys(s1?.patches[0]), keys(s1?.patches[1])], [['Reviewed-by: Rev Iewer <rev@example.org>'], []], 'v1: the review of patch 1 only')
  t.alike([keys(s2?.patches[0]), keys(s2?.patches[1])], [['Tested-by: Bot <ci-bot@example.org>'], ['Tested-by: Bot <ci-bot@example.org>']], 'v2: the cover Tested-by on every patch')
  t.alike([keys(s3?.patches[0]), keys(s3?.patches[1])], [[], ['Acked-by: Main Tainer <mt@example.org>']], 'v3: the ack of patch 2')

  t.alike((JSON.parse(cairn(home, 'series', 'list', '--json', '--trailer', 'Acked-by').stdout) as unknown[]).length, 0, '--trailer Acked-by: not on every patch of v3')
  t.alike((JSON.parse(cairn(home, 'series', 'list', '--json', '--hide-until', 'Signed-off-by', '--match', 'path:*.c', '--state', 'reviewed').stdout) as unknown[]).length, 1, 'filters that hold')
  t.alike((JSON.parse(cairn(home, 'series', 'list', '--json', '--match', 'path:drivers/').stdout) as unknown[]).length, 0, 'a path glob that does not')
  const badState = cairn(home, 'series', 'list', '--state', 'reviewd')
  t.is(badState.status, 2, 'an unknown state is a usage error')
  t.ok(badState.stderr.includes('--state "reviewd" is not a series state; use one of new, incomplete'), badState.stderr)

  const diff = cairn(home, 'series', 'diff', id)
  t.is(diff.status, 0, diff.stderr)
  t.ok(/^v2 1\/2 = v3 1\/2  demo: make a two$/m.test(diff.stdout), 'v2 -> v3: patch 1 unchanged')
  t.ok(/^v2 2\/2 ! v3 2\/2  demo: make b two$/m.test(diff.stdout), 'patch 2 changed')
  t.ok(/^ {4}-\+int b = 2;$/m.test(diff.stdout) && /^ {4}\+\+int b = 3;$/m.test(diff.stdout), 'with the changed line, as a diff of diffs')
  const range = cairn(home, 'series', 'diff', id, '--from', 'v1', '--to', 'v3', '--repo', repo, '--base', base)
  t.is(range.status, 0, range.stderr)
  t.ok(range.stdout.includes('(git range-diff)') && /1: +[0-9a-f]+ ! 1: +[0-9a-f]+ demo: make a two/.test(range.stdout) && /-\+int a = 2;/.test(range.stdout), 'real git range-diff v1..v3')

  const clone = join(tmp, 'clone')
  git(tmp, ['clone', '-q', repo, clone])
  git(clone, ['checkout', '-q', base])
  const applied = cairn(home, 'series', 'apply', id, '--repo', clone, '--branch', 'review/demo-v3', '--base', base)
  t.is(applied.status, 0, applied.stderr)
  t.ok(applied.stdout.includes('applied 2 patches') && applied.stdout.includes('branch review/demo-v3'), applied.stdout)
  t.is(git(clone, ['rev-parse', 'HEAD^{tree}']), git(repo, ['rev-parse', 'HEAD^{tree}']), 'the tree of v3 as committed upstream')
  const log = git(clone, ['log', '--format=%an <%ae>|%ad|%s|%(trailers:only,unfold)', '--date=unix', `${base}..HEAD`])
  t.ok(log.includes('Dev One <dev@example.org>|1736330400|demo: make b two|Signed-off-by: Dev One <dev@example.org>\nAcked-by: Main Tainer <mt@example.org>'), 'patch 2 carries the collected Acked-by after its own trailers, author and date kept')
  const again = cairn(home, 'series', 'apply', id, '--repo', clone, '--branch', 'review/demo-v3')
  t.is(again.status, 1)
  t.ok(again.stderr.includes('BRANCH_EXISTS'), again.stderr)
  writeFileSync(join(clone, 'a.c'), 'dirty\n')
  const dirty = cairn(home, 'series', 'apply', shown.revisions[0]?.id as string, '--repo', clone)
  t.ok(dirty.status === 1 && dirty.stderr.includes('DIRTY'), dirty.stderr)
  git(clone, ['checkout', '-q', '--', 'a.c'])
  const conflict = cairn(home, 'series', 'apply', shown.revisions[0]?.id as string, '--repo', clone)
  t.ok(conflict.status === 1 && conflict.stderr.includes('APPLY_FAILED') && conflict.stderr.includes('v1 does not apply'), 'v1 onto v3: does not apply, git am aborted')
  t.is(git(clone, ['status', '--porcelain']), '', 'the repository is left clean')
})

test('usage errors name the problem and show the usage', async (t) => {
  const home = await t.tmp()
  await (await CairnNode.init(home, 'x')).close()
  const ctx = { home, io: { out: () => {}, err: () => {} }, stopped: new Promise<void>(() => {}) }
  for (const [command, args, says] of [
    ['ingest', ['tarball', 'x'], /USAGE: unknown subcommand "tarball"; expected mbox, maildir, public-inbox or mail/],
    ['ingest', ['mbox'], /USAGE: missing FILE\|-/],
    ['ingest', ['mbox', 'f', '--format', 'mbox'], /USAGE: --format "mbox" is not one of mboxrd, mboxo; did you mean mboxrd\?/],
    ['ingest', ['maildir', 'd', '--format', 'mboxo'], /USAGE: unknown option --format for cairn ingest maildir/],
    ['ingest', ['mbox', 'f', '--match', 'file:x'], /USAGE: --match "file:x": expected path:GLOB or keyword:WORD/],
    ['ingest', ['mbox', join(home, 'none.mbox')], /NOT_FOUND: mbox .*none.mbox does not exist/],
    ['series', ['list', '--limit', 'x'], /USAGE: --limit must be an integer of at least 0, got "x"/],
    ['series', ['apply', 'x'], /USAGE: missing --repo DIR/],
    ['series', ['show', 'nothing-like-it@example.org'], /NOT_FOUND: no series matches/],
    ['mail', ['verdict', 'x', '--to-mbox', 'a', '--smtp', 'b:1'], /USAGE: give --to-mbox FILE or --smtp HOST:PORT, not both/]
  ] as Array<[string, string[], RegExp]>) {
    await t.exception(async () => await runArgv(findCommand(command) as Registered, ctx, args), says, `${command} ${args.join(' ')}`)
  }
  const r = cairn(home, 'ingest', 'mbox')
  t.is(r.status, 2, 'usage errors exit 2')
  t.ok(r.stderr.includes('usage: cairn ingest mbox FILE|-'), r.stderr)
})
