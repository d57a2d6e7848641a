import { describe, it, expect, vi, afterEach } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createRouter, createMemoryHistory } from 'vue-router'
import HistogramBars from './HistogramBars.vue'
import TransactionTable from './TransactionTable.vue'
import CallTreePage from '../views/CallTreePage.vue'

const XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

function router(path = '/') {
  const r = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/', component: { template: '<div/>' } },
    { path: '/transactions', component: { template: '<div/>' } },
    { path: '/transactions/:id', component: CallTreePage }
  ] })
  r.push(path)
  return r
}

afterEach(() => vi.unstubAllGlobals())

describe('HistogramBars', () => {
  it('draws the five buckets with counts and reports clicks', async () => {
    const w = mount(HistogramBars, { props: { histogram: { '1s': 1200, '3s': 6, '5s': 0, slow: 1, error: 2 } } })
    const bars = w.findAll('.bar')
    expect(bars.map((b) => [b.attributes('data-bucket'), b.find('.bar-count').text(), b.find('.bar-label').text()])).toEqual([
      ['1s', '1,200', '< 1 s'], ['3s', '6', '< 3 s'], ['5s', '0', '< 5 s'], ['slow', '1', '≥ 5 s'], ['error', '2', 'Error']
    ])
    expect(bars[2].find('.bar-fill').attributes('style')).toContain('height: 0%')
    await bars[4].trigger('click')
    expect(w.emitted('bucket')).toEqual([['error']])
  })
})

describe('TransactionTable', () => {
  it('shows traced text as text, never as markup', async () => {
    const r = router('/transactions?application=a')
    await r.isReady()
    const rows = [{ transactionId: 'a'.repeat(32), agentId: 'ag<b>1</b>', startTime: 0, elapsed: 1234, uri: '/x/' + XSS, method: 'GET', clientIp: '10.0.0.1', error: true, status: 500, exception: 'java.lang.Exception: ' + XSS }]
    const w = mount(TransactionTable, { props: { rows }, global: { plugins: [r] } })
    expect(w.findAll('script').length).toBe(0)
    expect(w.findAll('img').length).toBe(0)
    expect(w.findAll('b').length).toBe(0)
    const cells = w.findAll('[data-testid=transaction-row] td').map((td) => td.text())
    expect(cells[1]).toBe('1,234')
    expect(cells[2]).toBe('GET /x/' + XSS)
    expect(cells[4]).toBe('ag<b>1</b>')
    expect(cells[5]).toBe('error (500)')
    const full = 'java.lang.Exception: ' + XSS
    expect(cells[6]).toBe(full.slice(0, 79) + '…') // long text is cut in the cell...
    expect(w.find('td.exception').attributes('title')).toBe(full) // ...and whole in its tooltip
    expect(w.html()).toContain('&lt;script&gt;')
  })

  it('marks the sorted column and asks for a sort on click', async () => {
    const r = router('/')
    await r.isReady()
    const w = mount(TransactionTable, { props: { rows: [], sort: 'elapsed', order: 'asc' }, global: { plugins: [r] } })
    expect(w.find('th.sorted').text()).toBe('Elapsed (ms) ▲')
    await w.find('th[data-sort=uri]').trigger('click')
    expect(w.emitted('sort')).toEqual([['uri']])
    expect(w.text()).toContain('No transactions.')
  })
})

describe('CallTreePage', () => {
  const tree = {
    transactionId: 'b'.repeat(32),
    callTree: [
      { id: 1, parentId: 0, depth: 0, application: 'shop', agentId: 's1', serviceType: 'TOMCAT', api: 'GET /x', argument: null, bindValues: null, startTime: 100, elapsed: 50, self: 10, error: true, exception: 'java.lang.IllegalStateException: ' + XSS, destination: null, status: 500 },
      { id: 2, parentId: 1, depth: 1, application: 'shop', agentId: 's1', serviceType: 'H2', api: 'PreparedStatement.executeQuery', argument: "select * from t where a = ? and b = '" + XSS + "'", bindValues: ['42', null], startTime: 110, elapsed: 20, self: 20, error: false, exception: null, destination: 'testdb', status: null },
      { id: 3, parentId: 1, depth: 1, application: 'shop', agentId: 's1', serviceType: 'HTTP_CLIENT', api: 'HttpURLConnection.connect', argument: 'http://inv:8081/stock', bindValues: null, startTime: 130, elapsed: 18, self: 2, error: false, exception: null, destination: 'inv:8081', status: 200 },
      { id: 4, parentId: 3, depth: 2, application: 'inventory', agentId: 'i1', serviceType: 'TOMCAT', api: 'GET /stock', argument: null, bindValues: null, startTime: 131, elapsed: 16, self: 16, error: false, exception: null, destination: null, status: 200 }
    ]
  }

  it('renders every row with SQL, binds, destinations and exceptions as text, and collapses', async () => {
    const calls = []
    vi.stubGlobal('fetch', async (url) => { calls.push(url); return new Response(JSON.stringify(tree), { status: 200 }) })
    const r = router('/transactions/' + 'b'.repeat(32))
    await r.isReady()
    const w = mount(CallTreePage, { global: { plugins: [r] } })
    await flushPromises()
    expect(calls).toEqual(['/api/transactions/' + 'b'.repeat(32)])
    const rows = w.findAll('[data-testid=calltree-row]')
    expect(rows.map((x) => [x.attributes('data-kind'), x.attributes('data-depth')])).toEqual([['entry', '0'], ['sql', '1'], ['http', '1'], ['entry', '2']])
    expect(w.find('[data-testid=row-argument]').text()).toBe(tree.callTree[1].argument)
    expect(w.find('[data-testid=row-binds]').text()).toBe('binds: "42", NULL')
    expect(w.findAll('[data-testid=row-destination]').map((d) => d.text())).toEqual(['→ testdb', '→ inv:8081 · status 200'])
    expect(w.find('[data-testid=row-exception]').text()).toBe('java.lang.IllegalStateException: ' + XSS)
    expect(w.findAll('script').length + w.findAll('img').length).toBe(0)
    expect(w.find('[data-testid=calltree-summary]').text()).toContain('4 rows')
    // collapse the HTTP call: the other application's row goes away
    await rows[2].find('.twisty').trigger('click')
    expect(w.findAll('[data-testid=calltree-row]').length).toBe(3)
    await w.findAll('[data-testid=calltree-row]')[0].find('.twisty').trigger('click')
    expect(w.findAll('[data-testid=calltree-row]').length).toBe(1)
  })

  it('says so when the transaction is unknown', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: 'no transaction' }), { status: 404 }))
    const r = router('/transactions/' + 'c'.repeat(32))
    await r.isReady()
    const w = mount(CallTreePage, { global: { plugins: [r] } })
    await flushPromises()
    expect(w.find('[data-testid=calltree-error]').text()).toContain('No such transaction')
  })
})
