/** What the mail parser hands to the series model: one mail, decoded the way `git mailinfo -u` does. */
export interface ParsedMail {
  /** Message-ID without angle brackets; '' when the mail has none. */
  messageId: string
  /** In-Reply-To without angle brackets, or '' */
  inReplyTo: string
  /** References, oldest first, without angle brackets */
  references: string[]
  /** Author as git mailinfo reports it (in-body From: wins over the header). */
  author: { name: string, email: string }
  /** Subject after RFC 2047 decoding, before any [PATCH ...] prefix is stripped. */
  rawSubject: string
  /** Subject as mailinfo prints it (prefixes stripped). */
  subject: string
  /** Date header as mailinfo prints it, and as ms since epoch (NaN if unparseable). */
  date: string
  dateMs: number
  /** Commit message body (mailinfo's `msg` output). */
  message: string
  /** The patch part (mailinfo's `patch` output); '' when the mail carries no patch. */
  patch: string
  /** Every header, names lowercased, values decoded, in order. */
  headers: Array<[string, string]>
}
