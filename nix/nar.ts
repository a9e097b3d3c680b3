/**
 * NAR (Nix ARchive) serialisation of a file system tree, byte for byte what
 * `nix-store --dump PATH` writes, streamed to a sink so a large tree is never
 * held in memory (at most one 1 MiB buffer plus one directory listing per
 * level of depth).
 *
 * Format (Nix libutil archive.cc). A "string" is its length as u64
 * little-endian, the bytes, then zero padding to a multiple of 8:
 *
 *   nar       = str("nix-archive-1") node
 *   node      = str("(") str("type") body str(")")
 *   body      = str("regular") [str("executable") str("")] str("contents") str(<file bytes>)
 *             | str("symlink") str("target") str(<link target>)
 *             | str("directory") { str("entry") str("(") str("name") str(<name>) str("node") node str(")") }
 *
 * Directory entries are sorted bytewise (Nix keeps them in a std::map of
 * std::string); names are read as raw bytes so non-UTF-8 names survive.
 * "executable" is set when the owner execute bit (S_IXUSR) is, as in Nix.
 * The root is taken with lstat: a symlink root dumps as a symlink.
 * Sockets, FIFOs and devices have no NAR form: CairnError NAR_UNSUPPORTED.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { CairnError } from '../protocol/errors.js'
import { nixBase32 } from '../protocol/canonical.js'

/**
 * Receives NAR bytes in order. The chunk is only valid until the call
 * returns (or its promise settles): the buffer is reused, copy it to keep it.
 */
type NarSink = (chunk: Uint8Array) => void | Promise<void>

interface NarHash {
  sha256: Buffer
  /** NAR size in bytes (what Nix calls narSize). */
  size: number
}

const CHUNK = 1024 * 1024
// File system calls are synchronous (an async call costs a thread-pool round
// trip, ~4x slower on trees of small files) but cut into slices: after this
// long we give the event loop a turn, so a node stays responsive while it
// hashes a large tree.
const SLICE_MS = 10
const SLASH = Buffer.from('/')
// O_NONBLOCK: if a file was swapped for a FIFO after we listed it, open must not hang.
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK

const padLen = (n: number): number => (8 - (n % 8)) % 8
/** Bytes a NAR string of `n` bytes takes. */
const strLen = (n: number): number => 8 + n + padLen(n)

// Constant tokens, pre-encoded once.
const tok = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8')
  const out = Buffer.alloc(strLen(b.length))
  out.writeUInt32LE(b.length, 0)
  b.copy(out, 8)
  return out
}
const MAGIC = tok('nix-archive-1')
const OPEN = tok('(')
const CLOSE = tok(')')
const TYPE = tok('type')
const REGULAR = tok('regular')
const EXECUTABLE = tok('executable')
const EMPTY = tok('')
const CONTENTS = tok('contents')
const SYMLINK = tok('symlink')
const TARGET = tok('target')
const DIRECTORY = tok('directory')
const ENTRY = tok('entry')
const NAME = tok('name')
const NODE = tok('node')

const HEAD_REGULAR = Buffer.concat([OPEN, TYPE, REGULAR])
const HEAD_SYMLINK = Buffer.concat([OPEN, TYPE, SYMLINK, TARGET])
const HEAD_DIRECTORY = Buffer.concat([OPEN, TYPE, DIRECTORY])
const ENTRY_HEAD = Buffer.concat([ENTRY, OPEN, NAME])
const EXEC_CONTENTS = Buffer.concat([EXECUTABLE, EMPTY, CONTENTS])

/** A 1 MiB staging buffer in front of the sink; small tokens and small files are batched. */
class Out {
  buf = Buffer.allocUnsafe(CHUNK)
  pos = 0
  size = 0

  private sliceStart = performance.now()

  constructor (private readonly sink: NarSink) {}

  /** True when `n` more bytes do not fit: the caller must `await out.makeRoom(n)`. */
  full (n: number): boolean {
    return this.pos + n > this.buf.length
  }

  async makeRoom (n: number): Promise<void> {
    await this.flush()
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n) // only for giant names or link targets
  }

  /** True when the current slice of synchronous work is used up: the caller must `await out.pause()`. */
  sliceOver (): boolean {
    return performance.now() - this.sliceStart > SLICE_MS
  }

  async pause (): Promise<void> {
    await nextTurn()
    this.sliceStart = performance.now()
  }

  async flush (): Promise<void> {
    if (this.pos === 0) return
    const chunk = this.buf.subarray(0, this.pos)
    this.size += this.pos
    this.pos = 0
    const r = this.sink(chunk)
    if (r !== undefined) await r
  }

  /** Caller has reserved the room. */
  raw (b: Buffer): void {
    this.pos += b.copy(this.buf, this.pos)
  }

  u64 (n: number): void {
    this.buf.writeUInt32LE(n % 0x100000000, this.pos)
    this.buf.writeUInt32LE(Math.floor(n / 0x100000000), this.pos + 4)
    this.pos += 8
  }

  pad (n: number): void {
    const p = padLen(n)
    this.buf.fill(0, this.pos, this.pos + p)
    this.pos += p
  }

  str (b: Buffer): void {
    this.u64(b.length)
    this.raw(b)
    this.pad(b.length)
  }
}

const show = (p: Buffer): string => p.toString('utf8')

function ioError (op: string, path: Buffer, err: unknown): CairnError {
  if (err instanceof CairnError) return err
  const msg = err instanceof Error ? err.message : String(err)
  return new CairnError('NAR_IO', `${op} ${JSON.stringify(show(path))} failed: ${msg}`, { cause: err })
}

function unsupported (path: Buffer, st: fs.Stats): CairnError {
  const kind = st.isSocket()
    ? 'a socket'
    : st.isFIFO()
      ? 'a FIFO'
      : st.isBlockDevice()
        ? 'a block device'
        : st.isCharacterDevice() ? 'a character device' : 'an unknown file type'
  return new CairnError('NAR_UNSUPPORTED', `${JSON.stringify(show(path))} is ${kind}; a NAR holds only regular files, symlinks and directories`)
}

type Kind = 'file' | 'symlink' | 'dir'

function kindOf (path: Buffer, st: fs.Stats | fs.Dirent<Buffer>): Kind {
  if (st.isFile()) return 'file'
  if (st.isSymbolicLink()) return 'symlink'
  if (st.isDirectory()) return 'dir'
  if (st instanceof fs.Stats) throw unsupported(path, st)
  // A Dirent has no mode; lstat again for a precise message.
  let real: fs.Stats
  try { real = fs.lstatSync(path) } catch (err) { throw ioError('lstat', path, err) }
  throw unsupported(path, real)
}

async function dumpNode (out: Out, path: Buffer, kind: Kind): Promise<void> {
  if (out.sliceOver()) await out.pause()
  if (kind === 'file') return await dumpFile(out, path)
  if (kind === 'symlink') {
    let target: Buffer
    try { target = fs.readlinkSync(path, { encoding: 'buffer' }) } catch (err) { throw ioError('readlink', path, err) }
    const n = HEAD_SYMLINK.length + strLen(target.length) + CLOSE.length
    if (out.full(n)) await out.makeRoom(n)
    out.raw(HEAD_SYMLINK)
    out.str(target)
    out.raw(CLOSE)
    return
  }
  let entries: Array<fs.Dirent<Buffer>>
  try {
    entries = fs.readdirSync(path, { withFileTypes: true, encoding: 'buffer' })
  } catch (err) { throw ioError('readdir', path, err) }
  entries.sort((a, b) => Buffer.compare(a.name, b.name))
  if (out.full(HEAD_DIRECTORY.length)) await out.makeRoom(HEAD_DIRECTORY.length)
  out.raw(HEAD_DIRECTORY)
  for (const e of entries) {
    const child = Buffer.concat([path, SLASH, e.name])
    const k = kindOf(child, e)
    const n = ENTRY_HEAD.length + strLen(e.name.length) + NODE.length
    if (out.full(n)) await out.makeRoom(n)
    out.raw(ENTRY_HEAD)
    out.str(e.name)
    out.raw(NODE)
    await dumpNode(out, child, k)
    if (out.full(CLOSE.length)) await out.makeRoom(CLOSE.length)
    out.raw(CLOSE)
  }
  if (out.full(CLOSE.length)) await out.makeRoom(CLOSE.length)
  out.raw(CLOSE)
}

async function dumpFile (out: Out, path: Buffer): Promise<void> {
  let fd: number
  try { fd = fs.openSync(path, OPEN_FLAGS) } catch (err) { throw ioError('open', path, err) }
  try {
    let st: fs.Stats
    try { st = fs.fstatSync(fd) } catch (err) { throw ioError('fstat', path, err) }
    if (!st.isFile()) throw changed(path, 'is no longer a regular file')
    const size = st.size
    const exec = (st.mode & 0o100) !== 0
    const head = HEAD_REGULAR.length + (exec ? EXEC_CONTENTS.length : CONTENTS.length) + 8
    const tail = padLen(size) + CLOSE.length
    // A small file is read straight into the staging buffer behind its header.
    const need = head + size + tail <= CHUNK ? head + size + tail : head
    if (out.full(need)) await out.makeRoom(need)
    out.raw(HEAD_REGULAR)
    out.raw(exec ? EXEC_CONTENTS : CONTENTS)
    out.u64(size)
    let left = size
    while (left > 0) {
      if (out.pos === out.buf.length) {
        await out.flush()
        if (out.sliceOver()) await out.pause()
      }
      const want = Math.min(left, out.buf.length - out.pos)
      let n: number
      try {
        n = fs.readSync(fd, out.buf, out.pos, want, size - left)
      } catch (err) { throw ioError('read', path, err) }
      if (n === 0) throw changed(path, `shrank while being read (expected ${size} bytes)`)
      out.pos += n
      left -= n
    }
    if (out.full(tail)) await out.makeRoom(tail)
    out.pad(size)
    out.raw(CLOSE)
  } finally {
    try { fs.closeSync(fd) } catch {}
  }
}

function changed (path: Buffer, what: string): CairnError {
  return new CairnError('NAR_CHANGED', `${JSON.stringify(show(path))} ${what}; the tree changed during serialisation`)
}

/**
 * Serialise `path` as a NAR into `sink`. Resolves to the NAR size in bytes.
 * The sink may return a promise to apply back-pressure.
 */
export async function dumpNar (path: string | Buffer, sink: NarSink): Promise<number> {
  const p = typeof path === 'string' ? Buffer.from(path) : path
  let st: fs.Stats
  try { st = fs.lstatSync(p) } catch (err) { throw ioError('lstat', p, err) }
  const out = new Out(sink)
  out.raw(MAGIC)
  await dumpNode(out, p, kindOf(p, st))
  await out.flush()
  return out.size
}

/** sha256 and size of the NAR of `path` (what `nix-hash --type sha256 PATH` and narSize report). */
export async function narHash (path: string | Buffer): Promise<NarHash> {
  const h = createHash('sha256')
  const size = await dumpNar(path, chunk => { h.update(chunk) })
  return { sha256: h.digest(), size }
}

/** NAR sha256 of `path` in nix-base32 (52 chars), as `nix-hash --type sha256 --base32 PATH`. */
export async function narHashBase32 (path: string | Buffer): Promise<string> {
  return nixBase32((await narHash(path)).sha256)
}

/** The NAR of `path` as a byte stream, honouring back-pressure; destroying the stream stops the walk, and it closes when the walk has. */
export function narStream (path: string | Buffer): Readable {
  let waiting: { resolve: () => void, reject: (err: Error) => void } | undefined
  const stream = new Readable({
    read () {
      const w = waiting
      waiting = undefined
      w?.resolve()
    },
    destroy (err, cb) {
      const w = waiting
      waiting = undefined
      w?.reject(err ?? new CairnError('NAR_ABORTED', `NAR stream of ${JSON.stringify(String(path))} was destroyed`))
      // 'close' comes once the walk has stopped and closed its files, not before; a consumer
      // leaving early (for await ... break) is a stop, not an error
      const reported = err?.name === 'AbortError' ? null : err
      walk.then(() => cb(reported), () => cb(reported))
    }
  })
  const sink: NarSink = chunk => {
    if (stream.destroyed) throw new CairnError('NAR_ABORTED', `NAR stream of ${JSON.stringify(String(path))} was destroyed`)
    if (stream.push(Buffer.from(chunk))) return
    return new Promise<void>((resolve, reject) => { waiting = { resolve, reject } })
  }
  const walk = dumpNar(path, sink)
  walk.then(() => stream.push(null), (err: unknown) => stream.destroy(err as Error))
  return stream
}
