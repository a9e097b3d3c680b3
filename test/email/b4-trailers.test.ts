// The b4 corpus (../shared/corpora/b4, mricon/b4 src/tests/samples): follow-up
// trailers collected per patch must equal the SET of trailers in b4's
// am-ready reference output, minus what b4 adds from its own options
// (the user's Signed-off-by, copied Cc:, the Link: to the patch itself).
import test from 'brittle'
import { readFileSync } from 'node:fs'
import { buildSeries } from '../../bridges/email/series/series.js'
import { makeTrailer, parseTrailers, trailerIdentity } from '../../bridges/email/series/trailers.js'
import type { PresentPatch, Revision } from '../../bridges/email/series/series.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { rawMessages, readMbox } from './mail-fixture.js'

const b4 = (name: string): string => corpus('b4', name)
const MYSOB = 'signed-off-by: test override <test-override@example.com>'

/** One reference mail: its Message-Id and the trailer identities of its commit message, read without our parser. */
function readReference (file: string): Array<{ messageId: string, trailers: string[] }> {
  return rawMessages(file).map(raw => {
    const split = raw.indexOf('\n\n')
    const messageId = /^Message-Id:\s*<([^>]+)>/im.exec(raw.slice(0, split))?.[1] ?? ''
    const body = raw.slice(split + 2).split('\n')
    const end = body.findIndex(l => /^(---\s*$|--- |diff )/.test(l))
    const msg = (end < 0 ? body : body.slice(0, end)).join('\n').trim()
    return { messageId, trailers: lastParagraphTrailers(msg) }
  })
}

function lastParagraphTrailers (msg: string): string[] {
  const last = msg.split(/\n\s*\n/).pop() ?? ''
  return last.split('\n').map(l => /^([A-Za-z][\w-]*): (.+)$/.exec(l))
    .filter(m => m !== null)
    .map(m => `${(m[1] as string).toLowerCase()}: ${(m[2] as string).replace(/\s+#[^#]+$/, '').toLowerCase()}`)
}

/** What b4 adds from its options, not from the mails: drop these from the reference unless the patch had them. */
function isOptionExtra (id: string, patch: PresentPatch, ownIds: Set<string>): boolean {
  if (ownIds.has(id)) return false
  if (id === MYSOB) return true
  if (id.startsWith('cc: ')) return true // copyccs: To/Cc headers of the patch mail
  const msgid = patch.messageId.toLowerCase()
  return (id.startsWith('link: ') && id.endsWith('/' + msgid)) || id === `message-id: <${msgid}>` // addlink
}

function latest (file: string): { rev: Revision, replies: ReturnType<typeof buildSeries>['replies'] } {
  const result = buildSeries(readMbox(file))
  const series = result.series[0]
  if (series === undefined || result.series.length !== 1) throw new Error(`expected one series in ${file}`)
  return { rev: series.revisions[series.revisions.length - 1] as Revision, replies: result.replies }
}

const FOLLOWUP_CASES: Array<[source: string, reference: string, mode?: 'noadd' | 'sloppy']> = [
  ['single', 'defaults'],
  ['single', 'noadd', 'noadd'],
  ['single', 'addmysob'],
  ['single', 'copyccs'],
  ['single', 'addlink'],
  ['single', 'addmsgid'],
  ['single', 'ordered'],
  ['single', 'sloppy', 'sloppy'],
  ['with-cover', 'defaults'],
  ['with-cover', 'addlink'],
  ['custody', 'unordered'],
  ['custody', 'ordered'],
  ['partial-reroll', 'defaults'],
  ['nore', 'defaults'],
  ['non-git-patch', 'defaults'],
  ['non-git-patch-with-comments', 'defaults'],
  ['with-diffstat', 'defaults'],
  ['name-parens', 'defaults'],
  ['bare-address', 'defaults'],
  ['stripped-lines', 'defaults'],
  ['htmljunk', 'defaults']
  // custody/with-ignored needs b4's trailers-ignore-from setting: not a property of the mails
]

for (const [source, reference, mode] of FOLLOWUP_CASES) {
  test(`b4 trailers-followup-${source} matches ref-${reference} as sets per patch`, { skip: !hasShared }, t => {
    const { rev, replies } = latest(b4(`trailers-followup-${source}.mbox`))
    const ref = readReference(b4(`trailers-followup-${source}-ref-${reference}.txt`))
    t.ok(ref.length > 0)
    for (const want of ref) {
      const patch = rev.patches.find((p): p is PresentPatch => !p.missing && p.messageId === want.messageId)
      if (patch === undefined) {
        t.fail(`no patch <${want.messageId}> in v${rev.version}`)
        continue
      }
      const ownIds = new Set(patch.own.map(trailerIdentity))
      const got = [...patch.own]
      if (mode !== 'noadd') got.push(...patch.collected)
      if (mode === 'sloppy') {
        got.push(...replies.filter(r => r.target.patch === patch.index).flatMap(r => r.mismatched))
      }
      const expected = new Set(want.trailers.filter(id => !isOptionExtra(id, patch, ownIds)))
      t.alike(new Set(got.map(trailerIdentity)), expected, `<${want.messageId}>`)
    }
  })
}

test('b4 with-cover: a trailer on the cover letter applies to every patch', { skip: !hasShared }, t => {
  const { rev } = latest(b4('trailers-followup-with-cover.mbox'))
  t.is(rev.coverTrailers.length, 1)
  const cover = trailerIdentity(rev.coverTrailers[0] as { key: string, value: string })
  for (const p of rev.patches) {
    if (p.missing) t.fail(`patch ${p.index} missing`)
    else t.ok(p.collected.some(x => trailerIdentity(x) === cover), `patch ${p.index} carries it`)
  }
})

test('b4 partial-reroll: v3 resends 2/2 only, 1/2 and the cover carry over from v2', { skip: !hasShared }, t => {
  const result = buildSeries(readMbox(b4('trailers-followup-partial-reroll.mbox')))
  t.is(result.series.length, 1)
  const [v2, v3] = result.series[0]?.revisions ?? []
  t.is(v2?.version, 2)
  t.is(v3?.version, 3)
  t.ok(v3?.partialReroll)
  t.ok(v3?.complete)
  t.alike(v3?.link?.reason, 'in-reply-to')
  t.is(v3?.cover?.inheritedFrom, 2)
  const p1 = v3?.patches[0]
  t.is(p1 !== undefined && !p1.missing ? p1.carriedFrom : undefined, 2)
})

test('b4 trailers-thread-*.verify: trailers after `b4 trailers -u` match as sets', { skip: !hasShared }, t => {
  // trailers-thread-with-followups-no-match and -and-tripledash need b4's git tree fixtures (bundle, patch-id)
  for (const name of ['trailers-thread-with-followups', 'trailers-thread-with-cover-followup']) {
    const { rev } = latest(b4(`${name}.mbox`))
    const blocks = readFileSync(b4(`${name}.verify`), 'utf8').split(/^---\n/m).filter(b => b.trim() !== '')
    t.is(blocks.length, rev.patches.length, `${name}: one block per patch`)
    for (const block of blocks) {
      const [, subject = '', ...body] = block.split('\n')
      const patch = rev.patches.find((p): p is PresentPatch => !p.missing && p.subject.subject === subject)
      if (patch === undefined) {
        t.fail(`${name}: no patch "${subject}"`)
        continue
      }
      const want = new Set(lastParagraphTrailers(body.join('\n').trim()).filter(id => id !== MYSOB))
      t.alike(new Set([...patch.own, ...patch.collected].map(trailerIdentity)), want, `${name}: ${subject}`)
    }
  }
})

test('b4 trailers-test-*: trailer parsing (test_parse_trailers)', { skip: !hasShared }, t => {
  // b4 types: person, or utility (our fixes and link are b4 utility trailers)
  const b4type = (kind: string): string => kind === 'person' ? 'person' : 'utility'
  const cases: Array<[string, Array<[string, string, string, string | undefined]>]> = [
    ['trailers-test-simple.txt', [
      ['person', 'Reported-by', '"Doe, Jane" <jane@example.com>', undefined],
      ['person', 'Reviewed-by', 'Bogus Bupkes <bogus@example.com>', undefined],
      ['utility', 'Fixes', 'abcdef01234567890', undefined],
      ['utility', 'Link', 'https://msgid.link/some@msgid.here', undefined]
    ]],
    ['trailers-test-extinfo.txt', [
      ['person', 'Reported-by', 'Some, One <somewhere@example.com>', undefined],
      ['person', 'Reviewed-by', 'Bogus Bupkes <bogus@example.com>', '[for the parts that are bogus]'],
      ['utility', 'Fixes', 'abcdef01234567890', undefined],
      ['person', 'Tested-by', 'Some Person <bogus2@example.com>', '           [this person visually indented theirs]'],
      ['utility', 'Link', 'https://msgid.link/some@msgid.here', '  # initial submission'],
      ['person', 'Signed-off-by', 'Wrapped Persontrailer <broken@example.com>', undefined]
    ]]
  ]
  for (const [file, want] of cases) {
    const [mail] = readMbox(b4(file))
    const got = parseTrailers(mail?.message ?? '')
    t.alike(got.map(x => [b4type(x.kind), x.key, x.value, x.extinfo]), want, file)
    for (const [, key, value, extinfo] of want) {
      const again = makeTrailer(key, value, extinfo)
      t.ok(got.some(x => trailerIdentity(x) === trailerIdentity(again)), `${file}: ${key} round-trips`)
    }
  }
})

test('b4 naked-cover-*: a same-author thread root is the cover, a bug report is not', { skip: !hasShared }, t => {
  const single = buildSeries(readMbox(b4('naked-cover-single.mbox')))
  const rev = single.series[0]?.revisions[0]
  t.is(rev?.cover?.subject.subject, 'do a thing to the widget subsystem')
  t.ok(rev?.cover?.naked)
  t.is(single.unmatched.length, 0)

  const bug = buildSeries(readMbox(b4('naked-cover-bugreport.mbox')))
  t.is(bug.series[0]?.revisions[0]?.cover, undefined)
  t.alike(bug.unmatched.map(u => [u.mail.messageId, u.reason]),
    [['20221025-bugreport-widget@example.com', 'not a patch and not a reply']])
})

test('b4 already-present: restated trailers are neither new nor mismatched', { skip: !hasShared }, t => {
  const result = buildSeries(readMbox(b4('trailers-followup-already-present.mbox')))
  const patch = result.series[0]?.revisions[0]?.patches[0]
  t.alike(patch !== undefined && !patch.missing ? patch.collected : undefined, [])
  // b4 test_mismatched_trailer_already_on_patch_is_not_flagged: only the stranger's Tested-by is flagged
  t.alike(result.replies.flatMap(r => r.mismatched.map(m => m.key)), ['Tested-by'])
  t.alike(result.replies.map(r => r.kind), ['comment', 'comment'])
})
