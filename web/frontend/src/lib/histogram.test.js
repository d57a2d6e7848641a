import { describe, it, expect } from 'vitest'
import { histogramBars, histogramTotal, bucketFilter } from './histogram.js'

describe('histogram', () => {
  it('shapes the five buckets in order with shares of the total', () => {
    const bars = histogramBars({ '1s': 110, '3s': 6, '5s': 1, slow: 1, error: 2 })
    expect(bars.map((b) => [b.key, b.count, b.share])).toEqual([
      ['1s', 110, 110 / 120], ['3s', 6, 6 / 120], ['5s', 1, 1 / 120], ['slow', 1, 1 / 120], ['error', 2, 2 / 120]
    ])
    expect(histogramTotal({ '1s': 110, '3s': 6, '5s': 1, slow: 1, error: 2 })).toBe(120)
  })

  it('treats a missing histogram as empty', () => {
    expect(histogramBars(null).map((b) => b.count)).toEqual([0, 0, 0, 0, 0])
    expect(histogramBars(undefined).every((b) => b.share === 0)).toBe(true)
  })

  it('maps each bucket to the list filters of the transactions in it', () => {
    expect(bucketFilter('1s')).toEqual({ minElapsed: 0, maxElapsed: 999, error: false })
    expect(bucketFilter('3s')).toEqual({ minElapsed: 1000, maxElapsed: 2999, error: false })
    expect(bucketFilter('5s')).toEqual({ minElapsed: 3000, maxElapsed: 4999, error: false })
    expect(bucketFilter('slow')).toEqual({ minElapsed: 5000, maxElapsed: null, error: false })
    expect(bucketFilter('error')).toEqual({ minElapsed: null, maxElapsed: null, error: true })
  })
})
