import type { Draft } from '../../protocol/event.js'
import type { EventType } from '../../protocol/schemas.js'

const K = (c: string): string => c.repeat(64)
const blob = { hash: K('b'), core: K('c'), offset: 0, length: 1234 }

/** One realistic draft of every event type, with a fixed ts: the golden test pins their exact bytes. */
export const GOLDEN_DRAFTS: { [T in EventType]: Draft<T> } = {
  'identity.link': { type: 'identity.link', ts: 1_763_700_000_000, body: { feed: K('f'), blobs: K('e'), name: 'Ada Lovelace', emails: ['ada@example.org'] } },
  'trust.set': { type: 'trust.set', ts: 1_763_700_000_001, body: { subject: K('a'), roles: ['reviewer', 'maintainer'] } },
  note: { type: 'note', ts: 1_763_700_000_002, refs: [K('1')], body: { subject: 'xfs/042 flaky on arm64', text: 'Seen twice this week; log attached to the result.' } },
  'series.revision': {
    type: 'series.revision',
    ts: 1_763_700_000_003,
    body: {
      project: 'linux-xfs',
      series: '20251121-xfs-fix-v2@example.org',
      version: 2,
      subject: 'xfs: fix log recovery of unlinked inodes',
      cover: { subject: '[PATCH v2 0/2] xfs: fix log recovery of unlinked inodes', body: 'This series fixes...' },
      base: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      total: 2,
      patches: [
        { index: 1, subject: 'xfs: add helper', author: { name: 'Ada Lovelace', email: 'ada@example.org' }, message: 'Signed-off-by: Ada Lovelace <ada@example.org>', diff: blob, messageId: 'p1@example.org' },
        { index: 2, subject: 'xfs: use helper', missing: true }
      ],
      source: { messageIds: ['c0@example.org', 'p1@example.org'], list: 'linux-xfs@vger.kernel.org' },
      changeId: '20251121-xfs-fix-0123456789ab'
    }
  },
  review: { type: 'review', ts: 1_763_700_000_004, refs: [K('2')], body: { target: { revision: K('2'), patch: 1 }, trailers: [{ key: 'Reviewed-by', value: 'Grace Hopper <grace@example.org>' }], comment: 'Looks right.' } },
  'job.request': { type: 'job.request', ts: 1_763_700_000_005, body: { project: 'linux-xfs', repo: 'https://git.example.org/xfs.git', base: 'v6.18', revision: K('2'), recipe: { test: { run: 'sh t.sh', parser: 'tap' } }, profile: 'quick', tags: ['x86_64', 'xfs'], priority: 5 } },
  'job.claim': { type: 'job.claim', ts: 1_763_700_000_006, body: { job: K('3'), runner: K('4'), leaseUntil: 1_763_700_600_006 } },
  'job.progress': { type: 'job.progress', ts: 1_763_700_000_007, body: { job: K('3'), step: 'test', state: 'running' } },
  result: { type: 'result', ts: 1_763_700_000_008, body: { job: K('3'), build: '0ydnqxlkkd5pkq7b6f3awkg5d1s8s8rm9ysb8f4fjqchdbw2ci7x', testRun: '1mk5f3nmv8wbj4gxsvd7y5rq0l2dy2c0n3vq1i6b6cgzpn1xq0ha', verdict: 'fail', tests: [{ name: 'generic/001', status: 'pass', duration: 3000 }, { name: 'xfs/042', status: 'fail', duration: 12000, detail: 'output mismatch' }], logs: [{ name: 'check.log', blob }], environment: { arch: 'x86_64', kernel: '6.18.0' } } },
  decision: { type: 'decision', ts: 1_763_700_000_009, body: { revision: K('2'), machine: 'merge-policy', machineVersion: '1', policyHash: K('5'), state: 'ready', verdict: 'merge', reasons: ['2 Reviewed-by from trusted reviewers', 'test profile quick passed'], inputs: [K('6'), K('7')] } },
  merge: { type: 'merge', ts: 1_763_700_000_010, body: { revision: K('2'), branch: 'for-next', commit: '0123456789abcdef0123456789abcdef01234567' } },
  bisect: { type: 'bisect', ts: 1_763_700_000_012, refs: [K('8'), K('9')], body: { scheme: 'cairn/bisect/v1', project: 'linux-xfs', repo: 'https://git.example.org/xfs.git', good: K('1').slice(0, 40), bad: K('2').slice(0, 40), test: 'xfs/042', recipe: {}, profile: 'quick', tags: ['x86_64'], commits: 3, steps: [{ commit: K('3').slice(0, 40), outcome: 'bad', results: [K('8')] }, { commit: K('4').slice(0, 40), outcome: 'good', results: [K('9')] }], firstBad: K('3').slice(0, 40) } },
  'mail.raw': { type: 'mail.raw', ts: 1_763_700_000_011, body: { reason: 'not a patch and not a reply to a known message', messageId: 'x@example.org', list: 'linux-xfs@vger.kernel.org', subject: 'Lunch?', mail: blob } }
}

/** The golden identity: a fixed seed, so signatures (deterministic in ed25519) are pinned too. */
export const GOLDEN_SEED = new Uint8Array(32).fill(7)
