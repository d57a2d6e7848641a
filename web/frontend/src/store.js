// What every page shares: the logged-in user and the application list.
import { reactive } from 'vue'
import { currentUser, getJson } from './lib/api.js'

export const store = reactive({
  user: null,
  applications: [],
  applicationsError: null
})

/** The user, asking the server once; null when logged out. */
export async function ensureUser() {
  if (store.user) return store.user
  try {
    const me = await currentUser()
    store.user = me.username
  } catch {
    store.user = null
  }
  return store.user
}

export async function loadApplications() {
  try {
    store.applications = await getJson('/api/applications')
    store.applicationsError = null
  } catch (e) {
    store.applicationsError = e.message
  }
  return store.applications
}
