/**
 * `run_worker_first` paths as Miniflare routes. In production Cloudflare's edge sends those paths
 * straight to the Worker; locally Miniflare would pass every request through its asset router
 * (two Worker entrypoints of JavaScript, on the same core) first. Routed, they go from
 * Miniflare's entry straight to the Worker, as in production; other paths still meet the router.
 * Patterns a route cannot express (negations, wildcards before the end) keep everything routed
 * through the router, which matches them itself.
 *
 * @param {{ run_worker_first?: boolean | string[] } | undefined} assets the config's [assets]
 * @returns {string[]}
 */
export function workerFirstRoutes(assets) {
  const rules = assets?.run_worker_first;
  if (rules === true) return ['*/*'];
  if (!Array.isArray(rules)) return [];
  const expressible = (rule) => rule.startsWith('/') && !rule.slice(0, -1).includes('*');
  return rules.every(expressible) ? rules.map((rule) => `*${rule}`) : [];
}
