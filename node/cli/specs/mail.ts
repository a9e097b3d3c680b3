import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, VERSION_OPTION } from '../spec.js'

/* The email bridge. */

const INGEST_OPTIONS = [
  { name: 'list', type: 'string', value: 'NAME', description: 'the mailing list these mails came from', example: '--list linux-ext4' },
  { name: 'project', type: 'string', value: 'NAME', description: 'the project the series belong to' },
  { name: 'match', type: 'string', value: 'path:GLOB|keyword:WORD', multiple: true, description: 'keep only series touching these paths or naming these words', example: '--match path:fs/ext4/**' },
  JSON_OPTION
] as const

export const ingestSpec = {
  name: 'ingest',
  summary: 'read mailing-list mail (mbox, Maildir, public-inbox v2, one mail on stdin) into series, reviews and mail.raw events',
  subcommands: [
    {
      name: 'mbox',
      summary: 'an mbox file (- for stdin)',
      args: ['FILE|-'],
      options: [{ name: 'format', type: 'string', value: 'FORMAT', choices: ['mboxrd', 'mboxo'], default: 'mboxrd', description: 'how "From " lines in bodies are quoted' }, ...INGEST_OPTIONS]
    },
    { name: 'maildir', summary: 'a Maildir', args: ['DIR'], options: INGEST_OPTIONS },
    { name: 'public-inbox', summary: 'a public-inbox v2 archive (resumes where it stopped)', args: ['DIR'], options: INGEST_OPTIONS },
    { name: 'mail', summary: 'one mail on stdin', options: INGEST_OPTIONS }
  ],
  examples: ['cairn ingest mbox thread.mbox --list linux-ext4', 'b4 mbox MSGID -o - | cairn ingest mbox -']
} as const satisfies CommandSpec

export const mailSpec = {
  name: 'mail',
  summary: 'reply to a series with its CI verdict, threaded',
  subcommands: [{
    name: 'verdict',
    summary: 'the CI verdict mail (passed, or the failures with their log lines); printed without --to-mbox/--smtp',
    args: ['SERIES'],
    options: [
      VERSION_OPTION,
      { name: 'to-mbox', type: 'string', value: 'FILE', description: 'append the mail to this mbox' },
      { name: 'smtp', type: 'string', value: 'HOST:PORT', description: 'send it through this SMTP server', example: '--smtp localhost:25' },
      { name: 'from', type: 'string', value: 'ADDR', description: 'the From address' },
      { name: 'to', type: 'string', value: 'ADDR', multiple: true, description: "a recipient (default: the series' author and Cc)" },
      { name: 'ci', type: 'string', value: 'FILE', description: "judge as `cairn start --ci FILE` does: its metric gate fails the verdict on a gated metric regression against the series' baseline", example: '--ci ci.yaml' }
    ]
  }]
} as const satisfies CommandSpec
