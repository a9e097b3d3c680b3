import { policyHash } from '../../machines/policy-file.js'
import type { Policy } from '../../machines/policy-file.js'
import { isCairnError } from '../../protocol/errors.js'
import type { CairnError } from '../../protocol/errors.js'
import type { PolicySource } from './files.js'
import { readPolicy, sourceStamp } from './files.js'

interface PolicyState {
  /** The policy in force: the last good one read (null before any). */
  policy: Policy | null
  hash: string | null
  origin: string | null
  /** Why the latest read was refused; the policy above stays in force. */
  error: CairnError | null
}

/**
 * The policy in force for a long-running node: reread when its files change,
 * and a malformed new version is refused with the error while the previous
 * good policy stays in force (never "no policy", never a half-read one).
 */
export class PolicyHolder {
  private stamp: string | null = null
  private state: PolicyState = { policy: null, hash: null, origin: null, error: null }

  constructor (readonly source: PolicySource) {}

  get current (): PolicyState { return this.state }

  /** Reread if the files changed; `changed` is true when the policy in force is another one now. */
  refresh (): PolicyState & { changed: boolean } {
    const stamp = sourceStamp(this.source)
    if (stamp === this.stamp) return { ...this.state, changed: false }
    this.stamp = stamp
    const before = this.state.hash
    try {
      const read = readPolicy(this.source)
      if (read === null) this.state = { ...this.state, error: null }
      else this.state = { policy: read.policy, hash: policyHash(read.policy), origin: read.origin, error: null }
    } catch (err) {
      if (!isCairnError(err)) throw err
      this.state = { ...this.state, error: err }
    }
    return { ...this.state, changed: this.state.hash !== before }
  }
}
