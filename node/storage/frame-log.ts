import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { pack, unpackExact } from '../../protocol/codec.js'
import { CairnError } from '../../protocol/errors.js'
import { FRAME_HEADER_BYTES, readFrames } from './frames.js'

/**
 * An append-only local file of frames `[u32 length][u32 crc32][msgpack]`
 * (the email bridge's state). A frame is written whole
 * or, after a crash mid-write (kill -9), cut off on the next open: what it
 * described is simply read again from its source.
 */
export class FrameLog<T> {
  private fd: number
  private readonly readOnly: boolean

  /**
   * readOnly: read beside the process that writes the file; a frame it is
   * still writing is left alone rather than cut, and nothing is written
   * (a missing file reads as empty).
   */
  constructor (readonly path: string, opts: { readOnly?: boolean } = {}) {
    this.readOnly = opts.readOnly === true
    this.fd = this.readOnly ? (existsSync(path) ? openSync(path, 'r') : -1) : openSync(path, existsSync(path) ? 'r+' : 'w+', 0o600)
  }

  /** Every intact frame, in order; a damaged tail is cut. */
  load (onFrame: (frame: T) => void): { frames: number, droppedBytes: number } {
    const { frames, droppedBytes } = this.read()
    for (const { frame } of frames) onFrame(frame)
    return { frames: frames.length, droppedBytes }
  }

  /** Every intact frame with the file offset it starts at (for cut()); a damaged tail is cut. */
  read (): { frames: Array<{ frame: T, at: number }>, droppedBytes: number } {
    if (this.fd < 0) return { frames: [], droppedBytes: 0 }
    const { frames, end, size } = readFrames(this.fd, (body, i) => unpackExact(body, `${this.path} frame ${i}`) as T)
    if (end < size && !this.readOnly) ftruncateSync(this.fd, end)
    return { frames, droppedBytes: size - end }
  }

  /** Drop the frame starting at `at` and every frame after it. */
  cut (at: number): void {
    this.assertWritable()
    ftruncateSync(this.fd, at)
  }

  append (frame: T): void {
    this.assertWritable()
    const body = pack(frame)
    const header = Buffer.alloc(FRAME_HEADER_BYTES)
    header.writeUInt32BE(body.byteLength, 0)
    header.writeUInt32BE(crc32(body), 4)
    const size = fstatSync(this.fd).size
    writeSync(this.fd, Buffer.concat([header, body]), 0, FRAME_HEADER_BYTES + body.byteLength, size)
  }

  close (): void {
    if (this.fd >= 0) closeSync(this.fd)
    this.fd = -1
  }

  /** Drop every frame: what they described is rebuilt from the source. */
  reset (): void {
    this.assertWritable()
    this.close()
    unlinkSync(this.path)
    this.fd = openSync(this.path, 'w+', 0o600)
  }

  private assertWritable (): void {
    if (this.readOnly) throw new CairnError('READ_ONLY', `${this.path} is open read-only`)
  }
}
