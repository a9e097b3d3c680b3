import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/paths.js'
import { readSource } from './source.js'
import type { Source } from './source.js'

/** Every TypeScript file of the repo that git tracks or would (new, not ignored), declarations aside, parsed. */
export function readTree (root = repoRoot): Source[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts'], { cwd: root, encoding: 'utf8' })
  return listed.split('\n')
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && existsSync(join(root, path)))
    .map((path) => readSource(path, readFileSync(join(root, path), 'utf8')))
}
