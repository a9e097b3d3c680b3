/**
 * Git workspaces for jobs. Each repository is mirrored once per runner
 * (workdir/repos/, refreshed before every job); each job gets a detached
 * worktree of that mirror at its base commit, the series applied with
 * `git am`, and is removed afterwards.
 *
 * The source tree is named by its git tree id after the series is applied
 * (two routes to the same tree share results) and by the NAR hash of the
 * checked-out files, so a Nix user can check it with nix-hash.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { narHashBase32 } from '../nix/nar.js'
import { CairnError } from '../protocol/errors.js'
import { git, gitOk } from './git.js'

export interface Workspace {
  /** The checked-out tree (a git worktree): steps run here. */
  dir: string
  mirror: string
  /** The base commit the worktree started at. */
  base: string
}

/** One mirror per repository, updated under a per-repository lock (git takes its own locks and fails rather than waits). */
export class RepoCache {
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor (readonly dir: string) {}

  pathOf (repo: string): string {
    const name = repo.replace(/\/+$/, '').split('/').pop()?.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) ?? 'repo'
    return join(this.dir, `${createHash('sha256').update(repo).digest('hex').slice(0, 16)}-${name}`)
  }

  /** Clone or fetch `repo` into its mirror; returns the mirror's path. */
  async update (repo: string, env: Record<string, string>): Promise<string> {
    const path = this.pathOf(repo)
    return await this.locked(path, async () => {
      mkdirSync(this.dir, { recursive: true })
      const probe = await git(['rev-parse', '--git-dir'], { cwd: this.dir, env: { ...env, GIT_DIR: path } })
      if (probe.code !== 0) {
        rmSync(path, { recursive: true, force: true })
        const r = await git(['clone', '--mirror', '--quiet', repo, path], { cwd: this.dir, env })
        if (r.code !== 0) throw new CairnError('REPO', `cannot clone ${repo}: ${r.stderr.trim()}`)
      } else {
        const r = await git(['fetch', '--prune', '--quiet', 'origin'], { cwd: path, env })
        if (r.code !== 0) throw new CairnError('REPO', `cannot fetch ${repo}: ${r.stderr.trim()}`)
      }
      return path
    })
  }

  /** Run `fn` alone for this mirror (worktree add/remove write the mirror's admin files too). */
  async locked<T> (path: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(path) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    this.locks.set(path, next.catch(() => {}))
    return await next
  }
}

/** A detached worktree of `repo` at `base` in `dir`. */
export async function prepareWorkspace (cache: RepoCache, repo: string, base: string, dir: string, env: Record<string, string>): Promise<Workspace> {
  const mirror = await cache.update(repo, env)
  const resolved = await git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`], { cwd: mirror, env })
  if (resolved.code !== 0) throw new CairnError('BASE', `base "${base}" is not a commit of ${repo}`)
  const commit = resolved.stdout.trim()
  rmSync(dir, { recursive: true, force: true })
  await cache.locked(mirror, async () => await gitOk(['worktree', 'add', '--detach', '--quiet', dir, commit], { cwd: mirror, env }, 'WORKSPACE'))
  return { dir, mirror, base: commit }
}

/**
 * Apply patches (mails in mbox form, in order) with `git am`. On failure
 * the half-applied state is aborted and git's own output is returned: an
 * apply failure is a result, not an error of the runner.
 */
export async function applyPatches (ws: Workspace, patches: Buffer[], patchDir: string, env: Record<string, string>): Promise<{ ok: boolean, output: string }> {
  if (patches.length === 0) return { ok: true, output: '' }
  mkdirSync(patchDir, { recursive: true })
  const files = patches.map((p, i) => {
    const file = join(patchDir, `${String(i + 1).padStart(4, '0')}.patch`)
    writeFileSync(file, p)
    return file
  })
  const r = await git(['am', '--no-gpg-sign', ...files], { cwd: ws.dir, env })
  const output = (r.stdout + r.stderr).trim()
  if (r.code === 0) return { ok: true, output }
  await git(['am', '--abort'], { cwd: ws.dir, env })
  return { ok: false, output }
}

/** The git tree id of what is checked out (HEAD after the series). */
export async function treeId (ws: Workspace, env: Record<string, string>): Promise<string> {
  return (await gitOk(['rev-parse', 'HEAD^{tree}'], { cwd: ws.dir, env }, 'WORKSPACE')).trim()
}

/** NAR sha256 (nix-base32) of the checked-out files, without git's `.git` link file. */
export async function narOfWorkspace (ws: Workspace, aside: string): Promise<string> {
  const link = join(ws.dir, '.git')
  renameSync(link, aside)
  try {
    return await narHashBase32(ws.dir)
  } finally {
    renameSync(aside, link)
  }
}

/** Remove the worktree and its registration in the mirror. */
export async function removeWorkspace (cache: RepoCache, ws: Workspace, env: Record<string, string>): Promise<void> {
  await cache.locked(ws.mirror, async () => {
    await git(['worktree', 'remove', '--force', ws.dir], { cwd: ws.mirror, env })
    rmSync(ws.dir, { recursive: true, force: true })
    await git(['worktree', 'prune'], { cwd: ws.mirror, env })
  })
}
