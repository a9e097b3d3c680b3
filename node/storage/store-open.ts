import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type Corestore from 'corestore'
import { CairnError } from '../../protocol/errors.js'

/** RocksDB info logs kept besides the current one (it renames the last to LOG.old.TIME on every open). */
export const ROCKS_LOGS_KEPT = 4

/**
 * Corestore refuses a store whose device file (store/CORESTORE) was made
 * elsewhere: a copied home. Two copies writing one feed would fork it, so say
 * what to do instead of showing the stack.
 */
export async function openStore (store: Corestore, path: string): Promise<void> {
  try {
    await store.ready()
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'DEVICE_FILE') throw err
    throw new CairnError('STORE_MOVED', `${path} was copied or moved here from another place (${(err as Error).message}). ` +
      'Two copies of one home must never both run: they would fork its feed. If the original will never be used again, ' +
      `delete ${join(path, 'CORESTORE')} and open this one again; otherwise make a new node here (cairn init --home NEW) and follow the original's feed from it`, { cause: err })
  }
}

/**
 * Every open leaves one more LOG.old.<microseconds> in store/db, and
 * rocksdb-native does not expose keep_log_file_num: delete all but the
 * newest few before opening.
 */
export function pruneRocksLogs (storeDir: string): void {
  const db = join(storeDir, 'db')
  let names: string[]
  try {
    names = readdirSync(db).filter((n) => n.startsWith('LOG.old.'))
  } catch {
    return // no store yet
  }
  const byAge = names.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))
  for (const name of byAge.slice(0, Math.max(0, byAge.length - ROCKS_LOGS_KEPT))) rmSync(join(db, name), { force: true })
}
