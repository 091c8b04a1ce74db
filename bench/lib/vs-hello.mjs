/**
 * One route of the app against the hello Worker on the same runtime (scripts/start.mjs:
 * workerd via Miniflare, pinned to CPU 0; autocannon in this process on CPU 1). Every run is a
 * fresh process; the order alternates each round; the medians of the rounds are reported with
 * the app/hello ratios, and the app's binding calls per request (from the bench build's
 * counters, over the measured run).
 */
import { warmAndLoad } from './load.mjs';
import { COUNT_HEADER, countCells, formatCounts, perUnit } from './round-trips.mjs';
import { bundleFor, readBindings, startRuntime } from './server.mjs';
import { formatNumber, formatRatio, formatTable, median, ratio } from './stats.mjs';

/**
 * @typedef {object} Route what the load generator sends
 * @property {string} path
 * @property {string} [method]
 * @property {string} [body]
 * @property {Record<string, string>} [headers]
 * @property {(index: number) => Record<string, string>} [clientHeaders] per connection
 */

/**
 * @param {object} options
 * @param {import('../run.mjs').Settings} options.settings
 * @param {(line: string) => void} options.log
 * @param {string} options.label e.g. 'GET /v1/tasks/:id'
 * @param {number} options.connections
 * @param {(url: string) => Promise<Route>} options.prepare sets up the app (tenant, keys, data)
 * @param {number} [options.portOffset] from settings.port (app: +0, hello: +1)
 */
/** `NAME:VALUE,NAME:VALUE` from BENCH_APP_VARS: [vars] overrides for the app's runtime. */
function appVars() {
  const pairs = (process.env.BENCH_APP_VARS ?? '').split(',').filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]));
}

export async function appVsHello({ settings, log, label, connections, prepare, portOffset = 0, floors = [] }) {
  log('  bundling the bench build and the hello Worker');
  // The production Worker by default; BENCH_COUNTED=1 runs the counting build (its wrappers cost CPU).
  const counted = process.env.BENCH_COUNTED === '1';
  const workers = { app: bundleFor(counted ? 'counted' : 'app'), hello: bundleFor('hello') };
  const measured = { app: [], hello: [] };
  for (const floor of floors) {
    workers[floor.kind] = bundleFor(floor.kind);
    measured[floor.kind] = [];
  }
  const counts = [];
  const rounds = [];

  for (let round = 0; round < settings.rounds; round += 1) {
    const order = [...(round % 2 === 0 ? ['app', 'hello'] : ['hello', 'app']), ...floors.map((f) => f.kind)];
    const roundResult = { round: round + 1, order, runs: {} };
    for (const kind of order) {
      const startedAt = Date.now();
      const server = await startRuntime({
        worker: workers[kind],
        port: settings.port + portOffset + (kind === 'app' ? 0 : 1 + floors.findIndex((f) => f.kind === kind) + 1),
        readyPath: kind === 'app' ? '/v1/health' : '/',
        // e.g. BENCH_APP_VARS=LOG_LEVEL:warn to measure without the per-request log line
        vars: kind === 'app' ? appVars() : {},
      });
      const readyMs = Date.now() - startedAt;
      let result;
      let perRequest = null;
      try {
        const route =
          kind === 'app' ? await prepare(server.url) : (floors.find((f) => f.kind === kind)?.route ?? { path: '/' });
        let before = null;
        result = await warmAndLoad({
          url: server.url + route.path,
          method: route.method,
          body: route.body,
          headers: route.headers,
          clientHeaders: route.clientHeaders,
          connections,
          duration: settings.duration,
          warmup: settings.warmup,
          beforeMeasure:
            kind === 'app' && counted ? async () => void (before = await readBindings(server.url)) : undefined,
        });
        if (kind === 'app' && counted) {
          const after = await readBindings(server.url);
          perRequest = perUnit(before, after, result.measured.total, 'request');
        }
      } finally {
        await server.stop();
      }
      const { measured: m, warmup } = result;
      log(
        `  round ${round + 1} ${kind.padEnd(5)} ready ${formatNumber(readyMs / 1000)} s  ${formatNumber(m.requestsPerSec)} req/s  ` +
          `p50 ${m.latencyP50Ms} ms  p99 ${m.latencyP99Ms} ms  non-2xx ${m.non2xx}  errors ${m.errors}` +
          (perRequest ? `\n          per request: ${formatCounts(perRequest)}` : ''),
      );
      const badWarmup = warmup ? warmup.non2xx : 0;
      if (m.non2xx > 0 || badWarmup > 0)
        throw new Error(
          `${kind} ${label} answered non-2xx: warm-up ${badWarmup} ${JSON.stringify(warmup?.statusCodes ?? {})}, measured ${m.non2xx} ${JSON.stringify(m.statusCodes)}`,
        );
      if (m.total === 0) throw new Error(`${kind} completed no requests (errors ${m.errors})`);
      measured[kind].push(m);
      if (perRequest) counts.push(perRequest);
      roundResult.runs[kind] = { readyMs, warmup, measured: m, perRequest };
    }
    rounds.push(roundResult);
  }

  const summarize = (runs) => ({
    requestsPerSec: median(runs.map((r) => r.requestsPerSec)),
    latencyP50Ms: median(runs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
  });
  const app = summarize(measured.app);
  const hello = summarize(measured.hello);
  const ratios = {
    throughput: ratio(app.requestsPerSec, hello.requestsPerSec),
    latencyP50: ratio(app.latencyP50Ms, hello.latencyP50Ms),
    latencyP99: ratio(app.latencyP99Ms, hello.latencyP99Ms),
  };
  const row = (name, s) => [
    name,
    formatNumber(s.requestsPerSec),
    formatNumber(s.latencyP50Ms, 2),
    formatNumber(s.latencyP99Ms, 2),
  ];
  const floorSummaries = floors.map((floor) => ({ ...floor, summary: summarize(measured[floor.kind]) }));
  const last = counts[counts.length - 1];
  const table = [
    formatTable(
      [`median of ${settings.rounds} rounds, ${connections} conn.`, 'req/s', 'p50 ms', 'p99 ms'],
      [
        row(`app   ${label}`, app),
        row('hello GET /', hello),
        ['app / hello', formatRatio(ratios.throughput), formatRatio(ratios.latencyP50), formatRatio(ratios.latencyP99)],
        ...floorSummaries.flatMap((floor) => [
          row(floor.label, floor.summary),
          [
            `  ${floor.short} / hello, app / ${floor.short}`,
            formatRatio(ratio(floor.summary.requestsPerSec, hello.requestsPerSec)),
            formatRatio(ratio(app.requestsPerSec, floor.summary.requestsPerSec)),
            '',
          ],
        ]),
      ],
    ),
    ...(last
      ? ['', formatTable(['binding calls per request (last round)', ...COUNT_HEADER], [[label, ...countCells(last)]])]
      : ['', 'binding calls: see `npm run bench -- round-trips` (or BENCH_COUNTED=1)']),
  ].join('\n');
  const floorJson = Object.fromEntries(floorSummaries.map((f) => [f.kind, f.summary]));
  return {
    table,
    json: { label, connections, summary: { app, hello, ratios, floors: floorJson, perRequest: last }, rounds },
  };
}
