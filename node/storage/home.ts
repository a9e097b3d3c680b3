import { chmodSync, mkdirSync, existsSync, readdirSync, readFileSync, renameSync, statSync, openSync, closeSync, fsyncSync, writeSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { CairnError } from '../../protocol/errors.js'

/** The files of a node's home directory. Everything here is local to this node. */
export interface HomePaths {
  dir: string
  identity: string
  store: string
  /** The views' database (node/views/db/). */
  views: string
  /** The views of releases before views.sqlite: removed once rebuilt. */
  viewLog: string
  /** The counts `cairn id` prints, recorded as the views close (views/db/summary.ts). */
  viewsSummary: string
  state: string
  /** The own feed's and blobs core's public keys (storage/keys.ts), so reading them needs no store. */
  keys: string
  ownLength: string
  token: string
  lock: string
  /** Where the process holding the home serves its HTTP API ({pid, url}), while it does: the CLI posts through it. */
  daemon: string
}

/** --home wins, then CAIRN_HOME, then ~/.cairn */
export function resolveHome (flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.CAIRN_HOME ?? join(homedir(), '.cairn'))
}

export function homePaths (dir: string): HomePaths {
  return {
    dir,
    identity: join(dir, 'identity.key'),
    store: join(dir, 'store'),
    views: join(dir, 'views.sqlite'),
    viewLog: join(dir, 'views.log'),
    viewsSummary: join(dir, 'views-summary.json'),
    state: join(dir, 'state.json'),
    keys: join(dir, 'keys.json'),
    ownLength: join(dir, 'own-length'),
    token: join(dir, 'api.token'),
    lock: join(dir, 'node.lock'),
    daemon: join(dir, 'daemon.json')
  }
}

/** The pid in a home's lock file (node/cli/daemon-api.ts reads it here). */
export { lockPid } from './pid-lock.js'

export function isInitialised (paths: HomePaths): boolean {
  return existsSync(paths.identity)
}

export function ensureDir (dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
}

/** Write a file so that a crash leaves either the old or the new content, never a torn one. */
export function writeFileAtomic (path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}

export function readJson<T> (path: string, fallback: T): T {
  if (!existsSync(path)) return fallback
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch (err) {
    throw new CairnError('HOME_CORRUPT', `${path} is not valid JSON (${(err as Error).message}); restore it from a backup or remove it`, { cause: err })
  }
}

export function writeJson (path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n')
}

/** Refuse secret files that others can read, as ssh does: a leaked key cannot be revoked from history. */
export function assertPrivate (path: string): void {
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new CairnError('KEY_PERMISSIONS', `${path} has mode ${mode.toString(8)}; it must be readable by its owner only: chmod 600 ${path}`)
  }
}

/**
 * Make a home its owner's only: the directory 0700, its own files 0600 and
 * store/ (which holds the Corestore primary key the feed signing keys derive
 * from; RocksDB creates its files with the umask) 0700/0600 all the way down.
 * Other directories (a runner's workdir with executables in it) keep their
 * modes: the home's 0700 already closes them. Runs on init, over whatever
 * existed, and on every writable open.
 */
export function makePrivate (dir: string): void {
  chmodSync(dir, 0o700)
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600)
  }
  const store = join(dir, 'store')
  if (existsSync(store)) privateTree(store)
}

function privateTree (dir: string): void {
  if (!ifStillThere(() => { chmodSync(dir, 0o700) })) return
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) privateTree(path)
    else if (entry.isFile()) ifStillThere(() => { chmodSync(path, 0o600) })
  }
}

/**
 * Run a file operation that may find the file gone: RocksDB's own threads
 * delete compacted files while the store is walked. False if it was gone.
 */
function ifStillThere (op: () => void): boolean {
  try {
    op()
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** Refuse a home others can read or enter, as identity.key is refused: what is inside derives the node's keys. */
export function assertPrivateHome (dir: string): void {
  const mode = statSync(dir).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new CairnError('KEY_PERMISSIONS', `${dir} has mode ${mode.toString(8)}; the home holds the node's keys and must be its owner's only: chmod -R go-rwx ${dir}`)
  }
}
