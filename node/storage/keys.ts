import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { KeyPair } from '../../protocol/crypto.js'
import { toHex } from '../../protocol/hex.js'
import { readJson, writeJson } from './home.js'
import type { HomePaths } from './home.js'
import { loadIdentity } from './identity.js'

/**
 * A home's public keys, read without opening its store: the store's keys are
 * recorded in keys.json when the node opens, the identity is derived from
 * identity.key with node:crypto. Light on purpose (no corestore, sodium or
 * zod): `cairn id` answers from here in about the time node takes to start.
 */
interface HomeKeys {
  identity: string
  feed: string
  blobs: string
}

/** The own feed's and blobs core's keys as recorded in the home. */
type CoreKeys = Omit<HomeKeys, 'identity'>

const HEX_KEY = /^[0-9a-f]{64}$/

/** The recorded keys, or null when this home has none yet (made before keys.json) or holds a damaged record. */
export function readCoreKeys (paths: HomePaths): CoreKeys | null {
  let keys: Partial<CoreKeys> | null
  try {
    keys = readJson<Partial<CoreKeys> | null>(paths.keys, null)
  } catch {
    return null // a cache of what the store says: the next open writes it again
  }
  if (typeof keys?.feed !== 'string' || typeof keys.blobs !== 'string' || !HEX_KEY.test(keys.feed) || !HEX_KEY.test(keys.blobs)) return null
  return { feed: keys.feed, blobs: keys.blobs }
}

/** Record the store's keys (on open); written only when they differ from the record, so an open costs no write. */
export function recordCoreKeys (paths: HomePaths, keys: CoreKeys): void {
  const recorded = readCoreKeys(paths)
  if (recorded?.feed === keys.feed && recorded.blobs === keys.blobs) return
  writeJson(paths.keys, { feed: keys.feed, blobs: keys.blobs })
}

/** Every key `cairn id` prints, or null when the store's are not recorded; identity.key is checked as opening the node does. */
export function readHomeKeys (paths: HomePaths): HomeKeys | null {
  const identity = toHex(loadIdentity(paths.identity, { keyPair: ed25519FromSeed }).publicKey)
  const core = readCoreKeys(paths)
  return core === null ? null : { identity, ...core }
}

// PKCS#8 wrapping of a raw ed25519 seed (RFC 8410), so node:crypto derives the same key pair as sodium's seed_keypair.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** An ed25519 key pair from its 32-byte seed, in sodium's layout (secretKey = seed || publicKey). */
export function ed25519FromSeed (seed: Uint8Array): KeyPair {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url')
  return { publicKey, secretKey: Buffer.concat([seed, publicKey]) }
}
