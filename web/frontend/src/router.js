import { createRouter, createWebHistory } from 'vue-router'
import { ensureUser } from './store.js'

export const routes = [
  { path: '/', redirect: (to) => ({ path: '/servermap', query: to.query }) },
  { path: '/login', name: 'login', component: () => import('./views/LoginPage.vue'), meta: { public: true, title: 'Log in' } },
  { path: '/servermap', name: 'servermap', component: () => import('./views/ServerMapPage.vue'), meta: { title: 'Server map' } },
  { path: '/scatter', name: 'scatter', component: () => import('./views/ScatterPage.vue'), meta: { title: 'Scatter' } },
  { path: '/transactions', name: 'transactions', component: () => import('./views/TransactionsPage.vue'), meta: { title: 'Transactions' } },
  { path: '/transactions/:id', name: 'calltree', component: () => import('./views/CallTreePage.vue'), meta: { title: 'Call tree' } },
  { path: '/inspector', name: 'inspector', component: () => import('./views/InspectorPage.vue'), meta: { title: 'Inspector' } },
  { path: '/live', name: 'live', component: () => import('./views/LivePage.vue'), meta: { title: 'Live' } }
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const user = await ensureUser()
  if (!user) return { path: '/login', query: { next: to.fullPath } }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' · ' : '') + 'Sightline'
})
