import test from 'brittle'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { LengthRecord } from '../../node/storage/length-record.js'

test('LengthRecord keeps the last set length across reopen, starts from the migrated value, and is private', async (t) => {
  const path = join(await t.tmp(), 'own-length')
  const fresh = new LengthRecord(path, 7) // a home from before own-length: state.json said 7
  t.is(fresh.get(), 7)
  fresh.set(123_456_789_012)
  fresh.close()
  t.is(statSync(path).mode & 0o777, 0o600)
  const again = new LengthRecord(path, 0)
  t.is(again.get(), 123_456_789_012, 'the durable value wins over the fallback')
  again.close()
})
