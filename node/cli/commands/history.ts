/**
 * `cairn history NAME`: a test's history when some result holds a test of
 * that name, else the suite's; by release unless --order time. `cairn
 * history --metric NAME`: a metric by release (views/metric-history.ts, as
 * the History page draws it).
 */
import { CairnError } from '../../../protocol/errors.js'
import { suiteHistory, testHistory } from '../../views/history.js'
import type { History, HistoryFilter, HistoryKind, SuitePoint, TestPoint } from '../../views/history.js'
import { byRelease } from '../../views/history-order.js'
import { hotSince } from '../../storage/archive-setting.js'
import { metricHistory } from '../../views/metric-history.js'
import type { Args, Command, Context } from '../command.js'
import { usageError, withNodeToRead } from '../command.js'
import { printRows } from '../output.js'
import type { historySpec } from '../specs/history.js'

export const history: Command = { run }

type Point = (TestPoint | SuitePoint) & { release?: string | null }

async function run (ctx: Context, { values, positionals }: Args<typeof historySpec>): Promise<void> {
  const name = positionals[0]
  if ((name === undefined) === (values.metric === undefined)) throw usageError('give a TEST or SUITE, or --metric NAME')
  const filter: HistoryFilter = { ...(values.profile === undefined ? {} : { profile: values.profile }), ...(values.kind === undefined ? {} : { kind: values.kind as HistoryKind }), ...hotSince(ctx.home, values.archived === true) }
  if (values.metric !== undefined) {
    if (values.order === 'time') throw usageError('--metric is by release: --order time goes with a TEST or SUITE')
    await metric(ctx, values.metric, filter, values)
    return
  }
  if (name === undefined) return
  await withNodeToRead(ctx, async (node) => {
    const of = node.views.resultRows.hasTest(name) ? 'test' : 'suite'
    const found: History<TestPoint | SuitePoint> = of === 'test' ? testHistory(node.views, name, filter) : suiteHistory(node.views, name, filter)
    if (found.points.every((p) => p.outcome === 'missing')) throw new CairnError('NOT_FOUND', `no result here holds a test or suite "${name}"${values.profile === undefined ? '' : ` with profile ${values.profile}`}${filter.since === undefined ? '' : ' (archived results left out: --archived includes them)'}; cairn results list --test NAME shows what is here`)
    const h: History<Point> = values.order === 'time' ? found : byRelease(found)
    if (values.json === true) {
      ctx.io.out(JSON.stringify({ [of]: name, order: values.order, counts: h.counts, points: h.points }))
      return
    }
    if (values.jsonl === true) {
      printRows(ctx.io, values, h.points, (p) => p, line)
      return
    }
    ctx.io.out(`${of} ${name}, by ${values.order === 'time' ? 'run time' : 'release'}, oldest first: ${Object.entries(h.counts).map(([k, n]) => `${k} ${n}`).join(', ')}`)
    for (const p of h.points) ctx.io.out(line(p))
  })
}

/** A metric by release: each release's median, the spread of its runs' samples and how many runs. */
async function metric (ctx: Context, name: string, filter: HistoryFilter, format: { json?: boolean, jsonl?: boolean }): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const h = metricHistory(node.views, name, filter)
    if (h.points.length === 0) throw new CairnError('NOT_FOUND', `no result here measured a metric "${name}"${filter.profile === undefined ? '' : ` with profile ${filter.profile}`}${filter.since === undefined ? '' : ' (archived results left out: --archived includes them)'}; cairn results show RESULT --json lists a result's metrics`)
    if (format.json === true) {
      ctx.io.out(JSON.stringify(h))
      return
    }
    const unit = h.unit === null || h.unit === '' ? '' : ` ${h.unit}`
    if (format.jsonl !== true) ctx.io.out(`metric ${name}${unit === '' ? '' : ` (${unit.trim()})`}, ${h.direction ?? 'higher'} is better, by release, oldest first: ${h.points.length} release(s)`)
    const num = (x: number): string => String(Number(x.toPrecision(6)))
    printRows(ctx.io, format, h.points, (p) => ({ metric: name, unit: h.unit, direction: h.direction, ...p }), (p) =>
      `${p.release.padEnd(12)} ${num(p.value)}${unit}  spread ${num(p.min)}..${num(p.max)}  ${p.runs.length} run${p.runs.length === 1 ? '' : 's'}  ${p.base === null ? '' : p.base.slice(0, 12)}`.trimEnd())
  })
}

function line (p: Point): string {
  const release = p.release === undefined ? '' : `${(p.release ?? '-').padEnd(12)} `
  const what = 'status' in p ? p.status : `${p.outcome} (${p.counts.fail + p.counts.error + p.counts.xpass} failing of ${p.total})`
  const was = p.changedFrom === null ? (p.flaky.length > 0 ? ' (flaky)' : '') : ` (was ${p.changedFrom})`
  return `${release}${what.padEnd(8)}${was.padEnd(12)} ${p.label}  ${new Date(p.ts).toISOString().slice(0, 16).replace('T', ' ')}  result ${p.id.slice(0, 12)}${p.verdict === 'reused' ? ' (reused)' : ''}`
}
