import { describe, it, expect } from 'vitest'
import { parseFilters, filtersToQuery, filtersToApi, validateFilters, looksLikeIpOrCidr, sortRows, emptyFilters } from './filters.js'

describe('filters <-> URL', () => {
  it('round-trips every filter through the query string', () => {
    const state = {
      ...emptyFilters(), application: 'petstore', range: 'custom', from: 1700000000000, to: 1700000360000,
      minElapsed: 100, maxElapsed: 5000, error: true, url: '/owners/*', clientIp: '10.0.0.0/8', agentId: 'petstore-1',
      sort: 'elapsed', order: 'asc'
    }
    const q = filtersToQuery(state)
    expect(q).toEqual({
      application: 'petstore', range: 'custom', from: '1700000000000', to: '1700000360000', minElapsed: '100',
      maxElapsed: '5000', error: 'true', url: '/owners/*', clientIp: '10.0.0.0/8', agentId: 'petstore-1', sort: 'elapsed', order: 'asc'
    })
    expect(parseFilters(q)).toEqual(state)
    // and through a real URL
    const url = new URL('http://x/transactions?' + new URLSearchParams(q))
    expect(parseFilters(Object.fromEntries(url.searchParams))).toEqual(state)
  })

  it('leaves defaults out of the address', () => {
    expect(filtersToQuery({ ...emptyFilters(), application: 'a' })).toEqual({ application: 'a' })
    expect(filtersToQuery({ ...emptyFilters(), error: false })).toEqual({ error: 'false' })
  })

  it('drops values that make no sense', () => {
    const f = parseFilters({ range: 'custom', from: '9', to: '3', minElapsed: '-1', maxElapsed: 'abc', error: 'maybe', sort: 'evil', order: 'up', url: '  ' })
    expect(f).toEqual(emptyFilters())
    expect(parseFilters({ range: '2w' }).range).toBe('5m')
    expect(parseFilters({ application: ['a', 'b'] }).application).toBe('a')
  })

  it('builds API parameters for a preset range at a given time', () => {
    const f = { ...emptyFilters(), application: 'petstore', range: '1h', error: false, clientIp: ' 127.0.0.1 ', minElapsed: 0 }
    expect(filtersToApi(f, 10_000_000, { limit: 50 })).toEqual({
      application: 'petstore', from: 10_000_000 - 3_600_000, to: 10_000_001, minElapsed: 0, error: false, clientIp: '127.0.0.1', limit: 50
    })
  })

  it('validates before asking the server', () => {
    expect(validateFilters({ ...emptyFilters(), minElapsed: 10, maxElapsed: 5, clientIp: '300.1.1.1' })).toEqual({
      minElapsed: 'minimum is above maximum', clientIp: 'an address or CIDR block, e.g. 10.0.0.0/8'
    })
    expect(validateFilters({ ...emptyFilters(), minElapsed: 5, maxElapsed: 5, clientIp: '::1' })).toEqual({})
  })

  it('recognises addresses and CIDR blocks', () => {
    for (const ok of ['127.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '::1', '2001:db8::/32', '::ffff:10.0.0.1']) expect(looksLikeIpOrCidr(ok), ok).toBe(true)
    for (const bad of ['', 'localhost', '10.0.0', '10.0.0.256', '10.0.0.0/33', '::1/129', '1.2.3.4/8/1', '<script>']) expect(looksLikeIpOrCidr(bad), bad).toBe(false)
  })

  it('sorts rows by number, text and flag in both directions', () => {
    const rows = [
      { id: 1, elapsed: 30, uri: '/b10', error: false },
      { id: 2, elapsed: 5, uri: '/b9', error: true },
      { id: 3, elapsed: 100, uri: '/a', error: false }
    ]
    expect(sortRows(rows, 'elapsed', 'desc').map((r) => r.id)).toEqual([3, 1, 2])
    expect(sortRows(rows, 'elapsed', 'asc').map((r) => r.id)).toEqual([2, 1, 3])
    expect(sortRows(rows, 'uri', 'asc').map((r) => r.id)).toEqual([3, 2, 1])
    expect(sortRows(rows, 'error', 'desc').map((r) => r.id)[0]).toBe(2)
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]) // the input is left alone
  })
})
