// Headless Chromium (Debian's, driven by playwright-core) on a page that may talk to nothing but the node's server.
import type { TestInstance } from 'brittle'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Page } from 'playwright-core'
import { repoRoot } from '../helpers/paths.js'

export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

/** Run from source, the UI modules may be stale: compile them (tsc -p node/ui, about a second). */
export function buildUi (): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'node', 'ui')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tsc -p node/ui failed: ${r.stdout}${r.stderr}`)
}

/** A page in a fresh browser, closed on teardown; `problems` collects page errors, console errors and any request that leaves `origin`. */
export async function browserPage (t: TestInstance, origin: string): Promise<{ page: Page, problems: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close(), { order: -3 })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  await page.route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith(origin)) await route.continue()
    else { problems.push(`external request: ${url}`); await route.abort() }
  })
  return { page, problems }
}
