import { describe, it, expect, vi, afterEach } from 'vitest'
import { csrfToken, queryString, safeNext, getJson, login, setUnauthorizedHandler, ApiError } from './api.js'

afterEach(() => vi.unstubAllGlobals())

describe('api helpers', () => {
  it('reads the CSRF cookie', () => {
    expect(csrfToken('a=1; XSRF-TOKEN=ab%2Fc=; b=2')).toBe('ab/c=')
    expect(csrfToken('a=1')).toBe(null)
  })

  it('builds query strings without empty values', () => {
    expect(queryString({ application: 'pet store', from: 0, to: 5, url: '', error: null, x: undefined, clientIp: '10.0.0.0/8' }))
      .toBe('?application=pet+store&from=0&to=5&clientIp=10.0.0.0%2F8')
    expect(queryString({})).toBe('')
  })

  it('only follows same-site paths after login', () => {
    expect(safeNext('/scatter?application=a')).toBe('/scatter?application=a')
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil', undefined, '/login?next=/x']) expect(safeNext(bad)).toBe('/servermap')
  })

  it('marks its requests and turns a 401 into the login handler', async () => {
    const seen = []
    vi.stubGlobal('fetch', async (url, init) => {
      seen.push([url, init.headers['X-Requested-With']])
      return new Response(JSON.stringify({ error: 'login required' }), { status: 401 })
    })
    let redirected = 0
    setUnauthorizedHandler(() => redirected++)
    await expect(getJson('/api/applications')).rejects.toMatchObject({ status: 401 })
    expect(redirected).toBe(1)
    expect(seen).toEqual([['/api/applications', 'XMLHttpRequest']])
  })

  it('reports the server error message', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: 'from must be less than to' }), { status: 400 }))
    const e = await getJson('/api/scatter', { from: 2, to: 1 }).catch((x) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect([e.status, e.message]).toEqual([400, 'from must be less than to'])
  })

  it('posts the login form with the CSRF header', async () => {
    document.cookie = 'XSRF-TOKEN=tok123'
    let sent
    vi.stubGlobal('fetch', async (url, init) => {
      sent = { url, method: init.method, headers: init.headers, body: init.body }
      return new Response(JSON.stringify({ username: 'admin' }), { status: 200 })
    })
    expect(await login('admin', 'p&ss word')).toEqual({ username: 'admin' })
    expect(sent).toEqual({
      url: '/login', method: 'POST', body: 'username=admin&password=p%26ss+word',
      headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json', 'X-XSRF-TOKEN': 'tok123', 'Content-Type': 'application/x-www-form-urlencoded' }
    })
  })
})
