import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { queryString } from './lib/api.js'
import { startScatterPrefetch } from './lib/prefetch.js'
import './style.css'

// the scatter page's code and data load while the app checks the login, not after it
if (window.location.pathname === '/scatter') {
  import('./views/ScatterPage.vue')
  startScatterPrefetch(window.location, (path, params) => fetch(path + queryString(params), {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' }
  }).then((res) => (res.ok ? res.json() : null)).catch(() => null), Date.now(), document.documentElement.clientWidth)
}

createApp(App).use(router).mount('#app')
