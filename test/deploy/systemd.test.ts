import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCommand } from '../../node/cli/parse.js'
import { findCommand } from '../../node/cli/registry.js'
import { repoRoot } from '../helpers/paths.js'

const UNITS = join(repoRoot, 'deploy', 'systemd')
const units = readdirSync(UNITS).filter((f) => f.endsWith('.service')).sort()

/** Each unit, its ExecStart pointed at a stand-in binary (verify wants the path to exist). */
function unitsBeside (dir: string): string[] {
  const cairn = join(dir, 'cairn')
  writeFileSync(cairn, '#!/bin/sh\n')
  chmodSync(cairn, 0o755)
  return units.map((name) => {
    const path = join(dir, name)
    writeFileSync(path, readFileSync(join(UNITS, name), 'utf8').replaceAll('/usr/bin/cairn', cairn))
    return path
  })
}

function analyze (...args: string[]): { status: number | null, output: string } | null {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' })
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() }
}

/** The directives of a unit file, key to values in order (comments and sections dropped). */
function directives (text: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (m !== null) map.set(m[1] ?? '', [...(map.get(m[1] ?? '') ?? []), m[2] ?? ''])
  }
  return map
}

test('the systemd units: node, runner and bootstrap', async (t) => {
  t.alike(units, ['cairn-bootstrap.service', 'cairn-node.service', 'cairn-runner.service'])
  for (const name of units) {
    const d = directives(readFileSync(join(UNITS, name), 'utf8'))
    const one = (key: string): string | undefined => d.get(key)?.at(-1)
    t.is(one('Type'), 'notify', `${name}: Type=notify (cairn says when it listens)`)
    t.is(one('NotifyAccess'), 'all', `${name}: systemd-notify, a child, may speak for it`)
    t.is(one('Restart'), 'on-failure', `${name}: Restart=on-failure`)
    t.is(one('KillMode'), 'control-group', `${name}: stopping kills every process of the unit`)
    t.is(one('User'), 'cairn', `${name}: a dedicated user`)
    for (const [key, value] of [['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['NoNewPrivileges', 'yes']]) {
      t.is(one(key ?? ''), value, `${name}: ${key ?? ''}=${value ?? ''}`)
    }
  }
})

test('systemd-analyze verify passes the units, and their exposure stays low', async (t) => {
  const dir = await t.tmp()
  const paths = unitsBeside(dir)
  const verify = analyze('verify', '--man=no', ...paths)
  if (verify === null) {
    t.comment('systemd-analyze is missing (Debian: apt-get install systemd): skipped')
    return
  }
  t.alike(verify, { status: 0, output: '' }, 'verify: no error, no warning')

  // The check can fail: a unit it cannot parse is reported.
  const broken = join(dir, 'broken.service')
  writeFileSync(broken, readFileSync(paths[0] ?? '', 'utf8').replace('Type=notify', 'Type=notfy'))
  t.ok(/Failed to parse service type/.test(analyze('verify', '--man=no', broken)?.output ?? ''), 'a misspelt setting is reported')

  // The runner runs builds, so it is granted more; the others next to nothing.
  const worst: Record<string, number> = { 'cairn-node.service': 2.5, 'cairn-bootstrap.service': 2.5, 'cairn-runner.service': 5 }
  for (const path of paths) {
    const name = path.slice(dir.length + 1)
    const r = analyze('security', '--offline=yes', `--threshold=${(worst[name] ?? 0) * 10}`, path)
    const level = /Overall exposure level for \S+: ([\d.]+)/.exec(r?.output ?? '')?.[1]
    t.is(r?.status, 0, `${name}: exposure ${level ?? '?'} at most ${worst[name] ?? 0}`)
  }
})

test('the example option files hold options the commands accept', async (t) => {
  const examples = join(UNITS, 'examples')
  const vars = (file: string): Record<string, string> => Object.fromEntries(readFileSync(join(examples, file), 'utf8').split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  const words = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter((w) => w !== '')
  const accepts = (command: string, argv: string[]): void => {
    const spec = findCommand(command)?.spec
    if (spec === undefined) { t.fail(`no command ${command}`); return }
    try {
      parseCommand(spec, argv)
      t.pass(`cairn ${command} ${argv.join(' ')}`)
    } catch (err) {
      t.fail(`cairn ${command} ${argv.join(' ')}: ${(err as Error).message}`)
    }
  }
  accepts('start', words(vars('node.env').CAIRN_NODE_ARGS))
  accepts('runner', ['start', '--workdir', '/srv/cairn-builds', ...words(vars('runner.env').CAIRN_RUNNER_ARGS)])
  accepts('bootstrap', ['--listen', vars('bootstrap.env').CAIRN_BOOTSTRAP_LISTEN ?? ''])
})
