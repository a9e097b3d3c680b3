/**
 * A history ordered by what was tested rather than when it ran: by release
 * (the ref a job named, such as v6.12; a run of a commit some other job
 * named by ref takes that ref), releases in version order with the run
 * time breaking ties; points with no ref known come last, by time. The
 * changes are marked again in that order, since "was pass" means the
 * release before, not the run before.
 */
import { changes, outcomeCounts } from '../../protocol/history.js'
import type { Change, Outcome } from '../../protocol/history.js'
import type { History } from './history.js'

interface Orderable { id: string, ts: number, ref: string | null, base: string | null, outcome: Outcome }

type Released<P> = P & Change & { release: string | null }

export function byRelease<P extends Orderable> (history: History<P>): History<Released<P>> {
  const refOfBase = new Map<string, string>()
  for (const p of history.points) if (p.ref !== null && p.base !== null && !refOfBase.has(p.base)) refOfBase.set(p.base, p.ref)
  const withRelease = history.points.map((p) => ({ ...p, release: p.ref ?? (p.base === null ? null : refOfBase.get(p.base) ?? null) }))
  withRelease.sort((a, b) => {
    if (a.release !== b.release) {
      if (a.release === null) return 1
      if (b.release === null) return -1
      const c = compareReleases(a.release, b.release)
      if (c !== 0) return c
    }
    return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  })
  const marks = changes(withRelease)
  const points = withRelease.map((p, i) => ({ ...p, ...(marks[i] as Change) }))
  return { points, counts: outcomeCounts(points) }
}

/** Version order: digit runs compared as numbers (v6.9 < v6.10), and a release candidate before its release (v7.0-rc2 < v7.0). */
export function compareReleases (a: string, b: string): number {
  const [baseA, rcA] = splitRc(a)
  const [baseB, rcB] = splitRc(b)
  const c = natural(baseA, baseB)
  if (c !== 0) return c
  if (rcA === rcB) return 0
  if (rcA === null) return 1
  if (rcB === null) return -1
  return natural(rcA, rcB)
}

function splitRc (s: string): [string, string | null] {
  const m = /^(.*?)-(rc\d+)$/i.exec(s)
  return m === null ? [s, null] : [m[1] as string, m[2] as string]
}

function natural (a: string, b: string): number {
  const pa = a.split(/(\d+)/)
  const pb = b.split(/(\d+)/)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i]
    const y = pb[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    const nx = Number(x)
    const ny = Number(y)
    if (i % 2 === 1 && Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny
    return x < y ? -1 : 1
  }
  return 0
}
