import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { homePaths } from '../../node/storage/home.js'
import { cairn, cliArgv } from '../helpers/cli.js'

/** What `cairn id --json` printed before it read the records: the node's own answer. */
async function openedId (home: string): Promise<string> {
  const node = await CairnNode.open(home)
  try {
    return JSON.stringify({ identity: node.identityKey, feed: node.feedKey, blobs: node.blobsKey, name: node.name, feedLength: node.feed.core.length, events: node.views.count, follows: node.follows().length })
  } finally {
    await node.close()
  }
}

async function homeWithEvents (t: { tmp: () => Promise<string> }): Promise<string> {
  const home = join(await t.tmp(), 'h')
  const node = await CairnNode.init(home, 'ada')
  for (const text of ['one', 'two']) await node.post('note', { text })
  await node.postMany([{ type: 'note', body: { text: 'three' }, refs: [] }, { type: 'note', body: { text: 'four' }, refs: [] }])
  await node.indexer.run()
  await node.follow('ab'.repeat(32))
  await node.close()
  return home
}

test('cairn id --json from the home\'s records is what opening the node answers, key for key', async (t) => {
  const home = await homeWithEvents(t)
  const expected = await openedId(home)
  t.is(JSON.parse(expected).events, 4)
  const fast = cairn(home, 'id', '--json')
  t.is(fast.status, 0, fast.stderr)
  t.is(fast.stdout.trim(), expected)

  const paths = homePaths(home)
  const summary = JSON.parse(readFileSync(paths.viewsSummary, 'utf8')) as Record<string, unknown>
  writeFileSync(paths.viewsSummary, JSON.stringify({ ...summary, events: 99 }))
  t.is(JSON.parse(cairn(home, 'id', '--json').stdout).events, 99, 'id reads the counts the views recorded as they closed')
  utimesSync(paths.views, new Date(2001, 0, 1), new Date(2001, 0, 1)) // the views' file changed since
  t.is(cairn(home, 'id', '--json').stdout.trim(), expected, 'and reads views.sqlite once the file changed since')

  rmSync(homePaths(home).keys)
  const old = cairn(home, 'id', '--json')
  t.is(old.stdout.trim(), expected, 'a home made before keys.json: id opens the node')
  t.ok(existsSync(homePaths(home).keys), 'and that open records the keys')

})

test('cairn id checks identity.key as opening the node does', async (t) => {
  const dir = await t.tmp()
  const none = cairn(join(dir, 'none'), 'id')
  t.not(none.status, 0)
  t.ok(none.stderr.includes('NOT_INITIALISED'), none.stderr.trim())
  const home = join(dir, 'h')
  t.is(cairn(home, 'init', '--name', 'ada').status, 0)
  chmodSync(homePaths(home).identity, 0o644)
  const open = cairn(home, 'id')
  t.not(open.status, 0)
  t.ok(open.stderr.includes('KEY_PERMISSIONS'), open.stderr.trim())
})

// CommonJS packages loaded by the run, from require.cache at exit (corestore, sodium-native and rocksdb-native are CommonJS).
const PROBE = 'data:text/javascript,import { createRequire } from "node:module"; const cache = createRequire("/").cache; ' +
  'process.on("exit", () => process.stderr.write("\\nloaded " + Object.keys(cache).join(" ") + "\\n"))'

function loadedPackages (home: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', PROBE, ...cliArgv(), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  return r.stderr.split('\n').find((l) => l.startsWith('loaded ')) ?? ''
}

test('cairn id loads neither corestore, sodium-native nor SQLite (only opening the store needs them)', async (t) => {
  const home = await homeWithEvents(t)
  const status = loadedPackages(home, 'status')
  t.ok(status.includes('/node_modules/corestore/'), 'the probe sees corestore where the node is opened')
  const id = loadedPackages(home, 'id')
  t.ok(id.startsWith('loaded '), 'the probe ran')
  for (const pkg of ['corestore', 'sodium-native', 'rocksdb-native', 'better-sqlite3']) t.absent(id.includes(`/node_modules/${pkg}/`), `id does not load ${pkg}`)
})
