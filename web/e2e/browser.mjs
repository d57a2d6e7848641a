// Starts Debian's headless chromium through playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium'
  const profile = mkdtempSync(join(tmpdir(), 'sightline-chromium-'))
  // a fresh profile each run (playwright passes it as --user-data-dir)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/** Command-line `--key=value` over environment variables over defaults. */
export function options(defaults) {
  const out = { ...defaults }
  for (const [k, env] of Object.entries({ baseUrl: 'BASE_URL', password: 'SIGHTLINE_ADMIN_PASSWORD', application: 'APPLICATION', screenshots: 'SCREENSHOT_DIR' })) {
    if (process.env[env]) out[k] = process.env[env]
  }
  for (const arg of process.argv.slice(2)) {
    const m = /^--([^=]+)=(.*)$/.exec(arg)
    if (m) out[m[1]] = m[2]
  }
  return out
}

/** Logs in through the UI's login page. */
export async function login(page, baseUrl, password) {
  await page.goto(baseUrl + '/login')
  await page.fill('[data-testid=login-user]', 'admin')
  await page.fill('[data-testid=login-password]', password)
  await page.click('[data-testid=login-submit]')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 })
}
