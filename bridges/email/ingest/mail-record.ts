import { createHash } from 'node:crypto'
import { nativeCrypto } from '../../../protocol/crypto-native.js'
import { toHex } from '../../../protocol/hex.js'
import type { BlobRef } from '../../../protocol/schemas.js'
import { filesOfDiff } from '../parse/diff-files.js'
import { runMailinfo } from '../parse/mailinfo.js'
import type { ParsedMail } from '../parse/types.js'
import { LOCAL_ID_SUFFIX } from '../series/mails.js'

/**
 * What the bridge keeps of every mail it has read (bridge-state.ts): enough
 * to group the whole archive again when new mail arrives, without reading
 * the blobs back. The raw bytes and the diff live in blobs.
 */
export interface MailRecord {
  /** blake2b-256 of the raw bytes as read (hex, the raw blob's hash): the same bytes read twice are one mail. */
  hash: string
  /** The mail as received (after mbox unquoting), in a blob. */
  raw: BlobRef
  /** The parsed mail, its patch cut to what grouping needs (see stubPatch); absent when quarantined. */
  mail?: ParsedMail
  /** sha256 of what makes two copies the same mail: subject, author, date, message and patch. */
  content?: string
  /** mailinfo's patch output, in a blob, when the mail carries a diff. */
  diff?: BlobRef
  /** Paths the diff touches. */
  files?: string[]
  /** Why the parser refused the mail: it is kept as mail.raw with this reason. */
  error?: string
  list?: string
  project?: string
  /** Where it was read (file and position, inbox epoch and commit), for messages. */
  origin: string
}

/** A mail parsed but not yet stored: blobs still to write. */
export interface ParsedRecord {
  hash: string
  rawBytes: Buffer
  mail?: ParsedMail
  content?: string
  diffBytes?: Buffer
  files?: string[]
  error?: string
  list?: string
  project?: string
  origin: string
}

// series-mails.ts's DIFF: what makes a mail a patch
const DIFF = /^(---.*\n\+\+\+ |GIT binary patch|diff --git \S+ \S+)/m
const META = /^(change-id|base-commit):.*$/gim

function sha256 (data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** A stable Message-ID for a mail that has none, from its bytes: `<sha256 prefix@cairn.local>`. */
function localMessageId (raw: Uint8Array): string {
  return sha256(raw).slice(0, 32) + LOCAL_ID_SUFFIX
}

/** The hash blobs are addressed by. */
export function blobHash (data: Uint8Array): string {
  return toHex(nativeCrypto.blake2b256(data))
}

/**
 * The part of a patch the series model reads: the text before the diff
 * (diffstat, notes), the first diff header, and b4's change-id/base-commit
 * lines wherever they are. The diff itself is in its blob, so the bridge
 * state stays a fraction of the archive's size.
 */
function stubPatch (patch: string): string {
  const m = DIFF.exec(patch)
  if (m === null) return patch
  const lineEnd = patch.indexOf('\n', m.index + m[0].length)
  const head = lineEnd < 0 ? patch : patch.slice(0, lineEnd + 1)
  const meta = patch.slice(head.length).match(META) ?? []
  return meta.length === 0 ? head : head + meta.join('\n') + '\n'
}

/** List-Id: `Linux RTC <linux-rtc.vger.kernel.org>` -> `linux-rtc.vger.kernel.org`. */
function listIdOf (mail: ParsedMail): string | undefined {
  const value = mail.headers.find(([name]) => name === 'list-id')?.[1]
  if (value === undefined) return undefined
  const id = /<([^<>\s]+)>/.exec(value)?.[1] ?? value.trim()
  return id === '' ? undefined : id.slice(0, 200)
}

// Headers the bridge reads later: the sender (series-mails senderOf), recipients for verdict replies.
const KEEP_HEADERS = new Set(['from', 'to', 'cc', 'list-id', 'reply-to'])

interface ParseOptions {
  list?: string
  project?: string
}

/**
 * Parse one raw mail the way `git mailinfo -u` does (bridges/email/mailinfo.ts,
 * keepGoing: a bad charset costs a line, not the mail). A mail the parser
 * refuses (what mailinfo() throws on, or anything thrown) becomes a
 * quarantined record with the parser's error as the reason.
 */
export function parseRecord (raw: Buffer, origin: string, opts: ParseOptions = {}, hash = blobHash(raw)): ParsedRecord {
  const base = { hash, rawBytes: raw, origin, ...(opts.list === undefined ? {} : { list: opts.list }), ...(opts.project === undefined ? {} : { project: opts.project }) }
  let out
  try {
    out = runMailinfo(raw, { keepGoing: true, source: origin })
  } catch (err) {
    return { ...base, error: `MAIL_PARSE: ${origin}: ${err instanceof Error ? err.message : String(err)}` }
  }
  // `git format-patch` without --thread writes no Message-ID: name the mail by its bytes, so a local series groups
  const parsed = out.parsed.messageId !== '' ? out.parsed : { ...out.parsed, messageId: localMessageId(raw) }
  const where = parsed.messageId !== '' ? `Message-ID <${parsed.messageId}>` : origin
  // mailinfo()'s refusals: nothing that could be a mail
  if (out.errors.includes('empty patch')) return { ...base, error: `MAIL_PARSE: ${where}: empty mail` }
  if (out.headerless) return { ...base, error: `MAIL_PARSE: ${where}: no mail header lines, not a mail` }
  // mailinfo's own output bytes (author, email, subject, date; message; patch): no re-encoding of large strings
  const content = createHash('sha256').update(parsed.rawSubject).update('\u0000').update(out.info).update(out.msg).update('\u0000').update(out.patch).digest('hex')
  const hasDiff = DIFF.test(parsed.patch)
  const list = opts.list ?? listIdOf(parsed)
  const mail: ParsedMail = {
    ...parsed,
    patch: hasDiff ? stubPatch(parsed.patch) : parsed.patch,
    headers: parsed.headers.filter(([name]) => KEEP_HEADERS.has(name))
  }
  const rec: ParsedRecord = { ...base, mail, content }
  if (list !== undefined) rec.list = list
  if (hasDiff) {
    rec.diffBytes = out.patch // git am wants the patch's own bytes, not a re-encoding
    rec.files = filesOfDiff(parsed.patch)
  }
  return rec
}
