// printRows: --json is one array, written an element a line as the rows
// come (a long `results list --json` is never held whole), --jsonl an
// object a line, text a line a row.
import test from 'brittle'
import { printRows } from '../../node/cli/output.js'

function capture (): { lines: string[], io: { out: (l: string) => void, err: (l: string) => void } } {
  const lines: string[] = []
  return { lines, io: { out: (l) => lines.push(l), err: () => {} } }
}

test('--json: one array however many rows, each written before the next is read', (t) => {
  for (const n of [0, 1, 3]) {
    const { lines, io } = capture()
    const rows = Array.from({ length: n }, (_, i) => ({ i, text: `row "${i}"\n` }))
    printRows(io, { json: true }, rows, (r) => r, () => 'unused')
    t.alike(JSON.parse(lines.join('\n')), rows, `${n} rows`)
  }
  const { lines, io } = capture()
  const seen: number[] = []
  function * rows (): Generator<number> {
    for (let i = 0; i < 3; i++) {
      seen.push(lines.length) // lines written when row i is read
      yield i
    }
  }
  printRows(io, { json: true }, rows(), (r) => ({ r }), () => 'unused')
  t.alike(seen, [0, 1, 2], 'row i is read after the i rows before it were written')
  t.alike(JSON.parse(lines.join('\n')), [{ r: 0 }, { r: 1 }, { r: 2 }])
})

test('--jsonl and text: a line a row', (t) => {
  const a = capture()
  printRows(a.io, { jsonl: true }, [1, 2], (r) => ({ r }), () => 'unused')
  t.alike(a.lines, ['{"r":1}', '{"r":2}'])
  const b = capture()
  printRows(b.io, {}, [1, 2], (r) => ({ r }), (r) => `row ${r}`)
  t.alike(b.lines, ['row 1', 'row 2'])
})
