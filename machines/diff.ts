import { createHash } from 'node:crypto'

/*
 * Helpers for the caller that reads diff blobs: the machines themselves never
 * read blobs, they take touched paths and patch-ids as inputs.
 */

/** Lines as byte strings (latin1: one char per byte) so hashing sees exactly the diff's bytes, whatever its encoding. */
function byteLines (diff: string | Uint8Array): string[] {
  const bytes = typeof diff === 'string' ? Buffer.from(diff, 'utf8') : Buffer.from(diff.buffer, diff.byteOffset, diff.byteLength)
  const text = bytes.toString('latin1')
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

const HEX40 = /^[0-9a-fA-F]{40}/
const SPACE = /[ \t\n\v\f\r]/g // C isspace() in the C locale

/** git's scan_hunk_header: old and new line counts of '@@ -a,b +c,d @@' (1 when the count is left out). */
function hunkCounts (line: string): [number, number] | null {
  const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))?/.exec(line)
  if (m === null) return null
  return [m[1] === undefined ? 1 : Number(m[1]), m[2] === undefined ? 1 : Number(m[2])]
}

/**
 * git's patch-id, `git patch-id --stable` semantics: sha1 over the diff with
 * all whitespace and the hunk line numbers removed, one sha1 per file summed
 * bytewise with carry so that reordering files gives the same id. Leading
 * commit text (a format-patch mail, a `git log -p` entry) is skipped, and a
 * following commit header ends the patch. Returns 40 hex digits, or null when
 * the text holds no diff.
 */
export function patchId (diff: string | Uint8Array): string | null {
  const result = new Uint8Array(20)
  let sha = createHash('sha1')
  const flush = (): void => {
    const h = sha.digest()
    sha = createHash('sha1')
    let carry = 0
    for (let i = 0; i < 20; i++) {
      carry += (result[i] ?? 0) + (h[i] ?? 0)
      result[i] = carry & 0xff
      carry >>= 8
    }
  }
  let patchlen = 0
  let before = -1
  let after = -1
  let binary = false
  let preOid = ''
  let postOid = ''
  for (const line of byteLines(diff)) {
    if (patchlen > 0) {
      // Once inside the diff, "commit <oid>", "From <oid>" or a bare oid starts the next patch.
      const p = line.startsWith('commit ') ? line.slice(7) : line.startsWith('From ') ? line.slice(5) : line
      if (HEX40.test(p)) break
    }
    if (patchlen === 0 && !line.startsWith('diff ')) continue
    if (before === -1) {
      if (line.startsWith('GIT binary patch') || line.startsWith('Binary files')) {
        // Binary content is named by the blob ids from the index line.
        binary = true
        before = 0
        sha.update(Buffer.from(preOid + postOid, 'latin1'))
        flush()
        continue
      } else if (line.startsWith('index ')) {
        const dots = line.indexOf('..')
        if (dots >= 0) {
          const space = line.indexOf(' ', dots)
          preOid = line.slice(6, dots)
          postOid = line.slice(dots + 2, space >= 0 ? space : line.length)
        }
        continue
      } else if (line.startsWith('--- ')) {
        before = after = 1
      } else if (!/^[A-Za-z]/.test(line)) {
        break
      }
    }
    if (line.startsWith('\\ ') && line.length + 1 > 12) continue // "\ No newline at end of file"
    if (binary) {
      if (line.startsWith('diff ')) {
        binary = false
        before = -1
      }
      continue
    }
    if (before === 0 && after === 0) {
      if (line.startsWith('@@ -')) {
        const counts = hunkCounts(line)
        if (counts !== null) [before, after] = counts
        continue
      }
      if (!line.startsWith('diff ')) break // end of the patch (e.g. the "-- " signature)
      flush()
      before = after = -1
    }
    const c = line[0]
    if (c === '-' || c === ' ') before--
    if (c === '+' || c === ' ') after--
    const stripped = line.replace(SPACE, '')
    patchlen += stripped.length
    sha.update(Buffer.from(stripped, 'latin1'))
  }
  if (patchlen === 0) return null
  flush()
  return Buffer.from(result).toString('hex')
}

/** Undo git's C-style quoting of a path ("a/t\303\251st" -> a/tést). */
function unquoteGitPath (s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s
  const bytes: number[] = []
  const body = s.slice(1, -1)
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 }
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string
    if (ch !== '\\') { for (const b of Buffer.from(ch, 'utf8')) bytes.push(b); continue }
    const next = body[i + 1] ?? ''
    if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))?.[0] ?? '0'
      bytes.push(parseInt(oct, 8) & 0xff)
      i += oct.length
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0))
      i++
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** A path from a ---/+++ or rename line: unquoted, timestamp cut, the a/ or b/ prefix removed; null for /dev/null. */
function diffPath (raw: string, prefix: string | null): string | null {
  let p = raw.startsWith('"') ? raw : raw.split('\t')[0] ?? ''
  p = unquoteGitPath(p.trimEnd())
  if (p === '/dev/null') return null
  if (prefix !== null && p.startsWith(prefix)) p = p.slice(prefix.length)
  return p === '' ? null : p
}

/** Both paths of "diff --git a/x b/y": quoted forms, else split where both halves name the same file (git's own guess). */
function gitHeaderPaths (rest: string): string[] {
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest)
  if (quoted !== null && (rest.includes('"') || rest.split(' ').length === 2)) {
    return [diffPath(quoted[1] ?? '', 'a/'), diffPath(quoted[2] ?? '', 'b/')].filter((p): p is string => p !== null)
  }
  const half = (rest.length - 1) / 2
  if (Number.isInteger(half) && rest[half] === ' ') {
    const a = rest.slice(0, half)
    const b = rest.slice(half + 1)
    if (a.slice(2) === b.slice(2)) return [diffPath(a, 'a/'), diffPath(b, 'b/')].filter((p): p is string => p !== null)
  }
  return []
}

/**
 * Every path a diff touches (old and new names of renames and copies, the
 * deleted and the created), sorted and unique, without the a/ b/ prefixes.
 * Reads git diffs and plain unified diffs; hunk bodies are skipped by their
 * line counts, so a removed line starting with "-- " is never taken for a name.
 */
export function pathsFromDiff (diff: string | Uint8Array): string[] {
  const text = typeof diff === 'string' ? diff : Buffer.from(diff.buffer, diff.byteOffset, diff.byteLength).toString('utf8')
  const paths = new Set<string>()
  let headerPaths: string[] = []
  let sawNames = false
  const endFile = (): void => {
    if (!sawNames) for (const p of headerPaths) paths.add(p) // mode-only changes and binary diffs name files only here
    headerPaths = []
    sawNames = false
  }
  let oldLeft = 0
  let newLeft = 0
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (oldLeft > 0 || newLeft > 0) {
      const c = line[0]
      if (c === ' ' || c === undefined) {
        oldLeft--
        newLeft--
      } else if (c === '-') oldLeft--
      else if (c === '+') newLeft--
      if (c === ' ' || c === '-' || c === '+' || c === '\\' || c === undefined) continue
      oldLeft = newLeft = 0 // a malformed hunk: read the line as a header
    }
    if (line.startsWith('\\ ')) continue
    if (line.startsWith('diff --git ')) {
      endFile()
      headerPaths = gitHeaderPaths(line.slice(11))
      continue
    }
    const counts = line.startsWith('@@ -') ? hunkCounts(line) : null
    if (counts !== null) { [oldLeft, newLeft] = counts; continue }
    const m = /^(---|\+\+\+) (.*)$/.exec(line) ?? /^(rename from|rename to|copy from|copy to) (.*)$/.exec(line)
    if (m === null) continue
    const kind = m[1] ?? ''
    const p = diffPath(m[2] ?? '', kind === '---' ? 'a/' : kind === '+++' ? 'b/' : null)
    if (kind === '---' || kind === '+++') sawNames = true
    if (p !== null) paths.add(p)
  }
  endFile()
  return [...paths].sort()
}
