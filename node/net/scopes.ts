import { CairnError } from '../../protocol/errors.js'
import type { Views } from '../views/views.js'

/**
 * Replicating by interest. A feed is announced with its scopes, what its
 * events are about (`project:NAME`, `list:NAME`); a node that follows by
 * interest (`cairn follow --project X --list Y`) adopts from announcements
 * only feeds in scope. Everything here is bounded, so a hostile announcement
 * cannot grow what a node stores: a feed carries at most MAX_SCOPES scopes of
 * at most MAX_SCOPE_LENGTH characters; an interest at most MAX_INTEREST.
 */
export const MAX_SCOPES = 16
const MAX_SCOPE_LENGTH = 100
const MAX_INTEREST = 64

const SCOPE = /^(project|list):[\x21-\x7e]+$/

export function isScope (value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SCOPE_LENGTH && SCOPE.test(value)
}

/** The scopes --project and --list name (cairn follow, unfollow). */
export function scopesOf (values: { project?: string[], list?: string[] }): string[] {
  return [...(values.project ?? []).map((p) => scopeOf('project', p)), ...(values.list ?? []).map((l) => scopeOf('list', l))]
}

/** `kind:NAME` from a --project or --list value, or BAD_SCOPE naming what is wrong with it. */
function scopeOf (kind: 'project' | 'list', name: string): string {
  const scope = `${kind}:${name}`
  if (!isScope(scope)) throw new CairnError('BAD_SCOPE', `--${kind} ${JSON.stringify(name)}: a ${kind} name is 1 to ${MAX_SCOPE_LENGTH - kind.length - 1} printable characters without spaces`)
  return scope
}

/** The interest with `added` in, sorted; BAD_SCOPE past MAX_INTEREST. */
export function widenInterest (interest: readonly string[], added: readonly string[]): string[] {
  const out = [...new Set([...interest, ...added])].sort()
  if (out.length > MAX_INTEREST) throw new CairnError('BAD_SCOPE', `an interest holds at most ${MAX_INTEREST} projects and lists; this would make it ${out.length}`)
  return out
}

/** How a command shows an interest. */
export function describeInterest (interest: readonly string[]): string {
  return interest.length === 0 ? 'interest none: every announced feed is adopted (within the caps)' : `interest ${interest.join(' ')}`
}

/**
 * What a feed is about, as this node indexed it: the projects and lists of
 * the series revisions it posted and of the revisions and jobs its events
 * answer (reviews, results...), sorted, the first MAX_SCOPES (a bridge or
 * runner of more lists is best followed by key). Read from a bounded
 * prefix, so a feed naming thousands costs no more than one naming 16.
 */
export function feedScopes (views: Views, feed: string): string[] {
  return views.scopesOf(feed, 4 * MAX_SCOPES).filter(isScope).slice(0, MAX_SCOPES)
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
 * reviewer's) always; else when it shares a scope with the interest.
 */
export function inScope (scopes: readonly string[] | undefined, interest: readonly string[]): boolean {
  if (interest.length === 0 || scopes === undefined || scopes.length === 0) return true
  return scopes.some((s) => interest.includes(s))
}
