/**
 * The paths a patch touches, read from its diff text: `diff --git a/X b/Y`
 * headers and `rename from/to` lines, and the `--- X` / `+++ Y` pair of any
 * diff (git's or not), with the first path component (a/, b/, or a tree
 * name) dropped the way `patch -p1` does. Hunks are skipped by their line
 * counts, as git apply reads them, so a removed line "-- x" is never taken
 * for a header. /dev/null is no path.
 */
export function filesOfDiff (diff: string): string[] {
  const out = new Set<string>()
  let minus: string | null = null
  // a `diff --git` line's paths count only when no ---/+++ pair names the file (mode changes, binary diffs):
  // a mailer may wrap that line and glue the index line to it
  let header: string[] = []
  let named = false
  const endFile = (): void => {
    if (!named) for (const p of header) out.add(p)
    header = []
    named = false
  }
  let oldLeft = 0
  let newLeft = 0
  for (let at = 0; at < diff.length;) {
    const nl = diff.indexOf('\n', at)
    const next = nl < 0 ? diff.length : nl
    const end = diff.charCodeAt(next - 1) === 13 ? next - 1 : next // CRLF mail
    const c = diff.charCodeAt(at)
    if (oldLeft > 0 || newLeft > 0) {
      // inside a hunk: ' ' both sides, '-' old, '+' new, '\\' (no newline at end) neither
      if (c === 45) oldLeft--
      else if (c === 43) newLeft--
      else if (c !== 92) { oldLeft--; newLeft-- }
      at = next + 1
      continue
    }
    if (c === 64 /* @ */ && diff.startsWith('@@ -', at)) {
      const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(diff.slice(at, Math.min(end, at + 100)))
      if (m !== null) {
        oldLeft = m[1] === undefined ? 1 : Number(m[1])
        newLeft = m[2] === undefined ? 1 : Number(m[2])
      }
      minus = null
    } else if (c === 100 /* d */ && diff.startsWith('diff --git ', at)) {
      endFile()
      header = gitHeaderPaths(diff.slice(at + 11, end))
      minus = null
    } else if (c === 45 /* - */ && diff.startsWith('--- ', at)) {
      minus = pathOf(diff.slice(at + 4, end)) ?? ''
      at = next + 1
      continue
    } else if (c === 43 /* + */ && minus !== null && diff.startsWith('+++ ', at)) {
      for (const p of [minus, pathOf(diff.slice(at + 4, end))]) if (p !== null && p !== '') out.add(p)
      named = true
      minus = null
    } else if (c === 114 /* r */ && (diff.startsWith('rename from ', at) || diff.startsWith('rename to ', at))) {
      out.add(unquote(diff.slice(at, end).replace(/^rename (from|to) /, '')))
      minus = null
    } else {
      minus = null
    }
    at = next + 1
  }
  endFile()
  return [...out].sort()
}

/** `a/X b/Y` of a `diff --git` line, quoted ("a/caf\\303\\251") or not. */
function gitHeaderPaths (rest: string): string[] {
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest)
  const sides = quoted !== null ? [quoted[1] as string, quoted[2] as string] : [rest.slice(0, rest.lastIndexOf(' b/')), rest.slice(rest.lastIndexOf(' b/') + 1)]
  return sides.map(unquote).filter((p) => /^[ab]\//.test(p)).map((p) => p.slice(2))
}

function pathOf (spec: string): string | null {
  const path = unquote(spec.split('\t')[0]?.trim() ?? '')
  if (path === '' || path === '/dev/null') return null
  const slash = path.indexOf('/')
  return slash < 0 ? path : path.slice(slash + 1)
}

/** git's C-style quoting of odd paths: "a/caf\303\251" */
function unquote (path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path
  const bytes: number[] = []
  const s = path.slice(1, -1)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 92) { bytes.push(...Buffer.from(s.charAt(i), 'utf8')); continue }
    const next = s.charAt(++i)
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8))
      i += 2
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}
