// The git-history corpus (1653 mails, 515 series from git.git) through the
// real `cairn ingest mbox` and back out of `cairn series list --json` and
// `series show --json`: every series, every patch in its place, commit
// trailers as the corpus lists them. The CLI runs a few shows; all 515 are
// checked through the same function the CLI prints (seriesDetail).
import test from 'brittle'
import { readFileSync } from 'node:fs'
import { seriesDetail } from '../../node/cli/commands/series.js'
import { CairnNode } from '../../node/node.js'
import { findSeries } from '../../node/views/series/index.js'
import { cairn } from '../helpers/cli.js'
import { corpus, hasShared } from '../helpers/paths.js'

interface Expected {
  cover: { message_id: string, subject: string } | null
  patches: Array<{ message_id: string, subject: string, trailers: string[] }>
}
interface Row { id: string, latest: { total: number, complete: boolean, missing: number[] } }
interface Shown { id: string, revisions: Array<{ version: number, cover: { messageId: string } | null, complete: boolean, patches: Array<{ index: number, messageId?: string, missing?: boolean, trailers?: Array<{ key: string, value: string }> }> }> }

const bare = (id: string): string => id.replace(/^<|>$/g, '')

test('git-history: 1653 mails -> exactly the 515 series of expected-series.jsonl, through the CLI', { skip: !hasShared && 'needs ../shared/corpora (absent in this checkout)', timeout: 120_000 }, async (t) => {
  const home = await t.tmp()
  t.is(cairn(home, 'init', '--name', 'bridge').status, 0)
  const started = Date.now()
  const run = cairn(home, 'ingest', 'mbox', corpus('git-history', 'git-history.mboxrd'), '--list', 'git@vger.kernel.org')
  const elapsed = Date.now() - started
  t.is(run.status, 0, run.stderr)
  t.comment(`cairn ingest mbox git-history.mboxrd: ${elapsed} ms (process, parse, group, sign, append, index); ${run.stdout.trim().split('\n').join(' | ')}`)
  t.ok(run.stdout.includes('1653 mails read: 1653 new, 0 duplicates, 0 quarantined'), 'summary: mails')
  t.ok(run.stdout.includes('515 series, 515 revisions, 0 replies, 0 trailers, 0 mail.raw'), 'summary: series')

  const list = cairn(home, 'series', 'list', '--json')
  t.is(list.status, 0, list.stderr)
  const rows = JSON.parse(list.stdout) as Row[]
  t.is(rows.length, 515, 'series list --json lists 515 series')
  t.ok(rows.every((r) => r.latest.complete && r.latest.missing.length === 0), 'all complete')

  const expected = readFileSync(corpus('git-history', 'expected-series.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Expected)
  const ids = new Set(rows.map((r) => r.id))
  const samples = [expected[0], expected[200], expected[514]].map((e) => bare(e?.cover?.message_id ?? e?.patches[0]?.message_id ?? ''))
  const viaCli = new Map<string, Shown>()
  for (const id of samples) {
    const shown = cairn(home, 'series', 'show', `<${id}>`, '--json')
    t.is(shown.status, 0, shown.stderr)
    viaCli.set(id, JSON.parse(shown.stdout) as Shown)
  }

  const node = await CairnNode.open(home)
  t.teardown(() => node.close())
  const wrong: string[] = []
  let trailersSame = 0
  let patches = 0
  for (const e of expected) {
    const anchor = bare(e.cover?.message_id ?? e.patches[0]?.message_id ?? '')
    if (!ids.has(anchor)) { wrong.push(`${anchor}: not listed`); continue }
    const shown = seriesDetail(node.views, findSeries(node.views, anchor)) as unknown as Shown
    const rev = shown.revisions[0]
    const got = rev?.patches.map((p) => p.missing === true ? `missing ${p.index}` : p.messageId) ?? []
    const want = e.patches.map((p) => bare(p.message_id))
    const coverOk = e.cover === null ? rev?.cover === null : rev?.cover?.messageId === anchor
    if (shown.revisions.length !== 1 || !coverOk || JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${anchor}: ${JSON.stringify(got)}`)
    for (const [i, p] of e.patches.entries()) {
      patches++
      const have = (rev?.patches[i]?.trailers ?? []).map((x) => `${x.key}: ${x.value}`)
      if (JSON.stringify(have) === JSON.stringify(p.trailers)) trailersSame++
      else wrong.push(`${p.message_id}: trailers ${JSON.stringify(have)} != ${JSON.stringify(p.trailers)}`)
    }
    const cli = viaCli.get(anchor)
    if (cli !== undefined) t.alike(cli, JSON.parse(JSON.stringify(shown)), `series show --json ${anchor} prints the same`)
  }
  t.comment(`git-history: ${515 - wrong.filter((w) => !w.includes('trailers')).length}/515 series exact, commit trailers equal for ${trailersSame}/${patches} patches`)
  t.alike(wrong, [], 'series that differ')
  t.ok(findSeries(node.views, samples[0] as string).latest.body.source.list === 'git@vger.kernel.org', '--list is recorded')
})
