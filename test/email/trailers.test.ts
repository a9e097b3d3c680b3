import test from 'brittle'
import {
  canonicalKey, dedupeTrailers, emailMatches, formatTrailer, givenBySender, makeTrailer, parsePerson,
  parseReplyTrailers, parseTrailers, sameTrailer
} from '../../bridges/email/series/trailers.js'

test('canonicalKey() normalises case the way the kernel writes keys', t => {
  t.is(canonicalKey('REVIEWED-BY'), 'Reviewed-by')
  t.is(canonicalKey('signed-off-by'), 'Signed-off-by')
  t.is(canonicalKey('Co-Developed-By'), 'Co-developed-by')
  t.is(canonicalKey('CC'), 'Cc')
  t.is(canonicalKey('message-id'), 'Message-ID')
  t.is(canonicalKey('fixes'), 'Fixes')
})

test('makeTrailer() types people, Fixes, links and the rest', t => {
  const p = makeTrailer('acked-by', 'Jane Doe <jane@example.com>')
  t.is(p.kind, 'person')
  t.is(p.key, 'Acked-by')
  if (p.kind === 'person') t.alike([p.name, p.email], ['Jane Doe', 'jane@example.com'])

  const f = makeTrailer('Fixes', 'ABCDEF012345 ("rtc: fix the thing")')
  t.is(f.kind, 'fixes')
  if (f.kind === 'fixes') t.alike([f.commit, f.subject], ['abcdef012345', 'rtc: fix the thing'])
  const bare = makeTrailer('Fixes', 'abcdef01234567890')
  if (bare.kind === 'fixes') t.is(bare.subject, '')
  else t.fail('bare Fixes is a fixes trailer')
  t.is(makeTrailer('Fixes', 'see the other thread').kind, 'utility')

  const l = makeTrailer('Link', 'https://lore.kernel.org/r/20240101.1@example.com')
  t.is(l.kind, 'link')
  if (l.kind === 'link') t.is(l.url, 'https://lore.kernel.org/r/20240101.1@example.com')
  t.is(makeTrailer('Closes', 'https://bugzilla.kernel.org/show_bug.cgi?id=1').kind, 'link')
  t.is(makeTrailer('Message-ID', '<foo@bar.baz>').kind, 'utility', 'utility key with an address is no person')
  t.is(makeTrailer('Change-Id', 'I0123456789abcdef').kind, 'utility')

  const cc = makeTrailer('Cc', 'stable@vger.kernel.org # 5.10.x')
  t.is(cc.kind, 'person')
  t.is(cc.value, 'stable@vger.kernel.org')
  t.is(cc.extinfo, ' # 5.10.x')

  const ack = makeTrailer('Acked-by', 'Jonathan Cameron <Jonathan.Cameron@huawei.com> for')
  t.is(ack.value, 'Jonathan Cameron <Jonathan.Cameron@huawei.com>', 'words after the address are no part of the value')
  t.is(ack.extinfo, ' for')
  t.is(canonicalKey('Acked-for-MFD-by'), 'Acked-for-MFD-by', 'a deliberate mixed case is kept')
})

test('parsePerson() reads the forms b4 accepts (test_trailer_addr_parsing)', t => {
  const cases: Array<[string, string, string, string]> = [
    ['Simple Name <simple@example.com>', 'Simple Name', 'simple@example.com', 'Simple Name <simple@example.com>'],
    ['Jane "JD" Doe <jd@example.com>', 'Jane "JD" Doe', 'jd@example.com', 'Jane "JD" Doe <jd@example.com>'],
    ['"Doe, Jane" <jane@example.com>', 'Doe, Jane', 'jane@example.com', '"Doe, Jane" <jane@example.com>'],
    ['Some, One <somewhere@example.com>', 'Some, One', 'somewhere@example.com', 'Some, One <somewhere@example.com>'],
    ['Developer Foo (EXAMPLECORP) <dev@example.com>', 'Developer Foo (EXAMPLECORP)', 'dev@example.com', 'Developer Foo (EXAMPLECORP) <dev@example.com>'],
    ['<bare@example.com>', '', 'bare@example.com', 'bare@example.com'],
    ['bare@example.com', '', 'bare@example.com', 'bare@example.com'],
    ['old@example.com (Old Style)', 'Old Style', 'old@example.com', 'Old Style <old@example.com>'],
    ['HTML Junker <html-junker@example.com<mailto:html-junker@example.com>>', 'HTML Junker', 'html-junker@example.com', 'HTML Junker <html-junker@example.com>']
  ]
  for (const [input, name, email, value] of cases) {
    t.alike(parsePerson(input), { name, email, value }, input)
  }
  t.is(parsePerson('no address here'), undefined)
})

test('parseTrailers() takes the last paragraph when git would call it a trailer block', t => {
  const msg = [
    'rtc: fix the alarm',
    '',
    'Reviewed-by: this line is prose in the middle: not a trailer',
    '',
    'Fixes: 0123456789ab ("rtc: add alarm")',
    'Reported-by: Bot <bot@example.com>',
    'Signed-off-by: Dev One <dev@example.com>',
    '[jc: tweaked the log message]',
    'Signed-off-by: Maint Ainer <maint@example.com>',
    ''
  ].join('\n')
  const got = parseTrailers(msg)
  t.alike(got.map(formatTrailer), [
    'Fixes: 0123456789ab ("rtc: add alarm")',
    'Reported-by: Bot <bot@example.com>',
    'Signed-off-by: Dev One <dev@example.com>',
    'Signed-off-by: Maint Ainer <maint@example.com>'
  ])
  t.is(got[2]?.extinfo, '[jc: tweaked the log message]', 'a [bracket] line under a trailer is its extinfo')

  t.alike(parseTrailers('Some prose.\n\nNote: this is just a sentence with a colon\nand another line\nand more\n'), [],
    'a prose paragraph with one Key: line is no trailer block')
  t.alike(parseTrailers('Just prose, no trailers.\n'), [])
  t.alike(parseTrailers(''), [])
  t.alike(parseTrailers('Text.\n\nSee https://example.com/x for details\n'), [], 'a URL is not Key: value')

  const folded = parseTrailers('Text.\n\nReported-by: Long Name\n  <long@example.com>\nSigned-off-by: A <a@example.com>\n')
  t.alike(folded.map(formatTrailer), ['Reported-by: Long Name <long@example.com>', 'Signed-off-by: A <a@example.com>'],
    'an indented line continues the trailer above (git folding)')
})

test('parseTrailers() counts lines as git interpret-trailers --parse does: a `Key:` line over an indented list is a trailer line, indented lines continue the line above (linux-leds, BD71828 v5 12/16)', t => {
  const sob = 'Signed-off-by: Matti Vaittinen <matti.vaittinen@fi.rohmeurope.com>'
  const allow = 'Allow:\n - configuring regulators to be controlled via run-levels\n - allow getting/setting the current run-level via in-kernel API\n   using either GPIO or I2C underneath\n - Allow run-time changes to run-level voltages via in-kernel API\n'
  t.alike(parseTrailers(`Bucks 1,2,6 and 7 can be grouped.\n\n${allow}${sob}\n`).map(x => x.key), ['Signed-off-by'], 'the block is all trailers to git: the Signed-off-by counts (b4 and git agree)')
  t.alike(parseTrailers('Some text\n  indented\n  more\nplain line\nSigned-off-by: A <a@b.c>\n'), [], 'continuations before a text line are text: 4 text lines to 1 trailer is no block (git prints nothing)')
  t.alike(parseTrailers('Some text\n  indented\nSigned-off-by: A <a@b.c>\n').map(x => x.key), ['Signed-off-by'], 'one text line to one trailer is a block (git prints it)')
})

test('parseReplyTrailers() finds trailers anywhere in a reply, not in quotes, diffs or signatures', t => {
  const body = [
    'On Mon, Jan 1, Dev wrote:',
    '> Reviewed-by: Quoted Person <quoted@example.com>',
    '> diff --git a/x b/x',
    '',
    'Looks good.',
    '',
    'Reviewed-by: Real Reviewer <real@example.com>',
    'Acked-by: Real Reviewer <real@example.com>',
    'Date: Mon, 1 Jan 2024',
    'Cc: someone@example.com',
    'Thanks: for the patch',
    'Fixes: ?',
    'Note: see https://example.com/x',
    '',
    'diff --git a/x b/x',
    ' Tested-by: Context Line <ctx@example.com>',
    '-- ',
    'Tested-by: In Signature <sig@example.com>'
  ].join('\n')
  t.alike(parseReplyTrailers(body).map(formatTrailer), [
    'Reviewed-by: Real Reviewer <real@example.com>',
    'Acked-by: Real Reviewer <real@example.com>'
  ])
  t.alike(parseReplyTrailers('    Tested-by: Indented Tester <t@example.com>\n').map(formatTrailer),
    ['Tested-by: Indented Tester <t@example.com>'], 'b4 accepts indented trailers in replies')
})

test('parseReplyTrailers() validates Fixes like b4 (test_fixes_trailer_format_validation)', t => {
  const fixes = (body: string): string[] => parseReplyTrailers(body).filter(x => x.key === 'Fixes').map(x => x.value)
  t.alike(fixes('Reviewed-by: Foo Bar <foo@example.com>\nFixes: abcdef012345 ("This is the commit subject")\n'),
    ['abcdef012345 ("This is the commit subject")'])
  t.alike(fixes('Fixes: ' + 'a'.repeat(64) + ' ("SHA-256 commit subject")\n'), ['a'.repeat(64) + ' ("SHA-256 commit subject")'])
  t.alike(fixes('Reviewed-by: Foo Bar <foo@example.com>\nFixes: ?\n'), [])
  t.alike(fixes('Fixes: some description with no hash\n'), [])
  t.alike(fixes('Fixes: abcdef012345\n'), ['abcdef012345'])
})

test('emailMatches() is b4 fuzzy: case, +tags, one subdomain apart', t => {
  t.ok(emailMatches('Foo@Example.com', 'foo@example.com'))
  t.ok(emailMatches('foo+kernel@example.com', 'foo@example.com'))
  t.ok(emailMatches('foo@linux.intel.com', 'foo@intel.com'))
  t.absent(emailMatches('foo@a.b.intel.com', 'foo@intel.com'))
  t.absent(emailMatches('foo@example.net', 'foo@example.com'))
  t.absent(emailMatches('bar@example.com', 'foo@example.com'))
  t.absent(emailMatches('', ''))
})

test('givenBySender() accepts own-name or own-address person trailers only', t => {
  const sender = { name: 'Followup Reviewer1', email: 'followup-reviewer1@example.com' }
  t.ok(givenBySender(makeTrailer('Reviewed-by', 'Other Name <followup-reviewer1@example.com>'), sender))
  t.ok(givenBySender(makeTrailer('Reviewed-by', 'Followup Reviewer1 <fr1@elsewhere.org>'), sender))
  t.absent(givenBySender(makeTrailer('Reviewed-by', 'Mismatched <mismatched@example.net>'), sender))
  t.ok(givenBySender(makeTrailer('Link', 'https://example.org'), sender), 'non-person trailers need no match')
  t.ok(givenBySender(makeTrailer('Tested-by', 'Jane Doe <jd@corp.example>'), { name: 'Doe, Jane', email: 'jane@home.example' }),
    '"Last, First" sender matches "First Last"')
})

test('sameTrailer() and dedupeTrailers() compare key and value case-insensitively', t => {
  const a = makeTrailer('Reviewed-by', 'A <a@example.com>')
  const b = makeTrailer('reviewed-BY', 'a <A@example.com>')
  const c = makeTrailer('Reviewed-by', 'B <a@example.com>')
  t.ok(sameTrailer(a, b))
  t.absent(sameTrailer(a, c), 'a different name for one address is a different trailer (b4 keeps both)')
  t.alike(dedupeTrailers([a, b, c]), [a, c])
})
