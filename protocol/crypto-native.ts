import sodium from 'sodium-native'
import type { Crypto, KeyPair } from './crypto.js'
import { PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES, SEED_BYTES } from './crypto.js'

/** sodium-native: about 2.5x the sign and verify rate of libsodium-wrappers on Node (see BENCHMARKS.md). */
export const nativeCrypto: Crypto = {
  name: 'sodium-native',
  keyPair (seed?: Uint8Array): KeyPair {
    const publicKey = Buffer.alloc(PUBLIC_KEY_BYTES)
    const secretKey = Buffer.alloc(SECRET_KEY_BYTES)
    if (seed === undefined) sodium.crypto_sign_keypair(publicKey, secretKey)
    else {
      if (seed.byteLength !== SEED_BYTES) throw new RangeError(`seed must be ${SEED_BYTES} bytes`)
      sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
    }
    return { publicKey, secretKey }
  },
  sign (message, secretKey) {
    const sig = Buffer.alloc(SIGNATURE_BYTES)
    sodium.crypto_sign_detached(sig, message, secretKey)
    return sig
  },
  verify (signature, message, publicKey) {
    if (signature.byteLength !== SIGNATURE_BYTES || publicKey.byteLength !== PUBLIC_KEY_BYTES) return false
    return sodium.crypto_sign_verify_detached(signature, message, publicKey)
  },
  blake2b256 (...parts) {
    const out = Buffer.allocUnsafe(32) // fully written below
    if (parts.length === 1) sodium.crypto_generichash(out, parts[0] as Uint8Array)
    else sodium.crypto_generichash_batch(out, parts)
    return out
  }
}
