// The scatter page's data is asked for the moment the app starts, in parallel with the login
// check (/api/me), the application list and the page's own code, instead of after them: the
// application and the window are in the address already. The page takes the answer when its
// first load asks for the same thing, and asks itself otherwise (or when the prefetch failed).
import { parseFilters, filtersToApi } from './filters.js'
import { resolveRange } from './time.js'

/** Margins of the plot inside the page (main padding, chart border, chart grid left + right). */
export const PLOT_MARGIN = 32 + 2 + 64 + 28

/** A window of at most this many transactions is drawn point by point (the summary then carries them all). */
export const SUMMARY_ALL_POINTS = 10_000

/** Density columns for a plot width: one per pixel, at least 50. */
export function summaryColumns(plotWidth) {
  return Math.max(50, Math.round(plotWidth))
}

/** What decides a summary: the filters it depends on (a relative range is resolved at request time). */
export function summaryKey(f) {
  return JSON.stringify([f.application, f.range, f.from, f.to, f.error])
}

/** Whether a filter state is drawn from the summary (it has the outcome filter only). */
export function usesSummary(f) {
  return Boolean(f.application) && !f.url && !f.clientIp && !f.agentId
}

/** Request parameters of the summary of a state at {@code now}: its window and the API filters. */
export function summaryRequest(f, now, columns) {
  const win = resolveRange(f, now)
  const params = { ...filtersToApi({ ...f, minElapsed: null, maxElapsed: null }, now), ...win, columns, allPointsUpTo: SUMMARY_ALL_POINTS }
  return { win, params }
}

let pending = null

/**
 * Starts the summary request of the address when it is the scatter page's; {@code fetchJson}
 * answers the parsed body or null (never throws, never redirects: the page handles errors).
 */
export function startScatterPrefetch(loc, fetchJson, now = Date.now(), viewportWidth = 1280) {
  pending = null
  if (loc.pathname !== '/scatter') return null
  const f = parseFilters(Object.fromEntries(new URLSearchParams(loc.search)))
  if (!usesSummary(f)) return null
  const { win, params } = summaryRequest(f, now, summaryColumns(viewportWidth - PLOT_MARGIN))
  pending = { key: summaryKey(f), win, params, answer: fetchJson('/api/scatter/summary', params) }
  return pending
}

/** The prefetch for a state, once (null when there is none or it was for another state). */
export function takeScatterPrefetch(f) {
  const p = pending
  pending = null
  return p && p.key === summaryKey(f) ? p : null
}
