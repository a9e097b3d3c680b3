import picomatch from 'picomatch'
import { compileGlob } from './glob.js'

const cache = new Map<string, (path: string) => boolean>()
/** Globs kept compiled at most: the HTTP series filter takes them from requests. */
const CACHE_MAX = 1000

/**
 * Path globs (machines/glob.ts: linear, dotfiles included), a trailing '/'
 * meaning everything below (as in MAINTAINERS). Throws GLOB for a malformed one.
 */
export function pathMatcher (glob: string): (path: string) => boolean {
  let m = cache.get(glob)
  if (m === undefined) {
    m = compileGlob(glob.endsWith('/') ? glob + '**' : glob)
    if (cache.size >= CACHE_MAX) cache.clear()
    cache.set(glob, m)
  }
  return m
}

export function matchesAny (glob: string, paths: readonly string[]): string[] {
  const m = pathMatcher(glob)
  return paths.filter((p) => m(p))
}

/** What a rule is about, for people: 'fs/xfs/**' -> 'fs/xfs'. */
export function globLabel (glob: string): string {
  const scan = picomatch.scan(glob)
  const base = scan.isGlob ? scan.base : glob
  return base.replace(/\/+$/, '') || glob
}
