/**
 * Warnings collector. A broken stream can produce one warning per line; a
 * result event must stay small, so after LIMIT only a count is kept.
 */
const WARNING_LIMIT = 100

export class Warnings {
  private readonly list: string[] = []
  private suppressed = 0

  constructor (private readonly limit = WARNING_LIMIT) {}

  add (message: string): void {
    if (this.list.length < this.limit) this.list.push(message)
    else this.suppressed++
  }

  /** `line 12: message` */
  at (line: number, message: string): void {
    this.add(`line ${line}: ${message}`)
  }

  toArray (): string[] {
    return this.suppressed > 0 ? [...this.list, `... and ${this.suppressed} more warnings`] : [...this.list]
  }
}
