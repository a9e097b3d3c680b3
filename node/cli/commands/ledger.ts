import { flakes as flakeLedger } from '../../views/flakes.js'
import { regressions as tracked } from '../../views/regressions.js'
import type { Sighting } from '../../views/regressions.js'
import { hotSince } from '../../storage/archive-setting.js'
import type { Args, Command, Context } from '../command.js'
import { withNodeToRead } from '../command.js'
import { printRows } from '../output.js'
import type { flakesSpec, regressionsSpec } from '../specs/bisect.js'

type Sighted = ReturnType<typeof tracked>[number]

const at = (s: Sighting): string => `${s.ref ?? s.commit.slice(0, 12)} (result ${s.result.slice(0, 12)})`

async function listFlakes (ctx: Context, { values }: Args<typeof flakesSpec>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const rows = flakeLedger(node.views).filter((f) => values.test === undefined || f.test === values.test)
    printRows(ctx.io, values, rows, (f) => f, (f) =>
      `${f.test} flaky under ${f.testRun.slice(0, 16)}: ${f.runs.map((r) => `${r.status} (result ${r.result.slice(0, 12)}, runner ${r.runner.slice(0, 12)})`).join(', ')}`)
  })
}

async function listRegressions (ctx: Context, { values }: Args<typeof regressionsSpec>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const rows = tracked(node.views, hotSince(ctx.home, values.archived === true).since).filter((r) => (values.state === undefined || r.state === values.state) && (values.project === undefined || r.project === values.project))
    printRows(ctx.io, values, rows, (r) => r, (r) =>
      `${r.test} ${r.state === 'failing' ? 'FAILING' : 'fixed'} in ${r.project}/${r.profile}: ${r.metric === undefined ? '' : `${metricSize(r.metric)}; `}passed at ${at(r.lastPass)}, first failed at ${at(r.firstSeen)}, ${r.fixedBy === null ? `still failing at ${at(r.lastSeen)}` : `fixed at ${at(r.fixedBy)}`}`)
  })
}

/** `bw 100 -> 80 MB/s (-20.0%)`: a metric regression's size against the result it last held at. */
function metricSize (m: NonNullable<Sighted['metric']>): string {
  return `${m.a} -> ${m.b} ${m.unit} (${m.pct === null ? `${m.delta > 0 ? '+' : ''}${m.delta}` : `${m.pct > 0 ? '+' : ''}${m.pct.toFixed(1)}%`}, ${m.direction} is better)`
}

export const flakes: Command = { run: listFlakes }
export const regressions: Command = { run: listRegressions }
