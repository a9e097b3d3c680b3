import { existsSync, rmSync } from 'node:fs'
import { loadOrCreateToken } from '../http/token.js'
import { homePaths, lockPid, readJson, writeJson } from '../storage/home.js'
import type { HomePaths } from '../storage/home.js'

/** What the daemon writes to the home (home.ts: daemon) while it serves HTTP: the CLI posts through it. */
interface DaemonRecord { pid: number, url: string }

export interface DaemonApi { url: string, token: string }

/** Say where this process serves the HTTP API. */
export function writeDaemonRecord (paths: HomePaths, url: string): void {
  writeJson(paths.daemon, { pid: process.pid, url } satisfies DaemonRecord)
}

/** Take the record back (also one left by a daemon that was killed). */
export function clearDaemonRecord (paths: HomePaths): void {
  rmSync(paths.daemon, { force: true })
}

/**
 * The HTTP API of the process holding `home`, when that process is a daemon
 * serving one: its record must name the pid in the home's lock (a record
 * left by a daemon killed with -9 names a dead or other process). The record
 * is only a hint: one that cannot be read counts as none.
 */
export function daemonApi (home: string): DaemonApi | null {
  const paths = homePaths(home)
  let record: Partial<DaemonRecord> | null
  try {
    record = readJson<Partial<DaemonRecord> | null>(paths.daemon, null)
  } catch {
    return null
  }
  if (record === null || typeof record.url !== 'string' || record.pid !== lockPid(paths.lock)) return null
  // The daemon made the token when it started; one made now would not be the one it checks.
  if (!existsSync(paths.token)) return null
  return { url: record.url, token: loadOrCreateToken(paths.token) }
}
