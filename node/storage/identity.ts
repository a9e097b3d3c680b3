import { existsSync, readFileSync } from 'node:fs'
import type { Crypto, KeyPair } from '../../protocol/crypto.js'
import { CairnError } from '../../protocol/errors.js'
import { fromHex, toHex } from '../../protocol/hex.js'
import { assertPrivate, writeFileAtomic } from './home.js'

/**
 * The identity key file holds the ed25519 seed in hex, mode 0600. Only the
 * public key is ever printed; the secret never leaves this module's callers.
 */
export function createIdentity (path: string, crypto: Crypto): KeyPair {
  if (existsSync(path)) throw new CairnError('ALREADY_INITIALISED', `${path} already exists; this home has an identity`)
  const seed = crypto.keyPair().secretKey.subarray(0, 32)
  writeFileAtomic(path, `${toHex(seed)}\n`, 0o600)
  return crypto.keyPair(seed)
}

/** `crypto` needs only to derive a key pair from the seed (storage/keys.ts does it without sodium). */
export function loadIdentity (path: string, crypto: { keyPair: (seed: Uint8Array) => KeyPair }): KeyPair {
  checkIdentityFile(path)
  const seed = fromHex(readFileSync(path, 'utf8').trim(), 32)
  if (seed === null) throw new CairnError('KEY_CORRUPT', `${path} does not hold a 32-byte hex seed`)
  return crypto.keyPair(seed)
}

/** The checks before the seed is read: the file is there (NOT_INITIALISED) and its owner's only (KEY_PERMISSIONS). */
export function checkIdentityFile (path: string): void {
  if (!existsSync(path)) throw new CairnError('NOT_INITIALISED', `no identity at ${path}; run: cairn init --name NAME`)
  assertPrivate(path)
}
