import test from 'brittle'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decide } from '../../machines/decide.js'
import { policyHash } from '../../machines/policy-file.js'
import { isCairnError } from '../../protocol/errors.js'
import { decideContext, decideRevision } from '../../node/policy/decide.js'
import { DiffCache, diffInfo } from '../../node/policy/diffs.js'
import { eventsFor, revisionEvent } from '../../node/policy/events.js'
import type { RevisionEvent } from '../../node/policy/events.js'
import { homePolicyPaths, readPolicy } from '../../node/policy/files.js'
import { PolicyHolder } from '../../node/policy/holder.js'
import { setHomePolicy } from '../../node/policy/set.js'
import type { Views } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'
import { BUILD_1, cast, World } from '../machines/fixtures.js'
import { makeRepo, publishRevision, SMALLEST_POLICY } from './fixture.js'
import { createNode } from '../helpers/nodes.js'
import { parseTrailer } from '../../node/cli/commands/review.js'

function viewsOf (w: World, order: number[] = w.events.map((_, i) => i)): Views {
  const views = memoryViews(w.root.key)
  order.forEach((i, seq) => {
    const e = w.events[i]
    if (e !== undefined) applyEvent(views, { ...e, feed: 'f'.repeat(64), seq })
  })
  return views
}

const noBlobs = new DiffCache({ get: async () => { throw new Error('no blobs in this test') } })

test('decideRevision() over a revision\'s share of the events gives the decision over every event, in any arrival order', async (t) => {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { patches: 1 })
  const other = w.revision(p.erin, { series: 'other@example.org', patches: 1 })
  w.review(p.alice, v1, [['Reviewed-by']])
  const v2 = w.revision(p.dev, { version: 2, patches: 1 })
  const job = w.job(p.carol, v2, 'quick')
  const first = w.result(p.runner, job, 'pass', BUILD_1)
  w.result(p.runner, job, 'reused', BUILD_1, { reuses: first.id })
  w.review(p.bob, v2, [['Reviewed-by']])
  w.review(p.mallory, v2, [['Reviewed-by']])
  w.review(p.alice, other, [['Nacked-by']])
  w.job(p.carol, other, 'quick')
  w.emit(p.carol, 'merge', { revision: other.id, branch: 'next', commit: 'a'.repeat(40) })
  w.emit(p.dev, 'note', { text: 'noise' })
  const v2again = w.revision(p.dev, { version: 2, patches: 1 }) // republished: v2's reviews are its own
  const moved = w.revision(p.dev, { series: 'moved@example.org', patches: 1, replaces: [v1.id] }) // regrouped: v1's reviews count
  const policy = readPolicyText(await t.tmp(), SMALLEST_POLICY)

  const reference = (views: Views, rev: RevisionEvent): string => {
    const ctx = { trust: views.trust, identities: views.identities, touched: new Map([[rev.id, [] as string[]]]), patchIds: new Map<string, string[]>() }
    return JSON.stringify(decide({ ...ctx, revision: rev.id, events: views.query() }, policy))
  }
  for (let round = 0; round < 20; round++) {
    const order = w.events.map((_, i) => i).sort(() => Math.random() - 0.5)
    const views = viewsOf(w, order)
    for (const id of [v1.id, v2.id, other.id, v2again.id, moved.id]) {
      const rev = revisionEvent(views, id) as RevisionEvent
      const share = await decideRevision(views, noBlobs, policy, rev)
      t.is(JSON.stringify(share), reference(views, rev), `round ${round}: ${id.slice(0, 8)}`)
    }
  }
  const views = viewsOf(w)
  const share = eventsFor(views, revisionEvent(views, v2.id) as RevisionEvent).map((e) => e.type).sort()
  t.alike(share, ['job.request', 'result', 'result', 'review', 'review', 'review', 'series.revision', 'series.revision', 'series.revision'], 'the share: the series, its reviews, the jobs of v2, their results (and the result reused)')
  const movedShare = eventsFor(views, revisionEvent(views, moved.id) as RevisionEvent).map((e) => e.id)
  t.ok(movedShare.includes(v1.id), 'a revision\'s share holds the events it replaces')
})

/** The policy `text` reads as, through a file in `dir` (the test's own temp dir, removed after it). */
function readPolicyText (dir: string, text: string): NonNullable<ReturnType<typeof readPolicy>>['policy'] {
  writeFileSync(join(dir, 'p.yaml'), text)
  const read = readPolicy({ kind: 'file', path: join(dir, 'p.yaml') })
  if (read === null) throw new Error('no policy')
  return read.policy
}

test('diffInfo() reads the paths and patch-ids of real format-patch mails; a rebased series keeps its patch-ids', async (t) => {
  const dir = await t.tmp()
  const repo = makeRepo(dir)
  const { node } = await createNode(t, 'dev')
  const edit = { file: 'fs/xfs/log.c', line: 7, text: 'log line 7, fixed', subject: 'xfs: fix line 7' }
  const page = { file: 'mm/page.c', line: 2, text: 'page line 2, fixed', subject: 'mm: fix line 2' }
  const a = await publishRevision(node, { series: 's', base: repo.main, patches: repo.patches('a', repo.main, [edit, page]) })
  const b = await publishRevision(node, { series: 's', version: 2, base: repo.moved, patches: repo.patches('b', repo.moved, [edit, page]) })
  const c = await publishRevision(node, { series: 's', version: 3, base: repo.main, patches: repo.patches('c', repo.main, [{ ...edit, text: 'log line 7, other fix' }, page]) })
  const info = async (id: string): Promise<Awaited<ReturnType<typeof diffInfo>>> => await diffInfo(revisionEvent(node.views, id) as RevisionEvent, node.blobs)
  const [ia, ib, ic] = [await info(a), await info(b), await info(c)]
  t.alike(ia.touched, ['fs/xfs/log.c', 'mm/page.c'])
  t.is(ia.patchIds?.length, 2)
  t.alike(ib.patchIds, ia.patchIds, 'rebased onto another base: the same patch-ids')
  t.not(ic.patchIds?.[0], ia.patchIds?.[0], 'a changed patch: another patch-id')
  t.is(ic.patchIds?.[1], ia.patchIds?.[1], 'the unchanged second patch keeps its patch-id')

  const ctx = await decideContext(node.views, new DiffCache(node.blobs), revisionEvent(node.views, c) as RevisionEvent, { trust: new Map(), identities: new Map() })
  t.alike([...ctx.touched.keys()], [c], 'touched: only the revision decided on')
  t.alike([...ctx.patchIds.keys()].sort(), [a, b, c].sort(), 'patch-ids: it and the earlier revisions of its series')
})

test('PolicyHolder: a malformed policy is refused with the line, the previous good one stays in force', async (t) => {
  const home = await t.tmp()
  const holder = new PolicyHolder({ kind: 'home', home })
  t.is(holder.refresh().policy, null, 'no policy yet')
  const paths = homePolicyPaths(home)
  writeFileSync(paths.policy, SMALLEST_POLICY)
  const first = holder.refresh()
  t.ok(first.changed)
  t.is(first.policy?.reviews.required, 2)
  writeFileSync(paths.policy, SMALLEST_POLICY.replace('required: 2', 'required: 2\n  oops: [') + '\n')
  const broken = holder.refresh()
  t.is(broken.changed, false)
  t.is(broken.hash, first.hash, 'still the previous policy')
  t.ok(broken.error !== null && /POLICY: policy\.yaml line \d+: /.test(broken.error.message), broken.error?.message)
  writeFileSync(paths.policy, SMALLEST_POLICY.replace('required: 2', 'required: 1'))
  const fixed = holder.refresh()
  t.ok(fixed.changed)
  t.is(fixed.error, null)
  t.is(fixed.policy?.reviews.required, 1)
  writeFileSync(paths.policy, SMALLEST_POLICY + 'maintainers: MAINTAINERS\n')
  const noFile = holder.refresh()
  t.ok(noFile.error !== null && /names maintainers file MAINTAINERS, but .* does not exist/.test(noFile.error.message), noFile.error?.message)
  t.is(noFile.policy?.reviews.required, 1, 'a policy whose MAINTAINERS file is missing is refused too')
})

test('setHomePolicy() from a repository: the policy and the MAINTAINERS file it names, checked as a whole', async (t) => {
  const dir = await t.tmp()
  const repo = join(dir, 'repo')
  const home = join(dir, 'home')
  mkdirSync(join(repo, '.cairn'), { recursive: true })
  mkdirSync(home)
  const maintainers = 'XFS FILESYSTEM\nM:\tCarol Maintainer <carol@example.org>\nF:\tfs/xfs/\n'
  writeFileSync(join(repo, 'MAINTAINERS'), maintainers)
  writeFileSync(join(repo, '.cairn', 'policy.yaml'), SMALLEST_POLICY + 'maintainers: MAINTAINERS\npaths:\n  - match: fs/xfs/\n    reviews: { required: 1, role: maintainer }\n')
  const set = setHomePolicy(home, { kind: 'file', path: join(repo, '.cairn', 'policy.yaml') })
  t.is(set.previousHash, null)
  const read = readPolicy({ kind: 'home', home })
  t.is(read?.maintainersText, maintainers, 'the home keeps a copy of the MAINTAINERS file')
  t.is(policyHash(read?.policy ?? set.read.policy), set.hash, 'and reads back the same policy')

  writeFileSync(join(repo, 'MAINTAINERS'), 'XFS\nN:\t[unclosed\n')
  try {
    setHomePolicy(home, { kind: 'repo', repo })
    t.fail('a malformed MAINTAINERS file must be refused')
  } catch (err) {
    t.ok(isCairnError(err, 'POLICY'), String(err))
    t.ok(/^POLICY: MAINTAINERS line 2: N: \[unclosed is not a valid regular expression \(the maintainers file \.cairn\/policy\.yaml names\)$/.test((err as Error).message), (err as Error).message)
  }
  t.is(readPolicy({ kind: 'home', home })?.maintainersText, maintainers, 'the home keeps the policy it had')
})

test('parseTrailer() "Key: value"; a bare key is signed with the profile this node published', async (t) => {
  const { node } = await createNode(t, 'alice')
  t.alike(parseTrailer('Reviewed-by: Alice <alice@example.org>', node.views), { key: 'Reviewed-by', value: 'Alice <alice@example.org>' })
  t.exception(() => parseTrailer('Reviewed-by', node.views), /has no name; write "Reviewed-by: Name <email>", or publish yours once with cairn id publish/)
  t.exception(() => parseTrailer('looks good to me', node.views), /USAGE: --trailer "looks good to me" is not a trailer/)
  await node.post('identity.link', { feed: node.feedKey, name: 'Alice Reviewer', emails: ['alice@example.org'] })
  t.alike(parseTrailer('Acked-by:', node.views), { key: 'Acked-by', value: 'Alice Reviewer <alice@example.org>' })
})
