import test from 'brittle'
import { statSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../node/storage/home.js'
import { ed25519FromSeed, readCoreKeys, recordCoreKeys } from '../../node/storage/keys.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'

test('ed25519FromSeed derives the key pair sodium derives from the same seed', (t) => {
  for (let i = 0; i < 20; i++) {
    const seed = nativeCrypto.keyPair().secretKey.subarray(0, 32)
    const ours = ed25519FromSeed(seed)
    const sodium = nativeCrypto.keyPair(seed)
    t.alike(ours.publicKey, sodium.publicKey)
    t.alike(ours.secretKey, sodium.secretKey)
  }
})

test('recordCoreKeys writes keys.json only when the keys change; a damaged record reads as none', async (t) => {
  const paths = homePaths(await t.tmp())
  t.is(readCoreKeys(paths), null, 'no record yet')
  const keys = { feed: 'ab'.repeat(32), blobs: 'cd'.repeat(32) }
  recordCoreKeys(paths, keys)
  t.alike(readCoreKeys(paths), keys)
  const written = statSync(paths.keys).ino
  recordCoreKeys(paths, keys)
  t.is(statSync(paths.keys).ino, written, 'the same keys: no rewrite')
  t.is(statSync(paths.keys).mode & 0o777, 0o600)
  for (const bad of ['{"feed": "ab"', '{"feed":"xyz","blobs":"cd"}', 'null']) {
    writeFileSync(paths.keys, bad)
    t.is(readCoreKeys(paths), null, `${bad} reads as no record`)
  }
  recordCoreKeys(paths, keys)
  t.alike(readCoreKeys(paths), keys, 'and is written again')
})
