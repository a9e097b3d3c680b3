// A small real project for runner tests: a git repo whose TAP suite has one
// known failure, a format-patch that fixes it, a patch that does not apply,
// and helpers to publish them as a series revision and keep nodes in sync.
import type { TestInstance } from 'brittle'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CairnNode } from '../../node/node.js'
import { resultsOfJob } from '../../node/views/results.js'
import type { ResultEvent } from '../../node/views/results.js'
import { Runner } from '../../runners/runner.js'
import type { RunnerOptions } from '../../runners/runner.js'
import { jobRequestBody } from '../../runners/submit.js'
import type { SubmitOptions } from '../../runners/submit.js'
import { connect, listen } from '../../node/net/sync.js'
import { gitEnv } from '../helpers/git.js'
import { repoRoot } from '../helpers/paths.js'

export const fixture = (name: string): string => join(repoRoot, 'test', 'fixtures', 'runners', name)

const GIT_ENV = gitEnv()

export function git (cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' })
}

interface Project {
  repo: string
  /** format-patch of the fix (value 41 -> 42): test 2 passes with it. */
  fix: string
  /** A patch against a different file content: does not apply on main. */
  broken: string
  main: string
}

/** The project in `dir`/repo: t.sh (TAP, test 2 fails), `value` = 41, a checked-in .cairn/recipe.yaml. */
export function makeProject (dir: string, opts: { script?: string } = {}): Project {
  const repo = join(dir, 'repo')
  mkdirSync(join(repo, '.cairn'), { recursive: true })
  git(repo, 'init', '-q', '-b', 'main')
  if (opts.script !== undefined) writeFileSync(join(repo, 't.sh'), opts.script)
  else copyFileSync(fixture('suite.sh'), join(repo, 't.sh'))
  copyFileSync(fixture('recipe.yaml'), join(repo, '.cairn', 'recipe.yaml'))
  writeFileSync(join(repo, 'value'), '41\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-q', '-m', 'initial')
  const main = git(repo, 'rev-parse', 'HEAD').trim()
  const patches = join(dir, 'patches')
  git(repo, 'checkout', '-q', '-b', 'fix')
  writeFileSync(join(repo, 'value'), '42\n')
  git(repo, 'commit', '-q', '-am', 'value: fix the answer', '-m', 'It was off by one.')
  git(repo, 'format-patch', '-q', '-1', '-o', join(patches, 'fix'))
  git(repo, 'checkout', '-q', '-b', 'other', 'main')
  writeFileSync(join(repo, 'value'), '40\n')
  git(repo, 'commit', '-q', '-am', 'value: something else')
  writeFileSync(join(repo, 'value'), '43\n')
  git(repo, 'commit', '-q', '-am', 'value: change what is not there')
  git(repo, 'format-patch', '-q', '-1', '-o', join(patches, 'broken'))
  git(repo, 'checkout', '-q', 'main')
  git(repo, 'branch', '-q', '-D', 'fix', 'other')
  const one = (d: string): string => join(d, readdirSync(d)[0] as string)
  return { repo, fix: one(join(patches, 'fix')), broken: one(join(patches, 'broken')), main }
}

/** Publish a one-patch series revision from a format-patch file (or only its diff), as the email bridge would. */
export async function postSeries (node: CairnNode, patchFile: string, opts: { series?: string, base?: string, diffOnly?: boolean } = {}): Promise<string> {
  const mail = readFileSync(patchFile, 'utf8')
  const subject = /^Subject: (?:\[PATCH\] )?(.*)$/m.exec(mail)?.[1] ?? 'a patch'
  const content = opts.diffOnly === true ? mail.slice(mail.indexOf('diff --git')) : mail
  const diff = await node.blobs.put(Buffer.from(content))
  const event = await node.post('series.revision', {
    project: 'repo',
    series: opts.series ?? 'fix-answer',
    version: 1,
    subject: `[PATCH] ${subject}`,
    ...(opts.base === undefined ? {} : { base: opts.base }),
    total: 1,
    patches: [{ index: 1, subject, author: { name: 'Dev One', email: 'dev@example.org' }, message: 'It was off by one.', diff }],
    source: { messageIds: [`<${subject.replace(/\W+/g, '-')}@example.org>`] }
  })
  return event.id
}

/**
 * An empty git repo under `dir` whose recipe runs `t.sh` (these `lines`) and
 * reads its output with `parser`; `runs`, given to `lines`, is a directory beside it (outside the
 * repo) where the script may count its runs.
 */
export function scriptedRepo (dir: string, parser: string, lines: (runs: string) => string[]): { repo: string, runs: string } {
  const repo = join(dir, 'repo')
  const runs = join(dir, 'runs')
  mkdirSync(join(repo, '.cairn'), { recursive: true })
  mkdirSync(runs)
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, '.cairn', 'recipe.yaml'), `test:\n  run: sh t.sh\n  parser: ${parser}\n`)
  writeFileSync(join(repo, 't.sh'), [...lines(runs), ''].join('\n'))
  return { repo, runs }
}

/**
 * A repo of `count` commits, commit i writing i to `n`. Its TAP suite: "answer"
 * fails from `breaksAt` on, and is inverted at `flakesAt` on that commit's
 * first run; "flaky" passes on odd runs of a commit and fails on even ones.
 * Runs are counted per commit in `runs/` (outside the repo).
 */
export function makeBisectRepo (dir: string, { count, breaksAt, flakesAt }: { count: number, breaksAt: number, flakesAt: number }): { repo: string, commits: string[], runs: string } {
  const { repo, runs } = scriptedRepo(dir, 'tap', (runs) => [
    'n=$(cat n)',
    `f=${runs}/$n`,
    'r=$(( $(cat "$f" 2>/dev/null || echo 0) + 1 )); echo $r > "$f"',
    `bad=0; [ "$n" -ge ${breaksAt} ] && bad=1`,
    `[ "$n" -eq ${flakesAt} ] && [ "$r" -eq 1 ] && bad=$((1 - bad))`,
    'echo "TAP version 13"; echo 1..2',
    'if [ $bad = 1 ]; then echo "not ok 1 - answer"; else echo "ok 1 - answer"; fi',
    'if [ $((r % 2)) = 1 ]; then echo "ok 2 - flaky"; else echo "not ok 2 - flaky"; fi',
  ])
  const commits: string[] = []
  for (let i = 0; i < count; i++) {
    writeFileSync(join(repo, 'n'), `${i}\n`)
    git(repo, 'add', '.')
    git(repo, 'commit', '-q', '-m', `commit ${i}`)
    commits.push(git(repo, 'rev-parse', 'HEAD').trim())
  }
  return { repo, commits, runs }
}

/** Test runs so far, per commit number. */
export function runsOf (dir: string): Map<number, number> {
  return new Map(readdirSync(dir).map((f) => [Number(f), Number(readFileSync(join(dir, f), 'utf8'))]))
}
/** A runner on `node` in a temp workdir, stopped when the test ends; `lines` is its log. */
export async function startRunner (t: TestInstance, node: CairnNode, opts: Partial<RunnerOptions> = {}): Promise<{ runner: Runner, lines: string[], workdir: string }> {
  const workdir = opts.workdir ?? await t.tmp()
  const lines: string[] = []
  const runner = new Runner(node, { tags: [], workdir, jobs: 1, leaseMs: 5000, settleMs: 300, graceMs: 200, log: (l) => lines.push(l), ...opts })
  await runner.start()
  t.teardown(async () => await runner.stop(), { order: -2 })
  return { runner, lines, workdir }
}

/** Post the job.request `cairn job submit` would; its EventId. */
export async function submit (node: CairnNode, opts: SubmitOptions): Promise<string> {
  const { body, refs } = await jobRequestBody(node.views, opts)
  return (await node.post('job.request', body, refs)).id
}

/** The job's result, unless it was aborted. */
export const settled = (node: CairnNode, job: string): ResultEvent | undefined =>
  resultsOfJob(node.views, job).find((r) => r.body.verdict !== 'aborted')

/** Keep `a` and `b` replicating live until the test ends. */
export async function liveSync (t: TestInstance, a: CairnNode, b: CairnNode): Promise<void> {
  const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const session = await connect(b, { host: '127.0.0.1', port: address.port })
  t.teardown(async () => {
    session.destroy()
    for (const s of sessions) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  }, { order: -1 })
}

/** Poll until `fn` returns a value (not undefined/null/false), or fail after `ms`. */
export async function until<T> (what: string, fn: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v !== null && v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** True when no process with this pid runs any more (a zombie waiting to be reaped counts as gone). */
function gone (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}

/** Wait until every pid is gone: SIGKILL is delivered asynchronously, so give it a moment. */
export async function allGone (pids: number[], ms = 5000): Promise<boolean> {
  try {
    await until('processes to end', () => pids.every(gone), ms)
    return true
  } catch {
    return false
  }
}

export { cairnChild } from '../helpers/cli.js'
