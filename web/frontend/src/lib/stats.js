// Agent statistics (GET /api/agents/{id}/stats) shaped into the inspector's charts.
import { fmtBytes } from './time.js'

const pct = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10)

/** One entry per chart: title, unit formatter and series of [timestamp, value] pairs. */
export function inspectorCharts(stats) {
  if (!stats || !Array.isArray(stats.timestamps)) return []
  const ts = stats.timestamps
  const line = (name, values, map = (v) => v) => ({ name, data: ts.map((t, i) => [t, values && values[i] !== undefined && values[i] !== null ? map(values[i]) : null]) })
  const charts = [
    { key: 'heap', title: 'Heap', unit: 'bytes', series: [line('used', stats.heapUsed), line('max', stats.heapMax)] },
    { key: 'nonheap', title: 'Non-heap', unit: 'bytes', series: [line('used', stats.nonHeapUsed)] },
    { key: 'cpu', title: 'CPU', unit: '%', series: [line('process', stats.cpuProcess, pct), line('system', stats.cpuSystem, pct)] },
    { key: 'gc', title: 'GC', unit: 'count / ms', series: [line('collections', stats.gcCount), line('time (ms)', stats.gcTime)] },
    { key: 'threads', title: 'Threads', unit: '', series: [line('threads', stats.threads)] },
    { key: 'tps', title: 'Transactions per second', unit: '/s', series: [line('tps', stats.tps)] },
    { key: 'active', title: 'Active requests', unit: '', series: [line('active', stats.activeRequests)] },
    { key: 'response', title: 'Average response time', unit: 'ms', series: [line('avg', stats.responseTimeAvg)] }
  ]
  for (const pool of stats.pools || []) {
    charts.push({
      key: 'pool:' + pool.name, title: 'Pool ' + pool.name, unit: 'connections',
      series: [line('active', pool.active), line('idle', pool.idle), line('max', pool.max), line('pending', pool.pending)]
    })
  }
  return charts
}

export function formatValue(unit, v) {
  if (v === null || v === undefined) return '–'
  if (unit === 'bytes') return fmtBytes(v)
  if (unit === '%') return v.toFixed(1) + ' %'
  if (unit === 'ms') return Math.round(v) + ' ms'
  if (unit === '/s') return Number(v).toFixed(2) + ' /s'
  return String(Math.round(v * 100) / 100)
}

/** True when at least one series has at least one value. */
export function hasData(chart) {
  return chart.series.some((s) => s.data.some(([, v]) => v !== null))
}
