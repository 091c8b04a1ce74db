/**
 * Where a hot request spends its CPU: runs the production bundle on workerd with the V8
 * inspector open, drives one route with autocannon, and prints the functions with the most
 * self time (a V8 CPU profile of the isolate that runs the Worker and its OrgHubs).
 *
 * `npm run bench -- profile` (BENCH_PROFILE_ROUTE=task-read|task-create, default task-read).
 * Not a benchmark of record: profiling slows the isolate; read it for proportions.
 */
import path from 'node:path';
import WebSocket from 'ws';
import { applyD1Migrations, bundleWorker, d1MigrationsDir, REPO_ROOT, startRuntime } from '../scripts/lib/runtime.mjs';
import { load } from './lib/load.mjs';
import { makeTempDir } from './lib/server.mjs';
import { createTenant, requestJson, waitForFinal } from './lib/tenant.mjs';
import { SCOPES } from './round-trips.mjs';

export const name = 'profile';
export const description = 'CPU profile of the isolate under one hot route (top self-time functions)';

async function inspectorSession(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target =
    targets.find((t) => /generic-corp/.test(t.title ?? '') || /generic-corp/.test(t.url ?? '')) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map();
  ws.on('message', (raw) => {
    const message = JSON.parse(String(raw));
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      id += 1;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Self time per function (ms), from a V8 CPU profile. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url || '')}:${frame.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** @param {import('./run.mjs').Settings} settings @param {(line: string) => void} log */
export async function run(settings, log) {
  const outDir = makeTempDir('profile');
  const bundle = bundleWorker({ outDir });
  const inspectorPort = settings.port + 40;
  const runtime = await startRuntime({
    bundle,
    port: settings.port + 41,
    persistTo: path.join(outDir, 'state'),
    logLevel: 'error',
    crons: false,
    inspectorPort,
  });
  await applyD1Migrations(runtime.mf, { migrationsDir: await d1MigrationsDir(path.join(REPO_ROOT, 'wrangler.toml')) });
  const url = runtime.url.origin;
  try {
    const tenant = await createTenant(url, { tag: 'profile', keys: [{ name: 'profile', scopes: SCOPES }] });
    const key = tenant.keyList[0];
    const created = await requestJson(url, 'POST', '/v1/tasks', {
      key,
      body: { agent: 'marcus', description: 'Profile me' },
    });
    await waitForFinal(url, key, [created.json.id], { timeoutMs: 60_000 });
    const route = process.env.BENCH_PROFILE_ROUTE ?? 'task-read';
    const target =
      route === 'task-create'
        ? {
            url: `${url}/v1/tasks`,
            method: 'POST',
            body: JSON.stringify({ agent: 'sable', description: 'Profiled task [simulate:think=0]' }),
          }
        : { url: `${url}/v1/tasks/${created.json.id}`, method: 'GET' };
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    await load({ ...target, headers, connections: 10, duration: 3 });
    const session = await inspectorSession(inspectorPort);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 200 });
    await session.send('Profiler.start');
    const result = await load({ ...target, headers, connections: 10, duration: settings.duration });
    const { result: stopped } = await session.send('Profiler.stop');
    session.close();
    const top = selfTimes(stopped.profile);
    const total = top.reduce((sum, [, ms]) => sum + ms, 0);
    log(`  ${route}: ${result.total} requests in ${settings.duration} s (profiling on)`);
    const rows = top.slice(0, 30).map(([fn, ms]) => `  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${fn}`);
    return {
      table: ['  self time  function', ...rows].join('\n'),
      json: { route, requests: result.total, top: top.slice(0, 100) },
    };
  } finally {
    await runtime.dispose();
  }
}
