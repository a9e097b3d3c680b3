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
