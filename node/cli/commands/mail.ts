import { appendToMbox, sendSmtp } from '../../../bridges/email/verdict/send.js'
import { verdictMail } from '../../../bridges/email/verdict/verdict.js'
import { CairnError } from '../../../protocol/errors.js'
import { metricFindings } from '../../daemon/ci-plan.js'
import { findRevisionView } from '../../views/series/index.js'
import { loadCiConfig } from '../ci-file.js'
import { resolveRevision } from '../../policy/revision.js'
import type { Args, Command, Context } from '../command.js'
import { usageError, withNodeToRead } from '../command.js'
import type { mailSpec } from '../specs/mail.js'

export const mail: Command = { subcommands: { verdict } }

async function verdict (ctx: Context, { values, positionals }: Args<(typeof mailSpec)['subcommands'][0]>): Promise<void> {
  if (values['to-mbox'] !== undefined && values.smtp !== undefined) throw usageError('give --to-mbox FILE or --smtp HOST:PORT, not both')
  const ci = values.ci === undefined ? null : loadCiConfig(values.ci)
  // Reads the views and blobs only: beside a running daemon it reads beside it.
  await withNodeToRead(ctx, async (node) => {
    const ref = values.version === undefined ? positionals[0] as string : resolveRevision(node.views, positionals[0] as string, values.version).revision.id
    const metrics = ci === null ? [] : metricFindings(node.views, ci, findRevisionView(node.views, ref).revision)
    if (typeof metrics === 'string') throw new CairnError('NO_RESULTS', `the metric gate of ${values.ci ?? ''} cannot judge yet: ${metrics}`)
    const m = await verdictMail(node, ref, {
      ...(values.from === undefined ? {} : { from: values.from }),
      ...(values.to === undefined ? {} : { to: values.to }),
      metrics
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
