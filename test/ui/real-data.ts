// Real events for the browser test: the git-history corpus through the email
// bridge, and a small project whose series breaks one test, also mailed
// through the bridge and run by a real runner on a lab node (a baseline job
// at the release tag, a job for the series) with results replicated back.
import type { TestInstance } from 'brittle'
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mboxSource } from '../../bridges/email/ingest/sources.js'
import type { IngestSummary } from '../../bridges/email/ingest/ingest.js'
import type { CairnNode } from '../../node/node.js'
import { resultsOfJob } from '../../node/views/results.js'
import type { ResultEvent } from '../../node/views/results.js'
import { Runner } from '../../runners/runner.js'
import { jobRequestBody } from '../../runners/submit.js'
import type { SubmitOptions } from '../../runners/submit.js'
import { ingestMbox, ingestSource } from '../email/ingest-fixture.js'
import { corpus } from '../helpers/paths.js'
import { fixture, git, liveSync, until } from '../runners/fixture.js'

export const CORPUS_LIST = 'git@vger.kernel.org'
export const PROJECT_LIST = 'answer@lists.example.org'

/** 1653 real patch mails of git.git: 515 series (test/email/ingest-git-history.test.ts checks them all). */
export async function ingestCorpus (node: CairnNode): Promise<IngestSummary> {
  return await ingestMbox(node, corpus('git-history', 'git-history.mboxrd'), { list: CORPUS_LIST })
}

/** The test that passes at the release and fails with the series. */
export const REGRESSED = 'math/answer'
export const PATCH_SUBJECT = 'value: make the answer 42'

// TAP: "math/answer" expects the value the project shipped with.
const SUITE = [
  'echo "1..3"',
  'echo "ok 1 - math/adds"',
  'if [ "$(cat value)" = 41 ]; then echo "ok 2 - math/answer"; else echo "not ok 2 - math/answer"; echo "# expected 41, got $(cat value)"; fi',
  'echo "ok 3 - math/subtracts"',
  ''
].join('\n')

/** What v2 of the series says differently: its commit message, and the README follows the value. */
export const V2_MESSAGE = 'Everybody knows the answer is 42; the README now says so too.'
export const V2_README = 'The answer is 42.'

interface RegressionProject {
  repo: string
  /** `git format-patch --base=v1.0 --thread` of the series: one patch. */
  patch: string
  /** The same as `[PATCH v2]`, changed: another message, and the README too. */
  patchV2: string
  dir: string
}

/** A git repo released as v1.0 (its suite passes) and a one-patch series that breaks `answer`, in two versions. */
export function makeRegressionProject (dir: string): RegressionProject {
  const repo = join(dir, 'answer')
  mkdirSync(join(repo, '.cairn'), { recursive: true })
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, 't.sh'), SUITE)
  copyFileSync(fixture('recipe.yaml'), join(repo, '.cairn', 'recipe.yaml'))
  writeFileSync(join(repo, 'value'), '41\n')
  writeFileSync(join(repo, 'README'), 'answer: a project with one number.\nThe answer is 41.\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-q', '-m', 'answer: the first release')
  git(repo, 'tag', 'v1.0')
  git(repo, 'checkout', '-q', '-b', 'topic')
  writeFileSync(join(repo, 'value'), '42\n')
  git(repo, 'commit', '-q', '-am', PATCH_SUBJECT, '-m', 'Everybody knows the answer is 42.', '-m', 'Signed-off-by: Dev One <dev@example.org>')
  const out = join(dir, 'patches')
  git(repo, 'format-patch', '-q', '-1', '--thread', '--base=v1.0', '-o', out)
  writeFileSync(join(repo, 'README'), `answer: a project with one number.\n${V2_README}\n`)
  git(repo, 'commit', '-q', '--amend', '-a', '--date=2025-01-08T00:00:00Z', '-m', PATCH_SUBJECT, '-m', V2_MESSAGE, '-m', 'Signed-off-by: Dev One <dev@example.org>')
  const out2 = join(dir, 'patches-v2')
  git(repo, 'format-patch', '-q', '-1', '-v2', '--thread', '--base=v1.0', '-o', out2)
  git(repo, 'checkout', '-q', 'main')
  return { repo, dir, patch: join(out, readdirSync(out)[0] as string), patchV2: join(out2, readdirSync(out2)[0] as string) }
}

/** The series merged and released as v1.1: the regression ships. */
export function releaseWithSeries (project: RegressionProject): void {
  git(project.repo, 'am', '-q', project.patch)
  git(project.repo, 'tag', 'v1.1')
}

/** The series (v1, or the patch given: v2) through the email bridge, as a list's mail would arrive. */
export async function ingestSeries (node: CairnNode, project: RegressionProject, patch = project.patch): Promise<IngestSummary> {
  return await ingestSource(node, mboxSource(patch, { mboxrd: false }), { list: PROJECT_LIST })
}

/**
 * The lab: a runner that takes the maintainer's jobs, trusted as a runner
 * by the maintainer; both replicate live until the test ends.
 */
export async function startLab (t: TestInstance, maint: CairnNode, lab: CairnNode): Promise<Runner> {
  await lab.post('identity.link', { feed: lab.feedKey, blobs: lab.blobsKey, name: 'lab-3' })
  await lab.trust(maint.identityKey, ['maintainer'])
  await maint.trust(lab.identityKey, ['runner'])
  await liveSync(t, maint, lab)
  const runner = new Runner(lab, { tags: [], workdir: await t.tmp(), jobs: 1, leaseMs: 10_000, settleMs: 200, graceMs: 200, telemetryMs: 20 })
  await runner.start()
  t.teardown(async () => await runner.stop(), { order: -2 })
  return runner
}

/** Submit a job on the maintainer's node (as `cairn job submit` does). */
export async function submitJob (maint: CairnNode, opts: SubmitOptions): Promise<string> {
  const { body, refs } = await jobRequestBody(maint.views, opts)
  return (await maint.post('job.request', body, refs)).id
}

/** Wait until the job's result has come back to the maintainer's node. */
export async function resultOf (maint: CairnNode, job: string, ms = 30_000): Promise<ResultEvent> {
  return await until(`the result of job ${job.slice(0, 12)}`, () => resultsOfJob(maint.views, job).find((r) => r.body.verdict !== 'aborted'), ms)
}
