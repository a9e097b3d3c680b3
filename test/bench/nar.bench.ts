// NAR sha256 throughput: cairn's nix/nar.ts against Nix's own
// `nix-store --dump DIR | sha256sum` and `nix-hash --type sha256 DIR`, on the
// same generated tree (2,000 files, 50 MB, in page cache), in the same run.
// Run: node --import tsx test/bench/nar.bench.ts [files] [megabytes]
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { narHash } from '../../nix/nar.js'
import { hasNix, nixEnv } from '../helpers/nix.js'

const ROUNDS = 5

/** 2,000 files in 40 dirs: many small ones and a few big ones, like a source tree with blobs. */
function makeTree (root: string, files: number, bytes: number): void {
  const big = Math.max(1, Math.floor(files / 40))
  const smallEach = Math.floor((bytes * 0.3) / (files - big))
  const bigEach = Math.floor((bytes - smallEach * (files - big)) / big)
  for (let i = 0; i < files; i++) {
    const dir = join(root, `dir${i % 40}`, `sub${i % 7}`)
    fs.mkdirSync(dir, { recursive: true })
    const size = i % 40 === 39 ? bigEach : smallEach + ((i * 37) % 97) - 48
    const p = join(dir, `file-${i}.c`)
    fs.writeFileSync(p, randomBytes(Math.max(0, size)))
    if (i % 10 === 0) fs.chmodSync(p, 0o755)
  }
}

async function time (fn: () => unknown): Promise<number[]> {
  const ms: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint()
    await fn()
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return ms.sort((a, b) => a - b)
}

function shell (env: NodeJS.ProcessEnv, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 20 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

export async function run (files = 2000, megabytes = 50): Promise<void> {
  const root = fs.mkdtempSync(join(tmpdir(), 'cairn-nar-bench-'))
  try {
    const tree = join(root, 'tree')
    makeTree(tree, files, megabytes * 1e6)
    const ours = await narHash(tree) // also warms the page cache
    const mb = ours.size / 1e6
    console.log(`NAR sha256 of ${files} files, ${mb.toFixed(1)} MB of NAR (best and median of ${ROUNDS}, warm cache)`)
    const report = (name: string, ms: number[]): void => {
      const best = ms[0] ?? NaN
      const median = ms[Math.floor(ms.length / 2)] ?? NaN
      console.log(`  ${name.padEnd(44)} ${best.toFixed(0).padStart(6)} ms  ${(mb / (best / 1000)).toFixed(0).padStart(6)} MB/s   (median ${(mb / (median / 1000)).toFixed(0)} MB/s)`)
    }
    report('cairn narHash (nix/nar.ts)', await time(() => narHash(tree)))

    if (!hasNix) {
      console.log('  nix-store not usable (apt-get install nix-bin): Nix side skipped')
      return
    }
    const env = nixEnv(root) // Nix offline and daemonless, as any user
    const dump = shell(env, 'sh', ['-c', 'nix-store --dump "$1" | sha256sum', 'sh', tree]).split(' ')[0]
    if (dump !== ours.sha256.toString('hex')) throw new Error(`hash mismatch: nix ${String(dump)} ours ${ours.sha256.toString('hex')}`)
    report('nix-store --dump | sha256sum', await time(() => shell(env, 'sh', ['-c', 'nix-store --dump "$1" | sha256sum', 'sh', tree])))
    report('nix-hash --type sha256', await time(() => shell(env, 'nix-hash', ['--type', 'sha256', tree])))
    report('nix-store --dump > /dev/null (serialise only)', await time(() => shell(env, 'sh', ['-c', 'nix-store --dump "$1" > /dev/null', 'sh', tree])))
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [files, megabytes] = process.argv.slice(2).map(Number)
  run(files, megabytes).catch(err => { console.error(err); process.exitCode = 1 })
}
