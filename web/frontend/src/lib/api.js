// Talks to the Sightline REST API with the UI's session. Every request is marked as the UI's own
// (X-Requested-With), so a missing login answers 401 JSON instead of a browser pop-up, and a 401
// anywhere sends the browser to the login page.

export class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/** The CSRF token the server keeps in the XSRF-TOKEN cookie. */
export function csrfToken(cookie = typeof document === 'undefined' ? '' : document.cookie) {
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === 'XSRF-TOKEN') return decodeURIComponent(v.join('='))
  }
  return null
}

/** A query string from an object, leaving out null, undefined and empty values. */
export function queryString(params = {}) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

/** Where the login page sends the browser back to; only same-site paths. */
export function safeNext(next) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return '/servermap'
  }
  if (next === '/login' || next.startsWith('/login?')) return '/servermap'
  return next
}

export function loginUrl(loc = window.location) {
  return '/login?next=' + encodeURIComponent(loc.pathname + loc.search)
}

let onUnauthorized = () => {
  if (!window.location.pathname.startsWith('/login')) window.location.assign(loginUrl())
}

/** Tests replace what happens on 401. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

async function errorOf(res) {
  let message = res.status + ' ' + res.statusText
  try {
    const body = await res.json()
    if (body && typeof body.error === 'string') message = body.error
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, message)
}

/** GET a JSON resource under /api. */
export async function getJson(path, params, { signal } = {}) {
  const res = await fetch(path + queryString(params), {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    signal
  })
  if (res.status === 401) {
    onUnauthorized()
    throw new ApiError(401, 'login required')
  }
  if (!res.ok) throw await errorOf(res)
  return res.json()
}

async function post(path, body) {
  const headers = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' }
  const token = csrfToken()
  if (token) headers['X-XSRF-TOKEN'] = token
  if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded'
  return fetch(path, { method: 'POST', credentials: 'same-origin', headers, body })
}

/** Makes sure the CSRF cookie exists (any request sets it), then posts the login form. */
export async function login(username, password) {
  if (!csrfToken()) {
    await fetch('/api/me', { credentials: 'same-origin', headers: { 'X-Requested-With': 'XMLHttpRequest' } })
  }
  const res = await post('/login', new URLSearchParams({ username, password }).toString())
  if (!res.ok) throw await errorOf(res)
  return res.json()
}

export async function logout() {
  const res = await post('/logout')
  if (!res.ok && res.status !== 401) throw await errorOf(res)
}

export async function currentUser() {
  return getJson('/api/me')
}
