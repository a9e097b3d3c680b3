// Hosts for multi-host tests: network namespaces joined by veth pairs to a
// bridge in a namespace of their own, private 10.x addresses inside them
// only. Nothing is added to the machine's own network namespace.
import { execFileSync, spawnSync } from 'node:child_process'
import type { TestInstance } from 'brittle'

/** Why namespaces cannot be made here (the test skips with it), or null when they can. */
export function netnsUnavailable (): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  if (spawnSync('ip', ['-V']).status !== 0) return 'no `ip` (iproute2) on PATH'
  return null
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Delete a namespace with whatever still runs in it (what a crashed test left). */
function deleteNs (ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? ''
  for (const pid of pids.split('\n').filter((p) => p !== '')) {
    try { process.kill(Number(pid), 'SIGKILL') } catch {}
  }
  spawnSync('ip', ['netns', 'del', ns])
}

/** Namespaces a crashed earlier run left (named after a pid no longer alive). */
function deleteStale (): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const m = /^(cairn-(\d+)-\S+)/.exec(line)
    if (m === null) continue
    try { process.kill(Number(m[2]), 0) } catch { deleteNs(m[1] ?? '') }
  }
}

export interface Host {
  /** The namespace name, for `ip netns exec`. */
  ns: string
  /** Its address on the lab network. */
  addr: string
  /** argv that runs `argv` on this host. */
  exec: (argv: readonly string[]) => string[]
  /** Cut it off the network (its bridge port down) or bring it back. */
  link: (up: boolean) => void
}

/**
 * `count` hosts on one 10.SUBNET.0.0/24 network, host i at 10.SUBNET.0.(10+i),
 * each with loopback up. Deleted on teardown (their processes must be gone by then).
 */
export function makeHosts (t: TestInstance, count: number): Host[] {
  deleteStale()
  const prefix = `cairn-${process.pid}`
  const hub = `${prefix}-hub`
  const subnet = 100 + (process.pid % 100) // another test run's lab is in other namespaces anyway
  const made: string[] = []
  t.teardown(() => { for (const ns of made.reverse()) deleteNs(ns) }, { order: 10 })
  const add = (ns: string): void => { ip('netns', 'add', ns); made.push(ns); ip('-n', ns, 'link', 'set', 'lo', 'up') }
  add(hub)
  ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge')
  ip('-n', hub, 'link', 'set', 'br0', 'up')
  const hosts: Host[] = []
  for (let i = 0; i < count; i++) {
    const ns = `${prefix}-h${i}`
    const addr = `10.${subnet}.0.${10 + i}`
    add(ns)
    ip('-n', hub, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
    ip('-n', hub, 'link', 'set', `p${i}`, 'master', 'br0')
    ip('-n', hub, 'link', 'set', `p${i}`, 'up')
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    hosts.push({
      ns,
      addr,
      exec: (argv) => ['ip', 'netns', 'exec', ns, ...argv],
      link: (up) => { ip('-n', hub, 'link', 'set', `p${i}`, up ? 'up' : 'down') }
    })
  }
  return hosts
}
