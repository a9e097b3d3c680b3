/**
 * A mail subject read the way b4's LoreSubject reads it: reply markers,
 * a leading run of `[PATCH v3 2/7]`-style groups, and the flags they carry.
 */
export interface Subject {
  /** The raw subject with runs of whitespace collapsed. */
  full: string
  /** The subject with reply markers and prefix groups removed. */
  subject: string
  /** Revision from `vN`; 1 when the subject names none (see hasVersion). */
  version: number
  hasVersion: boolean
  /** Position `m` of `m/n`; 1 (of 1) when the subject carries no counter (see hasCounter). */
  counter: number
  expected: number
  hasCounter: boolean
  isPatch: boolean
  isRfc: boolean
  isResend: boolean
  isReply: boolean
  /** `0/n` with n > 0: the cover letter of a series. */
  isCover: boolean
  /** Group words that are not PATCH, RFC, RESEND, vN or m/n, e.g. 'net-next', '5.10', 'GIT', 'PULL'. */
  prefixes: string[]
}

// Reply and forward markers in the languages kernel lists see most (Re, AW, SV, VS, Antw, Odp, WG, R, ...).
const REPLY = /^(?:re|aw|sv|vs|antw|odp|wg|r|fw|fwd|rif|vá|回复|答复|转发)(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i
const COUNTER = /^(\d{1,4})\/(\d{1,4})$/
const VERSION = /^v(\d{1,4})$/i
// PATCHv2, RFC-v3, PATCH_v4: a flag glued to its version
const GLUED = /^(patch|rfc|resend)[-_]?(v\d{1,4})$/i

interface Flags {
  version?: number
  counter?: number
  expected?: number
  patch: boolean
  rfc: boolean
  resend: boolean
  prefixes: string[]
}

// Mercurial's `hg email` numbers parts `[PATCH 1 of 2]` (cover `0 of 2`)
const HG_COUNTER = /(^|[\s,;])(\d{1,4}) of (\d{1,4})(?=$|[\s,;])/gi

/** Split a group's text into words at blanks, commas and semicolons, unglueing `PATCHv2` and reading `1 of 2` as `1/2`. */
function words (text: string): string[] {
  const out: string[] = []
  for (const word of text.replace(HG_COUNTER, '$1$2/$3').split(/[\s,;]+/)) {
    if (word === '') continue
    const glued = GLUED.exec(word)
    if (glued !== null) out.push(glued[1] as string, glued[2] as string)
    else out.push(word)
  }
  return out
}

/** True when the word is one of the markers a patch group is made of. */
function isMarker (word: string): boolean {
  return COUNTER.test(word) || VERSION.test(word) || /^(patch|rfc|resend)/i.test(word)
}

function applyWord (flags: Flags, word: string): void {
  const counter = COUNTER.exec(word)
  const version = VERSION.exec(word)
  if (counter !== null) {
    flags.counter = Number(counter[1])
    flags.expected = Number(counter[2])
  } else if (version !== null) {
    flags.version = Number(version[1])
  } else if (/^rfc/i.test(word)) {
    flags.rfc = true
  } else if (/^resend/i.test(word)) {
    flags.resend = true
  } else if (/^patch/i.test(word)) {
    flags.patch = true
  } else {
    flags.prefixes.push(word)
  }
}

/** Flatten `[PATCH [v2] 1/2]` to `[PATCH v2 1/2]` as b4 does, so one bracket level remains. */
function flattenBrackets (s: string): string {
  let prev
  do {
    prev = s
    s = s.replace(/\[([^\]]*)\[([^[\]]*)\]/g, '[$1$2').replace(/\[([^\]]*)\]([^[\]]*)\]/g, '[$1$2]')
  } while (s !== prev)
  return s
}

/** Parse a decoded subject line; never throws. */
export function parseSubject (raw: string): Subject {
  const full = raw.replace(/\s+/g, ' ').trim()
  const flags: Flags = { patch: false, rfc: false, resend: false, prefixes: [] }
  let rest = flattenBrackets(full)
  let isReply = false
  let sawPatchGroup = false

  // The leading run: reply markers, [groups] and (keyword groups), in any order.
  for (;;) {
    const reply = sawPatchGroup ? null : REPLY.exec(rest)
    if (reply !== null) {
      isReply = true
      rest = rest.slice(reply[0].length)
      continue
    }
    const bracket = /^\[([^\]]*)\]\s*/.exec(rest)
    if (bracket !== null) {
      const ws = words(bracket[1] as string)
      if (ws.some(isMarker)) sawPatchGroup = true
      for (const w of ws) applyWord(flags, w)
      rest = rest.slice(bracket[0].length)
      continue
    }
    // (resend), (RFC), (v2): only when every word is a marker, so `(foo) bar` stays subject text
    const paren = /^\(([^)]*)\)\s*/.exec(rest)
    if (paren !== null) {
      const ws = words(paren[1] as string)
      if (ws.length > 0 && ws.every(isMarker)) {
        for (const w of ws) applyWord(flags, w)
        rest = rest.slice(paren[0].length)
        continue
      }
    }
    break
  }

  // A trailing "(resend)" or "[RESEND]" is common enough to honour.
  const tail = /\s*[[(]resend[\])]\s*$/i.exec(rest)
  if (tail !== null && tail.index > 0) {
    flags.resend = true
    rest = rest.slice(0, tail.index)
  }

  const hasCounter = flags.counter !== undefined && flags.expected !== undefined
  const counter = hasCounter ? flags.counter as number : 1
  const expected = hasCounter ? flags.expected as number : 1
  return {
    full,
    subject: rest.trim(),
    version: flags.version ?? 1,
    hasVersion: flags.version !== undefined,
    counter,
    expected,
    hasCounter,
    isPatch: flags.patch,
    isRfc: flags.rfc,
    isResend: flags.resend,
    isReply,
    isCover: hasCounter && counter === 0 && expected > 0,
    prefixes: flags.prefixes
  }
}
