/**
 * Logs and artifacts into the node's content-addressed blob store. Logs are
 * capped (the head and the tail are kept: the start says what ran, the end
 * says how it ended); artifacts are files matched by the recipe's paths or
 * globs, with a total cap so one recipe cannot fill a node.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import picomatch from 'picomatch'
import type { BlobRef } from '../protocol/schemas.js'

interface BlobWriter { put: (bytes: Uint8Array) => Promise<BlobRef> }
export interface NamedBlob { name: string, blob: BlobRef }

const MAX_LOG_BYTES = 8 * 1024 * 1024
const LOG_HEAD_BYTES = 1024 * 1024
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024
const MAX_ARTIFACT_FILES = 200

function readRange (path: string, at: number, len: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(len)
    const n = readSync(fd, buf, 0, len, at)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** A log file's bytes, cut in the middle when longer than MAX_LOG_BYTES. */
function readLog (path: string): Buffer {
  let size: number
  try { size = statSync(path).size } catch { return Buffer.alloc(0) }
  if (size <= MAX_LOG_BYTES) return readRange(path, 0, size)
  const tail = MAX_LOG_BYTES - LOG_HEAD_BYTES
  const note = Buffer.from(`\n[cairn: ${size - MAX_LOG_BYTES} bytes cut here]\n`)
  return Buffer.concat([readRange(path, 0, LOG_HEAD_BYTES), note, readRange(path, size - tail, tail)])
}

export async function storeLog (blobs: BlobWriter, name: string, path: string): Promise<NamedBlob> {
  return { name, blob: await blobs.put(readLog(path)) }
}

function walk (dir: string, out: string[], limit: number): void {
  let entries
  try { entries = readdirSync(dir, { withFileTypes: true }) } catch { return }
  for (const e of entries) {
    if (out.length >= limit) return
    const p = join(dir, e.name)
    if (e.isDirectory()) { if (e.name !== '.git') walk(p, out, limit) } else if (e.isFile()) out.push(p)
  }
}

/** Files of `root` matching the patterns, as paths relative to root, sorted. */
function matchArtifacts (root: string, patterns: readonly string[]): string[] {
  const found = new Set<string>()
  for (const pattern of patterns) {
    const scan = picomatch.scan(pattern)
    const files: string[] = []
    if (!scan.isGlob) {
      let st
      try { st = statSync(join(root, pattern)) } catch { continue }
      if (st.isFile()) files.push(join(root, pattern))
      else if (st.isDirectory()) walk(join(root, pattern), files, MAX_ARTIFACT_FILES * 10)
      for (const f of files) found.add(relative(root, f))
      continue
    }
    // Walk only below the pattern's literal prefix: never the whole tree for `results/**`.
    walk(join(root, scan.base), files, MAX_ARTIFACT_FILES * 10)
    const match = picomatch(pattern, { dot: true })
    for (const f of files) {
      const rel = relative(root, f)
      if (match(rel)) found.add(rel)
    }
  }
  return [...found].sort()
}

/** Store the matched artifacts as blobs named `artifacts/<path>`, up to the caps; returns what was skipped. */
export async function storeArtifacts (blobs: BlobWriter, root: string, patterns: readonly string[]): Promise<{ stored: NamedBlob[], skipped: string[] }> {
  const stored: NamedBlob[] = []
  const skipped: string[] = []
  let total = 0
  for (const rel of matchArtifacts(root, patterns)) {
    const size = statSync(join(root, rel)).size
    if (stored.length >= MAX_ARTIFACT_FILES || total + size > MAX_ARTIFACT_BYTES) { skipped.push(rel); continue }
    total += size
    stored.push({ name: `artifacts/${rel}`, blob: await blobs.put(readRange(join(root, rel), 0, size)) })
  }
  return { stored, skipped }
}
