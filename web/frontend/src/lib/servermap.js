// Server map data (GET /api/servermap) shaped for Cytoscape. Labels are plain text drawn on a
// canvas by Cytoscape, never HTML.
import { fmtCount } from './time.js'

export const DATABASE_TYPES = ['H2', 'MYSQL', 'MARIADB', 'POSTGRESQL', 'ORACLE', 'SQLSERVER', 'DATABASE']

/** The kind of node, which picks its icon: user, application, database or http. */
export function nodeKind(serviceType) {
  const t = String(serviceType || '').toUpperCase()
  if (t === 'USER') return 'user'
  if (DATABASE_TYPES.includes(t)) return 'database'
  if (t === 'HTTP') return 'http'
  return 'application'
}

/** Only applications have transactions of their own. */
export function isApplication(node) {
  return node && nodeKind(node.serviceType) === 'application'
}

export function linkId(link) {
  return 'link:' + link.from + '->' + link.to
}

export function linkLabel(link) {
  const avg = Number(link.avgElapsed || 0)
  const errors = Number(link.errorCount || 0)
  return `${fmtCount(link.totalCount)} calls · avg ${avg < 10 ? avg.toFixed(1) : Math.round(avg)} ms` +
    (errors > 0 ? ` · ${fmtCount(errors)} err` : '')
}

/** Share of errors from which a link or node is drawn as failing (red) rather than erring (amber). */
export const FAILING_RATE = 0.05

/** 0 without errors, 1 with some (under FAILING_RATE of the calls), 2 with many. */
export function errorLevel(total, errors) {
  const e = Number(errors || 0)
  if (e <= 0) return 0
  return e / Math.max(1, Number(total || 0)) >= FAILING_RATE ? 2 : 1
}

/** Cytoscape elements: nodes with kind and label, edges with label and error flag. */
export function toElements(map, selectedApplication) {
  const nodes = (map && map.nodes) || []
  const links = (map && map.links) || []
  const keys = new Set(nodes.map((n) => n.key))
  const elements = nodes.map((n) => ({
    group: 'nodes',
    data: {
      id: n.key,
      name: n.name,
      serviceType: n.serviceType,
      kind: nodeKind(n.serviceType),
      label: n.serviceType === 'USER' ? 'USER' : `${n.name}\n${n.serviceType} · ${fmtCount(n.totalCount)}`,
      totalCount: n.totalCount,
      errorCount: n.errorCount,
      hasErrors: errorLevel(n.totalCount, n.errorCount),
      focus: n.name === selectedApplication && isApplication(n) ? 1 : 0
    }
  }))
  for (const l of links) {
    // a link to a node the server did not list still gets drawn, with a bare node
    for (const k of [l.from, l.to]) {
      if (!keys.has(k)) {
        keys.add(k)
        const [name, type] = splitKey(k)
        elements.push({ group: 'nodes', data: { id: k, name, serviceType: type, kind: nodeKind(type), label: name, totalCount: 0, errorCount: 0, hasErrors: 0, focus: 0 } })
      }
    }
    elements.push({
      group: 'edges',
      data: {
        id: linkId(l),
        source: l.from,
        target: l.to,
        label: linkLabel(l),
        totalCount: l.totalCount,
        errorCount: l.errorCount,
        hasErrors: errorLevel(l.totalCount, l.errorCount),
        width: Math.min(8, 1.5 + Math.log10(1 + Number(l.totalCount || 0)))
      }
    })
  }
  return elements
}

export function splitKey(key) {
  const i = String(key).lastIndexOf('^')
  return i < 0 ? [key, ''] : [key.slice(0, i), key.slice(i + 1)]
}

/**
 * Where "the transactions behind" a selection are: the application whose transactions to list,
 * and whether the selection's histogram counts those very transactions (then a bucket can
 * filter the list by elapsed time and outcome). A node or a link into an application counts
 * that application's transactions; a link into a database or a remote host counts calls made
 * by the caller's transactions, which are listed without a bucket filter.
 */
export function transactionsBehind(map, selection) {
  const app = applicationBehind(map, selection)
  if (!app) return null
  if (selection.type === 'node') return { application: app, bucketsFilter: true }
  const [, toType] = splitKey(selection.to)
  return { application: app, bucketsFilter: nodeKind(toType) === 'application' }
}

/** The application whose transactions are behind a node or a link, or null. */
export function applicationBehind(map, selection) {
  if (!selection) return null
  const byKey = new Map(((map && map.nodes) || []).map((n) => [n.key, n]))
  if (selection.type === 'node') {
    const n = byKey.get(selection.key)
    return isApplication(n) ? n.name : null
  }
  const to = byKey.get(selection.to) || { name: splitKey(selection.to)[0], serviceType: splitKey(selection.to)[1] }
  if (isApplication(to)) return to.name
  const from = byKey.get(selection.from) || { name: splitKey(selection.from)[0], serviceType: splitKey(selection.from)[1] }
  return isApplication(from) ? from.name : null
}

const svg = (body) =>
  'data:image/svg+xml;utf8,' +
  encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">${body}</svg>`)

/** One icon per kind of node. */
export const ICONS = {
  user: svg('<circle cx="24" cy="16" r="9" fill="#5a6b7d"/><path d="M8 42c0-9 7-15 16-15s16 6 16 15z" fill="#5a6b7d"/>'),
  application: svg('<rect x="8" y="6" width="32" height="36" rx="3" fill="#1f6fb2"/><rect x="13" y="12" width="22" height="4" fill="#fff"/><rect x="13" y="21" width="22" height="4" fill="#fff"/><circle cx="17" cy="34" r="2.5" fill="#7fd1ff"/>'),
  database: svg('<ellipse cx="24" cy="11" rx="15" ry="6" fill="#2e8b57"/><path d="M9 11v26c0 3.3 6.7 6 15 6s15-2.7 15-6V11c0 3.3-6.7 6-15 6S9 14.3 9 11z" fill="#2e8b57"/><path d="M9 21c0 3.3 6.7 6 15 6s15-2.7 15-6M9 30c0 3.3 6.7 6 15 6s15-2.7 15-6" stroke="#fff" stroke-width="1.5" fill="none"/>'),
  http: svg('<circle cx="24" cy="24" r="16" fill="none" stroke="#8a5cc2" stroke-width="3"/><ellipse cx="24" cy="24" rx="7" ry="16" fill="none" stroke="#8a5cc2" stroke-width="2.5"/><path d="M8 24h32M11 15h26M11 33h26" stroke="#8a5cc2" stroke-width="2.5"/>')
}
