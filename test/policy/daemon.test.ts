import test from 'brittle'
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CairnNode } from '../../node/node.js'
import { cairn } from '../helpers/cli.js'
import { cairnBackground, makeRepo, person, publishRevision, sync, withNodes } from './fixture.js'

const POLICY = `reviews: { required: 1, role: reviewer }
tests: { required: [] }
veto: [Nacked-by]
selection:
  - match: 'fs/xfs/**'
    profiles: [xfstests]
autoSubmit: true
`

test('cairn start --maintainer: a decision when a peer\'s review changes the verdict, the selected job submitted once', async (t) => {
  t.timeout(120_000)
  const dir = await t.tmp()
  const repo = makeRepo(dir)
  const maud = await person(dir, 'maud', 'Maud Maintainer', 'maud@example.org')
  const alice = await person(dir, 'alice', 'Alice Reviewer', 'alice@example.org')
  const dev = await person(dir, 'dev', 'Dev Eloper', 'dev@example.org')
  await withNodes([dev.home], async ([d]) => {
    await publishRevision(d as CairnNode, { series: 'fix', base: repo.main, patches: repo.patches('fix', repo.main, [{ file: 'fs/xfs/log.c', line: 4, text: 'log line 4, fixed', subject: 'xfs: fix line 4' }]) })
  })
  await sync(dev.home, [maud.home, alice.home])
  t.is(cairn(maud.home, 'trust', 'add', alice.key, '--role', 'reviewer').status, 0)
  writeFileSync(join(dir, 'policy.yaml'), POLICY)
  t.is(cairn(maud.home, 'policy', 'set', join(dir, 'policy.yaml')).status, 0)

  const daemon = cairnBackground(t, maud.home, 'start', '--maintainer', '--listen', '127.0.0.1:0', '--http', 'off', '--jobs-repo', 'https://git.example.org/xfs.git', '--jobs-tags', 'x86_64')
  const port = (await daemon.waitFor(/^sync\s+listening on 127\.0\.0\.1:(\d+)$/))[1] ?? ''
  await daemon.waitFor(/^job {6}[0-9a-f]{8} fix v1: requested xfstests/)
  await daemon.waitFor(/^decision [0-9a-f]{8} fix v1: needs-review/)

  t.is(cairn(alice.home, 'review', 'fix', '--trailer', 'Reviewed-by: Alice Reviewer <alice@example.org>').status, 0)
  const synced = cairn(alice.home, 'sync', '--connect', `127.0.0.1:${port}`, '--once')
  t.is(synced.status, 0, synced.stderr)
  await daemon.waitFor(/^decision [0-9a-f]{8} fix v1: merge \(ready\)/)

  // A hand-edited, malformed policy is refused while the daemon runs; the one in force stays.
  appendFileSync(join(maud.home, 'policy.yaml'), 'review: { required: 0 }\n')
  await daemon.waitFor(/^stderr: cairn: POLICY: policy\.yaml line 8: unknown key "review" .*; the previous policy stays in force$/)

  daemon.child.kill('SIGTERM')
  await new Promise((resolve) => daemon.child.once('exit', resolve))
  t.is(daemon.count(/^decision /), 2, daemon.lines.join('\n'))
  t.is(daemon.count(/^job /), 1)
  const decisions = JSON.parse(cairn(maud.home, 'log', '--json', '--type', 'decision').stdout) as Array<{ author: string, body: { verdict: string } }>
  t.alike(decisions.map((d) => d.body.verdict), ['needs-review', 'merge'], 'published on the maintainer\'s own feed')
  t.ok(decisions.every((d) => d.author === maud.key))
  const jobs = JSON.parse(cairn(maud.home, 'log', '--json', '--type', 'job.request').stdout) as Array<{ body: { profile: string, repo: string, tags: string[] } }>
  t.alike(jobs.map((j) => [j.body.profile, j.body.repo, j.body.tags]), [['xfstests', 'https://git.example.org/xfs.git', ['x86_64']]])
})
