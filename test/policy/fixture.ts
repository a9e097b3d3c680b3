// Real material for policy tests: a git repository with patch series made by
// git format-patch (v1, a v2 that only rebased, a v2 that changed), homes
// for the people of a project, revisions published with their diffs as
// blobs the way the email bridge does, and in-process sync between homes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { cairnChild } from '../helpers/cli.js'
import type { CairnChild } from '../helpers/cli.js'
import { gitEnv } from '../helpers/git.js'
import { syncOnce } from '../helpers/nodes.js'

const GIT_ENV = gitEnv({ name: 'Dev Eloper' })

export function git (cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' })
}

const lines = (name: string): string => Array.from({ length: 30 }, (_, i) => `${name} line ${i + 1}`).join('\n') + '\n'

/** Replace line `n` (1-based) of a file in the work tree. */
function edit (repo: string, file: string, n: number, text: string): void {
  const path = join(repo, file)
  const content = readFileSync(path, 'utf8').split('\n')
  content[n - 1] = text
  writeFileSync(path, content.join('\n'))
}

interface Edit { file: string, line: number, text: string, subject: string }

export interface Repo {
  dir: string
  /** The first commit: fs/xfs/log.c, fs/xfs/super.c, mm/page.c, README. */
  main: string
  /** A later main: log.c changed far from the series' hunks (a series rebased here keeps its patch-ids). */
  moved: string
  /** format-patch mails of `edits` applied on `base`, in order. */
  patches: (name: string, base: string, edits: Edit[]) => string[]
}

export function makeRepo (dir: string): Repo {
  const repo = join(dir, 'repo')
  mkdirSync(join(repo, 'fs', 'xfs'), { recursive: true })
  mkdirSync(join(repo, 'mm'), { recursive: true })
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'fs/xfs/log.c'), lines('log'))
  writeFileSync(join(repo, 'fs/xfs/super.c'), lines('super'))
  writeFileSync(join(repo, 'mm/page.c'), lines('page'))
  writeFileSync(join(repo, 'README'), 'a kernel\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-q', '-m', 'initial')
  const main = git(repo, 'rev-parse', 'HEAD').trim()
  edit(repo, 'fs/xfs/log.c', 28, 'log line 28, reworded upstream')
  git(repo, 'commit', '-q', '-am', 'xfs: reword line 28')
  const moved = git(repo, 'rev-parse', 'HEAD').trim()
  git(repo, 'checkout', '-q', main)
  return {
    dir: repo,
    main,
    moved,
    patches (name, base, edits) {
      git(repo, 'checkout', '-q', '-B', `series-${name}`, base)
      for (const e of edits) {
        edit(repo, e.file, e.line, e.text)
        git(repo, 'commit', '-q', '-am', e.subject, '-m', `Why: ${e.subject}.`)
      }
      const out = join(dir, 'patches', name)
      git(repo, 'format-patch', '-q', '-o', out, `${base}..HEAD`)
      git(repo, 'checkout', '-q', main)
      return readdirSync(out).sort().map((f) => join(out, f))
    }
  }
}

interface RevisionSpec {
  series: string
  version?: number
  base: string
  patches: string[]
  project?: string
}

/** Publish a series revision on `node`'s feed: each patch's diff part (what git mailinfo calls the patch, from the `---` line) stored as a blob, as the email bridge does. */
export async function publishRevision (node: CairnNode, spec: RevisionSpec): Promise<string> {
  const version = spec.version ?? 1
  const patches = []
  for (const [i, file] of spec.patches.entries()) {
    const mail = readFileSync(file, 'utf8')
    const subject = (/^Subject: (?:\[PATCH[^\]]*\] )?(.*)$/m.exec(mail)?.[1] ?? 'a patch').trim()
    patches.push({
      index: i + 1,
      subject,
      author: { name: 'Dev Eloper', email: 'dev@example.org' },
      message: `Why: ${subject}.`,
      diff: await node.blobs.put(Buffer.from(mail.slice(mail.indexOf('\n---\n') + 1))),
      messageId: `<${spec.series}-v${version}-${i + 1}@example.org>`
    })
  }
  const event = await node.post('series.revision', {
    project: spec.project ?? 'linux-xfs',
    series: spec.series,
    version,
    subject: `[PATCH v${version} 0/${patches.length}] ${spec.series}`,
    base: spec.base,
    total: patches.length,
    patches,
    source: { messageIds: patches.map((p) => p.messageId) }
  }, [])
  return event.id
}

export interface Person { home: string, key: string, name: string, email: string }

/** A home with a published profile (identity.link with name and email): trailers and reasons show the name. */
export async function person (dir: string, handle: string, name: string, email: string): Promise<Person> {
  const home = join(dir, handle)
  const node = await CairnNode.init(home, handle)
  try {
    await node.post('identity.link', { feed: node.feedKey, blobs: node.blobsKey, name, emails: [email] })
    return { home, key: node.identityKey, name, email }
  } finally {
    await node.close()
  }
}

/** Open homes in this process for the duration of `fn` (the CLI must not be running on them). */
export async function withNodes<T> (homes: string[], fn: (nodes: CairnNode[]) => Promise<T>): Promise<T> {
  const nodes: CairnNode[] = []
  try {
    for (const h of homes) nodes.push(await CairnNode.open(h))
    return await fn(nodes)
  } finally {
    // Let indexing of what a sync brought in (on either side) finish first: a node closed while its
    // indexer is still running leaks crypto workers that keep the test process alive.
    for (const n of nodes) await n.indexer.run()
    for (const n of nodes) await n.close()
  }
}

/** Replicate: every `to` home receives what `from` carries (feeds spread transitively through it). */
export async function sync (from: string, to: string[]): Promise<void> {
  await withNodes([from, ...to], async ([source, ...targets]) => {
    for (const target of targets) {
      if (!await syncOnce(source as CairnNode, target)) throw new Error(`sync ${from} -> ${target.paths.dir} did not catch up`)
    }
  })
}

/** Bring every home up to date with all the others, through `hub`. */
async function syncAll (hub: string, others: string[]): Promise<void> {
  await withNodes([hub, ...others], async ([h, ...rest]) => {
    for (const o of rest) if (!await syncOnce(o, h as CairnNode)) throw new Error(`sync ${o.paths.dir} -> ${hub} did not catch up`)
    for (const o of rest) if (!await syncOnce(h as CairnNode, o)) throw new Error(`sync ${hub} -> ${o.paths.dir} did not catch up`)
  })
}

/** A long-running cairn command whose output lines are kept to wait on (test/helpers/cli.ts). */
type Background = CairnChild
export const cairnBackground = cairnChild

export const SMALLEST_POLICY = 'reviews: { required: 2, role: reviewer }\ntests: { required: [quick] }\nveto: [Nacked-by]\n'

export const BUILD_1 = '0ydnqxlkkd5pkq7b6f3awkg5d1s8s8rm9ysb8f4fjqchdbw2ci7x'
export const BUILD_2 = '1mk5f3nmv8wbj4gxsvd7y5rq0l2dy2c0n3vq1i6b6cgzpn1xq0ha'

/** The body of a runner's result for a job, in exactly the shape machines/facts.ts matches (job -> revision and profile). */
export function resultBody (job: string, verdict: 'pass' | 'fail', build: string, profile = 'quick'): Record<string, unknown> {
  return {
    job,
    build,
    testRun: `${build}-${profile}`,
    verdict,
    tests: [{ name: 'quick/boot', status: verdict, duration: 1200 }],
    logs: [],
    environment: { arch: 'x86_64', profile }
  }
}

/** The body of a job.request for a revision and profile, as `cairn job submit` or the maintainer's node posts it. */
export function jobBody (revision: string, base: string, profile = 'quick'): Record<string, unknown> {
  return { project: 'linux-xfs', repo: 'https://git.example.org/xfs.git', base, revision, recipe: {}, profile, tags: [], priority: 0 }
}
