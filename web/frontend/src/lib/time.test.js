import { describe, it, expect } from 'vitest'
import { resolveRange, fmtMs, fmtBytes, elapsedClass } from './time.js'

describe('time', () => {
  it('resolves presets and custom ranges', () => {
    expect(resolveRange({ range: '5m' }, 1_000_000)).toEqual({ from: 700_000, to: 1_000_001 })
    expect(resolveRange({ range: '1d' }, 100_000_000)).toEqual({ from: 100_000_000 - 86_400_000, to: 100_000_001 })
    expect(resolveRange({ range: 'custom', from: 5, to: 10 }, 99)).toEqual({ from: 5, to: 10 })
    expect(resolveRange({ range: 'custom', from: 10, to: 5 }, 1_000_000)).toEqual({ from: 700_000, to: 1_000_001 })
  })

  it('formats durations, sizes and elapsed colours', () => {
    expect([fmtMs(35), fmtMs(12_345), fmtMs(90_000)]).toEqual(['35 ms', '12.3 s', '1.5 min'])
    expect([fmtBytes(512), fmtBytes(1024 * 1024 * 3.5)]).toEqual(['512 B', '3.5 MiB'])
    expect([999, 1000, 3000, 5000].map(elapsedClass)).toEqual(['el-1s', 'el-3s', 'el-5s', 'el-slow'])
  })
})
