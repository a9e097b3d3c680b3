// Parts (issue 14): the bridge state ties mails into parts by threading, a
// sender's sitting and a sender's alike subjects (series/keys.ts), and the
// daemon groups only a new mail's part. That is right only if grouping each
// part alone places every mail as grouping the whole archive does: checked
// on real lists, and on the ties themselves with a busy sender's mails.
import test from 'brittle'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import type { ParsedMail } from '../../bridges/email/parse/types.js'
import { buildSeries, placements } from '../../bridges/email/series/series.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { ingestMbox, ingestSource, mailsOf, rawMail, DIFF } from './ingest-fixture.js'

const NO_SHARED = 'needs ../shared/corpora (absent in this checkout)'

/** Where each mail goes (by Message-ID and subject, in canonical order), as comparable text. */
function where (mails: ParsedMail[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const { mail, place } of placements(buildSeries(mails))) {
    const key = `${mail.messageId} ${mail.rawSubject} ${mail.dateMs}`
    out.set(key, [...(out.get(key) === undefined ? [] : [out.get(key)]), JSON.stringify(place)].join(' | '))
  }
  return out
}

/** The state's parts: each part's mails. */
function parts (state: BridgeState): ParsedMail[][] {
  const byPart = new Map<number, ParsedMail[]>()
  for (const { part, rec } of state.since(0)) {
    if (part === null || rec.mail === undefined) continue
    byPart.set(part, [...(byPart.get(part) ?? []), rec.mail])
  }
  return [...byPart.values()]
}

for (const [list, file] of [['linux-rtc', 'linux-rtc-5000.mboxrd'], ['git-history', 'git-history.mboxrd']] as const) {
  test(`parts of ${list}: each part grouped alone places every mail as the whole archive grouped at once`, { skip: !hasShared && NO_SHARED, timeout: 300_000 }, async (t) => {
    const { node } = await createNode(t)
    await ingestMbox(node, corpus(list, file))
    const state = new BridgeState(node.paths.dir)
    try {
      const all = parts(state)
      const whole = where(all.flat())
      const byParts = new Map<string, string>()
      for (const p of all) for (const [k, v] of where(p)) byParts.set(k, v)
      const sizes = all.map((p) => p.length).sort((a, b) => b - a)
      t.comment(`${all.length} parts; the largest ${sizes.slice(0, 5).join(', ')} mails`)
      t.is(byParts.size, whole.size, 'every mail placed')
      const differ = [...whole].filter(([k, v]) => byParts.get(k) !== v)
      t.alike(differ.slice(0, 5), [], `no mail placed otherwise (${differ.length} do)`)
    } finally {
      state.close()
    }
  })
}

const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 6, 10)
const at = (ms: number): string => new Date(T0 + ms).toUTCString().replace('GMT', '+0000')
const dev = (id: string, subject: string, ms: number, diff = true): string =>
  rawMail({ id, subject, date: at(ms), body: `Change.\n\nSigned-off-by: Dev One <dev@example.org>\n${diff ? DIFF(`${id}.c`, 'a', 'b') : ''}` })

/** Each mail's part, by Message-ID. */
function partsById (state: BridgeState): Map<string, number | null> {
  return new Map(state.since(0).map(({ part, rec }) => [rec.mail?.messageId ?? '', part]))
}

test('sender ties: one sender\'s mails share a part only within a sitting or by alike subjects; a file made before the ties is filled once', async (t) => {
  const { node } = await createNode(t)
  await ingestSource(node, mailsOf(
    dev('a1', '[PATCH] rtc: foo: add alarm support', 0),
    dev('b0', '[PATCH 0/2] rtc: bar: cleanups', 30 * 60_000, false),
    dev('b1', '[PATCH 1/2] rtc: bar: drop dead code', 30 * 60_000 + 1000),
    dev('b2', '[PATCH 2/2] rtc: bar: use devm', 30 * 60_000 + 2000),
    dev('c1', '[PATCH] watchdog: baz: fix timeout', 4 * DAY),
    dev('a2', '[PATCH v2] rtc: foo: add the alarm support', 60 * DAY),
    dev('d1', '[PATCH] iio: qux: new driver', 60 * DAY + 10 * 3_600_000)
  ))
  let state = new BridgeState(node.paths.dir)
  let part = partsById(state)
  t.ok(['b0', 'b1', 'b2', 'a2'].every((id) => part.get(id) === part.get('a1')), 'a1\'s sitting (the unthreaded b posting 30 min on) and its v2 two months on: one part')
  t.ok(part.get('c1') !== part.get('a1') && part.get('d1') !== part.get('a1') && part.get('d1') !== part.get('c1'), 'other days, other subjects: parts of their own')
  const grouped = buildSeries(state.since(0).flatMap(({ rec }) => rec.mail === undefined ? [] : [rec.mail]))
  const foo = grouped.series.find((s) => s.revisions.some((r) => r.anchor === 'a1'))
  t.alike(foo?.revisions.map((r) => [r.version, r.anchor]), [[1, 'a1'], [2, 'a2']], 'and grouping links v2 to v1 by subject')
  t.alike(grouped.series.find((s) => s.revisions[0]?.anchor === 'b0')?.revisions[0]?.patches.map((p) => p.missing ? '' : p.messageId), ['b1', 'b2'], 'the unthreaded cover takes its patches')

  // a file made before the ties: their tables missing, the old `naked` one there
  state.close()
  const Database = (await import('better-sqlite3')).default
  const db = new Database(`${node.paths.dir}/email/state.sqlite`)
  db.exec('DROP TABLE sittings; DROP TABLE subjects; DROP TABLE deferred; CREATE TABLE naked (message_id TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID')
  db.close()
  await ingestSource(node, mailsOf(
    dev('a3', '[PATCH v3] rtc: foo: add the alarm support', 90 * DAY),
    dev('c2', '[PATCH] watchdog: quux: new driver', 4 * DAY + 40 * 60_000)
  ))
  state = new BridgeState(node.paths.dir)
  try {
    part = partsById(state)
    t.is(part.get('a3'), part.get('a1'), 'after the backfill: v3 joins v1 and v2 by subject')
    t.is(part.get('c2'), part.get('c1'), 'and a mail 40 min after c1 joins its sitting')
    t.not(part.get('c2'), part.get('a1'))
    t.is(state.since(0).length, 9, 'no mail lost')
  } finally {
    state.close()
  }
})
