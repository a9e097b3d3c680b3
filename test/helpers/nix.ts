// The one place that knows how to run Nix (nix-store, nix-hash) offline and
// daemonless, as any user, for tests and benchmarks that compare with it
// (Debian: apt-get install nix-bin).
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A private, empty environment for Nix rooted at `home`: no daemon
 * (NIX_REMOTE=dummy://), no user or system config, state/log dirs under
 * `home`. Commands that want a store also take `--store dummy://` (pure
 * computation, no /nix needed).
 */
export function nixEnv (home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    NIX_STATE_DIR: join(home, 'state'),
    NIX_LOG_DIR: join(home, 'log'),
    NIX_CONF_DIR: join(home, 'conf'),
    NIX_USER_CONF_FILES: join(home, 'conf', 'none.conf'),
    NIX_REMOTE: 'dummy://'
  }
}

// Shared by every call in the process: created on first use, removed on exit.
let home: string | undefined
function nixHome (): string {
  if (home === undefined) {
    const h = fs.mkdtempSync(join(tmpdir(), 'cairn-nixhome-'))
    process.on('exit', () => fs.rmSync(h, { recursive: true, force: true }))
    home = h
  }
  return home
}

/** Run a Nix CLI tool in the private environment and return its stdout. Throws on failure. */
export function nix (tool: 'nix-store' | 'nix-hash', args: string[]): Buffer {
  const r = spawnSync(tool, args, { env: nixEnv(nixHome()), maxBuffer: 1 << 30 })
  if (r.error !== undefined) throw r.error
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${String(r.status)}): ${r.stderr.toString()}`)
  return r.stdout
}

// Probe through the helper: as a non-root user a bare `nix-store --version` fails
// on Debian (it tries the daemon socket), with the private env it works.
let version = ''
let whyNoNix = ''
try { version = nix('nix-store', ['--version']).toString().trim() } catch (err) { whyNoNix = err instanceof Error ? err.message : String(err) }

/** `nix-store --version` output, e.g. "nix-store (Nix) 2.8.0"; '' when Nix is not usable. */
export const nixVersion = version
export const hasNix = nixVersion !== ''
/** Why the Nix comparisons are skipped (only meaningful when !hasNix). */
export const NO_NIX = `nix-store not usable (${whyNoNix.trim()}); install Debian's nix-bin to compare with Nix. Pinned vectors are still checked`
