// Call tree rows (GET /api/transactions/{id}) shaped for the indented, collapsible view.

/** Rows with children counts and the timing bar geometry (percent of the whole transaction). */
export function shapeCallTree(rows) {
  const list = rows || []
  if (list.length === 0) return { rows: [], start: 0, end: 0, applications: [] }
  const start = Math.min(...list.map((r) => r.startTime))
  const end = Math.max(...list.map((r) => r.startTime + r.elapsed))
  const span = Math.max(1, end - start)
  const childCount = new Map()
  for (const r of list) childCount.set(r.parentId, (childCount.get(r.parentId) || 0) + 1)
  const applications = [...new Set(list.map((r) => r.application))]
  const byId = new Map(list.map((r) => [r.id, r]))
  return {
    start,
    end,
    applications,
    rows: list.map((r) => ({
      ...r,
      children: childCount.get(r.id) || 0,
      offsetPct: ((r.startTime - start) / span) * 100,
      widthPct: Math.max(0.3, (r.elapsed / span) * 100),
      selfPct: r.elapsed > 0 ? Math.min(100, (r.self / r.elapsed) * 100) : 0,
      kind: rowKind(r, byId.get(r.parentId))
    }))
  }
}

/** sql, entry (a span: the top, or where another agent takes over), http or method. */
export function rowKind(r, parent) {
  if (Array.isArray(r.bindValues) || /^(select|insert|update|delete|with|call|merge|create|alter|drop)\b/i.test(r.argument || '')) {
    return 'sql'
  }
  if (r.parentId === 0 || !parent || parent.agentId !== r.agentId) return 'entry'
  if (r.destination && (r.status !== undefined && r.status !== null)) return 'http'
  if (String(r.serviceType || '').toUpperCase().includes('HTTP')) return 'http'
  return 'method'
}

/** Rows that are visible when the rows whose ids are in {@code collapsed} hide their subtrees. */
export function visibleRows(rows, collapsed) {
  const hidden = new Set()
  const out = []
  for (const r of rows) {
    if (hidden.has(r.parentId)) {
      hidden.add(r.id)
      continue
    }
    out.push(r)
    if (collapsed.has(r.id)) hidden.add(r.id)
  }
  return out
}

/** Bind values as shown next to the SQL: strings quoted, SQL NULL as NULL. */
export function formatBindValues(values) {
  if (!Array.isArray(values)) return ''
  return values.map((v) => (v === null ? 'NULL' : JSON.stringify(v))).join(', ')
}

/** The ids of rows with errors and of the rows above them, to open the tree on the first error. */
export function errorPath(rows) {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const path = new Set()
  for (const r of rows) {
    if (!r.error) continue
    let p = r
    while (p && !path.has(p.id)) {
      path.add(p.id)
      p = byId.get(p.parentId)
    }
  }
  return path
}
