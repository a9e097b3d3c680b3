import { closeSync, existsSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { CairnError } from '../../protocol/errors.js'

/** Paths this process holds: a lock naming our own pid is ours only if we took it (a restarted container reuses pids). */
const held = new Set<string>()

/**
 * One process per resource (a node's home, a runner's workdir): a file made
 * with O_EXCL that holds the owner's pid. A lock whose process is gone (kill -9)
 * is taken over; a live one is refused with the error `refuse` makes from its pid.
 * Returns the release.
 */
export function takePidLock (path: string, refuse: (pid: number) => CairnError): () => void {
  const key = resolve(path)
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const pid = lockPid(path)
    if (pid !== null && (pid === process.pid ? held.has(key) : isAlive(pid))) throw refuse(pid)
    rmSync(path, { force: true })
    return takePidLock(path, refuse)
  }
  writeSync(fd, String(process.pid))
  held.add(key)
  return () => {
    closeSync(fd)
    held.delete(key)
    if (existsSync(path)) unlinkSync(path)
  }
}

/** The pid in a lock file, or null when there is no readable one. */
export function lockPid (path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8'))
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Who holds a home, for READ_ONLY messages. */
export function lockHolder (path: string): string {
  const pid = lockPid(path)
  return pid === null ? 'another cairn process' : `another cairn process (pid ${pid})`
}

/** One process per home: corestore's RocksDB cannot be shared for writing, so say clearly who holds it. */
export function takeHomeLock (path: string): () => void {
  return takePidLock(path, (pid) => new CairnError('HOME_LOCKED', `another cairn process (pid ${pid}) is using this home; stop it first or use its HTTP API`))
}
