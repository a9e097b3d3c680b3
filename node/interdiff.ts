/**
 * What changed between two revisions of a series without a repository: the
 * patches paired (same subject first, then same position), and each pair's
 * commit message and diff compared as text with real `git diff --no-index`,
 * in the shape of `git range-diff` (`=` unchanged, `!` changed, `<` dropped,
 * `>` new). Diffs are normalised first, as range-diff does: no diffstat, no
 * `index` lines, no line numbers in hunk headers, no signature, so rebasing
 * alone shows as unchanged. It reads only the revisions' diff blobs, so
 * `cairn series diff` and the API's /api/interdiff share it; `cairn series
 * diff --repo` runs the real `git range-diff` instead (runners/apply-series.ts).
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { CairnError } from '../protocol/errors.js'
import type { BodyOf } from '../protocol/schemas.js'
import type { BlobReader } from './policy/diffs.js'

/** A revision as the interdiff reads it: its version and the body of one publication of it. */
export interface InterdiffRevision { version: number, body: BodyOf<'series.revision'> }

type PairStatus = 'same' | 'changed' | 'dropped' | 'added'

interface PatchRef { index: number, subject: string }

/** One patch of `from` paired with one of `to`; `diff` holds the hunks of the diff of their texts when changed. */
interface InterdiffPair { status: PairStatus, from: PatchRef | null, to: PatchRef | null, diff: string | null }

export interface Interdiff {
  pairs: InterdiffPair[]
  /** Patch indexes each side never received (holes of an incomplete revision). */
  missing: { from: number[], to: number[] }
}

interface Side extends PatchRef { text: string }

/** range-diff's view of a patch: subject, message, then the diff with the noise of a rebase removed. */
function normalizePatch (subject: string, message: string, diff: string): string {
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

async function sides (blobs: BlobReader, revision: InterdiffRevision): Promise<Side[]> {
  const out: Side[] = []
  for (const p of revision.body.patches) {
    if (p.missing === true || p.index === 0) continue
    const diff = p.diff === undefined ? '' : Buffer.from(await blobs.get(p.diff)).toString('utf8')
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

/**
 * The hunks of each pair of texts, from one `git diff --no-index` of two
 * directories holding them (file N on each side): one git process for the
 * whole series rather than one per patch. Asynchronous, so a server keeps
 * answering meanwhile.
 */
async function textDiffs (texts: ReadonlyArray<[string, string]>, dir: string): Promise<string[]> {
  if (texts.length === 0) return []
  await Promise.all(['a', 'b'].map(async (side) => await mkdir(join(dir, side))))
  await Promise.all(texts.flatMap(([a, b], i) => [writeFile(join(dir, 'a', String(i)), a), writeFile(join(dir, 'b', String(i)), b)]))
  const { status, stdout, stderr } = await new Promise<{ status: number | null, stdout: string, stderr: string }>((resolve, reject) => {
    // Fixed prefixes and no repository config (a TMPDIR inside a work tree could set diff.noprefix): the headers are parsed below.
    const args = ['diff', '--no-index', '--no-color', '--no-renames', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '-U3', 'a', 'b']
    const child = spawn('git', args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: dirname(dir) } })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', (e) => reject(new CairnError('GIT', `cannot run git diff: ${e.message}; is git installed?`)))
    child.on('close', (code) => resolve({ status: code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }))
  })
  if (status !== 0 && status !== 1) throw new CairnError('GIT', `git diff --no-index failed: ${stderr.trim()}`)
  const hunks = texts.map(() => '')
  for (const section of stdout.split(/^(?=diff --git )/m)) {
    const name = /^diff --git a\/a\/(\d+) b\/b\/\1\n/.exec(section)
    if (name === null) continue
    const lines = section.split('\n')
    const first = lines.findIndex((l) => l.startsWith('@@'))
    hunks[Number(name[1])] = first < 0 ? '' : lines.slice(first).join('\n').replace(/\n$/, '')
  }
  return hunks
}

const ref = (s: Side | null): PatchRef | null => s === null ? null : { index: s.index, subject: s.subject }

/** The interdiff of two revisions: their patches paired, each changed pair with the diff of its texts. */
export async function interdiff (blobs: BlobReader, from: InterdiffRevision, to: InterdiffRevision): Promise<Interdiff> {
  const a = await sides(blobs, from)
  const b = await sides(blobs, to)
  const paired = pair(a, b).map(([x, y]) => ({ x, y, status: (x === null ? 'added' : y === null ? 'dropped' : x.text === y.text ? 'same' : 'changed') as PairStatus }))
  const changed = paired.filter((p) => p.status === 'changed')
  const dir = await mkdtemp(join(tmpdir(), 'cairn-interdiff-'))
  let diffs: string[]
  try {
    diffs = await textDiffs(changed.map((p) => [p.x?.text ?? '', p.y?.text ?? '']), dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const pairs: InterdiffPair[] = paired.map((p) => ({ status: p.status, from: ref(p.x), to: ref(p.y), diff: p.status === 'changed' ? diffs[changed.indexOf(p)] ?? '' : null }))
  const holes = (r: InterdiffRevision): number[] => r.body.patches.filter((p) => p.missing === true).map((p) => p.index)
  return { pairs, missing: { from: holes(from), to: holes(to) } }
}

const MARK: Record<PairStatus, string> = { same: '=', changed: '!', dropped: '<', added: '>' }

/** The interdiff as text, range-diff style (what `cairn series diff` prints). */
export function interdiffText (d: Interdiff, from: InterdiffRevision, to: InterdiffRevision): string {
  const label = (r: InterdiffRevision, p: PatchRef | null): string => `v${r.version} ${p === null ? '-' : p.index}/${r.body.total}`
  const out: string[] = []
  for (const p of d.pairs) {
    out.push(`${label(from, p.from)} ${MARK[p.status]} ${label(to, p.to)}  ${(p.to ?? p.from)?.subject ?? ''}`)
    if (p.diff !== null) for (const line of p.diff.split('\n')) out.push(`    ${line}`)
  }
  for (const [r, missing] of [[from, d.missing.from], [to, d.missing.to]] as const) {
    if (missing.length > 0) out.push(`(v${r.version} lacks patch${missing.length > 1 ? 'es' : ''} ${missing.join(', ')}: never received)`)
  }
  return out.join('\n')
}
