import test from 'brittle'
import { foldIdentities, foldTrust, parsePerson } from '../../machines/trust.js'
import { actor, World } from './fixtures.js'

test('foldTrust() counts only the root\'s trust.set events, latest first', t => {
  const w = new World()
  const alice = actor('Alice Reviewer')
  const bob = actor('Bob Reviewer')
  const other = actor('Other Node')
  w.trust(alice, 'reviewer')
  w.emit(other, 'trust.set', { subject: bob.key, roles: ['maintainer'] })
  let trust = foldTrust(w.events, w.root.key)
  t.alike([...trust.keys()], [w.root.key, alice.key], 'another node\'s trust does not count (the root trusts itself)')
  t.alike([...(trust.get(alice.key) ?? [])], ['reviewer'])
  w.trust(alice, 'reviewer', 'maintainer')
  w.emit(w.root, 'trust.set', { subject: alice.key, roles: ['reviewer'], revoked: true })
  trust = foldTrust(w.events, w.root.key)
  t.alike([...(trust.get(alice.key) ?? [])], ['maintainer'], 'revoked removes the listed roles')
  w.emit(w.root, 'trust.set', { subject: alice.key, roles: [], revoked: true })
  t.absent(foldTrust(w.events, w.root.key).has(alice.key), 'revoked with no roles removes them all')
  t.alike(foldTrust([...w.events].reverse(), w.root.key), foldTrust(w.events, w.root.key), 'arrival order does not matter')
})

test('foldIdentities() unions emails (lowercased) and keeps the latest name', t => {
  const w = new World()
  const a = actor('Ada Lovelace', 'ada@example.org')
  w.emit(a, 'identity.link', { feed: a.key, name: 'Ada', emails: ['Ada@Example.org'] })
  w.emit(a, 'identity.link', { feed: 'f'.repeat(64), name: 'Ada Lovelace', emails: ['ada@work.example.org'] })
  t.alike(foldIdentities(w.events).get(a.key), { emails: ['ada@example.org', 'ada@work.example.org'], name: 'Ada Lovelace' })
})

test('parsePerson() reads trailer and MAINTAINERS values', t => {
  t.alike(parsePerson('Ada Lovelace <Ada@Example.org>'), { name: 'Ada Lovelace', email: 'ada@example.org' })
  t.alike(parsePerson('"Ts\'o, Ted" <ted@example.org>'), { name: 'Ts\'o, Ted', email: 'ted@example.org' })
  t.alike(parsePerson('ada@example.org'), { name: '', email: 'ada@example.org' })
  t.alike(parsePerson('ada@example.org (Ada)'), { name: 'Ada', email: 'ada@example.org' })
  t.alike(parsePerson('Ada'), { name: 'Ada', email: '' })
})
