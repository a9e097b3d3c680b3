import { type Bin, cleanupSpace, cstr, isSpace, trim } from './mime.js'

/**
 * Author name and email from a From: value, exactly as git mailinfo's
 * handle_from() finds them: `Name <a@b>`, `"Quoted, Name" <a@b>`,
 * `a@b (Name)`, a bare `a@b`, and `Name <local>` with no `@`.
 */
export function parseFrom (from: Bin): { name: Bin, email: Bin } {
  let f = unquoteQuotedPair(from)
  let at = f.indexOf('@')
  if (at === -1) return parseBogusFrom(from)

  // The address is the word around '@', possibly opened by '<'.
  while (at > 0) {
    const c = f.charCodeAt(at - 1)
    if (isSpace(c)) break
    if (c === 60) {
      f = f.slice(0, at - 1) + ' ' + f.slice(at)
      break
    }
    at--
  }
  let el = at
  while (el < f.length && !' \n\t\r\v\f>'.includes(f.charAt(el))) el++
  const email = f.slice(at, el)
  f = f.slice(0, at) + f.slice(el < f.length ? el + 1 : el)

  // What is left is the name, maybe as "(Name)" after the address.
  f = trim(cleanupSpace(f))
  if (f.startsWith('(') && f.endsWith(')')) f = f.slice(1, -1)
  return { name: saneName(f, email), email }
}

/** A name that is empty, too long or looks like an address is replaced by the email. */
function saneName (name: Bin, email: Bin): Bin {
  if (name.length === 0 || name.length > 60 || /[@<>]/.test(name)) return email
  return name
}

/** `John Doe <johndoe>`: a bracketed address without '@'. */
function parseBogusFrom (line: Bin): { name: Bin, email: Bin } {
  const s = cstr(line)
  const bra = s.indexOf('<')
  const ket = bra === -1 ? -1 : s.indexOf('>', bra)
  if (ket === -1) return { name: '', email: '' }
  const email = s.slice(bra + 1, ket)
  return { name: saneName(trim(s.slice(0, bra)), email), email }
}

/** Drops the quotes of "quoted strings" and backslash escapes; keeps (comments) with their parens. */
function unquoteQuotedPair (line: Bin): Bin {
  const s = cstr(line)
  const out: string[] = []
  let i = 0
  while (i < s.length) {
    const c = s.charAt(i++)
    if (c === '"') i = unquoteString(s, i, out)
    else if (c === '(') i = unquoteComment(s, i, out)
    else out.push(c)
  }
  return out.join('')
}

function unquoteString (s: Bin, i: number, out: string[]): number {
  let literal = false
  while (i < s.length) {
    const c = s.charAt(i++)
    if (literal) {
      literal = false
    } else if (c === '\\') {
      literal = true
      continue
    } else if (c === '"') {
      return i
    }
    out.push(c)
  }
  return i
}

/** A (comment), nested ones included, kept with its parens; a loop, not recursion, so deep nesting cannot overflow the stack. */
function unquoteComment (s: Bin, i: number, out: string[]): number {
  out.push('(')
  let depth = 1
  let literal = false
  while (i < s.length) {
    const c = s.charAt(i++)
    if (literal) {
      literal = false
    } else if (c === '\\') {
      literal = true
      continue
    } else if (c === '(') {
      depth++
    } else if (c === ')') {
      out.push(')')
      if (--depth === 0) return i
      continue
    }
    out.push(c)
  }
  return i
}
