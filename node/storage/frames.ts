import { fstatSync, readSync } from 'node:fs'
import { crc32 } from 'node:zlib'

/** Bytes before each frame's body: u32 body length, u32 crc32 of the body (both big-endian). */
export const FRAME_HEADER_BYTES = 8

/**
 * The intact frames `[u32 length][u32 crc32][body]` of an open frame file,
 * each decoded by `decode`, with the offset it starts at; reading stops at
 * the first torn, corrupt or undecodable frame, and `end` is where that one
 * starts. Apart from frame-log.ts so that a reader can bring its own decoder.
 */
export function readFrames<T> (fd: number, decode: (body: Buffer, index: number) => T): { frames: Array<{ frame: T, at: number }>, end: number, size: number } {
  const size = fstatSync(fd).size
  const header = Buffer.alloc(FRAME_HEADER_BYTES)
  const frames: Array<{ frame: T, at: number }> = []
  let pos = 0
  while (pos + FRAME_HEADER_BYTES <= size) {
    readSync(fd, header, 0, FRAME_HEADER_BYTES, pos)
    const length = header.readUInt32BE(0)
    if (pos + FRAME_HEADER_BYTES + length > size) break
    const body = Buffer.alloc(length)
    readSync(fd, body, 0, length, pos + FRAME_HEADER_BYTES)
    if (crc32(body) !== header.readUInt32BE(4)) break
    let frame: T
    try {
      frame = decode(body, frames.length)
    } catch {
      break
    }
    frames.push({ frame, at: pos })
    pos += FRAME_HEADER_BYTES + length
  }
  return { frames, end: pos, size }
}
