import { statSync } from 'node:fs'

/**
 * A file's inode, size and modification time (ns) as one string, 'absent'
 * when there is no file: a record taken from a file holds while its stamp
 * is unchanged, as git's index trusts a file's stat. Any write or rename
 * over the file changes it; a chmod does not (open chmods every file).
 */
export function statStamp (path: string): string {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false })
  return s === undefined ? 'absent' : `${s.ino}:${s.size}:${s.mtimeNs}`
}
