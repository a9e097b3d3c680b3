/**
 * Apply a series revision to a git repository the way `b4 shazam` does:
 * each patch rebuilt as a mail (author, date, subject, commit message with
 * the trailers collected from reviews added to its trailer block, the diff
 * as received) and fed to `git am`. `cairn series apply` and `cairn merge`
 * use applyRevision; `cairn series diff --repo` uses rangeDiff, which applies
 * two revisions in throwaway worktrees and runs `git range-diff`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { CairnNode } from '../node/node.js'
import { findRevisionView, findSeries, patchTrailers } from '../node/views/series/index.js'
import type { RevisionView, SeriesView } from '../node/views/series/index.js'
import { CairnError } from '../protocol/errors.js'
import type { CairnCode } from '../protocol/errors.js'
import { git } from './git.js'
import { applyPatches } from './workspace.js'

interface ApplyOptions {
  node: CairnNode
  /** A revision (from the series view), or anything `cairn series show` accepts (its latest revision). */
  revision: string | RevisionView
  /** Path of a git working tree. */
  repo: string
  /** Create this branch at the base and apply there; without it the series goes onto the current HEAD. */
  branch?: string
  /** Where to apply: a ref or commit; default the revision's base-commit when the repo has it, else HEAD. */
  base?: string
  /** Add trailers collected from reviews (default true). */
  trailers?: boolean
  /**
   * Which reviews' trailers count (default all), applied to every revision of
   * the series: a partial reroll collects what its carried patches got in the
   * version they come from, so filtering only `revision.reviews` is not enough.
   */
  reviews?: (review: RevisionView['reviews'][number]) => boolean
}

interface Applied {
  /** HEAD after the series: the last patch's commit. */
  commit: string
  /** The branch it is on ('' when HEAD is detached). */
  branch: string
  /** The commit the series was applied onto. */
  base: string
  /** Commits made, one per patch. */
  patches: number
  revision: string
}

type Env = Record<string, string>

/** The user's own git (their identity and config, as b4 uses it), with hooks off and messages in English. */
async function userEnv (repo: string): Promise<Env> {
  const env: Env = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  env.LC_ALL = 'C'
  env.GIT_TERMINAL_PROMPT = '0'
  // git am needs a committer; a machine with none configured gets a stand-in rather than a failure
  if ((await git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo, env })).code !== 0) {
    env.GIT_COMMITTER_NAME = 'cairn'
    env.GIT_COMMITTER_EMAIL = 'cairn@localhost'
  }
  return env
}

/**
 * git am's own report without its advice ("run git am --continue", hints):
 * cairn has aborted the am already, in a repository or a throwaway worktree
 * the user never sees, so that advice would point nowhere.
 */
function amProblem (output: string): string {
  return output.split('\n').filter((l) => !/^hint:|git am --(continue|skip|abort)/.test(l.trim())).join('\n').trim()
}

async function gitOut (args: string[], cwd: string, env: Env, code: CairnCode): Promise<string> {
  const r = await git(args, { cwd, env })
  if (r.code !== 0) throw new CairnError(code, `git ${args.join(' ')} failed in ${cwd}: ${(r.stderr || r.stdout).trim()}`)
  return r.stdout.trim()
}

async function commitOf (repo: string, ref: string, env: Env): Promise<string | null> {
  const r = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, env })
  return r.code === 0 ? r.stdout.trim() : null
}

/** RFC 2047 for a header value that is not plain ASCII. */
function headerText (s: string): string {
  const flat = s.replace(/\s*\n\s*/g, ' ').trim()
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`
}

/** A commit message with trailers added to its trailer block (a new paragraph when it has none), as b4 does. */
function withTrailers (message: string, hasTrailerBlock: boolean, trailers: ReadonlyArray<{ key: string, value: string }>): string {
  const text = message.replace(/\s+$/, '')
  if (trailers.length === 0) return text === '' ? '' : text + '\n'
  const lines = trailers.map((t) => `${t.key}: ${t.value}`).join('\n')
  if (text === '') return lines + '\n'
  return `${text}${hasTrailerBlock ? '\n' : '\n\n'}${lines}\n`
}

/** The series and revision with only the reviews `keep` accepts. */
function withReviews (series: SeriesView, revision: RevisionView, keep: (review: RevisionView['reviews'][number]) => boolean): { series: SeriesView, revision: RevisionView } {
  const filter = (r: RevisionView): RevisionView => ({ ...r, reviews: r.reviews.filter(keep) })
  return { series: { ...series, revisions: series.revisions.map(filter), latest: filter(series.latest) }, revision: filter(revision) }
}

/** The mails `git am` reads for a revision, trailers collected from reviews included. */
async function amMails (node: CairnNode, series: SeriesView, revision: RevisionView, addTrailers = true): Promise<Buffer[]> {
  const body = revision.body
  const trailers = patchTrailers(series, revision)
  const patches = body.patches.filter((p) => p.index > 0 || p.diff !== undefined).sort((a, b) => a.index - b.index)
  if (patches.length === 0) throw new CairnError('PATCH_MISSING', `revision v${body.version} of ${series.id} has no patches`)
  const out: Buffer[] = []
  for (const p of patches) {
    if (p.missing === true || p.diff === undefined) {
      throw new CairnError('PATCH_MISSING', `patch ${p.index}/${body.total} of ${series.id} v${body.version} is ${p.missing === true ? 'missing (never received)' : 'without a diff'}; the series cannot be applied`)
    }
    const diff = await node.blobs.get(p.diff)
    const t = trailers.get(p.index)
    const own = t?.own ?? []
    const message = withTrailers(p.message ?? '', own.length > 0, addTrailers ? (t?.collected ?? []) : [])
    const author = p.author ?? { name: 'Unknown Author', email: 'unknown@invalid' }
    const head = [
      'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
      `From: ${headerText(author.name)} <${author.email.trim()}>`,
      ...(p.date !== undefined && p.date !== '' ? [`Date: ${p.date}`] : []),
      `Subject: ${headerText(`[PATCH ${p.index}/${body.total}] ${p.subject}`)}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      message
    ].join('\n')
    // mailinfo's patch part starts at the `---` line; a bare diff needs one before it
    const sep = diff.subarray(0, 4).toString('latin1') === '---\n' ? '' : '---\n'
    out.push(Buffer.concat([Buffer.from(head + sep, 'utf8'), diff, diff.length > 0 && diff[diff.length - 1] !== 10 ? Buffer.from('\n') : Buffer.alloc(0)]))
  }
  return out
}

function resolveRevision (node: CairnNode, revision: string | RevisionView): { series: SeriesView, revision: RevisionView } {
  if (typeof revision === 'string') return findRevisionView(node.views, revision)
  return { series: findSeries(node.views, revision.series), revision }
}

async function pickBase (repo: string, revision: RevisionView, wanted: string | undefined, env: Env): Promise<string> {
  if (wanted !== undefined) {
    const c = await commitOf(repo, wanted, env)
    if (c === null) throw new CairnError('BASE', `--base "${wanted}" is not a commit in ${repo}`)
    return c
  }
  const own = revision.body.base === undefined ? null : await commitOf(repo, revision.body.base, env)
  return own ?? await gitOut(['rev-parse', '--verify', 'HEAD^{commit}'], repo, env, 'REPO')
}

/**
 * Apply a revision to `repo`: on a new branch at the base (`branch`), else
 * onto HEAD (detached at `base` when one is given). The working tree must be
 * clean. On a patch that does not apply, `git am --abort` restores the
 * repository and the error carries git's own words.
 */
export async function applyRevision (opts: ApplyOptions): Promise<Applied> {
  const repo = resolve(opts.repo)
  const resolved = resolveRevision(opts.node, opts.revision)
  const { series, revision } = opts.reviews === undefined ? resolved : withReviews(resolved.series, resolved.revision, opts.reviews)
  const env = await userEnv(repo)
  await gitOut(['rev-parse', '--git-dir'], repo, env, 'REPO')
  const dirty = await gitOut(['status', '--porcelain', '--untracked-files=no'], repo, env, 'REPO')
  if (dirty !== '') throw new CairnError('DIRTY', `${repo} has uncommitted changes; commit or stash them first:\n${dirty}`)
  const mails = await amMails(opts.node, series, revision, opts.trailers ?? true)
  const onHead = opts.branch === undefined && opts.base === undefined
  const base = onHead ? await gitOut(['rev-parse', '--verify', 'HEAD^{commit}'], repo, env, 'REPO') : await pickBase(repo, revision, opts.base, env)
  if (opts.branch !== undefined) {
    if ((await git(['check-ref-format', '--branch', opts.branch], { cwd: repo, env })).code !== 0) throw new CairnError('USAGE', `--branch "${opts.branch}" is not a valid branch name`)
    if (await commitOf(repo, `refs/heads/${opts.branch}`, env) !== null) throw new CairnError('BRANCH_EXISTS', `branch ${opts.branch} already exists in ${repo}; pick another name or delete it`)
    await gitOut(['checkout', '--quiet', '-b', opts.branch, base], repo, env, 'REPO')
  } else if (!onHead) {
    await gitOut(['checkout', '--quiet', '--detach', base], repo, env, 'REPO')
  }
  const patchDir = mkdtempSync(join(tmpdir(), 'cairn-apply-'))
  try {
    const r = await applyPatches({ dir: repo, mirror: repo, base }, mails, patchDir, env)
    if (!r.ok) throw new CairnError('APPLY_FAILED', `${series.id} v${revision.version} does not apply onto ${base.slice(0, 12)} in ${repo} (git am aborted, nothing changed):\n${amProblem(r.output)}`)
  } finally {
    rmSync(patchDir, { recursive: true, force: true })
  }
  const commit = await gitOut(['rev-parse', 'HEAD'], repo, env, 'REPO')
  const branch = (await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: repo, env })).stdout.trim()
  return { commit, branch, base, patches: mails.length, revision: revision.id }
}

interface RangeDiffOptions {
  node: CairnNode
  from: RevisionView
  to: RevisionView
  repo: string
  /** Where both are applied when a revision names no base-commit the repo has; default HEAD. */
  base?: string
}

/**
 * `git range-diff` between two revisions as their authors sent them (no
 * collected trailers): each applied with `git am` in a throwaway worktree of `repo` (at its own base-commit when the repo has it,
 * else `base`), the user's checkout untouched.
 */
export async function rangeDiff (opts: RangeDiffOptions): Promise<string> {
  const repo = resolve(opts.repo)
  const env = await userEnv(repo)
  const series = findSeries(opts.node.views, opts.to.series)
  const fallback = opts.base === undefined ? await gitOut(['rev-parse', '--verify', 'HEAD^{commit}'], repo, env, 'REPO') : await pickBase(repo, opts.to, opts.base, env)
  const tmp = mkdtempSync(join(tmpdir(), 'cairn-range-diff-'))
  try {
    const tips: Array<{ base: string, tip: string }> = []
    for (const [i, revision] of [opts.from, opts.to].entries()) {
      const own = revision.body.base === undefined ? null : await commitOf(repo, revision.body.base, env)
      const base = own ?? fallback
      const dir = join(tmp, `v${revision.version}-${i}`)
      await gitOut(['worktree', 'add', '--detach', '--quiet', dir, base], repo, env, 'REPO')
      try {
        // What the author sent: trailers cairn collected from reviews would show as changes between the revisions.
        const r = await applyPatches({ dir, mirror: repo, base }, await amMails(opts.node, series, revision, false), join(tmp, `patches-${i}`), env)
        if (!r.ok) throw new CairnError('APPLY_FAILED', `${series.id} v${revision.version} does not apply onto ${base.slice(0, 12)}${own === null ? ' (it names no base-commit; give --base REF, the commit it was written against)' : ''}:\n${amProblem(r.output)}`)
        tips.push({ base, tip: await gitOut(['rev-parse', 'HEAD'], dir, env, 'REPO') })
      } finally {
        await git(['worktree', 'remove', '--force', dir], { cwd: repo, env })
      }
    }
    const [a, b] = tips as [{ base: string, tip: string }, { base: string, tip: string }]
    return await gitOut(['range-diff', '--no-color', `${a.base}..${a.tip}`, `${b.base}..${b.tip}`], repo, env, 'GIT')
  } finally {
    rmSync(tmp, { recursive: true, force: true })
    await git(['worktree', 'prune'], { cwd: repo, env })
  }
}
