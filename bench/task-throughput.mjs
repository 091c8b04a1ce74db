/**
 * Task throughput on the production-like runtime: BENCH_TP_TASKS (1,000) zero-think tasks
 * (the simulated model's default: no `[simulate:think=…]`) over BENCH_TP_AGENTS (20) agents of
 * one org, created through `POST /v1/tasks` with BENCH_TP_IN_FLIGHT (32, as in the issue's own
 * measurement of the stack this replaces) requests in flight, run through
 * the real Queue and OrgHub. Reports tasks/s (first POST sent → last `completed_at`), lost
 * (not completed) and duplicated (more than one completed run) tasks, and the binding calls
 * per completed run (bench build counters). The same org on the hello Worker has no meaning,
 * so the ratio given is tasks/s over hello's req/s for `GET /` on the same runtime.
 */
import { load } from './lib/load.mjs';
import { COUNT_HEADER, countCells, formatCounts, perUnit } from './lib/round-trips.mjs';
import { bundleFor, readBindings, startRuntime } from './lib/server.mjs';
import { formatNumber, formatTable, percentile, ratio } from './lib/stats.mjs';
import { requestJson, waitForFinal } from './lib/tenant.mjs';
import { tenantWithKeys } from './task-read.mjs';

export const name = 'task-throughput';
export const description = '1,000 zero-think tasks over 20 agents in one org: tasks/s, lost, duplicated, D1 per run';

/** Runs `work(i)` for i in 0..count-1 with at most `concurrency` at once. */
async function pool(count, concurrency, work) {
  const out = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) out[i] = await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/** @param {import('./run.mjs').Settings} settings @param {(line: string) => void} log */
export async function run(settings, log) {
  const tasks = Number(process.env.BENCH_TP_TASKS ?? 1000);
  const agentCount = Number(process.env.BENCH_TP_AGENTS ?? 20);
  const timeoutMs = Number(process.env.BENCH_TP_TIMEOUT ?? 600) * 1000;
  const inFlight = Number(process.env.BENCH_TP_IN_FLIGHT ?? 32);
  log('  bundling the bench build and the hello Worker');
  // The production Worker by default; BENCH_COUNTED=1 runs the counting build, whose wrappers
  // cost CPU on every statement (calls per run are the round-trips benchmark's job).
  const counted = process.env.BENCH_COUNTED === '1';
  const app = bundleFor(counted ? 'counted' : 'app');
  const hello = bundleFor('hello');

  const server = await startRuntime({ worker: app, port: settings.port + 24, readyPath: '/v1/health' });
  let result;
  try {
    const tenant = await tenantWithKeys(server.url, 'throughput', 8, agentCount);
    const keyFor = (i) => tenant.keyList[i % tenant.keyList.length];
    log(`  org ${tenant.slug} (${tenant.plan}), ${tenant.agents.length} agents; creating ${tasks} tasks`);
    const before = counted ? await readBindings(server.url) : null;
    const firstSent = Date.now();
    const created = await pool(tasks, inFlight, async (i) => {
      for (let tries = 0; ; tries += 1) {
        const res = await requestJson(server.url, 'POST', '/v1/tasks', {
          key: keyFor(i),
          body: { agent: tenant.agents[i % tenant.agents.length], description: `Throughput task ${i}` },
          headers: { 'idempotency-key': `tp-${i}` },
        });
        if (res.status === 201 || res.status === 200) return res.json.id;
        if (tries >= 5) throw new Error(`POST /v1/tasks ${i}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    });
    const lastAccepted = Date.now();
    log(`  created ${created.length} in ${formatNumber((lastAccepted - firstSent) / 1000)} s; waiting for runs`);
    const { byId } = await waitForFinal(server.url, keyFor(0), created, { timeoutMs, pollMs: 1000 });
    const after = counted ? await readBindings(server.url) : null;
    const final = created.map((id) => byId.get(id));
    const completed = final.filter((t) => t?.status === 'completed');
    const lastCompleted = completed.reduce((max, t) => Math.max(max, Date.parse(t.completed_at)), 0);
    // Runs per task: a task completed twice would show two completed runs.
    const runs = await pool(created.length, 8, async (i) => {
      const res = await requestJson(server.url, 'GET', `/v1/tasks/${created[i]}`, { key: keyFor(i) });
      return res.json?.runs ?? [];
    });
    const duplicated = runs.filter((r) => r.filter((x) => x.outcome === 'completed').length > 1).length;
    const latencies = completed.map((t) => Date.parse(t.completed_at) - Date.parse(t.created_at));
    const perRun = counted ? perUnit(before, after, Math.max(1, completed.length), 'run') : null;
    result = {
      tasks,
      agents: agentCount,
      inFlight,
      created: created.length,
      completed: completed.length,
      lost: tasks - completed.length,
      duplicated,
      createdPerSec: created.length / ((lastAccepted - firstSent) / 1000),
      tasksPerSec: completed.length / ((lastCompleted - firstSent) / 1000),
      createdToCompletedP50Ms: percentile(latencies, 50),
      createdToCompletedP99Ms: percentile(latencies, 99),
      statuses: Object.fromEntries(
        [...new Set(final.map((t) => t?.status ?? 'missing'))].map((s) => [
          s,
          final.filter((t) => (t?.status ?? 'missing') === s).length,
        ]),
      ),
      perRun,
    };
  } finally {
    await server.stop();
  }

  // The floor on the same runtime and CPU: hello's req/s with the same connections.
  const helloServer = await startRuntime({ worker: hello, port: settings.port + 25 });
  let helloRps;
  try {
    helloRps = (await load({ url: `${helloServer.url}/`, connections: settings.connections, duration: 5 }))
      .requestsPerSec;
  } finally {
    await helloServer.stop();
  }

  if (result.perRun) log(`  per completed run: ${formatCounts(result.perRun)}`);
  const table = [
    formatTable(
      ['task throughput', 'value'],
      [
        ['tasks / agents / POSTs in flight', `${result.tasks} / ${result.agents} / ${inFlight}`],
        ['created/s', formatNumber(result.createdPerSec)],
        ['completed tasks/s', formatNumber(result.tasksPerSec)],
        [
          'created → completed p50 / p99 ms',
          `${formatNumber(result.createdToCompletedP50Ms, 0)} / ${formatNumber(result.createdToCompletedP99Ms, 0)}`,
        ],
        ['lost (not completed)', String(result.lost)],
        ['duplicated (>1 completed run)', String(result.duplicated)],
        ['hello GET / req/s (same runtime)', formatNumber(helloRps)],
        ['tasks/s ÷ hello req/s', `${formatNumber(ratio(result.tasksPerSec, helloRps), 4)}×`],
      ],
    ),
    ...(result.perRun
      ? [
          '',
          formatTable(
            ['binding calls per completed run', ...COUNT_HEADER],
            [['run (Queue → OrgHub)', ...countCells(result.perRun)]],
          ),
        ]
      : []),
  ].join('\n');
  if (result.lost > 0 || result.duplicated > 0)
    log(`  (!) ${result.lost} lost, ${result.duplicated} duplicated: ${JSON.stringify(result.statuses)}`);
  return { table, json: { ...result, helloRps } };
}
