import test from 'brittle'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { killed } from '../helpers/child.js'
import { cairn, cairnBackground } from '../helpers/cli.js'

test('cairn start --http serves the API, creates api.token (0600), and token writes land on the feed', async (t) => {
  const home = join(await t.tmp(), 'daemon')
  const daemon = await cairnBackground(home, /^http\s+http:\/\/127\.0\.0\.1:(\d+)\//, 'start', '--name', 'lab', '--http', '127.0.0.1:0')
  t.teardown(() => killed(daemon.child))
  const base = `http://127.0.0.1:${daemon.match[1] ?? ''}`
  const tokenPath = join(home, 'api.token')
  t.is(statSync(tokenPath).mode & 0o777, 0o600, 'api.token is private')
  const token = readFileSync(tokenPath, 'utf8').trim()
  const status = await (await fetch(`${base}/api/status`)).json() as { name: string }
  t.is(status.name, 'lab')
  const refused = await fetch(`${base}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"no token"}' })
  t.is(refused.status, 401)
  const posted = await fetch(`${base}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"text":"through the daemon"}' })
  t.is(posted.status, 201)
  await killed(daemon.child, 'SIGTERM')
  t.is(daemon.child.exitCode, 0, 'exit 0 after SIGTERM with the HTTP server open')
  const notes = JSON.parse(cairn(home, 'log', '--json', '--type', 'note').stdout) as Array<{ body: { text: string } }>
  t.alike(notes.map((n) => n.body.text), ['through the daemon'])
})

test('cairn start refuses a non-loopback --http without --http-allow-remote, and --http-allow-from alone', async (t) => {
  const home = join(await t.tmp(), 'daemon')
  const r = cairn(home, 'start', '--http', '0.0.0.0:0')
  t.is(r.status, 1)
  t.ok(r.stderr.includes('REMOTE_REFUSED') && r.stderr.includes('--http-allow-remote'), r.stderr.trim())
  t.absent(existsSync(home), 'refused before a home was created')
  const u = cairn(home, 'start', '--http-allow-from', '10.0.0.0/8')
  t.is(u.status, 2, 'usage error')
  t.ok(u.stderr.includes('--http-allow-remote'), u.stderr.trim())
})
