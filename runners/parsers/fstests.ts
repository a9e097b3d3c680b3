/**
 * xfstests `./check` output (stdout, or the summary lines of check.log):
 * - `generic/001 3s ...  2s` -> pass, 2000 ms (the `3s ...` is the previous run's time)
 * - `generic/002       [not run] reason` -> skip with the reason; `[expunged]` -> skip
 * - `- output mismatch (see ...)`, `[failed, exit status N]`, `[dumped core]`,
 *   `_check_generic_filesystem: ... is inconsistent`, `_check_dmesg: ...`,
 *   `- no qualified output` -> fail; the indented diff and `(see ...)` lines
 *   that follow are the detail. `- no such test?` -> error
 * - `-T` timestamps and console lines between fragments are tolerated
 * - `SECTION -- name` (config sections): tests are named `name/generic/001`;
 *   the closing recap (`SECTION -- name` + `=====`) is not read twice
 * - `Ran:`, `Not run:`, `Failures:`, `Failed N of M tests`, `Passed all N tests`
 *   are checked against the test lines (mismatch -> warning); tests listed
 *   there but never reported are added from the list. A test whose line never
 *   got a verdict (check interrupted, machine crashed) is an error unless the
 *   summary says what became of it.
 * Input with neither test lines nor summary lines throws CairnError PARSE_FSTESTS.
 */
import { CairnError } from '../../protocol/errors.js'
import { fstestsDetail } from './fstests-detail.js'
import { readFragment, TEST_ID, TEST_ID_ONLY } from './fstests-line.js'
import type { Fragment } from './fstests-line.js'
import type { FsRecord } from './fstests-record.js'
import { uniqueNames } from '../../protocol/results.js'
import { excerpt, splitLines, toText } from './text.js'
import type { ParsedTest, ParseResult, ParserInput, TestStatus } from './types.js'
import { Warnings } from './warnings.js'

interface FsTest {
  id: string
  section: string | undefined
  segment: number
  line: number
  verdict: 'pass' | 'fail' | 'skip' | 'error' | undefined
  duration: number | undefined
  reasons: string[]
  lines: string[]
  notRunPending: boolean
}

interface Summary {
  section: string | undefined
  segment: number
  line: number
  ran?: string[]
  notRun?: string[]
  failures?: string[]
  failedOf?: [number, number]
  passedAll?: number
  interrupted?: boolean
}

const HEADER = /^(FSTYP|PLATFORM|MKFS_OPTIONS|MOUNT_OPTIONS|RECREATING|CHECK_OPTIONS|HOST_OPTIONS)\s+--\s?(.*)$/
const SECTION = /^SECTION\s+--\s?(.*)$/
const LIST = /^(Ran|Not run|Failures):\s*(.*)$/
const FAILED_OF = /^Failed (\d+) of (\d+) tests\s*$/
const PASSED_ALL = /^Passed all (\d+) tests\s*$/
const NOTRUN_REASON = /^\s+([A-Za-z0-9_.-]+\/\d{3,}(?:-[A-Za-z0-9_-]+)?) -- (.*)$/
const MAX_DETAIL_LINES = 100

/** FSTYP, PLATFORM, MKFS_OPTIONS, MOUNT_OPTIONS... from check's header, for report headers. */
export function fstestsHeader (input: ParserInput): Record<string, string> {
  const out: Record<string, string> = {}
  for (const l of splitLines(toText(input))) {
    const m = HEADER.exec(l)
    if (m !== null && out[m[1] as string] === undefined) out[m[1] as string] = (m[2] ?? '').trim()
  }
  return out
}

function words (text: string): string[] {
  return text.split(/\s+/).filter(w => w !== '')
}

function merge (t: FsTest, f: Fragment): boolean {
  const said = f.verdict !== undefined || f.reasons.length > 0 || f.notRunPending === true
  if (f.verdict === 'fail' || f.verdict === 'error') {
    if (t.verdict !== 'error') t.verdict = f.verdict
  } else if (f.verdict !== undefined && t.verdict === undefined) {
    t.verdict = f.verdict
  }
  if (f.verdict === 'pass' && f.duration !== undefined && t.verdict === 'pass') t.duration = f.duration
  t.reasons.push(...f.reasons)
  if (f.notRunPending === true) t.notRunPending = true
  return said
}

export function parseFstests (input: ParserInput): ParseResult {
  const warnings = new Warnings()
  const tests = readFstests(toText(input), warnings).map(toParsed)
  return { tests: uniqueNames(tests, warnings), warnings: warnings.toArray() }
}

/** The records of check's output, in output order; tests only a summary names come last. */
export function readFstests (text: string, warnings: Warnings): FsRecord[] {
  const lines = splitLines(text)
  const tests: FsTest[] = []
  const summaries: Summary[] = []
  let section: string | undefined
  let segment = 0
  let current: FsTest | undefined
  let recap = false
  let lastList: string[] | undefined
  let summaryOpen: Summary | undefined

  const summaryFor = (line: number): Summary => {
    if (summaryOpen === undefined) {
      summaryOpen = { section, segment, line }
      summaries.push(summaryOpen)
    }
    return summaryOpen
  }
  const endSummary = (): void => {
    if (summaryOpen !== undefined) {
      summaryOpen = undefined
      segment++
    }
  }

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string
    const line = i + 1

    const sec = SECTION.exec(raw)
    if (sec !== null) {
      endSummary()
      current = undefined
      lastList = undefined
      section = (sec[1] ?? '').trim()
      recap = /^=+\s*$/.test(lines[i + 1] ?? '')
      if (recap) i++
      continue
    }
    if (HEADER.test(raw)) {
      current = undefined
      continue
    }

    const list = LIST.exec(raw)
    const failedOf = FAILED_OF.exec(raw)
    const passedAll = PASSED_ALL.exec(raw)
    if (list !== null || failedOf !== null || passedAll !== null || raw === 'Interrupted!') {
      current = undefined
      lastList = undefined
      if (recap) continue
      const s = summaryFor(line)
      if (list !== null) {
        const names = words(list[2] ?? '')
        lastList = names
        if (list[1] === 'Ran') s.ran = names
        else if (list[1] === 'Not run') s.notRun = names
        else s.failures = names
      } else if (failedOf !== null) {
        s.failedOf = [Number(failedOf[1]), Number(failedOf[2])]
        endSummary()
      } else if (passedAll !== null) {
        s.passedAll = Number(passedAll[1])
        endSummary()
      } else {
        s.interrupted = true
      }
      continue
    }
    if (lastList !== undefined) {
      // check.log wraps long lists with fmt(1).
      const w = words(raw)
      if (w.length > 0 && w.every(x => TEST_ID_ONLY.test(x))) {
        for (const x of w) lastList.push(x)
        continue
      }
      lastList = undefined
    }

    const id = TEST_ID.exec(raw)
    if (id !== null) {
      const rest = raw.slice((id[1] as string).length)
      if (/^\s*-\s*unknown test, ignored/.test(rest)) {
        warnings.at(line, `check ignored unknown test ${id[1] as string}`)
        continue
      }
      endSummary()
      recap = false
      current = { id: id[1] as string, section, segment, line, verdict: undefined, duration: undefined, reasons: [], lines: [], notRunPending: false }
      tests.push(current)
      merge(current, readFragment(rest))
      continue
    }
    // Blank lines, and `-T` stop stamps alone on a line, say nothing.
    if (current === undefined || raw.replace(/\[\d\d:\d\d:\d\d\]/g, '').trim() === '') continue

    const nr = NOTRUN_REASON.exec(raw)
    if (nr !== null && nr[1] === current.id && current.notRunPending) {
      current.reasons.push((nr[2] ?? '').trim())
      current.notRunPending = false
      continue
    }
    // The diff check prints is indented by four; never read verdicts out of it.
    if (!raw.startsWith('    ') && merge(current, readFragment(raw))) continue
    if (current.lines.length < MAX_DETAIL_LINES) current.lines.push(raw.startsWith('    ') ? raw.slice(4) : raw)
  }

  if (tests.length === 0 && summaries.length === 0) {
    const first = lines.find(l => l.trim() !== '')
    throw new CairnError('PARSE_FSTESTS', first === undefined
      ? 'empty input: no fstests output'
      : `no fstests test line or summary in ${lines.length} lines (first: ${excerpt(first)})`)
  }

  // Summary-only input (check.log) holds every run ever made: only the last one counts.
  const used = tests.length === 0 ? summaries.slice(-1) : summaries
  for (const s of used) reconcile(s, tests, tests.length > 0, warnings)

  return tests.map(toRecord)
}

/** Test name: `generic/001`, or `section/generic/001` when check ran config sections. */
export function fstestsName (section: string | undefined, id: string): string {
  return section === undefined || section === '' ? id : `${section}/${id}`
}

function toRecord (t: FsTest): FsRecord {
  const r: FsRecord = {
    name: fstestsName(t.section, t.id),
    id: t.id,
    section: t.section,
    status: t.verdict ?? 'error',
    reasons: t.verdict === undefined
      ? ['no result: the output ended or the next test began before this one reported (interrupted or crashed?)', ...t.reasons]
      : t.reasons
  }
  if (t.duration !== undefined && r.status === 'pass') r.duration = t.duration
  if (t.lines.length > 0) r.diff = t.lines.join('\n')
  return r
}

export function toParsed (r: FsRecord): ParsedTest {
  const p: ParsedTest = { name: r.name, status: r.status }
  if (r.duration !== undefined) p.duration = r.duration
  if (r.status !== 'pass') {
    const d = fstestsDetail(r)
    if (d !== undefined) p.detail = d
  }
  return p
}

const ran = (t: FsTest): boolean => t.verdict === 'pass' || t.verdict === 'fail' || t.verdict === undefined || (t.verdict === 'error' && !t.reasons.includes('no such test'))
const failed = (t: FsTest): boolean => t.verdict === 'fail' || (t.verdict === 'error' && !t.reasons.includes('no such test'))
const notRun = (t: FsTest): boolean => t.verdict === 'skip' && !t.reasons.includes('expunged')

/** Check a summary against the tests of its run; fill in what only the summary knows. */
function reconcile (s: Summary, all: FsTest[], sawLines: boolean, warnings: Warnings): void {
  const inRun = (t: FsTest): boolean => t.segment === s.segment && t.section === s.section
  const byId = new Map<string, FsTest>()
  for (const t of all) if (inRun(t)) byId.set(t.id, t)
  const failures = new Set(s.failures ?? [])
  const notRunList = new Set(s.notRun ?? [])
  const where = s.section === undefined ? '' : ` (section ${s.section})`

  // Verdicts the output never printed, and tests only the summary names.
  const add = (id: string, verdict: FsTest['verdict'], why: string): void => {
    const t = byId.get(id)
    if (t === undefined) {
      if (sawLines) warnings.at(s.line, `${id} is in the summary${where} but has no result line`)
      const n: FsTest = { id, section: s.section, segment: s.segment, line: s.line, verdict, duration: undefined, reasons: [why], lines: [], notRunPending: false }
      all.push(n)
      byId.set(id, n)
    } else if (t.verdict === undefined) {
      t.verdict = verdict
      t.reasons.push(why)
    }
  }
  const why = (list: string): string => sawLines ? `listed in ${list}: without a result line` : `listed in ${list}:`
  for (const id of s.ran ?? []) add(id, failures.has(id) ? 'fail' : 'pass', why(failures.has(id) ? 'Failures' : 'Ran'))
  for (const id of notRunList) add(id, 'skip', why('Not run'))
  for (const id of failures) add(id, 'fail', why('Failures'))

  if (!sawLines) return
  const mine = all.filter(inRun)
  if (s.failures !== undefined || s.failedOf !== undefined || s.passedAll !== undefined) {
    for (const t of mine) {
      if (failed(t) && !failures.has(t.id)) warnings.at(t.line, `${t.id} failed but the summary${where} does not list it in Failures:`)
    }
  }
  for (const id of failures) {
    const t = byId.get(id)
    if (t !== undefined && !failed(t)) warnings.at(t.line, `${id} is listed in Failures:${where} but its result line says ${t.verdict ?? 'nothing'}`)
  }
  if (s.ran !== undefined) {
    const ranList = new Set(s.ran)
    for (const t of mine) if (ran(t) && !ranList.has(t.id)) warnings.at(t.line, `${t.id} ran but is not in Ran:${where}`)
  }
  if (s.notRun !== undefined) {
    for (const t of mine) if (notRun(t) && !notRunList.has(t.id)) warnings.at(t.line, `${t.id} was not run but is not in Not run:${where}`)
  }
  if (s.failedOf !== undefined) {
    const [n, m] = s.failedOf
    const nParsed = mine.filter(failed).length
    const mParsed = mine.filter(ran).length
    if (n !== nParsed || m !== mParsed) warnings.at(s.line, `summary says Failed ${n} of ${m} tests${where}, the result lines give ${nParsed} of ${mParsed}`)
  }
  if (s.passedAll !== undefined) {
    const nParsed = mine.filter(failed).length
    const mParsed = mine.filter(ran).length
    if (nParsed !== 0 || s.passedAll !== mParsed) warnings.at(s.line, `summary says Passed all ${s.passedAll} tests${where}, the result lines give ${nParsed} failures in ${mParsed}`)
  }
}
