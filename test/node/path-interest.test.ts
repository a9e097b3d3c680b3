// Following by path (issue 17): a lab that cares about one subsystem follows
// a glob over the files revisions touch and carries the feeds whose
// revisions touch it, and the runners and reviewers answering them, not the
// others. Announced directories are bounded and matched in bounded work.
import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { join } from 'node:path'
import { globWork } from '../../machines/glob.js'
import { pathPrefixMatcher } from '../../machines/match.js'
import type { CairnNode } from '../../node/node.js'
import { encodePages, parsePage } from '../../node/net/announcement.js'
import { choose, DEFAULT_ANNOUNCE_LIMITS } from '../../node/net/follow-policy.js'
import type { Announced } from '../../node/net/follow-policy.js'
import { feedScopes } from '../../node/net/scopes.js'
import { joinSwarm } from '../../node/net/swarm.js'
import { cairn } from '../helpers/cli.js'
import { randomKeys } from '../helpers/fake-peer.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { answer, job, postRevision } from '../helpers/scoped.js'
import { until } from '../runners/fixture.js'

const RTC = ['drivers/rtc/rtc-ds1307.c', 'Documentation/devicetree/bindings/rtc/ds1307.yaml']
const NET = ['drivers/net/ethernet/intel/e1000/e1000_main.c', 'MAINTAINERS']

test('a glob reaches a directory when it matches it or a path below it', (t) => {
  const reaches = (glob: string, dir: string): boolean => pathPrefixMatcher(glob)(dir)
  t.ok(reaches('drivers/rtc/**', 'drivers/rtc'))
  t.ok(reaches('drivers/rtc/**', 'drivers'), 'a shallower directory holds what it matches')
  t.ok(reaches('drivers/rtc/**', 'drivers/rtc/sub/deeper'))
  t.absent(reaches('drivers/rtc/**', 'drivers/net'))
  t.absent(reaches('drivers/rtc/**', 'fs'))
  t.ok(reaches('drivers/rtc/', 'drivers/rtc'), 'a trailing / is everything below, as in MAINTAINERS')
  t.ok(reaches('drivers/*/rtc-*.c', 'drivers/rtc'))
  t.absent(reaches('drivers/*/rtc-*.c', 'drivers/rtc/x/y'), 'one * is one segment')
  t.ok(reaches('**/*.yaml', 'Documentation/devicetree/bindings'))
  t.ok(reaches('{fs,drivers}/rtc/**', 'fs/rtc'))
  t.ok(reaches('MAINTAINERS', 'MAINTAINERS'))
  t.absent(reaches('MAINTAINERS', 'drivers'))
  t.ok(reaches('fs/xfs/**', '/'), 'the root holds every path')
})

test('a revision\'s feed is about the directories its patches touch, and so are the feeds answering it; many directories fold to their tops, then to the root', async (t) => {
  const { node: bridge } = await createNode(t, 'bridge')
  const { node: runner } = await createNode(t, 'runner')
  const rev = await postRevision(bridge, 'linux-rtc', RTC)
  t.alike(feedScopes(bridge.views, bridge.feedKey), ['list:linux-rtc', 'path:Documentation/devicetree/bindings', 'path:drivers/rtc', 'project:linux'])
  t.ok(await syncOnce(bridge, runner))
  await answer(runner, await job(bridge, rev))
  t.ok(await syncOnce(bridge, runner))
  t.alike(feedScopes(runner.views, runner.feedKey), feedScopes(bridge.views, bridge.feedKey), 'the runner is about the revision its job was for')

  const { node: wide } = await createNode(t, 'wide')
  await postRevision(wide, 'many', Array.from({ length: 20 }, (_, i) => `${i % 2 === 0 ? 'drivers' : 'fs'}/d${i}/f.c`))
  t.alike(feedScopes(wide.views, wide.feedKey), ['list:many', 'path:drivers', 'path:fs', 'project:linux'], 'past 16 directories, their top directories')
  await postRevision(wide, 'more', Array.from({ length: 70 }, (_, i) => `top${i}/f.c`))
  t.alike(feedScopes(wide.views, wide.feedKey), ['list:many', 'list:more', 'path:/', 'project:linux'], 'past what the tops can say, the root: about every path')
  const { node: odd } = await createNode(t, 'odd')
  await postRevision(odd, 'odd', [`${'x'.repeat(200)}/f.c`, 'a/\u0001/f.c'])
  t.alike(feedScopes(odd.views, odd.feedKey), ['list:odd', 'path:/', 'project:linux'], 'a name too long or with control characters is about the root, never announced as is')
})

test('follow --path over real replication: the lab carries the rtc bridge, the maintainer and the rtc runner, not the net bridge nor the net runner', async (t) => {
  const names = ['rtc-bridge', 'net-bridge', 'maint', 'rtc-runner', 'net-runner', 'hub', 'lab']
  const nodes = await Promise.all(names.map(async (n) => (await createNode(t, n)).node))
  const [rtcBridge, netBridge, maint, rtcRunner, netRunner, hub, lab] = nodes as [CairnNode, CairnNode, CairnNode, CairnNode, CairnNode, CairnNode, CairnNode]
  const rtcRev = await postRevision(rtcBridge, 'linux-rtc', RTC)
  const netRev = await postRevision(netBridge, 'netdev', NET)
  t.ok(await syncOnce(rtcBridge, maint))
  t.ok(await syncOnce(netBridge, maint))
  const rtcJob = await job(maint, rtcRev)
  const netJob = await job(maint, netRev)
  for (const r of [rtcRunner, netRunner]) t.ok(await syncOnce(maint, r))
  await answer(rtcRunner, rtcJob)
  await answer(netRunner, netJob)
  for (const n of [maint, rtcRunner, netRunner]) t.ok(await syncOnce(n, hub))
  t.alike(hub.carried().find((f) => f.key === netRunner.feedKey)?.scopes, ['list:netdev', 'path:MAINTAINERS', 'path:drivers/net/ethernet', 'project:linux'], 'the hub announces the net runner with the directories of its job\'s revision')

  lab.setInterest(() => ['path:drivers/rtc/**'])
  t.ok(await syncOnce(hub, lab))
  const carried = new Set(lab.follows().map((f) => f.key))
  t.alike([rtcBridge, maint, rtcRunner, hub].map((n) => carried.has(n.feedKey)), [true, true, true, true], 'the rtc bridge, the maintainer (its jobs touch both), the rtc runner, the hub')
  t.alike([netBridge, netRunner].map((n) => carried.has(n.feedKey)), [false, false], 'not the net bridge nor the net runner')
  t.alike(lab.views.ofType('series.revision').map((e) => e.id), [rtcRev])

  const { node: later } = await createNode(t, 'later')
  later.setInterest(() => ['path:drivers/rtc/**'])
  t.ok(await syncOnce(lab, later))
  t.ok(later.follows().some((f) => f.key === rtcRunner.feedKey) && !later.follows().some((f) => f.key === netRunner.feedKey), 'directories travel a second hop: the lab announces what it indexed')
})

test('follow --path on a loopback hyperswarm testnet: the lab converges on the rtc revision and its result, and never adopts the net feeds', async (t) => {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  t.teardown(() => testnet.destroy(), { order: 2 })
  const names = ['rtc-bridge', 'net-bridge', 'runner', 'hub', 'lab']
  const nodes = await Promise.all(names.map(async (n) => (await createNode(t, n)).node))
  const [rtcBridge, netBridge, runner, hub, lab] = nodes as [CairnNode, CairnNode, CairnNode, CairnNode, CairnNode]
  const rtcRev = await postRevision(rtcBridge, 'linux-rtc', RTC)
  await postRevision(netBridge, 'netdev', NET)
  t.ok(await syncOnce(rtcBridge, runner))
  await answer(runner, await job(runner, rtcRev))
  for (const n of [rtcBridge, netBridge, runner]) t.ok(await syncOnce(n, hub))
  lab.setInterest(() => ['path:drivers/rtc/'])
  for (const n of [hub, lab]) {
    const swarm = await joinSwarm(n, { bootstrap: testnet.bootstrap, topic: 'rtc-lab' })
    t.teardown(() => swarm.destroy(), { order: 1 })
  }
  // The hub announces every feed in one page: once the runner's result is here, the net bridge's feed was judged too.
  await until('the rtc result on the lab', () => lab.views.ofType('result').length === 1)
  t.alike(lab.views.ofType('series.revision').map((e) => e.id), [rtcRev])
  t.absent(lab.follows().some((f) => f.key === netBridge.feedKey || f.key === netBridge.blobsKey), 'the net bridge\'s feeds were left')
})

const feed = (key: string, paths: unknown): Announced => ({ key, kind: 'events', length: 0, hops: 0, paths } as unknown as Announced)

test('announcement pages: directories go as paths (an older peer skips them), bounded, or the page is not one', (t) => {
  const [k] = randomKeys(1, 17) as [string]
  const parse = (paths: unknown): Announced[] | undefined => parsePage(encodePages([feed(k, paths)], 1, 0)[0] ?? new Uint8Array())?.feeds
  t.alike(parse(['drivers/rtc', 'drivers/rtc'])?.[0]?.scopes, ['path:drivers/rtc'], 'read back as path scopes, duplicates folded')
  t.alike(parse(['/'])?.[0]?.scopes, ['path:/'], 'the root')
  for (const [bad, why] of [[Array.from({ length: 17 }, (_, i) => `d${i}`), 'more than 16'], [[`${'x'.repeat(101)}`], 'over 100 characters'], [['/etc'], 'absolute'], [['a//b'], 'an empty segment'], [['a\nb'], 'a control character'], [[['drivers']], 'not a string'], ['drivers', 'not a list']] as Array<[unknown, string]>) {
    t.is(parse(bad), undefined, why)
  }
  const sent = parsePage(encodePages([{ key: k, kind: 'events', length: 0, hops: 0, scopes: ['project:linux', 'path:drivers/rtc'] }], 1, 0)[0] ?? new Uint8Array())
  t.alike(sent?.feeds[0]?.scopes, ['project:linux', 'path:drivers/rtc'], 'a carried feed\'s scopes round-trip')
})

test('judging a hostile page against a path interest is bounded by what the page may hold', (t) => {
  const keys = randomKeys(1000, 23)
  // Each directory as long as a page allows, the worst text for a star-heavy glob's segment.
  const dirs = Array.from({ length: 16 }, (_, i) => `${'a'.repeat(96)}/${i}`)
  const page = keys.map((key): Announced => ({ key, kind: 'events', length: 0, hops: 0, scopes: ['project:other', ...dirs.map((d) => `path:${d}`)] }))
  const interest = ['path:*a*a*a*a*b/**', 'path:drivers/rtc/**']
  const before = globWork.steps
  const { adopt } = choose({}, page, 'peer', DEFAULT_ANNOUNCE_LIMITS, new Map(), new Set(), interest)
  const steps = globWork.steps - before
  t.is(adopt.size, 0, 'none reaches a glob of the interest')
  // (glob length) x (directory length) single comparisons per pair, at most.
  const bound = interest.reduce((sum, g) => sum + page.length * dirs.length * g.length * 100, 0)
  t.ok(steps <= bound, `${steps} steps, within ${bound}`)
  t.comment(`${steps} glob steps for ${page.length} feeds x ${dirs.length} directories x ${interest.length} globs`)
})

test('cairn follow --path GLOB / unfollow --path GLOB; a glob that is malformed, too long or one too many is BAD_SCOPE', async (t) => {
  const home = join(await t.tmp(), 'h')
  t.is(cairn(home, 'init', '--name', 'lab').status, 0)
  const r = cairn(home, 'follow', '--path', 'drivers/rtc/**', '--list', 'linux-rtc@vger.kernel.org')
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), 'interest list:linux-rtc@vger.kernel.org path:drivers/rtc/**')
  for (const [glob, message] of [
    ['[abc', /BAD_SCOPE: --path "\[abc": glob \[abc: "\[" opens a character class that is never closed/],
    ['x'.repeat(101), /BAD_SCOPE: --path "x+": a path glob is 1 to 100 printable characters without spaces/],
    ['a b', /BAD_SCOPE: --path "a b": a path glob is 1 to 100/],
    ['{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}', /BAD_SCOPE: --path .*expands to more than 64 alternatives/]
  ] as Array<[string, RegExp]>) {
    const bad = cairn(home, 'follow', '--path', glob)
    t.is(bad.status, 1, glob)
    t.ok(message.test(bad.stderr), bad.stderr.trim())
  }
  const many = cairn(home, 'follow', ...Array.from({ length: 16 }, (_, i) => ['--path', `d${i}/**`]).flat())
  t.is(many.status, 1)
  t.ok(/BAD_SCOPE: an interest holds at most 16 path globs; this would make it 17/.test(many.stderr), many.stderr.trim())
  t.is(cairn(home, 'unfollow', '--path', 'drivers/rtc/**').stdout.trim(), 'interest list:linux-rtc@vger.kernel.org', 'unfollow --path narrows it')
})
