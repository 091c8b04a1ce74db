/**
 * The org's live WebSocket hub (OrgHub + durable-objects/live-hub.ts) under fan-out: one org,
 * N connected clients (`GET /v1/live` with an API key), events created at a steady rate through
 * the real product (`POST /v1/tasks` with `scheduled_for` an hour ahead: each makes one
 * `task.created` event and no run). Measured per N: delivery latency (event `at` → receipt, and
 * POST sent → first receipt), delivered/expected with gap, duplicate and order checks per
 * client, and workerd RSS per connection. The same load on bench/echo-do (a minimal broadcast
 * Durable Object) gives the floor; then a resume check: clients dropped mid-stream reconnect
 * with `?since=` and must end with every event exactly once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { applyMigrations, makeTempDir, removeTempDir, snapshotWorker, startWrangler } from './lib/server.mjs';
import { formatNumber, formatRatio, formatTable, percentile, ratio } from './lib/stats.mjs';
import { createTenant as makeTenant, nextIp } from './lib/tenant.mjs';

export const name = 'live-hub';
export const description =
  'org WebSocket hub fan-out: delivery latency, exactly-once in order, memory per connection at N clients, vs a minimal broadcast DO; resume with ?since';

/** @typedef {import('./run.mjs').Settings} Settings */

const SOCKET_SCOPES = ['live:read', 'tasks:read'];
const PUBLISH_SCOPES = ['tasks:read', 'tasks:write'];
/** Default-team agent every new org has (core/default-team.ts). */
const AGENT = 'marcus';
/** `{"seq":N,"type":"…","at":"…",` — the key order of frame() in live-hub.ts and of the echo DO. */
const FRAME_HEAD = /^\{"seq":(\d+),"type":"([^"]+)","at":"([^"]+)"/;

function readOptions() {
  const int = (key, fallback, min, max) => {
    const raw = process.env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${key}=${raw}: expected an integer in ${min}..${max}`);
    return value;
  };
  const sizes = (process.env.BENCH_LIVE_CLIENTS || '100,1000').split(',').map((s) => Number(s.trim()));
  for (const n of sizes)
    if (!Number.isInteger(n) || n < 1 || n > 1900)
      throw new Error(
        `BENCH_LIVE_CLIENTS: "${n}" is not an integer in 1..1900 (self_hosted allows 2000 sockets per org)`,
      );
  return {
    sizes,
    rate: int('BENCH_LIVE_RATE', 20, 1, 100),
    seconds: int('BENCH_LIVE_SECONDS', 15, 1, 120),
    connectConcurrency: int('BENCH_LIVE_CONNECT_CONCURRENCY', 50, 1, 500),
    idleSeconds: int('BENCH_LIVE_IDLE_SECONDS', 10, 0, 120),
    drainSeconds: int('BENCH_LIVE_DRAIN_SECONDS', 15, 1, 120),
    resumeClients: int('BENCH_LIVE_RESUME_CLIENTS', 100, 0, 1900),
    resumeDrop: int('BENCH_LIVE_RESUME_DROP', 10, 1, 1900),
    maxInFlight: int('BENCH_LIVE_MAX_IN_FLIGHT', 20, 1, 500),
    matchRate: process.env.BENCH_LIVE_MATCH_RATE !== '0',
    deflate: process.env.BENCH_LIVE_DEFLATE === '1',
  };
}

// ─── workerd memory ──────────────────────────────────────────────────────────────────────

/** Every process: pid, process group, argv. */
function processes() {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), pgid: Number(fields[2]), cmdline });
    } catch {
      // gone meanwhile
    }
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

/**
 * The two workerd processes of the `wrangler dev` on `port`: its dev proxy (the one bound to
 * the port) and, in the same process group, the runtime that runs the Worker and its Durable
 * Objects (bound to port 0). RSS of each in kB.
 */
function workerdMemory(port) {
  const all = processes();
  const isWorkerd = (p) => /(^|\/)workerd$/.test(p.cmdline[0] ?? '');
  const proxy = all.find((p) => isWorkerd(p) && p.cmdline.includes(`--socket-addr=entry=127.0.0.1:${port}`));
  if (!proxy) return { runtimeKb: Number.NaN, proxyKb: Number.NaN, runtimePids: [], proxyPid: null };
  const runtime = all.filter((p) => isWorkerd(p) && p.pgid === proxy.pgid && p.pid !== proxy.pid);
  return {
    runtimeKb: runtime.reduce((sum, p) => sum + rssKb(p.pid), 0) || Number.NaN,
    proxyKb: rssKb(proxy.pid),
    runtimePids: runtime.map((p) => p.pid),
    proxyPid: proxy.pid,
  };
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────

async function postJson(url, route, body, headers = {}) {
  const response = await fetch(url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text, headers: response.headers };
}

/** A user + org (self_hosted in this edition) and two API keys: one for sockets, one for publishing. */
async function createTenant(url, tag) {
  const tenant = await makeTenant(url, {
    tag: `live-${tag}`,
    keys: [
      { name: 'bench-live-sockets', scopes: SOCKET_SCOPES },
      { name: 'bench-live-publisher', scopes: PUBLISH_SCOPES },
    ],
  });
  const [sockets, publisher] = tenant.keyList;
  return { slug: tenant.slug, plan: tenant.plan, keys: { sockets, publisher } };
}

// ─── Targets: the app's hub and the echo DO, behind one interface ─────────────────────────

/**
 * @typedef {object} Target
 * @property {'app'|'echo'} kind
 * @property {number} port
 * @property {string} measuredType event type of the published events
 * @property {(since: number | null) => { url: string, headers: Record<string, string> }} socket
 * @property {(i: number) => Promise<{ status: number, id: string | null, error?: string }>} publish
 * @property {(frame: any) => string | null} idOf id of a published event from its frame
 * @property {() => Promise<any>} [stats]
 */

/** @returns {Promise<Target>} */
async function appTarget(url, port, tag) {
  const tenant = await createTenant(url, tag);
  const ws = url.replace('http://', 'ws://');
  return {
    kind: 'app',
    port,
    tenant,
    measuredType: 'task.created',
    socket: (since) => ({
      url: `${ws}/v1/live${since === null ? '' : `?since=${since}`}`,
      // One address per client (the live upgrade is limited per IP), as real viewers would have.
      headers: { authorization: `Bearer ${tenant.keys.sockets}`, 'cf-connecting-ip': nextIp() },
    }),
    async publish(i) {
      const res = await postJson(
        url,
        '/v1/tasks',
        {
          agent: AGENT,
          description: `Live hub benchmark event ${i}`,
          scheduled_for: new Date(Date.now() + 3_600_000).toISOString(),
          metadata: { bench_i: i },
        },
        { authorization: `Bearer ${tenant.keys.publisher}` },
      );
      return res.status === 201
        ? { status: res.status, id: res.json.id }
        : { status: res.status, id: null, error: res.text.slice(0, 200) };
    },
    idOf: (frame) => frame?.data?.task?.id ?? null,
  };
}

/** @returns {Target} */
function echoTarget(url, port, room, padBytes = 0) {
  const ws = url.replace('http://', 'ws://');
  return {
    kind: 'echo',
    port,
    room,
    measuredType: 'echo',
    socket: () => ({ url: `${ws}/ws?room=${room}`, headers: {} }),
    async publish(i) {
      const id = `${room}-${i}`;
      const res = await postJson(
        url,
        `/publish?room=${room}`,
        padBytes > 0 ? { id, i, pad: 'x'.repeat(padBytes) } : { id, i },
      );
      return res.status === 201
        ? { status: res.status, id }
        : { status: res.status, id: null, error: res.text.slice(0, 200) };
    },
    idOf: (frame) => frame?.data?.id ?? null,
    async stats() {
      const response = await fetch(`${url}/stats?room=${room}`, { signal: AbortSignal.timeout(10_000) });
      return response.json();
    },
  };
}

// ─── Clients ─────────────────────────────────────────────────────────────────────────────

/** Shared by every client of one run: what arrived, when. */
function newCollector(measuredType) {
  return {
    measuredType,
    /** seq → { at: first receipt ms, raw: frame text of the first receipt (measured events only) } */
    first: new Map(),
    /** event `at` → receipt, ms, live measured frames of every client */
    latencies: [],
    frames: 0,
    bytes: 0,
    maxSeq: 0,
    /** size of the measured (published) frames, live receipts */
    measuredBytes: 0,
    measuredFrames: 0,
  };
}

/**
 * One WebSocket client. Keeps every event seq it got, in order, across reconnects; the frames
 * at or below the seq of the `hello` of the current connection are replay (not timed).
 */
class LiveClient {
  constructor(index, collector, deflate) {
    this.index = index;
    this.collector = collector;
    this.deflate = deflate;
    this.ws = null;
    this.firstHello = null;
    this.hello = null;
    this.seqs = [];
    this.lastSeq = 0;
    this.replayed = 0;
    this.resyncs = [];
    this.errors = [];
    this.pongs = 0;
    this.connects = 0;
    this.connectMs = [];
    this.closed = true;
  }

  /** Opens (or reopens) the socket; resolves when `hello` arrived. */
  connect(target, since = null) {
    const { url, headers } = target.socket(since);
    const started = Date.now();
    this.hello = null;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: this.deflate, handshakeTimeout: 30_000 });
      this.ws = ws;
      this.closed = false;
      let settled = false;
      const timer = setTimeout(() => finish(new Error('no hello within 30 s')), 30_000);
      const finish = (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.errors.push(error.message);
          ws.terminate();
          reject(error);
        } else {
          this.connects += 1;
          this.connectMs.push(Date.now() - started);
          resolve();
        }
      };
      ws.on('message', (data) => {
        if (this.ws !== ws) return;
        const now = Date.now();
        const c = this.collector;
        c.frames += 1;
        c.bytes += data.length;
        const head = data.toString('utf8', 0, Math.min(data.length, 160));
        const m = FRAME_HEAD.exec(head);
        if (!m) {
          let frame;
          try {
            frame = JSON.parse(data.toString());
          } catch {
            this.errors.push(`unparsable frame ${head.slice(0, 80)}`);
            return;
          }
          if (frame.type === 'hello') {
            this.hello = frame.seq;
            this.firstHello ??= frame.seq;
            finish();
          } else if (frame.type === 'pong') this.pongs += 1;
          else if (frame.type === 'resync') this.resyncs.push(frame);
          else if (typeof frame.seq === 'number')
            this.onEvent(now, frame.seq, frame.type, frame.at, JSON.stringify(frame));
          else this.errors.push(`unexpected frame ${head.slice(0, 80)}`);
          return;
        }
        this.onEvent(now, Number(m[1]), m[2], m[3], data);
      });
      ws.on('close', (code) => {
        if (this.ws !== ws) return;
        this.closed = true;
        this.closeCode = code;
        finish(new Error(`closed (${code}) before hello`));
      });
      ws.on('error', (error) => finish(error));
    });
  }

  onEvent(now, seq, type, at, raw) {
    const c = this.collector;
    if (this.hello === null) {
      this.errors.push(`event ${seq} before hello`);
      return;
    }
    this.seqs.push(seq);
    if (seq > c.maxSeq) c.maxSeq = seq;
    if (seq > this.lastSeq) this.lastSeq = seq;
    if (seq <= this.hello) {
      this.replayed += 1;
      return;
    }
    if (type === c.measuredType) {
      c.latencies.push(now - Date.parse(at));
      c.measuredBytes += raw.length;
      c.measuredFrames += 1;
      if (!c.first.has(seq)) c.first.set(seq, { at: now, raw: raw.toString() });
    }
  }

  ping() {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send('{"type":"ping"}');
  }

  /** Network-drop style: no close frame. */
  drop() {
    this.ws?.terminate();
  }

  close() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'bench done');
    else this.ws?.terminate();
  }
}

/** Connects `clients` with at most `concurrency` handshakes in flight. */
async function connectAll(clients, target, concurrency, deadlineMs) {
  let next = 0;
  const failures = [];
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= clients.length || Date.now() > deadlineMs) return;
      try {
        await clients[i].connect(target);
      } catch (error) {
        failures.push({ client: i, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
  return failures;
}

/** Largest value (no spread: arrays here hold up to ~10^6 samples). */
function maxOf(values) {
  let max = Number.NaN;
  for (const v of values) if (!(v <= max)) max = v;
  return max;
}

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const CLOCK_TICKS = 100;

/** CPU time (utime + stime, clock ticks) of the workerd processes of the server on `port`. */
function cpuTicks(port) {
  return cpuTicksOf(port, 'runtime') + cpuTicksOf(port, 'proxy');
}

/** @param {'runtime' | 'proxy'} which */
function cpuTicksOf(port, which) {
  const { runtimePids, proxyPid } = workerdMemory(port);
  let ticks = 0;
  for (const pid of which === 'runtime' ? runtimePids : [proxyPid]) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks;
}

/**
 * Waits (bounded by `maxMs`) until the server's workerd processes use under 5% of a core over
 * a second: work a run left queued in the object (e.g. presence events for 1,000 closes) must
 * not overlap the next measurement. Returns the ms waited.
 */
async function waitQuiet(port, maxMs = 90_000) {
  const start = Date.now();
  for (let i = 0; i < 1000 && Date.now() - start < maxMs; i += 1) {
    const before = cpuTicks(port);
    await sleep(1000);
    if (cpuTicks(port) - before < 5) break;
  }
  return Date.now() - start;
}

/** Waits (bounded) until `done()` or `ms` passed; returns whether it became true. */
async function waitFor(done, ms, step = 100) {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i += 1) {
    if (done()) return true;
    await sleep(step);
  }
  return done();
}

// ─── One run ─────────────────────────────────────────────────────────────────────────────

/**
 * Warm-up, baseline RSS, connect N, RSS idle, publish rate×seconds events (optionally dropping
 * and resuming some clients halfway), drain, check every client, close.
 * @param {Target} target
 */
async function runOnce(
  target,
  n,
  options,
  log,
  { label, resumeDrop = 0, rate = options.rate, idleSeconds = options.idleSeconds, quietAfter = true } = {},
) {
  // Warm-up: the object exists, its code paths ran, a few sockets came and went.
  for (let i = 0; i < 3; i += 1) {
    const res = await target.publish(-1 - i);
    if (res.status !== 201) throw new Error(`${label}: warm-up publish HTTP ${res.status} ${res.error ?? ''}`);
  }
  const warm = Array.from(
    { length: 5 },
    (_, i) => new LiveClient(i, newCollector(target.measuredType), options.deflate),
  );
  const warmFailures = await connectAll(warm, target, 5, Date.now() + 60_000);
  if (warmFailures.length) throw new Error(`${label}: warm-up sockets failed: ${JSON.stringify(warmFailures[0])}`);
  for (const c of warm) c.close();
  await waitFor(() => warm.every((c) => c.closed), 10_000);
  await sleep(500);
  const quietBeforeMs = await waitQuiet(target.port);
  const memBefore = workerdMemory(target.port);

  const collector = newCollector(target.measuredType);
  const clients = Array.from({ length: n }, (_, i) => new LiveClient(i, collector, options.deflate));
  const connectStart = Date.now();
  const connectFailures = await connectAll(clients, target, options.connectConcurrency, Date.now() + 180_000);
  const connectMs = Date.now() - connectStart;
  if (connectFailures.length)
    log(`    ${connectFailures.length} connect failure(s), first: ${JSON.stringify(connectFailures[0])}`);
  const connected = clients.filter((c) => c.hello !== null);
  // Presence events from the connects settle: every client has the newest seq.
  const settled = await waitFor(() => connected.every((c) => c.lastSeq >= collector.maxSeq), 30_000);
  const connectSettledMs = Date.now() - connectStart;
  const framesAtConnect = collector.frames;
  const bytesAtConnect = collector.bytes;
  await sleep(2000);
  const memConnected = workerdMemory(target.port);
  const statsBeforeIdle = target.stats ? await target.stats() : null;
  for (const c of connected) c.ping();
  if (idleSeconds > 0) await sleep(idleSeconds * 1000);
  const memIdle = workerdMemory(target.port);
  const pongs = connected.reduce((sum, c) => sum + c.pongs, 0);
  const seqBeforePublish = collector.maxSeq;
  log(
    `    ${label}: ${connected.length}/${n} connected in ${formatNumber(connectMs / 1000)} s (settled ${formatNumber(connectSettledMs / 1000)} s${settled ? '' : ', NOT settled'}), ` +
      `${framesAtConnect} frames during connect; runtime RSS ${formatNumber(memBefore.runtimeKb / 1024)} → ${formatNumber(memConnected.runtimeKb / 1024)} → ${formatNumber(memIdle.runtimeKb / 1024)} MB (idle ${idleSeconds} s)`,
  );

  // Publish at a steady rate (open loop) for `seconds`: an event due while maxInFlight POSTs are
  // still unanswered is skipped (counted), so an overloaded publisher path shows as a lower
  // achieved rate instead of an ever-growing queue.
  const total = Math.max(1, Math.round(rate * options.seconds));
  const interval = (options.seconds * 1000) / total;
  const loadStart = os.loadavg()[0];
  const cpuStart = {
    runtime: cpuTicksOf(target.port, 'runtime'),
    proxy: cpuTicksOf(target.port, 'proxy'),
    client: process.cpuUsage(),
    at: Date.now(),
  };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const sent = [];
  const pending = [];
  let inFlight = 0;
  let skippedForInFlight = 0;
  let resume = null;
  const publishStart = Date.now();
  for (let i = 0; i < total; i += 1) {
    const due = publishStart + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    if (resumeDrop > 0 && i === Math.floor(total / 2))
      resume = dropAndResume(connected.slice(0, resumeDrop), target, log, label);
    if (inFlight >= options.maxInFlight) {
      skippedForInFlight += 1;
      continue;
    }
    const record = { i, sentAt: Date.now(), status: 0, id: null, ms: 0, lateMs: Date.now() - due };
    sent.push(record);
    inFlight += 1;
    pending.push(
      target
        .publish(i)
        .then((res) => Object.assign(record, res))
        .catch((error) =>
          Object.assign(record, { status: 0, error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          record.ms = Date.now() - record.sentAt;
          inFlight -= 1;
        }),
    );
  }
  await Promise.all(pending);
  const publishMs = Date.now() - publishStart;
  const resumeInfo = resume ? await resume : null;
  const ok = sent.filter((r) => r.status === 201);
  const publishErrors = sent.filter((r) => r.status !== 201);
  if (publishErrors.length)
    log(
      `    ${publishErrors.length} publish error(s), first: ${publishErrors[0].status} ${publishErrors[0].error ?? ''}`,
    );

  // Drain: every published event seen by someone, and every client at the newest seq.
  const drained = await waitFor(
    () => collector.first.size >= ok.length && connected.every((c) => c.lastSeq >= collector.maxSeq),
    options.drainSeconds * 1000,
  );
  loopDelay.disable();
  const cpuSeconds = (Date.now() - cpuStart.at) / 1000;
  const clientCpu = process.cpuUsage(cpuStart.client);
  const cpu = {
    seconds: cpuSeconds,
    // % of one core over publish + drain
    runtimePct: (100 * (cpuTicksOf(target.port, 'runtime') - cpuStart.runtime)) / CLOCK_TICKS / cpuSeconds,
    proxyPct: (100 * (cpuTicksOf(target.port, 'proxy') - cpuStart.proxy)) / CLOCK_TICKS / cpuSeconds,
    clientPct: (100 * (clientCpu.user + clientCpu.system)) / 1e6 / cpuSeconds,
    clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    clientLoopDelayMaxMs: loopDelay.max / 1e6,
    // the machine's 1-minute load average at the start and end of publishing (2 cores: > 2 = oversubscribed)
    loadAverage: [loadStart, os.loadavg()[0]],
  };
  await sleep(500);
  const memAfter = workerdMemory(target.port);
  const statsAfter = target.stats ? await target.stats() : null;

  // Which seq carried which published event (from the first receipt's full frame).
  const byId = new Map(ok.map((r) => [r.id, r]));
  const publisherLatencies = [];
  const measuredSeqs = new Set();
  for (const [seq, first] of collector.first) {
    let frame = null;
    try {
      frame = JSON.parse(first.raw);
    } catch {}
    const record = byId.get(target.idOf(frame));
    if (!record) continue;
    measuredSeqs.add(seq);
    record.seq = seq;
    publisherLatencies.push(first.at - record.sentAt);
  }
  const unseenPublished = ok.filter((r) => r.seq === undefined).length;

  // Per client: every event after its first hello, exactly once, in order.
  const endSeq = collector.maxSeq;
  let expectedAll = 0;
  let deliveredAll = 0;
  let expectedMeasured = 0;
  let deliveredMeasured = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let missing = 0;
  const badClients = [];
  for (const c of connected) {
    const seen = new Set();
    let dup = 0;
    let order = 0;
    let prev = -1;
    for (const seq of c.seqs) {
      if (seen.has(seq)) dup += 1;
      seen.add(seq);
      if (seq <= prev) order += 1;
      prev = seq;
    }
    let miss = 0;
    for (let seq = c.firstHello + 1; seq <= endSeq; seq += 1) {
      expectedAll += 1;
      if (seen.has(seq)) deliveredAll += 1;
      else miss += 1;
    }
    // Published events: all came after every client's hello (all connected before publishing).
    expectedMeasured += ok.length;
    for (const seq of measuredSeqs) if (seq > c.firstHello && seen.has(seq)) deliveredMeasured += 1;
    duplicates += dup;
    outOfOrder += order;
    missing += miss;
    if ((dup || order || miss || c.resyncs.length || c.errors.length) && badClients.length < 10) {
      badClients.push({
        client: c.index,
        firstHello: c.firstHello,
        received: c.seqs.length,
        missing: miss,
        duplicates: dup,
        outOfOrder: order,
        resyncs: c.resyncs.length,
        errors: c.errors.slice(0, 3),
      });
    }
  }

  // Close everything (presence events on the way out for the app) and time it.
  const closeStart = Date.now();
  for (const c of clients) c.close();
  const allClosed = await waitFor(() => clients.every((c) => c.closed), 45_000);
  const closeMs = Date.now() - closeStart;
  for (const c of clients) if (!c.closed) c.drop();
  // The object may still be working through what the closes queued (the app: a presence event each).
  const quietAfterCloseMs = quietAfter ? await waitQuiet(target.port) : null;

  const lat = collector.latencies;
  const connectTimes = connected.flatMap((c) => c.connectMs.slice(0, 1));
  const result = {
    label,
    kind: target.kind,
    clients: n,
    connected: connected.length,
    connectFailures,
    connectMs,
    connectSettledMs,
    connectSettled: settled,
    connectP50Ms: percentile(connectTimes, 50),
    connectP99Ms: percentile(connectTimes, 99),
    framesDuringConnect: framesAtConnect,
    bytesDuringConnect: bytesAtConnect,
    eventsAppendedDuringConnect: Math.max(0, seqBeforePublish - Math.min(...connected.map((c) => c.firstHello))),
    pongs,
    published: {
      targetRate: rate,
      planned: total,
      achievedRate: ok.length / options.seconds,
      sent: sent.length,
      ok: ok.length,
      errors: publishErrors.length,
      skippedForInFlight,
      publishMs,
      postP50Ms: percentile(
        ok.map((r) => r.ms),
        50,
      ),
      postP99Ms: percentile(
        ok.map((r) => r.ms),
        99,
      ),
      lateP99Ms: percentile(
        sent.map((r) => r.lateMs),
        99,
      ),
      errorSamples: publishErrors.slice(0, 3).map((r) => `${r.status} ${r.error ?? ''}`),
    },
    drained,
    unseenPublished,
    endSeq,
    delivery: {
      measuredDelivered: deliveredMeasured,
      measuredExpected: expectedMeasured,
      measuredRatio: ratio(deliveredMeasured, expectedMeasured),
      allEventsDelivered: deliveredAll,
      allEventsExpected: expectedAll,
      allEventsRatio: ratio(deliveredAll, expectedAll),
      missing,
      duplicates,
      outOfOrder,
      resyncs: connected.reduce((sum, c) => sum + c.resyncs.length, 0),
      clientErrors: connected.reduce((sum, c) => sum + c.errors.length, 0),
      badClients,
    },
    latencyMs: {
      samples: lat.length,
      p50: percentile(lat, 50),
      p90: percentile(lat, 90),
      p99: percentile(lat, 99),
      max: maxOf(lat),
      min: -maxOf(lat.map((v) => -v)),
    },
    publisherLatencyMs: {
      samples: publisherLatencies.length,
      p50: percentile(publisherLatencies, 50),
      p99: percentile(publisherLatencies, 99),
      max: maxOf(publisherLatencies),
    },
    cpu,
    measuredFrameBytes: collector.measuredFrames ? collector.measuredBytes / collector.measuredFrames : Number.NaN,
    framesTotal: collector.frames,
    bytesTotal: collector.bytes,
    memory: {
      before: memBefore,
      connected: memConnected,
      idle: memIdle,
      after: memAfter,
      runtimeKbPerConnection: (memConnected.runtimeKb - memBefore.runtimeKb) / connected.length,
      runtimeKbPerConnectionIdle: (memIdle.runtimeKb - memBefore.runtimeKb) / connected.length,
      proxyKbPerConnection: (memConnected.proxyKb - memBefore.proxyKb) / connected.length,
    },
    echoStats: statsBeforeIdle ? { beforeIdle: statsBeforeIdle, after: statsAfter } : undefined,
    resume: resumeInfo ? evaluateResume(resumeInfo, endSeq, measuredSeqs, ok.length) : undefined,
    closeMs,
    allClosed,
    quietBeforeMs,
    quietAfterCloseMs,
    firstEventLatencies: ok
      .slice(0, 5)
      .map((r) => (r.seq !== undefined ? collector.first.get(r.seq).at - r.sentAt : null)),
  };
  log(
    `    ${label}: ${ok.length}/${sent.length} events in ${formatNumber(publishMs / 1000)} s; delivered ${deliveredMeasured}/${expectedMeasured} published, ${deliveredAll}/${expectedAll} all; ` +
      `dup ${duplicates} order ${outOfOrder} missing ${missing}; at→recv p50 ${formatNumber(result.latencyMs.p50)} p99 ${formatNumber(result.latencyMs.p99)} ms; ` +
      `POST→first p50 ${formatNumber(result.publisherLatencyMs.p50)} p99 ${formatNumber(result.publisherLatencyMs.p99)} ms; ${formatNumber(result.memory.runtimeKbPerConnection)} KB/conn; closed in ${formatNumber(closeMs / 1000)} s, server busy ${quietAfterCloseMs === null ? 'n/a' : formatNumber(quietAfterCloseMs / 1000)} s after; CPU % of a core: runtime ${formatNumber(cpu.runtimePct, 0)}, proxy ${formatNumber(cpu.proxyPct, 0)}, client ${formatNumber(cpu.clientPct, 0)} (loop delay p99 ${formatNumber(cpu.clientLoopDelayP99Ms)} ms); load average ${cpu.loadAverage.map((v) => formatNumber(v)).join('→')}` +
      (statsAfter
        ? `; echo DO starts ${statsBeforeIdle.starts} before idle, ${statsAfter.starts} after (more = it hibernated and woke)`
        : ''),
  );
  for (const bad of badClients.slice(0, 3)) log(`      client ${JSON.stringify(bad)}`);
  return result;
}

/** Drops `clients` (no close frame), waits a moment, reconnects each with ?since=<last seq it saw>. */
async function dropAndResume(clients, target, log, label) {
  const dropped = clients.map((c) => ({
    client: c,
    lastSeqAtDrop: c.lastSeq,
    receivedAtDrop: c.seqs.length,
    replayedBefore: c.replayed,
  }));
  const droppedAt = Date.now();
  for (const c of clients) c.drop();
  await waitFor(() => clients.every((c) => c.closed), 5000);
  await sleep(1000);
  const failures = [];
  await Promise.all(
    dropped.map(async (d) => {
      try {
        await d.client.connect(target, d.lastSeqAtDrop);
      } catch (error) {
        failures.push({ client: d.client.index, error: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  const gap = dropped.map((d) => d.client.hello - d.lastSeqAtDrop);
  log(
    `    ${label}: dropped ${clients.length} clients, reconnected with ?since after ${formatNumber((Date.now() - droppedAt) / 1000)} s; they missed ${Math.min(...gap)}..${Math.max(...gap)} events meanwhile`,
  );
  return { dropped, failures, droppedAt };
}

function evaluateResume(info, endSeq, measuredSeqs, publishedOk) {
  const perClient = info.dropped.map((d) => {
    const c = d.client;
    const seen = new Map();
    for (const seq of c.seqs) seen.set(seq, (seen.get(seq) ?? 0) + 1);
    let missing = 0;
    let duplicates = 0;
    for (let seq = c.firstHello + 1; seq <= endSeq; seq += 1) {
      const count = seen.get(seq) ?? 0;
      if (count === 0) missing += 1;
      if (count > 1) duplicates += count - 1;
    }
    let measured = 0;
    for (const seq of measuredSeqs) if ((seen.get(seq) ?? 0) > 0) measured += 1;
    let ordered = true;
    for (let i = 1; i < c.seqs.length; i += 1) if (c.seqs[i] <= c.seqs[i - 1]) ordered = false;
    return {
      client: c.index,
      since: d.lastSeqAtDrop,
      replayed: c.replayed - d.replayedBefore,
      missing,
      duplicates,
      ordered,
      measured,
      resyncs: c.resyncs.length,
      reconnected: c.connects >= 2,
    };
  });
  const ok = perClient.every(
    (p) =>
      p.reconnected &&
      p.missing === 0 &&
      p.duplicates === 0 &&
      p.ordered &&
      p.measured === publishedOk &&
      p.resyncs === 0,
  );
  return {
    dropped: perClient.length,
    reconnectFailures: info.failures,
    replayedTotal: perClient.reduce((s, p) => s + p.replayed, 0),
    measuredDelivered: perClient.reduce((s, p) => s + p.measured, 0),
    measuredExpected: perClient.length * publishedOk,
    missing: perClient.reduce((s, p) => s + p.missing, 0),
    duplicates: perClient.reduce((s, p) => s + p.duplicates, 0),
    allOrdered: perClient.every((p) => p.ordered),
    ok,
    perClient,
  };
}

// ─── Entry ───────────────────────────────────────────────────────────────────────────────

/**
 * @param {Settings} settings
 * @param {(line: string) => void} log
 */
export async function run(settings, log) {
  const options = readOptions();
  const appPort = settings.port + 40;
  const echoPort = settings.port + 41;
  log(
    `  clients ${options.sizes.join(', ')}; ${options.rate} events/s for ${options.seconds} s; connect concurrency ${options.connectConcurrency}; idle ${options.idleSeconds} s before publishing; ` +
      `resume: ${options.resumeClients} clients, drop ${options.resumeDrop}; permessage-deflate ${options.deflate ? 'on' : 'off'}; ports ${appPort} (app), ${echoPort} (echo)`,
  );

  const config = await snapshotWorker('live');
  const persistTo = makeTempDir('live');
  const servers = [];
  const runs = [];
  let resume = null;
  const serverErrors = [];
  try {
    applyMigrations(persistTo, config);
    const app = await startWrangler({
      config,
      port: appPort,
      inspectorPort: settings.port + 42,
      persistTo,
      readyPath: '/v1/health',
      vars: { APP_URL: `http://localhost:${appPort}` },
    });
    servers.push(app);
    const echo = await startWrangler({
      config: 'bench/echo-do/wrangler.toml',
      port: echoPort,
      inspectorPort: settings.port + 43,
      readyPath: '/',
    });
    servers.push(echo);
    const procs = { app: workerdMemory(appPort), echo: workerdMemory(echoPort) };
    log(
      `  workerd: app runtime ${procs.app.runtimePids.join(',')} proxy ${procs.app.proxyPid}; echo runtime ${procs.echo.runtimePids.join(',')} proxy ${procs.echo.proxyPid}`,
    );
    if (!procs.app.runtimePids.length || !procs.echo.runtimePids.length)
      throw new Error('could not find the workerd runtime processes of the wrangler dev servers');

    // Per N: the app, then the echo DO with the same clients, the app's achieved event rate
    // (BENCH_LIVE_MATCH_RATE) and frames padded to the app's size, so both fan out the same load.
    // The resume check runs after the first N.
    for (const [index, n] of options.sizes.entries()) {
      const appT = await appTarget(app.url, appPort, `n${n}`);
      if (appT.tenant.plan !== 'self_hosted') log(`    note: org plan is ${appT.tenant.plan}, not self_hosted`);
      const appRun = await runOnce(appT, n, options, log, { label: `app N=${n}` });
      runs.push(appRun);
      const achieved = appRun.published.ok / options.seconds;
      const echoRate = options.matchRate ? Math.min(options.rate, Math.max(1, achieved)) : options.rate;
      // The echo frame wraps the POSTed body in {"seq","type","at","data"}: ~75 bytes of its own.
      const pad = Math.max(0, Math.round((appRun.measuredFrameBytes || 0) - 110));
      const last = index === options.sizes.length - 1 && !(index === 0 && options.resumeClients > 0);
      runs.push(
        await runOnce(echoTarget(echo.url, echoPort, `room-${n}-${Date.now()}`, pad), n, options, log, {
          label: `echo N=${n}`,
          rate: echoRate,
          quietAfter: !last,
        }),
      );
      if (index === 0 && options.resumeClients > 0) {
        const resumeT = await appTarget(app.url, appPort, 'resume');
        resume = await runOnce(resumeT, options.resumeClients, options, log, {
          label: `resume N=${options.resumeClients}`,
          resumeDrop: Math.min(options.resumeDrop, options.resumeClients),
          idleSeconds: 0,
          quietAfter: options.sizes.length > 1,
        });
      }
    }
    for (const server of servers) {
      try {
        for (const line of readFileSync(server.logFile, 'utf8').split('\n'))
          if (/error|exception|uncaught/i.test(line) && serverErrors.length < 20) serverErrors.push(line.slice(0, 400));
      } catch {}
    }
    if (serverErrors.length) log(`  server log errors: ${serverErrors.length}, first: ${serverErrors[0]}`);
  } finally {
    for (const server of servers.reverse()) await server.stop();
    removeTempDir(persistTo);
  }

  const ms = (v) => formatNumber(v, 0);
  const pct = (r) => `${formatNumber(100 * r, 2)}%`;
  const table = formatTable(
    [
      'run',
      'clients',
      'connect s',
      'events (ev/s)',
      'frame B',
      'delivered/expected',
      'dup',
      'gaps',
      'order',
      'at→recv p50',
      'p99',
      'max',
      'POST→1st p50',
      'p99',
      'RSS MB before→N→after',
      'KB/conn',
      'proxy KB/conn',
      'CPU% rt/proxy/client',
    ],
    runs.map((r) => [
      r.label,
      `${r.connected}/${r.clients}`,
      formatNumber(r.connectSettledMs / 1000),
      `${r.published.ok}/${r.published.planned} (${formatNumber(r.published.achievedRate)})`,
      formatNumber(r.measuredFrameBytes, 0),
      `${r.delivery.measuredDelivered}/${r.delivery.measuredExpected} ${pct(r.delivery.measuredRatio)}`,
      String(r.delivery.duplicates),
      String(r.delivery.missing),
      String(r.delivery.outOfOrder),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p99),
      ms(r.latencyMs.max),
      ms(r.publisherLatencyMs.p50),
      ms(r.publisherLatencyMs.p99),
      `${formatNumber(r.memory.before.runtimeKb / 1024, 0)}→${formatNumber(r.memory.connected.runtimeKb / 1024, 0)}→${formatNumber(r.memory.after.runtimeKb / 1024, 0)}`,
      formatNumber(r.memory.runtimeKbPerConnection),
      formatNumber(r.memory.proxyKbPerConnection),
      `${formatNumber(r.cpu.runtimePct, 0)}/${formatNumber(r.cpu.proxyPct, 0)}/${formatNumber(r.cpu.clientPct, 0)}`,
    ]),
  );
  const comparisons = options.sizes.map((n) => {
    const a = runs.find((r) => r.kind === 'app' && r.clients === n);
    const e = runs.find((r) => r.kind === 'echo' && r.clients === n);
    return {
      clients: n,
      p50: ratio(a.latencyMs.p50, e.latencyMs.p50),
      p99: ratio(a.latencyMs.p99, e.latencyMs.p99),
      kbPerConnection: ratio(a.memory.runtimeKbPerConnection, e.memory.runtimeKbPerConnection),
      framesDuringConnect: { app: a.framesDuringConnect, echo: e.framesDuringConnect },
      connectSeconds: { app: a.connectSettledMs / 1000, echo: e.connectSettledMs / 1000 },
      closeSeconds: { app: a.closeMs / 1000, echo: e.closeMs / 1000 },
      eventsPerSecond: { app: a.published.achievedRate, echo: e.published.achievedRate },
    };
  });
  const ratioTable = formatTable(
    [
      'app/echo',
      'p50',
      'p99',
      'KB/conn',
      'ev/s app/echo',
      'connect s app/echo',
      'close s app/echo',
      'frames during connect app/echo',
    ],
    comparisons.map((c) => [
      `N=${c.clients}`,
      formatRatio(c.p50),
      formatRatio(c.p99),
      formatRatio(c.kbPerConnection),
      `${formatNumber(c.eventsPerSecond.app)}/${formatNumber(c.eventsPerSecond.echo)}`,
      `${formatNumber(c.connectSeconds.app)}/${formatNumber(c.connectSeconds.echo)}`,
      `${formatNumber(c.closeSeconds.app)}/${formatNumber(c.closeSeconds.echo)}`,
      `${c.framesDuringConnect.app}/${c.framesDuringConnect.echo}`,
    ]),
  );
  let resumeLine = 'resume: not run';
  if (resume) {
    const r = resume.resume;
    resumeLine =
      `resume (${resume.clients} clients, ${resume.published.ok} events at ${formatNumber(resume.published.achievedRate)}/s, ${r.dropped} dropped mid-stream, reconnected with ?since): ${r.ok ? 'OK' : 'FAILED'}: ` +
      `dropped clients got ${r.measuredDelivered}/${r.measuredExpected} published events, missing ${r.missing}, duplicates ${r.duplicates}, ordered ${r.allOrdered}, replayed ${r.replayedTotal} frames; ` +
      `all ${resume.connected} clients: ${resume.delivery.allEventsDelivered}/${resume.delivery.allEventsExpected} events, dup ${resume.delivery.duplicates}, gaps ${resume.delivery.missing}; at→recv p50 ${ms(resume.latencyMs.p50)} p99 ${ms(resume.latencyMs.p99)} ms`;
  }
  const failed = [...runs, ...(resume ? [resume] : [])].filter(
    (r) =>
      r.delivery.measuredRatio !== 1 ||
      r.delivery.duplicates ||
      r.delivery.missing ||
      r.delivery.outOfOrder ||
      r.connected !== r.clients,
  );
  const notes = [
    "at→recv: Date.now() on receipt − the frame's `at` (stamped in the DO when the event is appended), every client, live frames only; POST→1st: publisher sent → first client receipt.",
    `events: published/planned (achieved events/s); an event due while ${options.maxInFlight} POSTs are unanswered is skipped. echo runs at the app's achieved rate${options.matchRate ? '' : ' (off: BENCH_LIVE_MATCH_RATE=0)'} with frames padded to the app's size (frame B).`,
    "KB/conn: (workerd runtime RSS with N sockets open, 2 s after the last connect) − (RSS before) over N; proxy = wrangler's dev-proxy workerd. Local workerd, not production.",
  ];
  if (failed.length)
    notes.push(`(!) not 100% / gaps / duplicates / connect failures in: ${failed.map((r) => r.label).join(', ')}`);
  return {
    table: `${table}\n\n${ratioTable}\n\n${resumeLine}\n\n${notes.join('\n')}`,
    json: {
      options,
      runs,
      comparisons,
      resume,
      serverErrors,
      ok: failed.length === 0 && (!resume || resume.resume.ok),
    },
  };
}
