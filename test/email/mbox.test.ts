import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MboxSplitter, type MboxOptions, readMbox, splitMbox } from '../../bridges/email/parse/mbox.js'
import { isCairnError } from '../../protocol/errors.js'
import { corpus, hasShared } from '../helpers/paths.js'

const hasGit = spawnSync('git', ['--version']).status === 0
const HISTORY = corpus('git-history', 'git-history.mboxrd')
const FROM = 'From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n'
const split = (s: string, opts?: MboxOptions): string[] => splitMbox(Buffer.from(s, 'latin1'), opts).map((m) => m.toString('latin1'))

async function collect (path: string, opts?: MboxOptions): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const m of readMbox(path, opts)) out.push(m)
  return out
}

test('mboxrd: one > comes off >+From lines, nothing else changes', (t) => {
  const body = 'x\n>From here\n>>From there\n>>>From afar\n>Fromage\n> From quoted reply\nFrom a sentence, not a From_ line\n'
  const [rd] = split(FROM + 'Subject: s\n\n' + body, { mboxrd: true })
  t.is(rd, FROM + 'Subject: s\n\nx\nFrom here\n>From there\n>>From afar\n>Fromage\n> From quoted reply\nFrom a sentence, not a From_ line\n')
  const [o] = split(FROM + 'Subject: s\n\n' + body)
  t.is(o, FROM + 'Subject: s\n\n' + body, 'mboxo keeps the quoting')
})

test('splitting: From_ lines, CRLF, bare mails, leading blank lines', async (t) => {
  const two = FROM + 'Subject: a\n\nbody a\n' + FROM + 'Subject: b\n\nbody b\n'
  t.alike(split(two), [FROM + 'Subject: a\n\nbody a\n', FROM + 'Subject: b\n\nbody b\n'])
  t.alike(split('\n\n  ' + two).length, 2, 'leading whitespace skipped')
  t.alike(split(FROM + 'Subject: a\n\nFrom me to you\n'), [FROM + 'Subject: a\n\nFrom me to you\n'], 'a From line needs a time and a year')
  t.alike(split(FROM.replace('\n', '\r\n') + 'Subject: a\r\n\r\nbody\r\n'), [FROM + 'Subject: a\n\nbody\n'], 'CRLF becomes LF')
  t.alike(split(FROM + 'Subject: a\r\n', { keepCr: true }), [FROM + 'Subject: a\r\n'], 'keepCr')
  t.alike(split('Subject: bare\n\n' + FROM + 'no split in a bare mail\n'), ['Subject: bare\n\n' + FROM + 'no split in a bare mail\n'], 'a bare mail is one mail')
  t.alike(split(' \n\n'), [], 'only whitespace: no mail')
  t.alike(split(FROM + 'Subject: no newline at end'), [FROM + 'Subject: no newline at end'])
  try {
    splitMbox(Buffer.from('Subject: bare\n'), { allowBare: false, source: 'x.mbox' })
    t.fail('allowBare false should throw')
  } catch (err) {
    t.ok(isCairnError(err, 'MAIL_PARSE') && String(err).includes('x.mbox'), String(err))
  }
})

test('streaming: any chunking gives the same mails', { skip: !hasShared }, (t) => {
  const buf = readFileSync(corpus('git-t5100', 'sample.mboxrd'))
  const whole = splitMbox(buf, { mboxrd: true })
  for (const size of [1, 2, 3, 7, 64, 4096]) {
    const s = new MboxSplitter({ mboxrd: true })
    const got: Buffer[] = []
    for (let i = 0; i < buf.length; i += size) got.push(...s.push(buf.subarray(i, i + size)))
    got.push(...s.end())
    t.ok(got.length === whole.length && got.every((m, i) => m.equals(whole[i] ?? Buffer.alloc(0))), `chunks of ${size}`)
  }
})

test('mail counts: git-history 1653, t5100 samples as git mailsplit', { skip: !hasShared }, async (t) => {
  t.is(splitMbox(readFileSync(HISTORY), { mboxrd: true }).length, 1653, 'git-history.mboxrd, in memory')
  t.is((await collect(HISTORY, { mboxrd: true })).length, 1653, 'git-history.mboxrd, streamed')
  t.is(splitMbox(readFileSync(corpus('git-t5100', 'sample.mbox'))).length, 18, 'sample.mbox')
  t.is(splitMbox(readFileSync(corpus('git-t5100', 'rfc2047-samples.mbox'))).length, 11, 'rfc2047-samples.mbox')
  t.is(splitMbox(readFileSync(corpus('git-t5100', 'sample.mboxrd')), { mboxrd: true }).length, 2, 'sample.mboxrd')
})

test('byte for byte what git mailsplit writes', { skip: !hasShared || !hasGit, timeout: 120000 }, async (t) => {
  const files: Array<[string, boolean]> = [
    [corpus('git-t5100', 'sample.mbox'), false],
    [corpus('git-t5100', 'sample.mboxrd'), true],
    [corpus('git-t5100', 'rfc2047-samples.mbox'), false],
    [corpus('git-t5100', 'quoted-cr.mbox'), false],
    [corpus('git-t5100', 'nul-b64.in'), false],
    [HISTORY, true]
  ]
  for (const [file, mboxrd] of files) {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-mailsplit-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const r = spawnSync('git', ['mailsplit', ...(mboxrd ? ['--mboxrd'] : []), `-o${dir}`, file])
    const ref = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f)))
    const mine = await collect(file, { mboxrd })
    t.is(mine.length, Number(String(r.stdout).trim()), `${file}: count`)
    t.ok(mine.length === ref.length && mine.every((m, i) => m.equals(ref[i] ?? Buffer.alloc(0))), `${file}: bytes`)
  }
})
