/**
 * Detail text goes into signed, replicated result events: keep it bounded.
 * 4 KB holds a stack trace or the top of a diff; full logs travel as blobs.
 */
export const MAX_DETAIL = 4096 // characters

/** Keep the start: YAML diagnostics and diffs say the most first. */
export function clipHead (text: string, max = MAX_DETAIL): string {
  const t = text.trim()
  if (t.length <= max) return t
  const note = `\n[... ${t.length - max} characters cut]`
  return t.slice(0, Math.max(0, max - note.length)).trimEnd() + note
}

/** Keep the end: a test's own log says why it failed last. */
export function clipTail (text: string, max = MAX_DETAIL): string {
  const t = text.trim()
  if (t.length <= max) return t
  const note = `[... ${t.length - max} characters cut]\n`
  return note + t.slice(t.length - Math.max(0, max - note.length)).trimStart()
}

/** Join non-empty parts with blank lines; undefined when nothing is left. */
export function joinDetail (parts: ReadonlyArray<string | undefined>): string | undefined {
  const kept = parts.map(p => p?.trim() ?? '').filter(p => p !== '')
  return kept.length === 0 ? undefined : kept.join('\n\n')
}

/** Bounded line buffer for output that may run to megabytes: keeps the last `max` lines. */
export class TailLines {
  private lines: string[] = []
  dropped = 0

  constructor (private readonly max = 200) {}

  push (line: string): void {
    this.lines.push(line)
    // Trim in batches so pushing stays O(1) amortised.
    if (this.lines.length > this.max * 2) {
      const cut = this.lines.length - this.max
      this.lines.splice(0, cut)
      this.dropped += cut
    }
  }

  get length (): number {
    return this.lines.length
  }

  text (): string {
    const kept = this.lines.length > this.max ? this.lines.slice(-this.max) : this.lines
    const dropped = this.dropped + (this.lines.length - kept.length)
    return (dropped > 0 ? `[... ${dropped} earlier lines cut]\n` : '') + kept.join('\n')
  }

  clear (): void {
    this.lines = []
    this.dropped = 0
  }
}

/** Strip the indentation all non-blank lines share, so a block reads as it was written. */
export function dedent (text: string): string {
  const lines = text.split('\n')
  let min = Infinity
  for (const l of lines) {
    if (l.trim() === '') continue
    const n = l.length - l.trimStart().length
    if (n < min) min = n
  }
  return min === Infinity || min === 0 ? text : lines.map(l => l.slice(Math.min(min, l.length - l.trimStart().length))).join('\n')
}
