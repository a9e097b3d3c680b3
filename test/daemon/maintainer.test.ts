import test from 'brittle'
import type { TestInstance } from 'brittle'
import { writeFileSync } from 'node:fs'
import type { Decision } from '../../machines/decide.js'
import { pack } from '../../protocol/codec.js'
import type { CairnNode } from '../../node/node.js'
import { homePolicyPaths } from '../../node/policy/files.js'
import { PolicyHolder } from '../../node/policy/holder.js'
import { MaintainerLoop } from '../../node/daemon/maintainer.js'
import { checkDecision } from '../../node/policy/verify.js'
import { DiffCache } from '../../node/policy/diffs.js'
import { decideRevision } from '../../node/policy/decide.js'
import { revisionEvent } from '../../node/policy/events.js'
import type { RevisionEvent } from '../../node/policy/events.js'
import { decisionsFor, latestDecision } from '../../node/views/decisions.js'
import type { DecisionEvent } from '../../node/views/decisions.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { BUILD_1, jobBody, makeRepo, publishRevision, resultBody } from '../policy/fixture.js'
import type { Repo } from '../policy/fixture.js'

const POLICY = `reviews: { required: 2, role: reviewer }
tests: { required: [quick] }
veto: [Nacked-by]
selection:
  - match: 'fs/xfs/**'
    profiles: [xfstests]
autoSubmit: true
`
const TEMPLATE = { repo: 'https://git.example.org/xfs.git', base: 'HEAD', tags: ['x86_64'] }
const FIX = { file: 'fs/xfs/log.c', line: 5, text: 'log line 5, fixed', subject: 'xfs: fix log line 5' }

interface Cast { maud: CairnNode, dev: CairnNode, alice: CairnNode, bob: CairnNode, lab: CairnNode, mallory: CairnNode, repo: Repo }

async function project (t: TestInstance, policy = POLICY): Promise<Cast> {
  const dir = await t.tmp()
  const nodes = await Promise.all(['maud', 'dev', 'alice', 'bob', 'lab', 'mallory'].map(async (n) => (await createNode(t, n)).node))
  const [maud, dev, alice, bob, lab, mallory] = nodes as [CairnNode, CairnNode, CairnNode, CairnNode, CairnNode, CairnNode]
  await maud.trust(alice.identityKey, ['reviewer'])
  await maud.trust(bob.identityKey, ['reviewer'])
  await maud.trust(lab.identityKey, ['runner'])
  writeFileSync(homePolicyPaths(maud.paths.dir).policy, policy)
  return { maud, dev, alice, bob, lab, mallory, repo: makeRepo(dir) }
}

function loopOf (t: TestInstance, node: CairnNode, out: string[] = []): MaintainerLoop {
  const loop = new MaintainerLoop(node, {
    policy: new PolicyHolder({ kind: 'home', home: node.paths.dir }),
    template: TEMPLATE,
    out: (l) => out.push(l),
    warn: (l) => out.push(`warn: ${l}`),
    debounceMs: 10,
    pollMs: 60_000
  })
  t.teardown(async () => await loop.stop(), { order: -1 })
  return loop
}

async function bring (from: CairnNode[], to: CairnNode): Promise<void> {
  for (const f of from) await syncOnce(f, to)
}

const review = async (who: CairnNode, revision: string, key = 'Reviewed-by'): Promise<void> => {
  await who.post('review', { target: { revision }, trailers: [{ key, value: `${who.name} <${who.name}@example.org>` }] }, [revision])
}

const jobsOf = (node: CairnNode, revision: string): Array<{ author: string, profile: string, id: string }> =>
  node.log({ type: 'job.request' }).filter((e) => e.type === 'job.request' && e.body.revision === revision)
    .map((e) => ({ author: e.author, profile: (e.body as { profile: string }).profile, id: e.id }))

test('MaintainerLoop: decisions when a verdict changes, selected jobs submitted once, nothing repeated after a restart', async (t) => {
  const { maud, dev, alice, bob, lab, mallory, repo } = await project(t)
  const out: string[] = []
  const loop = loopOf(t, maud, out)
  loop.start()

  const v1 = await publishRevision(dev, { series: 'fix', base: repo.main, patches: repo.patches('v1', repo.main, [FIX]) })
  await bring([dev], maud)
  await loop.idle()
  const jobs = jobsOf(maud, v1)
  t.alike(jobs.map((j) => j.profile).sort(), ['quick', 'xfstests'], 'the required profile and the one selected for fs/xfs')
  t.ok(jobs.every((j) => j.author === maud.identityKey))
  const first = latestDecision(maud.views, v1, maud.identityKey)
  t.is(first?.body.verdict, 'needs-tests')
  t.is(first?.body.state, 'testing', 'decided after its jobs were requested')

  // Reviews and a result arrive: the verdict changes once, to merge.
  await review(alice, v1)
  await review(bob, v1)
  const quick = jobs.find((j) => j.profile === 'quick')?.id as string
  await lab.post('result', resultBody(quick, 'pass', BUILD_1) as never, [quick])
  await bring([alice, bob, lab], maud)
  await loop.idle()
  const decided = decisionsFor(maud.views, v1, maud.identityKey)
  t.alike(decided.map((d) => d.body.verdict), ['needs-tests', 'merge'], 'one decision per verdict change, none for changes that keep it')
  t.is(decided[1]?.body.state, 'ready')
  t.is(jobsOf(maud, v1).length, 2, 'no job submitted twice')

  // A stranger's job and result for v2 neither drive the policy nor stop the maintainer's own jobs.
  const v2 = await publishRevision(dev, { series: 'fix', version: 2, base: repo.main, patches: repo.patches('v2', repo.main, [{ ...FIX, text: 'log line 5, fixed again' }]) })
  const fake = await mallory.post('job.request', jobBody(v2, repo.main) as never, [v2])
  await mallory.post('result', resultBody(fake.id, 'pass', BUILD_1) as never, [fake.id])
  await bring([dev, mallory], maud)
  await loop.idle()
  t.is(latestDecision(maud.views, v1, maud.identityKey)?.body.verdict, 'reject', 'v1 is superseded')
  t.ok(latestDecision(maud.views, v1, maud.identityKey)?.body.reasons.some((r) => r.startsWith('superseded by v2')))
  t.alike(jobsOf(maud, v2).filter((j) => j.author === maud.identityKey).map((j) => j.profile).sort(), ['quick', 'xfstests'])
  t.is(latestDecision(maud.views, v2, maud.identityKey)?.body.verdict, 'needs-tests')
  const policy = new PolicyHolder({ kind: 'home', home: maud.paths.dir }).refresh().policy
  if (policy === null) throw new Error('no policy')
  const d2 = await decideRevision(maud.views, new DiffCache(maud.blobs), policy, revisionEvent(maud.views, v2) as RevisionEvent)
  t.is(d2.verdict, 'needs-tests', 'an untrusted runner\'s pass does not count')
  t.ok(d2.reasons.includes('1 result from untrusted runners not counted'), d2.reasons.join(' | '))
  t.ok(d2.reasons.includes(`reviews of v1 (${v1.slice(0, 8)}) not carried over: patches changed`))
  await loop.stop()

  // A restart reads what was published back from the feed.
  const length = maud.feed.core.length
  const again = loopOf(t, maud)
  const report = await again.pass()
  t.alike(report, { decisions: [], jobs: [], waiting: [] }, 'nothing to publish again')
  t.is(maud.feed.core.length, length)
  t.ok(out.some((l) => /^decision [0-9a-f]{8} fix v1: merge \(ready\) [0-9a-f]{12}$/.test(l)), out.join('\n'))
  t.ok(out.some((l) => /^job {6}[0-9a-f]{8} fix v2: requested xfstests/.test(l)), out.join('\n'))
})

test('MaintainerLoop: a revision whose diffs have not arrived waits; a malformed policy keeps the previous one', async (t) => {
  const { maud, repo } = await project(t)
  const out: string[] = []
  const loop = loopOf(t, maud, out)
  const ok = await publishRevision(maud, { series: 'here', base: repo.main, patches: repo.patches('here', repo.main, [FIX]) })
  const elsewhere = { hash: 'a'.repeat(64), core: 'b'.repeat(64), offset: 0, length: 10 }
  const waiting = await maud.post('series.revision', {
    project: 'linux-xfs', series: 'later', version: 1, subject: 'later', total: 1,
    patches: [{ index: 1, subject: 'later', diff: elsewhere }], source: { messageIds: [] }
  })
  const report = await loop.pass()
  t.alike(report.waiting, [waiting.id], 'put off until its diff blobs arrive')
  t.alike(report.decisions.map((d) => d.revision), [ok])

  writeFileSync(homePolicyPaths(maud.paths.dir).policy, 'reviews: { required: 1 }\ntests: { required: [quick] }\nveto: Nacked-by\n')
  await loop.pass()
  t.ok(out.some((l) => /^warn: POLICY: policy\.yaml line 3: veto must be a list of trailer keys; the previous policy stays in force$/.test(l)), out.join('\n'))
  t.is(latestDecision(maud.views, ok, maud.identityKey)?.body.reasons.includes('needs 2 more Reviewed-by from a reviewer'), true, 'still decided with required: 2')
})

test('two maintainer nodes that received the same events in different orders publish byte-identical decisions', async (t) => {
  const a = await project(t, POLICY.replace('autoSubmit: true', 'autoSubmit: false'))
  const { dev, alice, bob, lab, repo } = a
  const other = (await createNode(t, 'maud2')).node
  for (const [who, role] of [[alice, 'reviewer'], [bob, 'reviewer'], [lab, 'runner']] as const) await other.trust(who.identityKey, [role])
  writeFileSync(homePolicyPaths(other.paths.dir).policy, POLICY.replace('autoSubmit: true', 'autoSubmit: false'))
  const loops = [loopOf(t, a.maud), loopOf(t, other)]
  for (const l of loops) l.start()

  const v1 = await publishRevision(dev, { series: 'fix', base: repo.main, patches: repo.patches('v1', repo.main, [FIX]) })
  const job = await dev.post('job.request', jobBody(v1, repo.main) as never, [v1])
  await review(alice, v1)
  await review(bob, v1)
  await lab.post('result', resultBody(job.id, 'pass', BUILD_1) as never, [job.id])
  await bring([dev, alice, bob, lab], a.maud)
  await loops[0]?.idle()
  for (const n of [dev, lab, bob, alice]) { await syncOnce(n, other); await loops[1]?.idle() }
  const mine = latestDecision(a.maud.views, v1, a.maud.identityKey) as DecisionEvent
  const theirs = latestDecision(other.views, v1, other.identityKey) as DecisionEvent
  t.is(mine.body.verdict, 'merge')
  t.ok(decisionsFor(other.views, v1, other.identityKey).length > 1, 'the second node saw the events one by one and decided along the way')
  t.alike(Buffer.from(pack(theirs.body)), Buffer.from(pack(mine.body)), 'the same decision body, byte for byte')

  // Anyone can check a decision: it holds now and as made; a forged input or a hidden one does not.
  const policy = new PolicyHolder({ kind: 'home', home: a.maud.paths.dir }).refresh().policy
  if (policy === null) throw new Error('no policy')
  const diffs = new DiffCache(a.maud.blobs)
  t.ok((await checkDecision(other.views, diffs, mine, policy)).ok, 'verified on the other node')
  const early = decisionsFor(other.views, v1, other.identityKey)[0] as DecisionEvent
  const now = await checkDecision(other.views, new DiffCache(other.blobs), early, policy)
  t.is(now.ok, false, 'an early decision later events overturned no longer holds')
  t.ok((await checkDecision(other.views, new DiffCache(other.blobs), early, policy, { asMade: true })).ok, 'but it was right when made')
  const forged: Decision = { ...mine.body, inputs: [...mine.body.inputs, 'f'.repeat(64)].sort() }
  const hidden: Decision = { ...mine.body, inputs: mine.body.inputs.filter((id) => id !== job.id) }
  for (const [body, problem] of [[forged, /1 input\(s\) not among the events given: ffffffff/], [hidden, /1 event\(s\) the replay uses are not listed as inputs/]] as const) {
    const e = await a.maud.post('decision', body, [v1]) as DecisionEvent
    const check = await checkDecision(a.maud.views, diffs, e, policy)
    t.is(check.ok, false)
    t.ok(check.problems.some((p) => problem.test(p)), check.problems.join(' | '))
  }
})
