/*
 * Where a node's merge policy comes from, and reading it. machines/ does no
 * I/O: this file reads the policy text and the MAINTAINERS file it names and
 * hands both to loadPolicy, which validates them as a whole.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { parsePolicy, withMaintainers } from '../../machines/policy-file.js'
import type { Policy } from '../../machines/policy-file.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'

/** The policy `cairn policy set` keeps in a node's home, and its copy of the MAINTAINERS file the policy names. */
export function homePolicyPaths (home: string): { policy: string, maintainers: string } {
  return { policy: join(home, 'policy.yaml'), maintainers: join(home, 'MAINTAINERS') }
}

/** A project keeps its policy in the repository, beside its recipe. */
function repoPolicyPath (repo: string): string {
  return join(repo, '.cairn', 'policy.yaml')
}

export type PolicySource =
  /** The node's own: `policy.yaml` in the home, with the MAINTAINERS copy next to it. */
  | { kind: 'home', home: string }
  /** A repository's `.cairn/policy.yaml`; the MAINTAINERS path in it is relative to the repository root. */
  | { kind: 'repo', repo: string }
  /** A file given by path (`cairn policy set FILE`); `maintainers` overrides where its MAINTAINERS file is. */
  | { kind: 'file', path: string, maintainers?: string }

export interface PolicyRead {
  policy: Policy
  /** The policy's own text and the MAINTAINERS text it named, as read. */
  text: string
  maintainersText: string | null
  /** Where it was read from, for people. */
  origin: string
}

/** The text as read, or null when the file does not exist. */
function readText (path: string, what: string): string | null {
  if (!existsSync(path)) return null
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new CairnError('POLICY', `cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * The repository a policy file belongs to: `<root>/.cairn/policy.yaml` lives
 * in `<root>`; any other file is taken to sit at its repository's root.
 */
function rootOf (path: string): string {
  const dir = dirname(resolve(path))
  return basename(dir) === '.cairn' ? dirname(dir) : dir
}

function maintainersPath (source: PolicySource, named: string): string {
  switch (source.kind) {
    case 'home': return homePolicyPaths(source.home).maintainers
    case 'repo': return join(source.repo, named)
    case 'file': return source.maintainers ?? (isAbsolute(named) ? named : join(rootOf(source.path), named))
  }
}

function policyPath (source: PolicySource): string {
  switch (source.kind) {
    case 'home': return homePolicyPaths(source.home).policy
    case 'repo': return repoPolicyPath(source.repo)
    case 'file': return source.path
  }
}

/** How a source is named in messages: the path as the user would recognise it. */
function describeSource (source: PolicySource): string {
  const path = policyPath(source)
  if (source.kind === 'home') return `${path} (this node's policy)`
  const rel = relative(process.cwd(), path)
  return rel !== '' && !rel.startsWith('..') ? rel : path
}

/**
 * Read and validate the policy at `source`, with the MAINTAINERS file it
 * names. Returns null when there is no policy file there; throws CairnError
 * POLICY (naming the file and the line) when it or its MAINTAINERS file is
 * malformed or unreadable, so a caller keeps the previous good policy.
 */
export function readPolicy (source: PolicySource): PolicyRead | null {
  const path = policyPath(source)
  const origin = describeSource(source)
  const text = readText(path, 'the policy')
  if (text === null) {
    if (source.kind === 'file') throw new CairnError('POLICY', `no policy file ${path}`)
    return null
  }
  const display = source.kind === 'home' ? 'policy.yaml' : source.kind === 'repo' ? '.cairn/policy.yaml' : relativeOrAbsolute(path)
  let policy = parsePolicy(text, display)
  let maintainersText: string | null = null
  if (policy.maintainers !== null) {
    const named = policy.maintainers.file
    const mpath = maintainersPath(source, named)
    maintainersText = readText(mpath, 'the MAINTAINERS file')
    if (maintainersText === null) {
      const hint = source.kind === 'home' ? '; set the policy again with cairn policy set FILE [--maintainers PATH]' : source.kind === 'file' ? '; give its path with --maintainers PATH' : ''
      throw new CairnError('POLICY', `${display} names maintainers file ${named}, but ${mpath} does not exist${hint}`)
    }
    try {
      policy = withMaintainers(policy, maintainersText)
    } catch (err) {
      if (!isCairnError(err)) throw err
      const what = err.message.slice(err.code.length + 2).replace(/^MAINTAINERS /, `${named} `)
      throw new CairnError('POLICY', `${what} (the maintainers file ${display} names)`, { cause: err })
    }
  }
  return { policy, text, maintainersText, origin }
}

function relativeOrAbsolute (path: string): string {
  const rel = relative(process.cwd(), resolve(path))
  return rel !== '' && !rel.startsWith('..') ? rel : resolve(path)
}

/** Modification times of the files a source reads: a cheap way for the daemon to notice `cairn policy set`. */
export function sourceStamp (source: PolicySource): string {
  const stamp = (p: string): string => {
    try {
      const s = statSync(p)
      return `${s.mtimeMs}:${s.size}`
    } catch {
      return '-'
    }
  }
  const paths = source.kind === 'home' ? Object.values(homePolicyPaths(source.home)) : [policyPath(source)]
  return paths.map(stamp).join('|')
}

/** The policy at `source`, or CairnError NO_POLICY saying how to set one. */
export function requirePolicy (source: PolicySource): PolicyRead {
  const read = readPolicy(source)
  if (read !== null) return read
  if (source.kind === 'repo') throw new CairnError('NO_POLICY', `${source.repo} has no .cairn/policy.yaml; write one (docs/policy.md) or use this node's policy (leave out --repo)`)
  throw new CairnError('NO_POLICY', 'this node has no policy yet; cairn policy set FILE (or --repo DIR to use a repository\'s .cairn/policy.yaml)')
}
