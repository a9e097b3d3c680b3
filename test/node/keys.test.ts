import test from 'brittle'
import { statSync, utimesSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../node/storage/home.js'
import { createIdentity } from '../../node/storage/identity.js'
import { readCoreKeys, readHomeKeys, recordHomeKeys } from '../../node/storage/keys.js'
import { ed25519FromSeed } from '../../node/storage/seed-key-pair.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { toHex } from '../../protocol/hex.js'

test('ed25519FromSeed derives the key pair sodium derives from the same seed', (t) => {
  for (let i = 0; i < 20; i++) {
    const seed = nativeCrypto.keyPair().secretKey.subarray(0, 32)
    const ours = ed25519FromSeed(seed)
    const sodium = nativeCrypto.keyPair(seed)
    t.alike(ours.publicKey, sodium.publicKey)
    t.alike(ours.secretKey, sodium.secretKey)
  }
})

test('recordHomeKeys writes keys.json only when the keys change; a damaged record reads as none', async (t) => {
  const paths = homePaths(await t.tmp())
  t.is(readCoreKeys(paths), null, 'no record yet')
  const keys = { identity: 'ef'.repeat(32), feed: 'ab'.repeat(32), blobs: 'cd'.repeat(32) }
  const core = { feed: keys.feed, blobs: keys.blobs }
  recordHomeKeys(paths, keys)
  t.alike(readCoreKeys(paths), core)
  const written = statSync(paths.keys).ino
  recordHomeKeys(paths, keys)
  t.is(statSync(paths.keys).ino, written, 'the same keys: no rewrite')
  t.is(statSync(paths.keys).mode & 0o777, 0o600)
  for (const bad of ['{"feed": "ab"', '{"feed":"xyz","blobs":"cd"}', 'null']) {
    writeFileSync(paths.keys, bad)
    t.is(readCoreKeys(paths), null, `${bad} reads as no record`)
  }
  recordHomeKeys(paths, keys)
  t.alike(readCoreKeys(paths), core, 'and is written again')
})

test('readHomeKeys takes the recorded identity while identity.key keeps its stamp, and derives it from the seed once the file changed', async (t) => {
  const paths = homePaths(await t.tmp())
  const pair = createIdentity(paths.identity, nativeCrypto)
  const core = { feed: 'ab'.repeat(32), blobs: 'cd'.repeat(32) }
  recordHomeKeys(paths, { identity: 'ef'.repeat(32), ...core }) // not the seed's key: only reading the record gives it
  t.alike(await readHomeKeys(paths), { identity: 'ef'.repeat(32), ...core }, 'the record, nothing derived')
  utimesSync(paths.identity, new Date(2001, 0, 1), new Date(2001, 0, 1)) // as a restore from a backup would
  t.alike(await readHomeKeys(paths), { identity: toHex(pair.publicKey), ...core }, 'identity.key changed: derived from the seed')
  t.is(statSync(paths.identity).mode & 0o777, 0o600, 'identity.key stays 0600')
})
