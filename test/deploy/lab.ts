// What the multi-host tests share: homes made before the first start (as a
// lab's admin makes them, so each key is known to the others) and the events
// a watcher of /api/stream saw.
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import type { Role } from '../../protocol/schemas.js'
import type { CairnChild } from '../helpers/cli.js'

export interface Sse { event: string, data: { type?: string, id?: string, body?: Record<string, unknown> } }

/** The SSE watcher's events so far, parsed. */
export const seen = (watcher: CairnChild): Sse[] => watcher.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Sse)

/** Homes made in-process (faster than a CLI run per step), with the trust each gives the others. */
export async function homes (dir: string, names: string[], roles: Record<string, Record<string, Role[]>>): Promise<Record<string, { home: string, identity: string }>> {
  const out: Record<string, { home: string, identity: string }> = {}
  for (const name of names) {
    const node = await CairnNode.init(join(dir, name), name)
    out[name] = { home: join(dir, name), identity: node.identityKey }
    await node.close()
  }
  for (const [who, trusts] of Object.entries(roles)) {
    const node = await CairnNode.open(out[who]?.home ?? '')
    try {
      for (const [whom, r] of Object.entries(trusts)) await node.trust(out[whom]?.identity ?? '', r)
    } finally { await node.close() }
  }
  return out
}
