// Response-time histograms of the server map (CONTRACT.md buckets).

export const BUCKETS = [
  { key: '1s', label: '< 1 s', color: '#2e9d5b' },
  { key: '3s', label: '< 3 s', color: '#5b8dd6' },
  { key: '5s', label: '< 5 s', color: '#e0a526' },
  { key: 'slow', label: '≥ 5 s', color: '#e0652b' },
  { key: 'error', label: 'Error', color: '#d12f2f' }
]

/** Bars for a histogram: count and share of the total per bucket, in bucket order. */
export function histogramBars(h) {
  const counts = BUCKETS.map((b) => Number((h && h[b.key]) || 0))
  const total = counts.reduce((a, b) => a + b, 0)
  return BUCKETS.map((b, i) => ({
    ...b,
    count: counts[i],
    share: total ? counts[i] / total : 0
  }))
}

export function histogramTotal(h) {
  return BUCKETS.reduce((s, b) => s + Number((h && h[b.key]) || 0), 0)
}

/** The elapsed range (and error flag) of the transactions behind one bucket, for the list filters. */
export function bucketFilter(key) {
  switch (key) {
    case '1s': return { minElapsed: 0, maxElapsed: 999, error: false }
    case '3s': return { minElapsed: 1000, maxElapsed: 2999, error: false }
    case '5s': return { minElapsed: 3000, maxElapsed: 4999, error: false }
    case 'slow': return { minElapsed: 5000, maxElapsed: null, error: false }
    case 'error': return { minElapsed: null, maxElapsed: null, error: true }
    default: return { minElapsed: null, maxElapsed: null, error: null }
  }
}

export function errorRate(total, errors) {
  return total ? errors / total : 0
}
