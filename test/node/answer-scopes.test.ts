// Replicating by interest reaches runners and reviewers: a feed is about the
// revisions and jobs its events answer, so a lab following one list carries
// the runners and reviewers of that list and not those of another, even when
// a hub adopted them before they had answered anything (issue 17).
import test from 'brittle'
import type { CairnNode } from '../../node/node.js'
import { feedScopes } from '../../node/net/scopes.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { answer, job, postRevision } from '../helpers/scoped.js'

test('scopes of answers: runners and reviewers are about the lists of what they answer; a lab following one list carries none of the other\'s', async (t) => {
  const names = ['bridge', 'maint', 'xfs-runner', 'net-runner', 'idle-runner', 'net-reviewer', 'hub', 'lab']
  const nodes = await Promise.all(names.map(async (n) => (await createNode(t, n)).node))
  const [bridge, maint, xfsRunner, netRunner, idle, netReviewer, hub, lab] = nodes as [CairnNode, CairnNode, CairnNode, CairnNode, CairnNode, CairnNode, CairnNode, CairnNode]
  const xfsRev = await postRevision(bridge, 'linux-xfs')
  const netRev = await postRevision(bridge, 'netdev')
  t.ok(await syncOnce(bridge, maint))
  const xfsJob = await job(maint, xfsRev)
  const netJob = await job(maint, netRev)
  // The hub adopts every feed while the runners and the reviewer have answered nothing: announced with no scope.
  for (const n of [maint, xfsRunner, netRunner, idle, netReviewer]) t.ok(await syncOnce(n, hub))
  t.alike(hub.follows().filter((f) => f.key === netRunner.feedKey).map((f) => f.scopes ?? []), [[]], 'the hub adopted the net runner before it ran anything')

  for (const n of [xfsRunner, netRunner, netReviewer]) t.ok(await syncOnce(maint, n))
  await answer(xfsRunner, xfsJob)
  await answer(netRunner, netJob)
  await netReviewer.post('review', { target: { revision: netRev }, trailers: [{ key: 'Reviewed-by', value: 'Net Reviewer <net@example.org>' }] }, [netRev])
  t.alike(feedScopes(xfsRunner.views, xfsRunner.feedKey), ['list:linux-xfs', 'project:linux'], 'a runner is about the jobs it answered: their project and their revision\'s list')
  t.alike(feedScopes(netReviewer.views, netReviewer.feedKey), ['list:netdev', 'project:linux'], 'a reviewer, about the revisions it reviewed')
  t.alike(feedScopes(maint.views, maint.feedKey), ['list:linux-xfs', 'list:netdev', 'project:linux'], 'the maintainer, about both lists its jobs are for')
  for (const n of [xfsRunner, netRunner, netReviewer]) t.ok(await syncOnce(n, hub))
  t.alike(hub.carried().find((f) => f.key === netRunner.feedKey)?.scopes, ['list:netdev', 'project:linux'], 'the hub announces the net runner as it has indexed it since, not as first announced')

  lab.setInterest(() => ['list:linux-xfs'])
  t.ok(await syncOnce(hub, lab))
  const carried = new Set(lab.follows().map((f) => f.key))
  t.alike([bridge, maint, xfsRunner, idle, hub].map((n) => carried.has(n.feedKey)), [true, true, true, true, true], 'the lab carries the xfs bridge, maintainer and runner, a runner that answered nothing yet, and the hub')
  t.alike([netRunner, netReviewer].map((n) => carried.has(n.feedKey)), [false, false], 'and not the runner and reviewer that answered only netdev')
})

test('scopes of answers do not depend on the order feeds are indexed: an answer indexed before what it answers gets its scopes when that arrives', async (t) => {
  const { node: bridge } = await createNode(t, 'bridge')
  const { node: maint } = await createNode(t, 'maint')
  const { node: runner } = await createNode(t, 'runner')
  const { node: late } = await createNode(t, 'late')
  const revision = await postRevision(bridge, 'linux-xfs')
  t.ok(await syncOnce(bridge, maint))
  const jobId = await job(maint, revision)
  t.ok(await syncOnce(maint, runner))
  await answer(runner, jobId)
  // `late` gets the runner's feed first, then the job, then the revision: each answer waits for what it answers.
  late.setInterest(() => ['list:elsewhere']) // so it takes only the feed followed at each step
  await late.follow(runner.feedKey)
  t.ok(await syncOnce(runner, late))
  t.alike(feedScopes(late.views, runner.feedKey), [], 'the job is not here yet: nothing known')
  await late.follow(maint.feedKey)
  t.ok(await syncOnce(maint, late))
  t.alike(feedScopes(late.views, runner.feedKey), ['project:linux'], 'the job arrived: its project')
  await late.follow(bridge.feedKey)
  t.ok(await syncOnce(bridge, late))
  t.alike(feedScopes(late.views, runner.feedKey), ['list:linux-xfs', 'project:linux'], 'the revision arrived: its list flows to the job and on to the runner')
  t.alike(feedScopes(late.views, runner.feedKey), feedScopes(runner.views, runner.feedKey), 'as the runner itself has it')
  await late.reindex()
  t.alike(feedScopes(late.views, runner.feedKey), ['list:linux-xfs', 'project:linux'], 'and after a reindex, whatever order it indexes in')
})
