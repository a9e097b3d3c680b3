import test from 'brittle'
import { statSync, writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { createHttpApp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import { createNode } from '../helpers/nodes.js'
import { fillMaintainer } from './fill.js'
import { serve } from './serve.js'

const SUBJECT = 'ab'.repeat(32)

test('the API token: 32 random bytes in hex, mode 0600, created once; a readable one is refused', async (t) => {
  const dir = await t.tmp()
  const path = join(dir, 'api.token')
  const token = loadOrCreateToken(path)
  t.ok(/^[0-9a-f]{64}$/.test(token))
  t.is(statSync(path).mode & 0o777, 0o600)
  t.is(loadOrCreateToken(path), token, 'the same token on the next start')
  chmodSync(path, 0o644)
  t.exception(() => loadOrCreateToken(path), /KEY_PERMISSIONS/)
  writeFileSync(path, 'short\n', { mode: 0o600 })
  chmodSync(path, 0o600)
  t.exception(() => loadOrCreateToken(path), /TOKEN_CORRUPT/)
})

test('writes land as events on the node\'s own feed: reviews, jobs, trust, notes', async (t) => {
  const { node, home } = await createNode(t)
  const { v2 } = await fillMaintainer(node)
  const api = await serve(t, node, home)
  const before = node.feed.core.length

  const review = await api.post('/api/reviews', { target: { revision: v2.id, patch: 1 }, trailers: [{ key: 'Acked-by', value: 'A <a@example.org>' }], comment: 'ok' })
  t.is(review.status, 201)
  const r = await review.json() as { id: string, event: { type: string, author: string, refs: string[], feed: string } }
  t.is(r.event.type, 'review')
  t.is(r.event.author, node.identityKey, 'signed by this node\'s identity')
  t.is(r.event.feed, node.feedKey, 'on its own feed')
  t.alike(r.event.refs, [v2.id], 'refers to the revision')
  t.is(review.headers.get('location'), `/api/events/${r.id}`)

  const job = await api.post('/api/jobs', { project: 'linux', repo: 'https://git.example.org/linux.git', base: 'f'.repeat(40), revision: v2.id, recipe: { kind: 'build' }, profile: 'build-only', tags: [], priority: 1 })
  t.is(job.status, 201)
  const trust = await api.post('/api/trust', { subject: SUBJECT, roles: ['reviewer'] })
  t.is(trust.status, 201)
  t.alike([...(node.views.trust.get(SUBJECT) ?? [])], ['reviewer'], 'trust applies at once')
  const note = await api.post('/api/notes', { text: 'from the API' })
  t.is(note.status, 201)
  const any = await api.post('/api/events', { type: 'note', body: { text: 'any type, as cairn post' }, refs: [v2.id] })
  t.is(any.status, 201)
  const posted = node.views.event((await any.json() as { id: string }).id)
  t.alike(posted?.type === 'note' ? [posted.body.text, posted.refs] : null, ['any type, as cairn post', [v2.id]])
  t.is(node.feed.core.length, before + 5, 'five blocks appended')
  const types = node.log({ author: node.identityKey }).slice(-5).map((e) => e.type)
  t.alike(types.sort(), ['job.request', 'note', 'note', 'review', 'trust.set'])
})

test('writes without the token, or with a wrong one, are refused with 401 and append nothing', async (t) => {
  const { node, home } = await createNode(t)
  const { v2 } = await fillMaintainer(node)
  const api = await serve(t, node, home)
  const length = node.feed.core.length
  const events = node.views.count
  const bodies: Array<[string, unknown]> = [
    ['/api/reviews', { target: { revision: v2.id }, trailers: [] }],
    ['/api/jobs', { project: 'p', repo: 'r', base: 'b', recipe: {}, profile: 'x', tags: [], priority: 0 }],
    ['/api/trust', { subject: SUBJECT, roles: ['maintainer'] }],
    ['/api/notes', { text: 'sneaky' }],
    ['/api/events', { type: 'note', body: { text: 'sneaky' } }]
  ]
  for (const [path, body] of bodies) {
    for (const token of [null, 'wrong', '0'.repeat(64), `${api.token}0`]) {
      const res = await api.post(path, body, { token })
      t.is(res.status, 401, `${path} with ${token === null ? 'no token' : 'a wrong token'}: 401`)
      t.is(res.headers.get('www-authenticate'), 'Bearer realm="cairn"')
      t.is((await res.json() as { error: string }).error, 'UNAUTHORIZED')
    }
    const bad = await api.post(path, null, { token: null, raw: '{not json' })
    t.is(bad.status, 401, `${path}: the token is checked before the body is read`)
  }
  t.is(node.feed.core.length, length, 'nothing appended')
  t.is(node.views.count, events, 'nothing indexed')
})

test('bad bodies: not JSON, wrong content type, schema errors name the field; nothing appended', async (t) => {
  const { node, home } = await createNode(t)
  const { v2 } = await fillMaintainer(node)
  const api = await serve(t, node, home)
  const length = node.feed.core.length
  const cases: Array<{ path: string, body?: unknown, raw?: string, contentType?: string, status: number, code: string, says?: RegExp }> = [
    { path: '/api/notes', raw: '{"text": ', status: 400, code: 'BAD_JSON' },
    { path: '/api/notes', raw: '', status: 400, code: 'BAD_JSON' },
    { path: '/api/notes', raw: 'text=hi', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { path: '/api/notes', body: ['text'], status: 400, code: 'SCHEMA', says: /body/ },
    { path: '/api/notes', body: { text: 42 }, status: 400, code: 'SCHEMA', says: /note: text:/ },
    { path: '/api/trust', body: { subject: 'not-a-key', roles: ['reviewer'] }, status: 400, code: 'SCHEMA', says: /trust\.set: subject:/ },
    { path: '/api/trust', body: { subject: SUBJECT, roles: ['king'] }, status: 400, code: 'SCHEMA', says: /trust\.set: roles\.0:/ },
    { path: '/api/reviews', body: { target: { revision: v2.id }, trailers: [{ key: '', value: 'x' }] }, status: 400, code: 'SCHEMA', says: /review: trailers\.0\.key:/ },
    { path: '/api/reviews', body: { trailers: [] }, status: 400, code: 'SCHEMA', says: /review: target:/ },
    { path: '/api/reviews', body: { target: { revision: 'e'.repeat(64) }, trailers: [] }, status: 404, code: 'UNKNOWN_REVISION', says: /target\.revision/ },
    { path: '/api/jobs', body: { project: 'p', repo: 'r', base: 'b', recipe: {}, profile: 'x', tags: [] }, status: 400, code: 'SCHEMA', says: /job\.request: priority:/ },
    { path: '/api/notes', raw: JSON.stringify({ text: 'x'.repeat(5 * 1024 * 1024) }), status: 413, code: 'TOO_LARGE' },
    { path: '/api/events', body: { body: { text: 'x' } }, status: 400, code: 'SCHEMA', says: /type:/ },
    { path: '/api/events', body: { type: 'poem', body: {} }, status: 400, code: 'UNKNOWN_TYPE', says: /unknown event type "poem"/ },
    { path: '/api/events', body: { type: 'note', body: { text: 1 } }, status: 400, code: 'SCHEMA', says: /note: text:/ },
    { path: '/api/events', body: { type: 'note', body: { text: 'x' }, refs: ['nope'] }, status: 400, code: 'SCHEMA', says: /ref "nope"/ },
    { path: '/api/events', body: { type: 'note', body: { text: 'x' }, refs: 'nope' }, status: 400, code: 'SCHEMA', says: /refs:/ },
    { path: '/api/events', raw: `{"type":"note","body":{"text":"x","deep":${'{"a":'.repeat(1400)}1${'}'.repeat(1400)}}}`, status: 400, code: 'SCHEMA', says: /nested deeper than the limit of 64 levels/ },
    { path: '/api/notes', raw: `{"text":"x","deep":${'['.repeat(1400)}${']'.repeat(1400)}}`, status: 400, code: 'SCHEMA', says: /note: body\.deep\.0\.0.*nested deeper/ },
    { path: '/api/notes', raw: '{"text":"\\ud800 alone"}', status: 400, code: 'SCHEMA', says: /text: holds a lone UTF-16 surrogate/ },
    { path: '/api/notes', raw: '{"text":"x","n":1e400}', status: 400, code: 'SCHEMA', says: /body\.n: Infinity is not a finite number/ }
  ]
  for (const c of cases) {
    const res = await api.post(c.path, c.body, { ...(c.raw !== undefined ? { raw: c.raw } : {}), ...(c.contentType !== undefined ? { contentType: c.contentType } : {}) })
    const body = await res.json() as { error: string, message: string }
    t.is(res.status, c.status, `${c.path} ${c.code}: ${body.message.slice(0, 120)}`)
    t.is(body.error, c.code)
    if (c.says !== undefined) t.ok(c.says.test(body.message), `names the field: ${body.message}`)
  }
  t.is(node.feed.core.length, length, 'nothing appended')
  const get = await api.get('/api/notes')
  t.is(get.status, 404, 'writes are POST only')
})

test('blob routes refuse anything but a 64-hex hash: no path traversal', async (t) => {
  const { node, home } = await createNode(t)
  const api = await serve(t, node, home)
  const attempts = [
    '/api/blobs/..%2f..%2f..%2fetc%2fpasswd',
    '/api/blobs/..%2F..%2Fapi.token',
    '/api/blobs/%2fetc%2fpasswd',
    '/api/blobs/%2e%2e',
    '/api/blobs/..',
    `/api/blobs/${'A'.repeat(64)}`,
    `/api/blobs/${'a'.repeat(63)}`,
    `/api/blobs/${'a'.repeat(64)}%00`,
    `/api/blobs/${'a'.repeat(64)}/../../api.token`,
    '/api/blobs//etc/passwd',
    '/api/blobs/../../api.token',
    '/api/blobs/%252e%252e%252fapi.token'
  ]
  for (const path of attempts) {
    // fetch would normalise "..": send the path as is over a raw request
    const res = await rawGet(api.server.port, path)
    t.ok(res.status === 400 || res.status === 404, `${path}: ${res.status} ${res.body.slice(0, 100)}`)
    t.absent(res.body.includes('root:') || res.body.includes(api.token), 'nothing from the file system')
  }
})

test('non-loopback clients are refused by default; --http-allow-from lets a prefix in; Host is checked on loopback', async (t) => {
  const { node } = await createNode(t)
  const token = 'c'.repeat(64)
  const app = createHttpApp(node, { token })
  t.teardown(() => app.close(), { order: -1 })
  for (const remoteAddress of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '2001:db8::1', '8.8.8.8']) {
    const res = await app.inject({ url: '/api/status', remoteAddress })
    t.is(res.statusCode, 403, `${remoteAddress}: 403`)
    t.is(res.json().error, 'REMOTE_REFUSED')
    const write = await app.inject({ method: 'POST', url: '/api/notes', remoteAddress, headers: { authorization: `Bearer ${token}` }, payload: { text: 'remote' } })
    t.is(write.statusCode, 403, `${remoteAddress}: writes refused even with the token`)
  }
  for (const remoteAddress of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
    t.is((await app.inject({ url: '/api/status', remoteAddress })).statusCode, 200, `${remoteAddress}: loopback is served`)
  }
  for (const host of ['evil.example:7420', 'attacker.test', '10.0.0.1:7420']) {
    const res = await app.inject({ url: '/api/status', headers: { host } })
    t.is(res.statusCode, 403, `Host ${host}: refused (DNS rebinding)`)
    t.is(res.json().error, 'HOST_REFUSED')
  }
  for (const host of ['127.0.0.1:7420', 'localhost:7420', '[::1]:7420', 'localhost']) {
    t.is((await app.inject({ url: '/api/status', headers: { host } })).statusCode, 200, `Host ${host}: served`)
  }
  t.is(node.views.count, 0, 'nothing appended')

  const { parseAllow } = await import('../../node/http/access.js')
  const open = createHttpApp(node, { token, allowFrom: [parseAllow('10.0.0.0/8'), parseAllow('2001:db8::/32')], hostNames: ['node.lab'] })
  t.teardown(() => open.close(), { order: -1 })
  t.is((await open.inject({ url: '/api/status', remoteAddress: '10.9.8.7', headers: { host: 'node.lab:7420' } })).statusCode, 200, 'an allowed prefix is served')
  t.is((await open.inject({ url: '/api/status', remoteAddress: '10.9.8.7', headers: { host: '10.0.0.1:7420' } })).statusCode, 200, 'under its IP address too')
  for (const host of ['evil.example:7420', 'attacker.test', 'node.lab.evil.example']) {
    const res = await open.inject({ url: '/api/status', remoteAddress: '10.9.8.7', headers: { host } })
    t.is(res.statusCode, 403, `Host ${host}: refused with --http-allow-from too (DNS rebinding)`)
    t.is(res.json().error, 'HOST_REFUSED')
  }
  t.is((await open.inject({ url: '/api/status', headers: { host: 'evil.example' } })).statusCode, 403, 'a loopback client under a foreign name: refused')
  t.is((await open.inject({ url: '/api/status', remoteAddress: '2001:db8:1::5' })).statusCode, 200, 'an allowed IPv6 prefix is served')
  t.is((await open.inject({ url: '/api/status', remoteAddress: '192.168.0.1' })).statusCode, 403, 'others still refused')
})

test('binding a non-loopback address needs allowRemote', async (t) => {
  const { node } = await createNode(t)
  const { serveHttp } = await import('../../node/http/server.js')
  await t.exception(serveHttp(node, { host: '0.0.0.0', port: 0 }, { token: 'd'.repeat(64) }), /REMOTE_REFUSED/)
  const { networkInterfaces } = await import('node:os')
  const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && !i.internal && i.family === 'IPv4')
  if (external === undefined) {
    t.comment('no non-loopback address on this machine: bind check only')
    return
  }
  // Bind the machine's own address with the flag, and connect from this
  // machine only: the request still is not from loopback, so it is refused.
  const server = await serveHttp(node, { host: external.address, port: 0, allowRemote: true }, { token: 'd'.repeat(64) })
  t.teardown(() => server.close(), { order: -1 })
  const res = await fetch(`http://${external.address}:${server.port}/api/status`)
  t.is(res.status, 403, `a client at ${external.address} is not loopback: refused`)
})

async function rawGet (port: number, path: string): Promise<{ status: number, body: string }> {
  const { request } = await import('node:http')
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}
