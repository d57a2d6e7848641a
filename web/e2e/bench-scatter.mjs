// Browser benchmark of the scatter page: time to first paint, to the full picture, and to the
// list after a drag-select, for a window of ~1,000,000 transactions against a baseline window of
// ~10,000 on the same server in the same run. Prints medians and the ratios.
//
//   node bench-scatter.mjs --baseUrl=URL --password=PW --application=shop --from=T0 --to=T1 [--runs=5]
// The baseline window is the newest 1% of [from, to).
import { launch, options, login } from './browser.mjs'

const opt = options({ baseUrl: 'http://127.0.0.1:8080', password: '', application: 'shop', runs: '5' })
const from = Number(opt.from)
const to = Number(opt.to)
if (!opt.password || !(from < to)) {
  console.error('usage: node bench-scatter.mjs --baseUrl=URL --password=PW --application=NAME --from=MS --to=MS [--runs=N]')
  process.exit(2)
}
const base = opt.baseUrl.replace(/\/$/, '')
const runs = Number(opt.runs)
const { context, close } = await launch()
const page = context.pages()[0]
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function measure(windowFrom, windowTo) {
  const url = `${base}/scatter?application=${encodeURIComponent(opt.application)}&range=custom&from=${windowFrom}&to=${windowTo}`
  const t0 = Date.now()
  await page.goto(url)
  const navStart = await page.evaluate(() => performance.timeOrigin)
  await page.waitForFunction(() => ['complete', 'density'].includes(document.querySelector('[data-testid=scatter-status]')?.dataset.state), null, { timeout: 120000 })
  const marks = await page.evaluate(() => window.__sightlineScatter.marks)
  const total = Number(await page.getAttribute('[data-testid=scatter-status]', 'data-total'))
  const firstPaint = navStart + marks['first-paint'] - t0
  const fullPaint = navStart + (marks['density-paint'] ?? marks['first-paint']) - t0
  // where the first paint goes, from the page's own clock (0 = navigation start): the data
  // requests made for it (how many, when the first started, when the last ended), then drawing
  const split = await page.evaluate((paintAt) => {
    const data = performance.getEntriesByType('resource')
      .filter((e) => /\/api\/scatter/.test(e.name) && e.startTime < paintAt)
    return {
      requests: data.length,
      dataStart: data.length ? Math.min(...data.map((e) => e.startTime)) : null,
      dataEnd: data.length ? Math.max(...data.map((e) => e.responseEnd)) : null,
      paint: paintAt
    }
  }, marks['first-paint'])
  // responsiveness: the main thread answers within this time after the picture is up
  const lag = await page.evaluate(() => new Promise((resolve) => { const s = performance.now(); setTimeout(() => resolve(performance.now() - s), 0) }))
  // drag a rectangle over the right half, lower third of the plot
  const box = await page.locator('[data-testid=scatter-chart]').boundingBox()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.66)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.8, { steps: 4 })
  await page.mouse.move(box.x + box.width - 30, box.y + box.height - 41, { steps: 4 })
  const up = await page.evaluate(() => performance.now())
  await page.mouse.up()
  await page.waitForFunction((after) => (window.__sightlineScatter.marks['selection-done'] || 0) > after, up, { timeout: 60000 })
  const m2 = await page.evaluate(() => window.__sightlineScatter.marks)
  const rows = await page.locator('[data-testid=scatter-selection] [data-testid=transaction-row]').count()
  return { total, firstPaint, fullPaint, select: m2['selection-done'] - up, rows, lag, split }
}

try {
  await login(page, base, opt.password)
  const baselineFrom = to - Math.max(1, Math.floor((to - from) / 100))
  await measure(baselineFrom, to) // warm-up: caches, JIT on both sides
  await measure(from, to)
  const result = { baseline: [], full: [] }
  for (let i = 0; i < runs; i++) {
    result.baseline.push(await measure(baselineFrom, to))
    result.full.push(await measure(from, to))
  }
  const summary = {}
  for (const [k, list] of Object.entries(result)) {
    summary[k] = {
      points: list[0].total,
      firstPaintMs: Math.round(median(list.map((r) => r.firstPaint))),
      fullPaintMs: Math.round(median(list.map((r) => r.fullPaint))),
      selectMs: Math.round(median(list.map((r) => r.select))),
      selectedRows: list[0].rows,
      dataRequests: list[0].split.requests,
      dataStartMs: Math.round(median(list.map((r) => r.split.dataStart))),
      dataEndMs: Math.round(median(list.map((r) => r.split.dataEnd))),
      drawMs: Math.round(median(list.map((r) => r.split.paint - r.split.dataEnd))),
      mainThreadLagMs: Math.round(median(list.map((r) => r.lag)))
    }
  }
  // the API answers behind the first paint, full window, same server: the newest page of points
  // (what the page drew first before), the pre-aggregated summary (what it draws now) and the
  // density read from the index (the full picture before)
  const api = async (path, n) => {
    const times = []
    let body = null
    for (let i = 0; i < n; i++) {
      const r = await page.evaluate(async (u) => {
        const s = performance.now()
        const res = await fetch(u, { credentials: 'same-origin' })
        const text = await res.text()
        const ms = performance.now() - s
        const entries = performance.getEntriesByName(new URL(u, location.href).href)
        const wire = entries.length ? entries[entries.length - 1].encodedBodySize : null
        performance.clearResourceTimings()
        return { ms, bytes: text.length, wire, total: JSON.parse(text).total ?? null }
      }, base + path)
      times.push(r.ms)
      body = r
    }
    return { ms: Math.round(median(times)), bytes: body.bytes, wireBytes: body.wire, total: body.total }
  }
  const w = `application=${encodeURIComponent(opt.application)}&from=${from}&to=${to}`
  summary.api = {
    firstPage: await api(`/api/scatter?${w}&limit=10000`, Math.max(3, runs)),
    summary: await api(`/api/scatter/summary?${w}&columns=1000`, Math.max(3, runs)),
    indexDensity: await api(`/api/scatter/density?${w}&columns=1000`, 1)
  }
  const b = summary.baseline
  const f = summary.full
  console.log(`scatter bench (${runs} runs, medians)`)
  // the full picture is its own figure only on a page that paints in two steps (points, then density)
  const full = (x) => x.fullPaintMs === x.firstPaintMs ? 'same as first paint' : `${x.fullPaintMs} ms`
  const line = (x) => `first paint ${x.firstPaintMs} ms (data requests: ${x.dataRequests}, from ${x.dataStartMs} to ${x.dataEndMs} ms after navigation start; ` +
    `drawn ${x.drawMs} ms after), full picture ${full(x)}, drag-select -> list ${x.selectMs} ms (${x.selectedRows} rows), main-thread lag ${x.mainThreadLagMs} ms`
  console.log(`  baseline: ${b.points} points: ${line(b)}`)
  console.log(`  full:     ${f.points} points: ${line(f)}`)
  console.log(`  ratio full/baseline: first paint ${(f.firstPaintMs / b.firstPaintMs).toFixed(2)}x, full picture ${(f.fullPaintMs / b.fullPaintMs).toFixed(2)}x, drag-select ${(f.selectMs / b.selectMs).toFixed(2)}x`)
  const a = summary.api
  console.log(`  API, full window: newest 10,000 points ${a.firstPage.ms} ms (${a.firstPage.bytes} bytes), summary ${a.summary.ms} ms (${a.summary.bytes} bytes, ${a.summary.wireBytes} on the wire, ${a.summary.total} points),` +
    ` density from the index ${a.indexDensity.ms} ms (${a.indexDensity.total} points); ratio summary/first page ${(a.summary.ms / a.firstPage.ms).toFixed(2)}x`)
  console.log('RESULT ' + JSON.stringify(summary))
} finally {
  await close()
}
