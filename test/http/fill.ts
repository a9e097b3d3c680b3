// Real signed events for the HTTP and browser tests: a maintainer's node with
// a two-revision series (diffs stored as blobs), a review and a job, and a
// lab's node with a baseline and a run of the series holding one regression.
import type { CairnNode } from '../../node/node.js'
import type { CairnEvent } from '../../protocol/event.js'

export const DIFF_V2 = [
  'diff --git a/fs/xfs/xfs_inode.c b/fs/xfs/xfs_inode.c',
  '--- a/fs/xfs/xfs_inode.c',
  '+++ b/fs/xfs/xfs_inode.c',
  '@@ -10,7 +10,7 @@ xfs_iget(',
  ' \tint error;',
  '-\terror = xfs_iread(mp, tp, ip, flags);',
  '+\terror = xfs_iread(mp, tp, ip, flags | XFS_IGET_UNTRUSTED);',
  ' \tif (error)',
  ''
].join('\n')

export const LOG_TEXT = 'FSTYP         -- xfs\nPLATFORM      -- Linux/x86_64 lab-3\n\ngeneric/001 0s ... 1s\ngeneric/002 - output mismatch (see 002.out.bad)\n'

interface Filled {
  v1: CairnEvent<'series.revision'>
  v2: CairnEvent<'series.revision'>
  review: CairnEvent<'review'>
  job: CairnEvent<'job.request'>
  diffHash: string
}

/** On the maintainer's node: profile, notes, series v1 and v2 with diffs, a review of v2, a job for v2. */
export async function fillMaintainer (node: CairnNode, t0 = Date.UTC(2026, 0, 5, 9)): Promise<Filled> {
  await node.post('identity.link', { feed: node.feedKey, blobs: node.blobsKey, name: 'maintainer', emails: ['maint@example.org'] })
  await node.postMany([
    { type: 'note', body: { text: 'first note from the maintainer' }, ts: t0 },
    { type: 'note', body: { text: 'second note, about xfs' }, ts: t0 + 1000 }
  ])
  await node.indexer.run() // block by block: a frame of one block is checked inline, no worker start-up
  const d1 = await node.blobs.put(new TextEncoder().encode(DIFF_V2.replace('XFS_IGET_UNTRUSTED', 'XFS_IGET_DONTCACHE')))
  const d2 = await node.blobs.put(new TextEncoder().encode(DIFF_V2))
  const revision = (version: number, diff: typeof d1, ts: number): Parameters<CairnNode['postMany']>[0][number] => ({
    type: 'series.revision',
    ts,
    body: {
      project: 'linux',
      series: 'xfs-untrusted-iget',
      version,
      subject: 'xfs: mark inodes read from disk untrusted',
      cover: { subject: `[PATCH v${version} 0/1] xfs: mark inodes read from disk untrusted`, body: 'Inodes read during recovery are not trusted yet.' },
      base: 'a'.repeat(40),
      total: 1,
      patches: [{ index: 1, subject: 'xfs: pass XFS_IGET_UNTRUSTED from xfs_iget', author: { name: 'Dev One', email: 'dev@example.org' }, diff, messageId: `<v${version}-1@example.org>` }],
      source: { messageIds: [`<v${version}-0@example.org>`, `<v${version}-1@example.org>`], list: 'linux-xfs@vger.kernel.org' },
      changeId: '20260105-untrusted-iget'
    }
  })
  const [v1, v2] = await node.postMany([revision(1, d1, t0 + 2000), revision(2, d2, t0 + 3000)]) as [CairnEvent<'series.revision'>, CairnEvent<'series.revision'>]
  await node.indexer.run()
  const review = await node.post('review', { target: { revision: v2.id }, trailers: [{ key: 'Reviewed-by', value: 'Maint Ainer <maint@example.org>' }], comment: 'Looks right.' }, [v2.id])
  const job = await node.post('job.request', { project: 'linux', repo: 'https://git.example.org/linux.git', base: 'a'.repeat(40), revision: v2.id, recipe: { kind: 'fstests' }, profile: 'xfs-quick', tags: ['x86_64'], priority: 0 }, [v2.id])
  return { v1, v2, review, job, diffHash: d2.hash }
}

/** On the lab's node: a profile, a baseline result and the series' result (generic/002 regressed). */
export async function fillLab (node: CairnNode, job: string, t0 = Date.UTC(2026, 0, 5, 10)): Promise<{ baseline: CairnEvent<'result'>, run: CairnEvent<'result'>, logHash: string }> {
  await node.post('identity.link', { feed: node.feedKey, blobs: node.blobsKey, name: 'lab-3' })
  const log = await node.blobs.put(new TextEncoder().encode(LOG_TEXT))
  const env = { kernel: '6.13.0-rc1', arch: 'x86_64' }
  const [baseline, run] = await node.postMany([
    {
      type: 'result',
      ts: t0,
      body: {
        build: 'b'.repeat(32), testRun: 'r'.repeat(32), verdict: 'pass', environment: env, logs: [],
        tests: [{ name: 'generic/001', status: 'pass', duration: 1200 }, { name: 'generic/002', status: 'pass', duration: 800 }, { name: 'generic/003', status: 'skip' }]
      }
    },
    {
      type: 'result',
      ts: t0 + 60_000,
      refs: [job],
      body: {
        job, build: 'c'.repeat(32), testRun: 's'.repeat(32), verdict: 'fail', environment: env, logs: [{ name: 'check.log', blob: log }],
        tests: [{ name: 'generic/001', status: 'pass', duration: 1100 }, { name: 'generic/002', status: 'fail', duration: 900, detail: 'output mismatch (see 002.out.bad)' }, { name: 'generic/003', status: 'skip' }]
      }
    }
  ]) as [CairnEvent<'result'>, CairnEvent<'result'>]
  await node.indexer.run()
  return { baseline, run, logHash: log.hash }
}
