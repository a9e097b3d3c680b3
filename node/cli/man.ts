import type { CommandSpec, OptionSpec } from './spec.js'
import { GLOBAL_OPTIONS, SPECS } from './specs/index.js'
import { optionText, usageLine } from './help.js'

/** Text safe in roff: backslashes, leading control characters and hyphens in flags. */
function esc (text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').split('\n').map((l) => /^[.']/.test(l) ? `\\&${l}` : l).join('\n')
}

function optionItem (o: Pick<OptionSpec, 'name' | 'value'>, text: string): string[] {
  return ['.TP', `.B \\-\\-${esc(o.name)}${o.value !== undefined ? ` " ${esc(o.value)}"` : ''}`, esc(text)]
}

function commandSection (path: CommandSpec[]): string[] {
  const spec = path[path.length - 1] as CommandSpec
  const lines = [`.SS "${esc(path.map((s) => s.name).join(' '))}"`, esc(spec.summary), '.PP', '.nf', esc(usageLine(path)), '.fi']
  if (spec.subcommands === undefined || spec.bare === true) for (const o of spec.options ?? []) lines.push(...optionItem(o, optionText(o)))
  for (const e of spec.examples ?? []) lines.push('.PP', '.nf', `  ${esc(e)}`, '.fi')
  for (const sub of spec.subcommands ?? []) lines.push(...commandSection([...path, sub]))
  return lines
}

/** cairn(1), generated from the same specs as the parser and --help. */
export function manPage (): string {
  return [
    '.TH CAIRN 1 "" "cairn" "User Commands"',
    '.SH NAME',
    'cairn \\- peer\\-to\\-peer patch series, builds, test results and merge policy',
    '.SH SYNOPSIS',
    '.B cairn',
    '[\\fB\\-\\-home\\fR \\fIDIR\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]',
    '.SH DESCRIPTION',
    'Every command takes \\fB\\-\\-help\\fR; \\fBcairn help\\fR \\fICOMMAND\\fR prints the same text.',
    '.SH OPTIONS',
    ...GLOBAL_OPTIONS.flatMap((o) => optionItem(o, o.description)),
    '.SH COMMANDS',
    ...SPECS.flatMap((s) => commandSection([s])),
    '.SH EXIT STATUS',
    '.TP', '0', 'success',
    '.TP', '1', 'failure (the message names the error code)',
    '.TP', '2', 'usage error: an unknown, missing or malformed option or argument',
    '.TP', '3', 'locked: another process holds the home or a work directory; try again once it is done',
    '.TP', '4', 'not found: the series, job, result, policy or home named does not exist here',
    '.SH ENVIRONMENT',
    '.TP', '.B CAIRN_HOME', 'the node home when \\fB\\-\\-home\\fR is not given (default ~/.cairn)',
    '.TP', '.B NO_COLOR', 'when set and not empty, no colour even on a terminal',
    ''
  ].join('\n')
}
