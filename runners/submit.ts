/**
 * What `cairn job submit` posts: a job.request built from the user's flags,
 * checked before it is signed (the repo and ref resolve, the recipe parses),
 * so a job that cannot run is refused here rather than failing on a runner.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Views } from '../node/views/views.js'
import { CairnError } from '../protocol/errors.js'
import type { BodyOf } from '../protocol/schemas.js'
import { git, gitEnv } from './git.js'
import { CHECKED_IN_RECIPES, parseRecipeText } from './recipe.js'
import { findRevision } from './series.js'

export interface SubmitOptions {
  repo: string
  /** For a series job: where to apply it (default: the revision's base). */
  base?: string
  /** For a baseline job (no series): what to test. */
  ref?: string
  series?: string
  recipePath?: string
  profile?: string
  tags?: string[]
  priority?: number
  /** false: run it even when a result of the same test-run identity exists. */
  reuse?: false
}

/** A repo given as a path on this machine, not a URL (scheme:// or scp-like host:path). */
export function isLocalPath (repo: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(repo) && !/^[^/]+:/.test(repo)
}

/** `views`: where a series job's revision is found; a baseline job (no series) needs none. */
export async function jobRequestBody (views: Views | null, opts: SubmitOptions): Promise<{ body: BodyOf<'job.request'>, refs: string[] }> {
  if (opts.series !== undefined && views === null) throw new CairnError('INTERNAL', 'a series job needs the views to find its revision')
  const revision = opts.series === undefined || views === null ? null : findRevision(views, opts.series)
  const wanted = opts.base ?? opts.ref ?? revision?.body.base
  if (wanted === undefined) {
    throw new CairnError('BASE_MISSING', revision === null
      ? 'a baseline job needs --ref REF (what to test)'
      : `series revision ${revision.id.slice(0, 12)} names no base commit; give --base REF`)
  }
  const local = isLocalPath(opts.repo)
  const repo = local ? resolve(opts.repo) : opts.repo
  let base = wanted
  let recipe: Record<string, unknown> = {}
  const env = gitEnv(process.env.HOME ?? '/')
  if (local) {
    if (!existsSync(repo)) throw new CairnError('REPO', `--repo ${opts.repo}: no such directory`)
    const r = await git(['rev-parse', '--verify', '--quiet', `${wanted}^{commit}`], { cwd: repo, env })
    if (r.code !== 0) throw new CairnError('BASE', `"${wanted}" is not a commit of ${repo}${r.stderr.trim() === '' ? '' : `: ${r.stderr.trim()}`}`)
    base = r.stdout.trim() // pin the commit: a branch moves, a job must not
  }
  if (opts.recipePath !== undefined) {
    let text: string
    try { text = readFileSync(opts.recipePath, 'utf8') } catch (err) { throw new CairnError('RECIPE', `cannot read --recipe ${opts.recipePath}: ${(err as Error).message}`) }
    recipe = parseRecipeText(text, opts.recipePath).raw
  } else if (local) {
    await checkedInRecipe(repo, base, env)
  }
  const body: BodyOf<'job.request'> = {
    project: revision?.body.project ?? basename(repo.replace(/\.git\/?$/, '').replace(/\/+$/, '')),
    repo,
    base,
    ...(revision === null ? {} : { revision: revision.id }),
    recipe,
    profile: opts.profile ?? 'default',
    tags: [...new Set(opts.tags ?? [])].sort(),
    priority: opts.priority ?? 0,
    ...(base !== wanted ? { ref: wanted } : {}),
    ...(opts.reuse === false ? { reuse: false as const } : {})
  }
  return { body, refs: revision === null ? [] : [revision.id] }
}

/**
 * A baseline job of a repository given by URL names its ref as written
 * (job submit does not reach the network); a schedule must know the
 * commit, or an unchanged-inputs check could never see the ref move. The
 * commit the remote's ref points at now (a tag's commit, not the tag).
 */
export async function pinRemoteBase (body: BodyOf<'job.request'>): Promise<BodyOf<'job.request'>> {
  if (isLocalPath(body.repo) || /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(body.base)) return body
  const r = await git(['ls-remote', '--', body.repo, body.base], { cwd: '/', env: gitEnv(process.env.HOME ?? '/') })
  const lines = r.stdout.split('\n').map((l) => l.split('\t')).filter((f) => f.length === 2)
  const peeled = lines.find((f) => f[1]?.endsWith('^{}')) ?? lines[0]
  if (r.code !== 0 || peeled === undefined) throw new CairnError('BASE', `"${body.base}" is not a ref of ${body.repo}${r.stderr.trim() === '' ? '' : `: ${r.stderr.trim()}`}`)
  return { ...body, base: peeled[0] as string, ref: body.base }
}

/** With no --recipe the runner uses the tree's own: make sure there is one, and that it parses. */
async function checkedInRecipe (repo: string, commit: string, env: Record<string, string>): Promise<void> {
  for (const name of CHECKED_IN_RECIPES) {
    const r = await git(['show', `${commit}:${name}`], { cwd: repo, env })
    if (r.code === 0) { parseRecipeText(r.stdout, `${name} at ${commit.slice(0, 12)}`); return }
  }
  throw new CairnError('RECIPE_MISSING', `no --recipe given and ${repo} has no ${CHECKED_IN_RECIPES[0] ?? ''} at ${commit.slice(0, 12)}; pass --recipe FILE or check a recipe in`)
}
