import test from 'brittle'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { postThroughDaemon } from '../../node/cli/daemon-api.js'

const TOKEN = 'ab'.repeat(32)

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
