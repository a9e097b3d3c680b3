import test from 'brittle'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { killed } from '../helpers/child.js'
import { cairn, cairnChild } from '../helpers/cli.js'

test('cairn start creates a home on first run, serves sync, and stops cleanly on SIGTERM', async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'daemon')
  const daemon = cairnChild(t, home, 'start', '--name', 'lab', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0')
  const [, port] = await daemon.waitFor(/^sync\s+listening on 127\.0\.0\.1:(\d+)$/)
  const peer = join(dir, 'peer')
  cairn(peer, 'init', '--name', 'peer')
  cairn(peer, 'post', 'note', '--body', '{"text":"from the peer"}')
  const r = cairn(peer, 'sync', '--connect', `127.0.0.1:${port ?? ''}`, '--once')
  t.is(r.status, 0, r.stdout.trim())
  const beside = JSON.parse(cairn(home, 'log', '--json', '--type', 'note').stdout) as Array<{ body: { text: string } }>
  t.alike(beside.map((n) => n.body.text), ['from the peer'], 'cairn log reads beside the running daemon')
  await daemon.waitFor(/^http\s/) // printed once daemon.json is written
  const post = cairn(home, 'post', 'note', '--body', '{"text":"posted beside the daemon"}')
  t.is(post.status, 0, `cairn post goes through the daemon's API: ${post.stderr.trim()}`)
  const posted = JSON.parse(cairn(home, 'log', '--json', '--type', 'note').stdout) as Array<{ id: string, body: { text: string } }>
  t.alike(posted.map((n) => [n.id, n.body.text]).slice(-1), [[post.stdout.trim(), 'posted beside the daemon']], 'signed by the daemon, read beside it')
  const bad = cairn(home, 'post', 'note', '--body', '{"text":1}')
  t.is(bad.status, 1)
  t.ok(/^cairn: SCHEMA: note: text: /.test(bad.stderr), `the daemon's error, as the CLI's own: ${bad.stderr.trim()}`)
  const trust = cairn(home, 'trust', 'add', 'cd'.repeat(32), '--role', 'reviewer')
  t.is(trust.status, 0, `cairn trust add goes through the daemon too: ${trust.stderr.trim()}`)
  const self = (JSON.parse(cairn(home, 'id', '--json').stdout) as { identity: string }).identity
  t.alike(JSON.parse(cairn(home, 'trust', 'list', '--json').stdout), [{ key: self, roles: ['bridge', 'maintainer', 'reviewer', 'runner'], name: null }, { key: 'cd'.repeat(32), roles: ['reviewer'], name: null }], 'the node trusts itself for every role, and the key added')
  const publish = cairn(home, 'id', 'publish', '--name', 'Lab One')
  t.is(publish.status, 0, `commands that read, then post, read beside the daemon and post through it: ${publish.stderr.trim()}`)
  const profiles = JSON.parse(cairn(home, 'log', '--json', '--type', 'identity.link').stdout) as Array<{ id: string, body: { name: string, feed: string } }>
  const feedKey = (JSON.parse(cairn(home, 'id', '--json').stdout) as { feed: string }).feed
  t.alike(profiles.map((p) => [p.id, p.body.name, p.body.feed]), [[publish.stdout.trim(), 'Lab One', feedKey]])
  const reindex = cairn(home, 'reindex')
  t.is(reindex.status, 3, 'other writes are refused while the daemon runs: exit 3, locked')
  t.ok(/HOME_LOCKED: another cairn process \(pid \d+\) is using this home; stop it first or use its HTTP API/.test(reindex.stderr), reindex.stderr.trim())
  t.ok(existsSync(join(home, 'daemon.json')), 'the daemon says where its API is')
  await killed(daemon.child, 'SIGTERM')
  t.is(existsSync(join(home, 'daemon.json')), false, 'and takes it back when it stops')
  t.is(daemon.child.exitCode, 0, 'exit 0 after SIGTERM')
  const notes = JSON.parse(cairn(home, 'log', '--json', '--type', 'note').stdout) as Array<{ body: { text: string } }>
  t.alike(notes.map((n) => n.body.text), ['from the peer', 'posted beside the daemon'], 'the daemon adopted and indexed the peer feed, and released the home')
})
