import { isIP } from 'node:net'
import { CairnError } from '../../protocol/errors.js'

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms: traffic that never left this machine. */
export function isLoopback (address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '')
  return a === '::1' || a === 'localhost' || (isIP(a) === 4 && a.startsWith('127.'))
}

/** Binding anything but loopback exposes the node to the network: only with an explicit flag. */
export function checkBind (host: string, allowRemote: boolean): void {
  if (!isLoopback(host) && !allowRemote) {
    throw new CairnError('REMOTE_REFUSED', `--http ${host} is not a loopback address; add --http-allow-remote to serve the API beyond this machine`)
  }
}

/** An allow-list entry: an exact address or an IPv4/IPv6 prefix "ADDR/BITS". */
export interface AllowRule { bytes: Uint8Array, bits: number, v6: boolean }

export function parseAllow (text: string): AllowRule {
  const [addr = '', bitsText] = text.split('/')
  const version = isIP(addr)
  const max = version === 6 ? 128 : 32
  const bits = bitsText === undefined ? max : Number(bitsText)
  if (version === 0 || !Number.isInteger(bits) || bits < 0 || bits > max) {
    throw new CairnError('BAD_ADDRESS', `"${text}" is not an IP address or ADDR/BITS prefix (e.g. 192.168.1.0/24)`)
  }
  return { bytes: ipBytes(addr), bits, v6: version === 6 }
}

export function allowed (address: string, rules: readonly AllowRule[]): boolean {
  const a = address.replace(/^::ffff:(?=\d+\.)/i, '')
  const version = isIP(a)
  if (version === 0) return false
  const bytes = ipBytes(a)
  return rules.some((r) => r.v6 === (version === 6) && samePrefix(bytes, r.bytes, r.bits))
}

function samePrefix (a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> (i % 8)
    if (((a[i >> 3] ?? 0) & mask) !== ((b[i >> 3] ?? 0) & mask)) return false
  }
  return true
}

function ipBytes (addr: string): Uint8Array {
  if (isIP(addr) === 4) return new Uint8Array(addr.split('.').map(Number))
  // Expand "::" and any embedded IPv4 tail into eight 16-bit groups.
  let groups = addr.split(':')
  const tail = groups[groups.length - 1] ?? ''
  if (tail.includes('.')) {
    const [p, q, r, s] = tail.split('.').map(Number) as [number, number, number, number]
    groups = [...groups.slice(0, -1), ((p << 8) | q).toString(16), ((r << 8) | s).toString(16)]
  }
  const gap = groups.indexOf('')
  if (gap !== -1) {
    const head = groups.slice(0, gap).filter((g) => g !== '')
    const rest = groups.slice(gap).filter((g) => g !== '')
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest]
  }
  const out = new Uint8Array(16)
  groups.forEach((g, i) => { const n = parseInt(g, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 0xff })
  return out
}

/**
 * A browser page on any site can make a loopback request; DNS rebinding lets
 * it read the answer unless the Host header is checked. Loopback-only
 * servers accept only loopback host names.
 */
export function isLoopbackHost (hostHeader: string | undefined): boolean {
  const host = hostName(hostHeader)
  return host === 'localhost' || (host !== null && isLoopback(host))
}

/**
 * The Host check of a server that lets remote clients in: a rebinding page
 * reaches the node under the attacker's own DNS name, so only loopback names,
 * IP literals (a browser at an IP talks to that IP, never to a page of
 * another origin) and the names the operator gave are accepted.
 */
export function isServedHost (hostHeader: string | undefined, names: readonly string[]): boolean {
  const host = hostName(hostHeader)
  if (host === null) return false
  return isLoopbackHost(hostHeader) || isIP(host) !== 0 || names.some((n) => n.toLowerCase() === host)
}

/** "name:port", "[v6]:port" or a bare name -> the name in lower case; null when there is none. */
function hostName (hostHeader: string | undefined): string | null {
  if (hostHeader === undefined) return null
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader)
  const host = (m?.[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase()
  return host === '' ? null : host
}
