/**
 * Where a hot request spends its CPU: runs the production bundle on workerd with the V8
 * inspector open, drives one route with autocannon, and prints the functions with the most
 * self time (a V8 CPU profile of the isolate that runs the Worker and its OrgHubs).
 *
 * `npm run bench -- profile` (BENCH_PROFILE_ROUTE=task-read|task-create|task-throughput, default
 * task-read).
 * Not a benchmark of record: profiling slows the isolate; read it for proportions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import {
  applyD1Migrations,
  bundleWorker,
  companionConfigs,
  d1MigrationsDir,
  REPO_ROOT,
  startRuntime,
} from '../scripts/lib/runtime.mjs';
import { load } from './lib/load.mjs';
import { makeTempDir } from './lib/server.mjs';
import { createTenant, requestJson, waitForFinal } from './lib/tenant.mjs';
import { SCOPES } from './round-trips.mjs';

export const name = 'profile';
export const description = 'CPU profile of the isolate under one hot route (top self-time functions)';

async function inspectorSession(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target =
    // The app's isolate, not the live rooms' (`generic-corp-live`).
    targets.find((t) => /generic-corp(?![\w-])/.test(`${t.title ?? ''} ${t.url ?? ''}`)) ?? targets[0];
  console.error(`profiling ${target.title}`);
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

/** Time per function with everything it called (ms), each function counted once per sample. */
function totalTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id).callFrame;
      const key = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url || '')}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
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

/**
 * The module each line of the bundle came from: esbuild writes `// path/to/module.ts` before
 * each one. Packages are grouped by name, our own code by file.
 */
function moduleIndex(bundleText) {
  const starts = [];
  const lines = bundleText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^\/\/ ((?:node_modules\/)?.+\.(?:[cm]?js|tsx?))$/.exec(lines[i]);
    if (!match) continue;
    const file = match[1];
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    starts.push([i + 1, pkg ? pkg[1] : file]);
  }
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** Self time per module of the bundle (native frames by name). */
function selfTimesByModule(profile, moduleOf) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i]).callFrame;
    const key = frame.url ? moduleOf(frame.lineNumber + 1) : `(native) ${frame.functionName || '(anonymous)'}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** POSTs zero-think tasks round-robin over `agents`, 10 in flight, for `ms`; `{ total }` created. */
async function createTasksFor(url, key, agents, ms) {
  const until = Date.now() + ms;
  let total = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const res = await requestJson(url, 'POST', '/v1/tasks', {
        key,
        body: { agent: agents[total % agents.length], description: `Profiled task ${total}` },
      });
      if (res.status === 201) total += 1;
      else if (res.status !== 429) throw new Error(`POST /v1/tasks: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return { total };
}

/** @param {import('./run.mjs').Settings} settings @param {(line: string) => void} log */
export async function run(settings, log) {
  const outDir = makeTempDir('profile');
  const bundle = bundleWorker({ outDir });
  // The live rooms' script too: the app binds its Durable Object class and cannot start without it.
  const companions = (await companionConfigs('wrangler.toml')).map((config, i) => ({
    config,
    bundle: bundleWorker({ config, outDir: path.join(outDir, `companion-${i}`) }),
  }));
  const inspectorPort = settings.port + 40;
  const runtime = await startRuntime({
    bundle,
    companions,
    port: settings.port + 41,
    persistTo: path.join(outDir, 'state'),
    logLevel: 'error',
    crons: false,
    inspectorPort,
  });
  await applyD1Migrations(runtime.mf, { migrationsDir: await d1MigrationsDir(path.join(REPO_ROOT, 'wrangler.toml')) });
  const url = runtime.url.origin;
  try {
    // A key per connection: one key is limited to 6,000 requests a minute, and a profile full of
    // 429s would show the error path instead of the route.
    const keys = Array.from({ length: 10 }, (_, i) => ({ name: `profile-${i}`, scopes: SCOPES }));
    const tenant = await createTenant(url, { tag: 'profile', keys, agents: 20 });
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
            // Like the task-create benchmark: scheduled an hour ahead, so the create path alone.
            body: JSON.stringify({
              agent: 'sable',
              description: 'Profiled task',
              scheduled_for: new Date(Date.now() + 3_600_000).toISOString(),
            }),
          }
        : { url: `${url}/v1/tasks/${created.json.id}`, method: 'GET' };
    // task-throughput: the throughput benchmark's work (zero-think tasks over the whole team,
    // created and run), so the profile covers admission, runs and their transitions.
    const drive =
      route === 'task-throughput'
        ? (seconds) => createTasksFor(url, key, tenant.agents, seconds * 1000)
        : (seconds) =>
            load({
              ...target,
              headers: { 'content-type': 'application/json' },
              clientHeaders: (i) => ({ authorization: `Bearer ${tenant.keyList[i % tenant.keyList.length]}` }),
              connections: 10,
              duration: seconds,
            });
    await drive(3);
    const session = await inspectorSession(inspectorPort);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 200 });
    await session.send('Profiler.start');
    const result = await drive(settings.duration);
    const { result: stopped } = await session.send('Profiler.stop');
    session.close();
    const top = selfTimes(stopped.profile);
    const total = top.reduce((sum, [, ms]) => sum + ms, 0);
    log(`  ${route}: ${result.total} requests in ${settings.duration} s (profiling on)`);
    const share = ([fn, ms]) => `  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${fn}`;
    const modules = selfTimesByModule(stopped.profile, moduleIndex(readFileSync(bundle, 'utf8')));
    const inclusive = totalTimes(stopped.profile).filter(([fn]) => !fn.startsWith('('));
    // The raw profile, for Chrome DevTools (Performance → Load profile).
    writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'profile.cpuprofile'), JSON.stringify(stopped.profile));
    return {
      table: [
        '  self time  function',
        ...top.slice(0, 30).map(share),
        '',
        '  self time  module',
        ...modules.slice(0, 25).map(share),
        '',
        '  total time (with callees)  function',
        ...inclusive.slice(0, 40).map(share),
      ].join('\n'),
      json: { route, requests: result.total, top: top.slice(0, 100), modules },
    };
  } finally {
    await runtime.dispose();
  }
}
