/**
 * The patches of a series revision as mails `git am` reads. A patch's diff
 * blob may hold the whole mail (what `git format-patch` writes) or only the
 * diff; in the second case the mail is rebuilt from the revision's fields
 * (author, subject, commit message), as `git mailinfo` split them.
 */
import { CairnError } from '../protocol/errors.js'
import type { BlobRef, BodyOf } from '../protocol/schemas.js'

type Patch = BodyOf<'series.revision'>['patches'][number]

interface BlobReader { get: (ref: BlobRef) => Promise<Buffer> }

/** True when the bytes already are a mail: an mbox `From ` line or a header block with From: and Subject:. */
function isMail (text: string): boolean {
  if (text.startsWith('From ')) return true
  const head = text.slice(0, text.search(/\n\r?\n/) >>> 0)
  return /^From:/im.test(head) && /^Subject:/im.test(head)
}

function oneLine (s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}

/** A mail for `git am` from a patch's fields and its diff. */
export function patchMail (patch: Patch, diff: string): string {
  const name = oneLine(patch.author?.name ?? '') || 'Unknown Author'
  const email = oneLine(patch.author?.email ?? '') || 'unknown@invalid'
  const subject = oneLine(patch.subject).replace(/^(\[[^\]]*\]\s*)+/, '') || '(no subject)'
  const message = (patch.message ?? '').replace(/\s+$/, '')
  const lines = [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    `From: ${name} <${email}>`,
    `Subject: [PATCH] ${subject}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...(message === '' ? [] : [message, '']),
    '---',
    diff.endsWith('\n') ? diff : diff + '\n'
  ]
  return lines.join('\n')
}

/**
 * The mails of a revision's patches in order (the cover letter left out). Missing patches or diffs are a CairnError PATCH_MISSING naming
 * the patch; a diff blob not yet replicated is BLOB_MISSING from the store.
 */
export async function seriesMails (revision: { id: string, body: BodyOf<'series.revision'> }, blobs: BlobReader): Promise<Buffer[]> {
  // Patch 0 is the cover letter; a lone unnumbered patch may be 0 too, and has a diff.
  const patches = revision.body.patches.filter((p) => !(p.index === 0 && p.diff === undefined)).sort((a, b) => a.index - b.index)
  const out: Buffer[] = []
  for (const p of patches) {
    if (p.missing === true || p.diff === undefined) {
      throw new CairnError('PATCH_MISSING', `patch ${p.index}/${revision.body.total} "${p.subject}" of revision ${revision.id} is missing; the series cannot be applied`)
    }
    const bytes = await blobs.get(p.diff)
    const text = bytes.toString('utf8')
    out.push(isMail(text) ? bytes : Buffer.from(patchMail(p, text), 'utf8'))
  }
  return out
}
