import { describe, it, expect } from 'vitest'
import { startScatterPrefetch, takeScatterPrefetch, summaryColumns, PLOT_MARGIN } from './prefetch.js'
import { parseFilters } from './filters.js'

const loc = (pathname, search) => ({ pathname, search })

describe('scatter prefetch', () => {
  it('asks the summary of the address window at once and hands it to the same state only once', async () => {
    const asked = []
    const fetchJson = (path, params) => { asked.push([path, params]); return Promise.resolve({ total: 7 }) }
    const search = '?application=shop&range=custom&from=1000&to=61000&error=true'
    startScatterPrefetch(loc('/scatter', search), fetchJson, 5000, 1000 + PLOT_MARGIN)
    expect(asked).toEqual([['/api/scatter/summary', { application: 'shop', from: 1000, to: 61000, error: true, columns: 1000, allPointsUpTo: 10_000 }]])
    const f = parseFilters(Object.fromEntries(new URLSearchParams(search)))
    const p = takeScatterPrefetch(f)
    expect(p.win).toEqual({ from: 1000, to: 61000 })
    expect(await p.answer).toEqual({ total: 7 })
    expect(takeScatterPrefetch(f)).toBeNull()
  })

  it('resolves a relative range when it starts and is not used for another state', () => {
    const fetchJson = () => Promise.resolve({})
    startScatterPrefetch(loc('/scatter', '?application=shop&range=1h'), fetchJson, 10_000_000, 800)
    const other = parseFilters({ application: 'shop', range: '1h', error: 'false' })
    expect(takeScatterPrefetch(other)).toBeNull()
    startScatterPrefetch(loc('/scatter', '?application=shop&range=1h'), fetchJson, 10_000_000, 800)
    const p = takeScatterPrefetch(parseFilters({ application: 'shop', range: '1h' }))
    expect(p.win).toEqual({ from: 10_000_000 - 3_600_000, to: 10_000_001 })
    expect(p.params.columns).toBe(summaryColumns(800 - PLOT_MARGIN))
  })

  it('asks nothing on other pages, without an application, or with filters the summary does not have', () => {
    const asked = []
    const fetchJson = (path) => { asked.push(path); return Promise.resolve(null) }
    expect(startScatterPrefetch(loc('/transactions', '?application=shop'), fetchJson)).toBeNull()
    expect(startScatterPrefetch(loc('/scatter', ''), fetchJson)).toBeNull()
    expect(startScatterPrefetch(loc('/scatter', '?application=shop&url=/a'), fetchJson)).toBeNull()
    expect(asked).toEqual([])
    expect(summaryColumns(10)).toBe(50)
  })
})
