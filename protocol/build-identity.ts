/**
 * Build and test-run identities (DESIGN.md section 6): the name under which
 * results are stored and found again, by any node, months later.
 *
 * An identity is sha256 over the canonical encoding (./canonical.ts) of the
 * object below, printed in nix-base32: 52 characters, the full digest (not
 * truncated to 160 bits as store paths are: identities are long-lived keys).
 *
 *   build preimage    = canonical({
 *                         scheme: 'cairn/build/v1',
 *                         source: { tree, nar? },  tree: git tree id, lowercase hex
 *                                                  (40 sha1 or 64 sha256 digits);
 *                                                  nar: NAR sha256 of the same tree
 *                                                  in nix-base32, left out when absent
 *                         recipe,                  any canonical value: how to build
 *                         environment              any canonical value: toolchain,
 *                       })                         arch, config inputs...
 *
 *   test-run preimage = canonical({
 *                         scheme: 'cairn/test-run/v1',
 *                         build,        a build identity (52 nix-base32 chars) or, when
 *                                       the recipe is a Nix derivation, its store path
 *                         profile,      any canonical value: which tests, how
 *                         runnerClass   any canonical value: the class of machine
 *                       })
 *
 * Keys are sorted and strings NFC-normalised by the encoding, so key order
 * and Unicode normalisation of the input do not change the identity; any
 * other change to any field does. The scheme tag separates the two kinds and
 * lets the scheme evolve (a v2 gives new identities, never colliding with v1).
 */
import { createHash } from 'node:crypto'
import { CairnError } from './errors.js'
import { canonicalEncode, isNixBase32, nixBase32, type CanonicalValue } from './canonical.js'

export const BUILD_SCHEME = 'cairn/build/v1'
export const TEST_RUN_SCHEME = 'cairn/test-run/v1'

export interface BuildIdentityInput {
  source: {
    /** git tree id (hex) of the source, after applying the series. */
    tree: string
    /** NAR sha256 of the same tree in nix-base32, when known. */
    nar?: string
  }
  recipe: CanonicalValue
  environment: CanonicalValue
}

export interface TestRunIdentityInput {
  /** A build identity, or a Nix store path when the recipe is a derivation. */
  build: string
  profile: CanonicalValue
  runnerClass: CanonicalValue
}

interface Identity {
  /** sha256 of the preimage in nix-base32, 52 characters. */
  id: string
  /** The exact bytes hashed (canonical JSON, readable when debugging). */
  preimage: Buffer
}

const GIT_TREE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
const STORE_PATH = /^\/(?:[^/\0]+\/)*[0-9a-df-np-sv-z]{32}-[0-9a-zA-Z+\-._?=]{1,211}$/

function show (v: unknown): string {
  try { return JSON.stringify(v) ?? String(v) } catch { return String(v) }
}

function bad (what: string, value: unknown, why: string): never {
  throw new CairnError('BUILD_IDENTITY', `${what} ${show(value)} ${why}`)
}

function identity (fields: { [key: string]: CanonicalValue | undefined }): Identity {
  const preimage = canonicalEncode(fields)
  return { id: nixBase32(createHash('sha256').update(preimage).digest()), preimage }
}

function required (what: string, v: CanonicalValue | undefined): CanonicalValue {
  if (v === undefined) bad(what, v, 'is missing')
  return v
}

/** Identity of a build: source tree, recipe and environment. */
export function buildIdentity (input: BuildIdentityInput): Identity {
  const { source } = input
  if (typeof source !== 'object' || source === null) bad('source', source, 'must be { tree, nar? }')
  if (typeof source.tree !== 'string') bad('source.tree', source.tree, 'must be a git tree id')
  const tree = source.tree.toLowerCase()
  if (!GIT_TREE.test(tree)) bad('source.tree', source.tree, 'is not a git tree id (40 or 64 hex digits)')
  const { nar } = source
  if (nar !== undefined && (typeof nar !== 'string' || !isNixBase32(nar, 32))) {
    bad('source.nar', nar, 'is not a sha256 in nix-base32 (52 characters)')
  }
  return identity({
    scheme: BUILD_SCHEME,
    source: { tree, nar },
    recipe: required('recipe', input.recipe),
    environment: required('environment', input.environment)
  })
}

/** Identity of a test run: a build, a test profile and a runner class. */
export function testRunIdentity (input: TestRunIdentityInput): Identity {
  const { build } = input
  if (typeof build !== 'string' || !(isNixBase32(build, 32) || STORE_PATH.test(build))) {
    bad('build', build, 'is neither a build identity (52 nix-base32 characters) nor a Nix store path')
  }
  return identity({
    scheme: TEST_RUN_SCHEME,
    build,
    profile: required('profile', input.profile),
    runnerClass: required('runnerClass', input.runnerClass)
  })
}
