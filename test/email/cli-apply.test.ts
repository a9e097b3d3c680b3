// `cairn series apply` against b4's own shazam test: the series mbox applied
// to the repository in b4's gitdir.bundle must give the commits b4 expects
// (shazam-git1-just-series-defaults.verify: author, subject and message of
// each commit, newest first; the committer there is b4's test identity).
// With a review reply added, its trailer lands in the commit message.
import test from 'brittle'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { applyRevision } from '../../runners/apply-series.js'
import { cairn } from '../helpers/cli.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { git } from './cli-fixture.js'
import { rawMail } from './ingest-fixture.js'

test('series apply reproduces b4 shazam on b4\'s own fixture, then adds a collected trailer', { skip: !hasShared && 'needs ../shared/corpora (absent in this checkout)', timeout: 90_000 }, async (t) => {
  const tmp = await t.tmp()
  const home = join(tmp, 'home')
  const repo = join(tmp, 'repo')
  git(tmp, ['clone', '-q', corpus('b4', 'gitdir.bundle'), repo])
  const base = git(repo, ['rev-parse', 'HEAD'])
  t.is(base, 'f435c12df7c0ecf20ab8937859e63cddffacabb4', 'the base-commit the series names')
  t.is(cairn(home, 'init', '--name', 'bridge').status, 0)
  const mbox = readFileSync(corpus('b4', 'shazam-git1-just-series.mbox'), 'utf8')
  const ack = rawMail({ id: 'shazam-ack@example.org', irt: '20221025-test1-v1-2-e4f28f57990c@linuxfoundation.org', from: 'Main Tainer <mt@example.org>', subject: 'Re: [PATCH 2/4] Add more lines to file 1', date: 'Wed, 26 Oct 2022 10:00:00 -0400', body: 'Acked-by: Main Tainer <mt@example.org>\n' })
  writeFileSync(join(tmp, 'series.mbox'), mbox)
  writeFileSync(join(tmp, 'ack.mbox'), `From mboxrd@z Thu Jan  1 00:00:00 1970\n${ack}\n`)
  t.is(cairn(home, 'ingest', 'mbox', join(tmp, 'series.mbox')).status, 0)

  const r = cairn(home, 'series', 'apply', '20221025-test1-e8520c2200a3', '--repo', repo)
  t.is(r.status, 0, r.stderr)
  t.ok(r.stdout.includes('applied 4 patches'), r.stdout)
  const log = (range: string): string[] => git(repo, ['log', '--format=%ae%n%s%n%b%x00', range]).split('\0').map((b) => b.trim()).filter((b) => b !== '')
  const want = readFileSync(corpus('b4', 'shazam-git1-just-series-defaults.verify'), 'utf8').split(/^---$/m)
    .map((block) => block.trim().split('\n')).filter((lines) => lines.length > 2)
    .map(([author, , ...rest]) => [author, ...rest].join('\n').trim())
  t.alike(log(`${base}..HEAD`), want, 'author, subject and message of each commit as b4 makes them')

  t.is(cairn(home, 'ingest', 'mbox', join(tmp, 'ack.mbox')).status, 0)
  const again = cairn(home, 'series', 'apply', 'change-id:20221025-test1-e8520c2200a3', '--repo', repo, '--branch', 'acked', '--base', base)
  t.is(again.status, 0, again.stderr)
  const second = git(repo, ['log', '--format=%(trailers:only,unfold)', '-1', 'acked~2'])
  t.is(second, 'Signed-off-by: Konstantin Ryabitsev <konstantin@linuxfoundation.org>\nAcked-by: Main Tainer <mt@example.org>', 'the collected Acked-by follows the own trailers of patch 2')
  t.is(git(repo, ['rev-parse', 'acked^{tree}']), git(repo, ['rev-parse', 'master^{tree}']), 'same tree either way')

  // cairn merge passes only trusted reviews: the filter reaches every trailer
  const node = await CairnNode.open(home)
  t.teardown(() => node.close())
  const applied = await applyRevision({ node, revision: '20221025-test1-v1-2-e4f28f57990c@linuxfoundation.org', repo, branch: 'untrusted', base, reviews: () => false })
  t.is(applied.patches, 4)
  t.is(git(repo, ['log', '--format=%(trailers:only,unfold)', '-1', 'untrusted~2']), 'Signed-off-by: Konstantin Ryabitsev <konstantin@linuxfoundation.org>', 'no review passed the filter: no collected trailer')
})
