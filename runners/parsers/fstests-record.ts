import type { TestStatus } from './types.js'

/**
 * One test as fstests reported it (in check's output, a results directory or
 * its JUnit), before it is turned into a ParsedTest. Its own file because
 * fstests.ts, fstests-dir.ts and fstests-detail.ts all use it.
 */
export interface FsRecord {
  name: string
  id: string
  section: string | undefined
  status: TestStatus
  duration?: number
  reasons: string[]
  /** The diff check printed (its first DIFF_LENGTH lines), or another source's. */
  diff?: string
  dmesg?: string
  full?: string
}
