/**
 * The archive's parts for incremental grouping: mails (by their index in
 * the bridge state) joined when they share a grouping key
 * (series/keys.ts). A part's root is its earliest mail, so a part keeps its
 * name while it only grows, and a tally kept under the root stays found.
 */
export class Clusters {
  private readonly parent: number[] = []
  private readonly members = new Map<number, number[]>()
  private readonly byKey = new Map<string, number>()

  /** Add mail `index` (indexes only grow) with its keys; returns the roots its arrival merged away into its part's root. */
  add (index: number, keys: readonly string[]): number[] {
    while (this.parent.length < index) this.parent.push(-1) // quarantined mails have no part
    this.parent[index] = index
    this.members.set(index, [index])
    const absorbed: number[] = []
    for (const key of keys) {
      const other = this.byKey.get(key)
      if (other === undefined) {
        this.byKey.set(key, index)
        continue
      }
      const gone = this.union(other, index)
      if (gone !== null && gone !== index) absorbed.push(gone)
    }
    return absorbed
  }

  /** The part's root; -1 for an index that has no part. */
  find (index: number): number {
    let root = index
    while (root >= 0 && this.parent[root] !== root) root = this.parent[root] ?? -1
    for (let at = index; at >= 0 && at !== root;) {
      const next = this.parent[at] as number
      this.parent[at] = root
      at = next
    }
    return root
  }

  /** Every mail of the part rooted at `root`. */
  membersOf (root: number): readonly number[] {
    return this.members.get(root) ?? []
  }

  /** Join two parts under the earlier root; returns the root that went away, null if already one part. */
  private union (a: number, b: number): number | null {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra === rb) return null
    const [keep, gone] = ra < rb ? [ra, rb] : [rb, ra]
    const big = this.members.get(keep) as number[]
    const small = this.members.get(gone) as number[]
    // append the shorter list to the longer, whichever root it sits under
    const [into, from] = big.length >= small.length ? [big, small] : [small, big]
    for (const i of from) into.push(i)
    this.members.set(keep, into)
    this.members.delete(gone)
    this.parent[gone] = keep
    return gone
  }
}
