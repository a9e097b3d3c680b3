/**
 * Drop-in for `git mailinfo [options] MSG PATCH < MAIL > INFO`, for replaying
 * git's own tests (`MAILINFO="node --import tsx .../mailinfo-cli.ts" sh check.sh`).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { type MailinfoOptions, runMailinfo } from './mailinfo.js'

const USAGE = 'usage: mailinfo-cli [-k] [-b] [-m] [-u | -n | --encoding=<enc>] [--[no-]scissors] [--quoted-cr=<action>] [--[no-]inbody-headers] <msg> <patch> < mail >info'

function parseArgs (argv: string[]): { opts: MailinfoOptions, files: string[] } {
  const opts: MailinfoOptions = {}
  const files: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (files.length > 0 || !arg.startsWith('-') || arg === '-') {
      files.push(arg)
      continue
    }
    if (arg === '--') {
      files.push(...argv.slice(i + 1))
      break
    }
    const [name, inline] = arg.startsWith('--') ? splitLong(arg) : [arg, undefined]
    const value = (): string => inline ?? argv[++i] ?? usage(`${name} needs a value`)
    switch (name) {
      case '-k': opts.keepSubject = true; break
      case '-b': opts.keepNonPatchBrackets = true; break
      case '-m': case '--message-id': opts.messageId = true; break
      case '--no-message-id': opts.messageId = false; break
      case '-u': opts.encoding = 'UTF-8'; break
      case '-n': opts.encoding = null; break
      // git parses --encoding but never applies it (mailinfo.metainfo_charset
      // stays unset), so it acts as -n; be bug-compatible here.
      case '--encoding': value(); opts.encoding = null; break
      case '--scissors': opts.scissors = true; break
      case '--no-scissors': opts.scissors = false; break
      case '--inbody-headers': opts.inbodyHeaders = true; break
      case '--no-inbody-headers': opts.inbodyHeaders = false; break
      case '--quoted-cr': opts.quotedCr = quotedCr(value()); break
      default:
        // Bundled short flags, e.g. -ku.
        if (/^-[kbmun]{2,}$/.test(arg)) {
          argv.splice(i + 1, 0, ...arg.slice(1).split('').map((c) => '-' + c))
          break
        }
        usage(`unknown option '${arg}'`)
    }
  }
  return { opts, files }
}

function splitLong (arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=')
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)]
}

function quotedCr (action: string): 'nowarn' | 'warn' | 'strip' {
  if (action === 'nowarn' || action === 'warn' || action === 'strip') return action
  return usage(`bad action '${action}' for '--quoted-cr'`)
}

function usage (why: string): never {
  process.stderr.write(`error: ${why}\n${USAGE}\n`)
  process.exit(129)
}

function main (): void {
  const { opts, files } = parseArgs(process.argv.slice(2))
  const [msgFile, patchFile] = files
  if (files.length !== 2 || msgFile === undefined || patchFile === undefined) usage('need <msg> and <patch>')
  const out = runMailinfo(readFileSync(0), opts)
  writeFileSync(msgFile, out.msg)
  writeFileSync(patchFile, out.patch)
  process.stdout.write(out.info)
  for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`)
  for (const e of out.errors) process.stderr.write(`error: ${e === 'empty patch' ? `empty patch: '${patchFile}'` : e}\n`)
  process.exitCode = out.errors.length > 0 ? 1 : 0
}

main()
