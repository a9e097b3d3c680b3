import { appendToMbox, sendSmtp } from '../../../bridges/email/verdict/send.js'
import { verdictMail } from '../../../bridges/email/verdict/verdict.js'
import type { Command } from '../command.js'
import { parse, usageError, withNode } from '../command.js'

export const mail: Command = {
  name: 'mail',
  usage: 'mail verdict SERIES [--to-mbox FILE | --smtp HOST:PORT] [--from ADDR] [--to ADDR]...',
  summary: 'reply to a series with its CI verdict (passed, or the failures with their log lines), threaded; printed without --to-mbox/--smtp',
  async run (ctx, argv) {
    if (argv[0] !== 'verdict') throw usageError(this, argv[0] === undefined ? 'expected verdict' : `unknown subcommand "${argv[0]}"; expected verdict`)
    const { values, positionals } = parse(this, argv.slice(1), {
      'to-mbox': { type: 'string' },
      smtp: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string', multiple: true }
    }, 1)
    if (values['to-mbox'] !== undefined && values.smtp !== undefined) throw usageError(this, 'give --to-mbox FILE or --smtp HOST:PORT, not both')
    await withNode(ctx, async (node) => {
      const m = await verdictMail(node, positionals[0] as string, {
        ...(values.from === undefined ? {} : { from: values.from }),
        ...(values.to === undefined ? {} : { to: values.to })
      })
      const what = `${m.passed ? 'pass' : 'fail'} verdict <${m.messageId}> in reply to <${m.inReplyTo}>`
      if (values['to-mbox'] !== undefined) {
        appendToMbox(values['to-mbox'], m)
        ctx.io.out(`appended ${what} to ${values['to-mbox']}`)
      } else if (values.smtp !== undefined) {
        const response = await sendSmtp(values.smtp, m)
        ctx.io.out(`sent ${what} to ${[...m.to, ...m.cc].join(', ')} via ${values.smtp}${response !== '' ? ` (${response})` : ''}`)
      } else {
        ctx.io.out(m.text)
      }
    })
  }
}
