import test from 'brittle'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Daemon, startDaemon } from '../../node/daemon/daemon.js'
import type { DaemonOptions } from '../../node/daemon/daemon.js'
import { daemonApi } from '../../node/daemon/record.js'
import { createNode } from '../helpers/nodes.js'

const NOTHING: DaemonOptions = { listen: null, swarm: null, http: null, maintainer: null, ci: null, schedules: null, watch: null, out: () => {}, log: () => {} }

test('Daemon.close(): components close the last started first; one that fails to close does not keep the others open', async (t) => {
  const daemon = new Daemon()
  const closed: string[] = []
  const component = (name: string, fail = false): { name: string, close: () => Promise<void> } => ({
    name,
    close: async () => {
      closed.push(name)
      if (fail) throw new Error(`${name} would not close`)
    }
  })
  daemon.add(component('sync'))
  daemon.add(null) // a component that chose not to run (HTTP on a taken default port)
  daemon.add(component('http', true))
  daemon.add(component('maintainer'))
  t.alike(daemon.components, ['sync', 'http', 'maintainer'])
  await t.exception(daemon.close(), /http would not close/)
  t.alike(closed, ['maintainer', 'http', 'sync'])
  t.alike(daemon.components, [])
  await daemon.close()
  t.is(closed.length, 3, 'closing twice closes nothing twice')
})

test('startDaemon(): sync and HTTP up with the daemon.json record; a component that fails to start closes those before it', async (t) => {
  const { node, home } = await createNode(t, 'lab')
  const lines: string[] = []
  const daemon = await startDaemon(node, {
    ...NOTHING,
    listen: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0, allowRemote: false, allowFrom: [], required: true },
    out: (l) => lines.push(l)
  })
  t.alike(daemon.components, ['sync', 'http'])
  t.ok(/^sync {5}listening on 127\.0\.0\.1:\d+$/.test(lines[0] ?? ''), lines[0])
  t.ok(/^http {5}http:\/\/127\.0\.0\.1:\d+\/ /.test(lines[1] ?? ''), lines[1])
  t.ok(existsSync(node.paths.daemon), 'the record says where the API is')
  t.is(daemonApi(home)?.url, /^http {5}(\S+)/.exec(lines[1] ?? '')?.[1], 'the CLI finds it (this process holds the lock)')
  await daemon.close()
  t.is(existsSync(node.paths.daemon), false, 'taken back on close')

  // An address the user asked for that is taken: the start fails, and the sync listener started before it is closed.
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const port = (taken.address() as AddressInfo).port
  lines.length = 0
  await t.exception(startDaemon(node, {
    ...NOTHING,
    listen: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port, allowRemote: false, allowFrom: [], required: true },
    out: (l) => lines.push(l)
  }), /LISTEN_FAILED: cannot serve HTTP on 127\.0\.0\.1:\d+/)
  const syncPort = Number(/:(\d+)$/.exec(lines[0] ?? '')?.[1])
  const refused = await new Promise<boolean>((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(syncPort, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
  t.ok(refused, `the sync port ${syncPort} is free again`)

  // The default address taken: said, and the daemon runs without HTTP.
  const logged: string[] = []
  const without = await startDaemon(node, { ...NOTHING, http: { host: '127.0.0.1', port, allowRemote: false, allowFrom: [], required: false }, log: (l) => logged.push(l) })
  t.alike(without.components, [])
  t.ok(logged.some((l) => /running without the HTTP API/.test(l)), logged.join('\n'))
  await without.close()
})
