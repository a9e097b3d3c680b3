import test from 'brittle'
import { runMailinfo } from '../../bridges/email/parse/mailinfo.js'
import { bodyWork } from '../../bridges/email/parse/mailinfo-run.js'

/** A mail whose body decodes to `size` bytes without a single newline. */
function noNewlines (encoding: 'base64' | 'quoted-printable', size: number): Buffer {
  const text = 'x'.repeat(size)
  const body = encoding === 'base64'
    ? Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\n')
    : text.replace(/.{75}/g, '$&=\n')
  return Buffer.from(`From: A U Thor <a@example.org>\nSubject: [PATCH] long\nContent-Transfer-Encoding: ${encoding}\n\n${body}\n`)
}

for (const encoding of ['base64', 'quoted-printable'] as const) {
  test(`mailinfo: a ${encoding} body without newlines is split in linear work`, t => {
    const scanned: number[] = []
    for (const size of [64 * 1024, 128 * 1024, 256 * 1024]) {
      bodyWork.scanned = 0
      const out = runMailinfo(noNewlines(encoding, size))
      scanned.push(bodyWork.scanned)
      t.is(out.msg.toString(), 'x'.repeat(size) + (encoding === 'base64' ? '' : '\n'), `${size} bytes come out whole`)
      t.ok(bodyWork.scanned <= size + 16, `${size} bytes: ${bodyWork.scanned} characters searched`)
    }
    // Rescanning the carried text made this grow 4x per doubling.
    t.ok((scanned[2] ?? 0) <= 2.1 * (scanned[1] ?? 0) && (scanned[1] ?? 0) <= 2.1 * (scanned[0] ?? 0), `doubling the body doubles the work: ${scanned.join(', ')}`)
  })
}

test('mailinfo: a long folded in-body header and a subject of many prefixes still parse as git does', t => {
  const folded = runMailinfo(Buffer.from(`From: a <a@example.org>\nSubject: s\n\nFrom: C ${'y '.repeat(20)}\n${' y\n'.repeat(20_000)} <c@example.org>\n\n---\ndiff --git a/f b/f\n`))
  t.ok(folded.info.toString().includes('Email: c@example.org'), 'the folded in-body From: wins')
  const prefixed = runMailinfo(Buffer.from(`From: a <a@example.org>\nSubject: ${'Re: [x] '.repeat(50_000)}the subject\n\nbody\n`))
  t.ok(prefixed.info.toString().includes('Subject: the subject\n'), 'every prefix is stripped')
})
