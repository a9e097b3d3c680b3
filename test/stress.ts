// `npm run test:stress`: the whole suite while CPU-burning processes take
// every core, as on a busy CI host. A test that only passes on an idle
// machine waits for a time instead of for its event; this run finds it.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './helpers/paths.js'

const burners = Number(process.env.CAIRN_STRESS_BURNERS ?? availableParallelism())
const children: ChildProcess[] = []
for (let i = 0; i < burners; i++) {
  children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
}
const stop = (): void => { for (const c of children) c.kill('SIGKILL') }
process.on('exit', stop)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => { stop(); process.exit(130) })

process.stdout.write(`test:stress: the suite beside ${burners} CPU burner(s)\n`)
const suite = spawn(process.execPath, [join(repoRoot, 'dist', 'test', 'run.js'), ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, CAIRN_TEST_TIMEOUT_MS: process.env.CAIRN_TEST_TIMEOUT_MS ?? '240000' } })
suite.on('exit', (code, signal) => {
  stop()
  process.exit(code ?? (signal !== null ? 1 : 0))
})
