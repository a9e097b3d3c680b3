import { bashCompletion, zshCompletion } from '../completion.js'
import { usageError } from '../parse.js'
import type { Args, Command } from '../spec.js'
import type { completionSpec } from '../specs/builtin.js'

export const completion: Command = {
  run (ctx, args: Args<typeof completionSpec>) {
    const shell = args.positionals[0]
    if (shell === 'bash') ctx.io.out(bashCompletion())
    else if (shell === 'zsh') ctx.io.out(zshCompletion())
    else throw usageError(`no completion for "${shell ?? ''}"; give bash or zsh`)
  }
}
