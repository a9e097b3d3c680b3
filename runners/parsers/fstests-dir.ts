/**
 * An xfstests `results/` directory (RESULT_BASE). Which tests ran and how
 * they ended comes from, in order of preference:
 * 1. check's stdout, when the caller kept it (`output`),
 * 2. the xunit report `result.xml` (`./check -R xunit`), read with the JUnit reader,
 * 3. the last run recorded in `check.log` (+ durations of passes from `check.time`).
 * With config sections each `results/<section>/` is read the same way and
 * tests are named `<section>/generic/001`.
 * Failures are then explained from the per-test files: the `.out.bad` diffed
 * against the golden `tests/<id>.out` (first lines), the `.dmesg` (first
 * lines), the `.full` (last lines); skips get their `.notrun` reason. Files
 * are only read for tests the run reported: results/ keeps stale files from
 * older runs.
 */
import type { Dirent } from 'node:fs'
import { open, readdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { CairnError } from '../../protocol/errors.js'
import { readFstests, toParsed, fstestsName } from './fstests.js'
import type { FsRecord } from './fstests-record.js'
import { TEST_ID_ONLY } from './fstests-line.js'
import { readJunitCases } from './junit-read.js'
import { uniqueNames } from '../../protocol/results.js'
import { unifiedDiff } from './unified-diff.js'
import type { ParseResult } from './types.js'
import { Warnings } from './warnings.js'

interface FstestsDirOptions {
  /** check's stdout for this run, when it was kept: the most complete source. */
  output?: string
  /** xfstests' `tests/` directory with the golden `.out` files; default `<dir>/../tests`. */
  testsDir?: string
}

const HEAD_BYTES = 256 * 1024 // of .out/.out.bad: enough for any golden output
const TAIL_BYTES = 64 * 1024 // of .full: its end is what matters
const BAD_HEAD_LINES = 20

interface Unit { section: string | undefined, dir: string }

async function isFile (path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Up to `max` bytes from the start or the end of a file, or undefined when it cannot be read. */
async function readPart (path: string, max: number, from: 'head' | 'tail'): Promise<string | undefined> {
  let fh
  try {
    fh = await open(path, 'r')
    const size = (await fh.stat()).size
    const len = Math.min(size, max)
    const buf = Buffer.alloc(len)
    await fh.read(buf, 0, len, from === 'head' ? 0 : size - len)
    let text = buf.toString('utf8')
    if (from === 'tail' && size > len) text = text.slice(text.indexOf('\n') + 1) // drop the cut line
    return text
  } catch {
    return undefined
  } finally {
    await fh?.close()
  }
}

async function readWhole (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

async function units (dir: string): Promise<Unit[]> {
  if (await isFile(join(dir, 'result.xml'))) return [{ section: undefined, dir }]
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (err) {
    throw new CairnError('PARSE_FSTESTS', `results directory ${dir} cannot be read: ${(err as Error).message}`, { cause: err })
  }
  const sections: Unit[] = []
  for (const e of entries.filter(e => e.isDirectory()).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    const sub = join(dir, e.name)
    if (await isFile(join(sub, 'result.xml')) || await isFile(join(sub, 'check.log'))) sections.push({ section: e.name, dir: sub })
  }
  if (sections.length > 0) return sections
  return [{ section: undefined, dir }]
}

async function fromXunit (u: Unit, warnings: Warnings): Promise<FsRecord[] | undefined> {
  const text = await readWhole(join(u.dir, 'result.xml'))
  if (text === undefined) return undefined
  return readJunitCases(text, warnings).map(c => {
    const r: FsRecord = { name: fstestsName(u.section, c.name), id: c.name, section: u.section, status: c.status, reasons: [] }
    if (c.duration !== undefined && c.status === 'pass') r.duration = c.duration
    if (c.message !== undefined) r.reasons.push(c.message.replace(/^-\s*/, ''))
    if (c.err !== undefined) r.diff = c.err
    const klog = c.other.find(([tag]) => tag === 'kernel-log')
    if (klog !== undefined) r.dmesg = klog[1]
    if (c.out !== undefined) r.full = c.out
    return r
  })
}

async function fromCheckLog (u: Unit, warnings: Warnings): Promise<FsRecord[] | undefined> {
  const log = await readWhole(join(u.dir, 'check.log'))
  if (log === undefined) return undefined
  const records = readFstests(log, warnings).map(r => ({ ...r, name: fstestsName(u.section, r.id), section: u.section }))
  // check.time keeps the last passing time of each test: right for the tests that passed now.
  const times = await readPart(join(u.dir, 'check.time'), HEAD_BYTES, 'head')
  if (times !== undefined) {
    const secs = new Map<string, number>()
    for (const l of times.split('\n')) {
      const m = /^(\S+)\s+(\d+)\s*$/.exec(l)
      if (m !== null) secs.set(m[1] as string, Number(m[2]))
    }
    for (const r of records) {
      const s = secs.get(r.id)
      if (r.status === 'pass' && s !== undefined) r.duration = s * 1000
    }
  }
  return records
}

async function enrich (r: FsRecord, unitDir: string, testsDir: string): Promise<void> {
  if (!TEST_ID_ONLY.test(r.id)) return // never build a path from a name that is not a test id
  const base = join(unitDir, r.id)
  if (r.status === 'skip') {
    if (r.reasons.length === 0 || /^listed in /.test(r.reasons[0] ?? '')) {
      const why = await readPart(`${base}.notrun`, 4096, 'head')
      if (why !== undefined && why.trim() !== '') r.reasons = [why.trim()]
    }
    return
  }
  if (r.status !== 'fail' && r.status !== 'error') return
  const bad = await readPart(`${base}.out.bad`, HEAD_BYTES, 'head')
  if (bad !== undefined) {
    const golden = await readPart(join(testsDir, `${r.id}.out`), HEAD_BYTES, 'head')
    const diff = golden === undefined ? undefined : unifiedDiff(golden, bad, `tests/${r.id}.out`, `${r.id}.out.bad`)
    if (diff !== undefined && diff !== '') r.diff = diff
    else if (r.diff === undefined) {
      const head = bad.split('\n').slice(0, BAD_HEAD_LINES).join('\n')
      r.diff = `${r.id}.out.bad (golden output not found, first lines):\n${head}`
    }
  }
  const dmesg = await readPart(`${base}.dmesg`, HEAD_BYTES, 'head')
  if (dmesg !== undefined) r.dmesg = dmesg
  const full = await readPart(`${base}.full`, TAIL_BYTES, 'tail')
  if (full !== undefined) r.full = full

  // check.log only lists failures; the files say what kind they were.
  if (r.reasons.length === 1 && /^listed in Failures:/.test(r.reasons[0] ?? '')) {
    const why: string[] = []
    if (bad !== undefined) why.push(`output mismatch (see ${r.id}.out.bad)`)
    for (const l of (full ?? '').split('\n')) if (/^_check_\w+: /.test(l) && !why.includes(l.trim())) why.push(l.trim())
    if (dmesg !== undefined && !why.some(w => w.startsWith('_check_dmesg'))) why.push(`something found in dmesg (see ${r.id}.dmesg)`)
    if (why.length > 0) r.reasons = why
  }
}

/**
 * Read an xfstests results directory. Throws CairnError PARSE_FSTESTS when it
 * holds neither result.xml nor check.log (and no output was given).
 */
export async function parseFstestsResultsDir (dir: string, opts: FstestsDirOptions = {}): Promise<ParseResult> {
  const root = resolve(dir)
  try {
    if (!(await stat(root)).isDirectory()) throw new CairnError('PARSE_FSTESTS', `${root} is not a directory`)
  } catch (err) {
    if (err instanceof CairnError) throw err
    throw new CairnError('PARSE_FSTESTS', `results directory ${root} not found`, { cause: err })
  }
  const testsDir = resolve(opts.testsDir ?? join(root, '..', 'tests'))
  const warnings = new Warnings()
  const records: Array<{ r: FsRecord, unitDir: string | undefined }> = []

  if (opts.output !== undefined) {
    for (const r of readFstests(opts.output, warnings)) {
      // A section name from the output becomes a path: only a plain name will do.
      const safe = r.section === undefined || /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(r.section)
      records.push({ r, unitDir: safe ? (r.section === undefined ? root : join(root, r.section)) : undefined })
    }
  } else {
    for (const u of await units(root)) {
      const found = await fromXunit(u, warnings) ?? await fromCheckLog(u, warnings)
      if (found === undefined) {
        throw new CairnError('PARSE_FSTESTS', `no result.xml or check.log in ${u.dir}: not an xfstests results directory?`)
      }
      for (const r of found) records.push({ r, unitDir: u.dir })
    }
  }

  for (const { r, unitDir } of records) if (unitDir !== undefined) await enrich(r, unitDir, testsDir)
  return { tests: uniqueNames(records.map(({ r }) => toParsed(r)), warnings), warnings: warnings.toArray() }
}
