/**
 * The public demo under a burst of visitors: BENCH_DEMO_SANDBOXES (100) sandboxes created within
 * BENCH_DEMO_WINDOW seconds (60) against a local `wrangler dev` (a frozen copy of the Worker, fresh
 * state), each visitor from its own address (`cf-connecting-ip`, honoured locally), holding its
 * live socket (`GET /v1/live?org=` with the guest's cookie, through `ws`) and giving one task that
 * must complete (seen over the socket). Measures `/demo` latency (p50/p99, to the redirect with
 * the cookie), the workerd runtime's memory (RSS) before, with every sandbox live and after the
 * purge, then expires every sandbox (expires_at in the past, written to the local D1 file) and
 * triggers the cron through the dev server's scheduled endpoint until the sweep has purged them
 * all: no demo org, guest or session left in D1 and no agent or task left in any OrgHub's SQLite.
 * Loopback traffic only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import WebSocket from 'ws';
import { applyMigrations, makeTempDir, snapshotWorker, startWrangler } from './lib/server.mjs';
import { percentile } from './lib/stats.mjs';

export const name = 'demo';
export const description =
  'public demo: N sandboxes within a minute (live socket + a task each): /demo latency, workerd memory, all purged on expiry';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function int(key, fallback, min, max) {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${key}=${raw}: expected ${min}..${max}`);
  return value;
}

// ─── workerd memory (as bench/live-hub.mjs measures it) ──────────────────────────────────

function processes() {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), pgid: Number(fields[2]), cmdline });
    } catch {}
  }
  return out;
}

function rssKb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** RSS (MB) of the workerd runtime that runs the Worker and its Durable Objects for `port`. */
function runtimeMb(port) {
  const all = processes();
  const isWorkerd = (p) => /(^|\/)workerd$/.test(p.cmdline[0] ?? '');
  const proxy = all.find((p) => isWorkerd(p) && p.cmdline.includes(`--socket-addr=entry=127.0.0.1:${port}`));
  if (!proxy) return Number.NaN;
  const runtime = all.filter((p) => isWorkerd(p) && p.pgid === proxy.pgid && p.pid !== proxy.pid);
  return runtime.reduce((sum, p) => sum + rssKb(p.pid), 0) / 1024;
}

// ─── Local storage (read directly: the dev server's own files) ───────────────────────────

function sqliteFiles(dir) {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** The local D1 database file of the DB binding. */
function d1File(persistTo) {
  const dir = path.join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  for (const file of sqliteFiles(dir)) {
    const db = new DatabaseSync(file);
    try {
      const found = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'organizations'`).get();
      if (found) return file;
    } finally {
      db.close();
    }
  }
  throw new Error(`no D1 database with an organizations table in ${dir}`);
}

function d1(persistTo, work) {
  const db = new DatabaseSync(d1File(persistTo));
  db.exec('PRAGMA busy_timeout = 5000');
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Agents and tasks left in every OrgHub's storage. */
function hubLeftovers(persistTo) {
  const dir = path.join(persistTo, 'v3', 'do', 'generic-corp-OrgHub');
  let objects = 0;
  let agents = 0;
  let tasks = 0;
  for (const file of sqliteFiles(dir)) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const has = (table) =>
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
      objects++;
      if (has('agents')) agents += Number(db.prepare('SELECT COUNT(*) AS n FROM agents').get().n);
      if (has('tasks')) tasks += Number(db.prepare('SELECT COUNT(*) AS n FROM tasks').get().n);
    } finally {
      db.close();
    }
  }
  return { objects, agents, tasks };
}

// ─── One visitor ─────────────────────────────────────────────────────────────────────────

async function visit(url, origin, index) {
  const ip = `10.77.${(index >> 8) & 255}.${index & 255}`;
  const started = performance.now();
  const res = await fetch(`${url}/demo`, {
    redirect: 'manual',
    headers: { 'cf-connecting-ip': ip, 'user-agent': 'bench-demo' },
    signal: AbortSignal.timeout(60_000),
  });
  await res.arrayBuffer();
  const createMs = performance.now() - started;
  const location = res.headers.get('location') ?? '';
  const slug = /^\/orgs\/(demo-[a-z0-9-]+)$/.exec(location)?.[1];
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('gc_session='))
    ?.split(';')[0];
  if (res.status !== 302 || !slug || !cookie) throw new Error(`/demo #${index}: HTTP ${res.status} → ${location}`);

  const events = [];
  const ws = new WebSocket(`${url.replace('http://', 'ws://')}/v1/live?org=${slug}`, {
    headers: { cookie, origin, 'cf-connecting-ip': ip },
    handshakeTimeout: 30_000,
  });
  ws.on('message', (data) => {
    try {
      events.push(JSON.parse(String(data)));
    } catch {}
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, response) =>
      reject(new Error(`live #${index}: HTTP ${response.statusCode}`)),
    );
  });

  const given = await fetch(`${url}/v1/tasks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie,
      origin,
      'x-organization': slug,
      'cf-connecting-ip': ip,
    },
    body: JSON.stringify({ agent: 'sable', description: `Benchmark visitor ${index}: review the sign-up flow` }),
    signal: AbortSignal.timeout(30_000),
  });
  const task = await given.json();
  if (given.status !== 201) throw new Error(`task #${index}: HTTP ${given.status} ${JSON.stringify(task)}`);
  return { index, slug, cookie, ip, ws, events, taskId: task.id, createMs, givenAt: performance.now() };
}

/** True once the visitor's socket carried a frame saying its task is completed. */
function sawCompletion(visitor) {
  return visitor.events.some((frame) => {
    const text = JSON.stringify(frame);
    return text.includes(visitor.taskId) && text.includes('"status":"completed"');
  });
}

function summarize(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

async function trigger(url) {
  for (const route of ['/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*', '/__scheduled?cron=*/5+*+*+*+*']) {
    const res = await fetch(url + route, { signal: AbortSignal.timeout(120_000) });
    await res.arrayBuffer();
    if (res.ok) return route.split('?')[0];
  }
  throw new Error('the dev server has no scheduled endpoint');
}

export async function run(settings, log) {
  const count = int('BENCH_DEMO_SANDBOXES', 100, 1, 1000);
  const windowSeconds = int('BENCH_DEMO_WINDOW', 60, 1, 600);
  const concurrency = int('BENCH_DEMO_CONCURRENCY', 8, 1, 100);
  const port = settings.port + 60;
  const origin = `http://localhost:${port}`;
  const persistTo = makeTempDir('demo-state');
  applyMigrations(persistTo);
  const config = await snapshotWorker('demo');
  const app = await startWrangler({
    config,
    port,
    persistTo,
    inspectorPort: settings.port + 61,
    readyPath: '/v1/health',
    vars: { APP_URL: origin },
  });
  const visitors = [];
  try {
    // Warm the Worker (first request builds the Remix handler) before measuring.
    await (await fetch(`${app.url}/`)).arrayBuffer();
    const memoryBefore = runtimeMb(port);
    log(`  workerd runtime ${memoryBefore.toFixed(0)} MB; creating ${count} sandboxes within ${windowSeconds} s`);

    const started = performance.now();
    const spacingMs = (windowSeconds * 1000 * 0.8) / count;
    let next = 0;
    const failures = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++) {
          // Arrivals spread over the window, not all at once.
          const due = started + i * spacingMs;
          if (performance.now() < due) await sleep(due - performance.now());
          try {
            visitors.push(await visit(app.url, origin, i + 1));
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }
      }),
    );
    const createdInSeconds = (performance.now() - started) / 1000;
    if (failures.length) log(`  ${failures.length} visitor(s) failed: ${failures.slice(0, 3).join(' | ')}`);
    log(`  ${visitors.length} sandboxes live in ${createdInSeconds.toFixed(1)} s; waiting for every task`);

    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && !visitors.every(sawCompletion)) await sleep(250);
    const completed = visitors.filter(sawCompletion).length;
    const memoryLive = runtimeMb(port);
    const openSockets = visitors.filter((v) => v.ws.readyState === WebSocket.OPEN).length;
    log(
      `  ${completed}/${visitors.length} tasks completed (seen live); ${openSockets} sockets open; workerd ${memoryLive.toFixed(0)} MB`,
    );

    // Expire every sandbox, then let the cron sweep purge them (a sweep defers one with a run in flight).
    const expired = d1(persistTo, (db) =>
      Number(db.prepare('UPDATE organizations SET expires_at = ? WHERE is_demo = 1').run(Date.now() - 1000).changes),
    );
    const purgeStarted = performance.now();
    let sweeps = 0;
    let endpoint = '';
    let left = expired;
    while (left > 0 && sweeps < 10) {
      endpoint = await trigger(app.url);
      sweeps++;
      left = d1(persistTo, (db) =>
        Number(db.prepare('SELECT COUNT(*) AS n FROM organizations WHERE is_demo = 1').get().n),
      );
    }
    const purgeSeconds = (performance.now() - purgeStarted) / 1000;
    // The purge closes every socket from the OrgHub (a close frame, 4003). Locally the dev proxy
    // keeps the TCP connection after the closing handshake, so a socket counts once it is closing.
    const closedByServer = () => visitors.filter((v) => v.ws.readyState >= WebSocket.CLOSING).length;
    for (let waited = 0; waited < 10_000 && closedByServer() < visitors.length; waited += 250) await sleep(250);
    const socketsClosedByPurge = closedByServer();
    for (const v of visitors) if (v.ws.readyState !== WebSocket.CLOSED) v.ws.terminate();
    const d1Left = d1(persistTo, (db) => ({
      demoOrgs: Number(db.prepare('SELECT COUNT(*) AS n FROM organizations WHERE is_demo = 1').get().n),
      guests: Number(db.prepare('SELECT COUNT(*) AS n FROM users WHERE is_guest = 1').get().n),
      sessions: Number(db.prepare('SELECT COUNT(*) AS n FROM sessions').get().n),
      memberships: Number(db.prepare('SELECT COUNT(*) AS n FROM memberships').get().n),
    }));
    const hubs = hubLeftovers(persistTo);
    await sleep(2000);
    const memoryAfter = runtimeMb(port);

    const latency = summarize(visitors.map((v) => v.createMs));
    const allPurged =
      d1Left.demoOrgs === 0 &&
      d1Left.guests === 0 &&
      d1Left.sessions === 0 &&
      d1Left.memberships === 0 &&
      hubs.agents === 0 &&
      hubs.tasks === 0;
    const json = {
      sandboxes: { requested: count, created: visitors.length, failed: failures.length, createdInSeconds },
      createLatencyMs: latency,
      tasksCompletedLive: completed,
      memoryMb: { before: memoryBefore, live: memoryLive, afterPurge: memoryAfter },
      purge: {
        expired,
        sweeps,
        endpoint,
        seconds: purgeSeconds,
        socketsClosedByPurge,
        d1Left,
        orgHubs: hubs,
        allPurged,
      },
    };
    const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    const table = [
      `sandboxes           ${visitors.length}/${count} created in ${f(createdInSeconds, 1)} s (${failures.length} failed)`,
      `/demo latency       p50 ${f(latency.p50)} ms · p99 ${f(latency.p99)} ms · max ${f(latency.max)} ms`,
      `tasks               ${completed}/${visitors.length} completed, seen on the visitor's live socket`,
      `workerd runtime     ${f(memoryBefore)} MB before → ${f(memoryLive)} MB live → ${f(memoryAfter)} MB after purge`,
      `expiry purge        ${expired} expired → ${d1Left.demoOrgs} left after ${sweeps} sweep(s) in ${f(purgeSeconds, 1)} s (${endpoint}); sockets closed ${socketsClosedByPurge}/${visitors.length}`,
      `left behind         D1: ${d1Left.guests} guests, ${d1Left.sessions} sessions, ${d1Left.memberships} memberships; OrgHubs (${hubs.objects}): ${hubs.agents} agents, ${hubs.tasks} tasks`,
      `all purged          ${allPurged ? 'yes' : 'NO'}`,
    ].join('\n');
    if (!allPurged || visitors.length !== count || completed !== visitors.length)
      log('  WARNING: not every sandbox was created, ran its task and was purged (see the table)');
    return { table, json };
  } finally {
    for (const v of visitors) if (v.ws.readyState !== WebSocket.CLOSED) v.ws.terminate();
    await app.stop();
  }
}
