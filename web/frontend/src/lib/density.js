// Scatter density: the server bins every point of the window into cells (GET
// /api/scatter/density: columns over time, logarithmic elapsed rows); here cells become pixels.
// A cell paints every pixel it covers, at least one, so no point is ever invisible however
// many there are; sparse cells also come with their exact points, drawn as dots.

/** Lower elapsed bound (ms) of a density row; rows grow by {@code ratio}. */
export function rowLowerBound(row, ratio) {
  return row <= 0 ? 0 : Math.pow(ratio, row - 1)
}

/** A round upper bound for the elapsed axis. */
export function niceMax(v) {
  const x = Math.max(10, Number(v) || 0) * 1.05
  const p = Math.pow(10, Math.floor(Math.log10(x)))
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p
  return 10 * p
}

/** The bottom of a logarithmic elapsed axis (ms); 0 ms is drawn there too. */
export const LOG_MIN = 1

/** A round upper bound for a logarithmic elapsed axis: a power of ten. */
export function niceLogMax(v) {
  return Math.pow(10, Math.max(1, Math.ceil(Math.log10(Math.max(10, Number(v) || 0) * 1.05))))
}

/**
 * Scales of a plot area {width, height, from, to, yMax, log}: value -> pixel and back. Time is
 * linear; elapsed is linear from 0, or logarithmic from {@link LOG_MIN} when {@code log}.
 */
export function scales(plot) {
  const { width, height, from, to, yMax, log } = plot
  const top = Math.log10(yMax)
  const y = log
    ? (e) => height - (Math.log10(Math.min(Math.max(e, LOG_MIN), yMax)) / top) * height
    : (e) => height - (Math.min(e, yMax) / yMax) * height
  const e = log
    ? (py) => Math.pow(10, ((height - py) / height) * top)
    : (py) => ((height - py) / height) * yMax
  return {
    x: (t) => ((t - from) / (to - from)) * width,
    y,
    t: (px) => from + (px / width) * (to - from),
    e
  }
}

/**
 * The cells of a density answer as typed arrays: the server sends them as columns of steps
 * ({columnDelta, rowDelta, success, error}; a row step restarts at each new column).
 */
export function decodeCells(cells) {
  const n = cells.columnDelta.length
  const column = new Int32Array(n)
  const row = new Int32Array(n)
  let c = 0
  let r = 0
  for (let i = 0; i < n; i++) {
    const dc = cells.columnDelta[i]
    c += dc
    r = i > 0 && dc === 0 ? r + cells.rowDelta[i] : cells.rowDelta[i]
    column[i] = c
    row[i] = r
  }
  return { length: n, column, row, success: cells.success, error: cells.error }
}

/**
 * Per-pixel success and error counts of a density result on a plot area; adds into
 * {@code into} (a raster of the same plot) when given, so that several slices share one picture.
 */
export function rasterize(result, plot, into = null) {
  const width = Math.max(1, Math.floor(plot.width))
  const height = Math.max(1, Math.floor(plot.height))
  const success = into ? into.success : new Float32Array(width * height)
  const error = into ? into.error : new Float32Array(width * height)
  const s = scales({ ...plot, width, height })
  const colMs = (result.to - result.from) / result.columns
  const cells = decodeCells(result.cells)
  // pixel spans of each row, computed once per row rather than once per cell (tens of thousands)
  const rowTop = new Map()
  const rowBottom = new Map()
  for (let i = 0; i < cells.length; i++) {
    const col = cells.column[i]
    const row = cells.row[i]
    const ok = cells.success[i]
    const bad = cells.error[i]
    const t0 = result.from + col * colMs
    let x0 = Math.floor(s.x(t0))
    let x1 = Math.ceil(s.x(t0 + colMs))
    if (x1 <= 0 || x0 >= width) continue
    x0 = Math.max(0, x0)
    x1 = Math.min(width, Math.max(x1, x0 + 1))
    let y0 = rowTop.get(row)
    let y1
    if (y0 === undefined) {
      y0 = Math.floor(s.y(rowLowerBound(row + 1, result.rowRatio)))
      y1 = Math.ceil(s.y(rowLowerBound(row, result.rowRatio)))
      y0 = Math.max(0, Math.min(height - 1, y0))
      y1 = Math.min(height, Math.max(y1, y0 + 1))
      rowTop.set(row, y0)
      rowBottom.set(row, y1)
    } else {
      y1 = rowBottom.get(row)
    }
    const area = (x1 - x0) * (y1 - y0)
    // spread the cell's count over its pixels, but every pixel gets at least a visible share
    const okPer = ok > 0 ? Math.max(ok / area, 1) : 0
    const badPer = bad > 0 ? Math.max(bad / area, 1) : 0
    for (let y = y0; y < y1; y++) {
      const rowBase = y * width
      for (let x = x0; x < x1; x++) {
        success[rowBase + x] += okPer
        error[rowBase + x] += badPer
      }
    }
  }
  return { width, height, success, error }
}

/** The same buffers from raw points (the first page, or real-time points). */
export function rasterizePoints(points, plot) {
  const width = Math.max(1, Math.floor(plot.width))
  const height = Math.max(1, Math.floor(plot.height))
  const success = new Float32Array(width * height)
  const error = new Float32Array(width * height)
  const s = scales({ ...plot, width, height })
  for (const p of points) {
    const x = Math.floor(s.x(p.startTime))
    if (x < 0 || x >= width) continue
    const y = Math.min(height - 1, Math.max(0, Math.floor(s.y(p.elapsed))))
    ;(p.error ? error : success)[y * width + x] += 1
  }
  return { width, height, success, error }
}

/**
 * RGBA pixels: successes blue, errors red (mixed by their share), opacity growing with
 * the logarithm of the count so that a single point is still clearly visible.
 */
export function toRgba(raster) {
  const { width, height, success, error } = raster
  const out = new Uint8ClampedArray(width * height * 4)
  let maxCount = 1
  for (let i = 0; i < success.length; i++) {
    const c = success[i] + error[i]
    if (c > maxCount) maxCount = c
  }
  const logMax = Math.log(1 + maxCount)
  for (let i = 0; i < success.length; i++) {
    const ok = success[i]
    const bad = error[i]
    if (ok === 0 && bad === 0) continue
    const o = i * 4
    const strength = 0.45 + 0.55 * (Math.log(1 + ok + bad) / logMax)
    // errors pull the colour from blue to red; any error at all shows as at least a purple tint
    const t = bad > 0 ? 0.35 + 0.65 * Math.sqrt(bad / (ok + bad)) : 0
    out[o] = Math.round(31 + (214 - 31) * t)
    out[o + 1] = Math.round(119 + (39 - 119) * t)
    out[o + 2] = Math.round(180 + (40 - 180) * t)
    out[o + 3] = Math.round(255 * Math.min(1, strength))
  }
  return out
}

/** A pixel rectangle of the plot area as list filters: [from, to) and the elapsed range. */
export function selectionToFilter(rect, plot) {
  const s = scales(plot)
  const x0 = Math.max(0, Math.min(rect.x0, rect.x1))
  const x1 = Math.min(plot.width, Math.max(rect.x0, rect.x1))
  const y0 = Math.max(0, Math.min(rect.y0, rect.y1))
  const y1 = Math.min(plot.height, Math.max(rect.y0, rect.y1))
  const from = Math.floor(s.t(x0))
  const to = Math.max(from + 1, Math.ceil(s.t(x1)))
  // the bottom edge of a logarithmic axis stands for 0 ms as well
  const minElapsed = plot.log && y1 >= plot.height ? 0 : Math.max(0, Math.floor(s.e(y1)))
  // the top edge of the plot means "and everything above", since taller points are drawn there
  const maxElapsed = y0 <= 0 ? null : Math.max(minElapsed, Math.ceil(s.e(y0)))
  return { from, to, minElapsed, maxElapsed }
}

/** Points inside a filter (the same rule the server applies: [from, to), inclusive elapsed). */
export function pointsInFilter(points, f) {
  return points.filter((p) => p.startTime >= f.from && p.startTime < f.to &&
    (f.minElapsed === null || p.elapsed >= f.minElapsed) &&
    (f.maxElapsed === null || p.elapsed <= f.maxElapsed))
}

/** [from, to) cut into {@code n} contiguous slices, newest first. */
export function slices(from, to, n) {
  const out = []
  for (let k = n - 1; k >= 0; k--) {
    out.push({ from: from + Math.round(((to - from) * k) / n), to: from + Math.round(((to - from) * (k + 1)) / n) })
  }
  return out.filter((x) => x.from < x.to)
}

/** Density results of slices combined: totals, elapsed range and exact points (at most {@code maxPoints}, slowest kept). */
export function combine(results, maxPoints = 2000) {
  let total = 0
  let errors = 0
  let minElapsed = null
  let maxElapsed = null
  let points = []
  let complete = true
  for (const r of results) {
    total += r.total
    errors += r.errors
    if (r.minElapsed !== null && (minElapsed === null || r.minElapsed < minElapsed)) minElapsed = r.minElapsed
    if (r.maxElapsed !== null && (maxElapsed === null || r.maxElapsed > maxElapsed)) maxElapsed = r.maxElapsed
    points = points.concat(r.points)
    complete = complete && r.complete
  }
  if (points.length > maxPoints) points = [...points].sort((a, b) => b.elapsed - a.elapsed).slice(0, maxPoints)
  return { slices: results, total, errors, minElapsed, maxElapsed, points, complete }
}
