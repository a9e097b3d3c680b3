/**
 * Finding processes by what their environment carries, from Linux /proc:
 * a marker variable set on a step survives setsid and double forks (the
 * way Jenkins' ProcessTreeKiller finds a build's processes). Elsewhere, or
 * for processes that are not ours to read, nothing is found.
 */
import { readdirSync, readFileSync } from 'node:fs'

interface MarkedProcess { pid: number, pgid: number }

/** Live processes whose environment holds exactly `NAME=value` (zombies have none and are skipped). */
export function processesWith (marker: string): MarkedProcess[] {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
  } catch {
    return []
  }
  const out: MarkedProcess[] = []
  for (const pid of pids) {
    try {
      if (Number(pid) === process.pid) continue
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parens, so read after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] === 'Z') continue
      out.push({ pid: Number(pid), pgid: Number(fields[2]) })
    } catch {
      // the process went away meanwhile, or is not ours to read
    }
  }
  return out
}

/** Signal every live process carrying `marker`; returns how many were signalled. */
export function signalMarked (marker: string, signal: NodeJS.Signals): number {
  let n = 0
  for (const { pid } of processesWith(marker)) {
    try {
      process.kill(pid, signal)
      n++
    } catch {
      // already gone
    }
  }
  return n
}
