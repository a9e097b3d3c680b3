import type { CairnNode } from '../../node/node.js'
import { BUILD_1, resultBody } from '../policy/fixture.js'

/** A one-patch revision of project linux from `list` (touching `files`, when given), as a bridge posts it; returns its id. */
export async function postRevision (node: CairnNode, list: string, files: string[] = []): Promise<string> {
  const diff = await node.blobs.put(Buffer.from([list, ...files].map((f) => `diff --git a/${f} b/${f}\n`).join('')))
  return (await node.post('series.revision', {
    project: 'linux',
    series: `${list}-fix`,
    version: 1,
    subject: `[PATCH] ${list}: fix`,
    total: 1,
    patches: [{ index: 1, subject: `${list}: fix`, author: { name: 'Dev', email: 'dev@example.org' }, message: 'Fix.', diff, ...(files.length === 0 ? {} : { files }) }],
    source: { messageIds: [`<${list}@example.org>`], list }
  })).id
}

/** A maintainer's job for a revision. */
export const job = async (node: CairnNode, revision: string): Promise<string> =>
  (await node.post('job.request', { project: 'linux', repo: 'https://git.example.org/linux.git', base: 'HEAD', revision, recipe: {}, profile: 'quick', tags: [], priority: 0 }, [revision])).id

/** A runner's claim and passing result of a job. */
export async function answer (runner: CairnNode, jobId: string): Promise<void> {
  await runner.post('job.claim', { job: jobId, runner: runner.identityKey, leaseUntil: Date.now() + 60_000 }, [jobId])
  await runner.post('result', resultBody(jobId, 'pass', BUILD_1) as never, [jobId])
}
