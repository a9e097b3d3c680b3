import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { parseCiConfig } from '../../machines/ci-config.js'
import type { CiConfig } from '../../machines/ci-config.js'
import { CairnError } from '../../protocol/errors.js'

/** Read and check `--ci FILE`; its relative paths (repo, recipe, outbox) are taken from the file's folder. */
export function loadCiConfig (file: string): CiConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new CairnError('NOT_FOUND', `--ci ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  const config = parseCiConfig(text, file)
  const at = (p: string): string => isAbsolute(p) ? p : resolve(dirname(file), p)
  const isUrl = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^[^/]+:/.test(config.repo)
  const { target } = config.verdict
  return {
    ...config,
    repo: isUrl ? config.repo : at(config.repo),
    recipe: config.recipe === null ? null : at(config.recipe),
    verdict: {
      ...config.verdict,
      target: target.kind === 'maildir' ? { kind: 'maildir', dir: at(target.dir) } : target.kind === 'mbox' ? { kind: 'mbox', file: at(target.file) } : target
    }
  }
}
