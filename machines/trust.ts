import type { AnyEvent } from '../protocol/event.js'
import { ROLES } from '../protocol/schemas.js'
import type { Role } from '../protocol/schemas.js'
import { orderEvents } from './order.js'

/** Roles each identity (hex public key) holds for the local node. */
export type Trust = ReadonlyMap<string, ReadonlySet<Role>>

/** What an identity says about itself in identity.link events. */
export interface Identity {
  emails: string[]
  name?: string
}

export type Identities = ReadonlyMap<string, Identity>

/**
 * Trust as the local node sees it: only trust.set events authored by the
 * root identity (the node's own key) count, applied in (ts, EventId) order.
 * A trust.set replaces the subject's roles with the listed ones; with
 * `revoked: true` it removes the listed roles, or every role when the list
 * is empty. The root trusts itself for every role until a trust.set of its
 * own about itself says otherwise (its own runner's results, merges and
 * decisions count without a step); nobody else is trusted implicitly.
 */
export function foldTrust (events: Iterable<AnyEvent>, rootIdentity: string): Map<string, Set<Role>> {
  const trust = new Map<string, Set<Role>>([[rootIdentity, new Set(ROLES)]])
  for (const e of orderEvents(events)) {
    if (e.type !== 'trust.set' || e.author !== rootIdentity) continue
    const { subject, roles, revoked } = e.body
    if (revoked === true) {
      const held = trust.get(subject)
      if (held === undefined) continue
      if (roles.length === 0) trust.delete(subject)
      else {
        for (const r of roles) held.delete(r)
        if (held.size === 0) trust.delete(subject)
      }
    } else if (roles.length === 0) {
      trust.delete(subject)
    } else {
      trust.set(subject, new Set(roles))
    }
  }
  return trust
}

/**
 * Names and emails per identity from identity.link events (the union of the
 * emails of all its devices, lowercased; the latest name). These are claims:
 * decide only uses them for identities the root trusts.
 */
export function foldIdentities (events: Iterable<AnyEvent>): Map<string, Identity> {
  const out = new Map<string, Identity>()
  for (const e of orderEvents(events)) {
    if (e.type !== 'identity.link') continue
    const cur = out.get(e.author) ?? { emails: [] }
    const emails = [...cur.emails]
    for (const m of e.body.emails ?? []) {
      const lower = m.trim().toLowerCase()
      if (lower !== '' && !emails.includes(lower)) emails.push(lower)
    }
    const name = e.body.name !== undefined && e.body.name !== '' ? e.body.name : cur.name
    out.set(e.author, name === undefined ? { emails } : { emails, name })
  }
  return out
}

export interface Person {
  name: string
  /** Lowercased; empty when the value holds no address. */
  email: string
}

/** 'Name <email>' or a bare address, as in trailers and MAINTAINERS entries. */
export function parsePerson (value: string): Person {
  const v = value.trim()
  const angle = /^(.*?)\s*<([^<>\s]+)>\s*(?:\(.*\))?$/.exec(v)
  if (angle !== null) return { name: unquote(angle[1] ?? ''), email: (angle[2] ?? '').toLowerCase() }
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(v)) return { name: '', email: v.toLowerCase() }
  const paren = /^([^\s@<>]+@[^\s@<>]+)\s*\((.*)\)$/.exec(v)
  if (paren !== null) return { name: (paren[2] ?? '').trim(), email: (paren[1] ?? '').toLowerCase() }
  return { name: v, email: '' }
}

function unquote (s: string): string {
  const t = s.trim()
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t
}

export function hasRole (trust: Trust, identity: string, ...roles: Role[]): boolean {
  const held = trust.get(identity)
  return held !== undefined && roles.some((r) => held.has(r))
}
