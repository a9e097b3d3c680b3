import { applyRevision, rangeDiff } from '../../../runners/apply-series.js'
import { CairnError } from '../../../protocol/errors.js'
import { interdiff, interdiffText } from '../../interdiff.js'
import { findRevisionView, findSeries, listSeries, patchTrailers, presentPatches, SERIES_STATES, seriesState } from '../../views/series/index.js'
import type { RevisionView, SeriesFilter, SeriesView } from '../../views/series/index.js'
import type { Views } from '../../views/views.js'
import { isoDate, seriesRow } from '../../wire/series.js'
import type { Args, Command, Context } from '../command.js'
import { usageError, withNodeToRead } from '../command.js'
import { printRows } from '../output.js'
import type { seriesSpec } from '../specs/review.js'

type Subs = (typeof seriesSpec)['subcommands']

function revisionJson (s: SeriesView, r: RevisionView): Record<string, unknown> {
  const b = r.body
  const trailers = patchTrailers(s, r)
  return {
    version: r.version,
    id: r.id,
    eventIds: r.eventIds,
    subject: b.subject,
    author: b.author ?? null,
    date: isoDate(b.date),
    list: b.source.list ?? null,
    base: b.base ?? null,
    changeId: b.changeId ?? null,
    rfc: b.rfc ?? false,
    resend: b.resend ?? false,
    prefixes: b.prefixes ?? [],
    link: b.link ?? null,
    total: b.total,
    complete: b.patches.every((p) => p.missing !== true),
    cover: b.cover === undefined ? null : { subject: b.cover.subject, messageId: b.cover.messageId ?? null, inheritedFrom: b.cover.inheritedFrom ?? null, body: b.cover.body },
    patches: [...b.patches].sort((x, y) => x.index - y.index).map((p) => {
      if (p.missing === true) return { index: p.index, missing: true }
      const t = trailers.get(p.index)
      return {
        index: p.index,
        subject: p.subject,
        author: p.author ?? null,
        date: p.date ?? null,
        messageId: p.messageId ?? null,
        diff: p.diff?.hash ?? null,
        files: p.files ?? [],
        ...(p.carriedFrom === undefined ? {} : { carriedFrom: p.carriedFrom }),
        trailers: [...(t?.own ?? []), ...(t?.collected ?? []).map((x) => ({ key: x.key, value: x.value }))],
        collected: (t?.collected ?? []).map((x) => ({ key: x.key, value: x.value, review: x.review }))
      }
    }),
    reviews: r.reviews.map((e) => ({
      id: e.id,
      messageId: e.body.messageId ?? null,
      from: e.body.from ?? null,
      author: e.author,
      patch: e.body.target.patch ?? null,
      trailers: e.body.trailers,
      comment: e.body.comment ?? null
    }))
  }
}

/** `series show --json`: the series with every revision, its patches 1..N (holes `missing: true`) and trailers per patch. */
export function seriesDetail (views: Views, s: SeriesView): Record<string, unknown> {
  return {
    id: s.id,
    project: s.project,
    subject: s.subject,
    changeId: s.changeId ?? null,
    state: seriesState(views, s),
    messageIds: s.messageIds,
    revisions: s.revisions.map((r) => revisionJson(s, r))
  }
}

async function list (ctx: Context, { values }: Args<Subs[0]>): Promise<void> {
  const limit = values.limit
  const paths = (values.match ?? []).map((m) => {
    if (!m.startsWith('path:') || m.length === 5) throw usageError(`--match "${m}": expected path:GLOB`)
    return m.slice(5)
  })
  const filter: SeriesFilter = { paths, trailers: [...(values.trailer ?? []), ...(values['hide-until'] ?? [])] }
  if (values.state !== undefined && !SERIES_STATES.includes(values.state)) throw usageError(`--state "${values.state}" is not a series state; use one of ${SERIES_STATES.join(', ')}`)
  if (values.state !== undefined) filter.state = values.state
  if (values.project !== undefined) filter.project = values.project
  if (values.search !== undefined) filter.search = values.search
  await withNodeToRead(ctx, async (node) => {
    const rows = listSeries(node.views, filter, limit)
    if (rows.length === 0 && values.json !== true) ctx.io.err('no series (cairn ingest ... brings them in from mail)')
    printRows(ctx.io, values, rows, (s) => seriesRow(node.views, s), (s) => {
      const b = s.latest.body
      return `${seriesState(node.views, s).padEnd(11)} v${s.latest.version} [${presentPatches(b)}/${b.total}] ${s.subject}  <${s.id}>`
    })
  })
}

async function show (ctx: Context, { values, positionals }: Args<Subs[1]>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const s = findSeries(node.views, positionals[0] as string)
    if (values.json === true) {
      ctx.io.out(JSON.stringify(seriesDetail(node.views, s)))
      return
    }
    const out = ctx.io.out
    out(`series   ${s.id}`)
    out(`subject  ${s.subject}`)
    out(`state    ${seriesState(node.views, s)}${s.project !== '' ? `   project ${s.project}` : ''}${s.changeId !== undefined ? `   change-id ${s.changeId}` : ''}`)
    for (const r of s.revisions) {
      const b = r.body
      const present = presentPatches(b)
      out('')
      out(`v${r.version}  ${r.id}  ${isoDate(b.date) ?? ''}  ${present}/${b.total} patches${b.patches.some((p) => p.missing === true) ? ' (incomplete)' : ''}${b.link !== undefined ? `  linked by ${b.link.reason}` : ''}`)
      if (b.author !== undefined) out(`    from ${b.author.name} <${b.author.email}>`)
      if (b.cover !== undefined) out(`    0/${b.total} ${b.cover.subject}`)
      const trailers = patchTrailers(s, r)
      for (const p of [...b.patches].sort((x, y) => x.index - y.index)) {
        if (p.missing === true) { out(`    ${p.index}/${b.total} (missing)`); continue }
        out(`    ${p.index}/${b.total} ${p.subject}${p.carriedFrom !== undefined ? ` (unchanged from v${p.carriedFrom})` : ''}`)
        for (const t of trailers.get(p.index)?.collected ?? []) out(`          + ${t.key}: ${t.value}`)
      }
      if (r.reviews.length > 0) out(`    ${r.reviews.length} repl${r.reviews.length === 1 ? 'y' : 'ies'}, ${r.reviews.filter((e) => e.body.trailers.length > 0).length} with trailers`)
    }
  })
}

function versionOption (s: SeriesView, name: string, value: string | undefined, fallback: RevisionView | undefined): RevisionView {
  if (value === undefined) {
    if (fallback === undefined) throw new CairnError('USAGE', `series ${s.id} has one revision (v${s.latest.version}); there is nothing to compare it with`)
    return fallback
  }
  const v = Number(value.replace(/^v/i, ''))
  const r = s.revisions.find((x) => x.version === v)
  if (r === undefined) throw usageError(`--${name} ${value}: series ${s.id} has ${s.revisions.map((x) => `v${x.version}`).join(', ')}`)
  return r
}

async function diff (ctx: Context, { values, positionals }: Args<Subs[2]>): Promise<void> {
  if (values.base !== undefined && values.repo === undefined) throw usageError('--base goes with --repo')
  await withNodeToRead(ctx, async (node) => {
    const s = findSeries(node.views, positionals[0] as string)
    const to = versionOption(s, 'to', values.to, s.latest)
    const from = versionOption(s, 'from', values.from, [...s.revisions].reverse().find((r) => r.version < to.version))
    if (from === to) throw usageError(`--from and --to are both v${to.version}`)
    ctx.io.out(`# ${s.id}: v${from.version} -> v${to.version}${values.repo !== undefined ? ' (git range-diff)' : ' (patch texts, git diff)'}`)
    const text = values.repo !== undefined
      ? await rangeDiff({ node, from, to, repo: values.repo, ...(values.base === undefined ? {} : { base: values.base }) })
      : interdiffText(await interdiff(node.blobs, from, to), from, to)
    ctx.io.out(text)
  })
}

async function apply (ctx: Context, { values, positionals }: Args<Subs[3]>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const { revision } = findRevisionView(node.views, positionals[0] as string)
    const r = await applyRevision({
      node,
      revision,
      repo: values.repo,
      ...(values.branch === undefined ? {} : { branch: values.branch }),
      ...(values.base === undefined ? {} : { base: values.base }),
      trailers: values['no-trailers'] !== true
    })
    ctx.io.out(`applied ${r.patches} patch${r.patches === 1 ? '' : 'es'} of ${revision.series} v${revision.version} onto ${r.base.slice(0, 12)}: ${r.branch !== '' ? `branch ${r.branch}` : 'detached HEAD'} at ${r.commit}`)
  })
}

export const series: Command = { subcommands: { list, show, diff, apply } }
