import { describe, it, expect } from 'vitest'
import { toElements, nodeKind, applicationBehind, transactionsBehind, linkLabel, errorLevel } from './servermap.js'

const map = {
  nodes: [
    { key: 'USER^USER', name: 'USER', serviceType: 'USER', totalCount: 120, errorCount: 2, histogram: {} },
    { key: 'petstore^TOMCAT', name: 'petstore', serviceType: 'TOMCAT', totalCount: 120, errorCount: 2, histogram: {} },
    { key: 'testdb^H2', name: 'testdb', serviceType: 'H2', totalCount: 300, errorCount: 0, histogram: {} },
    { key: 'api.example:443^HTTP', name: 'api.example:443', serviceType: 'HTTP', totalCount: 4, errorCount: 1, histogram: {} }
  ],
  links: [
    { from: 'USER^USER', to: 'petstore^TOMCAT', totalCount: 120, errorCount: 2, avgElapsed: 35.2, maxElapsed: 5210 },
    { from: 'petstore^TOMCAT', to: 'testdb^H2', totalCount: 300, errorCount: 0, avgElapsed: 1.25, maxElapsed: 9 },
    { from: 'petstore^TOMCAT', to: 'api.example:443^HTTP', totalCount: 4, errorCount: 1, avgElapsed: 80, maxElapsed: 120 },
    { from: 'petstore^TOMCAT', to: 'vets^TOMCAT', totalCount: 7, errorCount: 0, avgElapsed: 12, maxElapsed: 20 }
  ]
}

describe('server map shaping', () => {
  it('classifies service types', () => {
    expect(['USER', 'TOMCAT', 'SPRING_BOOT', 'H2', 'MYSQL', 'MARIADB', 'POSTGRESQL', 'HTTP'].map(nodeKind))
      .toEqual(['user', 'application', 'application', 'database', 'database', 'database', 'database', 'http'])
  })

  it('makes nodes and edges with labels, error flags and missing nodes', () => {
    const els = toElements(map, 'petstore')
    const nodes = els.filter((e) => e.group === 'nodes').map((e) => [e.data.id, e.data.kind, e.data.label, e.data.hasErrors, e.data.focus])
    expect(nodes).toEqual([
      ['USER^USER', 'user', 'USER', 1, 0],
      ['petstore^TOMCAT', 'application', 'petstore\nTOMCAT · 120', 1, 1],
      ['testdb^H2', 'database', 'testdb\nH2 · 300', 0, 0],
      ['api.example:443^HTTP', 'http', 'api.example:443\nHTTP · 4', 2, 0],
      ['vets^TOMCAT', 'application', 'vets', 0, 0]
    ])
    const edges = els.filter((e) => e.group === 'edges').map((e) => [e.data.source, e.data.target, e.data.label, e.data.hasErrors])
    expect(edges).toEqual([
      ['USER^USER', 'petstore^TOMCAT', '120 calls · avg 35 ms · 2 err', 1],
      ['petstore^TOMCAT', 'testdb^H2', '300 calls · avg 1.3 ms', 0],
      ['petstore^TOMCAT', 'api.example:443^HTTP', '4 calls · avg 80 ms · 1 err', 2],
      ['petstore^TOMCAT', 'vets^TOMCAT', '7 calls · avg 12 ms', 0]
    ])
    expect(linkLabel({ totalCount: 1234567, avgElapsed: 0 })).toBe('1,234,567 calls · avg 0.0 ms')
  })

  it('finds the application whose transactions are behind a selection', () => {
    expect(applicationBehind(map, { type: 'node', key: 'petstore^TOMCAT' })).toBe('petstore')
    expect(applicationBehind(map, { type: 'node', key: 'testdb^H2' })).toBe(null)
    expect(applicationBehind(map, { type: 'link', from: 'USER^USER', to: 'petstore^TOMCAT' })).toBe('petstore')
    expect(applicationBehind(map, { type: 'link', from: 'petstore^TOMCAT', to: 'testdb^H2' })).toBe('petstore')
    expect(applicationBehind(map, { type: 'link', from: 'petstore^TOMCAT', to: 'vets^TOMCAT' })).toBe('vets')
  })

  it('lists an edge into a database or remote host as the caller\'s transactions, without bucket filters', () => {
    expect(transactionsBehind(map, { type: 'node', key: 'petstore^TOMCAT' })).toEqual({ application: 'petstore', bucketsFilter: true })
    expect(transactionsBehind(map, { type: 'node', key: 'USER^USER' })).toBe(null)
    expect(transactionsBehind(map, { type: 'link', from: 'USER^USER', to: 'petstore^TOMCAT' })).toEqual({ application: 'petstore', bucketsFilter: true })
    expect(transactionsBehind(map, { type: 'link', from: 'petstore^TOMCAT', to: 'testdb^H2' })).toEqual({ application: 'petstore', bucketsFilter: false })
    expect(transactionsBehind(map, { type: 'link', from: 'petstore^TOMCAT', to: 'api.example:443^HTTP' })).toEqual({ application: 'petstore', bucketsFilter: false })
    expect(transactionsBehind(map, { type: 'link', from: 'petstore^TOMCAT', to: 'vets^TOMCAT' })).toEqual({ application: 'vets', bucketsFilter: true })
  })

  it('grades errors: none, some, failing from 5 %', () => {
    expect([errorLevel(100, 0), errorLevel(100, 4), errorLevel(100, 5), errorLevel(0, 1), errorLevel(null, null)]).toEqual([0, 1, 2, 2, 0])
  })
})
