import { CairnError } from '../protocol/errors.js'
import type { Person } from './trust.js'
import { parsePerson } from './trust.js'

/** One section of a kernel-style MAINTAINERS file. */
interface MaintainerSection {
  name: string
  /** 1-based line of the section's first entry. */
  line: number
  /** M: people who maintain the files. */
  maintainers: Person[]
  /** R: designated reviewers. */
  reviewers: Person[]
  /** L: mailing lists. */
  lists: string[]
  /** S: status (Supported, Maintained, Odd Fixes, Orphan, Obsolete...). */
  status: string | null
  /** F: file patterns, X: excluded patterns, N: regexes on the path, as written. */
  files: string[]
  excludes: string[]
  regexes: string[]
  /** Every entry by its one-letter tag (W:, T:, K:, ... included). */
  entries: Record<string, string[]>
}

export interface Maintainers {
  sections: MaintainerSection[]
  /** Sections covering `path`, most specific pattern first, as get_maintainer.pl orders them. */
  maintainersFor: (path: string) => MaintainerSection[]
}

interface Compiled {
  section: MaintainerSection
  files: FilePattern[]
  excludes: FilePattern[]
  regexes: RegExp[]
}

interface FilePattern {
  raw: string
  re: RegExp
  /** Pattern ends in '/': matches everything below. */
  dir: boolean
  /** No wildcard: may name a directory written without its trailing slash. */
  plain: boolean
  slashes: number
}

/**
 * Parse a MAINTAINERS file. A section is a name line followed by "X:\tvalue"
 * lines and ends at a blank line; text before the first section (the
 * kernel's preamble) is skipped. Throws CairnError MAINTAINERS naming the
 * line of an N: entry that is not a valid regular expression.
 */
export function parseMaintainers (text: string): Maintainers {
  const sections: MaintainerSection[] = []
  let current: MaintainerSection | null = null
  let lastName: string | null = null
  const lines = text.split(/\r?\n/)
  const compiled: Compiled[] = []
  let comp: Compiled | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const tag = /^([A-Z]):\s*(.*?)\s*$/.exec(line)
    if (tag === null) {
      current = null
      comp = null
      lastName = line.trim() === '' ? null : line.trim()
      continue
    }
    if (current === null || comp === null) {
      current = {
        name: lastName ?? '',
        line: i + 1,
        maintainers: [],
        reviewers: [],
        lists: [],
        status: null,
        files: [],
        excludes: [],
        regexes: [],
        entries: {}
      }
      comp = { section: current, files: [], excludes: [], regexes: [] }
      sections.push(current)
      compiled.push(comp)
    }
    const key = tag[1] as string
    const value = tag[2] ?? ''
    ;(current.entries[key] ??= []).push(value)
    switch (key) {
      case 'M': current.maintainers.push(parsePerson(value)); break
      case 'R': current.reviewers.push(parsePerson(value)); break
      case 'L': current.lists.push(value.split(/\s+/)[0] ?? value); break
      case 'S': current.status = value; break
      case 'F': current.files.push(value); comp.files.push(filePattern(value)); break
      case 'X': current.excludes.push(value); comp.excludes.push(filePattern(value)); break
      case 'N':
        current.regexes.push(value)
        comp.regexes.push(pathRegex(value, i + 1))
        break
    }
  }
  return {
    sections,
    maintainersFor (path: string): MaintainerSection[] {
      const hits: Array<{ section: MaintainerSection, depth: number, order: number }> = []
      compiled.forEach((c, order) => {
        if (c.excludes.some((x) => fileMatch(path, x) !== null)) return
        let depth: number | null = null
        for (const f of c.files) {
          const d = fileMatch(path, f)
          if (d !== null && (depth === null || d > depth)) depth = d
        }
        if (c.regexes.some((re) => re.test(path)) && depth === null) depth = 0
        if (depth !== null) hits.push({ section: c.section, depth, order })
      })
      hits.sort((a, b) => b.depth - a.depth || a.order - b.order)
      return hits.map((h) => h.section)
    }
  }
}

/** Lowercased M: addresses of every section covering any of `paths`. */
export function maintainerEmails (m: Maintainers, paths: Iterable<string>): Set<string> {
  const out = new Set<string>()
  for (const p of paths) {
    for (const s of m.maintainersFor(p)) for (const person of s.maintainers) if (person.email !== '') out.add(person.email)
  }
  return out
}

/*
 * get_maintainer.pl turns F:/X: values into regexes ('.' literal, '*' -> '.*',
 * '?' -> '.') matched at the start of the path; a pattern ending in '/'
 * matches the whole tree below, any other one only paths with as many
 * slashes, which is why '*' never crosses a '/'. It also appends '/' to a
 * pattern naming an existing directory (-d); without a tree to look at, a
 * wildcard-free pattern that is a leading directory of the path is taken as
 * that directory.
 */
function filePattern (raw: string): FilePattern {
  const dir = raw.endsWith('/')
  let source = ''
  for (const ch of raw) {
    if (ch === '*') source += '.*'
    else if (ch === '?') source += '.'
    else if (ch === '[' || ch === ']') source += ch // character classes pass through, as in Perl
    else source += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  let re: RegExp
  try {
    re = new RegExp('^' + source)
  } catch {
    re = new RegExp('^' + source.replace(/[[\]]/g, '\\$&'))
  }
  return { raw, re, dir, plain: !/[*?[]/.test(raw), slashes: count(source, '/') }
}

function count (s: string, ch: string): number {
  let n = 0
  for (const c of s) if (c === ch) n++
  return n
}

/** Pattern depth when `path` matches (more slashes = more specific), null otherwise. */
function fileMatch (path: string, f: FilePattern): number | null {
  // get_maintainer.pl: a pattern starting with a wildcard has depth -1.
  const depth = (slashes: number, endsWithSlash: boolean): number => f.raw.startsWith('*') ? -1 : slashes + (endsWithSlash ? 0 : 1)
  if (f.dir) return f.re.test(path) ? depth(f.slashes, true) : null
  if (f.plain && path.startsWith(f.raw + '/')) return depth(f.slashes + 1, true)
  if (f.re.test(path) && count(path, '/') === f.slashes) return depth(f.slashes, false)
  return null
}

/** N: values are Perl regexes used with /x, so unescaped whitespace is not part of them. */
function pathRegex (raw: string, line: number): RegExp {
  const source = raw.replace(/(\\.)|\s+/g, (m, esc: string | undefined) => esc ?? '')
  try {
    return new RegExp(source)
  } catch (err) {
    throw new CairnError('MAINTAINERS', `MAINTAINERS line ${line}: N: ${raw} is not a valid regular expression`, { cause: err })
  }
}
