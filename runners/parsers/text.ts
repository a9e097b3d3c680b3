import type { ParserInput } from './types.js'

const decoder = new TextDecoder('utf-8', { fatal: false })

/** Parser input as text: bytes are decoded as UTF-8, a leading BOM is dropped. */
export function toText (input: ParserInput): string {
  const text = typeof input === 'string' ? input : decoder.decode(input)
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Lines without their terminators (LF or CRLF); a final newline adds no empty line. */
export function splitLines (text: string): string[] {
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1)
  }
  return lines
}

/** Short, single-line excerpt of untrusted input for error messages. */
export function excerpt (text: string, max = 60): string {
  const oneLine = JSON.stringify(text.length > max ? text.slice(0, max) + '...' : text)
  return oneLine
}
