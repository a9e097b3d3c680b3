import test from 'brittle'
import { parseSubject, type Subject } from '../../bridges/email/series/subject.js'

type Want = Partial<Subject>

// Real subjects from vger lists (linux-rtc, netdev, stable, git@) and the odd ones clients produce.
const CASES: Array<[string, Want]> = [
  ['[PATCH] rtc: ds1307: fix alarm reading', { subject: 'rtc: ds1307: fix alarm reading', version: 1, hasVersion: false, counter: 1, expected: 1, hasCounter: false, isPatch: true, isCover: false }],
  ['[PATCH v3 2/7] rtc: add support for the foo RTC', { subject: 'rtc: add support for the foo RTC', version: 3, counter: 2, expected: 7, isPatch: true, hasVersion: true, hasCounter: true }],
  ['[PATCH v3 0/7] rtc: foo driver', { version: 3, counter: 0, expected: 7, isCover: true, subject: 'rtc: foo driver' }],
  ['[RFC PATCH] rtc: experiment', { isRfc: true, isPatch: true, version: 1, subject: 'rtc: experiment', prefixes: [] }],
  ['[PATCH RESEND] rtc: pcf8563: fix typo', { isResend: true, isPatch: true, subject: 'rtc: pcf8563: fix typo' }],
  ['[PATCH net-next v2 0/5] net: phy: cleanups', { prefixes: ['net-next'], version: 2, counter: 0, expected: 5, isCover: true }],
  ['[PATCH 2/7 v3] rtc: counter before version', { version: 3, counter: 2, expected: 7 }],
  ['[PATCHv2] rtc: glued version', { version: 2, isPatch: true, subject: 'rtc: glued version', prefixes: [] }],
  ['[RFC][PATCH 1/2] mm: two groups', { isRfc: true, isPatch: true, counter: 1, expected: 2, subject: 'mm: two groups' }],
  ['(resend) [PATCH] rtc: paren prefix', { isResend: true, isPatch: true, subject: 'rtc: paren prefix' }],
  ['Re: [PATCH v2 3/4] rtc: reply', { isReply: true, version: 2, counter: 3, expected: 4, subject: 'rtc: reply' }],
  ['RE: Re: [PATCH] rtc: two markers', { isReply: true, isPatch: true, subject: 'rtc: two markers' }],
  ['Aw: [PATCH] german client', { isReply: true, subject: 'german client' }],
  ['AW: AW: [PATCH 1/1] german twice', { isReply: true, counter: 1, expected: 1, hasCounter: true }],
  ['Fwd: [PATCH] forwarded', { isReply: true, subject: 'forwarded' }],
  ['re:[PATCH] no space', { isReply: true, subject: 'no space' }],
  ['SV: [PATCH] swedish', { isReply: true, subject: 'swedish' }],
  ['[PATCH 5.10 077/123] rtc: stable backport', { prefixes: ['5.10'], counter: 77, expected: 123 }],
  ['[PATCH AUTOSEL 6.1 08/20] rtc: autosel', { prefixes: ['AUTOSEL', '6.1'], counter: 8, expected: 20 }],
  ['[PATCH -next] rtc: dash next', { prefixes: ['-next'], isPatch: true }],
  ['[GIT PULL] RTC for 6.8', { isPatch: false, prefixes: ['GIT', 'PULL'], subject: 'RTC for 6.8' }],
  ['[PATCH V4 1/3] uppercase version', { version: 4, counter: 1, expected: 3 }],
  ['[PATCH v2 RESEND 1/2] rtc: resend inside', { version: 2, isResend: true, counter: 1, expected: 2 }],
  ['[RESEND PATCH v5 00/12] rtc: zero padded cover', { version: 5, isResend: true, counter: 0, expected: 12, isCover: true }],
  ['[PATCH RFC v2 3/4] rtc: rfc after patch', { isRfc: true, version: 2, counter: 3 }],
  ['[RFCv3 PATCH 1/2] rtc: glued rfc', { isRfc: true, version: 3, counter: 1 }],
  ['[PATCH [v2] 1/2] nested brackets', { version: 2, counter: 1, expected: 2, subject: 'nested brackets' }],
  ['[PATCH v2,1/3] comma separated', { version: 2, counter: 1, expected: 3 }],
  ['[PATCH] rtc: fix [bracket] in subject', { subject: 'rtc: fix [bracket] in subject' }],
  ['[PATCH] Re: subject starting with Re after prefix', { isReply: false, subject: 'Re: subject starting with Re after prefix' }],
  ['[linux-rtc] Re: [PATCH 2/2] list tag before reply', { isReply: true, counter: 2, prefixes: ['linux-rtc'] }],
  ['rtc: no prefix at all', { isPatch: false, isReply: false, subject: 'rtc: no prefix at all', version: 1 }],
  ['[PATCH] rtc: trailing resend (resend)', { isResend: true, subject: 'rtc: trailing resend' }],
  ['[PATCH] (foo) rtc: parens that are subject text', { subject: '(foo) rtc: parens that are subject text', isResend: false }],
  ['[PATCH 8/7] one more than announced', { counter: 8, expected: 7 }],
  ['  [PATCH   v2   1/2]   extra\t spaces  ', { full: '[PATCH v2 1/2] extra spaces', subject: 'extra spaces', version: 2 }],
  ['[PATCH v1.5 2/3] point release', { version: 1, prefixes: ['v1.5'], counter: 2 }],
  ['Re: [PATCH 0/3] reply to cover', { isReply: true, isCover: true }],
  ['', { subject: '', isPatch: false, version: 1 }]
]

test('parseSubject() reads the real-world subject table', t => {
  for (const [raw, want] of CASES) {
    const got = parseSubject(raw)
    for (const [key, value] of Object.entries(want)) {
      t.alike(got[key as keyof Subject], value, `${JSON.stringify(raw)} ${key}`)
    }
  }
})

test('parseSubject() defaults: version 1, counter 1 of 1, nothing set', t => {
  const s = parseSubject('[PATCH] x')
  t.is(s.version, 1)
  t.is(s.counter, 1)
  t.is(s.expected, 1)
  t.absent(s.hasVersion)
  t.absent(s.hasCounter)
  t.absent(s.isRfc || s.isResend || s.isReply || s.isCover)
})

test('parseSubject() never throws on hostile input', t => {
  for (const raw of ['[', ']', '[[[]]]', '[PATCH', 'Re:', '((', '[PATCH 99999/1]', '[' + 'a '.repeat(5000) + ']', 'Re: '.repeat(500)]) {
    t.execution(() => parseSubject(raw), JSON.stringify(raw).slice(0, 40))
  }
})
