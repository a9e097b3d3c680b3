/**
 * fio's JSON output (`--output-format=json` or `json+`): per job and data
 * direction (read, write, trim) with I/O done, bandwidth (KiB/s) and IOPS,
 * higher is better, and completion latency (mean and the 50/95/99/99.9th
 * percentiles), lower is better, in the unit fio wrote (clat_ns since fio
 * 3, clat in us before). Each job is a test: pass when its error is 0.
 * fio may print job description lines before the JSON, and a loop running
 * fio several times gives several documents: their numbers become samples.
 */
import { CairnError } from '../../protocol/errors.js'
import { MetricSet } from './metric-set.js'
import { toText } from './text.js'
import type { ParsedTest, ParseResult, ParserInput } from './types.js'

const DIRECTIONS = ['read', 'write', 'trim'] as const
const PERCENTILES: Array<[string, string]> = [['50.000000', 'p50'], ['95.000000', 'p95'], ['99.000000', 'p99'], ['99.900000', 'p99.9']]

type Json = Record<string, unknown>
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)
const num = (x: unknown): number | undefined => typeof x === 'number' && Number.isFinite(x) ? x : undefined

/** The JSON documents in the text: each starts at a line beginning with `{` and ends where its braces balance. */
function documents (text: string): Array<{ line: number, json: string }> {
  const out: Array<{ line: number, json: string }> = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const atLineStart = i === 0 || text[i - 1] === '\n'
    if (!(atLineStart && text[i] === '{')) {
      if (text[i] === '\n') line++
      i++
      continue
    }
    const start = i
    const startLine = line
    let depth = 0
    let inString = false
    for (; i < text.length; i++) {
      const c = text[i]
      if (c === '\n') line++
      if (inString) {
        if (c === '\\') i++
        else if (c === '"') inString = false
      } else if (c === '"') inString = true
      else if (c === '{') depth++
      else if (c === '}' && --depth === 0) { i++; break }
    }
    if (depth !== 0) throw new CairnError('PARSE_FIO', `line ${startLine}: the JSON document that starts here never ends (output cut short?)`)
    out.push({ line: startLine, json: text.slice(start, i) })
  }
  return out
}

function jobMetrics (set: MetricSet, line: number, name: string, job: Json): void {
  for (const dir of DIRECTIONS) {
    const d = job[dir]
    if (!isObject(d) || (num(d.total_ios) ?? num(d.io_bytes) ?? 0) === 0) continue
    const at = `${name}/${dir}`
    const bw = num(d.bw)
    const iops = num(d.iops)
    if (bw === undefined || iops === undefined) throw new CairnError('PARSE_FIO', `line ${line}: job ${JSON.stringify(name)} ${dir}: no numeric bw and iops`)
    set.add(line, `${at}/bw`, bw, 'KiB/s', 'higher')
    set.add(line, `${at}/iops`, iops, 'IOPS', 'higher')
    const [clat, unit] = isObject(d.clat_ns) ? [d.clat_ns, 'ns'] : isObject(d.clat) ? [d.clat, 'us'] : [undefined, '']
    if (clat === undefined) continue
    const mean = num(clat.mean)
    if (mean !== undefined) set.add(line, `${at}/clat_mean`, mean, unit, 'lower')
    const pct = clat.percentile
    if (!isObject(pct)) continue
    for (const [key, label] of PERCENTILES) {
      const v = num(pct[key])
      if (v !== undefined) set.add(line, `${at}/clat_${label}`, v, unit, 'lower')
    }
  }
}

export function parseFio (input: ParserInput): ParseResult {
  const docs = documents(toText(input))
  if (docs.length === 0) throw new CairnError('PARSE_FIO', 'no fio JSON output: no line starts with "{" (run fio with --output-format=json)')
  const set = new MetricSet('PARSE_FIO')
  const tests = new Map<string, ParsedTest>()
  for (const doc of docs) {
    let parsed: unknown
    try {
      parsed = JSON.parse(doc.json)
    } catch (err) {
      throw new CairnError('PARSE_FIO', `line ${doc.line}: not valid JSON: ${(err as Error).message}`)
    }
    if (!isObject(parsed) || !Array.isArray(parsed.jobs)) throw new CairnError('PARSE_FIO', `line ${doc.line}: a JSON document without "jobs": not fio output`)
    for (const job of parsed.jobs) {
      if (!isObject(job) || typeof job.jobname !== 'string') throw new CairnError('PARSE_FIO', `line ${doc.line}: a job without a "jobname"`)
      const error = num(job.error) ?? 0
      // A job run again (a later document) fails the test if any run failed.
      const previous = tests.get(job.jobname)
      if (previous?.status !== 'fail') tests.set(job.jobname, error === 0 ? { name: job.jobname, status: 'pass' } : { name: job.jobname, status: 'fail', detail: `fio error ${error}` })
      jobMetrics(set, doc.line, job.jobname, job)
    }
  }
  return { tests: [...tests.values()], metrics: set.toArray(), warnings: [] }
}
