import test from 'brittle'
import * as fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { initialTransition, transition } from 'xstate'
import type { AnyEvent } from '../../protocol/event.js'
import { decide, verifyDecision } from '../../machines/decide.js'
import type { Decision } from '../../machines/decide.js'
import { mergePolicy, verdictOf } from '../../machines/merge-policy.js'
import type { PolicyChecks } from '../../machines/merge-policy.js'
import { loadPolicy, parsePolicy } from '../../machines/policy-file.js'
import type { RevisionInput } from '../../machines/revision-context.js'
import { repoRoot } from '../helpers/paths.js'
import { actor, BUILD_1, BUILD_2, cast, smallestPolicy, World } from './fixtures.js'

const short = (k: string): string => k.slice(0, 8)
const TOUCHED = ['fs/xfs/xfs_log.c', 'fs/xfs/xfs_log_recover.c']

/** A revision with a passing quick result: the start of most scenarios. */
function tested () {
  const w = new World()
  const p = cast(w)
  const rev = w.revision(p.dev)
  const job = w.job(p.carol, rev, 'quick')
  const result = w.result(p.runner, job, 'pass', BUILD_1)
  return { w, p, rev, job, result }
}

test('decide() two trusted Reviewed-by and a passing required result: merge', t => {
  const { w, p, rev, job, result } = tested()
  const r1 = w.review(p.alice, rev, [['Reviewed-by']])
  const r2 = w.review(p.bob, rev, [['Reviewed-by'], ['Tested-by']])
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'merge')
  t.is(d.state, 'ready')
  t.is(d.machine, 'cairn/merge-policy')
  t.alike(d.reasons, [
    `test profile quick passed on runner ${short(p.runner.key)}`,
    '2 Reviewed-by from reviewers (2 required): Alice Reviewer <alice@example.org>, Bob Reviewer <bob@example.org>'
  ])
  t.alike(d.inputs, [rev.id, job.id, result.id, r1.id, r2.id].sort(), 'inputs: the events used, sorted')
  t.is(d.revision, rev.id)

  w.emit(p.mallory, 'merge', { revision: rev.id, branch: 'for-next', commit: 'f'.repeat(40) })
  t.is(decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy()).state, 'ready', 'a merge event from an untrusted key is ignored')
  w.emit(p.carol, 'merge', { revision: rev.id, branch: 'for-next', commit: '0123456789abcdef0123456789abcdef01234567' })
  const merged = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(merged.state, 'merged')
  t.is(merged.verdict, 'merge')
  t.is(merged.reasons[0], 'merged as 0123456789ab on for-next')
})

test('decide() a Nacked-by from a maintainer rejects, naming who', t => {
  const { w, p, rev } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']])
  w.review(p.carol, rev, [['Nacked-by']])
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'reject')
  t.is(d.state, 'rejected')
  t.ok(d.reasons.includes('Nacked-by: Carol Maintainer <carol@example.org> (maintainer)'), d.reasons.join(' | '))
})

test('decide() a Nacked-by from a reviewer is no veto, and withdraws only that reviewer\'s approval', t => {
  const { w, p, rev } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Nacked-by']])
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'needs-review')
  t.ok(d.reasons.includes('Nacked-by: Bob Reviewer <bob@example.org> not counted: not a maintainer of the touched paths'), d.reasons.join(' | '))
  t.ok(d.reasons.includes('needs 1 more Reviewed-by from a reviewer'))
})

test('decide() a maintainer who nacks and later reviews has withdrawn the veto (latest word wins)', t => {
  const { w, p, rev } = tested()
  w.review(p.carol, rev, [['Nacked-by']])
  w.review(p.carol, rev, [['Reviewed-by']])
  w.review(p.alice, rev, [['Reviewed-by']])
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'merge')
})

test('decide() a Reviewed-by from an untrusted key does not count and is reported separately', t => {
  const { w, p, rev } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  const untrusted = w.review(p.mallory, rev, [['Reviewed-by']])
  w.review(p.dave, rev, [['Reviewed-by']])
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'needs-review')
  t.is(d.state, 'reviewed')
  t.ok(d.reasons.includes('needs 1 more Reviewed-by from a reviewer'), d.reasons.join(' | '))
  t.ok(d.reasons.includes('2 Reviewed-by from untrusted identities not counted'), d.reasons.join(' | '))
  t.ok(d.inputs.includes(untrusted.id), 'an untrusted trailer shown in the reasons is an input too')
})

test('decide() bridged trailers count for the trusted identity owning the address, others stay untrusted', t => {
  const { w, p, rev } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  // The bridge relays mail: Erin's address is linked to a trusted reviewer key, Dave's to no trusted key.
  w.review(p.bridge, rev, [['Reviewed-by', 'Dave Stranger <dave@example.org>']])
  let d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'needs-review')
  t.ok(d.reasons.includes('1 Reviewed-by from untrusted identities not counted'))
  w.review(p.bridge, rev, [['Reviewed-by', 'Erin Mailer <ERIN@example.org>']])
  d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'merge')
  t.ok(d.reasons.some((r) => r.includes('Erin Mailer <erin@example.org>')), d.reasons.join(' | '))
  // A reviewer's own key signing a trailer for someone else still counts only once, for the signer.
  const mallorySays = w.review(p.mallory, rev, [['Reviewed-by', 'Erin Mailer <erin@example.org>']])
  d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.ok(d.inputs.includes(mallorySays.id))
  t.ok(d.reasons.includes('2 Reviewed-by from untrusted identities not counted'), 'a non-bridge key cannot speak for Erin')
})

test('decide() results count only from runners', t => {
  const w = new World()
  const p = cast(w)
  const rev = w.revision(p.dev)
  const job = w.job(p.carol, rev, 'quick')
  w.result(p.rogueRunner, job, 'pass', BUILD_1)
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']])
  let d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'needs-tests')
  t.is(d.state, 'testing')
  t.ok(d.reasons.includes('test profile quick requested, no result yet'))
  t.ok(d.reasons.includes('1 result from untrusted runners not counted'))
  w.result(p.runner, job, 'fail', BUILD_1)
  d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'reject')
  t.is(d.state, 'tested.fail')
  t.ok(d.reasons.includes(`test profile quick failed on runner ${short(p.runner.key)}`))
})

test('decide() v2 with changed patches resets approvals; v2 that only rebased keeps them', t => {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { version: 1 })
  w.review(p.alice, v1, [['Reviewed-by']])
  w.review(p.bob, v1, [['Reviewed-by']])
  const v2 = w.revision(p.dev, { version: 2 })
  const job = w.job(p.carol, v2, 'quick')
  w.result(p.runner, job, 'pass', BUILD_2)
  const touched = { [v1.id]: TOUCHED, [v2.id]: TOUCHED }

  const changed = decide({ revision: v2.id, events: w.events, ...w.context(touched, { [v1.id]: ['p1', 'p2'], [v2.id]: ['p1', 'p2-new'] }) }, smallestPolicy())
  t.is(changed.verdict, 'needs-review')
  t.ok(changed.reasons.includes(`reviews of v1 (${short(v1.id)}) not carried over: patches changed`), changed.reasons.join(' | '))
  t.ok(changed.reasons.includes('needs 2 more Reviewed-by from a reviewer'))

  const rebased = decide({ revision: v2.id, events: w.events, ...w.context(touched, { [v1.id]: ['p1', 'p2'], [v2.id]: ['p1', 'p2'] }) }, smallestPolicy())
  t.is(rebased.verdict, 'merge')
  t.ok(rebased.reasons.includes(`reviews of v1 (${short(v1.id)}) carried over: patches unchanged`), rebased.reasons.join(' | '))
  t.ok(rebased.inputs.includes(v1.id))

  const unknown = decide({ revision: v2.id, events: w.events, ...w.context(touched) }, smallestPolicy())
  t.is(unknown.verdict, 'needs-review', 'unknown patch-ids never carry approvals')

  const keepAll = parsePolicy('reviews: { required: 2 }\ntests: { required: [quick] }\nveto: [Nacked-by]\nreset: { onNewRevision: false }\n')
  t.is(decide({ revision: v2.id, events: w.events, ...w.context(touched) }, keepAll).verdict, 'merge', 'a policy may keep approvals across revisions')

  const old = decide({ revision: v1.id, events: w.events, ...w.context(touched) }, smallestPolicy())
  t.is(old.state, 'superseded')
  t.is(old.verdict, 'reject')
  t.ok(old.reasons.includes(`superseded by v2 (${short(v2.id)})`))
})

test('decide() reviews of an earlier publication of the same version, or of an event it replaces, count; a stranger\'s copy takes none', t => {
  const w = new World()
  const p = cast(w)
  const first = w.revision(p.dev, { patches: 2 })
  w.review(p.alice, first, [['Reviewed-by']])
  const again = w.revision(p.dev, { patches: 3 }) // republished: a late patch arrived
  w.review(p.bob, again, [['Reviewed-by']])
  w.result(p.runner, w.job(p.carol, again, 'quick'), 'pass', BUILD_1)
  const touched = { [first.id]: TOUCHED, [again.id]: TOUCHED }
  const d = decide({ revision: again.id, events: w.events, ...w.context(touched) }, smallestPolicy())
  t.is(d.verdict, 'merge', d.reasons.join(' | '))
  t.ok(d.reasons.includes(`reviews of ${short(first.id)} count for this revision: an earlier publication of the same version`))
  t.ok(d.inputs.includes(first.id), 'the earlier publication is an input')
  t.alike(decide({ revision: again.id, events: d.inputs.map((id) => w.events.find((e) => e.id === id) as AnyEvent), ...w.context(touched) }, smallestPolicy()), d, 'and replaying over the inputs alone agrees')

  const regrouped = w.revision(p.dev, { series: 'regrouped@example.org', replaces: [first.id] })
  w.review(p.bob, regrouped, [['Reviewed-by']])
  w.result(p.runner, w.job(p.carol, regrouped, 'quick'), 'pass', BUILD_1)
  const r = decide({ revision: regrouped.id, events: w.events, ...w.context({ ...touched, [regrouped.id]: TOUCHED }) }, smallestPolicy())
  t.is(r.verdict, 'merge', 'alice reviewed the event it replaces')
  t.ok(r.reasons.includes(`reviews of ${short(first.id)} count for this revision: it replaces that event`))

  const copy = w.revision(p.mallory, { patches: 2, replaces: [first.id] })
  w.result(p.runner, w.job(p.carol, copy, 'quick'), 'pass', BUILD_1)
  const c = decide({ revision: copy.id, events: w.events, ...w.context({ ...touched, [copy.id]: TOUCHED }) }, smallestPolicy())
  t.is(c.verdict, 'needs-review', 'a stranger republishing or replacing someone else\'s revision gets none of its reviews')
})

test('decide() a v2 from an untrusted stranger does not supersede someone\'s series', t => {
  const { w, p, rev } = tested()
  w.revision(p.mallory, { version: 9 })
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.not(d.state, 'superseded')
})

test('decide() a required result whose build identity changed after approval makes the revision stale', t => {
  const { w, p, rev, job } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']])
  // The recipe changed: a newer result of the same profile under another build identity.
  w.result(p.runner, job, 'pass', BUILD_2)
  let d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'stale')
  t.is(d.state, 'stale')
  t.ok(d.reasons.includes(`test profile quick: build identity changed after approval (${short(BUILD_1)} -> ${short(BUILD_2)}), approvals need renewing`), d.reasons.join(' | '))
  t.ok(d.reasons.includes('needs 2 more Reviewed-by from a reviewer (2 given before a required result changed)'))
  // A rerun under the same build identity changes nothing.
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']])
  d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'merge', 'fresh approvals after the change make it ready again')
  w.result(p.runner, job, 'pass', BUILD_2)
  t.is(decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy()).verdict, 'merge')
})

test('decide() per-path rules with a MAINTAINERS file: maintainer of fs/xfs, extra profile, path veto', t => {
  const w = new World()
  const p = cast(w)
  const policyText = [
    'reviews: { required: 1, role: reviewer }',
    'tests: { required: [quick] }',
    'veto: [Nacked-by]',
    'maintainers: MAINTAINERS',
    'paths:',
    "  - match: 'fs/xfs/**'",
    '    reviews: { required: 1, role: maintainer }',
    '    tests: { required: [xfs-quick] }'
  ].join('\n')
  const maintainers = readFileSync(join(repoRoot, 'test/fixtures/machines/MAINTAINERS'), 'utf8')
  const { policy, error } = loadPolicy(policyText, null, { maintainers })
  t.absent(error)
  if (policy === null) return
  // The XFS maintainer (M: in the fixture) holds only the reviewer role globally.
  const xavier = actor('Xavier Fs', 'xavier.fs@example.org')
  w.trust(xavier, 'reviewer')
  w.link(xavier)
  const rev = w.revision(p.dev)
  const quick = w.job(p.carol, rev, 'quick')
  w.result(p.runner, quick, 'pass', BUILD_1)
  w.review(p.alice, rev, [['Reviewed-by']])
  let d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, policy)
  t.is(d.verdict, 'needs-tests')
  t.ok(d.reasons.includes('test profile xfs-quick not requested yet'), d.reasons.join(' | '))
  t.ok(d.reasons.includes('needs 1 more Reviewed-by from a maintainer of fs/xfs'), d.reasons.join(' | '))
  const xq = w.job(p.carol, rev, 'xfs-quick')
  w.result(p.runner, xq, 'pass', BUILD_1)
  t.is(decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, policy).verdict, 'needs-review')
  // MAINTAINERS makes him maintainer of fs/xfs.
  w.review(xavier, rev, [['Reviewed-by']])
  d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, policy)
  t.is(d.verdict, 'merge', d.reasons.join(' | '))
  // Outside fs/xfs he is no maintainer: his Nacked-by on a revision touching only fs/ext4 is not a veto.
  const other = w.revision(p.dev, { series: 'ext4-fix@example.org' })
  w.review(xavier, other, [['Nacked-by']])
  const o = decide({ revision: other.id, events: w.events, ...w.context({ [other.id]: ['fs/ext4/inode.c'] }) }, policy)
  t.not(o.verdict, 'reject')
  w.review(xavier, rev, [['Nacked-by']])
  t.is(decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, policy).verdict, 'reject', 'on fs/xfs his Nacked-by vetoes')
})

test('decide() per-patch reviews count once they cover every patch', t => {
  const { w, p, rev } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']], { patch: 1 })
  let d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'needs-review')
  t.ok(d.reasons.includes('Bob Reviewer <bob@example.org> reviewed 1 of 2 patches (not counted)'), d.reasons.join(' | '))
  w.review(p.bob, rev, [['Reviewed-by']], { patch: 2 })
  d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.verdict, 'merge')
})

test('decide() a review of patch 0 (the cover letter) covers the whole series', t => {
  const { w, p, rev } = tested()
  w.review(p.alice, rev, [['Reviewed-by']], { patch: 0 })
  w.review(p.bob, rev, [['Reviewed-by']])
  t.is(decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy()).verdict, 'merge')
})

test('decide() the author withdraws with a Withdrawn-by trailer; a stranger cannot', t => {
  const { w, p, rev } = tested()
  w.review(p.mallory, rev, [['Withdrawn-by']])
  t.not(decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy()).state, 'rejected')
  w.review(p.dev, rev, [['Withdrawn-by']])
  const d = decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.is(d.state, 'rejected')
  t.is(d.verdict, 'reject')
  t.ok(d.reasons.includes('withdrawn by Dev Eloper <dev@example.org>'), d.reasons.join(' | '))
})

test('decide() throws DECIDE for an unknown revision or missing touched paths', async t => {
  const { w, rev } = tested()
  await t.exception(() => decide({ revision: 'f'.repeat(64), events: w.events, ...w.context({}) }, smallestPolicy()), /DECIDE: revision f+ is not among the events/)
  await t.exception(() => decide({ revision: rev.id, events: w.events, ...w.context({}) }, smallestPolicy()), /DECIDE: the paths touched/)
})

/** A scenario with every kind of fact, several events sharing a timestamp so the EventId tie-break matters. */
function busyWorld () {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { version: 1 })
  w.review(p.alice, v1, [['Reviewed-by']])
  const v2 = w.revision(p.dev, { version: 2 })
  const same = w.clock + 500
  const job = w.job(p.carol, v2, 'quick', { ts: same })
  w.result(p.runner, job, 'pass', BUILD_1, { ts: same })
  w.review(p.bob, v2, [['Reviewed-by']], { ts: same })
  w.review(p.bob, v2, [['Nacked-by']], { ts: same })
  w.review(p.carol, v2, [['Nacked-by']], { ts: same + 1 })
  w.review(p.carol, v2, [['Acked-by'], ['Reviewed-by']], { ts: same + 1 })
  w.review(p.mallory, v2, [['Reviewed-by']], { ts: same })
  w.review(p.bridge, v2, [['Reviewed-by', 'Erin Mailer <erin@example.org>'], ['Reviewed-by', 'Dave <dave@example.org>']], { ts: same })
  w.result(p.rogueRunner, job, 'fail', BUILD_2, { ts: same })
  w.result(p.runner, job, 'pass', BUILD_2, { ts: same + 2 })
  const ctx = w.context({ [v1.id]: TOUCHED, [v2.id]: TOUCHED }, { [v1.id]: ['a', 'b'], [v2.id]: ['a', 'b'] })
  return { w, v2, ctx }
}

test('decide() is invariant under arrival order and duplicates (fast-check)', t => {
  const { w, v2, ctx } = busyWorld()
  const policy = smallestPolicy()
  const expected = decide({ revision: v2.id, events: w.events, ...ctx }, policy)
  t.comment(`${expected.verdict} / ${expected.state}: ${expected.reasons.join(' | ')}`)
  const events = w.events
  fc.assert(fc.property(
    fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
    fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 5 }),
    (shuffled, dupes) => {
      const arrival = [...shuffled, ...dupes.map((i) => events[i] as AnyEvent)]
      const d = decide({ revision: v2.id, events: arrival, ...ctx }, policy)
      return JSON.stringify(d) === JSON.stringify(expected)
    }
  ), { numRuns: 300, seed: 42 })
  t.pass('300 arrival orders gave the same state, verdict, reasons and inputs')
})

test('decide() over only its inputs gives the same decision', t => {
  const { w, v2, ctx } = busyWorld()
  const policy = smallestPolicy()
  const all = decide({ revision: v2.id, events: w.events, ...ctx }, policy)
  const listed = new Set(all.inputs)
  const only = decide({ revision: v2.id, events: w.events.filter((e) => listed.has(e.id)), ...ctx }, policy)
  t.alike(only, all)
  t.ok(all.inputs.length < w.events.length, 'trust and identity events are not inputs')
})

test('decide() inputs are complete: for any subset of events, replaying over the inputs alone agrees (fast-check)', t => {
  const { w, v2, ctx } = busyWorld()
  const policy = smallestPolicy()
  const others = w.events.filter((e) => e.id !== v2.id)
  fc.assert(fc.property(fc.subarray(others), (subset) => {
    const events: AnyEvent[] = [v2, ...subset]
    const d = decide({ revision: v2.id, events, ...ctx }, policy)
    const listed = new Set(d.inputs)
    const again = decide({ revision: v2.id, events: events.filter((e) => listed.has(e.id)), ...ctx }, policy)
    return JSON.stringify(again) === JSON.stringify(d) && verifyDecision(d, events, policy, ctx).ok
  }), { numRuns: 200, seed: 7 })
  t.pass('200 subsets')
})

test('verifyDecision() accepts a true decision and rejects tampered ones', t => {
  const { w, p, rev, result } = tested()
  w.review(p.alice, rev, [['Reviewed-by']])
  w.review(p.bob, rev, [['Reviewed-by']])
  const ctx = w.context({ [rev.id]: TOUCHED })
  const policy = smallestPolicy()
  const d: Decision = decide({ revision: rev.id, events: w.events, ...ctx }, policy)

  const ok = verifyDecision(d, w.events, policy, ctx)
  t.ok(ok.ok, ok.problems.join('; '))
  t.alike(ok.problems, [])
  const listed = new Set(d.inputs)
  t.ok(verifyDecision(d, w.events.filter((e) => listed.has(e.id)), policy, ctx).ok, 'holds over just its inputs')

  const verdict = verifyDecision({ ...d, verdict: 'reject' }, w.events, policy, ctx)
  t.absent(verdict.ok)
  t.ok(verdict.problems.includes('verdict: the decision says reject, the replay gives merge'), verdict.problems.join('; '))

  const dropped = verifyDecision({ ...d, inputs: d.inputs.filter((id) => id !== result.id) }, w.events, policy, ctx)
  t.absent(dropped.ok)
  t.ok(dropped.problems.some((x) => x.includes('not listed as inputs') && x.includes(short(result.id))), dropped.problems.join('; '))

  const withoutResult = w.events.filter((e) => e.id !== result.id)
  const stillMerge = verifyDecision(d, withoutResult, policy, ctx)
  t.absent(stillMerge.ok, 'a decision whose input is withheld does not hold')
  t.ok(stillMerge.problems.some((x) => x.startsWith('1 input(s) not among the events given')))

  const otherPolicy = parsePolicy('reviews: { required: 1 }\ntests: { required: [quick] }\nveto: [Nacked-by]\n')
  const policyChanged = verifyDecision(d, w.events, otherPolicy, ctx)
  t.absent(policyChanged.ok)
  t.ok(policyChanged.problems[0]?.startsWith('policy differs'))

  w.review(p.carol, rev, [['Nacked-by']])
  const later = verifyDecision(d, w.events, policy, ctx)
  t.absent(later.ok, 'a veto published since makes the old decision no longer hold')
  t.is(later.replay?.verdict, 'reject')
})

const baseInput = (over: Partial<RevisionInput['req']> = {}): RevisionInput => ({
  revision: 'r'.repeat(64),
  version: 1,
  patches: [1],
  req: { profiles: ['quick'], approvalKeys: ['Reviewed-by'], reviews: [{ label: '', required: 1, role: 'reviewer', eligible: ['a'.repeat(64)] }], ...over }
})

test('mergePolicy transition() moves each check and returns changed actions', t => {
  const A = 'a'.repeat(64)
  let [s, actions] = initialTransition(mergePolicy, baseInput())
  t.alike(s.value, { status: 'open', veto: 'clear', tests: 'pending', reviews: 'short' })
  t.is(actions.length, 4, 'entering each check is announced')
  ;[s, actions] = transition(mergePolicy, s, { type: 'job', id: '1', profile: 'quick' })
  t.alike(actions, [], 'a job changes no check')
  ;[s, actions] = transition(mergePolicy, s, { type: 'result', id: '2', profile: 'quick', verdict: 'pass', build: BUILD_1, runner: 'x' })
  t.alike(actions.map((a) => [a.type, a.params]), [['changed', { check: 'tests', state: 'passed' }]])
  t.is(verdictOf(s.value as PolicyChecks), 'needs-review')
  ;[s, actions] = transition(mergePolicy, s, { type: 'approve', id: '3', identity: A, key: 'Reviewed-by', who: 'A' })
  t.alike(actions.map((a) => [a.type, a.params]), [['changed', { check: 'reviews', state: 'met' }]])
  t.is(verdictOf(s.value as PolicyChecks), 'merge')
  ;[s, actions] = transition(mergePolicy, s, { type: 'result', id: '4', profile: 'quick', verdict: 'pass', build: BUILD_2, runner: 'x' })
  t.alike(actions.map((a) => [a.type, a.params]), [['changed', { check: 'reviews', state: 'stale' }]])
  t.is(verdictOf(s.value as PolicyChecks), 'stale')
  ;[s, actions] = transition(mergePolicy, s, { type: 'veto', id: '5', identity: A, key: 'Nacked-by', who: 'A', maintainer: true })
  t.alike(actions.map((a) => [a.type, a.params]), [['changed', { check: 'veto', state: 'vetoed' }], ['changed', { check: 'reviews', state: 'short' }]])
  t.is(verdictOf(s.value as PolicyChecks), 'reject')
  ;[s, actions] = transition(mergePolicy, s, { type: 'supersede', id: '6', version: 2 })
  t.alike(actions.map((a) => [a.type, a.params]), [['changed', { check: 'status', state: 'superseded' }]])
})

test('mergePolicy with no required tests or reviews starts out mergeable', t => {
  const [s] = initialTransition(mergePolicy, baseInput({ profiles: [], reviews: [{ label: '', required: 0, role: 'reviewer', eligible: [] }] }))
  t.is(verdictOf(s.value as PolicyChecks), 'merge')
})
