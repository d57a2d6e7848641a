// Time ranges and the way times and sizes are shown.

export const RANGES = [
  { key: '5m', label: 'Last 5 min', ms: 5 * 60_000 },
  { key: '1h', label: 'Last 1 hour', ms: 3_600_000 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { key: '1d', label: 'Last 1 day', ms: 24 * 3_600_000 }
]
export const DEFAULT_RANGE = '5m'

/** [from, to) in epoch ms for a preset ("5m"...) or custom bounds. */
export function resolveRange({ range, from, to } = {}, now = Date.now()) {
  if (range === 'custom') {
    const f = Number(from)
    const t = Number(to)
    if (Number.isFinite(f) && Number.isFinite(t) && f < t) return { from: f, to: t }
  }
  const preset = RANGES.find((r) => r.key === range) || RANGES.find((r) => r.key === DEFAULT_RANGE)
  return { from: now - preset.ms, to: now + 1 }
}

const pad = (n, w = 2) => String(n).padStart(w, '0')

/** 2024-05-01 12:34:56 in local time. */
export function fmtTime(ms, withMillis = false) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return ''
  const d = new Date(Number(ms))
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  return withMillis ? s + '.' + pad(d.getMilliseconds(), 3) : s
}

/** Value for an <input type="datetime-local"> and back. */
export function toLocalInput(ms) {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}
export function fromLocalInput(text) {
  const t = new Date(text).getTime()
  return Number.isFinite(t) ? t : null
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return ''
  const n = Number(ms)
  if (n >= 60_000) return (n / 60_000).toFixed(1) + ' min'
  if (n >= 10_000) return (n / 1000).toFixed(1) + ' s'
  return Math.round(n).toLocaleString('en-US') + ' ms'
}

export function fmtBytes(b) {
  if (b === null || b === undefined) return ''
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = Number(b)
  let i = 0
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i]
}

export function fmtCount(n) {
  return Number(n || 0).toLocaleString('en-US')
}

/** The colour class of an elapsed time, by the server map's buckets. */
export function elapsedClass(ms) {
  if (ms >= 5000) return 'el-slow'
  if (ms >= 3000) return 'el-5s'
  if (ms >= 1000) return 'el-3s'
  return 'el-1s'
}
