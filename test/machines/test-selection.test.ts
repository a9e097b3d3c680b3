import test from 'brittle'
import { initialTransition, transition } from 'xstate'
import { validateDraft } from '../../protocol/event.js'
import { parsePolicy } from '../../machines/policy-file.js'
import { jobDrafts, selectJobs, selectProfiles, testSelection } from '../../machines/test-selection.js'
import type { JobTemplate } from '../../machines/test-selection.js'
import { cast, World } from './fixtures.js'

const POLICY = parsePolicy([
  'reviews: { required: 1 }',
  'tests: { required: [quick] }',
  'veto: [Nacked-by]',
  'paths:',
  "  - match: 'fs/xfs/**'",
  '    tests: { required: [xfs-quick] }',
  'selection:',
  "  - match: 'fs/**'",
  '    profiles: [fstests-quick]',
  "  - match: 'drivers/net/'",
  '    profiles: [net-selftests, quick]',
  "  - match: '**/*.rst'",
  '    profiles: [htmldocs]'
].join('\n'))

const TEMPLATE: JobTemplate = { repo: 'https://git.example.org/linux.git', base: 'master', recipe: { run: 'make' }, recipes: { 'xfs-quick': { run: 'check -g quick' } }, tags: ['x86_64'], priority: 3 }

test('selectProfiles() unions required, path-rule and selection profiles for the touched paths', t => {
  t.alike(selectProfiles(['fs/xfs/xfs_log.c'], POLICY), ['fstests-quick', 'quick', 'xfs-quick'])
  t.alike(selectProfiles(['fs/ext4/inode.c'], POLICY), ['fstests-quick', 'quick'])
  t.alike(selectProfiles(['drivers/net/ethernet/e1000/e1000_main.c'], POLICY), ['net-selftests', 'quick'], "a trailing '/' covers the whole tree")
  t.alike(selectProfiles(['Documentation/filesystems/xfs.rst', 'MAINTAINERS'], POLICY), ['htmldocs', 'quick'])
  t.alike(selectProfiles([], POLICY), ['quick'])
})

test('jobDrafts() makes valid job.request drafts for the revision', t => {
  const w = new World()
  const p = cast(w)
  const rev = w.revision(p.dev)
  const drafts = jobDrafts(rev, ['quick', 'xfs-quick'], TEMPLATE)
  t.is(drafts.length, 2)
  for (const d of drafts) validateDraft(d.type, d.body, d.refs)
  t.alike(drafts[1], {
    type: 'job.request',
    refs: [rev.id],
    body: { project: 'linux-xfs', repo: TEMPLATE.repo, base: rev.body.base, revision: rev.id, recipe: { run: 'check -g quick' }, profile: 'xfs-quick', tags: ['x86_64'], priority: 3 }
  })
  t.alike(drafts[0]?.body.recipe, { run: 'make' })
})

test('testSelection transition(): paths -> requested, returning one requestJob action per missing profile', t => {
  const w = new World()
  const p = cast(w)
  const rev = w.revision(p.dev)
  let [s, actions] = initialTransition(testSelection, { revision: rev, policy: POLICY, template: TEMPLATE })
  t.is(s.value, 'waiting')
  t.alike(actions, [])
  ;[s, actions] = transition(testSelection, s, { type: 'requested', profile: 'quick' })
  t.is(s.value, 'waiting')
  ;[s, actions] = transition(testSelection, s, { type: 'paths', paths: ['fs/xfs/xfs_log.c'] })
  t.is(s.value, 'requested')
  t.is(s.status, 'done')
  t.alike(actions.map((a) => a.type), ['requestJob', 'requestJob'])
  t.alike(actions.map((a) => (a.params as { draft: { body: { profile: string } } }).draft.body.profile), ['fstests-quick', 'xfs-quick'], 'quick already has a job')
})

test('testSelection transition(): nothing to run, or everything already requested', t => {
  const w = new World()
  const p = cast(w)
  const rev = w.revision(p.dev)
  const none = parsePolicy('reviews: { required: 1 }\ntests: { required: [] }\nveto: []\n')
  let [s] = initialTransition(testSelection, { revision: rev, policy: none, template: TEMPLATE })
  let actions
  ;[s, actions] = transition(testSelection, s, { type: 'paths', paths: ['README'] })
  t.is(s.value, 'none')
  t.alike(actions, [])
  t.alike(selectJobs({ revision: rev, policy: POLICY, template: TEMPLATE }, ['README'], ['quick']), [], 'covered: no drafts')
  t.is(selectJobs({ revision: rev, policy: POLICY, template: TEMPLATE }, ['fs/xfs/a.c']).length, 3)
})
