/**
 * GET /v1/health on the app vs GET / on a hello-world Worker, both under `wrangler dev`.
 * The ratio says how much the app's stack (Hono middleware, config, D1 + KV + OrgHub checks,
 * request logs) costs over the bare workerd floor on the same machine.
 */
import { nextIp } from './lib/tenant.mjs';
import { applyMigrations, makeTempDir, removeTempDir, startWrangler } from './lib/server.mjs';
import { warmAndLoad } from './lib/load.mjs';
import { formatNumber, formatRatio, formatTable, median, ratio } from './lib/stats.mjs';

export const name = 'health-vs-hello';
export const description = 'app GET /v1/health vs hello Worker GET /, wrangler dev, fresh process per run';

/**
 * @typedef {import('./run.mjs').Settings} Settings
 * @typedef {import('./lib/load.mjs').LoadResult} LoadResult
 */

/** @param {Settings} settings */
function variants(settings) {
  return {
    app: {
      label: 'app  GET /v1/health',
      path: '/v1/health',
      async start() {
        const persistTo = makeTempDir('d1');
        applyMigrations(persistTo);
        const server = await startWrangler({ port: settings.port, persistTo, readyPath: '/v1/health' });
        return {
          url: server.url,
          async stop() {
            await server.stop();
            removeTempDir(persistTo);
          },
        };
      },
    },
    hello: {
      label: 'hello GET /',
      path: '/',
      async start() {
        return startWrangler({ config: 'bench/hello/wrangler.toml', port: settings.port + 10, readyPath: '/' });
      },
    },
  };
}

/** @param {LoadResult[]} runs */
function summarize(runs) {
  return {
    requestsPerSec: median(runs.map((r) => r.requestsPerSec)),
    latencyP50Ms: median(runs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

/**
 * @param {Settings} settings
 * @param {(line: string) => void} log
 */
export async function run(settings, log) {
  const all = variants(settings);
  /** @type {Record<'app' | 'hello', LoadResult[]>} */
  const measured = { app: [], hello: [] };
  const rounds = [];

  for (let round = 0; round < settings.rounds; round += 1) {
    // Alternate the order so drift (thermal, page cache, neighbours) hits both sides.
    const order = /** @type {const} */ (round % 2 === 0 ? ['app', 'hello'] : ['hello', 'app']);
    const roundResult = { round: round + 1, order: [...order], runs: {} };
    for (const key of order) {
      const variant = all[key];
      const startedAt = Date.now();
      const server = await variant.start();
      const readyMs = Date.now() - startedAt;
      let result;
      try {
        result = await warmAndLoad({
          url: server.url + variant.path,
          connections: settings.connections,
          duration: settings.duration,
          warmup: settings.warmup,
          // Health is limited per client address (30 a minute): each request comes from its own.
          requestHeaders: () => ({ 'cf-connecting-ip': nextIp() }),
        });
      } finally {
        await server.stop();
      }
      const { measured: m, warmup } = result;
      log(
        `  round ${round + 1} ${variant.label.padEnd(20)} ready ${formatNumber(readyMs / 1000)} s  ` +
          `${formatNumber(m.requestsPerSec)} req/s  p50 ${m.latencyP50Ms} ms  p99 ${m.latencyP99Ms} ms  ` +
          `non-2xx ${m.non2xx}  errors ${m.errors}`,
      );
      const badWarmup = warmup ? warmup.non2xx : 0;
      if (m.non2xx > 0 || badWarmup > 0) {
        throw new Error(
          `${variant.label} answered non-2xx: warm-up ${badWarmup} ${JSON.stringify(warmup?.statusCodes ?? {})}, measured ${m.non2xx} ${JSON.stringify(m.statusCodes)}`,
        );
      }
      if (m.total === 0) throw new Error(`${variant.label} completed no requests (errors ${m.errors})`);
      measured[key].push(m);
      roundResult.runs[key] = { readyMs, warmup, measured: m };
    }
    rounds.push(roundResult);
  }

  const app = summarize(measured.app);
  const hello = summarize(measured.hello);
  const ratios = {
    throughput: ratio(app.requestsPerSec, hello.requestsPerSec),
    latencyP50: ratio(app.latencyP50Ms, hello.latencyP50Ms),
    latencyP99: ratio(app.latencyP99Ms, hello.latencyP99Ms),
  };

  const row = (label, s) => [
    label,
    formatNumber(s.requestsPerSec),
    formatNumber(s.latencyP50Ms, 2),
    formatNumber(s.latencyP99Ms, 2),
    String(s.non2xx),
    String(s.errors),
  ];
  const table = formatTable(
    [`median of ${settings.rounds} rounds`, 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    [
      row(all.app.label, app),
      row(all.hello.label, hello),
      [
        'app / hello',
        formatRatio(ratios.throughput),
        formatRatio(ratios.latencyP50),
        formatRatio(ratios.latencyP99),
        '',
        '',
      ],
    ],
  );

  return { table, json: { summary: { app, hello, ratios }, rounds } };
}
