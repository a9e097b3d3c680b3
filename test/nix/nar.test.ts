// NAR serialisation against Nix itself (nix-store --dump, nix-hash) when it
// is installed (Debian: apt-get install nix-bin), and against vectors pinned
// from Nix 2.8.0 so the test still checks something without it.
import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import * as fs from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { dumpNar, narHash, narHashBase32, narStream } from '../../nix/nar.js'
import { fixedOutputPath } from '../../nix/store-path.js'
import { nixBase32 } from '../../nix/base32.js'
import { isCairnError } from '../../protocol/errors.js'
import { hasNix, nix, nixVersion, NO_NIX } from '../helpers/nix.js'

test('nix tools', t => {
  if (hasNix) t.pass(`comparing with ${nixVersion}`)
  else t.pass(NO_NIX)
})

const nixDumpSha256 = (path: string): string => createHash('sha256').update(nix('nix-store', ['--dump', path])).digest('hex')
const nixHashBase32 = (path: string): string => nix('nix-hash', ['--type', 'sha256', '--base32', path]).toString().trim()
const nixFixedPath = (hash: string, name: string): string =>
  nix('nix-store', ['--store', 'dummy://', '--print-fixed-path', '--recursive', 'sha256', hash, name]).toString().trim()

// ---- fixture ---------------------------------------------------------------

/** Deterministic bytes (xorshift32), so pinned hashes stay valid. */
function bytes (n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n)
  let x = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    b[i] = x & 0xff
  }
  return b
}

function file (path: string | Buffer, data: string | Buffer, mode = 0o644): void {
  fs.writeFileSync(path, data)
  fs.chmodSync(path, mode) // explicit: umask must not change the hash
}

/**
 * A tree exercising everything NAR holds: regular, executable (and
 * group-only executable, which Nix does not count), empty and large files,
 * padding edge sizes, files around the 1 MiB staging buffer, symlinks
 * (relative, absolute, dangling, to a dir, long target), empty and deep
 * directories, and names whose bytewise order differs from JS string order.
 */
function makeTree (root: string): void {
  const j = (...p: string[]): string => join(root, ...p)
  file(j('hello.txt'), 'hello\n')
  file(j('empty'), '')
  file(j('run.sh'), '#!/bin/sh\necho hi\n', 0o755)
  file(j('user-x-only'), 'x', 0o744)
  file(j('group-x-only'), 'not executable for Nix', 0o654)
  for (const n of [1, 7, 8, 9, 15, 16, 17]) file(j(`pad-${n}`), bytes(n, n))
  file(j('one-mb.bin'), bytes(1_000_000, 42))
  file(j('mib.bin'), bytes(1 << 20, 43))
  file(j('mib-plus-1.bin'), bytes((1 << 20) + 1, 44), 0o755)
  file(j('three-mib.bin'), bytes(3 * (1 << 20) + 3, 45))
  fs.mkdirSync(j('empty-dir'))
  fs.mkdirSync(j('sub', 'deeper', 'deepest'), { recursive: true })
  file(j('sub', 'a'), 'a')
  file(j('sub', 'deeper', 'deepest', 'leaf'), 'leaf\n')
  let deep = j('deep')
  for (let i = 0; i < 24; i++) deep = join(deep, `d${i}`)
  fs.mkdirSync(deep, { recursive: true })
  file(join(deep, 'bottom'), 'bottom')
  fs.symlinkSync('hello.txt', j('link-rel'))
  fs.symlinkSync('/etc/hostname', j('link-abs'))
  fs.symlinkSync('does/not/exist', j('link-dangling'))
  fs.symlinkSync('sub', j('link-dir'))
  fs.symlinkSync('x'.repeat(300) + ' é/ü', j('link-long'))
  // Odd names. Bytewise order != UTF-16 order for the astral/fullwidth pair.
  fs.mkdirSync(j('odd'))
  const names = [
    'with space', '-leading-dash', '--', 'new\nline', 'tab\tname', 'B', 'a', 'Z', '_', '~',
    'caf\u00e9', 'cafe\u0301', '\u{1F600}emoji', '\uFF5Efullwidth', '\uE000private', '日本語',
    'a.b', 'a-b', 'ab', "quote'\"", 'back\\slash', '.hidden', '..dots'
  ]
  for (const [i, n] of names.entries()) file(join(root, 'odd', n), `name ${i}\n`)
  file(Buffer.concat([Buffer.from(join(root, 'odd') + '/'), Buffer.from([0xff, 0xfe, 0x41])]), 'not utf-8\n')
  fs.mkdirSync(j('odd', 'empty dir with space'))
}

// Pinned from Nix 2.8.0 (nix-store --dump | sha256sum; nix-hash --type sha256 --base32;
// nix-store --print-fixed-path --recursive sha256 HASH cairn-fixture).
const PINNED_TREE = {
  sha256: '6ad561d17b9a853b79a27a417c54b581227f891733670002edd1d0efc678889e',
  base32: '17l8g33fzl6ixl100rrk2y4py8l1nma7qhbsl9wkp1csgg8n3mba',
  size: 6258024,
  fixedPath: '/nix/store/4hfjxmamanmalrm60xc8np3ni7wnrxq4-cairn-fixture'
}

// ---- tests -----------------------------------------------------------------

test('fixture tree: NAR hash, size and store path match pinned Nix vectors', async t => {
  const root = join(await t.tmp(), 'tree')
  fs.mkdirSync(root)
  makeTree(root)
  const h = await narHash(root)
  t.is(h.sha256.toString('hex'), PINNED_TREE.sha256, 'sha256')
  t.is(h.size, PINNED_TREE.size, 'nar size')
  t.is(await narHashBase32(root), PINNED_TREE.base32, 'nix-base32')
  t.is(fixedOutputPath({ name: 'cairn-fixture', sha256: h.sha256 }), PINNED_TREE.fixedPath, 'fixed-output store path')
})

test('fixture tree: same bytes as nix-store --dump, same hash as nix-hash', { skip: !hasNix }, async t => {
  const root = join(await t.tmp(), 'tree')
  fs.mkdirSync(root)
  makeTree(root)
  const chunks: Buffer[] = []
  const size = await dumpNar(root, c => { chunks.push(Buffer.from(c)) })
  const ours = Buffer.concat(chunks)
  const theirs = nix('nix-store', ['--dump', root])
  t.is(size, theirs.length, 'size')
  t.ok(ours.equals(theirs), 'NAR bytes identical to nix-store --dump')
  const h = await narHash(root)
  t.is(h.sha256.toString('hex'), nixDumpSha256(root), 'sha256 = nix-store --dump | sha256sum')
  const b32 = nixHashBase32(root)
  t.is(await narHashBase32(root), b32, 'nix-hash --type sha256 --base32')
  t.is(fixedOutputPath({ name: 'cairn-fixture', sha256: h.sha256 }), nixFixedPath(b32, 'cairn-fixture'), 'nix-store --print-fixed-path')
  t.comment(`pinned: sha256 ${h.sha256.toString('hex')} base32 ${b32} size ${h.size} path ${nixFixedPath(b32, 'cairn-fixture')}`)
})

// Roots of each kind; [name, make, pinned nix-base32 NAR sha256].
const ROOTS: Array<[string, (p: string) => void, string]> = [
  ['a regular file', p => file(p, 'hello\n'), '04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw'],
  ['an empty file', p => file(p, ''), '0ip26j2h11n1kgkz36rl4akv694yz65hr72q4kv4b3lxcbi65b3p'],
  ['an executable file', p => file(p, '#!/bin/sh\n', 0o700), '0m35wabrvlzjvv71f2xvca3vd91gh9mwvh4mm38h7yb0h9kc30v2'],
  ['a symlink', p => fs.symlinkSync('target with space', p), '1k4k6n5fmmynqj3sxfs72zb5ipwy7wwifk8z7maywn0fwsrr4dhk'],
  ['an empty directory', p => fs.mkdirSync(p), '0sjjj9z1dhilhpc8pq4154czrb79z9cm044jvn75kxcjv6v5l2m5']
]

for (const [what, make, pinned] of ROOTS) {
  test(`root that is ${what}`, async t => {
    const p = join(await t.tmp(), 'root')
    make(p)
    const ours = await narHashBase32(p)
    t.is(ours, pinned, 'pinned vector')
    if (hasNix) t.is(ours, nixHashBase32(p), 'nix-hash agrees')
    else t.comment(NO_NIX)
  })
}

test('sockets are rejected with NAR_UNSUPPORTED naming the path', async t => {
  const dir = await t.tmp()
  const sock = join(dir, 'sub', 'my.sock')
  fs.mkdirSync(join(dir, 'sub'))
  file(join(dir, 'sub', 'a-file'), 'x')
  const server = createServer()
  const listening = await new Promise<boolean>(resolve => {
    server.once('error', () => resolve(false)) // e.g. TMPDIR too long for a socket path
    server.listen(sock, () => resolve(true))
  })
  if (!listening) {
    t.comment(`cannot create a unix socket at ${sock}: skipped`)
    return
  }
  t.teardown(() => { server.close() })
  try {
    await narHash(dir)
    t.fail('should have thrown')
  } catch (err) {
    t.ok(isCairnError(err, 'NAR_UNSUPPORTED'), 'code NAR_UNSUPPORTED')
    t.ok((err as Error).message.includes(sock), 'message names the socket')
    t.ok((err as Error).message.includes('socket'), 'message says what it is')
  }
  await t.exception(narHash(sock), /NAR_UNSUPPORTED/, 'socket as the root')
})

test('FIFOs are rejected with NAR_UNSUPPORTED (and never opened)', async t => {
  const dir = await t.tmp()
  const fifo = join(dir, 'pipe')
  if (spawnSync('mkfifo', [fifo]).status !== 0) {
    t.comment('mkfifo not available: skipped')
    return
  }
  await t.exception(narHash(dir), /NAR_UNSUPPORTED: .*pipe.* is a FIFO/)
})

test('a missing path is a NAR_IO error naming it', async t => {
  const p = join(await t.tmp(), 'nope')
  await t.exception(narHash(p), /NAR_IO: lstat .*nope/)
})

test('narStream gives the same bytes under back-pressure; chunks are at most 1 MiB', async t => {
  const root = join(await t.tmp(), 'tree')
  fs.mkdirSync(root)
  makeTree(root)
  const direct: Buffer[] = []
  let biggest = 0
  await dumpNar(root, c => {
    biggest = Math.max(biggest, c.length)
    direct.push(Buffer.from(c))
  })
  t.ok(biggest <= 1 << 20, `largest chunk ${biggest} bytes`)
  const streamed: Buffer[] = []
  for await (const c of narStream(root)) {
    streamed.push(c as Buffer)
    await new Promise(resolve => setImmediate(resolve)) // a slow consumer
  }
  t.ok(Buffer.concat(streamed).equals(Buffer.concat(direct)), 'identical')
})

test('leaving a narStream early stops the walk and closes its files', async t => {
  const root = join(await t.tmp(), 'tree')
  fs.mkdirSync(root)
  makeTree(root)
  const s = narStream(root)
  let n = 0
  for await (const c of s) {
    n += (c as Buffer).length
    break // destroys the stream
  }
  t.ok(s.destroyed && n > 0 && n <= 1 << 20, 'stopped after the first chunk')
  if (!s.closed) await once(s, 'close') // the walk has stopped and closed its files
  if (fs.existsSync('/proc/self/fd')) {
    const open = fs.readdirSync('/proc/self/fd').map(fd => {
      try { return fs.readlinkSync(`/proc/self/fd/${fd}`) } catch { return '' }
    }).filter(p => p.startsWith(root))
    t.alike(open, [], 'no file of the tree left open')
  }
})

test('async sink back-pressure is awaited in order', async t => {
  const root = join(await t.tmp(), 'tree')
  fs.mkdirSync(root)
  makeTree(root)
  const h = createHash('sha256')
  await dumpNar(root, async c => {
    const copy = Buffer.from(c)
    await new Promise(resolve => setImmediate(resolve)) // a sink that answers in a later turn
    h.update(copy)
  })
  t.is(h.digest('hex'), (await narHash(root)).sha256.toString('hex'))
})

test('nixBase32 of a NAR hash is 52 chars', async t => {
  const p = join(await t.tmp(), 'f')
  file(p, 'x')
  const h = await narHash(p)
  t.is(nixBase32(h.sha256).length, 52)
})

test('a long walk gives the event loop turns (synchronous I/O is cut into slices)', async t => {
  const root = join(await t.tmp(), 'many')
  for (let d = 0; d < 30; d++) {
    fs.mkdirSync(join(root, `d${d}`), { recursive: true })
    for (let f = 0; f < 100; f++) fs.writeFileSync(join(root, `d${d}`, `f${f}`), bytes(2000, d * 100 + f + 1))
  }
  let turns = 0
  let running = true
  const spin = (): void => { if (running) { turns++; setImmediate(spin) } }
  setImmediate(spin)
  const t0 = performance.now()
  await narHash(root)
  const ms = performance.now() - t0
  running = false
  if (ms > 40) t.ok(turns > 0, `${turns} event loop turns during a ${ms.toFixed(0)} ms walk`)
  else t.pass(`walk took only ${ms.toFixed(0)} ms, no turn needed`)
})

/** A small random tree (seeded): files, executables, symlinks (dangling too), empty dirs, odd names. */
function randomTree (root: string, seed: number): void {
  let s = seed * 2654435761 >>> 0 || 1
  const rnd = (n: number): number => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % n }
  const names = ['a', 'B', 'z z', '-dash', 'ünï', '.hidden', 'x.txt', '10', '9', 'a-b_c']
  fs.mkdirSync(root)
  const dirs = [root]
  for (let i = 0; i < 2 + rnd(12); i++) {
    const parent = dirs[rnd(dirs.length)] as string
    const path = join(parent, `${names[rnd(names.length)] ?? 'n'}${rnd(3) === 0 ? String(i) : ''}`)
    if (fs.lstatSync(path, { throwIfNoEntry: false }) !== undefined) continue // lstat: a dangling symlink exists too
    const kind = rnd(10)
    if (kind < 5) {
      fs.writeFileSync(path, bytes(rnd(3) === 0 ? 0 : rnd(5000), seed * 100 + i))
      if (rnd(3) === 0) fs.chmodSync(path, 0o755)
    } else if (kind < 7) {
      fs.symlinkSync(rnd(2) === 0 ? 'nowhere' : '../a', path)
    } else {
      fs.mkdirSync(path)
      dirs.push(path)
    }
  }
}

test('200 generated trees: NAR hash equals nix-hash, store path equals nix-store --print-fixed-path', { skip: !hasNix }, async t => {
  const base = await t.tmp()
  let agreed = 0
  for (let seed = 1; seed <= 200; seed++) {
    const root = join(base, `t${seed}`)
    randomTree(root, seed)
    const ours = await narHashBase32(root)
    const theirs = nixHashBase32(root)
    if (ours !== theirs) t.fail(`tree ${seed}: ${ours} != nix-hash ${theirs}`)
    else agreed++
    if (seed % 20 === 0) t.is(fixedOutputPath({ name: `tree-${seed}`, sha256: ours }), nixFixedPath(ours, `tree-${seed}`), `store path of tree ${seed}`)
  }
  t.is(agreed, 200, 'all 200 trees agree with nix-hash')
})
