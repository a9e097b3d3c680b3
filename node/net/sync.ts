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

/** How long any network wait lasts with nothing arriving, unless told otherwise. */
export const PEER_TIMEOUT_MS = 30_000

/**
 * Serve replication to every peer that connects over TCP (Noise-encrypted). A
 * connection that has not completed the handshake in `handshakeTimeoutMs` is
 * closed: bytes that are not Noise (or none) must not hold a socket for good.
 */
export async function listen (node: CairnNode, at: HostPort, log?: (msg: string) => void, handshakeTimeoutMs = PEER_TIMEOUT_MS): Promise<{ server: Server, address: HostPort, sessions: Set<Session> }> {
  const sessions = new Set<Session>()
  const server = createServer((socket) => {
    const session = replicateStream(node, false, socket, log === undefined ? {} : { log })
    sessions.add(session)
    session.closed.then(() => sessions.delete(session), () => {})
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    const timer = setTimeout(() => {
      log?.(`peer ${peer} did not complete the handshake in ${seconds(handshakeTimeoutMs)}; closed`)
      session.destroy()
    }, handshakeTimeoutMs)
    session.stream.opened.then(() => clearTimeout(timer), () => clearTimeout(timer))
    session.closed.then(() => clearTimeout(timer), () => clearTimeout(timer))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new CairnError('LISTEN_FAILED', `cannot listen on ${at.host}:${at.port}: ${err.message}`, { cause: err })))
    server.listen(at.port, at.host, resolve)
  })
  const a = server.address() as AddressInfo
  return { server, address: { host: a.address, port: a.port }, sessions }
}

export async function connect (node: CairnNode, to: HostPort, log?: (msg: string) => void, timeoutMs = PEER_TIMEOUT_MS): Promise<Session> {
  const peer = `${to.host.includes(':') ? `[${to.host}]` : to.host}:${to.port}`
  const socket: Socket = tcpConnect(to.port, to.host)
  try {
    await within(new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', (err) => reject(new CairnError('CONNECT_FAILED', `cannot connect to ${peer}: ${err.message}`, { cause: err })))
    }), timeoutMs, () => `peer ${peer} did not accept a connection in ${seconds(timeoutMs)}`)
  } catch (err) {
    socket.destroy()
    throw err
  }
  return replicateStream(node, true, socket, log === undefined ? { peer } : { log, peer })
}

/**
 * Wait until we hold everything the peer served and it holds what we
 * offered, then index it. Resolves false if the peer went away first (what
 * arrived is kept and indexed; the next sync resumes from there). Throws
 * PEER_TIMEOUT, naming the peer, when nothing moves for `timeoutMs`: no
 * announcement page, no block, no feed adopted (a page of a thousand feeds
 * takes a busy machine long to adopt, so the wait for the first whole
 * announcement is not a fixed time either).
 */
export async function untilCaughtUp (session: Session, timeoutMs = PEER_TIMEOUT_MS): Promise<boolean> {
  let closed = false
  session.closed.then(() => { closed = true }, () => {})
  let caughtUp = false
  try {
    let moved = session.moved
    let movedAt = Date.now()
    while (!closed && !(caughtUp = session.caughtUp())) {
      if (session.moved !== moved) { moved = session.moved; movedAt = Date.now() }
      if (Date.now() - movedAt > timeoutMs) {
        throw new CairnError('PEER_TIMEOUT', session.roundsHeard === 0
          ? `peer ${session.peer} sent no announcement in ${seconds(timeoutMs)}`
          : `peer ${session.peer} served nothing for ${seconds(timeoutMs)}; ${session.behind() ?? 'still behind'}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    await session.node.indexer.run()
  }
  // Caught up with what the peer served when we got there: a peer that
  // appends while we index (a daemon answering what we sent) does not undo it.
  return caughtUp
}

/** Resolve as the promise does, or reject PEER_TIMEOUT with the message after ms. */
export async function within<T> (promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((resolve, reject) => { timer = setTimeout(() => reject(new CairnError('PEER_TIMEOUT', message())), ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function seconds (ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}
