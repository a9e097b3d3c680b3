import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { CairnError } from '../protocol/errors.js'

/**
 * One runner per workdir: two runners would fight over the same mirrors and
 * worktrees, and each would kill the other's process groups as leftovers.
 * A lock left by a runner that died (kill -9) is taken over.
 */
export function lockWorkdir (path: string): () => void {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const pid = Number(readFileSync(path, 'utf8'))
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new CairnError('WORKDIR_LOCKED', `another runner (pid ${pid}) uses ${path.replace(/\/runner\.lock$/, '')}; stop it or give this one its own --workdir`)
    }
    unlinkSync(path)
    return lockWorkdir(path)
  }
  writeSync(fd, String(process.pid))
  return () => {
    closeSync(fd)
    if (existsSync(path)) unlinkSync(path)
  }
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
