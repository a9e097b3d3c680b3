import test from 'brittle'
import { existsSync, writeFileSync } from 'node:fs'
import { clearDaemonRecord, daemonApi, writeDaemonRecord } from '../../node/daemon/record.js'
import { homePaths } from '../../node/storage/home.js'

const TOKEN = 'ab'.repeat(32)

test('daemonApi(): only a readable record naming the lock\'s pid, with the daemon\'s token, counts', async (t) => {
  const home = await t.tmp()
  const paths = homePaths(home)
  t.is(daemonApi(home), null, 'no record')
  writeFileSync(paths.lock, '4242')
  writeFileSync(paths.token, `${TOKEN}\n`, { mode: 0o600 })
  writeFileSync(paths.daemon, JSON.stringify({ pid: 4242, url: 'http://127.0.0.1:1/' }))
  t.alike(daemonApi(home), { url: 'http://127.0.0.1:1/', token: TOKEN })
  writeFileSync(paths.daemon, JSON.stringify({ pid: 4243, url: 'http://127.0.0.1:1/' }))
  t.is(daemonApi(home), null, 'a record left by another process (a daemon killed with -9)')
  writeFileSync(paths.daemon, '{"pid": 42')
  t.is(daemonApi(home), null, 'a damaged record is no record, not an error')
  writeFileSync(paths.daemon, JSON.stringify({ pid: 4242, url: 'http://127.0.0.1:1/' }))
  writeFileSync(paths.lock, '')
  t.is(daemonApi(home), null, 'no pid in the lock')
})

test('writeDaemonRecord(): the record names this process, so daemonApi() finds it once the lock does; clearDaemonRecord() takes it back', async (t) => {
  const home = await t.tmp()
  const paths = homePaths(home)
  writeFileSync(paths.token, `${TOKEN}\n`, { mode: 0o600 })
  writeDaemonRecord(paths, 'http://127.0.0.1:2/')
  t.is(daemonApi(home), null, 'the lock names no process yet')
  writeFileSync(paths.lock, String(process.pid))
  t.alike(daemonApi(home), { url: 'http://127.0.0.1:2/', token: TOKEN })
  clearDaemonRecord(paths)
  t.is(existsSync(paths.daemon), false)
  t.is(daemonApi(home), null)
  clearDaemonRecord(paths) // none left: nothing to do, no error
})
