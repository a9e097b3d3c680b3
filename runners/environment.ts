/**
 * What a runner is: its Nix-style system (`x86_64-linux`), recorded facts
 * about the host for results, and the runner class a test-run identity uses.
 */
import { spawnSync } from 'node:child_process'
import { arch, cpus, hostname, platform, release, type } from 'node:os'

const NIX_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7l', riscv64: 'riscv64', ppc64: 'powerpc64le', s390x: 's390x' }

/** The platform as Nix names it, e.g. x86_64-linux: part of every build identity. */
export function nixSystem (): string {
  return `${NIX_ARCH[arch()] ?? arch()}-${platform()}`
}

let gitVersion: string | undefined

/** Facts about this host for a result's `environment` (informational: not all of them go into identities). */
export function hostFacts (tags: readonly string[]): Record<string, string> {
  gitVersion ??= spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? ''
  return {
    system: nixSystem(),
    os: `${type()} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: String(cpus().length),
    hostname: hostname(),
    node: process.version,
    git: gitVersion,
    tags: [...tags].sort().join(',')
  }
}

/**
 * The runner class of a test run: the system, and the tags the job asked
 * for (not every tag the runner has), so any two runners that both satisfy
 * a job share test-run identities and reuse each other's results.
 */
export function runnerClass (jobTags: readonly string[]): { system: string, tags: string[] } {
  return { system: nixSystem(), tags: [...new Set(jobTags)].sort() }
}

/** A runner serves a job when it has every tag the job asks for. */
export function servesTags (runnerTags: readonly string[], jobTags: readonly string[]): boolean {
  return jobTags.every((t) => runnerTags.includes(t))
}
