/**
 * A small `diff -u` for fstests golden output (`tests/X.out`) against what the
 * test printed (`results/X.out.bad`): those files are short, so an LCS table
 * after trimming the common head and tail is plenty. Larger inputs return
 * undefined and the caller shows the start of the bad output instead.
 */
const MAX_CELLS = 4_000_000 // LCS table cells (16 MB as Uint32)
const CONTEXT = 3

type Op = [' ' | '-' | '+', string]

function lcsOps (a: string[], b: string[]): Op[] | undefined {
  const n = a.length
  const m = b.length
  if ((n + 1) * (m + 1) > MAX_CELLS) return undefined
  const w = m + 1
  const t = new Uint32Array((n + 1) * w)
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] = a[i] === b[j] ? (t[(i + 1) * w + j + 1] as number) + 1 : Math.max(t[(i + 1) * w + j] as number, t[i * w + j + 1] as number)
    }
  }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push([' ', a[i++] as string])
      j++
    } else if ((t[(i + 1) * w + j] as number) >= (t[i * w + j + 1] as number)) {
      ops.push(['-', a[i++] as string])
    } else {
      ops.push(['+', b[j++] as string])
    }
  }
  while (i < n) ops.push(['-', a[i++] as string])
  while (j < m) ops.push(['+', b[j++] as string])
  return ops
}

function range (start: number, count: number): string {
  // diff -u: a one-line range has no count; an empty one names the line before it.
  if (count === 1) return `${start}`
  return `${count === 0 ? start - 1 : start},${count}`
}

/** Unified diff of two texts with `---`/`+++` headers, or '' when equal, or undefined when too large. */
export function unifiedDiff (oldText: string, newText: string, oldName: string, newName: string): string | undefined {
  const a = oldText.split('\n')
  const b = newText.split('\n')
  if (a[a.length - 1] === '') a.pop()
  if (b[b.length - 1] === '') b.pop()
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  if (head === a.length && head === b.length) return ''
  const mid = lcsOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail))
  if (mid === undefined) return undefined
  const ops: Op[] = [
    ...a.slice(0, head).map((l): Op => [' ', l]),
    ...mid,
    ...a.slice(a.length - tail).map((l): Op => [' ', l])
  ]

  const out = [`--- ${oldName}`, `+++ ${newName}`]
  let k = 0
  while (k < ops.length) {
    while (k < ops.length && (ops[k] as Op)[0] === ' ') k++
    if (k >= ops.length) break
    // Hunk: from CONTEXT lines before the first change to CONTEXT after the last one close to it.
    const start = Math.max(0, k - CONTEXT)
    let end = k
    let lastChange = k
    while (end < ops.length) {
      if ((ops[end] as Op)[0] !== ' ') lastChange = end
      else if (end - lastChange > CONTEXT * 2) break
      end++
    }
    end = Math.min(ops.length, lastChange + CONTEXT + 1)
    let oldLine = 1
    let newLine = 1
    for (let x = 0; x < start; x++) {
      const op = (ops[x] as Op)[0]
      if (op !== '+') oldLine++
      if (op !== '-') newLine++
    }
    let oldCount = 0
    let newCount = 0
    const body: string[] = []
    for (let x = start; x < end; x++) {
      const [op, text] = ops[x] as Op
      if (op !== '+') oldCount++
      if (op !== '-') newCount++
      body.push(op + text)
    }
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...body)
    k = end
  }
  return out.join('\n')
}
