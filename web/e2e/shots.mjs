// Screenshots of every page at 1400x900 for a visual review (not a check):
//   node shots.mjs --baseUrl=... --password=... --application=shop --screenshots=DIR [--range=1h]
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { launch, options, login } from './browser.mjs'

const opt = options({ baseUrl: 'http://127.0.0.1:8080', password: '', application: '', screenshots: 'target/review', range: '1h' })
mkdirSync(opt.screenshots, { recursive: true })
const base = opt.baseUrl.replace(/\/$/, '')
const q = new URLSearchParams({ application: opt.application, range: opt.range }).toString()
const { context, close } = await launch()
const page = context.pages()[0] || (await context.newPage())
page.on('pageerror', (e) => console.log('page error: ' + e.message))
try {
  await page.goto(base + '/login')
  await page.screenshot({ path: join(opt.screenshots, 'login.png') })
  await login(page, base, opt.password)
  for (const [name, path, wait] of [
    ['servermap', '/servermap', 2500], ['scatter', '/scatter', 6000], ['transactions', '/transactions', 2500],
    ['inspector', '/inspector', 3000], ['live', '/live', 2500]]) {
    await page.goto(base + path + '?' + q)
    await page.waitForTimeout(wait)
    if (name === 'scatter') {
      await page.waitForFunction(() => ['complete', 'density'].includes(document.querySelector('[data-testid=scatter-status]')?.dataset.state), null, { timeout: 60000 })
    }
    await page.screenshot({ path: join(opt.screenshots, name + '.png') })
    console.log('shot ' + name)
    if (name === 'servermap') {
      const edge = await page.evaluate(() => {
        const e = window.__sightlineServerMap.edges().filter((x) => /\^(H2|POSTGRESQL|MYSQL|MARIADB)$/.test(x.data('target')))[0]
        if (e) e.emit('tap')
        return e ? e.id() : null
      })
      if (edge) {
        await page.waitForTimeout(500)
        await page.screenshot({ path: join(opt.screenshots, 'servermap-edge.png') })
      }
    }
    if (name === 'live') {
      await page.click('[data-testid=live-row]')
      await page.waitForTimeout(500)
      await page.screenshot({ path: join(opt.screenshots, 'live-stack.png') })
    }
  }
  const first = await page.evaluate(async (app) => {
    const now = Date.now()
    const r = await fetch(`/api/transactions?application=${app}&from=${now - 3600e3}&to=${now}&limit=50`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } })
    return (await r.json()).transactions.find((t) => t.uri.startsWith('/owners/')) 
  }, opt.application)
  if (first) {
    await page.goto(base + '/transactions/' + first.transactionId + '?' + q)
    await page.waitForTimeout(2000)
    await page.screenshot({ path: join(opt.screenshots, 'calltree.png') })
  }
} finally {
  await close()
}
