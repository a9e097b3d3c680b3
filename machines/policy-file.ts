import { createHash } from 'node:crypto'
import { canonicalHash } from '../protocol/canonical.js'
import type { CanonicalValue } from '../protocol/canonical.js'
import { CairnError, isCairnError } from '../protocol/errors.js'
import type { Maintainers } from './maintainers.js'
import { parseMetricGate } from './metric-gate.js'
import type { MetricGate } from './metric-gate.js'
import { parseMaintainers } from './maintainers.js'
import { fail, glob, Issue, list, mapping, parseChecked } from './yaml-check.js'
import type { Path } from './yaml-check.js'

export type ReviewRole = 'reviewer' | 'maintainer'

interface ReviewRule {
  required: number
  role: ReviewRole
}

interface PathRule {
  /** Glob over repository paths (picomatch; a trailing '/' means the whole directory). */
  match: string
  reviews: ReviewRule | null
  tests: { required: string[] }
}

interface SelectionRule {
  match: string
  profiles: string[]
}

interface MaintainersRef {
  /** The path the policy names, resolved by the caller. */
  file: string
  /** sha256 of the file's text, part of the policy hash; null until the caller attaches the text. */
  digest: string | null
  parsed: Maintainers | null
}

/** A validated policy with every default filled in. */
export interface Policy {
  reviews: ReviewRule & { trailers: string[] }
  tests: { required: string[] }
  veto: string[]
  paths: PathRule[]
  maintainers: MaintainersRef | null
  reset: { onNewRevision: boolean, keepIfPatchesUnchanged: boolean }
  selection: SelectionRule[]
  autoSubmit: boolean
  /** Metric regressions against the baseline that fail a required result (machines/metric-gate.ts); absent: none do. */
  metrics?: MetricGate
}

const DEFAULT_APPROVAL_TRAILERS = ['Reviewed-by']

const TOP_KEYS = ['reviews', 'tests', 'veto', 'paths', 'maintainers', 'reset', 'selection', 'autoSubmit', 'metrics']
const PROFILE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/
const TRAILER = /^[A-Za-z][A-Za-z0-9-]{0,99}$/

function count (v: unknown, path: Path): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(path, 'must be a non-negative integer')
  return v
}

function flag (v: unknown, path: Path, fallback: boolean): boolean {
  if (v === undefined) return fallback
  if (typeof v !== 'boolean') fail(path, 'must be true or false')
  return v
}

function names (v: unknown, path: Path, re: RegExp, what: string): string[] {
  if (!Array.isArray(v)) fail(path, `must be a list of ${what}s`)
  const out: string[] = []
  v.forEach((item, i) => {
    if (typeof item !== 'string' || !re.test(item)) fail([...path, i], `must be a ${what} (letters, digits and ${what === 'test profile' ? '._+-' : '-'})`)
    if (out.includes(item)) fail([...path, i], `repeats ${item}`)
    out.push(item)
  })
  return out
}

function reviewRule (v: unknown, path: Path, withTrailers: boolean): ReviewRule & { trailers?: string[] } {
  const r = mapping(v, path, withTrailers ? ['required', 'role', 'trailers'] : ['required', 'role'])
  if (r.required === undefined) fail([...path, 'required'], 'is missing (how many approvals are needed)')
  const required = count(r.required, [...path, 'required'])
  const role = r.role ?? 'reviewer'
  if (role !== 'reviewer' && role !== 'maintainer') fail([...path, 'role'], 'must be reviewer or maintainer')
  const out: ReviewRule & { trailers?: string[] } = { required, role }
  if (withTrailers && r.trailers !== undefined) out.trailers = names(r.trailers, [...path, 'trailers'], TRAILER, 'trailer key')
  return out
}

function testRule (v: unknown, path: Path): { required: string[] } {
  const t = mapping(v, path, ['required'])
  if (t.required === undefined) fail([...path, 'required'], 'is missing (a list of test profiles, may be [])')
  return { required: names(t.required, [...path, 'required'], PROFILE, 'test profile') }
}

/** Check a parsed YAML value and fill in the defaults; throws Issue. */
function validate (value: unknown): Policy {
  const top = mapping(value, [], TOP_KEYS, 'the policy must be a mapping with reviews, tests and veto')
  for (const key of ['reviews', 'tests', 'veto']) {
    if (top[key] === undefined) throw new Issue([], `${key} is missing (the smallest policy has reviews, tests and veto)`)
  }
  const reviews = reviewRule(top.reviews, ['reviews'], true)
  const paths = top.paths === undefined
    ? []
    : list(top.paths, ['paths']).map((p, i): PathRule => {
      const r = mapping(p, ['paths', i], ['match', 'reviews', 'tests'])
      if (r.reviews === undefined && r.tests === undefined) fail(['paths', i], 'needs reviews or tests')
      return {
        match: glob(r.match, ['paths', i, 'match']),
        reviews: r.reviews === undefined ? null : reviewRule(r.reviews, ['paths', i, 'reviews'], false),
        tests: r.tests === undefined ? { required: [] } : testRule(r.tests, ['paths', i, 'tests'])
      }
    })
  let maintainers: MaintainersRef | null = null
  if (top.maintainers !== undefined) {
    if (typeof top.maintainers !== 'string' || top.maintainers.trim() === '') fail(['maintainers'], 'must be the path of a MAINTAINERS file')
    maintainers = { file: top.maintainers, digest: null, parsed: null }
  }
  const reset = top.reset === undefined ? {} : mapping(top.reset, ['reset'], ['onNewRevision', 'keepIfPatchesUnchanged'])
  const selection = top.selection === undefined
    ? []
    : list(top.selection, ['selection']).map((s, i): SelectionRule => {
      const r = mapping(s, ['selection', i], ['match', 'profiles'])
      const profiles = names(r.profiles, ['selection', i, 'profiles'], PROFILE, 'test profile')
      if (profiles.length === 0) fail(['selection', i, 'profiles'], 'must name at least one test profile')
      return { match: glob(r.match, ['selection', i, 'match']), profiles }
    })
  return {
    reviews: { required: reviews.required, role: reviews.role, trailers: reviews.trailers ?? [...DEFAULT_APPROVAL_TRAILERS] },
    tests: testRule(top.tests, ['tests']),
    veto: names(top.veto, ['veto'], TRAILER, 'trailer key'),
    paths,
    maintainers,
    reset: {
      onNewRevision: flag(reset.onNewRevision, ['reset', 'onNewRevision'], true),
      keepIfPatchesUnchanged: flag(reset.keepIfPatchesUnchanged, ['reset', 'keepIfPatchesUnchanged'], true)
    },
    selection,
    autoSubmit: flag(top.autoSubmit, ['autoSubmit'], false),
    ...metricsOf(top.metrics)
  }
}

function metricsOf (v: unknown): { metrics?: MetricGate } {
  const gate = parseMetricGate(v, ['metrics'])
  return gate === null ? {} : { metrics: gate }
}

/** The gate as the hash covers it: percentages as their decimal text (canonical values are integers only). */
function canonicalGate (gate: MetricGate): CanonicalValue {
  const pct = (n: number): string => String(n)
  const { default: fallback, byName = {} } = gate.minChange
  return {
    names: gate.names === 'all' ? 'all' : [...gate.names],
    minChange: { ...(fallback === undefined ? {} : { default: pct(fallback) }), byName: Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, pct(v)])) }
  }
}

/**
 * Parse and validate a policy file. Throws CairnError POLICY whose message
 * names the file, the line and what is wrong:
 * "policy.yaml line 3: reviews.required must be a non-negative integer".
 */
export function parsePolicy (text: string, file = 'policy.yaml'): Policy {
  return parseChecked(text, file, 'POLICY', validate)
}

interface LoadedPolicy {
  /** The new policy, or the previous one (null when there was none) when the text was rejected. */
  policy: Policy | null
  error?: CairnError
}

/**
 * The contract for callers: a malformed policy (or MAINTAINERS file) is
 * rejected as a whole and the previous policy stays in force; the error says
 * why. `maintainers` is the text of the file the policy names, read by the
 * caller (machines/ does no I/O).
 */
export function loadPolicy (text: string, previous?: Policy | null, options: { file?: string, maintainers?: string } = {}): LoadedPolicy {
  try {
    let policy = parsePolicy(text, options.file)
    if (policy.maintainers !== null && options.maintainers !== undefined) policy = withMaintainers(policy, options.maintainers)
    return { policy }
  } catch (err) {
    if (!isCairnError(err)) throw err
    return { policy: previous ?? null, error: err }
  }
}

/** Attach the text of the MAINTAINERS file the policy names; its digest becomes part of the policy hash. */
export function withMaintainers (policy: Policy, text: string): Policy {
  if (policy.maintainers === null) throw new CairnError('POLICY', 'the policy names no maintainers file')
  const parsed = parseMaintainers(text)
  const digest = createHash('sha256').update(text, 'utf8').digest('hex')
  return { ...policy, maintainers: { file: policy.maintainers.file, digest, parsed } }
}

/** The policy as plain data: what the hash covers (the MAINTAINERS file by its digest). */
export function canonicalPolicy (policy: Policy): CanonicalValue {
  return {
    v: 1,
    reviews: { ...policy.reviews, trailers: [...policy.reviews.trailers] },
    tests: { required: [...policy.tests.required] },
    veto: [...policy.veto],
    paths: policy.paths.map((p) => ({
      match: p.match,
      ...(p.reviews === null ? {} : { reviews: { ...p.reviews } }),
      tests: { required: [...p.tests.required] }
    })),
    ...(policy.maintainers === null ? {} : { maintainers: { file: policy.maintainers.file, digest: policy.maintainers.digest } }),
    reset: { ...policy.reset },
    selection: policy.selection.map((s) => ({ match: s.match, profiles: [...s.profiles] })),
    autoSubmit: policy.autoSubmit,
    ...(policy.metrics === undefined ? {} : { metrics: canonicalGate(policy.metrics) })
  }
}

/** sha256 (hex) over the canonical encoding of the policy (protocol/canonical.ts: sorted keys, integers only). */
export function policyHash (policy: Policy): string {
  let hash = hashes.get(policy)
  if (hash === undefined) hashes.set(policy, hash = canonicalHash(canonicalPolicy(policy)).toString('hex'))
  return hash
}

/** A maintainer node decides thousands of revisions under one policy object; policies are never changed in place. */
const hashes = new WeakMap<Policy, string>()
