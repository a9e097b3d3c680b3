/**
 * Store path computation, as Nix does it (libstore store-api.cc / path.cc):
 *
 *   makeStorePath(type, hash, name) =
 *     storeDir + '/' + nixBase32(compress20(sha256(
 *       type + ':sha256:' + hex(hash) + ':' + storeDir + ':' + name))) + '-' + name
 *
 * where compress20 folds the 32-byte digest into 20 bytes by XOR
 * (byte i goes into i mod 20). Fixed-output paths:
 *
 *   recursive (NAR) sha256:  makeStorePath('source', narSha256, name)
 *   flat (file bytes):       makeStorePath('output:out',
 *                              sha256('fixed:out:sha256:' + hex(fileSha256) + ':'), name)
 *
 * These match `nix-store --print-fixed-path [--recursive] sha256 HASH NAME`.
 * Only paths without references are covered (what `nix-store --add` of a
 * plain source tree gives).
 */
import { createHash } from 'node:crypto'
import { CairnError } from '../protocol/errors.js'
import { nixBase32, nixBase32Decode } from '../protocol/canonical.js'

const DEFAULT_STORE_DIR = '/nix/store'
/** Nix's StorePath::MaxPathLen: the name part may be at most this long. */
const MAX_NAME_LENGTH = 211

const NAME_CHARS = /^[0-9a-zA-Z+\-._?=]+$/

/**
 * Throw STORE_PATH_NAME unless `name` is a valid store path name. Follows
 * current Nix (path.cc checkName): 1..211 chars from [0-9a-zA-Z+-._?=], and
 * the first dash-separated component may not be '.' or '..'. (Nix 2.8, as
 * shipped by Debian, still allowed '.', '..', '.-x'; newer Nix refuses them.)
 */
export function checkStorePathName (name: string): void {
  const bad = (why: string): never => {
    throw new CairnError('STORE_PATH_NAME', `store path name ${JSON.stringify(name)} ${why}`)
  }
  if (name.length === 0) bad('is empty')
  if (name.length > MAX_NAME_LENGTH) bad(`is ${name.length} characters long, more than ${MAX_NAME_LENGTH}`)
  const first = name.split('-', 1)[0]
  if (first === '.' || first === '..') bad(`has '${first}' as its first dash-separated component`)
  if (!NAME_CHARS.test(name)) {
    const c = [...name].find(ch => !NAME_CHARS.test(ch)) ?? ''
    bad(`contains ${JSON.stringify(c)}; allowed are letters, digits and + - . _ ? =`)
  }
}

function checkStoreDir (storeDir: string): void {
  if (!storeDir.startsWith('/') || (storeDir.length > 1 && storeDir.endsWith('/'))) {
    throw new CairnError('STORE_DIR', `store dir ${JSON.stringify(storeDir)} must be an absolute path without a trailing slash`)
  }
}

/** A sha256 given as 32 bytes, 52-char nix-base32 or 64-char hex. */
type Sha256Input = Uint8Array | string

function sha256Bytes (h: Sha256Input, what: string): Buffer {
  if (typeof h !== 'string') {
    if (h.length !== 32) throw new CairnError('HASH', `${what} has ${h.length} bytes, a sha256 has 32`)
    return Buffer.from(h)
  }
  if (/^[0-9a-fA-F]{64}$/.test(h)) return Buffer.from(h, 'hex')
  if (h.length === 52) return nixBase32Decode(h)
  throw new CairnError('HASH', `${what} ${JSON.stringify(h)} is neither 64 hex digits nor 52 nix-base32 characters`)
}

/** Fold a digest into `size` bytes by XOR, as Nix's compressHash. */
function compress (hash: Uint8Array, size: number): Buffer {
  const out = Buffer.alloc(size)
  for (let i = 0; i < hash.length; i++) out[i % size] = (out[i % size] as number) ^ (hash[i] as number)
  return out
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** Nix's makeStorePath for a sha256 inner hash. */
export function makeStorePath (type: string, hash: Sha256Input, name: string, storeDir = DEFAULT_STORE_DIR): string {
  checkStorePathName(name)
  checkStoreDir(storeDir)
  const hex = sha256Bytes(hash, 'hash').toString('hex')
  const digest = compress(sha256(`${type}:sha256:${hex}:${storeDir}:${name}`), 20)
  return `${storeDir}/${nixBase32(digest)}-${name}`
}

interface FixedOutputOptions {
  name: string
  /** recursive: the NAR sha256 of the tree; flat: the sha256 of the file's bytes. */
  sha256: Sha256Input
  /** true (the default) for NAR hashing (`--recursive`), false for a flat file hash. */
  recursive?: boolean
  storeDir?: string
}

/** The store path `nix-store --print-fixed-path [--recursive] sha256 HASH NAME` prints. */
export function fixedOutputPath (opts: FixedOutputOptions): string {
  const { name, recursive = true, storeDir = DEFAULT_STORE_DIR } = opts
  const hash = sha256Bytes(opts.sha256, 'sha256')
  if (recursive) return makeStorePath('source', hash, name, storeDir)
  const inner = sha256(`fixed:out:sha256:${hash.toString('hex')}:`)
  return makeStorePath('output:out', inner, name, storeDir)
}
