/**
 * What changed between two revisions of a series without a repository: the
 * patches paired (same subject first, then same position), and each pair's
 * commit message and diff compared as text with real `git diff --no-index`,
 * printed in the shape of `git range-diff` (`=` unchanged, `!` changed,
 * `<` dropped, `>` new). Diffs are normalised first, as range-diff does: no
 * diffstat, no `index` lines, no line numbers in hunk headers, no signature,
 * so rebasing alone shows as unchanged. `cairn series diff --repo` runs the
 * real `git range-diff` instead (runners/apply-series.ts).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CairnNode } from '../../node/node.js'
import type { RevisionView } from '../../node/views/series.js'
import { CairnError } from '../../protocol/errors.js'
import type { BodyOf } from '../../protocol/schemas.js'

type Patch = BodyOf<'series.revision'>['patches'][number]

interface Side { index: number, subject: string, text: string }

/** range-diff's view of a patch: subject, message, then the diff with the noise of a rebase removed. */
export function normalizePatch (subject: string, message: string, diff: string): string {
  const lines = diff.split('\n')
  const start = lines.findIndex((l) => /^(diff --git |diff -|Index: |--- \S)/.test(l))
  const body: string[] = []
  for (const line of start < 0 ? [] : lines.slice(start)) {
    if (line === '-- ') break // format-patch signature
    if (/^index [0-9a-f]+\.\.[0-9a-f]+/.test(line)) continue
    body.push(line.replace(/^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?/, '@@ '))
  }
  while (body.length > 0 && body[body.length - 1] === '') body.pop()
  return `${subject}\n\n${message.replace(/\s+$/, '')}\n\n${body.join('\n')}\n`
}

async function sides (node: CairnNode, revision: RevisionView): Promise<Side[]> {
  const out: Side[] = []
  for (const p of revision.body.patches as Patch[]) {
    if (p.missing === true || p.index === 0) continue
    const diff = p.diff === undefined ? '' : (await node.blobs.get(p.diff)).toString('utf8')
    out.push({ index: p.index, subject: p.subject, text: normalizePatch(p.subject, p.message ?? '', diff) })
  }
  return out
}

/** Pairs: the same subject first (a reordered series), then what is left by position. */
function pair (a: Side[], b: Side[]): Array<[Side | null, Side | null]> {
  const pairs: Array<[Side | null, Side | null]> = []
  const freeB = new Set(b)
  const rest: Side[] = []
  for (const x of a) {
    const y = b.find((s) => freeB.has(s) && s.subject === x.subject)
    if (y === undefined) { rest.push(x); continue }
    freeB.delete(y)
    pairs.push([x, y])
  }
  for (const x of rest) {
    const y = b.find((s) => freeB.has(s) && s.index === x.index)
    if (y !== undefined) freeB.delete(y)
    pairs.push([x, y ?? null])
  }
  for (const y of freeB) pairs.push([null, y])
  const at = (p: [Side | null, Side | null]): number => p[1]?.index ?? (p[0]?.index ?? 0) - 0.5
  return pairs.sort((p, q) => at(p) - at(q))
}

/** `git diff --no-index` of two texts, headers cut: the hunks only. */
function textDiff (a: string, b: string, dir: string): string {
  const fa = join(dir, 'a')
  const fb = join(dir, 'b')
  writeFileSync(fa, a)
  writeFileSync(fb, b)
  const r = spawnSync('git', ['diff', '--no-index', '--no-color', '-U3', fa, fb], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }, maxBuffer: 1 << 28 })
  if (r.error !== undefined) throw new CairnError('GIT', `cannot run git diff: ${r.error.message}; is git installed?`)
  if (r.status !== 0 && r.status !== 1) throw new CairnError('GIT', `git diff --no-index failed: ${r.stderr.trim()}`)
  const lines = r.stdout.split('\n')
  const first = lines.findIndex((l) => l.startsWith('@@'))
  return first < 0 ? '' : lines.slice(first).join('\n').replace(/\n$/, '')
}

/** The interdiff of two revisions as text, range-diff style. */
export async function interdiff (node: CairnNode, from: RevisionView, to: RevisionView): Promise<string> {
  const a = await sides(node, from)
  const b = await sides(node, to)
  const dir = mkdtempSync(join(tmpdir(), 'cairn-interdiff-'))
  const out: string[] = []
  const label = (v: number, s: Side | null, total: number): string => s === null ? `v${v} -/${total}` : `v${v} ${s.index}/${total}`
  try {
    for (const [x, y] of pair(a, b)) {
      const left = label(from.version, x, from.body.total)
      const right = label(to.version, y, to.body.total)
      if (x === null && y !== null) out.push(`${left} > ${right}  ${y.subject}`)
      else if (y === null && x !== null) out.push(`${left} < ${right}  ${x.subject}`)
      else if (x !== null && y !== null) {
        if (x.text === y.text) { out.push(`${left} = ${right}  ${y.subject}`); continue }
        out.push(`${left} ! ${right}  ${y.subject}`)
        for (const line of textDiff(x.text, y.text, dir).split('\n')) out.push(`    ${line}`)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  for (const [v, r] of [[from.version, from], [to.version, to]] as const) {
    const missing = r.body.patches.filter((p) => p.missing === true).map((p) => p.index)
    if (missing.length > 0) out.push(`(v${v} lacks patch${missing.length > 1 ? 'es' : ''} ${missing.join(', ')}: never received)`)
  }
  return out.join('\n')
}
