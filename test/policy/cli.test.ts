// The policy scenarios of issue 5, through the `cairn` CLI on real events:
// separate homes for the maintainer, reviewers, a stranger, a runner and the
// developer; real git patches stored as blobs; trust set with `cairn trust
// add`, reviews with `cairn review`, results with `cairn post result`, and
// the verdicts read with `cairn policy check --json`.
import test from 'brittle'
import type { TestInstance } from 'brittle'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Decision } from '../../machines/decide.js'
import type { CairnNode } from '../../node/node.js'
import { PolicyHolder } from '../../node/policy/holder.js'
import { MaintainerLoop } from '../../node/daemon/maintainer.js'
import { latestDecision } from '../../node/views/decisions.js'
import { cairn } from '../helpers/cli.js'
import { BUILD_1, BUILD_2, git, jobBody, makeRepo, person, publishRevision, resultBody, SMALLEST_POLICY, sync, withNodes } from './fixture.js'
import type { Person, Repo } from './fixture.js'

interface Check { state: string, verdict: string, reasons: string[], revision: string, version: number }

/** Resolves once the wall clock reads later than `ts`, so the next event anyone posts sorts after it. */
const clockPast = async (ts: number): Promise<void> => { while (Date.now() <= ts) await new Promise((resolve) => setImmediate(resolve)) }
const short = (k: string): string => k.slice(0, 8)

function ok (t: { is: (a: unknown, b: unknown, m?: string) => void }, r: { status: number, stdout: string, stderr: string }, what: string): string {
  t.is(r.status, 0, `${what}${r.status === 0 ? '' : `: ${r.stderr.trim()}`}`)
  return r.stdout.trim()
}

interface People { maud: Person, alice: Person, bob: Person, mallory: Person, lab: Person, dev: Person }
/** What the steps share: the repository, the people, and the revisions and jobs by scenario. */
interface Scenario { t: TestInstance, dir: string, repo: Repo, people: People, rev: Record<string, string>, jobs: Record<string, string> }

test('policy scenarios through the CLI: merge, veto, untrusted, reset, carry-over, stale, verify, merge', async (t) => {
  t.timeout(180_000)
  const dir = await t.tmp()
  const repo = makeRepo(dir)
  const people: People = {
    maud: await person(dir, 'maud', 'Maud Maintainer', 'maud@example.org'),
    alice: await person(dir, 'alice', 'Alice Reviewer', 'alice@example.org'),
    bob: await person(dir, 'bob', 'Bob Reviewer', 'bob@example.org'),
    mallory: await person(dir, 'mallory', 'Mallory Stranger', 'mallory@example.org'),
    lab: await person(dir, 'lab', 'Lab Runner', 'lab@example.org'),
    dev: await person(dir, 'dev', 'Dev Eloper', 'dev@example.org')
  }
  const s: Scenario = { t, dir, repo, people, rev: await publishSeries(repo, people.dev), jobs: {} }
  await requestJobs(s)
  trustAndPolicy(s)
  await reviewAndTest(s)
  const { merge, untrusted } = checkVerdicts(s)
  await verifyDecisions(s, merge, untrusted)
  mergeSeries(s)
})

const check = (t: TestInstance, maud: Person, series: string): Check => JSON.parse(ok(t, cairn(maud.home, 'policy', 'check', series, '--json'), `policy check ${series}`)) as Check

/** The developer's series, as real format-patch mails. */
async function publishSeries (repo: Repo, dev: Person): Promise<Record<string, string>> {
  const { main, moved } = repo
  const rev: Record<string, string> = {}
  await withNodes([dev.home], async ([d]) => {
    const node = d as CairnNode
    const publish = async (series: string, base: string, edits: Parameters<typeof repo.patches>[2], version = 1): Promise<string> =>
      await publishRevision(node, { series, version, base, patches: repo.patches(`${series}-v${version}`, base, edits) })
    rev.merge = await publish('merge-me', main, [
      { file: 'fs/xfs/log.c', line: 5, text: 'log line 5, fixed', subject: 'xfs: fix log line 5' },
      { file: 'fs/xfs/super.c', line: 5, text: 'super line 5, fixed', subject: 'xfs: fix super line 5' }
    ])
    rev.nack = await publish('nack-me', main, [{ file: 'mm/page.c', line: 3, text: 'page line 3, rewritten', subject: 'mm: rewrite page line 3' }])
    rev.untrusted = await publish('untrusted', main, [{ file: 'fs/xfs/super.c', line: 10, text: 'super line 10, fixed', subject: 'xfs: fix super line 10' }])
    const reroll = { file: 'fs/xfs/log.c', line: 12, text: 'log line 12, fixed', subject: 'xfs: fix log line 12' }
    rev.rerollV1 = await publish('reroll', main, [reroll])
    rev.rerollV2 = await publish('reroll', main, [{ ...reroll, text: 'log line 12, fixed differently' }], 2)
    const rebase = { file: 'fs/xfs/log.c', line: 15, text: 'log line 15, fixed', subject: 'xfs: fix log line 15' }
    rev.rebaseV1 = await publish('rebase', main, [rebase])
    rev.rebaseV2 = await publish('rebase', moved, [rebase], 2) // only rebased: same patch-ids, other bytes
    rev.stale = await publish('stale', main, [{ file: 'fs/xfs/super.c', line: 20, text: 'super line 20, fixed', subject: 'xfs: fix super line 20' }])
  })
  return rev
}

/** The maintainer asks for the quick profile on each revision to decide (what `cairn job submit` or --maintainer does). */
async function requestJobs ({ repo, people: { maud, dev, alice, bob, mallory }, rev, jobs }: Scenario): Promise<void> {
  const { main, moved } = repo
  await withNodes([maud.home], async ([m]) => {
    for (const k of ['merge', 'nack', 'untrusted', 'rerollV2', 'rebaseV2', 'stale']) {
      const base = k === 'rebaseV2' ? moved : main
      jobs[k] = (await (m as CairnNode).post('job.request', jobBody(rev[k] as string, base) as never, [rev[k] as string])).id
    }
  })
  await sync(dev.home, [maud.home])
  await sync(maud.home, [alice.home, bob.home, mallory.home])
}

function trustAndPolicy ({ t, dir, people: { maud, alice, bob, lab } }: Scenario): void {
  // Trust is explicit and local: the maintainer names reviewers and the runner.
  ok(t, cairn(maud.home, 'trust', 'add', alice.key, '--role', 'reviewer'), 'trust alice')
  ok(t, cairn(maud.home, 'trust', 'add', bob.key, '--role', 'reviewer'), 'trust bob')
  ok(t, cairn(maud.home, 'trust', 'add', lab.key, '--role', 'runner'), 'trust the lab runner')

  // The policy: a good one is set; a malformed one is refused with its line and the good one stays.
  const good = join(dir, 'policy.yaml')
  const bad = join(dir, 'bad-policy.yaml')
  writeFileSync(good, SMALLEST_POLICY)
  writeFileSync(bad, 'tests: { required: [quick] }\nveto: [Nacked-by]\nreviews: { required: two }\n')
  const set = ok(t, cairn(maud.home, 'policy', 'set', good), 'policy set')
  t.ok(/^policy [0-9a-f]{12} set/.test(set), set)
  const refused = cairn(maud.home, 'policy', 'set', bad)
  t.is(refused.status, 1, 'a malformed policy is refused')
  t.ok(/POLICY: .*bad-policy\.yaml line 3: reviews\.required must be a non-negative integer/.test(refused.stderr), refused.stderr.trim())
  const shown = JSON.parse(ok(t, cairn(maud.home, 'policy', 'show', '--json'), 'policy show')) as { hash: string, text: string, policy: { reviews: { required: number } } }
  t.is(shown.text, SMALLEST_POLICY, 'the previous good policy stays in force')
  t.is(shown.policy.reviews.required, 2)
  t.ok(set.includes(shown.hash.slice(0, 12)))
}

async function reviewAndTest ({ t, people: { maud, alice, bob, mallory, lab }, rev, jobs }: Scenario): Promise<void> {
  // Reviews: two trusted reviewers, a stranger, and the maintainer's own Nacked-by.
  ok(t, cairn(alice.home, 'review', 'merge-me', '--trailer', 'Reviewed-by: Alice Reviewer <alice@example.org>'), 'alice reviews')
  ok(t, cairn(bob.home, 'review', 'merge-me', '--trailer', 'Reviewed-by: Bob Reviewer <bob@example.org>', '--comment', 'Looks right.'), 'bob reviews')
  ok(t, cairn(mallory.home, 'review', 'untrusted', '--trailer', 'Reviewed-by: Bob Reviewer <bob@example.org>'), 'a stranger reviews, spelling a trusted name')
  ok(t, cairn(maud.home, 'review', 'nack-me', '--trailer', 'Nacked-by: Maud Maintainer <maud@example.org>', '--comment', 'Not this way.'), 'the maintainer nacks')
  // The lab's result for merge-me, in the shape facts.ts matches: job -> the revision's job.request for profile quick.
  ok(t, cairn(lab.home, 'post', 'result', '--body', JSON.stringify(resultBody(jobs.merge as string, 'pass', BUILD_1)), '--ref', jobs.merge as string), 'the runner posts a result')

  // The rest of the review traffic, signed in the reviewers' and runner's own homes.
  await withNodes([alice.home, bob.home, lab.home], async ([a, b, l]) => {
    const review = async (n: CairnNode, p: Person, revision: string): Promise<number> => {
      return (await n.post('review', { target: { revision }, trailers: [{ key: 'Reviewed-by', value: `${p.name} <${p.email}>` }] }, [revision])).ts
    }
    const result = async (job: string, build: string): Promise<number> => {
      return (await (l as CairnNode).post('result', resultBody(job, 'pass', build) as never, [job])).ts
    }
    for (const k of ['nack', 'untrusted', 'rerollV2', 'rebaseV2']) await result(jobs[k] as string, BUILD_1)
    await review(a as CairnNode, alice, rev.untrusted as string)
    for (const k of ['rerollV1', 'rebaseV1']) {
      await review(a as CairnNode, alice, rev[k] as string)
      await review(b as CairnNode, bob, rev[k] as string)
    }
    // the stale case needs result, reviews, result in time order across three authors' clocks
    await clockPast(await result(jobs.stale as string, BUILD_1))
    const reviewed = [await review(a as CairnNode, alice, rev.stale as string), await review(b as CairnNode, bob, rev.stale as string)]
    await clockPast(Math.max(...reviewed))
    await result(jobs.stale as string, BUILD_2) // the recipe changed: another build identity
  })
  for (const from of [alice, bob, mallory, lab]) await sync(from.home, [maud.home])
}

/** The verdicts, read with `cairn policy check --json`. */
function checkVerdicts ({ t, people: { maud, lab }, rev }: Scenario): { merge: Check, untrusted: Check } {
  const merge = check(t, maud, 'merge-me')
  t.is(merge.verdict, 'merge', 'two trusted reviewers and a passing required result: merge')
  t.is(merge.state, 'ready')
  t.alike(merge.reasons, [
    `test profile quick passed on runner ${short(lab.key)}`,
    '2 Reviewed-by from reviewers (2 required): Alice Reviewer <alice@example.org>, Bob Reviewer <bob@example.org>'
  ])

  ok(t, cairn(maud.home, 'trust', 'remove', maud.key), 'configured otherwise: the maintainer trusts itself for no role')
  const unnacked = check(t, maud, 'nack-me')
  t.not(unnacked.verdict, 'reject', 'the root\'s own Nacked-by does not count while it trusts itself with no role')
  t.ok(unnacked.reasons.includes('1 Nacked-by from untrusted identities not counted'), unnacked.reasons.join(' | '))
  ok(t, cairn(maud.home, 'trust', 'add', maud.key, '--role', 'maintainer'), 'the maintainer trusts itself as maintainer')
  const nacked = check(t, maud, 'nack-me')
  t.is(nacked.verdict, 'reject', 'one Nacked-by from a maintainer: reject')
  t.is(nacked.state, 'rejected')
  t.ok(nacked.reasons.includes('Nacked-by: Maud Maintainer <maud@example.org> (maintainer)'), nacked.reasons.join(' | '))

  const untrusted = check(t, maud, 'untrusted')
  t.is(untrusted.verdict, 'needs-review', 'a Reviewed-by from an untrusted key does not count, whatever name it spells')
  t.ok(untrusted.reasons.includes('needs 1 more Reviewed-by from a reviewer'), untrusted.reasons.join(' | '))
  t.ok(untrusted.reasons.includes('1 Reviewed-by from untrusted identities not counted'), untrusted.reasons.join(' | '))

  const reroll = check(t, maud, 'reroll')
  t.is(reroll.version, 2)
  t.is(reroll.verdict, 'needs-review', 'v2 with changed patches resets approvals')
  t.ok(reroll.reasons.includes(`reviews of v1 (${short(rev.rerollV1 as string)}) not carried over: patches changed`), reroll.reasons.join(' | '))
  t.ok(reroll.reasons.includes('needs 2 more Reviewed-by from a reviewer'))

  const rebase = check(t, maud, 'rebase')
  t.is(rebase.version, 2)
  t.is(rebase.verdict, 'merge', 'v2 that only rebased keeps the approvals of v1')
  t.ok(rebase.reasons.includes(`reviews of v1 (${short(rev.rebaseV1 as string)}) carried over: patches unchanged`), rebase.reasons.join(' | '))

  const stale = check(t, maud, 'stale')
  t.is(stale.verdict, 'stale', 'a required result from a changed recipe makes the revision stale')
  t.is(stale.state, 'stale')
  t.ok(stale.reasons.includes(`test profile quick: build identity changed after approval (${short(BUILD_1)} -> ${short(BUILD_2)}), approvals need renewing`), stale.reasons.join(' | '))
  return { merge, untrusted }
}

/**
 * The maintainer's node publishes its decisions (what `cairn start --maintainer` does); anyone replays them.
 * One that holds; one claiming a verdict the events do not give is caught, with the reason.
 */
async function verifyDecisions ({ t, people: { maud } }: Scenario, merge: Check, untrusted: Check): Promise<void> {
  let trueId = ''
  let lieId = ''
  await withNodes([maud.home], async ([m]) => {
    const node = m as CairnNode
    const loop = new MaintainerLoop(node, { policy: new PolicyHolder({ kind: 'home', home: maud.home }), template: null, out: () => {}, warn: () => {} })
    await loop.pass()
    trueId = latestDecision(node.views, merge.revision, maud.key)?.id ?? ''
    const lie = { ...(latestDecision(node.views, untrusted.revision, maud.key)?.body as Decision), verdict: 'merge' as const, state: 'ready' }
    lieId = (await node.post('decision', lie, [lie.revision])).id
  })
  const holds = cairn(maud.home, 'policy', 'verify', trueId)
  t.is(holds.status, 0, holds.stdout + holds.stderr)
  t.ok(/holds: replayed over every event this node holds/.test(holds.stdout), holds.stdout)
  const caught = cairn(maud.home, 'policy', 'verify', lieId.slice(0, 12))
  t.is(caught.status, 1, 'a decision that does not replay fails verify')
  t.ok(caught.stdout.includes('verdict: the decision says merge, the replay gives needs-review'), caught.stdout)
}

function mergeSeries ({ t, repo, people: { maud }, rev }: Scenario): void {
  const { main } = repo
  // Merging: refused while the verdict is not merge; applied with git am and recorded when it is.
  const refusedMerge = cairn(maud.home, 'merge', 'untrusted', '--repo', repo.dir)
  t.is(refusedMerge.status, 1)
  t.ok(/NOT_MERGEABLE: .*needs-review/.test(refusedMerge.stderr), refusedMerge.stderr.trim())
  const merged = ok(t, cairn(maud.home, 'merge', 'merge-me', '--repo', repo.dir, '--branch', 'for-next'), 'merge')
  const head = git(repo.dir, 'rev-parse', 'for-next').trim()
  t.ok(merged.includes(head), merged)
  t.is(git(repo.dir, 'log', '--format=%s', `${main}..for-next`).trim(), 'xfs: fix super line 5\nxfs: fix log line 5', 'both patches applied in order')
  const after = check(t, maud, 'merge-me')
  t.is(after.state, 'merged', 'the merge event by a trusted maintainer moves the revision to merged')
  t.is(after.reasons[0], `merged as ${head.slice(0, 12)} on for-next`)

  // --force merges whatever the verdict, and the merge event says so.
  const forced = ok(t, cairn(maud.home, 'merge', 'untrusted', '--repo', repo.dir, '--branch', 'forced', '--force'), 'a forced merge')
  t.ok(forced.includes('(forced: the verdict was needs-review)'), forced)
  const merges = JSON.parse(ok(t, cairn(maud.home, 'log', '--json', '--type', 'merge'), 'log merges')) as Array<{ author: string, body: { revision: string, branch: string, commit: string, forced?: boolean } }>
  t.alike(merges.map((m) => [m.body.revision, m.body.branch, m.body.forced ?? false]).sort(), [[rev.merge, 'for-next', false], [rev.untrusted, 'forced', true]].sort())
  t.is(merges.find((m) => m.body.branch === 'for-next')?.body.commit, head)
}
