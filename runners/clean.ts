/**
 * `cairn job clean`: what a finished job left on this machine. Its work
 * directory under the runner's workdir (a runner removes it after each job;
 * one killed mid-job leaves it) and this node's copy of the logs and
 * artifacts its results name. The events stay: the results, their
 * identities and the blobs' hashes are still there to compare and reuse,
 * and a blob a peer holds can be fetched again.
 */
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { CairnNode } from '../node/node.js'
import { resultsOfJob } from '../node/views/results.js'

interface Cleaned { job: string, dir: string | null, blobs: number, bytes: number }

export async function cleanJob (node: CairnNode, job: string, workdir: string): Promise<Cleaned> {
  const dir = join(workdir, 'jobs', job)
  const hadDir = existsSync(dir)
  if (hadDir) rmSync(dir, { recursive: true, force: true })
  let blobs = 0
  let bytes = 0
  const seen = new Set<string>()
  for (const result of resultsOfJob(node.views, job)) {
    for (const log of result.body.logs) {
      if (seen.has(log.blob.hash)) continue
      seen.add(log.blob.hash)
      const freed = await node.blobs.drop(log.blob)
      if (freed > 0) { blobs++; bytes += freed }
    }
  }
  return { job, dir: hadDir ? dir : null, blobs, bytes }
}
