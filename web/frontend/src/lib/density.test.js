import { describe, it, expect } from 'vitest'
import { rasterize, rasterizePoints, toRgba, selectionToFilter, pointsInFilter, niceMax, niceLogMax, rowLowerBound, scales, slices, combine, decodeCells } from './density.js'

const RATIO = 1.04
function rowOf(elapsed) {
  if (elapsed <= 0) return 0
  let r = Math.floor(Math.log(elapsed) / Math.log(RATIO)) + 1
  while (r > 1 && rowLowerBound(r, RATIO) > elapsed) r--
  while (rowLowerBound(r + 1, RATIO) <= elapsed) r++
  return r
}

/** Cells [column, row, successes, errors] (ordered) as the server sends them. */
function sent(tuples) {
  const out = { columnDelta: [], rowDelta: [], success: [], error: [] }
  tuples.forEach(([c, r, ok, bad], i) => {
    const prev = tuples[i - 1]
    out.columnDelta.push(i === 0 ? c : c - prev[0])
    out.rowDelta.push(i > 0 && c === prev[0] ? r - prev[1] : r)
    out.success.push(ok)
    out.error.push(bad)
  })
  return out
}

describe('scatter density', () => {
  it('decodes the cells the server sends as column and row steps', () => {
    // the server's example: columns 0, 5, 9, 9 (the rows of column 9 as a first row and a step)
    const d = decodeCells({ columnDelta: [0, 5, 4, 0], rowDelta: [59, 118, 1, 280], success: [100, 1, 1, 0], error: [0, 1, 0, 1] })
    expect(d.length).toBe(4)
    expect([...d.column]).toEqual([0, 5, 9, 9])
    expect([...d.row]).toEqual([59, 118, 1, 281])
    expect([...d.success]).toEqual([100, 1, 1, 0])
    expect([...d.error]).toEqual([0, 1, 0, 1])
  })

  const plot = { width: 100, height: 50, from: 0, to: 1000, yMax: 1000 }

  it('paints every cell, however small, including a lone outlier', () => {
    const result = { from: 0, to: 1000, columns: 10, rowRatio: RATIO, cells: sent([[0, rowOf(5), 5000, 0], [9, rowOf(990), 0, 1]]) }
    const r = rasterize(result, plot)
    const painted = (buf) => { const out = []; buf.forEach((v, i) => { if (v > 0) out.push(i) }); return out }
    // column 0 covers x 0..10; a row near 5 ms is under one pixel tall, so it takes one pixel row
    const ok = painted(r.success)
    expect(ok.length).toBe(10)
    expect(new Set(ok.map((i) => Math.floor(i / 100)))).toEqual(new Set([49]))
    expect(ok.map((i) => i % 100)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(r.success[49 * 100]).toBe(500) // 5000 points over 10 pixels
    const bad = painted(r.error)
    expect(bad.length).toBeGreaterThan(0)
    expect(bad.every((i) => i % 100 >= 90)).toBe(true)
    // ~990 ms: its row [956.5, 994.8) ms covers pixel rows 0..2 of a 50 px plot up to 1000 ms
    expect(new Set(bad.map((i) => Math.floor(i / 100)))).toEqual(new Set([0, 1, 2]))
    expect(r.error[bad[0]]).toBe(1) // spread thin, but never below one
  })

  it('mixes error red into success blue by share and keeps single points visible', () => {
    const raster = { width: 4, height: 1, success: new Float32Array([1, 1000, 0, 99]), error: new Float32Array([0, 0, 1, 1]) }
    const px = toRgba(raster)
    expect([...px.slice(0, 3)]).toEqual([31, 119, 180]) // success only
    expect(px[3]).toBeGreaterThanOrEqual(Math.round(255 * 0.45)) // a lone point is still clearly drawn
    expect(px[7]).toBe(255) // the densest pixel is opaque
    expect([...px.slice(8, 11)]).toEqual([214, 39, 40]) // errors only
    const t = 0.35 + 0.65 * Math.sqrt(0.01) // one error in a hundred still tints the pixel
    expect([...px.slice(12, 15)]).toEqual([Math.round(31 + 183 * t), Math.round(119 - 80 * t), Math.round(180 - 140 * t)])
  })

  it('rasterises raw points, clamping tall ones to the top', () => {
    const r = rasterizePoints([{ startTime: 0, elapsed: 0, error: false }, { startTime: 999, elapsed: 5000, error: true }, { startTime: 2000, elapsed: 1, error: false }], plot)
    expect(r.success[49 * 100 + 0]).toBe(1)
    expect(r.error[0 * 100 + 99]).toBe(1)
    expect(r.success.reduce((a, b) => a + b, 0)).toBe(1)
  })

  it('turns a dragged rectangle into list filters, top edge meaning no upper bound', () => {
    expect(selectionToFilter({ x0: 10, x1: 30, y0: 25, y1: 50 }, plot)).toEqual({ from: 100, to: 300, minElapsed: 0, maxElapsed: 500 })
    expect(selectionToFilter({ x0: 30, x1: 10, y0: 0, y1: 40 }, plot)).toEqual({ from: 100, to: 300, minElapsed: 200, maxElapsed: null })
  })

  it('selects points with the server rules: [from, to) and inclusive elapsed', () => {
    const pts = [{ startTime: 100, elapsed: 0 }, { startTime: 299, elapsed: 500 }, { startTime: 300, elapsed: 10 }, { startTime: 150, elapsed: 501 }]
    expect(pointsInFilter(pts, { from: 100, to: 300, minElapsed: 0, maxElapsed: 500 })).toEqual(pts.slice(0, 2))
  })

  it('rounds the elapsed axis up', () => {
    expect(niceMax(0)).toBe(15)
    expect(niceMax(95)).toBe(100)
    expect(niceMax(5210)).toBe(6000)
    const s = scales(plot)
    expect([s.x(500), s.y(250), s.t(50), s.e(25)]).toEqual([50, 37.5, 500, 500])
  })
})

describe('density slices', () => {
  it('cuts a window into contiguous slices, newest first', () => {
    expect(slices(0, 1000, 3)).toEqual([{ from: 667, to: 1000 }, { from: 333, to: 667 }, { from: 0, to: 333 }])
    expect(slices(0, 2, 4)).toEqual([{ from: 1, to: 2 }, { from: 0, to: 1 }]) // empty slices dropped
  })

  it('combines slice results and paints them into one raster', () => {
    const a = { from: 500, to: 1000, columns: 5, rowRatio: 1.04, total: 3, errors: 1, minElapsed: 5, maxElapsed: 900, complete: true,
      cells: sent([[4, rowOf(900), 2, 1]]), points: [{ transactionId: 'a', startTime: 990, elapsed: 900, error: true }] }
    const b = { from: 0, to: 500, columns: 5, rowRatio: 1.04, total: 2, errors: 0, minElapsed: 1, maxElapsed: 20, complete: false,
      cells: sent([[0, rowOf(1), 2, 0]]), points: [{ transactionId: 'b', startTime: 10, elapsed: 1, error: false }, { transactionId: 'c', startTime: 20, elapsed: 20, error: false }] }
    const c = combine([a, b], 2)
    expect([c.total, c.errors, c.minElapsed, c.maxElapsed, c.complete]).toEqual([5, 1, 1, 900, false])
    expect(c.points.map((p) => p.transactionId)).toEqual(['a', 'c']) // the slowest kept
    const plot = { width: 100, height: 50, from: 0, to: 1000, yMax: 1000 }
    let r = null
    for (const s of c.slices) r = rasterize(s, plot, r)
    const painted = (buf) => buf.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)
    expect(painted(r.success)).toBeGreaterThan(0)
    expect(painted(r.error)).toBeGreaterThan(0)
    // slice b's cell is in the first 10 columns, slice a's in the last 10
    const cols = new Set()
    r.success.forEach((v, i) => { if (v > 0) cols.add(i % 100) })
    expect([...cols].every((x) => x < 10 || x >= 90)).toBe(true)
    expect(cols.has(0) && cols.has(99)).toBe(true)
  })

  it('maps elapsed on a logarithmic axis and back, 0 ms at the bottom', () => {
    const plot = { width: 100, height: 40, from: 0, to: 1000, yMax: 10_000, log: true }
    const s = scales(plot)
    expect([s.y(0), s.y(1), s.y(10), s.y(100), s.y(1000), s.y(10_000), s.y(99_999)]).toEqual([40, 40, 30, 20, 10, 0, 0])
    expect([s.e(40), s.e(30), s.e(10), s.e(0)].map((v) => Math.round(v))).toEqual([1, 10, 1000, 10_000])
    expect(selectionToFilter({ x0: 0, x1: 100, y0: 10, y1: 40 }, plot)).toEqual({ from: 0, to: 1000, minElapsed: 0, maxElapsed: 1000 })
    expect(selectionToFilter({ x0: 0, x1: 50, y0: 0, y1: 30 }, plot)).toEqual({ from: 0, to: 500, minElapsed: 10, maxElapsed: null })
    expect([niceLogMax(0), niceLogMax(95), niceLogMax(5200), niceLogMax(9600)]).toEqual([100, 100, 10_000, 100_000])
  })
})
