/** Drive a server with autocannon: a discarded warm-up, then the measured run. */
import autocannon from 'autocannon';

/**
 * @typedef {object} LoadResult
 * @property {number} requestsPerSec mean of autocannon's per-second samples
 * @property {number} latencyP50Ms
 * @property {number} latencyP99Ms
 * @property {number} latencyMeanMs
 * @property {number} total completed requests
 * @property {number} ok2xx
 * @property {number} non2xx
 * @property {number} errors connection errors (includes timeouts)
 * @property {number} timeouts
 * @property {Record<string, number>} statusCodes
 */

/**
 * @typedef {object} LoadOptions
 * @property {string} url
 * @property {number} connections
 * @property {number} duration seconds
 * @property {string} [method] default GET
 * @property {string} [body]
 * @property {Record<string, string>} [headers]
 * @property {(index: number) => Record<string, string>} [clientHeaders] headers of connection `index` (e.g. one API key each)
 * @property {() => Record<string, string>} [requestHeaders] headers added to every request (e.g. a client address each)
 */

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function load({
  url,
  connections,
  duration,
  method = 'GET',
  body,
  headers,
  clientHeaders,
  requestHeaders,
}) {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`bench only targets 127.0.0.1, not ${url}`);
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    timeout: 10,
    method,
    body,
    headers,
    setupClient: clientHeaders ? (client) => client.setHeaders({ ...headers, ...clientHeaders(next++) }) : undefined,
    requests: requestHeaders
      ? [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...requestHeaders() } }) }]
      : undefined,
  });
  return {
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.average,
    total: result['2xx'] + result.non2xx,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count]),
    ),
  };
}

/**
 * Warm up (result kept only for its error counts), then measure. `beforeMeasure` runs between
 * the two (e.g. to read the binding counters).
 * @param {LoadOptions & { warmup: number, beforeMeasure?: () => Promise<void> }} options
 * @returns {Promise<{ warmup: LoadResult | null, measured: LoadResult }>}
 */
export async function warmAndLoad({ warmup, beforeMeasure, ...options }) {
  const warm = warmup > 0 ? await load({ ...options, duration: warmup }) : null;
  await beforeMeasure?.();
  const measured = await load(options);
  return { warmup: warm, measured };
}
