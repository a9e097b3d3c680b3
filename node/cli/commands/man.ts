import { manPage } from '../man.js'
import type { Command } from '../spec.js'

export const man: Command = {
  run (ctx) { ctx.io.out(manPage()) }
}
