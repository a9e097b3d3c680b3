import { createServer, connect as tcpConnect } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { CairnError } from '../../protocol/errors.js'
import type { CairnNode } from '../node.js'
import { replicateStream } from './replication.js'
import type { Session } from './replication.js'

export interface HostPort { host: string, port: number }

export function parseHostPort (text: string, what = 'address'): HostPort {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text)
  const port = m === null ? NaN : Number(m[2])
  if (m === null || m[1] === undefined || port > 65535) throw new CairnError('BAD_ADDRESS', `${what} "${text}" is not HOST:PORT (e.g. 127.0.0.1:7421)`)
  return { host: m[1], port }
}

/** Serve replication to every peer that connects over TCP (Noise-encrypted). */
export async function listen (node: CairnNode, at: HostPort, log?: (msg: string) => void): Promise<{ server: Server, address: HostPort, sessions: Set<Session> }> {
  const sessions = new Set<Session>()
  const server = createServer((socket) => {
    const session = replicateStream(node, false, socket, log)
    sessions.add(session)
    session.closed.then(() => sessions.delete(session), () => {})
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new CairnError('LISTEN_FAILED', `cannot listen on ${at.host}:${at.port}: ${err.message}`, { cause: err })))
    server.listen(at.port, at.host, resolve)
  })
  const a = server.address() as AddressInfo
  return { server, address: { host: a.address, port: a.port }, sessions }
}

export async function connect (node: CairnNode, to: HostPort, log?: (msg: string) => void): Promise<Session> {
  const socket: Socket = tcpConnect(to.port, to.host)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', (err) => reject(new CairnError('CONNECT_FAILED', `cannot connect to ${to.host}:${to.port}: ${err.message}`, { cause: err })))
  })
  return replicateStream(node, true, socket, log)
}

/**
 * Wait until we hold everything the peer announced, then index it. Resolves
 * false if the peer went away first (what arrived is kept and indexed; the
 * next sync resumes from there).
 */
export async function untilCaughtUp (session: Session, timeoutMs = 0): Promise<boolean> {
  let closed = false
  session.closed.then(() => { closed = true }, () => {})
  const started = Date.now()
  await Promise.race([session.announced, session.closed])
  while (!closed && !session.caughtUp()) {
    if (timeoutMs > 0 && Date.now() - started > timeoutMs) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await session.node.indexer.run()
  return !closed && session.caughtUp()
}
