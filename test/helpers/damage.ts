import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Damage the newest RocksDB write-ahead log of a home's store the way a torn
 * write does: overwrite bytes near its end. On open RocksDB drops the damaged
 * record and everything after it, silently, and the core reopens short.
 */
export function damageWalTail (home: string, bytesFromEnd = 900): void {
  const db = join(home, 'store', 'db')
  const logs = readdirSync(db).filter((f) => f.endsWith('.log')).sort()
  const newest = logs[logs.length - 1]
  if (newest === undefined) throw new Error(`no WAL in ${db}`)
  const wal = join(db, newest)
  const at = Math.max(0, statSync(wal).size - bytesFromEnd)
  const fd = openSync(wal, 'r+')
  try {
    writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, at)
  } finally {
    closeSync(fd)
  }
}
