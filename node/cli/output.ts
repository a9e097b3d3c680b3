import type { Io } from './command.js'

/**
 * A list in the form asked for: --json one array (an element a line), --jsonl one object per
 * line (written as each is made, so `| head` and jq can start at once),
 * else a line of text per row.
 */
export function printRows<T> (io: Io, format: { json?: boolean, jsonl?: boolean }, rows: Iterable<T>, toJson: (row: T) => unknown, toLine: (row: T) => string): void {
  if (format.json === true) {
    // One element a line as the rows come: a long list is never held whole.
    let open = '['
    for (const row of rows) {
      io.out(`${open}${JSON.stringify(toJson(row))}`)
      open = ','
    }
    io.out(open === '[' ? '[]' : ']')
    return
  }
  for (const row of rows) io.out(format.jsonl === true ? JSON.stringify(toJson(row)) : toLine(row))
}
