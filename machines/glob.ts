import { CairnError } from '../protocol/errors.js'

/*
 * Path globs without backtracking regexes: a glob from a request or a path
 * from a feed must not be able to stall the node (a regex compiled from
 * `*a*a*a*a*b` takes seconds on a long file name). Matching is the classic
 * two-pointer wildcard algorithm, used twice: over the segments of a path
 * (`**` stands for any run of segments) and over the characters of one
 * segment (`*` for any run of characters, `?` for one, `[...]` for a class).
 * It costs at most (path length x glob length) steps, whatever the input.
 *
 * Semantics kept from the picomatch globs used before (with dotfiles on):
 * `*` never crosses a `/`, `fs/**` matches fs itself and everything below,
 * `**` inside a segment (`a**b`) is a plain `*`, `{a,b}` alternatives expand,
 * a leading `./` is dropped. One deliberate difference: a wildcard directory
 * glob followed by `/**` also matches the directories themselves, as `fs/**`
 * matches fs. Extglobs (`@(a|b)`, `!(x)`) are not supported;
 * their characters match themselves.
 */

/** Longest glob accepted, and most brace alternatives one glob may expand to. */
export const GLOB_MAX_LENGTH = 1024
const MAX_ALTERNATIVES = 64

/** Single comparisons made so far: lets a test check the bound without a clock. */
export const globWork = { steps: 0 }

/** One segment is a list of tokens: literal characters, `?`, `*` or a class. */
type Token = { kind: 'char', ch: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'class', negate: boolean, ranges: Array<[string, string]> }
/** A glob is a list of segments; `null` is a `**` segment. */
type Compiled = Array<Token[] | null>

/** Check a glob and compile it into a predicate; a malformed one is a GLOB error naming it. */
export function compileGlob (glob: string): (path: string) => boolean {
  if (glob.length > GLOB_MAX_LENGTH) throw new CairnError('GLOB', `glob is ${glob.length} characters long; at most ${GLOB_MAX_LENGTH} are accepted`)
  const compiled = expandBraces(glob).map((g) => compileOne(g.replace(/^(\.\/)+/, '')))
  return (path) => {
    const segments = path.replace(/^(\.\/)+/, '').split('/')
    return compiled.some((c) => matchSegments(c, segments))
  }
}

/**
 * Whether a glob matches `prefix` or some path below it (`drivers/rtc/**`
 * reaches below `drivers`, `drivers/rtc` and `drivers/rtc/x`, not below
 * `drivers/net`); `/` stands for the root, below which every glob reaches.
 * The segments of the prefix are read once each, keeping the set of glob
 * positions still alive (at most glob length of them): like compileGlob,
 * at most (prefix length x glob length) single comparisons.
 */
export function compileGlobPrefix (glob: string): (prefix: string) => boolean {
  if (glob.length > GLOB_MAX_LENGTH) throw new CairnError('GLOB', `glob is ${glob.length} characters long; at most ${GLOB_MAX_LENGTH} are accepted`)
  const compiled = expandBraces(glob).map((g) => compileOne(g.replace(/^(\.\/)+/, '')))
  return (prefix) => {
    const segments = prefix === '/' ? [] : prefix.replace(/^(\.\/)+/, '').split('/')
    return compiled.some((c) => reachesBelow(c, segments))
  }
}

function reachesBelow (pattern: Compiled, segments: string[]): boolean {
  // A `**` may stand for no segment: every position after a run of them is alive too.
  const close = (alive: Set<number>): Set<number> => {
    for (const p of alive) if (pattern[p] === null) alive.add(p + 1)
    return alive
  }
  let alive = close(new Set([0]))
  for (const seg of segments) {
    const next = new Set<number>()
    for (const p of alive) {
      globWork.steps++
      if (p >= pattern.length) continue
      const here = pattern[p]
      if (here === null || here === undefined) next.add(p)
      else if (matchChars(here, seg)) next.add(p + 1)
    }
    if (next.size === 0) return false
    alive = close(next)
  }
  return true
}

function compileOne (glob: string): Compiled {
  return glob.split('/').map((seg) => seg === '**' ? null : tokens(seg, glob))
}

function tokens (seg: string, glob: string): Token[] {
  const out: Token[] = []
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i] as string
    if (ch === '\\' && i + 1 < seg.length) out.push({ kind: 'char', ch: seg[++i] as string })
    else if (ch === '?') out.push({ kind: 'any' })
    else if (ch === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' })
    } else if (ch === '[') {
      const end = classEnd(seg, i)
      if (end === -1) throw new CairnError('GLOB', `glob ${glob}: "[" opens a character class that is never closed`)
      out.push(charClass(seg.slice(i + 1, end)))
      i = end
    } else out.push({ kind: 'char', ch })
  }
  return out
}

/** Index of the `]` closing the class opened at `open` (a `]` right after `[` or `[!` is a member). */
function classEnd (seg: string, open: number): number {
  let i = open + 1
  if (seg[i] === '!' || seg[i] === '^') i++
  if (seg[i] === ']') i++
  return seg.indexOf(']', i)
}

function charClass (body: string): Token {
  const negate = body[0] === '!' || body[0] === '^'
  const chars = [...(negate ? body.slice(1) : body)]
  const ranges: Array<[string, string]> = []
  for (let i = 0; i < chars.length; i++) {
    const lo = chars[i] as string
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      ranges.push([lo, chars[i + 2] as string])
      i += 2
    } else ranges.push([lo, lo])
  }
  return { kind: 'class', negate, ranges }
}

/** `a{b,c}d` -> [abd, acd], innermost first, capped so a glob cannot multiply without bound. */
function expandBraces (glob: string): string[] {
  let work = [glob]
  const done: string[] = []
  while (work.length > 0) {
    const next: string[] = []
    for (const g of work) {
      const m = /\{([^{}]*,[^{}]*)\}/.exec(g)
      if (m === null) { done.push(g); continue }
      for (const alt of (m[1] as string).split(',')) next.push(g.slice(0, m.index) + alt + g.slice(m.index + m[0].length))
    }
    if (done.length + next.length > MAX_ALTERNATIVES) throw new CairnError('GLOB', `glob ${glob} expands to more than ${MAX_ALTERNATIVES} alternatives`)
    work = next
  }
  return done
}

/** Two-pointer wildcard match of segments, `**` (null) matching any run of them. */
function matchSegments (pattern: Compiled, path: string[]): boolean {
  return wildcard(pattern.length, path.length, (i) => pattern[i] === null, (i, j) => matchChars(pattern[i] as Token[], path[j] as string))
}

function matchChars (pattern: Token[], text: string): boolean {
  // A segment that is only stars still needs something to stand for (picomatch: `fs/*` does not match `fs/`).
  if (text === '' && pattern.length > 0 && pattern.every((t) => t.kind === 'star')) return false
  return wildcard(pattern.length, text.length, (i) => pattern[i]?.kind === 'star', (i, j) => matchToken(pattern[i] as Token, text[j] as string))
}

function matchToken (t: Token, ch: string): boolean {
  switch (t.kind) {
    case 'char': return t.ch === ch
    case 'any': return true
    case 'class': return t.ranges.some(([lo, hi]) => ch >= lo && ch <= hi) !== t.negate
    case 'star': return false
  }
}

/**
 * The classic wildcard algorithm: on a mismatch, go back to the last star and
 * let it take one more item. Only the last star is ever revisited, so the
 * cost is bounded by (pattern length x text length) single comparisons.
 */
function wildcard (plen: number, tlen: number, isStar: (i: number) => boolean, one: (i: number, j: number) => boolean): boolean {
  let p = 0
  let t = 0
  let star = -1
  let mark = 0
  while (t < tlen) {
    globWork.steps++
    if (p < plen && isStar(p)) {
      star = p++
      mark = t
    } else if (p < plen && one(p, t)) {
      p++
      t++
    } else if (star !== -1) {
      p = star + 1
      t = ++mark
    } else return false
  }
  while (p < plen && isStar(p)) p++
  return p === plen
}
