import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CairnNode } from '../../node/node.js'
import { encodePages, parsePage } from '../../node/net/announcement.js'
import { choose, DEFAULT_ANNOUNCE_LIMITS } from '../../node/net/follow-policy.js'
import type { Announced } from '../../node/net/follow-policy.js'
import { widenInterest } from '../../node/net/scopes.js'
import { cairn } from '../helpers/cli.js'
import { fakePeer, randomKeys, until } from '../helpers/fake-peer.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

const [xfs, net, plain] = randomKeys(3, 7) as [string, string, string]
const feed = (key: string, scopes?: string[]): Announced => ({ key, kind: 'events', length: 0, hops: 0, ...(scopes === undefined ? {} : { scopes }) })

/** A one-patch series revision of `project` from `list`, as the bridge posts it. */
async function postRevision (node: CairnNode, project: string, list: string): Promise<void> {
  const diff = await node.blobs.put(Buffer.from(`diff --git a/${project} b/${project}\n`))
  await node.post('series.revision', {
    project,
    series: `${project}-fix`,
    version: 1,
    subject: `[PATCH] ${project}: fix`,
    total: 1,
    patches: [{ index: 1, subject: `${project}: fix`, author: { name: 'Dev', email: 'dev@example.org' }, message: 'Fix.', diff }],
    source: { messageIds: [`<${project}@example.org>`], list }
  })
}

test('choose(): with an interest, announced feeds of other scopes are left (not counted against the caps); feeds naming no scope still come', (t) => {
  const page = [feed(xfs, ['project:xfs']), feed(net, ['list:netdev', 'project:net']), feed(plain)]
  const all = choose({}, page, 'peer', DEFAULT_ANNOUNCE_LIMITS, new Map(), new Set())
  t.alike([...all.adopt.keys()], [xfs, net, plain], 'no interest: everything, as before')
  const some = choose({}, page, 'peer', { perPeer: 2, total: 2 }, new Map(), new Set(), ['list:xfs', 'project:xfs'])
  t.alike([...some.adopt.keys()], [xfs, plain], 'in scope, and the unscoped one, within caps the out-of-scope feed did not use')
  t.is(some.ignored, 0)
  t.alike(some.adopt.get(xfs), { kind: 'events', hops: 1, via: 'announced', from: 'peer', scopes: ['project:xfs'] }, 'its scopes are kept, to announce on')
})

test('announcement pages: scopes are bounded, or the page is not one', (t) => {
  const parse = (scopes: unknown): unknown => parsePage(encodePages([{ ...feed(xfs), scopes } as unknown as Announced], 1, 0)[0] ?? new Uint8Array())
  t.alike((parse(['project:xfs', 'project:xfs']) as { feeds: Announced[] }).feeds[0]?.scopes, ['project:xfs'], 'duplicates fold')
  t.is(parse(Array.from({ length: 17 }, (_, i) => `project:p${i}`)), null, 'more than 16 scopes')
  t.is(parse([`project:${'x'.repeat(100)}`]), null, 'a scope over 100 characters')
  t.is(parse(['team:xfs']), null, 'a scope of no known kind')
  t.is(parse(['project:two words']), null, 'spaces')
  t.is(parse('project:xfs'), null, 'not a list')
  t.ok(parsePage(encodePages([feed(xfs)], 1, 0)[0] ?? new Uint8Array()) !== null, 'no scopes at all (an older peer) is fine')
  const lazy = (onDemand: unknown): unknown => parsePage(encodePages([{ ...feed(xfs), kind: 'blobs', onDemand } as unknown as Announced], 1, 0)[0] ?? new Uint8Array())
  t.is((lazy(true) as { feeds: Announced[] }).feeds[0]?.onDemand, true, 'a blobs core fetched on demand says so')
  t.is(lazy('yes'), null, 'onDemand is true or absent')
  t.exception(() => widenInterest([], Array.from({ length: 65 }, (_, i) => `list:l${i}`)), /at most 64/, 'an interest is bounded too')
})

test('follow by interest over real replication: the node carries the feeds of its project, the hub\'s own, not another project\'s; scopes travel two hops', async (t) => {
  const { node: a } = await createNode(t, 'xfs-bridge')
  const { node: b } = await createNode(t, 'net-bridge')
  const { node: hub } = await createNode(t, 'hub')
  const { node: c } = await createNode(t, 'xfs-lab')
  await postRevision(a, 'xfs', 'linux-xfs')
  await postRevision(b, 'net', 'netdev')
  t.alike(a.carried()[0]?.scopes, ['list:linux-xfs', 'project:xfs'], 'a bridge\'s feed is about what it posted')
  t.ok(await syncOnce(a, hub))
  t.ok(await syncOnce(b, hub))
  t.alike(hub.follows().map((f) => [f.key, f.scopes]).sort(), [[a.feedKey, ['list:linux-xfs', 'project:xfs']], [a.blobsKey, ['list:linux-xfs', 'project:xfs']], [b.feedKey, ['list:netdev', 'project:net']], [b.blobsKey, ['list:netdev', 'project:net']]].sort(), 'the hub follows by no interest: all of them, scopes kept')

  c.setInterest(() => ['project:xfs'])
  t.ok(await syncOnce(hub, c))
  const carried = c.follows().map((f) => f.key).sort()
  t.alike(carried, [a.feedKey, a.blobsKey, hub.feedKey, hub.blobsKey].sort(), 'xfs\'s feeds and the hub\'s own, not net\'s')
  t.alike(c.views.ofType('series.revision').map((e) => e.type === 'series.revision' ? e.body.project : ''), ['xfs'])
})

test('cairn follow --project/--list: the interest is kept in state.json, unfollow --project/--list narrows it; names that cannot be scopes are BAD_SCOPE', async (t) => {
  const home = join(await t.tmp(), 'h')
  t.is(cairn(home, 'init', '--name', 'lab').status, 0)
  const r = cairn(home, 'follow', '--project', 'xfs', '--list', 'linux-xfs@vger.kernel.org')
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), 'interest list:linux-xfs@vger.kernel.org project:xfs')
  t.is(cairn(home, 'follow', '--project', 'xfs').stdout.trim(), 'interest list:linux-xfs@vger.kernel.org project:xfs', 'once only')
  const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { interest: string[] }
  t.alike(state.interest, ['list:linux-xfs@vger.kernel.org', 'project:xfs'])
  const bad = cairn(home, 'follow', '--project', 'two words')
  t.is(bad.status, 1)
  t.ok(/BAD_SCOPE: --project "two words": a project name is 1 to 92 printable characters without spaces/.test(bad.stderr), bad.stderr.trim())
  const none = cairn(home, 'follow')
  t.is(none.status, 2)
  t.ok(/needs a FEEDKEY, or --project\/--list NAME/.test(none.stderr), none.stderr.trim())

  t.is(cairn(home, 'unfollow', '--list', 'linux-xfs@vger.kernel.org').stdout.trim(), 'interest project:xfs')
  t.is(cairn(home, 'unfollow', '--project', 'xfs').stdout.trim(), 'interest none: every announced feed is adopted (within the caps)')
  const both = cairn(home, 'unfollow', '--announced', '--project', 'xfs')
  t.is(both.status, 2, 'one thing at a time')
  t.ok(/give a FEEDKEY, --announced, or --project\/--list NAME/.test(both.stderr), both.stderr.trim())
})

test('a fake peer\'s out-of-scope feeds leave no trace in state.json', async (t) => {
  const { node, home } = await createNode(t, 'lab')
  node.setInterest(() => ['project:xfs'])
  const peer = fakePeer(t, node)
  peer.announce([feed(net, ['project:net']), feed(xfs, ['project:xfs'])])
  await until(() => node.follows().length === 1)
  await until(() => peer.session.roundsHeard >= 1)
  const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { follows: Record<string, unknown> }
  t.alike(Object.keys(state.follows), [xfs])
})
