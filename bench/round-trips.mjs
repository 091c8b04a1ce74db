/**
 * Binding round trips per request and per run, on the bench build of the app
 * (bench/counted/index.ts) under the production-like runtime. These counts are a property of
 * the code, not of the machine: compare them across commits as they are.
 */
import { addCounts, COUNT_HEADER, countAround, countCells, formatCounts } from './lib/round-trips.mjs';
import { bundleFor, startRuntime } from './lib/server.mjs';
import { formatTable } from './lib/stats.mjs';
import { createTenant, requestJson, waitForFinal } from './lib/tenant.mjs';

export const name = 'round-trips';
export const description =
  'D1 / KV / Durable Object / Queue calls per request (GET /v1/tasks/:id, POST /v1/tasks, GET /v1/agents, GET /v1/health) and per completed run';

export const SCOPES = ['tasks:read', 'tasks:write', 'agents:read', 'agents:write'];

/** @typedef {import('./run.mjs').Settings} Settings */

function intFromEnv(key, fallback) {
  const value = Number(process.env[key] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${key}: expected a positive integer`);
  return value;
}

async function ok(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  return res;
}

/**
 * Measures every route on a running bench build at `url`. Requests go one at a time (counts
 * per request do not depend on concurrency); a warm-up request first, not counted.
 * @param {string} url
 * @param {{ requests: number, runs: number }} sizes
 * @returns {Promise<Array<{ label: string, unit: string, counts: any }>>}
 */
export async function measureRoundTrips(url, { requests, runs }) {
  const tenant = await createTenant(url, { tag: 'round-trips', keys: [{ name: 'rt', scopes: SCOPES }], agents: 4 });
  const key = tenant.keyList[0];
  const created = await ok(
    await requestJson(url, 'POST', '/v1/tasks', { key, body: { agent: tenant.agents[0], description: 'Round trips' } }),
    201,
    'POST /v1/tasks',
  );
  await waitForFinal(url, key, [created.json.id], { timeoutMs: 60_000 });

  const rows = [];
  const repeat = async (label, route, options = {}) => {
    await ok(await requestJson(url, options.method ?? 'GET', route, options), options.status ?? 200, label);
    const counts = await countAround(url, requests, 'request', async () => {
      for (let i = 0; i < requests; i += 1)
        await ok(await requestJson(url, options.method ?? 'GET', route, options), options.status ?? 200, label);
    });
    rows.push({ label, unit: 'request', counts });
  };
  await repeat('GET /v1/tasks/:id (warm key)', `/v1/tasks/${created.json.id}`, { key });
  await repeat('GET /v1/agents', '/v1/agents', { key });
  await repeat('GET /v1/health', '/v1/health');

  // POST /v1/tasks: each to a free agent, so each is admitted (and sent to the Queue) at once.
  // Counted around each POST alone (the runs they start, and the polling, are not request work
  // of this route), then each agent's run is waited for before its next task.
  const agents = tenant.agents;
  const posted = [];
  let postCounts = null;
  for (let i = 0; i < requests; i += 1) {
    const agent = agents[i % agents.length];
    const counts = await countAround(url, requests, 'request', async () => {
      const res = await ok(
        await requestJson(url, 'POST', '/v1/tasks', { key, body: { agent, description: `Round trips ${i}` } }),
        201,
        'POST /v1/tasks',
      );
      posted.push(res.json.id);
    });
    postCounts = postCounts ? addCounts(postCounts, counts) : counts;
    if ((i + 1) % agents.length === 0) await waitForFinal(url, key, posted, { timeoutMs: 60_000, pollMs: 50 });
  }
  rows.push({ label: 'POST /v1/tasks (admitted)', unit: 'request', counts: postCounts });
  await waitForFinal(url, key, posted, { timeoutMs: 120_000 });

  // Completed runs: the run's own work (Queue consumer → OrgHub deliverRun, finish, next admit).
  const runIds = [];
  const runCounts = await countAround(url, runs, 'run', async () => {
    for (let i = 0; i < runs; i += 1) {
      const res = await ok(
        await requestJson(url, 'POST', '/v1/tasks', {
          key,
          body: { agent: agents[i % agents.length], description: `Round trips run ${i}` },
        }),
        201,
        'POST /v1/tasks',
      );
      runIds.push(res.json.id);
    }
    const { done, byId } = await waitForFinal(url, key, runIds, { timeoutMs: 300_000 });
    const completed = runIds.filter((id) => byId.get(id)?.status === 'completed').length;
    if (!done || completed !== runs) throw new Error(`round trips: ${completed}/${runs} runs completed`);
  });
  rows.push({ label: 'completed run (Queue → OrgHub)', unit: 'run', counts: runCounts });
  return rows;
}

/** The round-trip table (also printed by the other runtime benchmarks). */
export function roundTripTable(rows) {
  return formatTable(
    ['binding calls per unit', ...COUNT_HEADER],
    rows.map((r) => [`${r.label} /${r.unit}`, ...countCells(r.counts)]),
  );
}

/**
 * @param {Settings} settings
 * @param {(line: string) => void} log
 */
export async function run(settings, log) {
  const requests = intFromEnv('BENCH_RT_REQUESTS', 20);
  const runs = intFromEnv('BENCH_RT_RUNS', 20);
  log('  bundling the bench build (bench/counted/index.ts)');
  const worker = bundleFor('counted');
  const server = await startRuntime({ worker, port: settings.port + 5, readyPath: '/v1/health' });
  let rows;
  try {
    rows = await measureRoundTrips(server.url, { requests, runs });
  } finally {
    await server.stop();
  }
  for (const r of rows) log(`  ${r.label}: ${formatCounts(r.counts)}`);
  const targets = [
    'targets (issue 9): GET /v1/tasks/:id = 0 D1 + 0 KV + 1 DO with a warm key; POST /v1/tasks = 1 DO + 1 Queue send',
    '(sent inside the DO); 0 D1 inside a transition (the "in hub" figure); ≤ 2 D1 writes per run.',
  ].join(' ');
  return {
    table: `${roundTripTable(rows)}\n\n${targets}\nPer-scope detail in the JSON (bench/results/round-trips.json).`,
    json: { requests, runs, rows },
  };
}
