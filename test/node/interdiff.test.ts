import test from 'brittle'
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { interdiff, interdiffText } from '../../node/interdiff.js'
import type { InterdiffRevision } from '../../node/interdiff.js'
import type { BlobRef } from '../../protocol/schemas.js'

/** Blobs by hash from a map: the interdiff reads nothing else. */
const blobs = new Map<string, string>()
const reader = { get: async (ref: BlobRef): Promise<Uint8Array> => new TextEncoder().encode(blobs.get(ref.hash) ?? '') }
function diffOf (file: string, line: string): BlobRef {
  const hash = `${file}-${line}`.padEnd(64, '0')
  blobs.set(hash, `diff --git a/${file} b/${file}\nindex 1234567..89abcde 100644\n--- a/${file}\n+++ b/${file}\n@@ -10,1 +10,1 @@ fn(\n-old\n+${line}\n`)
  return { hash, core: '0'.repeat(64), offset: 0, length: 0 }
}

function revision (version: number, patches: Array<[string, string, string] | 'missing'>): InterdiffRevision {
  return {
    version,
    body: {
      project: 'p', series: 's', version, subject: 'demo', total: patches.length,
      patches: patches.map((p, i) => p === 'missing' ? { index: i + 1, subject: '', missing: true } : { index: i + 1, subject: p[0], message: 'Why.\n', diff: diffOf(p[1], p[2]) }),
      source: { messageIds: [] }
    }
  }
}

test('interdiff() pairs by subject, then by place; marks same, changed, dropped and added; lists holes', async (t) => {
  const v1 = revision(1, [['a: one', 'a.c', 'x'], ['b: two', 'b.c', 'y'], ['c: three', 'c.c', 'z']])
  const v2 = revision(2, [['b: two', 'b.c', 'y'], ['a: one', 'a.c', 'x2'], ['d: four', 'd.c', 'w'], 'missing'])
  const d = await interdiff(reader, v1, v2)
  t.alike(d.pairs.map((p) => [p.from?.index ?? null, p.status, p.to?.index ?? null]), [[2, 'same', 1], [1, 'changed', 2], [3, 'changed', 3]],
    'reordered patches pair by subject; what is left pairs by place')
  t.ok(d.pairs[1]?.diff?.split('\n').includes('-+x') === true && d.pairs[1]?.diff?.split('\n').includes('++x2') === true, 'the changed line as a diff of diffs')
  t.alike(d.missing, { from: [], to: [4] })

  const shorter = revision(2, [['a: one', 'a.c', 'x']])
  const dropped = await interdiff(reader, v1, shorter)
  t.alike(dropped.pairs.map((p) => p.status), ['same', 'dropped', 'dropped'])
  t.alike((await interdiff(reader, shorter, v1)).pairs.map((p) => p.status), ['same', 'added', 'added'])
  t.is(interdiffText(dropped, v1, shorter), 'v1 1/3 = v2 1/1  a: one\nv1 2/3 < v2 -/1  b: two\nv1 3/3 < v2 -/1  c: three', 'the text `cairn series diff` prints')
})

test('interdiff() ignores what a rebase changes: index lines and hunk line numbers', async (t) => {
  const a = revision(1, [['a: one', 'a.c', 'x']])
  const b = revision(2, [['a: one', 'a.c', 'x']])
  const rebased = (blobs.get(b.body.patches[0]?.diff?.hash ?? '') ?? '').replace('index 1234567..89abcde', 'index 7654321..edcba98').replace('@@ -10,1 +10,1 @@', '@@ -42,1 +44,1 @@')
  const hash = 'rebased'.padEnd(64, '0')
  blobs.set(hash, rebased)
  const patch = b.body.patches[0] as typeof b.body.patches[number]
  b.body.patches[0] = { ...patch, diff: { hash, core: '0'.repeat(64), offset: 0, length: 0 } }
  t.alike((await interdiff(reader, a, b)).pairs.map((p) => p.status), ['same'])
})

test('interdiff() of many changed patches gives each pair its own diff (one git process sorts the files as text: 10 before 2)', async (t) => {
  const files = Array.from({ length: 12 }, (_, i) => `f${i}.c`)
  const v1 = revision(1, files.map((f, i) => [`p${i}: change`, f, `one-${i}`]))
  const v2 = revision(2, files.map((f, i) => [`p${i}: change`, f, `two-${i}`]))
  const d = await interdiff(reader, v1, v2)
  t.is(d.pairs.length, 12)
  t.ok(d.pairs.every((p, i) => p.status === 'changed' && p.from?.index === i + 1 && p.to?.index === i + 1), 'every pair changed, in order')
  t.alike(d.pairs.map((p, i) => p.diff?.split('\n').filter((l) => /^[-+][-+]/.test(l)).join(' ') ?? `no diff for ${i}`),
    files.map((_, i) => `-+one-${i} ++two-${i}`), 'each diff holds its own pair\'s lines and no other')
})

test('interdiff() ignores the diff settings of a repository its temp dir happens to be in', async (t) => {
  const repo = await t.tmp()
  for (const args of [['init', '-q'], ['config', 'diff.noprefix', 'true'], ['config', 'diff.mnemonicPrefix', 'true'], ['config', 'diff.external', 'false']]) {
    execFileSync('git', args, { cwd: repo })
  }
  const inside = join(repo, 'tmp')
  mkdirSync(inside)
  const before = process.env.TMPDIR
  process.env.TMPDIR = inside // os.tmpdir() reads it on every call
  try {
    const d = await interdiff(reader, revision(1, [['a: one', 'a.c', 'x']]), revision(2, [['a: one', 'a.c', 'y']]))
    t.ok(d.pairs[0]?.diff?.split('\n').includes('++y') === true, d.pairs[0]?.diff ?? 'no diff')
  } finally {
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
  }
})
