/** nix/'s error codes, each with what it means. */
export const NIX_CODES = {
  HASH: 'a hash that is neither 64 hex digits nor 52 nix-base32 characters of a sha256',
  NAR_ABORTED: 'a NAR stream destroyed before it finished',
  NAR_CHANGED: 'the tree changed while it was serialised to a NAR',
  NAR_IO: 'reading the tree for a NAR failed',
  NAR_UNSUPPORTED: 'a file type a NAR cannot hold (not a regular file, symlink or directory)',
  STORE_DIR: 'a store dir that is not an absolute path without a trailing slash',
  STORE_PATH_NAME: 'a store path name nix would refuse'
}

export type NixCode = keyof typeof NIX_CODES

declare module '../protocol/errors.js' {
  interface ErrorVocabularies { nix: NixCode }
}
