import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCommand } from '../../node/cli/parse.js'
import { findCommand } from '../../node/cli/registry.js'
import { repoRoot } from '../helpers/paths.js'

const NIX_FILES = [
  ...readdirSync(join(repoRoot, 'nix')).filter((f) => f.endsWith('.nix')).map((f) => join(repoRoot, 'nix', f)),
  join(repoRoot, 'test', 'deploy', 'eval-module.nix')
]

function nixInstantiate (...args: string[]): { status: number | null, stdout: string, stderr: string } | null {
  const r = spawnSync('nix-instantiate', args, { encoding: 'utf8' })
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.includes("group 'nixbld'")).join('\n').trim() }
}

/** What the settings are in a unit file (yes/no as booleans, lists as words). */
function unitSettings (file: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const m of readFileSync(join(repoRoot, 'deploy', 'systemd', file), 'utf8').matchAll(/^([A-Za-z]+)=(.*)$/gm)) map.set(m[1] ?? '', m[2] ?? '')
  return map
}
/** How each file says where the home and the options are: not compared. */
const OWN_WAYS = ['Environment', 'EnvironmentFile', 'ExecStart', 'ExecStartPre', 'StateDirectory', 'Documentation', 'Description', 'Wants', 'After', 'WantedBy', 'TimeoutStartSec']
const asUnit = (v: unknown): string => v === true ? 'yes' : v === false ? 'no' : Array.isArray(v) ? v.join(' ') : String(v)

/** The arguments of an ExecStart= line units.nix wrote (each in double quotes). */
const execArgs = (line: string): string[] => [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'))

test('every .nix file parses', async (t) => {
  for (const file of NIX_FILES) {
    const r = nixInstantiate('--parse', file)
    if (r === null) { t.comment('nix-instantiate is missing (Debian: apt-get install nix-bin): skipped'); return }
    t.is(r.status, 0, `${file.slice(repoRoot.length + 1)} ${r.stderr}`)
  }
})

test('the NixOS module evaluates (stub lib, no nixpkgs): options, and services as hardened as the units', async (t) => {
  const dir = await t.tmp()
  const cfg = {
    package: '/stub/cairn',
    user: 'cairn',
    group: 'cairn',
    node: { enable: true, home: '/var/lib/cairn/node', name: 'lab1', listen: '0.0.0.0:7421', bootstrap: ['10.0.0.1:49737'], reachable: true, topic: 'linux-xfs', http: '127.0.0.1:7420', httpAllowFrom: [], policyFile: '/etc/cairn/policy.yaml', maintainer: { enable: true, jobsRepo: 'https://git.example.org/linux.git', jobsTags: ['x86_64'] }, openFirewall: true, extraArgs: [] },
    runner: { enable: true, home: '/var/lib/cairn/runner', name: 'lab1-runner', tags: ['x86_64', 'kvm'], jobs: 2, lease: '30m', workdir: '/srv/cairn-builds', connect: ['10.0.0.2:7421'], listen: null, path: [], kvm: false, extraArgs: [] },
    bootstrap: { enable: true, listen: '10.0.0.1:49737', openFirewall: true }
  }
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg))
  const r = nixInstantiate('--eval', '--strict', '--json', join(repoRoot, 'test', 'deploy', 'eval-module.nix'),
    '--arg', 'moduleFile', join(repoRoot, 'nix', 'module.nix'), '--arg', 'cfg', `builtins.fromJSON (builtins.readFile ${join(dir, 'cfg.json')})`)
  if (r === null) { t.comment('nix-instantiate is missing (Debian: apt-get install nix-bin): skipped'); return }
  t.is(r.status, 0, r.stderr)
  type Service = { serviceConfig: Record<string, unknown>, preStart?: string }
  const { options, config } = JSON.parse(r.stdout) as { options: Record<string, unknown>, config: { systemd: { services: Record<string, Service>, tmpfiles: { rules: string[] } }, networking: { firewall: Record<string, number[]> } } }
  t.alike(Object.keys(options.node as object).sort(), ['bootstrap', 'enable', 'extraArgs', 'home', 'http', 'httpAllowFrom', 'listen', 'maintainer', 'name', 'openFirewall', 'policyFile', 'reachable', 'topic'])
  t.alike(Object.keys(options.runner as object).sort(), ['connect', 'enable', 'extraArgs', 'home', 'jobs', 'kvm', 'lease', 'listen', 'name', 'path', 'tags', 'workdir'])
  t.alike(Object.keys(options.bootstrap as object).sort(), ['enable', 'listen', 'openFirewall'])

  const services = config.systemd.services
  for (const [name, unit] of [['cairn-node', 'cairn-node.service'], ['cairn-runner', 'cairn-runner.service'], ['cairn-bootstrap', 'cairn-bootstrap.service']] as const) {
    const nix = services[name]?.serviceConfig ?? {}
    const differ = [...unitSettings(unit)].filter(([key, value]) => key in nix && !OWN_WAYS.includes(key) && asUnit(nix[key]) !== value)
    t.alike(differ, [], `${name}: the settings it shares with deploy/systemd/${unit} agree`)
    const missing = [...unitSettings(unit).keys()].filter((k) => !(k in nix) && !OWN_WAYS.includes(k))
    t.alike(missing, [], `${name}: no hardening of the unit is left out`)
  }

  const accepts = (argv: string[]): void => {
    const [home, dirArg, command, ...rest] = argv
    t.is(home, '--home')
    t.ok(dirArg?.startsWith('/var/lib/cairn/') === true, `home ${dirArg ?? ''}`)
    const words = [command ?? '', ...rest]
    const spec = findCommand(words[0] ?? '')?.spec
    try {
      if (spec === undefined) throw new Error(`no command ${words[0] ?? ''}`)
      parseCommand(spec, words.slice(1))
      t.pass(`cairn ${words.join(' ')}`)
    } catch (err) { t.fail(`cairn ${words.join(' ')}: ${(err as Error).message}`) }
  }
  accepts(execArgs(String(services['cairn-node']?.serviceConfig.ExecStart)))
  accepts(execArgs(String(services['cairn-runner']?.serviceConfig.ExecStart)))
  t.ok(execArgs(String(services['cairn-node']?.serviceConfig.ExecStart)).includes('--reachable'), 'reachable = true: the node starts with --reachable')
  t.alike(execArgs(String(services['cairn-bootstrap']?.serviceConfig.ExecStart)), ['bootstrap', '--listen', '10.0.0.1:49737'])
  t.ok(services['cairn-node']?.preStart?.includes('policy set "/etc/cairn/policy.yaml"'), 'the policy file is set before the node starts')
  t.ok(services['cairn-runner']?.preStart?.includes('init --name "lab1-runner"'), 'the runner makes its identity on first start')
  t.alike(services['cairn-runner']?.serviceConfig.ReadWritePaths, ['/srv/cairn-builds'], 'a workdir outside the state directory is writable')
  t.alike(config.systemd.tmpfiles.rules, ['d /srv/cairn-builds 0700 cairn cairn -'], 'and made for the user')
  t.alike(config.networking.firewall, { allowedTCPPorts: [7421], allowedUDPPorts: [49737] }, 'openFirewall opens sync (TCP) and the bootstrap node (UDP)')
})
