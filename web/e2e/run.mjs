// Browser end-to-end checks of the Sightline UI against a running server with traced traffic.
//
//   node run.mjs --baseUrl=http://127.0.0.1:8080 --password=... --application=shop --screenshots=/tmp/shots
//   (or BASE_URL, SIGHTLINE_ADMIN_PASSWORD, APPLICATION, SCREENSHOT_DIR)
// Optional: --range=1h (time range the data lies in), --xss=<script> (a text that some traced URL,
// SQL or exception contains; checked to render as text), --expectTypes=USER,TOMCAT,H2 (server
// map node types that must be there), --trafficUrl=http://... (the base URL of an instrumented
// application of --application with /owners/1 and /slow?ms=N, like the demo shop: the real-time
// and live checks send their own traffic there; without it they are skipped). Prints one line per
// check and "N passed, M failed, K skipped".
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { launch, options, login } from './browser.mjs'

const opt = options({ baseUrl: 'http://127.0.0.1:8080', password: '', application: '', screenshots: 'target/e2e-screenshots', range: '1h', xss: '<script', expectTypes: 'USER', trafficUrl: '' })
if (!opt.password || !opt.application) {
  console.error('usage: node run.mjs --baseUrl=URL --password=PW --application=NAME [--screenshots=DIR]')
  process.exit(2)
}
mkdirSync(opt.screenshots, { recursive: true })

let passed = 0
let failed = 0
let skipped = 0
const results = []
class Skip extends Error {}
/** Ends a check that cannot run here, with the reason. */
function skip(reason) {
  throw new Skip(reason)
}
async function check(name, fn) {
  const started = Date.now()
  try {
    await fn()
    passed++
    results.push(`PASS ${name} (${Date.now() - started} ms)`)
    console.log(`PASS ${name}`)
  } catch (e) {
    if (e instanceof Skip) {
      skipped++
      console.log(`SKIP ${name}: ${e.message}`)
      return
    }
    failed++
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`)
    if (process.env.E2E_DEBUG) console.log(e)
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message)
}
const shot = (page, name) => page.screenshot({ path: join(opt.screenshots, name + '.png'), fullPage: true })

const base = opt.baseUrl.replace(/\/$/, '')
const traffic = opt.trafficUrl.replace(/\/$/, '')
/** A request to the traced application (from node, not the browser); resolves to its status. */
const hit = (path) => fetch(traffic + path).then(async (r) => { await r.arrayBuffer(); return r.status })
const app = opt.application
const q = (extra = {}) => new URLSearchParams({ application: app, range: opt.range, ...extra }).toString()
const { context, close } = await launch()
const page = context.pages()[0] || (await context.newPage())
const pageErrors = []
page.on('pageerror', (e) => pageErrors.push(e.message))
page.on('dialog', (d) => { pageErrors.push('dialog opened: ' + d.message()); d.dismiss() })

/** The API through the browser's own session. */
const api = (path) => page.evaluate(async (p) => {
  const r = await fetch(p, { headers: { 'X-Requested-With': 'XMLHttpRequest' } })
  return { status: r.status, body: await r.json().catch(() => null) }
}, path)

const PAGES = ['/', '/servermap', '/scatter', '/transactions', '/transactions/4bf92f3577b34da6a3ce929d0e0e4736', '/inspector', '/live']

try {
  await check('logged-out browser is sent to login from every page', async () => {
    for (const p of PAGES) {
      await page.goto(base + p + '?' + q())
      await page.waitForSelector('[data-testid=login-form]', { timeout: 10000 })
      assert(new URL(page.url()).pathname === '/login', `${p} ended on ${page.url()}`)
    }
    await shot(page, '01-login')
  })

  await check('wrong password is refused, right one logs in', async () => {
    await page.goto(base + '/login')
    await page.fill('[data-testid=login-password]', 'not-the-password')
    await page.click('[data-testid=login-submit]')
    await page.waitForSelector('[data-testid=login-error]')
    await login(page, base, opt.password)
  })

  await check('application selector picks the application', async () => {
    await page.goto(base + '/servermap?range=' + opt.range)
    await page.waitForSelector(`[data-testid=application-select] option[value="${app}"]`, { state: 'attached' })
    await page.selectOption('[data-testid=application-select]', app)
    await page.waitForURL((u) => u.searchParams.get('application') === app)
  })

  let map
  await check('server map draws the nodes and links of the API', async () => {
    await page.goto(base + '/servermap?' + q())
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=servermap-graph]')?.dataset.nodes) > 0, null, { timeout: 20000 })
    // compare with exactly what the page got from the API
    map = await page.evaluate(() => window.__sightlineServerMapData)
    const drawn = await page.evaluate(() => {
      const cy = window.__sightlineServerMap
      return { nodes: cy.nodes().map((n) => n.id()).sort(), edges: cy.edges().map((e) => e.data('source') + '->' + e.data('target')).sort() }
    })
    assert(JSON.stringify(drawn.nodes) === JSON.stringify(map.nodes.map((n) => n.key).sort()), `nodes ${drawn.nodes} vs ${map.nodes.map((n) => n.key)}`)
    assert(JSON.stringify(drawn.edges) === JSON.stringify(map.links.map((l) => l.from + '->' + l.to).sort()), `edges ${drawn.edges}`)
    assert(drawn.edges.length > 0, 'no links')
    for (const t of opt.expectTypes.split(',').filter(Boolean)) assert(map.nodes.some((n) => n.serviceType === t), `no ${t} node`)
    // click the application node: its histogram and a way to its transactions
    await page.evaluate((key) => window.__sightlineServerMap.getElementById(key).emit('tap'), `${app}^${map.nodes.find((n) => n.name === app).serviceType}`)
    await page.waitForSelector('[data-testid=servermap-detail] [data-testid=histogram]')
    const total = await page.textContent('[data-testid=detail-total]')
    assert(Number(total.replace(/,/g, '')) === map.nodes.find((n) => n.name === app).totalCount, 'detail total ' + total)
    await shot(page, '02-servermap')
  })

  await check('server map fits its viewport; an edge into a database shows its histogram and lists the caller\'s transactions', async () => {
    await page.goto(base + '/servermap?' + q())
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=servermap-graph]')?.dataset.nodes) > 0, null, { timeout: 20000 })
    await page.waitForTimeout(500) // the second fit, once labels are measured
    const view = await page.evaluate(() => {
      const cy = window.__sightlineServerMap
      const bb = cy.elements().renderedBoundingBox()
      return { x1: bb.x1, y1: bb.y1, x2: bb.x2, y2: bb.y2, w: cy.width(), h: cy.height() }
    })
    assert(view.x1 >= -1 && view.y1 >= -1 && view.x2 <= view.w + 1 && view.y2 <= view.h + 1,
      'the map (labels included) leaves its ' + view.w + 'x' + view.h + ' viewport: ' + JSON.stringify(view))
    map = await page.evaluate(() => window.__sightlineServerMapData)
    const link = map.links.find((l) => /\^(H2|MYSQL|MARIADB|POSTGRESQL|ORACLE|SQLSERVER|HTTP)$/.test(l.to))
    assert(link, 'no link into a database or remote host')
    const caller = link.from.slice(0, link.from.lastIndexOf('^'))
    await page.evaluate((id) => window.__sightlineServerMap.getElementById(id).emit('tap'), 'link:' + link.from + '->' + link.to)
    await page.waitForSelector('[data-testid=servermap-detail] [data-testid=histogram]')
    const total = await page.textContent('[data-testid=detail-total]')
    assert(Number(total.replace(/,/g, '')) === link.totalCount, `edge total ${total} vs ${link.totalCount}`)
    const bars = await page.$$eval('[data-testid=servermap-detail] .bar', (bs) => bs.map((b) => [b.dataset.bucket, b.querySelector('.bar-count').textContent]))
    const expectedBars = ['1s', '3s', '5s', 'slow', 'error'].map((k) => [k, Number(link.histogram[k]).toLocaleString('en-US')])
    assert(JSON.stringify(bars) === JSON.stringify(expectedBars), `histogram ${JSON.stringify(bars)} vs ${JSON.stringify(expectedBars)}`)
    await page.waitForSelector('[data-testid=detail-caller-hint]')
    await shot(page, '02b-servermap-edge')
    await page.click('[data-testid=detail-transactions]')
    await page.waitForURL((u) => u.pathname === '/transactions' && u.searchParams.get('application') === caller)
    const u = new URL(page.url())
    assert(!u.searchParams.has('minElapsed') && !u.searchParams.has('maxElapsed') && !u.searchParams.has('error'),
      'a database edge must list the caller\'s transactions unfiltered: ' + u.search)
    await page.waitForSelector('[data-testid=transactions-status][data-state=loaded]', { timeout: 20000 })
    assert((await page.locator('[data-testid=transaction-row]').count()) > 0, 'no transactions of ' + caller)
  })

  await check('scatter drag-select lists exactly the transactions in the rectangle', async () => {
    await page.goto(base + '/scatter?' + q())
    await page.waitForFunction(() => ['complete', 'density'].includes(document.querySelector('[data-testid=scatter-status]')?.dataset.state), null, { timeout: 30000 })
    const total = Number(await page.getAttribute('[data-testid=scatter-status]', 'data-total'))
    assert(total > 0, 'no points')
    await shot(page, '03-scatter')
    const box = await page.locator('[data-testid=scatter-chart]').boundingBox()
    // the whole plot area (grid: left 64, right 28, top 40, bottom 40)
    await page.mouse.move(box.x + 66, box.y + 42)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 })
    await page.mouse.move(box.x + box.width - 30, box.y + box.height - 41, { steps: 5 })
    await page.mouse.up()
    await page.waitForSelector('[data-testid=scatter-selection] [data-testid=transaction-table]')
    await page.waitForFunction(() => !/loading/.test(document.querySelector('[data-testid=selection-count]')?.textContent || 'loading'))
    const href = await page.getAttribute('[data-testid=selection-open]', 'href')
    const sel = new URL(base + href).searchParams
    const expected = (await api(`/api/transactions?application=${encodeURIComponent(app)}&from=${sel.get('from')}&to=${sel.get('to')}&minElapsed=${sel.get('minElapsed') || 0}${sel.get('maxElapsed') ? '&maxElapsed=' + sel.get('maxElapsed') : ''}&limit=1000`)).body
    const rows = await page.locator('[data-testid=scatter-selection] [data-testid=transaction-row]').count()
    assert(rows === expected.transactions.length && rows > 0, `selection shows ${rows} rows, API has ${expected.transactions.length}`)
    await shot(page, '04-scatter-selection')
  })

  await check('real-time scatter adds new transactions every few seconds without a reload', async () => {
    if (!traffic) skip('no --trafficUrl to send new requests to')
    await page.goto(base + '/scatter?' + q({ realtime: '1' }))
    await page.waitForFunction(() => ['complete', 'density'].includes(document.querySelector('[data-testid=scatter-status]')?.dataset.state), null, { timeout: 30000 })
    assert(await page.isChecked('[data-testid=realtime-toggle]'), 'the real-time toggle is off')
    const before = Number(await page.getAttribute('[data-testid=scatter-status]', 'data-total'))
    await page.evaluate(() => { window.__sightlineSamePage = true })
    for (let i = 1; i <= 3; i++) assert((await hit('/owners/' + i)) === 200, 'traffic request failed')
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=scatter-status]')?.dataset.total) >= n + 3, before, { timeout: 45000 })
    assert(await page.evaluate(() => window.__sightlineSamePage === true), 'the page was reloaded')
    await shot(page, '04b-scatter-realtime')
  })

  let sample
  await check('transaction list filters by client IP and latency, kept in a shareable URL', async () => {
    await page.goto(base + '/transactions?' + q())
    await page.waitForSelector('[data-testid=transactions-status][data-state=loaded]', { timeout: 20000 })
    const now = Date.now()
    const all = (await api(`/api/transactions?application=${encodeURIComponent(app)}&from=${now - 86400e3}&to=${now + 1}&limit=1000`)).body.transactions
    assert(all.length > 0, 'no transactions')
    sample = all
    const ip = all[0].clientIp
    await page.fill('[data-testid=filter-ip]', ip)
    await page.click('[data-testid=filter-apply]')
    await page.waitForURL((u) => u.searchParams.get('clientIp') === ip)
    await page.waitForSelector('[data-testid=transactions-status][data-state=loaded]')
    const ips = await page.locator('[data-testid=transaction-row] td:nth-child(4)').allTextContents()
    assert(ips.length > 0 && ips.every((x) => x === ip), 'client IP filter shows ' + [...new Set(ips)])
    await page.fill('[data-testid=filter-ip]', '203.0.113.0/24')
    await page.click('[data-testid=filter-apply]')
    await page.waitForURL((u) => u.searchParams.get('clientIp') === '203.0.113.0/24')
    await page.waitForSelector('[data-testid=transactions-status][data-state=loaded]')
    assert((await page.locator('[data-testid=transaction-row]').count()) === 0, 'a foreign CIDR still lists rows')

    const elapsed = all.map((t) => t.elapsed).sort((a, b) => a - b)
    const min = elapsed[Math.floor(elapsed.length / 2)]
    await page.fill('[data-testid=filter-ip]', '')
    await page.fill('[data-testid=filter-min]', String(min))
    await page.click('[data-testid=filter-apply]')
    await page.waitForURL((u) => u.searchParams.get('minElapsed') === String(min) && !u.searchParams.has('clientIp'))
    await page.waitForSelector('[data-testid=transactions-status][data-state=loaded]')
    const shown = (await page.locator('[data-testid=transaction-row] td:nth-child(2)').allTextContents()).map((x) => Number(x.replace(/,/g, '')))
    assert(shown.length > 0 && shown.every((e) => e >= min), `latency filter >= ${min} shows ${shown.slice(0, 5)}`)
    // shareable: the same address in a new tab shows the same filters
    const url = page.url()
    const other = await context.newPage()
    await other.goto(url)
    await other.waitForSelector('[data-testid=transactions-status][data-state=loaded]')
    assert((await other.inputValue('[data-testid=filter-min]')) === String(min), 'filter not restored from the URL')
    assert((await other.locator('[data-testid=transaction-row]').count()) === shown.length, 'a shared URL shows other rows')
    await other.close()
    // sorting by elapsed, ascending
    await page.click('th[data-sort=elapsed]')
    await page.waitForURL((u) => u.searchParams.get('sort') === 'elapsed')
    await shot(page, '05-transactions')
  })

  await check('call tree shows SQL with bind values', async () => {
    let found = null
    for (const t of sample.slice(0, 200)) {
      const tree = (await api('/api/transactions/' + t.transactionId)).body
      const row = tree && tree.callTree.find((r) => Array.isArray(r.bindValues) && r.bindValues.length > 0)
      if (row) { found = { id: t.transactionId, row }; break }
    }
    assert(found, 'no transaction with bind values among the first 200')
    await page.goto(base + '/transactions/' + found.id + '?' + q())
    await page.waitForSelector('[data-testid=calltree-row]')
    const args = await page.locator('[data-testid=row-argument]').allTextContents()
    assert(args.includes(found.row.argument), 'SQL not shown: ' + found.row.argument)
    const binds = await page.locator('[data-testid=row-binds]').allTextContents()
    const expected = 'binds: ' + found.row.bindValues.map((v) => (v === null ? 'NULL' : JSON.stringify(v))).join(', ')
    assert(binds.includes(expected), `bind values ${JSON.stringify(binds)} lack ${expected}`)
    await shot(page, '06-calltree')
  })

  await check('inspector charts have data', async () => {
    await page.goto(base + '/inspector?' + q())
    await page.waitForSelector('[data-testid=inspector-status][data-state=loaded]', { timeout: 20000 })
    for (const key of ['heap', 'cpu', 'threads']) {
      assert((await page.getAttribute(`[data-testid=chart-${key}]`, 'data-empty')) === 'false', key + ' chart is empty')
    }
    await page.waitForTimeout(300)
    await shot(page, '07-inspector')
  })

  await check('inspector shows connection-pool gauges when the agent reports them', async () => {
    const agentId = new URL(page.url()).searchParams.get('agentId')
    assert(agentId, 'the inspector chose no agent')
    const now = Date.now()
    const stats = (await api(`/api/agents/${encodeURIComponent(agentId)}/stats?from=${now - 86400e3}&to=${now + 1}`)).body
    if (!stats.pools || stats.pools.length === 0) skip('the agent reports no connection pool')
    await page.goto(base + '/inspector?' + q({ agentId, range: '1d' }))
    await page.waitForSelector('[data-testid=inspector-status][data-state=loaded]', { timeout: 20000 })
    for (const pool of stats.pools) {
      const sel = `[data-testid="chart-pool:${pool.name}"]`
      assert((await page.getAttribute(sel, 'data-empty')) === 'false', 'pool chart empty or missing: ' + pool.name)
    }
    await page.waitForTimeout(300)
    await shot(page, '07b-inspector-pools')
  })

  await check('live page polls the agent', async () => {
    await page.goto(base + '/live?' + q())
    await page.waitForFunction(() => ['connected', 'disconnected'].includes(document.querySelector('[data-testid=live-status]')?.dataset.state), null, { timeout: 15000 })
    await shot(page, '08-live')
  })

  await check('live page shows a slow request in flight, coloured by elapsed time, with its stack on click', async () => {
    if (!traffic) skip('no --trafficUrl to send a slow request to')
    const slow = hit('/slow?ms=12000').catch((e) => 'failed: ' + e.message)
    try {
      await page.goto(base + '/live?' + q())
      const row = '[data-testid=live-row][data-uri="/slow"]'
      await page.waitForFunction((r) => Number(document.querySelector(r)?.dataset.elapsed) >= 3000, row, { timeout: 20000 })
      const first = await page.$eval(row, (r) => ({ elapsed: Number(r.dataset.elapsed), cls: r.className }))
      const want = first.elapsed >= 5000 ? 'el-slow' : 'el-5s'
      assert(first.cls.split(' ').includes(want), `row of ${first.elapsed} ms has classes "${first.cls}", expected ${want}`)
      // refreshed every second: the same request, older
      await page.waitForFunction(([r, e]) => Number(document.querySelector(r)?.dataset.elapsed) >= e + 900, [row, first.elapsed], { timeout: 5000 })
      await page.click(row)
      await page.waitForSelector('[data-testid=live-stack]')
      const stack = await page.textContent('[data-testid=live-stack]')
      assert(/sleep/i.test(stack) && stack.split('\n').length >= 3, 'stack of the sleeping request: ' + stack.slice(0, 300))
      await shot(page, '08b-live-stack')
      assert((await slow) === 200, 'the slow request ended with ' + (await slow))
      await page.waitForFunction((r) => !document.querySelector(r), row, { timeout: 10000 })
    } finally {
      await slow
    }
  })

  await check(`text from traced apps containing ${opt.xss} renders as text`, async () => {
    const now = Date.now()
    const hits = (await api(`/api/transactions?application=${encodeURIComponent(app)}&from=${now - 86400e3}&to=${now + 1}&url=${encodeURIComponent(opt.xss)}&limit=10`)).body.transactions
    let where = null
    if (hits.length) {
      where = hits[0]
    } else {
      for (const t of sample.slice(0, 200)) {
        const tree = (await api('/api/transactions/' + t.transactionId)).body
        if (tree && tree.callTree.some((r) => [r.api, r.argument, r.exception].some((s) => s && s.includes(opt.xss)))) { where = t; break }
      }
    }
    assert(where, `no traced text contains ${opt.xss}; send such a request first`)
    const scriptsBefore = await page.evaluate(() => document.querySelectorAll('script:not([src]), script[src^="data:"]').length)
    await page.goto(base + '/transactions?' + q({ url: opt.xss }))
    await page.waitForSelector('[data-testid=transactions-status][data-state=loaded]')
    await page.goto(base + '/transactions/' + where.transactionId + '?' + q())
    await page.waitForSelector('[data-testid=calltree-row]')
    const text = await page.textContent('[data-testid=calltree-table]')
    assert(text.includes(opt.xss), 'the traced text is not shown literally')
    const injected = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script:not([src]), script[src^="data:"]').length,
      flagged: window.__sightlineXss !== undefined,
      imgs: document.querySelectorAll('main img[onerror], main svg[onload]').length
    }))
    assert(injected.scripts === scriptsBefore && !injected.flagged && injected.imgs === 0, 'markup got into the page: ' + JSON.stringify(injected))
    await shot(page, '09-xss-as-text')
  })

  await check('logout ends the session on every page', async () => {
    await page.goto(base + '/servermap?' + q())
    await page.click('[data-testid=logout]')
    await page.waitForURL((u) => u.pathname === '/login')
    for (const p of PAGES) {
      await page.goto(base + p + '?' + q())
      await page.waitForSelector('[data-testid=login-form]')
    }
    const r = await api('/api/applications')
    assert(r.status === 401, 'API still answers ' + r.status)
  })

  await check('no script errors or dialogs on any page', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '))
  })
} finally {
  await close()
}
console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed ? 1 : 0)
