// Text from traced applications (URLs, SQL, exception messages) is only ever shown as text.
// Vue's {{ }} already does that; this is for the few places that build strings for HTML-ish
// renderers (ECharts tooltips).
const MAP = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => MAP[c])
}

/** Cuts long text for labels; the full text stays available in a title attribute. */
export function shorten(s, max = 120) {
  const t = String(s ?? '')
  return t.length > max ? t.slice(0, max - 1) + '…' : t
}
