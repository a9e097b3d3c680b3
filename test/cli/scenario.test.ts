import test from 'brittle'
import { join } from 'node:path'
import { killed } from '../helpers/child.js'
import { cairn, cairnBackground } from '../helpers/cli.js'

test('CLI only: A posts 3 notes, B follows and syncs once, C syncs only with B', async (t) => {
  const dir = await t.tmp()
  const [A, B, C] = ['A', 'B', 'C'].map((h) => join(dir, h)) as [string, string, string]
  for (const [home, name] of [[A, 'alice'], [B, 'bob'], [C, 'carol']]) t.is(cairn(home as string, 'init', '--name', name as string).status, 0)
  const a = JSON.parse(cairn(A, 'id', '--json').stdout) as { identity: string, feed: string }
  const ids = ['one', 'two', 'three'].map((text) => cairn(A, 'post', 'note', '--body', JSON.stringify({ text })).stdout.trim())
  t.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)), 'post prints EventIds')
  t.is(cairn(B, 'follow', a.feed).status, 0)

  const serveA = await cairnBackground(A, /^listening 127\.0\.0\.1:(\d+)$/, 'sync', '--listen', '127.0.0.1:0')
  t.teardown(() => killed(serveA.child, 'SIGTERM'))
  const once = cairn(B, 'sync', '--connect', `127.0.0.1:${serveA.match[1] ?? ''}`, '--once')
  t.is(once.status, 0, once.stdout.trim())
  const onB = JSON.parse(cairn(B, 'log', '--json', '--author', a.identity).stdout) as Array<{ id: string, type: string, author: string, body: { text: string } }>
  t.alike(onB.map((e) => e.id), ids, 'B lists exactly those 3 notes with their EventIds')
  t.ok(onB.every((e) => e.type === 'note' && e.author === a.identity))

  const serveB = await cairnBackground(B, /^listening 127\.0\.0\.1:(\d+)$/, 'sync', '--listen', '127.0.0.1:0')
  t.teardown(() => killed(serveB.child, 'SIGTERM'))
  t.is(cairn(C, 'sync', '--connect', `127.0.0.1:${serveB.match[1] ?? ''}`, '--once').status, 0)
  const onC = JSON.parse(cairn(C, 'log', '--json', '--author', a.identity).stdout) as Array<{ id: string }>
  t.alike(onC.map((e) => e.id), ids, 'C got them through B')

  await killed(serveA.child, 'SIGTERM')
  t.is(serveA.child.exitCode, 0, 'sync --listen stops cleanly on SIGTERM')
})

test('CLI errors: code and advice on stderr, non-zero exit', async (t) => {
  const home = join(await t.tmp(), 'h')
  const cases: Array<[string[], number, RegExp]> = [
    [['log'], 4, /NOT_INITIALISED.*cairn init/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['stauts'], 2, /unknown command "stauts"; did you mean "status"\?/],
    [['init'], 2, /missing --name NAME: the name this node signs as/],
    [['init', '--name', 'x', '--bogus'], 2, /unknown option --bogus for cairn init\nusage: cairn init --name NAME/]
  ]
  for (const [args, status, message] of cases) {
    const r = cairn(home, ...args)
    t.is(r.status, status, `cairn ${args.join(' ')} exits ${status}`)
    t.ok(message.test(r.stderr), r.stderr.trim().split('\n')[0])
  }
  t.is(cairn(home, 'init', '--name', 'x').status, 0)
  const more: Array<[string[], number, RegExp]> = [
    [['post', 'note', '--body', '{not json'], 1, /BAD_JSON/],
    [['post', 'note', '--body', '{"text": 5}'], 1, /SCHEMA: note: text/],
    [['post', 'gossip', '--body', '{}'], 1, /UNKNOWN_TYPE/],
    [['log', '--limit', 'many'], 2, /--limit must be an integer of at least 0, got "many"/],
    [['follow', 'xyz'], 1, /BAD_KEY/],
    [['trust', 'add', 'a'.repeat(64), '--role', 'pope'], 2, /unknown role/],
    [['sync', '--connect', 'nowhere'], 1, /BAD_ADDRESS.*HOST:PORT/],
    [['sync', '--connect', '127.0.0.1:1', '--once'], 1, /CONNECT_FAILED/],
    [['start', '--swarm'], 2, /needs at least one --bootstrap/],
    [['start', '--reachable'], 2, /--reachable go with --swarm/]
  ]
  for (const [args, status, message] of more) {
    const r = cairn(home, ...args)
    t.is(r.status, status, `cairn ${args.join(' ')} exits ${status}`)
    t.ok(message.test(r.stderr), r.stderr.trim().split('\n')[0])
  }
  t.is(JSON.parse(cairn(home, 'log', '--json').stdout).length, 0, 'nothing was appended by the failed posts')
})

test('cairn id publish posts a profile that peers see as the identity\'s name and emails', async (t) => {
  const home = join(await t.tmp(), 'h')
  cairn(home, 'init', '--name', 'ada')
  t.is(cairn(home, 'id', 'publish', '--email', 'not-an-address').status, 2)
  const r = cairn(home, 'id', 'publish', '--name', 'Ada Lovelace', '--email', 'ada@example.org')
  t.is(r.status, 0, r.stderr)
  const [link] = JSON.parse(cairn(home, 'log', '--json', '--type', 'identity.link').stdout) as Array<{ body: { name: string, emails: string[], feed: string } }>
  const me = JSON.parse(cairn(home, 'id', '--json').stdout) as { feed: string }
  t.alike(link?.body.emails, ['ada@example.org'])
  t.is(link?.body.name, 'Ada Lovelace')
  t.is(link?.body.feed, me.feed)
})
