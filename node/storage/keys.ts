import { toHex } from '../../protocol/hex.js'
import { readJson, writeJson } from './home.js'
import type { HomePaths } from './home.js'
import { checkIdentityFile, loadIdentity } from './identity.js'
import { statStamp } from './stat-stamp.js'

/**
 * A home's public keys, read without opening its store: keys.json records
 * the store's keys and the identity's public key (with the stat stamp of
 * identity.key it was derived from) when the node opens. Light on purpose
 * (no corestore, sodium, zod or node:crypto): `cairn id` answers from here
 * in about the time node takes to start.
 */
interface HomeKeys {
  identity: string
  feed: string
  blobs: string
}

/** keys.json: the keys, and identity.key's stamp when the identity was recorded. */
type KeysRecord = HomeKeys & { identityStamp: string }

/** The own feed's and blobs core's keys as recorded in the home. */
type CoreKeys = Omit<HomeKeys, 'identity'>

const HEX_KEY = /^[0-9a-f]{64}$/

function readRecord (paths: HomePaths): Partial<KeysRecord> | null {
  try {
    return readJson<Partial<KeysRecord> | null>(paths.keys, null)
  } catch {
    return null // a cache of what the store and identity.key say: the next open writes it again
  }
}

const isKey = (k: unknown): k is string => typeof k === 'string' && HEX_KEY.test(k)

/** The recorded keys, or null when this home has none yet (made before keys.json) or holds a damaged record. */
export function readCoreKeys (paths: HomePaths): CoreKeys | null {
  const keys = readRecord(paths)
  if (!isKey(keys?.feed) || !isKey(keys.blobs)) return null
  return { feed: keys.feed, blobs: keys.blobs }
}

/** Record the keys (on open, after identity.key was read); written only when they or identity.key's stamp changed, so an open costs no write. */
export function recordHomeKeys (paths: HomePaths, keys: HomeKeys): void {
  const record: KeysRecord = { ...keys, identityStamp: statStamp(paths.identity) }
  const recorded = readRecord(paths)
  if (recorded !== null && (Object.keys(record) as Array<keyof KeysRecord>).every((k) => recorded[k] === record[k])) return
  writeJson(paths.keys, record)
}

/**
 * Every key `cairn id` prints, or null when the store's are not recorded.
 * identity.key is checked as opening the node checks it; its public key is
 * the recorded one while the file's stamp is the recorded stamp, else it is
 * derived from the seed (node:crypto, imported only then).
 */
export async function readHomeKeys (paths: HomePaths): Promise<HomeKeys | null> {
  checkIdentityFile(paths.identity)
  const record = readRecord(paths)
  let identity = record?.identity
  if (!isKey(identity) || record?.identityStamp !== statStamp(paths.identity)) {
    const { ed25519FromSeed } = await import('./seed-key-pair.js')
    identity = toHex(loadIdentity(paths.identity, { keyPair: ed25519FromSeed }).publicKey)
  }
  const core = readCoreKeys(paths)
  return core === null ? null : { identity, ...core }
}
