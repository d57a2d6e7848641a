// What HTTP Basic costs a script, against a running server (see README.md):
//   node bench/web-bench/basic-auth.mjs --baseUrl=http://127.0.0.1:8080 --password=... [--requests=300]
// Times GET /api/me three ways in the same run, sequentially, on one keep-alive connection:
//   session: a logged-in cookie, no password check at all (the baseline);
//   basic:   the right password over Basic, checked once and then remembered (VerifiedCredentials);
//   checked: a wrong password over Basic, so a full bcrypt check every time (only 5 of them:
//            more would trip the login throttle, which blocks after 10 failures).
// Prints medians, the ratios against the session baseline and a RESULT {json} line.
const opt = { baseUrl: 'http://127.0.0.1:8080', password: '', requests: '300' }
for (const arg of process.argv.slice(2)) {
  const m = /^--([^=]+)=(.*)$/.exec(arg)
  if (m) opt[m[1]] = m[2]
}
if (!opt.password) {
  console.error('usage: node basic-auth.mjs --baseUrl=URL --password=PW [--requests=N]')
  process.exit(2)
}
const base = opt.baseUrl.replace(/\/$/, '')
const n = Number(opt.requests)
const basic = (pw) => 'Basic ' + Buffer.from('admin:' + pw).toString('base64')

async function timed(headers, expect) {
  const t0 = process.hrtime.bigint()
  const r = await fetch(base + '/api/me', { headers })
  await r.arrayBuffer()
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== expect) throw new Error(`expected ${expect}, got ${r.status}`)
  return ms
}

async function series(count, headers, expect) {
  const out = []
  for (let i = 0; i < count; i++) out.push(await timed(headers, expect))
  return out
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

// a session: the login form, as the UI does it
const first = await fetch(base + '/api/me', { headers: { 'X-Requested-With': 'XMLHttpRequest' } })
const cookies = (first.headers.getSetCookie?.() || []).map((c) => c.split(';')[0])
const xsrf = cookies.find((c) => c.startsWith('XSRF-TOKEN='))?.split('=')[1]
const login = await fetch(base + '/login', {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest',
    'X-XSRF-TOKEN': decodeURIComponent(xsrf || ''), Cookie: cookies.join('; ') },
  body: new URLSearchParams({ username: 'admin', password: opt.password })
})
if (login.status !== 200) throw new Error('login failed: ' + login.status)
const session = (login.headers.getSetCookie?.() || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('JSESSIONID='))

await series(20, { Cookie: session }, 200) // warm-up
const sessionMs = await series(n, { Cookie: session }, 200)
const basicMs = await series(n, { Authorization: basic(opt.password) }, 200)
const checkedMs = await series(5, { Authorization: basic('not-the-password-' + Date.now()) }, 401)

const result = {
  requests: n,
  sessionMedianMs: +median(sessionMs).toFixed(2),
  basicMedianMs: +median(basicMs).toFixed(2),
  checkedMedianMs: +median(checkedMs).toFixed(2),
  basicVsSession: +(median(basicMs) / median(sessionMs)).toFixed(2),
  checkedVsSession: +(median(checkedMs) / median(sessionMs)).toFixed(2)
}
console.log(`session ${result.sessionMedianMs} ms, basic (remembered) ${result.basicMedianMs} ms (x${result.basicVsSession}), ` +
  `full bcrypt check ${result.checkedMedianMs} ms (x${result.checkedVsSession})`)
console.log('RESULT ' + JSON.stringify(result))
