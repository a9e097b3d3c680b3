import sodium from 'libsodium-wrappers'

/**
 * The signature and hash primitives cairn needs, behind one interface so the
 * hot path can use sodium-native on Node while the browser uses
 * libsodium-wrappers. test/protocol/crypto.test.ts checks both agree byte for byte.
 */
export interface Crypto {
  readonly name: string
  keyPair (seed?: Uint8Array): KeyPair
  /** ed25519 detached signature of `message` with a 64-byte secret key. */
  sign (message: Uint8Array, secretKey: Uint8Array): Uint8Array
  verify (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  /** blake2b with a 32-byte output, over the parts as if concatenated (no copy). */
  blake2b256 (...parts: Uint8Array[]): Uint8Array
}

export interface KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export const PUBLIC_KEY_BYTES = 32
export const SECRET_KEY_BYTES = 64
export const SIGNATURE_BYTES = 64
export const SEED_BYTES = 32

let ready: Promise<Crypto> | null = null

/** libsodium-wrappers (WebAssembly): the reference implementation, also used in the browser. */
export function libsodiumCrypto (): Promise<Crypto> {
  ready ??= sodium.ready.then(() => ({
    name: 'libsodium-wrappers',
    keyPair (seed?: Uint8Array): KeyPair {
      const kp = seed === undefined ? sodium.crypto_sign_keypair() : sodium.crypto_sign_seed_keypair(seed)
      return { publicKey: kp.publicKey, secretKey: kp.privateKey }
    },
    sign: (message, secretKey) => sodium.crypto_sign_detached(message, secretKey),
    verify (signature, message, publicKey) {
      try {
        return sodium.crypto_sign_verify_detached(signature, message, publicKey)
      } catch {
        return false // wrong lengths throw in libsodium-wrappers; a bad signature is just false
      }
    },
    blake2b256 (...parts) {
      if (parts.length === 1) return sodium.crypto_generichash(32, parts[0] as Uint8Array, null)
      const state = sodium.crypto_generichash_init(null, 32)
      for (const part of parts) sodium.crypto_generichash_update(state, part)
      return sodium.crypto_generichash_final(state, 32)
    }
  }))
  return ready
}
