import type { Database as Db } from 'better-sqlite3'
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readdirSync, readSync, unlinkSync, writevSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { CairnError } from '../../../protocol/errors.js'

/**
 * Event bodies, kept beside the views' database rather than in its rows:
 * written once, where a body in a row was written twice (to the WAL, then
 * by the checkpoint) with every page it touched (BENCHMARKS.md, "Bodies
 * beside the database"). An events row holds its body's offset and length.
 *
 * One append-only file per views generation, HOME/views.bodies.GEN: a clear
 * (reindex) bumps meta.generation and starts a new file, so a reader whose
 * rows are of the generation before reads them from the file it had open,
 * never from bytes a rebuild wrote over. A frame's bodies are written inside
 * its transaction, before COMMIT, at the committed end (meta.bodies_end,
 * committed with the rows): bytes past it are a frame that did not commit,
 * cut on the writer's open and written over by the next frame.
 */
export interface BodyStore {
  /** Place a body after those placed so far: its offset (written by `flush`). */
  place: (body: Uint8Array) => number
  /** Take back the body just placed at `at` (its row was a duplicate, not written). */
  unplace: (at: number) => void
  /** Write what was placed, within the frame's transaction: the end to commit. */
  flush: () => number
  /** The frame's transaction committed, or not: what was placed is kept, or dropped. */
  settle: (committed: boolean) => void
  /** The body a row of `generation` names. */
  read: (generation: number, offset: number, length: number) => Buffer
  /** A clear committed with `generation`: an empty file for it, the one before removed (writer). */
  restart: (generation: number) => void
  /** Whether the file holds less than the views committed (the machine stopped before it wrote them out). */
  readonly lost: boolean
  close: () => void
}

/** The bodies file of the views file `dbPath` (HOME/views.sqlite) for a generation. */
export function bodiesPath (dbPath: string, generation: number): string {
  return `${dbPath.replace(/\.sqlite$/, '')}.bodies.${generation}`
}

/** Bodies of databases in memory, as long as the database lives: Views opened again over one (tests) find them. */
const inMemory = new WeakMap<Db, MemoryBodies>()

/** The bodies of `db`'s views: in memory for a database in memory, else the files beside it. */
export function openBodies (db: Db, writes: boolean): BodyStore {
  if (db.memory) {
    const bodies = inMemory.get(db) ?? new MemoryBodies()
    inMemory.set(db, bodies)
    return bodies
  }
  const meta = (key: string): number => (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as number | undefined) ?? 0
  return new FileBodies(db.name, writes, meta('generation'), meta('bodies_end'))
}

class FileBodies implements BodyStore {
  private readonly fds = new Map<number, number>()
  private generation: number
  private committedEnd: number
  /** The frame's bodies by offset, in order: read back before they are written (series rows are built in the transaction). */
  private readonly placed = new Map<number, Uint8Array>()
  private placedEnd: number
  readonly lost: boolean

  constructor (private readonly dbPath: string, private readonly writes: boolean, generation: number, end: number) {
    this.generation = generation
    this.committedEnd = this.placedEnd = end
    if (!writes) {
      this.lost = false
      return
    }
    const fd = this.open(generation, true)
    const size = fstatSync(fd).size
    this.lost = size < end
    if (size > end) ftruncateSync(fd, end) // a frame written but not committed
    this.removeOthers()
  }

  place (body: Uint8Array): number {
    const at = this.placedEnd
    this.placed.set(at, body)
    this.placedEnd += body.byteLength
    return at
  }

  unplace (at: number): void {
    this.placed.delete(at)
    this.placedEnd = at
  }

  flush (): number {
    const fd = this.fd(this.generation)
    const bodies = [...this.placed.values()]
    let at = this.committedEnd
    // writev takes at most IOV_MAX (1,024) buffers a call, and may write less than asked.
    for (let i = 0; i < bodies.length;) {
      const batch = bodies.slice(i, i + 1024)
      const bytes = batch.reduce((sum, b) => sum + b.byteLength, 0)
      const written = writevSync(fd, batch, at)
      if (written !== bytes) throw new CairnError('VIEWS_BODIES', `wrote ${written} of ${bytes} bytes of bodies to ${this.path(this.generation)}`)
      at += bytes
      i += batch.length
    }
    return at
  }

  settle (committed: boolean): void {
    if (committed) this.committedEnd = this.placedEnd
    else this.placedEnd = this.committedEnd
    this.placed.clear()
  }

  read (generation: number, offset: number, length: number): Buffer {
    const placed = generation === this.generation && offset >= this.committedEnd ? this.placed.get(offset) : undefined
    if (placed !== undefined && placed.byteLength === length) return Buffer.from(placed.buffer, placed.byteOffset, placed.byteLength)
    const out = Buffer.allocUnsafe(length)
    let got = 0
    while (got < length) {
      const n = readSync(this.fd(generation), out, got, length - got, offset + got)
      if (n === 0) throw new CairnError('VIEWS_BODIES', `${this.path(generation)} ends before the body at ${offset} (${length} bytes): rebuild the views (cairn reindex)`)
      got += n
    }
    return out
  }

  restart (generation: number): void {
    this.generation = generation
    this.committedEnd = this.placedEnd = 0
    this.placed.clear()
    ftruncateSync(this.open(generation, true), 0)
    this.removeOthers()
  }

  close (): void {
    for (const fd of this.fds.values()) closeSync(fd)
    this.fds.clear()
  }

  private fd (generation: number): number {
    const fd = this.fds.get(generation)
    if (fd !== undefined) return fd
    if (!this.writes) this.close() // a reader needs only the generation its rows are of
    return this.open(generation, false)
  }

  private open (generation: number, create: boolean): number {
    let fd: number
    try {
      fd = openSync(this.path(generation), this.writes ? constants.O_RDWR | (create ? constants.O_CREAT : 0) : constants.O_RDONLY, 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      throw new CairnError('VIEWS_REBUILT', `${this.path(generation)} is gone: the views were rebuilt while this process read them; run it again`)
    }
    this.fds.set(generation, fd)
    return fd
  }

  private path (generation: number): string {
    return bodiesPath(this.dbPath, generation)
  }

  /** Files of other generations: a rebuild's predecessor (a reader that has one open reads on; Linux keeps it until closed). */
  private removeOthers (): void {
    const prefix = basename(this.path(0)).slice(0, -1) // views.bodies.
    for (const name of readdirSync(dirname(this.dbPath))) {
      const suffix = name.startsWith(prefix) ? name.slice(prefix.length) : ''
      if (!/^\d+$/.test(suffix) || Number(suffix) === this.generation) continue
      const generation = Number(suffix)
      const fd = this.fds.get(generation)
      if (fd !== undefined) closeSync(fd)
      this.fds.delete(generation)
      unlinkSync(join(dirname(this.dbPath), name))
    }
  }
}

/** Bodies of views in memory (tests, a reader beside a holder of another release's file). */
class MemoryBodies implements BodyStore {
  private readonly bodies = new Map<number, Buffer>()
  private committedEnd = 0
  private end = 0
  readonly lost = false

  place (body: Uint8Array): number {
    const at = this.end
    this.bodies.set(at, Buffer.from(body))
    this.end += body.byteLength
    return at
  }

  unplace (at: number): void {
    this.bodies.delete(at)
    this.end = at
  }

  flush (): number {
    return this.end
  }

  settle (committed: boolean): void {
    if (committed) {
      this.committedEnd = this.end
      return
    }
    for (const at of this.bodies.keys()) if (at >= this.committedEnd) this.bodies.delete(at)
    this.end = this.committedEnd
  }

  read (_generation: number, offset: number, length: number): Buffer {
    const body = this.bodies.get(offset)
    if (body === undefined || body.byteLength !== length) throw new CairnError('VIEWS_BODIES', `no body of ${length} bytes at ${offset}`)
    return body
  }

  restart (): void {
    this.bodies.clear()
    this.committedEnd = this.end = 0
  }

  close (): void {
    this.bodies.clear()
  }
}
