import { describe, it, expect } from 'vitest'
import { shapeCallTree, visibleRows, formatBindValues, errorPath } from './calltree.js'

// the contract's example, plus a call into a second application with an SQL NULL bind and an error
const rows = [
  { id: 1, parentId: 0, depth: 0, application: 'petstore', agentId: 'p1', serviceType: 'TOMCAT', api: 'GET /owners/1', argument: null, bindValues: null, startTime: 1000, elapsed: 100, self: 10, error: true, exception: null, destination: null, status: 500 },
  { id: 2, parentId: 1, depth: 1, application: 'petstore', agentId: 'p1', serviceType: 'H2', api: 'PreparedStatement.executeQuery', argument: 'select * from owners where id = ?', bindValues: ['1', null], startTime: 1010, elapsed: 20, self: 20, error: false, exception: null, destination: 'testdb', status: null },
  { id: 3, parentId: 1, depth: 1, application: 'petstore', agentId: 'p1', serviceType: 'HTTP_CLIENT', api: 'HttpURLConnection.connect', argument: 'http://vets:8081/vets', bindValues: null, startTime: 1030, elapsed: 70, self: 5, error: true, exception: 'java.io.IOException: <script>x</script>', destination: 'vets:8081', status: 500 },
  { id: 4, parentId: 3, depth: 2, application: 'vets', agentId: 'v1', serviceType: 'TOMCAT', api: 'GET /vets', argument: null, bindValues: null, startTime: 1035, elapsed: 60, self: 60, error: true, exception: 'java.lang.IllegalStateException: boom', destination: null, status: 500 }
]

describe('call tree shaping', () => {
  it('adds children counts, bar geometry and row kinds', () => {
    const t = shapeCallTree(rows)
    expect(t.start).toBe(1000)
    expect(t.end).toBe(1100)
    expect(t.applications).toEqual(['petstore', 'vets'])
    expect(t.rows.map((r) => [r.id, r.children, r.offsetPct, r.widthPct, r.selfPct, r.kind])).toEqual([
      [1, 2, 0, 100, 10, 'entry'],
      [2, 0, 10, 20, 100, 'sql'],
      [3, 1, 30, 70, (5 / 70) * 100, 'http'],
      [4, 0, 35, 60, 100, 'entry']
    ])
  })

  it('hides the subtree of a collapsed row and nothing else', () => {
    const t = shapeCallTree(rows).rows
    expect(visibleRows(t, new Set()).map((r) => r.id)).toEqual([1, 2, 3, 4])
    expect(visibleRows(t, new Set([3])).map((r) => r.id)).toEqual([1, 2, 3])
    expect(visibleRows(t, new Set([1])).map((r) => r.id)).toEqual([1])
    expect(visibleRows(t, new Set([2])).map((r) => r.id)).toEqual([1, 2, 3, 4])
  })

  it('formats bind values with SQL NULL and quoting', () => {
    expect(formatBindValues(['1', null, 'O\'Brien "x"', 'abc...'])).toBe('"1", NULL, "O\'Brien \\"x\\"", "abc..."')
    expect(formatBindValues(null)).toBe('')
  })

  it('finds the rows on the way to errors', () => {
    expect([...errorPath(rows)].sort()).toEqual([1, 3, 4])
  })

  it('copes with an empty tree', () => {
    expect(shapeCallTree([])).toEqual({ rows: [], start: 0, end: 0, applications: [] })
  })
})
