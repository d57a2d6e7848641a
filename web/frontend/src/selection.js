// The selection every page shares through the address: application, time range, real-time.
import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { parseFilters, filtersToQuery } from './lib/filters.js'
import { resolveRange } from './lib/time.js'

/** Query keys that follow the user from page to page. */
export const SHARED_KEYS = ['application', 'range', 'from', 'to', 'realtime']

export function sharedQuery(query) {
  const q = {}
  for (const k of SHARED_KEYS) if (query[k] !== undefined) q[k] = query[k]
  return q
}

export function useSelection() {
  const route = useRoute()
  const router = useRouter()
  const filters = computed(() => parseFilters(route.query))
  const realtime = computed(() => route.query.realtime === '1' && filters.value.range !== 'custom')

  /** Replaces some filters in the address (null removes one). */
  function update(changes, { push = false } = {}) {
    const next = { ...filters.value, ...changes }
    const q = filtersToQuery(next)
    if (route.query.realtime === '1' && next.range !== 'custom' && changes.realtime !== false) q.realtime = '1'
    if (changes.realtime === true) q.realtime = '1'
    for (const [k, v] of Object.entries(route.query)) {
      // page-specific keys the filters don't know (e.g. the inspector's agent) stay
      if (!(k in next) && k !== 'realtime' && q[k] === undefined) q[k] = v
    }
    return (push ? router.push : router.replace)({ path: route.path, query: q })
  }

  /** [from, to) now. */
  function window(now = Date.now()) {
    return resolveRange(filters.value, now)
  }

  return { route, router, filters, realtime, update, window }
}
