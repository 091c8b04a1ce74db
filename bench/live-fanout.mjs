/**
 * Live fan-out on the production-like runtime: BENCH_FANOUT_CLIENTS (1,000) WebSocket clients
 * on `GET /v1/live` (one API key with live:read), events made through the product at
 * BENCH_FANOUT_RATE (20) per second for BENCH_FANOUT_SECONDS (10) s (`POST /v1/tasks` scheduled
 * an hour ahead: one `task.created` event each, no run). Latency = receipt − the frame's `at`
 * (stamped in the OrgHub when the event is committed); every client must get every event.
 * The ratio is to the hello Worker's p99 for `GET /` at 50 connections on the same runtime
 * (the floor of one request through workerd), and to the same clients on a minimal broadcast
 * Durable Object (bench/echo-do: the floor of fan-out on this runtime).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { load } from './lib/load.mjs';
import { bundleFor, startRuntime } from './lib/server.mjs';
import { formatNumber, formatRatio, formatTable, percentile, ratio } from './lib/stats.mjs';
import { createTenant, nextIp, requestJson } from './lib/tenant.mjs';

export const name = 'live-fanout';
/** A frame's commit time: `{"seq":…,"type":…,"at":"…",…}` (the order of `frame()` in durable-objects/live-hub.ts). */
const AT = /^\{"seq":\d+,"type":"[^"]+","at":"([^"]+)"/;
export const description = '1,000 WebSocket clients on /v1/live, events at 20/s: commit (`at`) → receipt p50/p99';

/**
 * Connects `clients` sockets to `wsUrl`, publishes `rate` events a second for `seconds` s with
 * `publish(i)` (open loop), and measures each matching frame's `at` → receipt on every socket.
 */
async function measureFanout({ clients, rate, seconds, wsUrl, headersFor, publish, match, log }) {
  const sockets = [];
  const latencies = [];
  const received = new Array(clients).fill(0);
  try {
    // Connect with bounded concurrency; each socket counts the published events it receives.
    let next = 0;
    const connectOne = (i) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl, { headers: headersFor(i), perMessageDeflate: false, handshakeTimeout: 30_000 });
        // 1,000 clients share the load generator's one CPU: each frame (a whole task, ~1 KB) is
        // matched, not parsed, so the client's own queueing stays out of the latency measured.
        ws.on('message', (data) => {
          const now = Date.now();
          const text = String(data);
          if (!text.includes(match)) return;
          const at = AT.exec(text)?.[1];
          if (!at) return;
          received[i] += 1;
          latencies.push(now - Date.parse(at));
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const connectStarted = Date.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = next++; i < clients; i = next++) sockets.push(await connectOne(i));
      }),
    );
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    log(`  ${clients} clients connected in ${formatNumber(connectSeconds)} s; publishing ${rate}/s for ${seconds} s`);
    await sleep(1000);
    latencies.length = 0;
    received.fill(0);

    // Open loop: one publish every 1000/rate ms, whatever the answers' latency.
    const total = rate * seconds;
    const posts = [];
    const started = Date.now();
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      posts.push(publish(i));
    }
    const sentRate = total / ((Date.now() - started) / 1000);
    const oks = await Promise.all(posts);
    const ok = oks.filter(Boolean).length;
    const answeredSeconds = (Date.now() - started) / 1000;
    for (let waited = 0; waited < 15_000 && received.some((n) => n < ok); waited += 200) await sleep(200);
    const delivered = received.reduce((a, b) => a + b, 0);
    return {
      clients,
      rate,
      sentRate,
      answeredSeconds,
      events: ok,
      failedPosts: total - ok,
      connectSeconds,
      delivered,
      expected: ok * clients,
      clientsMissingEvents: received.filter((n) => n < ok).length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.reduce((max, v) => Math.max(max, v), Number.NEGATIVE_INFINITY),
    };
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/** @param {import('./run.mjs').Settings} settings @param {(line: string) => void} log */
export async function run(settings, log) {
  const clients = Number(process.env.BENCH_FANOUT_CLIENTS ?? 1000);
  const rate = Number(process.env.BENCH_FANOUT_RATE ?? 20);
  const seconds = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);
  log('  bundling the app, the echo floor and the hello Worker');
  // The production Worker (the counting build's wrappers cost CPU on every statement; calls
  // per request are the round-trips benchmark's job). BENCH_COUNTED=1 runs the counting build.
  const app = bundleFor(process.env.BENCH_COUNTED === '1' ? 'counted' : 'app');
  const echo = bundleFor('echo-do');
  const hello = bundleFor('hello');

  let result;
  const server = await startRuntime({ worker: app, port: settings.port + 26, readyPath: '/v1/health' });
  try {
    const tenant = await createTenant(server.url, {
      tag: 'fanout',
      keys: [
        { name: 'sockets', scopes: ['live:read', 'tasks:read'] },
        { name: 'publisher-1', scopes: ['tasks:read', 'tasks:write'] },
        { name: 'publisher-2', scopes: ['tasks:read', 'tasks:write'] },
      ],
    });
    result = await measureFanout({
      clients,
      rate,
      seconds,
      log,
      wsUrl: `${server.url.replace('http://', 'ws://')}/v1/live`,
      // One address per client, as 1,000 real viewers would have (the upgrade is limited per IP).
      headersFor: () => ({ authorization: `Bearer ${tenant.keys.sockets}`, 'cf-connecting-ip': nextIp() }),
      match: '"type":"task.created"',
      publish: (i) =>
        requestJson(server.url, 'POST', '/v1/tasks', {
          key: tenant.keyList[1 + (i % 2)],
          body: {
            agent: 'marcus',
            description: `Fan-out event ${i}`,
            scheduled_for: new Date(Date.now() + 3_600_000).toISOString(),
          },
        }).then((res) => res.status === 201),
    });
  } finally {
    await server.stop();
  }

  // The floor: the same clients on a minimal broadcast Durable Object (bench/echo-do), events of
  // about the same size, no auth, no task, no event log beyond a sequence number.
  log('  the echo floor (bench/echo-do)');
  const echoServer = await startRuntime({ worker: echo, port: settings.port + 28 });
  let echoResult;
  try {
    const payload = JSON.stringify({ task: { description: 'x'.repeat(900) } });
    echoResult = await measureFanout({
      clients,
      rate,
      seconds,
      log,
      wsUrl: `${echoServer.url.replace('http://', 'ws://')}/ws`,
      headersFor: () => ({}),
      match: '"type":"echo"',
      publish: () =>
        fetch(`${echoServer.url}/publish`, { method: 'POST', body: payload }).then((res) => res.status === 201),
    });
  } finally {
    await echoServer.stop();
  }

  const helloServer = await startRuntime({ worker: hello, port: settings.port + 27 });
  let helloP99;
  try {
    helloP99 = (await load({ url: `${helloServer.url}/`, connections: 50, duration: 5 })).latencyP99Ms;
  } finally {
    await helloServer.stop();
  }
  const table = formatTable(
    ['live fan-out', 'value'],
    [
      ['clients / events created', `${result.clients} / ${result.events}`],
      [
        'POSTs sent ev/s; last answered after s',
        `${formatNumber(result.sentRate)}; ${formatNumber(result.answeredSeconds)}`,
      ],
      ['delivered / expected', `${result.delivered} / ${result.expected}`],
      ['clients missing events', String(result.clientsMissingEvents)],
      [
        'at → receipt p50 / p99 / max ms',
        `${formatNumber(result.p50Ms, 0)} / ${formatNumber(result.p99Ms, 0)} / ${formatNumber(result.maxMs, 0)}`,
      ],
      [
        'echo floor: delivered; p50 / p99 / max ms',
        `${echoResult.delivered} / ${echoResult.expected}; ${formatNumber(echoResult.p50Ms, 0)} / ${formatNumber(echoResult.p99Ms, 0)} / ${formatNumber(echoResult.maxMs, 0)}`,
      ],
      ['hello GET / p99 ms (50 conn., same runtime)', formatNumber(helloP99, 0)],
      ['fan-out p99 ÷ hello p99', formatRatio(ratio(result.p99Ms, helloP99))],
      ['fan-out p99 ÷ echo floor p99', formatRatio(ratio(result.p99Ms, echoResult.p99Ms))],
      ['connect time s', formatNumber(result.connectSeconds)],
    ],
  );
  return { table, json: { ...result, helloP99, echo: echoResult } };
}
