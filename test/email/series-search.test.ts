// series list --search and /api/series?search= (issue 12 step 3): FTS5 over
// subjects, senders, cover letters and commit messages, on the git-history
// corpus (real authors, subjects and commit messages). Each query's answer
// is checked against the same match computed from every series' text.
import test from 'brittle'
import Fastify from 'fastify'
import { seriesRoutes } from '../../node/http/routes/series.js'
import type { RouteContext } from '../../node/http/context.js'
import { toErrorBody } from '../../node/http/errors.js'
import { listSeries } from '../../node/views/series/index.js'
import type { SeriesView } from '../../node/views/series/index.js'
import { seriesText } from '../../node/views/series/text.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { seriesMap } from '../helpers/series.js'
import { ingestMbox } from './ingest-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

/** Words as FTS5's unicode61 tokenizer (remove_diacritics) sees them. */
const words = (text: string): string[] => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')

/** Whether the phrase's words come one after another in the text. */
function hasPhrase (text: string, phrase: string): boolean {
  const t = words(text)
  const p = words(phrase)
  return t.some((_, i) => p.every((w, j) => t[i + j] === w))
}

type Column = 'subject' | 'sender' | 'body'
const inAny = (s: SeriesView, phrase: string): boolean => Object.values(seriesText(s)).some((c) => hasPhrase(c, phrase))
const inColumn = (column: Column) => (s: SeriesView, phrase: string): boolean => hasPhrase(seriesText(s)[column], phrase)

test('series search on git-history: words, phrases, prefixes, columns and NOT match as the text says; a malformed query is BAD_QUERY', { skip: !hasShared && NO_SHARED, timeout: 300_000 }, async (t) => {
  const { node } = await createNode(t)
  await ingestMbox(node, corpus('git-history', 'git-history.mboxrd'))
  const all = [...seriesMap(node.views).values()]
  const ids = (list: SeriesView[]): string[] => list.map((s) => s.id).sort()
  const where = (f: (s: SeriesView) => boolean): string[] => ids(all.filter(f))
  const search = (q: string): string[] => ids(listSeries(node.views, { search: q }))

  // A sender with several series, a word of one subject, a phrase of one commit message.
  const senders = new Map<string, number>()
  for (const s of all) for (const line of seriesText(s).sender.split('\n')) senders.set(line, (senders.get(line) ?? 0) + 1)
  const [sender] = [...senders].filter(([line]) => !line.includes('example.org')).sort((a, b) => b[1] - a[1])[0] as [string, number]
  const email = /<(.*)>/.exec(sender)?.[1] as string
  const cases: Array<[string, string[]]> = [
    ['trailers', where((s) => inAny(s, 'trailers'))],
    ['s:trailers', where((s) => inColumn('subject')(s, 'trailers'))],
    [`f:${email}`, where((s) => inColumn('sender')(s, email))],
    ['"signed commits"', where((s) => inAny(s, 'signed commits'))],
    ['b:"memory leak"', where((s) => inColumn('body')(s, 'memory leak'))],
    ['s:doc NOT b:test', where((s) => inColumn('subject')(s, 'doc') && !inColumn('body')(s, 'test'))],
    ['s:rebase OR s:merge', where((s) => inColumn('subject')(s, 'rebase') || inColumn('subject')(s, 'merge'))],
    ['interpret*', where((s) => Object.values(seriesText(s)).some((c) => words(c).some((w) => w.startsWith('interpret'))))]
  ]
  for (const [q, want] of cases) {
    t.ok(want.length > 0 && want.length < all.length, `${q}: ${want.length} of ${all.length} series match`)
    t.alike(search(q), want, `${q}: the series whose text matches`)
  }
  t.alike(ids(listSeries(node.views, { search: 'trailers', state: 'new' })), where((s) => inAny(s, 'trailers')), 'with other filters')
  t.is(listSeries(node.views, { search: 'trailers' }, 3).length, 3, '--limit')

  for (const bad of ['"open quote', 'AND', 's:(', 'trailers OR']) {
    await t.exception(async () => listSeries(node.views, { search: bad }), /BAD_QUERY: search/, `${bad}: BAD_QUERY`)
  }

  const app = Fastify()
  app.setErrorHandler(async (err, _request, reply) => {
    const { status, body } = toErrorBody(err)
    return await reply.code(status).send(body)
  })
  seriesRoutes(app, { node } as unknown as RouteContext)
  t.teardown(async () => await app.close())
  const res = await app.inject(`/api/series?limit=500&search=${encodeURIComponent(`f:${email}`)}`)
  t.is(res.statusCode, 200)
  t.alike((res.json() as { series: Array<{ id: string }> }).series.map((s) => s.id).sort(), cases[2]?.[1], '/api/series?search=')
  const badRes = await app.inject('/api/series?search=%22open')
  t.is(badRes.statusCode, 400)
  t.is((badRes.json() as { error: string }).error, 'BAD_QUERY', badRes.body)
})
