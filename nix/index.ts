/**
 * nix/: NAR serialisation and store-path hashing, compatible with Nix so a
 * cairn source identity can be checked with `nix-hash` / `nix-store`.
 */
export { dumpNar, narHash, narHashBase32, narStream } from './nar.js'
export type { NarHash, NarSink } from './nar.js'
export {
  DEFAULT_STORE_DIR,
  MAX_NAME_LENGTH,
  checkStorePathName,
  fixedOutputPath,
  makeStorePath
} from './store-path.js'
export type { FixedOutputOptions, Sha256Input } from './store-path.js'
export {
  NIX_BASE32_ALPHABET,
  isNixBase32,
  nixBase32,
  nixBase32Decode,
  nixBase32Encode,
  nixBase32Length
} from './base32.js'
