import { compareText, pickResult } from '../../../runners/result-report.js'
import { compareJson, resultSummaryJson, testsOf } from '../../wire/results.js'
import { renderReport } from '../../../protocol/result-summary.js'
import { resultsOfBuild, resultsOfSeries, resultsOfTestRun } from '../../views/results.js'
import type { ResultEvent } from '../../views/results.js'
import type { Args, Command, Context } from '../command.js'
import { usageError, withNodeToRead } from '../command.js'
import { hotSince, setArchivedBefore } from '../../storage/archive-setting.js'
import { byTsThenId } from '../../views/views.js'
import type { ResultFilter, Views } from '../../views/views.js'
import { parseMinChange } from '../min-change.js'
import { printRows } from '../output.js'
import type { resultsSpec } from '../specs/jobs.js'

type Subs = (typeof resultsSpec)['subcommands']

/** Results per read while a list walks every one. */
const PAGE = 64

/**
 * The results a list names, oldest first (`newest`: newest first): by build
 * or test-run identity, or series, through their rows; otherwise every one,
 * a page of rows at a time, so only the results printed are decoded.
 */
function * listed (views: Views, values: { build?: string | undefined, series?: string | undefined }, since: ResultFilter, newest: boolean): Generator<ResultEvent> {
  const hot = (e: ResultEvent): boolean => since.since === undefined || e.ts >= since.since
  if (values.build !== undefined || values.series !== undefined) {
    const ofSeries = values.series === undefined ? null : resultsOfSeries(views, values.series)
    let found = ofSeries ?? []
    if (values.build !== undefined) {
      const keep = ofSeries === null ? null : new Set(ofSeries.map((e) => e.id))
      const byId = new Map([...resultsOfBuild(views, values.build), ...resultsOfTestRun(views, values.build)].map((e) => [e.id, e]))
      found = [...byId.values()].filter((e) => keep === null || keep.has(e.id)).sort(byTsThenId)
    }
    found = found.filter(hot)
    yield * (newest ? found.reverse() : found)
    return
  }
  for (let page = views.resultsPage(since, { after: null, newest, limit: PAGE }) as ResultEvent[]; page.length > 0;) {
    yield * page
    const last = page[page.length - 1] as ResultEvent
    page = page.length < PAGE ? [] : views.resultsPage(since, { after: last, newest, limit: PAGE }) as ResultEvent[]
  }
}

async function list (ctx: Context, { values }: Args<Subs[0]>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const views = node.views
    const limit = values.limit
    function * rows (): Generator<Record<string, unknown>> {
      for (const e of listed(views, values, hotSince(ctx.home, values.archived === true), limit !== undefined)) {
        const row: Record<string, unknown> = { ...resultSummaryJson(views, e) }
        if (values.test !== undefined) {
          const t = testsOf(views, e).tests.find((x) => x.name === values.test)
          if (t === undefined) continue
          row.test = t
        }
        yield row
      }
    }
    printRows(ctx.io, values, limit === undefined ? rows() : newestFirst(rows(), limit), (r) => r, (r) => {
      const counts = Object.entries(r.counts as Record<string, number>).filter(([, n]) => n > 0).map(([k, n]) => `${k}:${n}`).join(' ')
      const verdict = r.verdict === 'reused' ? `reused(${String(r.effectiveVerdict)})` : String(r.verdict)
      const test = r.test === undefined ? '' : ` ${(r.test as { name: string, status: string }).name}=${(r.test as { status: string }).status}`
      const tested = (r.tested as { label: string }).label
      return `${String(r.id).slice(0, 12)} ${verdict} job ${String(r.job ?? '-').slice(0, 12)} ${String(r.profile ?? '-')} ${tested} ${counts || 'no tests'}${test}${r.stale === true ? ' (stale)' : ''}`
    })
  })
}

/** The first `limit` of rows read newest first, oldest first as every list prints. */
function newestFirst<T> (rows: Iterable<T>, limit: number): T[] {
  const out: T[] = []
  for (const row of rows) if (out.push(row) >= limit) break
  return out.reverse()
}

async function show (ctx: Context, { values, positionals }: Args<Subs[1]>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const e = pickResult(node.views, positionals[0] as string)
    const { tests, source } = testsOf(node.views, e)
    const logs = [...e.body.logs, ...(source !== null && source.id !== e.id ? source.body.logs : [])]
    const texts = values.log === true ? await Promise.all(logs.map(async (l) => (await node.blobs.get(l.blob)).toString('utf8'))) : []
    if (values.json === true) {
      ctx.io.out(JSON.stringify({
        ...resultSummaryJson(node.views, e),
        environment: e.body.environment,
        tests,
        logs: logs.map((l, i) => values.log === true ? { ...l, text: texts[i] } : l)
      }))
      return
    }
    if (values.log === true) {
      logs.forEach((l, i) => { ctx.io.out(`==> ${l.name} <==`); ctx.io.out((texts[i] ?? '').replace(/\n$/, '')) })
      return
    }
    const s = resultSummaryJson(node.views, e)
    const fields: Record<string, string> = {
      RESULT: e.id,
      JOB: s.job ?? '-',
      BUILD: s.build || '-',
      'TEST-RUN': s.testRun || '-',
      RUNNER: e.author,
      SYSTEM: e.body.environment.system ?? '-'
    }
    if (s.reuses !== null) fields.REUSES = s.reuses
    if (s.stale) fields.STALE = 'a newer result for the same subject has another identity'
    ctx.io.out(`verdict ${s.verdict}${s.reuses !== null ? ` (stands for ${s.effectiveVerdict ?? 'a result not here'})` : ''}`)
    if (s.message !== null) ctx.io.out(s.message)
    ctx.io.out(renderReport(tests, { fields }).replace(/\n$/, ''))
    for (const l of logs) ctx.io.out(`log ${l.name} ${l.blob.length} bytes (cairn results show ${e.id.slice(0, 12)} --log)`)
  })
}

async function compare (ctx: Context, { values, positionals }: Args<Subs[2]>): Promise<void> {
  const minChange = parseMinChange(values['min-change'] ?? [])
  await withNodeToRead(ctx, async (node) => {
    const a = pickResult(node.views, positionals[0] as string)
    const b = pickResult(node.views, positionals[1] as string)
    const c = compareJson(node.views, a, b, minChange)
    ctx.io.out(values.json === true ? JSON.stringify(c) : compareText(c))
  })
}

/** Set or clear this node's archive cut-off (node/storage/archive-setting.ts). */
async function archive (ctx: Context, { values }: Args<Subs[3]>): Promise<void> {
  if ((values.before === undefined) === (values.restore !== true)) throw usageError('give --before DATE (archive what is older) or --restore (bring everything back)')
  if (values.restore === true) {
    setArchivedBefore(ctx.home, null)
    ctx.io.out('no result is archived now')
    return
  }
  const before = Date.parse(values.before as string)
  if (Number.isNaN(before)) throw usageError(`--before "${values.before as string}" is not a date (like 2026-01-01 or 2026-01-01T12:00:00Z)`)
  await withNodeToRead(ctx, async (node) => {
    const older = node.views.resultsCount({}) - node.views.resultsCount({ since: before })
    setArchivedBefore(ctx.home, before)
    ctx.io.out(`archived ${older} result(s) published before ${new Date(before).toISOString()}; they stay on the feeds (results list --archived shows them, results archive --restore brings them back)`)
  })
}

export const results: Command = { subcommands: { list, show, compare, archive } }
