/**
 * Trailers (`Reviewed-by: Name <email>`) read the way git interpret-trailers
 * and b4 read them: from the last paragraph of a commit message, or from
 * anywhere in a follow-up reply. Values are typed like b4's LoreTrailer.
 */

export interface Person { name: string, email: string }

interface TrailerBase {
  /** Canonical key: 'Reviewed-by', 'Signed-off-by', 'Cc', 'Message-ID', ... */
  key: string
  /** Normalised value: `Name <email>` or `email` for people, the text as written otherwise. */
  value: string
  /** b4's extra info: a `[for the foo parts]` line under the trailer or a `# comment` after it. */
  extinfo?: string
}

export type Trailer = TrailerBase & (
  | { kind: 'person', name: string, email: string }
  | { kind: 'fixes', commit: string, subject: string }
  | { kind: 'link', url: string }
  | { kind: 'utility' }
)

// Keys whose value is never a person even when it holds an address (b4's LoreTrailer._utility).
const UTILITY = new Set(['fixes', 'link', 'buglink', 'closes', 'obsoleted-by', 'message-id', 'change-id',
  'base-commit', 'based-on'])
const LINK_KEYS = new Set(['link', 'buglink', 'closes'])
// In replies b4 accepts an address-less value only for these (find_trailers' `nonperson`).
const NON_PERSON = new Set([...LINK_KEYS, 'fixes', 'obsoleted-by', 'change-id', 'base-commit'])
// Never trailers in a reply: quoted headers and patch metadata (b4's `ignores` and `badtrailers`).
const NOT_IN_REPLY = new Set(['phone', 'email', 'prerequisite-message-id', 'from', 'author', 'cc', 'to',
  'date', 'subject', 'subscribe', 'unsubscribe', 'base-commit', 'change-id', 'message-id', 'in-reply-to',
  'references', 'reply-to', 'sender', 'list-id'])
/** Keys that make a mixed last paragraph count as a trailer block (git's "recognized prefix"). */
const KNOWN = new Set(['signed-off-by', 'reviewed-by', 'acked-by', 'tested-by', 'nacked-by', 'reported-by',
  'suggested-by', 'co-developed-by', 'helped-by', 'cc', 'fixes', 'link', 'closes', 'requested-by',
  'reviewed-and-tested-by', 'mentored-by', 'based-on-patch-by', 'message-id'])
const SPECIAL_CASE: Record<string, string> = { 'message-id': 'Message-ID', buglink: 'BugLink', cc: 'Cc' }

const TRAILER_LINE = /^(\s*)([A-Za-z0-9][A-Za-z0-9_-]*)\s*:\s+(\S.*?)\s*$/
const EXTINFO_LINE = /^\s*\[[^\]]+\]\s*$/
/** What git's trailer.c calls a trailer line when it finds a block (`Allow:` with nothing after it too), though cairn reports only TRAILER_LINE's. */
const GIT_TRAILER_LINE = /^[A-Za-z0-9-]+\s*:/
const EMAIL = /[^\s<>()"',;[\]]+@[^\s<>()"',;[\]]+\.[^\s<>()"',;[\]]+/
const FIXES = /^([0-9a-f]{7,64})\b\s*(?:\((.*)\))?\s*$/i

/**
 * 'REVIEWED-BY' -> 'Reviewed-by', 'cc' -> 'Cc', 'message-id' -> 'Message-ID'.
 * Unknown keys keep a deliberate mixed case ('Acked-for-MFD-by'); all-lower
 * or all-upper ones get a capital first letter.
 */
export function canonicalKey (key: string): string {
  const lower = key.toLowerCase()
  const special = SPECIAL_CASE[lower]
  if (special !== undefined) return special
  const capital = lower.charAt(0).toUpperCase() + lower.slice(1)
  if (KNOWN.has(lower) || key === lower || key === key.toUpperCase()) return capital
  return key.charAt(0).toUpperCase() + key.slice(1)
}

/**
 * `Name <email>`, `"Last, First" <email>`, `Name (Org) <email>`, `<email>`,
 * `email (Name)`, `email`. `rest`: words after the closing `>`
 * (`Acked-by: A <a@b> for the DT parts`).
 */
export function parsePerson (text: string): { name: string, email: string, value: string, rest?: string } | undefined {
  const value = text.trim()
  const lt = value.indexOf('<')
  if (lt >= 0) {
    // The address ends at the first `>` or `<`: `<a@b<mailto:a@b>>` pasted by HTML mailers
    const end = value.slice(lt + 1).search(/[<>]/)
    const email = (end < 0 ? value.slice(lt + 1) : value.slice(lt + 1, lt + 1 + end)).trim()
    if (EMAIL.test(email) && !/\s/.test(email)) {
      const written = value.slice(0, lt).trim()
      const name = unquote(written)
      const person = { name, email, value: written === '' ? email : `${written} <${email}>` }
      const rest = end < 0 || value[lt + 1 + end] !== '>' ? '' : value.slice(lt + end + 2).trim()
      return rest === '' ? person : { ...person, rest }
    }
  }
  const m = EMAIL.exec(value)
  if (m === null) return undefined
  const email = m[0]
  const name = unquote((value.slice(0, m.index) + value.slice(m.index + email.length)).replace(/[()]/g, ' ')
    .replace(/\s+/g, ' ').trim())
  return { name, email, value: name === '' ? email : `${name} <${email}>` }
}

function unquote (s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/\\"/g, '"') : s
}

/** Type one trailer from its key and raw value (b4: utility keys and URLs first, then anything with an address). */
export function makeTrailer (rawKey: string, rawValue: string, extinfo?: string): Trailer {
  const key = canonicalKey(rawKey)
  const lkey = key.toLowerCase()
  let value = rawValue.trim()
  // `Link: https://... # initial submission`: the hashtag part is extinfo
  const hash = /^(.*\S)(\s+#[^#]+)$/.exec(value)
  if (hash !== null && extinfo === undefined) {
    value = hash[1] as string
    extinfo = hash[2] as string
  }
  const base: TrailerBase = extinfo === undefined ? { key, value } : { key, value, extinfo }
  if (lkey === 'fixes') {
    const m = FIXES.exec(value)
    if (m !== null) return { ...base, kind: 'fixes', commit: (m[1] as string).toLowerCase(), subject: fixesSubject(m[2]) }
  }
  const url = /\b[a-z][a-z0-9+.-]*:\/\/\S+/i.exec(value)
  if (url !== null && (LINK_KEYS.has(lkey) || !UTILITY.has(lkey))) {
    return { ...base, kind: 'link', url: url[0].replace(/^<|>$/g, '') }
  }
  if (!UTILITY.has(lkey)) {
    const person = parsePerson(value)
    if (person !== undefined) {
      const t: Trailer = { ...base, value: person.value, kind: 'person', name: person.name, email: person.email }
      if (person.rest !== undefined && t.extinfo === undefined) t.extinfo = ' ' + person.rest
      return t
    }
  }
  return { ...base, kind: 'utility' }
}

/** `("subject")`, `('subject')`, `(“subject”)` or `(subject)` -> subject. */
function fixesSubject (paren: string | undefined): string {
  if (paren === undefined) return ''
  const s = paren.trim()
  const q = /^["'“‘](.*)["'”’]$/.exec(s)
  return q === null ? s : q[1] as string
}

/** Undo two common copy-paste wraps (b4): a Fixes subject over two lines, and `Name` / `<email>` split. */
function unwrap (text: string): string {
  return text
    .replace(/^(\S+:\s+[\da-f]+\s+\([^)\n]+)\n([^\n]+\))/gim, '$1 $2')
    .replace(/^(\S+:\s+[^<\n]+)\n(<[^>\n]+>)$/gm, '$1 $2')
}

interface LineScan { trailers: Trailer[], others: number, known: boolean, gitTrailers: number }

interface ScanOptions {
  /** Replies: b4 also takes indented trailers (`    Reviewed-by: ...`); in a commit message they continue the line above. */
  indented: boolean
  accept: (key: string, value: string) => boolean
}

/** Classify lines: trailers, `[extinfo]` lines under a trailer, indented continuations, and other text. */
function scanLines (lines: string[], opts: ScanOptions): LineScan {
  const found: Array<{ key: string, value: string, extinfo?: string }> = []
  let others = 0
  let known = false
  let lastWasTrailer = false
  let gitTrailers = 0
  /** Indented lines after a line git may call a trailer: continuations of it (git's possible_continuation_lines), or text if a non-trailer follows. */
  let continuations = 0
  for (const line of lines) {
    const m = TRAILER_LINE.exec(line)
    if (m !== null && (opts.indented || m[1] === '') && opts.accept(m[2] as string, m[3] as string)) {
      found.push({ key: m[2] as string, value: m[3] as string })
      if (KNOWN.has((m[2] as string).toLowerCase())) known = true
      lastWasTrailer = true
      continue
    }
    const last = found[found.length - 1]
    if (lastWasTrailer && last !== undefined && last.extinfo === undefined && EXTINFO_LINE.test(line)) {
      last.extinfo = line
      lastWasTrailer = false
      continue
    }
    if (lastWasTrailer && last !== undefined && !opts.indented && /^\s+\S/.test(line)) {
      last.value += ' ' + line.trim() // git folds indented lines into the trailer above
      continue
    }
    lastWasTrailer = false
    if (!opts.indented && /^\s+\S/.test(line)) {
      continuations++
      continue
    }
    if (!opts.indented && GIT_TRAILER_LINE.test(line)) {
      gitTrailers++ // `Allow:` over an indented list: git counts it (and its continuations) as a trailer
      continuations = 0
      continue
    }
    if (line.trim() !== '') others += 1 + continuations
    continuations = 0
  }
  const trailers = found.map(f => makeTrailer(f.key, f.value, f.extinfo))
  return { trailers, others, known, gitTrailers }
}

/**
 * The trailers of a commit message (mailinfo's `msg`): its last paragraph,
 * when git would call it a trailer block — only trailers, or at least one
 * well-known key and trailers making up a quarter of its lines or more.
 */
export function parseTrailers (message: string): Trailer[] {
  const text = unwrap(message.replace(/\r/g, '').replace(/\s+$/, ''))
  if (text === '') return []
  const paragraphs = text.split(/\n[ \t]*\n/)
  const last = (paragraphs[paragraphs.length - 1] as string).split('\n')
  const scan = scanLines(last, { indented: false, accept: () => true })
  if (scan.trailers.length === 0) return []
  if (scan.others === 0 || (scan.known && (scan.trailers.length + scan.gitTrailers) * 3 >= scan.others)) return scan.trailers
  return []
}

/**
 * Trailers given in a reply (b4's follow-up mode): any unquoted line of the
 * body above the signature and above any diff. A person trailer needs an
 * address, a URL only counts under Link/Closes, Fixes needs a commit id, and
 * quoted headers and patch metadata are skipped.
 */
export function parseReplyTrailers (body: string): Trailer[] {
  const text = unwrap(cutReply(body.replace(/\r/g, '')))
  const scan = scanLines(text.split('\n'), { indented: true, accept: (key, value) => {
    const lkey = key.toLowerCase()
    if (NOT_IN_REPLY.has(lkey) || !/^[\x21-\x7e]+$/.test(key)) return false
    if (lkey === 'fixes') return FIXES.test(value.replace(/\s+#[^#]+$/, ''))
    if (!EMAIL.test(value) && !NON_PERSON.has(lkey)) return false
    if (/https?:\/\//i.test(value) && !LINK_KEYS.has(lkey)) return false
    return true
  } })
  return scan.trailers
}

/** The part of a reply that can carry trailers: above the `-- ` signature and above any unquoted diff. */
function cutReply (body: string): string {
  const lines = body.split('\n')
  const out: string[] = []
  for (const line of lines) {
    if (line === '-- ') break
    if (/^(diff --git |diff -|Index: |--- \S|\+\+\+ \S|@@ -\d)/.test(line)) break
    out.push(line)
  }
  return out.join('\n')
}

/** The identity b4 compares trailers by: key and value, case-insensitive (extinfo never counts). */
export function trailerIdentity (t: Pick<Trailer, 'key' | 'value'>): string {
  return `${t.key.toLowerCase()}: ${t.value.toLowerCase()}`
}

export function sameTrailer (a: Pick<Trailer, 'key' | 'value'>, b: Pick<Trailer, 'key' | 'value'>): boolean {
  return trailerIdentity(a) === trailerIdentity(b)
}

/** Drop repeats (by trailerIdentity), keeping the first of each. */
export function dedupeTrailers (list: readonly Trailer[]): Trailer[] {
  const seen = new Set<string>()
  const out: Trailer[] = []
  for (const t of list) {
    const id = trailerIdentity(t)
    if (seen.has(id)) continue
    seen.add(id)
    out.push(t)
  }
  return out
}

export function formatTrailer (t: Pick<Trailer, 'key' | 'value'>): string {
  return `${t.key}: ${t.value}`
}

/**
 * The local part of an address, lowercased and without a +tag: what
 * emailMatches requires equal, so two addresses it matches always share it
 * (an index by mailbox finds every candidate).
 */
export function mailboxOf (email: string): string {
  return email.trim().toLowerCase().replace(/\+[^@]+@/, '@').split('@')[0] ?? ''
}

/**
 * Index keys for emailMatches: `b` matches `a` exactly when one of b's
 * `stored` keys is among a's `sought` ones (same mailbox; the same domain,
 * or one a label longer or shorter), so candidates are found by lookup,
 * never by comparing each pair.
 */
export function addressKeys (email: string): { stored: string[], sought: string[] } {
  const x = email.trim().toLowerCase()
  if (x === '') return { stored: [], sought: [] }
  if (!x.includes('@')) return { stored: ['!' + x], sought: ['!' + x] }
  const bare = x.replace(/\+[^@]+@/, '@')
  const [local, domain = ''] = bare.split('@', 2) as [string, string?]
  const at = domain.indexOf('.')
  const parent = at < 0 ? undefined : domain.slice(at + 1)
  const own = '=' + bare // equal whole, as emailMatches compares first
  // `^`: b's domain one label under a's; `~`: a's one label under b's
  return {
    stored: [own, `~${local}@${domain}`, ...(parent === undefined ? [] : [`^${local}@${parent}`])],
    sought: [own, `^${local}@${domain}`, ...(parent === undefined ? [] : [`~${local}@${parent}`])]
  }
}

/**
 * b4's fuzzy address match: case-insensitive, `user+tag@` equals `user@`,
 * and `user@intel.com` equals `user@linux.intel.com` (one subdomain apart).
 */
export function emailMatches (a: string, b: string): boolean {
  let x = a.trim().toLowerCase()
  let y = b.trim().toLowerCase()
  if (x === '' || y === '') return false
  if (x === y) return true
  if (!x.includes('@') || !y.includes('@')) return false
  x = x.replace(/\+[^@]+@/, '@')
  y = y.replace(/\+[^@]+@/, '@')
  if (x === y) return true
  const [xl, xd = ''] = x.split('@', 2) as [string, string?]
  const [yl, yd = ''] = y.split('@', 2) as [string, string?]
  if (xl !== yl) return false
  const dots = (d: string): number => d.split('.').length - 1
  return Math.abs(dots(xd) - dots(yd)) === 1 && (xd.endsWith('.' + yd) || yd.endsWith('.' + xd))
}

/**
 * Whether a reply's sender may give this trailer (b4's non-sloppy rule):
 * non-person trailers always; person trailers when the address matches
 * fuzzily, the names match, or every comma-separated part of the sender's
 * name ("Last, First") appears in the trailer's name.
 */
export function givenBySender (t: Trailer, sender: Person): boolean {
  if (t.kind !== 'person') return true
  if (emailMatches(t.email, sender.email)) return true
  const tname = t.name.toLowerCase().trim()
  const sname = sender.name.toLowerCase().trim()
  if (tname === '' || sname === '') return false
  if (tname === sname) return true
  if (sname.includes(',')) return sname.split(',').every(part => tname.includes(part.trim()))
  return false
}
