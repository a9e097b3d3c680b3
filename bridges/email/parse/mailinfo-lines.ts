import { type Bin, cstr, isSpace, trim } from './mime.js'

/* The line tests of git mailinfo: where the patch starts, scissors, the subject clean-up. */

/** "Name: value" split at the first colon; the mbox From line has no colon to split at. */
export function splitHeader (line: Bin): [Bin, Bin] {
  const colon = line.indexOf(':')
  if (line.startsWith('From ') || line.startsWith('>From ') || colon === -1) return ['', line]
  let start = colon + 1
  while (start < line.length && isSpace(line.charCodeAt(start))) start++
  return [line.slice(0, colon), line.slice(start)]
}

/**
 * git's cleanup_subject(): strips leading "Re:", ":", blanks and [bracketed]
 * prefixes ([PATCH v2 1/3], [RFC], ...; with -b only those naming PATCH).
 */
export function cleanupSubject (subject: Bin, keepNonPatchBrackets = false): Bin {
  // git edits the string in place at a cursor; here what is kept before the
  // cursor is collected and the rest read from `subject`, so a subject of many
  // prefixes costs its length once (re-slicing and re-scanning it was quadratic).
  const s = subject
  const n = s.length
  let kept = ''
  let keptNul = false // git looks for ']' in the C string: a NUL already kept hides all of it
  let nul = -1 // the first NUL at or after i, refreshed when i passes it
  let i = 0
  while (i < n) {
    const c = s.charAt(i)
    if (c === 'r' || c === 'R') {
      if (n - i > 3 && (s.charAt(i + 1) === 'e' || s.charAt(i + 1) === 'E') && s.charAt(i + 2) === ':') {
        i += 3
        continue
      }
      break
    }
    if (c === ' ' || c === '\t' || c === ':') {
      i++
      continue
    }
    if (c !== '[') break
    if (nul !== -2 && nul < i) {
      nul = s.indexOf('\0', i)
      if (nul === -1) nul = -2 // none left
    }
    let ket = keptNul ? -1 : s.indexOf(']', i)
    if (ket !== -1 && nul >= 0 && nul < ket) ket = -1
    if (ket === -1) break
    const len = ket - i + 1
    if (!keepNonPatchBrackets || (len >= 7 && s.slice(i, i + len).includes('PATCH'))) {
      i += len
    } else {
      let end = i + len
      if (isSpace(s.charCodeAt(end))) end++
      const piece = s.slice(i, end)
      if (piece.includes('\0')) keptNul = true
      kept += piece
      i = end
    }
  }
  return trim(kept + s.slice(i))
}

/** A line that starts the patch: `diff -`, `Index: `, `--- file` or a `---` separator. */
export function isPatchBreak (line: Bin): boolean {
  if (line.startsWith('diff -') || line.startsWith('Index: ')) return true
  if (line.length < 4 || !line.startsWith('---')) return false
  if (line.charCodeAt(3) === 32 && !isSpace(line.charCodeAt(4))) return true
  for (let i = 3; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 10) return true
    if (!isSpace(c)) break
  }
  return false
}

/**
 * A "-- >8 --" cut line (git's is_scissors_line): scissors (>8 8< >% %<) plus
 * dashes make a perforation of at least 8 visible bytes, over a third of the
 * line, with gaps under half of it; text like "cut here" may sit beside it.
 */
export function isScissorsLine (line: Bin): boolean {
  const s = cstr(line)
  let scissors = 0
  let gap = 0
  let perforation = 0
  let inPerforation = false
  let first = -1
  let last = -1
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isSpace(c)) {
      if (inPerforation) {
        perforation++
        gap++
      }
      continue
    }
    last = i
    if (first === -1) first = i
    if (c === 45) {
      inPerforation = true
      perforation++
      continue
    }
    const pair = s.slice(i, i + 2)
    if (pair === '>8' || pair === '8<' || pair === '>%' || pair === '%<') {
      inPerforation = true
      perforation += 2
      scissors += 2
      i++
      continue
    }
    inPerforation = false
  }
  const visible = first === -1 ? 0 : last - first + 1
  return scissors > 0 && visible >= 8 && visible < perforation * 3 && gap * 2 < perforation
}

const SAMPLE_FROM = 'From e6807f3efca28b30decfecb1732a56c7db1137ee Mon Sep 17 00:00:00 2001\n'

/** The `From <sha1> Mon Sep 17 00:00:00 2001` line of format-patch output. */
export function isFormatPatchSeparator (line: Bin): boolean {
  if (line.length !== SAMPLE_FROM.length || !line.startsWith('From ')) return false
  let n = 5
  while (n < line.length && '0123456789abcdef'.includes(line.charAt(n))) n++
  return n === 45 && line.slice(45) === SAMPLE_FROM.slice(45)
}

