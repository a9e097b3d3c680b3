import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { KeyPair } from '../../protocol/crypto.js'

// PKCS#8 wrapping of a raw ed25519 seed (RFC 8410), so node:crypto derives the same key pair as sodium's seed_keypair.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * An ed25519 key pair from its 32-byte seed, in sodium's layout (secretKey =
 * seed || publicKey), with node:crypto: keys.ts imports it only when
 * keys.json's record of the identity does not hold, so `cairn id` mostly
 * loads no crypto at all.
 */
export function ed25519FromSeed (seed: Uint8Array): KeyPair {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url')
  return { publicKey, secretKey: Buffer.concat([seed, publicKey]) }
}
