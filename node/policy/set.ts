import { existsSync, unlinkSync } from 'node:fs'
import { policyHash } from '../../machines/policy-file.js'
import { writeFileAtomic } from '../storage/home.js'
import type { PolicyRead, PolicySource } from './files.js'
import { homePolicyPaths, readPolicy } from './files.js'

interface PolicySet {
  read: PolicyRead
  hash: string
  /** Hash of the policy it replaced, null when the home had none (or an unreadable one). */
  previousHash: string | null
}

/**
 * `cairn policy set`: validate the policy at `from` (and the MAINTAINERS file
 * it names) as a whole, then store both in the home. A malformed policy
 * throws CairnError POLICY and the home keeps the policy it had.
 */
export function setHomePolicy (home: string, from: PolicySource): PolicySet {
  const read = readPolicy(from)
  if (read === null) throw new Error('unreachable: readPolicy of a file source returns a policy or throws')
  let previousHash: string | null = null
  try {
    const old = readPolicy({ kind: 'home', home })
    if (old !== null) previousHash = policyHash(old.policy)
  } catch {
    // The old one was already malformed: nothing in force to compare with.
  }
  const paths = homePolicyPaths(home)
  // MAINTAINERS first: a daemon reading between the two writes sees the old
  // policy with the new file at worst, and rereads when the policy changes.
  if (read.maintainersText !== null) writeFileAtomic(paths.maintainers, read.maintainersText, 0o644)
  else if (existsSync(paths.maintainers)) unlinkSync(paths.maintainers)
  writeFileAtomic(paths.policy, read.text, 0o644)
  return { read, hash: policyHash(read.policy), previousHash }
}
