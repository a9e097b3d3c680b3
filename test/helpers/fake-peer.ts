import NoiseSecretStream from '@hyperswarm/secret-stream'
import c from 'compact-encoding'
import Protomux from 'protomux'
import type { TestInstance } from 'brittle'
import type { CairnNode } from '../../node/node.js'
import { Session } from '../../node/net/replication.js'
import type { Announced } from '../../node/net/replication.js'
import { encodePages, parsePage } from '../../node/net/announcement.js'
import type { Page } from '../../node/net/announcement.js'

/**
 * A hand-driven peer of `node` over an in-memory Noise pair: it says what a
 * test makes it say, and records what the node announces. With `serving`,
 * that node's store replicates on the fake's side (real blocks, fake claims).
 */
export function fakePeer (t: TestInstance, node: CairnNode, serving?: CairnNode): { session: Session, pages: Page[], announce: (feeds: Announced[]) => void, received: (n: number) => Promise<void> } {
  const ours = new NoiseSecretStream(true, null)
  const theirs = new NoiseSecretStream(false, null)
  ours.rawStream.pipe(theirs.rawStream).pipe(ours.rawStream)
  const session = new Session(node, ours, { peer: 'fake' })
  t.teardown(() => { session.destroy(); theirs.destroy() }, { order: -1 })
  if (serving !== undefined) serving.store.replicate(theirs)
  const pages: Page[] = []
  const waiters: Array<() => void> = []
  const mux = Protomux.from(theirs)
  const channel = mux.createChannel({ protocol: 'cairn/feeds/v2' })
  if (channel === null) throw new Error('no channel')
  const message = channel.addMessage({
    encoding: c.buffer,
    onmessage: (m: Uint8Array | null) => {
      const page = m === null ? null : parsePage(m)
      if (page !== null) pages.push(page)
      for (const w of waiters.splice(0)) w()
    }
  })
  channel.open()
  let round = 0
  const heard = (): number => Math.max(0, ...pages.filter((p) => p.last).map((p) => p.round))
  return {
    session,
    pages,
    announce: (feeds) => { round++; for (const p of encodePages(feeds, round, heard())) message.send(p) },
    received: async (n) => { while (pages.length < n) await new Promise<void>((resolve) => waiters.push(resolve)) }
  }
}

/** Resolve once `check` holds (what it checks is set by arriving messages). */
export async function until (check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10))
}

export function randomKeys (n: number, seed: number): string[] {
  return Array.from({ length: n }, (_, i) => (seed * 1_000_003 + i).toString(16).padStart(8, '0').repeat(8))
}
