import { closeSync, existsSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs'
import { CairnError } from '../../protocol/errors.js'

/**
 * The length of the node's own feed as last acknowledged, kept durable
 * outside the store: if a damaged store reopens shorter, the node must notice
 * before it appends (that would fork its signed history). One 8-byte record
 * rewritten in place and fdatasync'ed once per append call: much cheaper than
 * rewriting a JSON file through a rename, and a single sector write cannot tear.
 */
export class LengthRecord {
  private readonly fd: number
  private value: number

  /** readOnly: read beside the process that holds the home; set() is then refused. */
  constructor (path: string, initial = 0, private readonly readOnly = false) {
    const fresh = !existsSync(path)
    this.fd = fresh && readOnly ? -1 : openSync(path, readOnly ? 'r' : fresh ? 'w+' : 'r+', 0o600)
    const buf = Buffer.alloc(8)
    this.value = fresh || readSync(this.fd, buf, 0, 8, 0) !== 8 ? initial : Number(buf.readBigUInt64LE(0))
    if (fresh && !readOnly) this.set(initial)
  }

  get (): number {
    return this.value
  }

  set (length: number): void {
    if (this.readOnly) throw new CairnError('READ_ONLY', 'the own feed\'s length record is open read-only')
    const buf = Buffer.alloc(8)
    buf.writeBigUInt64LE(BigInt(length), 0)
    writeSync(this.fd, buf, 0, 8, 0)
    fdatasyncSync(this.fd)
    this.value = length
  }

  close (): void {
    if (this.fd >= 0) closeSync(this.fd)
  }
}
