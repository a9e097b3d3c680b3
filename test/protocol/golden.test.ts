import test from 'brittle'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { openEvent, signEvent } from '../../protocol/event.js'
import { toHex } from '../../protocol/hex.js'
import { EVENT_TYPES } from '../../protocol/schemas.js'
import { repoRoot } from '../helpers/paths.js'
import { GOLDEN_DRAFTS, GOLDEN_SEED } from './drafts.js'

// Regenerate only on a deliberate wire change: CAIRN_UPDATE_GOLDEN=1 node --import tsx test/protocol/golden.test.ts
const FILE = join(repoRoot, 'test', 'fixtures', 'golden-events.json')

test('golden: the exact payload, signature and EventId of one event of each type', (t) => {
  const keyPair = nativeCrypto.keyPair(GOLDEN_SEED)
  const actual: Record<string, { payload: string, sig: string, id: string }> = {}
  for (const type of EVENT_TYPES) {
    const { signed, event } = signEvent(GOLDEN_DRAFTS[type], keyPair, nativeCrypto)
    actual[type] = { payload: toHex(signed.payload), sig: toHex(signed.sig), id: event.id }
    t.is(openEvent(signed, nativeCrypto).id, event.id, `${type} opens to the same id`)
  }
  if (process.env.CAIRN_UPDATE_GOLDEN === '1') writeFileSync(FILE, JSON.stringify(actual, null, 2) + '\n')
  const golden = JSON.parse(readFileSync(FILE, 'utf8')) as typeof actual
  t.alike(Object.keys(golden).sort(), [...EVENT_TYPES].sort(), 'every event type is pinned')
  for (const type of EVENT_TYPES) t.alike(actual[type], golden[type], `${type} bytes unchanged`)
})
