import { describe, it, expect } from 'vitest'
import { inspectorCharts, formatValue, hasData } from './stats.js'

describe('inspector charts', () => {
  const stats = {
    timestamps: [1000, 2000], heapUsed: [100, 200], heapMax: [1024, 1024], nonHeapUsed: [50, 60], gcCount: [0, 2], gcTime: [0, 15],
    cpuProcess: [0.125, 0.5], cpuSystem: [0.25, null], threads: [20, 21], activeRequests: [0, 3], tps: [1.5, 2], responseTimeAvg: [10, 12.5],
    pools: [{ name: 'HikariPool-1', active: [1, 2], idle: [9, 8], max: [10, 10], pending: [0, 0] }]
  }

  it('makes one chart per figure plus one per pool', () => {
    const charts = inspectorCharts(stats)
    expect(charts.map((c) => c.key)).toEqual(['heap', 'nonheap', 'cpu', 'gc', 'threads', 'tps', 'active', 'response', 'pool:HikariPool-1'])
    expect(charts[0].series).toEqual([{ name: 'used', data: [[1000, 100], [2000, 200]] }, { name: 'max', data: [[1000, 1024], [2000, 1024]] }])
    expect(charts[2].series).toEqual([{ name: 'process', data: [[1000, 12.5], [2000, 50]] }, { name: 'system', data: [[1000, 25], [2000, null]] }])
    expect(charts[8].series.map((s) => s.data)).toEqual([[[1000, 1], [2000, 2]], [[1000, 9], [2000, 8]], [[1000, 10], [2000, 10]], [[1000, 0], [2000, 0]]])
    expect(charts.every(hasData)).toBe(true)
  })

  it('knows an empty series', () => {
    const charts = inspectorCharts({ ...stats, timestamps: [], pools: [] })
    expect(charts.length).toBe(8)
    expect(charts.some(hasData)).toBe(false)
    expect(inspectorCharts(null)).toEqual([])
  })

  it('formats values by unit', () => {
    expect([formatValue('bytes', 1536), formatValue('%', 12.34), formatValue('ms', 9.6), formatValue('/s', 2), formatValue('', null)])
      .toEqual(['1.5 KiB', '12.3 %', '10 ms', '2.00 /s', '–'])
  })
})
