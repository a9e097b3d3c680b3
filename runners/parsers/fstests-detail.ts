/**
 * Detail of an fstests failure, in the order a reader wants it: why check
 * called it a failure, the start of the output diff, the start of the dmesg
 * splat, the end of the test's .full log (where fsck output lands).
 */
import { clipHead, clipTail, joinDetail } from './detail.js'
import type { FsRecord } from './fstests-record.js'

const DIFF_BUDGET = 1600
const DMESG_BUDGET = 1000
const FULL_BUDGET = 900

function lines (text: string, n: number, from: 'head' | 'tail'): string {
  const all = text.replace(/\s+$/, '').split('\n')
  if (all.length <= n) return all.join('\n')
  return from === 'head'
    ? [...all.slice(0, n), `[... ${all.length - n} more lines]`].join('\n')
    : [`[... ${all.length - n} earlier lines]`, ...all.slice(-n)].join('\n')
}

export function fstestsDetail (r: FsRecord): string | undefined {
  const d = joinDetail([
    r.reasons.join('\n'),
    r.diff !== undefined ? clipHead(lines(r.diff, 40, 'head'), DIFF_BUDGET) : undefined,
    r.dmesg !== undefined && r.dmesg.trim() !== '' ? `dmesg:\n${clipHead(lines(r.dmesg, 30, 'head'), DMESG_BUDGET)}` : undefined,
    r.full !== undefined && r.full.trim() !== '' ? `${r.id}.full:\n${clipTail(lines(r.full, 20, 'tail'), FULL_BUDGET)}` : undefined
  ])
  return d === undefined ? undefined : clipHead(d)
}
