import test from 'brittle'
import { join } from 'node:path'
import { killed } from '../helpers/child.js'
import { cairn, cairnBackground } from '../helpers/cli.js'

test('cairn start creates a home on first run, serves sync, and stops cleanly on SIGTERM', async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'daemon')
  const daemon = await cairnBackground(home, /^sync\s+listening on 127\.0\.0\.1:(\d+)$/, 'start', '--name', 'lab', '--listen', '127.0.0.1:0')
  t.teardown(() => killed(daemon.child))
  const peer = join(dir, 'peer')
  cairn(peer, 'init', '--name', 'peer')
  cairn(peer, 'post', 'note', '--body', '{"text":"from the peer"}')
  const r = cairn(peer, 'sync', '--connect', `127.0.0.1:${daemon.match[1] ?? ''}`, '--once')
  t.is(r.status, 0, r.stdout.trim())
  const beside = JSON.parse(cairn(home, 'log', '--json', '--type', 'note').stdout) as Array<{ body: { text: string } }>
  t.alike(beside.map((n) => n.body.text), ['from the peer'], 'cairn log reads beside the running daemon')
  const post = cairn(home, 'post', 'note', '--body', '{"text":"no"}')
  t.is(post.status, 1, 'a write while the daemon runs is refused')
  t.ok(/HOME_LOCKED: another cairn process \(pid \d+\) is using this home; stop it first or use its HTTP API/.test(post.stderr), post.stderr.trim())
  await killed(daemon.child, 'SIGTERM')
  t.is(daemon.child.exitCode, 0, 'exit 0 after SIGTERM')
  const notes = JSON.parse(cairn(home, 'log', '--json', '--type', 'note').stdout) as Array<{ body: { text: string } }>
  t.alike(notes.map((n) => n.body.text), ['from the peer'], 'the daemon adopted and indexed the peer feed, and released the home')
})
