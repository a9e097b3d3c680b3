import { CairnError, isCairnError } from '../../protocol/errors.js'
import { pathMatcher, pathPrefixMatcher } from '../../machines/match.js'
import { MAX_PATH_SCOPE_LENGTH } from '../views/db/scope-rows.js'
import type { Views } from '../views/views.js'

/**
 * Replicating by interest. A feed is announced with its scopes, what its
 * events are about (`project:NAME`, `list:NAME`, and `path:DIR` for the
 * directories its revisions touch, views/db/scope-rows.ts); a node that
 * follows by interest (`cairn follow --project X --list Y --path GLOB`)
 * adopts from announcements only feeds in scope: sharing a project or list,
 * or touching a directory the glob reaches. Everything here is bounded, so a
 * hostile announcement cannot grow what a node stores nor the work of
 * judging it: a feed carries at most MAX_SCOPES named scopes of at most
 * MAX_SCOPE_LENGTH characters and MAX_PATHS path scopes of at most
 * MAX_PATH_SCOPE_LENGTH; an interest at most MAX_INTEREST entries, at most
 * MAX_PATH_GLOBS of them globs of at most MAX_GLOB_LENGTH characters, each
 * matched in (glob x path) steps (machines/glob.ts).
 */
export const MAX_SCOPES = 16
export const MAX_PATHS = 16
const MAX_SCOPE_LENGTH = 100
const MAX_INTEREST = 64
const MAX_PATH_GLOBS = 16
const MAX_GLOB_LENGTH = 100

const SCOPE = /^(project|list):[\x21-\x7e]+$/
/** A directory prefix as announced: relative, no empty segment, no control character; `/` is the root (every path). */
const PATH_SCOPE = /^path:(\/|[^/\x00-\x1f\x7f]+(\/[^/\x00-\x1f\x7f]+)*)$/
const ROOT = 'path:/'

/** A named scope (`project:P`, `list:L`): what the `scopes` of an announced feed hold. */
export function isScope (value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SCOPE_LENGTH && SCOPE.test(value)
}

/** A `path:DIR` scope of a feed (announced as its `paths`, without `path:`). */
export function isPathScope (value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PATH_SCOPE_LENGTH && PATH_SCOPE.test(value)
}

/** The interest --project, --list and --path name (cairn follow, unfollow). */
export function scopesOf (values: { project?: string[], list?: string[], path?: string[] }): string[] {
  return [
    ...(values.project ?? []).map((p) => scopeOf('project', p)),
    ...(values.list ?? []).map((l) => scopeOf('list', l)),
    ...(values.path ?? []).map(globScope)
  ]
}

/** `kind:NAME` from a --project or --list value, or BAD_SCOPE naming what is wrong with it. */
function scopeOf (kind: 'project' | 'list', name: string): string {
  const scope = `${kind}:${name}`
  if (!isScope(scope)) throw new CairnError('BAD_SCOPE', `--${kind} ${JSON.stringify(name)}: a ${kind} name is 1 to ${MAX_SCOPE_LENGTH - kind.length - 1} printable characters without spaces`)
  return scope
}

/** `path:GLOB` from a --path value: a glob over the files a revision touches, checked here so a bad one is BAD_SCOPE now, not at the first announcement. */
function globScope (glob: string): string {
  const named = `--path ${JSON.stringify(glob)}`
  if (glob.length === 0 || glob.length > MAX_GLOB_LENGTH || !/^[\x21-\x7e]+$/.test(glob)) throw new CairnError('BAD_SCOPE', `${named}: a path glob is 1 to ${MAX_GLOB_LENGTH} printable characters without spaces`)
  try {
    pathMatcher(glob)
    pathPrefixMatcher(glob)
  } catch (err) {
    if (!isCairnError(err, 'GLOB')) throw err
    throw new CairnError('BAD_SCOPE', `${named}: ${err.message.replace(/^GLOB: /, '')}`)
  }
  return `path:${glob}`
}

/** The interest with `added` in, sorted; BAD_SCOPE past MAX_INTEREST entries or MAX_PATH_GLOBS globs. */
export function widenInterest (interest: readonly string[], added: readonly string[]): string[] {
  const out = [...new Set([...interest, ...added])].sort()
  if (out.length > MAX_INTEREST) throw new CairnError('BAD_SCOPE', `an interest holds at most ${MAX_INTEREST} projects, lists and paths; this would make it ${out.length}`)
  const globs = out.filter(isPath).length
  if (globs > MAX_PATH_GLOBS) throw new CairnError('BAD_SCOPE', `an interest holds at most ${MAX_PATH_GLOBS} path globs; this would make it ${globs}`)
  return out
}

/** How a command shows an interest. */
export function describeInterest (interest: readonly string[]): string {
  return interest.length === 0 ? 'interest none: every announced feed is adopted (within the caps)' : `interest ${interest.join(' ')}`
}

/**
 * What a feed is about, as this node indexed it: the projects and lists of
 * the series revisions it posted and of the revisions and jobs its events
 * answer (reviews, results...), the first MAX_SCOPES (a bridge or runner of
 * more lists is best followed by key), and the directories they touch
 * (pathSummary), sorted. Read from bounded prefixes, so a feed naming
 * thousands costs no more than one naming a few dozen.
 */
export function feedScopes (views: Views, feed: string): string[] {
  const named = views.scopesOf(feed, 4 * MAX_SCOPES).filter(isScope).slice(0, MAX_SCOPES)
  return [...named, ...pathSummary(views.scopesOf(feed, 4 * MAX_PATHS + 1, 'path'))].sort()
}

/**
 * At most MAX_PATHS path scopes covering every one given (the first
 * 4 x MAX_PATHS + 1 of a feed's, sorted): themselves when few; else their top
 * directories; else the root. Never narrower than the truth, so a node
 * following a path never misses a feed that touches it; a feed of many
 * directories is about the root, adopted by every path interest.
 */
function pathSummary (paths: readonly string[]): string[] {
  const valid = paths.map((p) => isPathScope(p) ? p : ROOT)
  if (valid.includes(ROOT)) return [ROOT]
  if (valid.length <= MAX_PATHS) return valid
  const top = [...new Set(valid.map((p) => p.split('/')[0] as string))]
  return valid.length <= 4 * MAX_PATHS && top.length <= MAX_PATHS ? top : [ROOT]
}

/**
 * What a carried feed is announced as about: an events feed as this node
 * indexed it (a runner adopted before its first result is about the jobs it
 * ran since); a blobs core, or a feed with nothing indexed, as it was
 * announced when adopted.
 */
export function carriedScopes (views: Views, key: string, follow: { kind: string, scopes?: string[] }): string[] {
  const indexed = follow.kind === 'events' ? feedScopes(views, key) : []
  return indexed.length > 0 ? indexed : follow.scopes ?? []
}

/**
 * Whether an announced feed is wanted: every feed when the node follows by no
 * interest; a feed that names no scope (an identity's, a runner's, a
 * reviewer's) always; else when it shares a project or list with the
 * interest, or a glob of the interest reaches one of its directories (a feed
 * an older peer announced has no directories: only its project and list count).
 */
export function inScope (scopes: readonly string[] | undefined, interest: readonly string[]): boolean {
  if (interest.length === 0 || scopes === undefined || scopes.length === 0) return true
  if (scopes.some((s) => !isPath(s) && interest.includes(s))) return true
  const dirs = scopes.filter(isPath).map((s) => s.slice('path:'.length))
  if (dirs.length === 0) return false
  return interest.filter(isPath).some((glob) => {
    const reaches = pathPrefixMatcher(glob.slice('path:'.length))
    return dirs.some(reaches)
  })
}

function isPath (scope: string): boolean {
  return scope.startsWith('path:')
}
