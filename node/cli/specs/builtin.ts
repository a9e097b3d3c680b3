import type { CommandSpec } from '../spec.js'

/* Commands about cairn itself, generated from the specs of the others. */

export const helpSpec = {
  name: 'help',
  summary: 'help on a command: every option, its default and an example',
  args: ['[COMMAND]', '[SUBCOMMAND]'],
  examples: ['cairn help series diff']
} as const satisfies CommandSpec

export const completionSpec = {
  name: 'completion',
  summary: 'print a shell completion script',
  args: ['SHELL'],
  examples: ['source <(cairn completion bash)', 'cairn completion zsh > "${fpath[1]}/_cairn"']
} as const satisfies CommandSpec

export const manSpec = {
  name: 'man',
  summary: 'print the man page (roff)',
  examples: ['cairn man | man -l -']
} as const satisfies CommandSpec
