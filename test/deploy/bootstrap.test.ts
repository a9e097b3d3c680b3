import test from 'brittle'
import { createSocket } from 'node:dgram'
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { killed } from '../helpers/child.js'
import { cairn, cairnChild } from '../helpers/cli.js'
import type { CairnChild } from '../helpers/cli.js'

/** A UDP port free on loopback a moment ago (hyperdht takes port 0 as its default 49737, not "any"). */
async function freeUdpPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(resolve))
  return port
}

async function notes (http: string): Promise<string[]> {
  const res = await fetch(`${http}api/events?type=note&order=oldest`)
  const page = await res.json() as { events: Array<{ body: { text: string } }> }
  return page.events.map((e) => e.body.text)
}

/**
 * Resolves once the node at `http` has indexed a note of this text: its
 * /api/stream of notes is opened first (the node subscribes as it says
 * hello), then the notes already indexed are read, so none is missed. No
 * deadline of its own: a lookup that fails on a busy host is tried again
 * (swarm.ts) and the test's timeout bounds the wait.
 */
async function noteIndexed (http: string, text: string): Promise<void> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(new URL('api/stream?type=note', http), { headers: { accept: 'text/event-stream' } }, resolve)
    req.on('error', reject)
    req.end()
  })
  try {
    res.setEncoding('utf8')
    let buf = ''
    let checked: Promise<boolean> | null = null
    for await (const chunk of res as AsyncIterable<string>) {
      buf += chunk
      for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n')) {
        const block = buf.slice(0, end)
        buf = buf.slice(end + 2)
        const data = block.split('\n').find((l) => l.startsWith('data: '))?.slice(6)
        if (block.includes('event: hello')) checked = notes(http).then((all) => all.includes(text))
        else if (data !== undefined && (JSON.parse(data) as { body: { text?: string } }).body.text === text) return
      }
      if (checked !== null && await checked) return
    }
    throw new Error(`the stream of ${http} ended before a note "${text}"`)
  } finally {
    res.destroy()
  }
}

/**
 * A stand-in for systemd: NOTIFY_SOCKET set and a `systemd-notify` first on
 * PATH that records what it was asked, so the test sees each process say
 * READY=1 once it listens. Children inherit it from this process's env.
 */
function fakeSystemd (t: { teardown: (fn: () => void) => void }, dir: string): string {
  const record = join(dir, 'notified')
  const script = join(dir, 'systemd-notify')
  writeFileSync(script, `#!/bin/sh\necho "$NOTIFY_SOCKET $*" >> '${record}'\n`)
  chmodSync(script, 0o755)
  const saved = { PATH: process.env.PATH, NOTIFY_SOCKET: process.env.NOTIFY_SOCKET }
  process.env.PATH = `${dir}:${saved.PATH ?? '/usr/bin:/bin'}`
  process.env.NOTIFY_SOCKET = join(dir, 'notify.sock')
  t.teardown(() => {
    process.env.PATH = saved.PATH
    if (saved.NOTIFY_SOCKET === undefined) delete process.env.NOTIFY_SOCKET
    else process.env.NOTIFY_SOCKET = saved.NOTIFY_SOCKET
  })
  return record
}

const notified = (record: string): string[] => existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []

test('cairn bootstrap: two nodes find each other through a private bootstrap node on loopback and sync', { timeout: 240_000 }, async (t) => {
  const dir = await t.tmp()
  const record = fakeSystemd(t, dir)
  const port = await freeUdpPort()
  const boot = cairnChild(t, join(dir, 'unused-home'), 'bootstrap', '--listen', `127.0.0.1:${port}`)
  const [, at] = await boot.waitFor(/^bootstrap listening on (127\.0\.0\.1:\d+) \(UDP\)/)
  t.is(at, `127.0.0.1:${port}`, 'it prints the address nodes give as --bootstrap')
  t.is(existsSync(join(dir, 'unused-home')), false, 'it needs no home')

  const [a, b] = [join(dir, 'a'), join(dir, 'b')]
  t.is(cairn(a, 'init', '--name', 'alice').status, 0)
  t.is(cairn(b, 'init', '--name', 'bob').status, 0)
  t.is(cairn(a, 'post', 'note', '--body', '{"text":"before the swarm"}').status, 0)
  const feedA = (JSON.parse(cairn(a, 'id', '--json').stdout) as { feed: string }).feed
  t.is(cairn(b, 'follow', feedA).status, 0)

  const swarm = ['--swarm', '--bootstrap', at ?? '', '--topic', 'deploy-test', '--http', '127.0.0.1:0']
  // One after the other: "joined" is printed once a node's announcement is
  // flushed, so b's first lookup finds a. Started together, each lookup can
  // run before the other's announcement and they meet only at hyperswarm's
  // next refresh, minutes later.
  const nodes: CairnChild[] = []
  const http: string[] = []
  for (const home of [a, b]) {
    const n = cairnChild(t, home, 'start', ...swarm)
    nodes.push(n)
    http.push((await n.waitFor(/^http\s+(http:\/\/\S+\/)/))[1] ?? '')
    await n.waitFor(/^swarm\s+joined topic "deploy-test"$/)
  }
  const [httpA, httpB] = http

  await noteIndexed(httpB ?? '', 'before the swarm')
  t.pass('b replicated a\'s note through the swarm')
  const live = noteIndexed(httpB ?? '', 'while running')
  t.is(cairn(a, 'post', 'note', '--body', '{"text":"while running"}').status, 0, 'posted through a\'s daemon')
  await live
  t.alike(await notes(httpB ?? ''), await notes(httpA ?? ''), 'b holds what a holds')

  for (const c of [...nodes, boot]) {
    await killed(c.child, 'SIGTERM')
    t.is(c.child.exitCode, 0, `exit 0 after SIGTERM: ${c.lines.filter((l) => l.startsWith('stderr')).join('\n')}`)
    t.ok(c.lines.includes('stopping'))
  }
  // Each process says `stopping` only after its systemd-notify has returned: the record is whole now.
  const lines = notified(record)
  t.is(lines.length, 3, 'three READY=1 notifications')
  t.ok(lines.every((l) => l.startsWith(`${join(dir, 'notify.sock')} --ready --status=`)), `each process told systemd it is ready: ${lines.join(' | ')}`)
  t.ok(lines.some((l) => l.endsWith(`--status=bootstrap node on ${at ?? ''}`)), 'the bootstrap node among them')
})

test('cairn bootstrap refuses an address the other hosts cannot be told to use', async (t) => {
  const dir = await t.tmp()
  for (const [listen, why] of [['0.0.0.0:49737', /IPv4 address the other hosts reach it by .*not "0\.0\.0\.0"/], ['dht.example.org:49737', /not "dht\.example\.org"/], ['127.0.0.1:0', /fixed UDP port/], ['127.0.0.1', /not HOST:PORT/]] as const) {
    const r = cairn(dir, 'bootstrap', '--listen', listen)
    t.is(r.status, 1, `--listen ${listen} fails`)
    t.ok(why.test(r.stderr), r.stderr.trim())
  }
  const r = cairn(dir, 'bootstrap')
  t.is(r.status, 2, 'without --listen: a usage error')
})
