// The transaction filters and the URL: every filter lives in the query string so that a view
// can be shared by copying its address. parse(toQuery(s)) == s for every valid state.
import { RANGES, resolveRange } from './time.js'

export const SORT_FIELDS = ['startTime', 'elapsed', 'uri', 'clientIp', 'agentId', 'error']

/** The empty state: application and time range (shared by every page) plus the list filters. */
export function emptyFilters() {
  return {
    application: null,
    range: '5m',
    from: null,
    to: null,
    minElapsed: null,
    maxElapsed: null,
    error: null, // null = all, true = errors only, false = successes only
    url: null,
    clientIp: null,
    agentId: null,
    sort: 'startTime',
    order: 'desc'
  }
}

function oneValue(v) {
  return Array.isArray(v) ? v[0] : v
}

function wholeNumber(v) {
  if (v === null || v === undefined || v === '') return null
  const s = String(v).trim()
  return /^\d{1,15}$/.test(s) ? Number(s) : null
}

function text(v) {
  if (v === null || v === undefined) return null
  const s = String(v)
  return s.trim() === '' ? null : s
}

/** Reads filters from a route query object; values that make no sense are dropped. */
export function parseFilters(query = {}) {
  const f = emptyFilters()
  const q = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, oneValue(v)]))
  f.application = text(q.application)
  if (q.range === 'custom') {
    const from = wholeNumber(q.from)
    const to = wholeNumber(q.to)
    if (from !== null && to !== null && from < to) {
      f.range = 'custom'
      f.from = from
      f.to = to
    }
  } else if (RANGES.some((r) => r.key === q.range)) {
    f.range = q.range
  }
  f.minElapsed = wholeNumber(q.minElapsed)
  f.maxElapsed = wholeNumber(q.maxElapsed)
  f.error = q.error === 'true' ? true : q.error === 'false' ? false : null
  f.url = text(q.url)
  f.clientIp = text(q.clientIp)
  f.agentId = text(q.agentId)
  if (SORT_FIELDS.includes(q.sort)) f.sort = q.sort
  if (q.order === 'asc' || q.order === 'desc') f.order = q.order
  return f
}

/** The route query for a state; defaults are left out to keep addresses short. */
export function filtersToQuery(f) {
  const d = emptyFilters()
  const q = {}
  if (f.application) q.application = f.application
  if (f.range === 'custom' && f.from !== null && f.to !== null) {
    q.range = 'custom'
    q.from = String(f.from)
    q.to = String(f.to)
  } else if (f.range && f.range !== d.range) {
    q.range = f.range
  }
  for (const k of ['minElapsed', 'maxElapsed']) if (f[k] !== null && f[k] !== undefined) q[k] = String(f[k])
  if (f.error === true || f.error === false) q.error = String(f.error)
  for (const k of ['url', 'clientIp', 'agentId']) if (f[k]) q[k] = f[k]
  if (f.sort && f.sort !== d.sort) q.sort = f.sort
  if (f.order && f.order !== d.order) q.order = f.order
  return q
}

/** Problems a user can fix before asking the server, by field. */
export function validateFilters(f) {
  const errors = {}
  if (f.minElapsed !== null && f.maxElapsed !== null && f.minElapsed > f.maxElapsed) {
    errors.minElapsed = 'minimum is above maximum'
  }
  if (f.clientIp && !looksLikeIpOrCidr(f.clientIp)) errors.clientIp = 'an address or CIDR block, e.g. 10.0.0.0/8'
  if (f.range === 'custom' && !(f.from < f.to)) errors.range = 'the start must be before the end'
  return errors
}

export function looksLikeIpOrCidr(s) {
  const [addr, prefix, extra] = String(s).trim().split('/')
  if (extra !== undefined) return false
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr)
  let max
  if (v4) {
    if (v4.slice(1).some((o) => Number(o) > 255)) return false
    max = 32
  } else if (/^[0-9a-fA-F:.]+$/.test(addr) && addr.includes(':')) {
    max = 128
  } else {
    return false
  }
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max
}

/** Parameters of /api/transactions and /api/scatter for a state at time {@code now}. */
export function filtersToApi(f, now = Date.now(), extra = {}) {
  const { from, to } = resolveRange(f, now)
  const p = { application: f.application, from, to }
  if (f.minElapsed !== null) p.minElapsed = f.minElapsed
  if (f.maxElapsed !== null) p.maxElapsed = f.maxElapsed
  if (f.error === true || f.error === false) p.error = f.error
  if (f.url) p.url = f.url
  if (f.clientIp) p.clientIp = f.clientIp.trim()
  if (f.agentId) p.agentId = f.agentId
  return { ...p, ...extra }
}

/** Sorts transaction rows (a copy) by a field of the list. */
export function sortRows(rows, field = 'startTime', order = 'desc') {
  const dir = order === 'asc' ? 1 : -1
  const val = (r) => {
    const v = r[field]
    if (typeof v === 'boolean') return v ? 1 : 0
    return v === null || v === undefined ? '' : v
  }
  return [...rows].sort((a, b) => {
    const x = val(a)
    const y = val(b)
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir
    return String(x).localeCompare(String(y), 'en', { numeric: true }) * dir
  })
}
