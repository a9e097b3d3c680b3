import test from 'brittle'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { daemonApi, postThroughDaemon } from '../../node/cli/daemon-api.js'
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

test('postThroughDaemon(): the daemon\'s error codes pass through; anything else is DAEMON_ERROR or DAEMON_UNREACHABLE', async (t) => {
  const answers: Array<[number, string]> = [[400, '{"error":"SCHEMA","message":"note: text: expected string"}'], [503, '{"error":"Service Unavailable","message":"closing"}'], [201, 'null']]
  const server = createServer((_req, res) => {
    const [status, body] = answers.shift() ?? [500, '']
    res.writeHead(status, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const api = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, token: TOKEN }
  await t.exception(postThroughDaemon(api, 'note', { text: 1 }, []), /^CairnError: SCHEMA: note: text: expected string$/)
  await t.exception(postThroughDaemon(api, 'note', { text: 'x' }, []), /^CairnError: DAEMON_ERROR: closing$/, 'a status text is not taken for a code')
  await t.exception(postThroughDaemon(api, 'note', { text: 'x' }, []), /DAEMON_ERROR: the daemon answered HTTP 201/, 'a null body')
  const gone = createServer()
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
  const port = (gone.address() as AddressInfo).port
  await new Promise((resolve) => gone.close(resolve))
  await t.exception(postThroughDaemon({ url: `http://127.0.0.1:${port}/`, token: TOKEN }, 'note', { text: 'x' }, []), /DAEMON_UNREACHABLE: .*the event may have been posted: check cairn log/)
})
