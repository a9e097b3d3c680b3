import test from 'brittle'
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { ROCKS_LOGS_KEPT } from '../../node/storage/store-open.js'
import { isCairnError } from '../../protocol/errors.js'

/** Every path under dir whose mode lets its group or others in. */
function openToOthers (dir: string): string[] {
  const out: string[] = []
  const walk = (path: string): void => {
    if ((statSync(path).mode & 0o077) !== 0) out.push(`${path} ${(statSync(path).mode & 0o777).toString(8)}`)
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name))
  }
  walk(dir)
  return out
}

test('init over an existing home makes it, store/ and everything in them 0700/0600', async (t) => {
  const home = join(await t.tmp(), 'home')
  mkdirSync(join(home, 'store'), { recursive: true, mode: 0o755 })
  chmodSync(home, 0o755)
  chmodSync(join(home, 'store'), 0o755)
  writeFileSync(join(home, 'store', 'left-over'), 'x', { mode: 0o644 })
  const node = await CairnNode.init(home, 'n')
  await node.post('note', { text: 'written, so RocksDB has files' })
  await node.close()
  t.is(statSync(home).mode & 0o777, 0o700, 'the home')
  t.is(statSync(join(home, 'store')).mode & 0o777, 0o700, 'store/')
  t.alike(openToOthers(home), [], 'nothing below is open to others')
})

test("a runner's workdir in the home keeps its executables", async (t) => {
  const home = join(await t.tmp(), 'home')
  await (await CairnNode.init(home, 'n')).close()
  mkdirSync(join(home, 'runner'))
  writeFileSync(join(home, 'runner', 'build.sh'), '#!/bin/sh\n', { mode: 0o755 })
  await (await CairnNode.open(home)).close()
  t.is(statSync(join(home, 'runner', 'build.sh')).mode & 0o777, 0o755, 'left as it was: the home is 0700 around it')
})

test('a home others can read is refused, with the chmod to run', async (t) => {
  const home = join(await t.tmp(), 'home')
  await (await CairnNode.init(home, 'n')).close()
  chmodSync(home, 0o755)
  const err = await CairnNode.open(home).then(async (n) => { await n.close(); return null }, (e: unknown) => e)
  t.ok(isCairnError(err, 'KEY_PERMISSIONS'), String(err))
  t.ok(String(err).includes(`chmod -R go-rwx ${home}`), 'says what to run')
  chmodSync(home, 0o700)
  await (await CairnNode.open(home)).close()
  t.pass('opens once it is private again')
})

test('a copied home is STORE_MOVED with what to do, not a stack trace; it opens once its device file is dropped', async (t) => {
  const dir = await t.tmp()
  const original = join(dir, 'original')
  const node = await CairnNode.init(original, 'n')
  await node.post('note', { text: 'before the copy' })
  await node.close()
  const copy = join(dir, 'copy')
  cpSync(original, copy, { recursive: true })
  const err = await CairnNode.open(copy).then(async (n) => { await n.close(); return null }, (e: unknown) => e)
  t.ok(isCairnError(err, 'STORE_MOVED'), String(err))
  t.ok(String(err).includes('fork') && String(err).includes(join(copy, 'store', 'CORESTORE')), 'says why and what to delete')

  rmSync(join(copy, 'store', 'CORESTORE'))
  const moved = await CairnNode.open(copy)
  t.is(moved.status().events, 1, 'the copy opens with what it held')
  await moved.close()
})

test('RocksDB info logs are bounded however often the home is opened', async (t) => {
  const home = join(await t.tmp(), 'home')
  await (await CairnNode.init(home, 'n')).close()
  for (let i = 0; i < ROCKS_LOGS_KEPT + 4; i++) await (await CairnNode.open(home)).close()
  const old = readdirSync(join(home, 'store', 'db')).filter((n) => n.startsWith('LOG.old'))
  t.ok(old.length <= ROCKS_LOGS_KEPT + 1, `${old.length} LOG.old files`)
})
