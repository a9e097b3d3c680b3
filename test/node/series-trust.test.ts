import test from 'brittle'
import { foldTrust } from '../../machines/trust.js'
import { ROLES } from '../../protocol/schemas.js'
import { seriesState } from '../../node/views/series/index.js'
import { seriesMap } from '../helpers/series.js'
import type { Views } from '../../node/views/views.js'
import { applyEvent, memoryViews } from '../helpers/views.js'
import { cast, World } from '../machines/fixtures.js'

function viewsOf (w: World): Views {
  const views = memoryViews(w.root.key)
  w.events.forEach((e, seq) => applyEvent(views, { ...e, feed: 'f'.repeat(64), seq }))
  return views
}

const decision = (revision: string, verdict: 'merge' | 'reject', state: string): { revision: string, machine: string, machineVersion: string, policyHash: string, state: string, verdict: 'merge' | 'reject', reasons: string[], inputs: string[] } =>
  ({ revision, machine: 'cairn/revision', machineVersion: '1', policyHash: 'p', state, verdict, reasons: ['r'], inputs: [] })

test('series state: merges and decisions count only from identities trusted as maintainer; the node trusts itself', (t) => {
  const w = new World()
  const p = cast(w)
  const v1 = w.revision(p.dev, { patches: 1 })
  const state = (views: Views): string => seriesState(views, [...seriesMap(views).values()][0]!)

  w.emit(p.mallory, 'merge', { revision: v1.id, branch: 'main', commit: 'a'.repeat(40), forced: true }, { refs: [v1.id] })
  w.emit(p.mallory, 'decision', decision(v1.id, 'merge', 'ready'), { refs: [v1.id] })
  t.is(state(viewsOf(w)), 'new', 'an untrusted node\'s forced merge and its decision move nothing')

  w.emit(w.root, 'decision', decision(v1.id, 'reject', 'rejected'), { refs: [v1.id] })
  const views = viewsOf(w)
  t.is(state(views), 'rejected', 'this node\'s own decision counts without trusting itself first')

  applyEvent(views, { ...w.trust(p.mallory, 'maintainer'), feed: 'f'.repeat(64), seq: w.events.length - 1 })
  t.is(state(views), 'merged', 'once trusted as maintainer, its merge counts (the state facts follow a trust change)')
})

test('foldTrust(): the root holds every role until it says otherwise about itself', (t) => {
  const w = new World()
  t.alike([...foldTrust([], w.root.key).get(w.root.key) ?? []].sort(), [...ROLES].sort(), 'every role by default')
  w.emit(w.root, 'trust.set', { subject: w.root.key, roles: ['runner'], revoked: true })
  t.alike([...foldTrust(w.events, w.root.key).get(w.root.key) ?? []].sort(), ROLES.filter((r) => r !== 'runner').sort(), 'a revocation of its own removes that role')
  const stranger = cast(new World()).dave
  t.is(foldTrust(w.events, stranger.key).has(w.root.key), false, 'another node does not trust this root')
})
