import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repo root: the nearest folder above this file holding package.json (works from test/ and dist/test/). */
function findRoot (from: string): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${from}`)
    dir = up
  }
  return dir
}

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)))

/** ../shared beside the repo: corpora written by others. A clone elsewhere has none; tests that need it skip. */
const sharedDir = resolve(repoRoot, '..', 'shared')
export const hasShared = existsSync(join(sharedDir, 'corpora'))
export const corpus = (...parts: string[]): string => join(sharedDir, 'corpora', ...parts)
