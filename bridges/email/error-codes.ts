/** bridges/email/'s error codes, each with what it means. */
export const EMAIL_CODES = {
  MAIL_PARSE: 'a mail or mbox that cannot be parsed; the message names the Message-ID or file',
  NO_RECIPIENT: 'a verdict mail with no address to send it to; give --to',
  NO_RESULTS: 'a verdict asked for a revision that has no result yet',
  SMTP: 'sending a mail through the SMTP server failed'
}

type EmailCode = keyof typeof EMAIL_CODES

declare module '../../protocol/errors.js' {
  interface ErrorVocabularies { email: EmailCode }
}
