import test from 'brittle'
import { decide } from '../../machines/decide.js'
import { actor, BUILD_1, cast, smallestPolicy, World } from './fixtures.js'

const TOUCHED = ['fs/xfs/xfs_log.c']

// A node trusts its own identity for every role, bridge included: a review it
// signs itself (cairn review) is its own word, while the replies it bridges
// from mail (they name the mail's Message-ID) still count only for the
// trusted owner of the sender's address.
test('decide() a reviewer that is also a bridge: its own review counts, the mail it relays counts for the address owner only', t => {
  const w = new World()
  const p = cast(w)
  const both = actor('Both Roles', 'both@example.org')
  w.trust(both, 'reviewer', 'bridge')
  const rev = w.revision(p.dev)
  w.result(p.runner, w.job(p.carol, rev, 'quick'), 'pass', BUILD_1)
  const relayed = w.emit(both, 'review', { target: { revision: rev.id }, trailers: [{ key: 'Reviewed-by', value: 'Dave Stranger <dave@example.org>' }], messageId: '<r1@example.org>' }, { refs: [rev.id] })
  const decision = (): ReturnType<typeof decide> => decide({ revision: rev.id, events: w.events, ...w.context({ [rev.id]: TOUCHED }) }, smallestPolicy())
  t.ok(decision().reasons.includes('1 Reviewed-by from untrusted identities not counted'), 'a relayed stranger does not count for the bridge')
  t.ok(decision().inputs.includes(relayed.id))
  w.review(both, rev, [['Reviewed-by']])
  w.review(p.alice, rev, [['Reviewed-by']])
  const d = decision()
  t.is(d.verdict, 'merge', d.reasons.join(' | '))
  t.ok(d.reasons.some((r) => r.includes('Both Roles <both@example.org>')), 'its own review counts for itself')
})
