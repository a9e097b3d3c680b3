/**
 * nix-base32 (Nix's hash printing). The one implementation lives in
 * protocol/canonical.ts because protocol/ may not import nix/; nix/ may
 * import protocol/, so this module only re-exports it.
 */
export {
  nixBase32 as nixBase32Encode,
  nixBase32,
  nixBase32Decode,
  isNixBase32
} from '../protocol/canonical.js'
