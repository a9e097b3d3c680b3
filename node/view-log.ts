import { closeSync, existsSync, fstatSync, openSync, readSync, ftruncateSync, writeSync, unlinkSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { pack, unpackExact } from '../protocol/codec.js'
import type { IndexedEvent, Rejection } from './views.js'

/**
 * The views' persistence: an append-only local file of frames, one per
 * indexing step: `[u32 length][u32 crc32][msgpack frame]`. A frame carries the
 * feed's new checkpoint with the events and rejections it produced, so the
 * checkpoint and the views can never disagree. A torn or damaged tail (a crash
 * mid-write) is cut off on open and those blocks are simply indexed again.
 */
export interface Frame {
  feed: string
  /** The checkpoint after this frame: blocks [0, length) of `feed` are indexed. */
  length: number
  events: IndexedEvent[]
  rejected: Rejection[]
}

const HEADER_BYTES = 8

export class ViewLog {
  private fd: number

  constructor (readonly path: string) {
    this.fd = openSync(path, existsSync(path) ? 'r+' : 'w+', 0o600)
  }

  /** Read every intact frame; cuts a damaged tail and reports how many bytes were dropped. */
  load (onFrame: (frame: Frame) => void): { frames: number, droppedBytes: number } {
    const size = fstatSync(this.fd).size
    const header = Buffer.alloc(HEADER_BYTES)
    let pos = 0
    let frames = 0
    while (pos + HEADER_BYTES <= size) {
      readSync(this.fd, header, 0, HEADER_BYTES, pos)
      const length = header.readUInt32BE(0)
      if (pos + HEADER_BYTES + length > size) break
      const body = Buffer.alloc(length)
      readSync(this.fd, body, 0, length, pos + HEADER_BYTES)
      if (crc32(body) !== header.readUInt32BE(4)) break
      let frame: Frame
      try {
        frame = unpackExact(body, 'view log frame') as Frame
      } catch {
        break
      }
      onFrame(frame)
      frames++
      pos += HEADER_BYTES + length
    }
    if (pos < size) ftruncateSync(this.fd, pos)
    return { frames, droppedBytes: size - pos }
  }

  append (frame: Frame): void {
    const body = pack(frame)
    const header = Buffer.alloc(HEADER_BYTES)
    header.writeUInt32BE(body.byteLength, 0)
    header.writeUInt32BE(crc32(body), 4)
    const size = fstatSync(this.fd).size
    writeSync(this.fd, Buffer.concat([header, body]), 0, HEADER_BYTES + body.byteLength, size)
  }

  close (): void {
    closeSync(this.fd)
  }

  /** Drop the file: the views are rebuilt from the feeds. */
  reset (): void {
    this.close()
    unlinkSync(this.path)
    this.fd = openSync(this.path, 'w+', 0o600)
  }
}
