import picomatch from 'picomatch'
import { compileGlob, compileGlobPrefix } from './glob.js'

/** Globs kept compiled at most, per kind: the HTTP series filter takes them from requests. */
const CACHE_MAX = 1000

type Compile = (glob: string) => (text: string) => boolean

/** A compiler of path globs as people write them (a trailing '/' meaning everything below), each glob compiled once. */
function cachedCompiler (compile: Compile): Compile {
  const cache = new Map<string, (text: string) => boolean>()
  return (glob) => {
    let m = cache.get(glob)
    if (m === undefined) {
      m = compile(glob.endsWith('/') ? glob + '**' : glob)
      if (cache.size >= CACHE_MAX) cache.clear()
      cache.set(glob, m)
    }
    return m
  }
}

/**
 * Path globs (machines/glob.ts: linear, dotfiles included), a trailing '/'
 * meaning everything below (as in MAINTAINERS). Throws GLOB for a malformed one.
 */
export const pathMatcher: Compile = cachedCompiler(compileGlob)

/**
 * Whether a path glob (as pathMatcher takes it) matches a path at or below
 * a directory (machines/glob.ts compileGlobPrefix): what a node following by
 * path asks of the directories a feed is announced with.
 */
export const pathPrefixMatcher: Compile = cachedCompiler(compileGlobPrefix)

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
