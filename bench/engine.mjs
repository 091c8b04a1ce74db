/**
 * The task engine end to end: tasks created through `POST /v1/tasks`, admitted by the org's
 * OrgHub, sent through the real agent-runs Queue and run by the simulated model, on
 * `wrangler dev` as users run it (fresh persist dir, migrations applied).
 *
 * 1. throughput: N tasks in one org (spread over its agents), then M orgs × K tasks at once;
 *    created/s and completed/s from the first create to the last completion.
 * 2. admission: an open-loop moderate rate; POST accepted → task.started_at (p50/p99), and its
 *    created → queued and queued → started parts.
 * 3. failure: many tasks, some with `[simulate:fail-once]`, and `wrangler dev` killed (SIGKILL)
 *    and restarted on the same persist dir when about half are complete; then every task and
 *    its runs are read back: lost, duplicated, retried, interrupted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyMigrations, makeTempDir, removeTempDir, runTool, snapshotWorker, startWrangler } from './lib/server.mjs';
import { formatNumber, formatTable, percentile } from './lib/stats.mjs';
import { createTenant as makeTenant } from './lib/tenant.mjs';

export const name = 'engine';
export const description =
  'task engine through the real Queue and OrgHub: throughput (1 and M orgs), admission latency, no loss/duplication across a wrangler dev kill';

/** @typedef {import('./run.mjs').Settings} Settings */

const SCOPES = ['tasks:read', 'tasks:write', 'agents:read', 'agents:write'];
const FINAL = new Set(['completed', 'failed', 'cancelled']);
/** Error text the watchdog writes on a run it found orphaned (durable-objects/task-engine.ts). */
const INTERRUPTED = /interrupted \(the org engine restarted\)/;
const SIMULATED_FAILURE = /Simulated model failure/;

function readOptions() {
  const int = (key, fallback, min, max) => {
    const raw = process.env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${key}=${raw}: expected an integer in ${min}..${max}`);
    return value;
  };
  const scenarios = (process.env.BENCH_ENGINE_SCENARIOS || 'throughput,admission,failure')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scenarios)
    if (!['throughput', 'admission', 'failure'].includes(s))
      throw new Error(`BENCH_ENGINE_SCENARIOS: unknown "${s}" (throughput, admission, failure)`);
  return {
    scenarios,
    agents: int('BENCH_ENGINE_AGENTS', 10, 1, 50),
    tasks: int('BENCH_ENGINE_TASKS', 200, 1, 5000),
    orgs: int('BENCH_ENGINE_ORGS', 10, 1, 30),
    orgTasks: int('BENCH_ENGINE_ORG_TASKS', 100, 1, 2000),
    concurrency: int('BENCH_ENGINE_CONCURRENCY', 16, 1, 200),
    rate: int('BENCH_ENGINE_RATE', 5, 1, 100),
    rateSeconds: int('BENCH_ENGINE_RATE_SECONDS', 30, 1, 300),
    failTasks: int('BENCH_ENGINE_FAIL_TASKS', 1000, 10, 5000),
    failPercent: int('BENCH_ENGINE_FAIL_PERCENT', 5, 0, 100),
    restartAtPercent: int('BENCH_ENGINE_RESTART_AT', 50, 0, 100),
    timeoutSeconds: int('BENCH_ENGINE_TIMEOUT', 300, 10, 3600),
    failTimeoutSeconds: int('BENCH_ENGINE_FAIL_TIMEOUT', 420, 30, 3600),
    // > QUEUED_RESEND_AFTER_MS (120 s) + the watchdog's 60 s: the watchdog has had its chance.
    stallSeconds: int('BENCH_ENGINE_STALL', 240, 30, 3600),
  };
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────

const counters = { requests: 0, rateLimited: 0, networkErrors: 0 };

/**
 * One API call; a 429 is waited out (Retry-After) and retried up to 5 times. Never throws.
 * `firstSentAt` is when the first try left, `receivedAt` when the final answer arrived.
 */
async function call(url, method, route, { key, body, headers = {}, timeoutMs = 60_000 } = {}) {
  const firstSentAt = Date.now();
  for (let tries = 0; ; tries += 1) {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    counters.requests += 1;
    let response;
    let text;
    try {
      response = await fetch(url + route, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      counters.networkErrors += 1;
      return {
        status: 0,
        json: null,
        error: error instanceof Error ? error.message : String(error),
        firstSentAt,
        receivedAt: Date.now(),
        headers: null,
      };
    }
    if (response.status === 429 && tries < 5) {
      counters.rateLimited += 1;
      const wait = Number(response.headers.get('retry-after') ?? 1);
      await sleep(Math.min(30, Math.max(1, Number.isFinite(wait) ? wait : 1)) * 1000);
      continue;
    }
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return {
      status: response.status,
      json,
      error: response.ok ? undefined : `HTTP ${response.status}: ${text.slice(0, 300)}`,
      firstSentAt,
      receivedAt: Date.now(),
      headers: response.headers,
    };
  }
}

/**
 * A user + org (self_hosted plan by default), two API keys and `agentCount` agents of its own
 * (one running task per agent, so the agents bound the parallelism).
 */
async function createTenant(url, tag, agentCount) {
  const tenant = await makeTenant(url, {
    tag: `engine-${tag}`,
    keys: [
      { name: 'bench-0', scopes: SCOPES },
      { name: 'bench-1', scopes: SCOPES },
    ],
    agents: agentCount,
  });
  const keys = tenant.keyList;
  let next = 0;
  return {
    tag,
    slug: tenant.slug,
    plan: tenant.plan,
    keys,
    agents: tenant.agents,
    key: () => keys[next++ % keys.length],
  };
}

/**
 * Creates tasks from `specs` ({ tenant, agent, description, maxAttempts }) with at most
 * `concurrency` POSTs in flight; returns one record per spec, in order.
 */
async function createTasks(url, specs, concurrency) {
  const out = new Array(specs.length);
  let next = 0;
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= specs.length) return;
      out[i] = await createOne(url, specs[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return out;
}

/**
 * One POST /v1/tasks. With `spec.idempotencyKey`, a connection error or 5xx (the server being
 * killed and restarted) is retried with the same key for up to ~90 s: a task the dead process
 * had already created comes back as a replay (200), so the client neither loses nor doubles it.
 */
async function createOne(url, spec) {
  const headers = spec.idempotencyKey ? { 'idempotency-key': spec.idempotencyKey } : {};
  const body = { agent: spec.agent, description: spec.description, max_attempts: spec.maxAttempts ?? 3 };
  const firstSentAt = Date.now();
  let res;
  let tries = 0;
  for (; tries < 60; tries += 1) {
    res = await call(url, 'POST', '/v1/tasks', { key: spec.tenant.key(), body, headers });
    if (!spec.idempotencyKey || (res.status !== 0 && res.status < 500)) break;
    await sleep(1500);
  }
  const ok = res.status === 201 || (res.status === 200 && spec.idempotencyKey);
  return {
    spec,
    id: ok ? res.json.id : null,
    initialStatus: res.json?.status ?? null,
    error: ok ? null : res.error,
    sentAt: firstSentAt,
    acceptedAt: res.receivedAt,
    tries: tries + 1,
    replayed: res.status === 200,
  };
}

/** Log files of the running servers: a 5xx is explained from them. */
const serverLogs = new Set();
/** 5xx answers seen while reading (retried), with the server's log lines for their request id. */
const readErrors = [];

function explain(res) {
  const id = res.json?.error?.request_id;
  const lines = [];
  if (id) {
    for (const file of serverLogs) {
      try {
        for (const line of readFileSync(file, 'utf8').split('\n'))
          if (line.includes(id) && lines.length < 5) lines.push(line.slice(0, 600));
      } catch {}
    }
  }
  return { status: res.status, error: res.error?.slice(0, 200), log: lines };
}

/** A GET retried on 5xx or a connection error (3 tries, 1 s apart). */
async function read(url, route, key) {
  let res;
  for (let tries = 0; tries < 3; tries += 1) {
    res = await call(url, 'GET', route, { key });
    if (res.status !== 0 && res.status < 500) return res;
    if (readErrors.length < 50) readErrors.push({ route, ...explain(res) });
    await sleep(1000);
  }
  return res;
}

/**
 * Page size for GET /v1/tasks. Not 100: a full page of 100 answers 500, because viewTasks'
 * `task_id IN (…100 ids…)` plus the org id is 101 bound parameters, over D1's 100 per query.
 */
const PAGE = 99;

/** Every task of a tenant (newest first), paging /v1/tasks; bounded to 200 pages. */
async function listAll(url, tenant) {
  const all = [];
  let cursor = null;
  for (let page = 0; page < 200; page += 1) {
    const res = await read(
      url,
      `/v1/tasks?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      tenant.key(),
    );
    if (res.status !== 200) throw new Error(`list tasks ${tenant.slug}: ${res.error}`);
    all.push(...res.json.data);
    cursor = res.json.next_cursor;
    if (!cursor) break;
  }
  return all;
}

/** Status of every created task across tenants: { byId, counts, done }. */
async function snapshot(url, tenants, created) {
  const byId = new Map();
  for (const tenant of tenants) for (const task of await listAll(url, tenant)) byId.set(task.id, task);
  const counts = {};
  let terminal = 0;
  for (const c of created) {
    if (!c.id) continue;
    const status = byId.get(c.id)?.status ?? 'missing';
    counts[status] = (counts[status] ?? 0) + 1;
    if (FINAL.has(status)) terminal += 1;
  }
  return { byId, counts, terminal, total: created.filter((c) => c.id).length };
}

/** Polls until every created task is final or `timeoutMs` passes. */
async function waitForFinal(url, tenants, created, timeoutMs, log, label, pollMs = 1500, stallMs = Infinity) {
  const start = Date.now();
  let last = null;
  let lastLog = 0;
  let signature = '';
  let changedAt = Date.now();
  for (let polls = 0; polls < 10_000 && Date.now() - start < timeoutMs; polls += 1) {
    try {
      last = await snapshot(url, tenants, created);
    } catch (error) {
      log(`    ${label}: poll failed (${error instanceof Error ? error.message.slice(0, 200) : error}); retrying`);
      await sleep(pollMs);
      continue;
    }
    if (last.terminal === last.total) return { ...last, timedOut: false, stalled: false };
    const now = formatCounts(last.counts);
    if (now !== signature) {
      signature = now;
      changedAt = Date.now();
    } else if (Date.now() - changedAt > stallMs) {
      log(`    ${label}: no change for ${formatNumber(stallMs / 1000, 0)} s (${now}): giving up`);
      return { ...last, timedOut: true, stalled: true };
    }
    if (Date.now() - lastLog > 10_000) {
      log(`    ${label}: ${formatCounts(last.counts)} (${formatNumber((Date.now() - start) / 1000, 0)} s)`);
      lastLog = Date.now();
    }
    await sleep(pollMs);
  }
  last = await snapshot(url, tenants, created);
  return { ...last, timedOut: last.terminal !== last.total, stalled: false };
}

const formatCounts = (counts) =>
  Object.entries(counts)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const ms = (iso) => (iso ? Date.parse(iso) : Number.NaN);
const dist = (values) => {
  const v = values.filter(Number.isFinite);
  return {
    n: v.length,
    p50: percentile(v, 50),
    p90: percentile(v, 90),
    p99: percentile(v, 99),
    max: v.length ? Math.max(...v) : Number.NaN,
    min: v.length ? Math.min(...v) : Number.NaN,
  };
};

// ─── Server logs ─────────────────────────────────────────────────────────────────────────

function readLog(server) {
  try {
    return readFileSync(server.logFile, 'utf8');
  } catch {
    return '';
  }
}

/** What the worker logged that matters here: queue batches, alarms, retries, errors. */
function logSummary(text) {
  const summary = {
    reloads: (text.match(/Reloading local server/g) ?? []).length,
    queueBatches: 0,
    queueMessages: 0,
    queueAcked: 0,
    queueBatchMs: [],
    orgAlarms: 0,
    requeued: 0,
    resent: 0,
    queueRetries: 0,
    deadLettered: 0,
    sendFailed: 0,
    errorLines: [],
  };
  for (const line of text.split('\n')) {
    const q = /QUEUE agent-runs (\d+)\/(\d+)(?: \((\d+)ms\))?/.exec(line);
    if (q) {
      summary.queueBatches += 1;
      summary.queueAcked += Number(q[1]);
      summary.queueMessages += Number(q[2]);
      if (q[3]) summary.queueBatchMs.push(Number(q[3]));
      continue;
    }
    if (!line.startsWith('{')) {
      if (/error|uncaught|exception/i.test(line)) summary.errorLines.push(line.slice(0, 300));
      continue;
    }
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg === 'org_alarm') {
      summary.orgAlarms += 1;
      summary.requeued += entry.requeued ?? 0;
      summary.resent += entry.resent ?? 0;
    } else if (entry.msg === 'queue_message_retry') summary.queueRetries += 1;
    else if (entry.msg === 'run_dead_lettered') summary.deadLettered += 1;
    else if (entry.msg === 'queue_send_failed') summary.sendFailed += 1;
    if (entry.level === 'error') summary.errorLines.push(line.slice(0, 300));
  }
  const batchMs = summary.queueBatchMs;
  return {
    ...summary,
    queueBatchMs: undefined,
    meanBatchSize: summary.queueBatches ? summary.queueMessages / summary.queueBatches : Number.NaN,
    batchMsP50: percentile(batchMs, 50),
    batchMsP99: percentile(batchMs, 99),
    errorLines: [...new Set(summary.errorLines)].slice(0, 15),
  };
}

// ─── Scenarios ───────────────────────────────────────────────────────────────────────────

/** Throughput of one batch of tasks (spread over tenants' agents) from first create to last completion. */
async function throughput(url, label, tenants, perTenant, options, log) {
  // Interleave tenants so every org gets work from the start; agents round-robin inside a tenant.
  const specs = [];
  for (let i = 0; i < perTenant; i += 1) {
    for (const tenant of tenants)
      specs.push({
        tenant,
        agent: tenant.agents[i % tenant.agents.length],
        description: `Benchmark task ${i + 1} for ${tenant.tag}: summarise item ${i + 1}.`,
      });
  }
  log(`  ${label}: creating ${specs.length} tasks (${tenants.length} org(s), ${options.concurrency} POSTs in flight)`);
  const created = await createTasks(url, specs, options.concurrency);
  const ok = created.filter((c) => c.id);
  const firstSent = Math.min(...created.map((c) => c.sentAt));
  const lastAccepted = Math.max(...ok.map((c) => c.acceptedAt));
  log(
    `  ${label}: ${ok.length}/${specs.length} created in ${formatNumber((lastAccepted - firstSent) / 1000)} s; waiting for completion`,
  );
  const final = await waitForFinal(url, tenants, created, options.timeoutSeconds * 1000, log, label);
  const tasks = ok.map((c) => ({ c, t: final.byId.get(c.id) }));
  const completed = tasks.filter(({ t }) => t?.status === 'completed');
  const lastCompletion = Math.max(...completed.map(({ t }) => ms(t.completed_at)));
  const runMs = completed.map(({ t }) => ms(t.completed_at) - ms(t.started_at));
  const spanMs = lastCompletion - firstSent;
  const e2e = completed.map(({ t }) => ms(t.completed_at) - ms(t.created_at));
  const perOrg = tenants.map((tenant) => {
    const mine = completed.filter(({ c }) => c.spec.tenant === tenant);
    const first = Math.min(...created.filter((c) => c.spec.tenant === tenant).map((c) => c.sentAt));
    const last = Math.max(...mine.map(({ t }) => ms(t.completed_at)));
    return { slug: tenant.slug, completed: mine.length, completedPerSecond: mine.length / ((last - first) / 1000) };
  });
  return {
    label,
    orgs: tenants.length,
    agentsPerOrg: tenants[0].agents.length,
    tasks: specs.length,
    created: ok.length,
    createErrors: [...new Set(created.filter((c) => !c.id).map((c) => c.error))].slice(0, 5),
    createErrorCount: created.length - ok.length,
    completed: completed.length,
    finalCounts: final.counts,
    timedOut: final.timedOut,
    createSeconds: (lastAccepted - firstSent) / 1000,
    createdPerSecond: ok.length / ((lastAccepted - firstSent) / 1000),
    spanSeconds: spanMs / 1000,
    completedPerSecond: completed.length / (spanMs / 1000),
    drainSeconds: (lastCompletion - lastAccepted) / 1000,
    postMs: dist(ok.map((c) => c.acceptedAt - c.sentAt)),
    runMs: dist(runMs),
    /** created_at → completed_at (both server clock). */
    createToCompleteMs: dist(e2e),
    /** Mean runs in flight over the span: sum of run times / span. */
    meanRunsInFlight: runMs.reduce((a, b) => a + b, 0) / spanMs,
    perOrgCompletedPerSecond: dist(perOrg.map((o) => o.completedPerSecond)),
  };
}

/** Open loop at `rate`/s for `seconds`: accepted → started and its parts. */
async function admission(url, tenant, options, log) {
  const total = options.rate * options.rateSeconds;
  const interval = 1000 / options.rate;
  log(
    `  admission: ${total} tasks at ${options.rate}/s over ${options.rateSeconds} s, round-robin over ${tenant.agents.length} agents`,
  );
  const start = Date.now();
  const pending = [];
  for (let i = 0; i < total; i += 1) {
    const wait = start + i * interval - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      createOne(url, {
        tenant,
        agent: tenant.agents[i % tenant.agents.length],
        description: `Admission probe ${i + 1}: summarise item ${i + 1}.`,
      }),
    );
  }
  const created = await Promise.all(pending);
  const sendLagMs = Date.now() - start - options.rateSeconds * 1000;
  const final = await waitForFinal(url, [tenant], created, options.timeoutSeconds * 1000, log, 'admission');
  const rows = created.filter((c) => c.id).map((c) => ({ c, t: final.byId.get(c.id) }));
  const started = rows.filter(({ t }) => t?.started_at);
  // Did the task have to wait for its agent (its previous task on that agent still open)?
  const byAgent = new Map();
  let waitedForAgent = 0;
  for (const { c, t } of [...started].sort((a, b) => a.c.acceptedAt - b.c.acceptedAt)) {
    const prev = byAgent.get(c.spec.agent);
    if (prev && ms(prev.completed_at) > ms(t.created_at)) waitedForAgent += 1;
    byAgent.set(c.spec.agent, t);
  }
  const runMs = started.filter(({ t }) => t.completed_at).map(({ t }) => ms(t.completed_at) - ms(t.started_at));
  return {
    rate: options.rate,
    seconds: options.rateSeconds,
    sent: total,
    created: rows.length,
    started: started.length,
    finalCounts: final.counts,
    timedOut: final.timedOut,
    senderLagMs: sendLagMs,
    waitedForAgent,
    acceptedToStartedMs: dist(started.map(({ c, t }) => ms(t.started_at) - c.acceptedAt)),
    createdToStartedMs: dist(started.map(({ t }) => ms(t.started_at) - ms(t.created_at))),
    createdToQueuedMs: dist(started.map(({ t }) => ms(t.queued_at) - ms(t.created_at))),
    queuedToStartedMs: dist(started.map(({ t }) => ms(t.started_at) - ms(t.queued_at))),
    postMs: dist(rows.map(({ c }) => c.acceptedAt - c.sentAt)),
    runMs: dist(runMs),
  };
}

/** Reads the OrgHub's own SQLite files in a persist dir (run_deliveries, active_runs) for given tasks. */
async function hubState(persistTo, taskIds) {
  const dir = path.join(persistTo, 'v3', 'do', 'generic-corp-OrgHub');
  if (!existsSync(dir)) return { error: `no ${dir}` };
  let DatabaseSync;
  try {
    ({ DatabaseSync } = await import('node:sqlite'));
  } catch (error) {
    return { error: `node:sqlite unavailable (${error instanceof Error ? error.message : error})` };
  }
  const out = { files: 0, deliveries: {}, activeRuns: [], deadLetters: 0, alarms: [] };
  const iso = (ns) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sqlite'))) {
    const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
    try {
      // workerd keeps the namespace's pending alarms in metadata.sqlite (_cf_ALARM, ns since epoch).
      const tables = new Set(
        db
          .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
          .all()
          .map((r) => r.name),
      );
      if (tables.has('_cf_ALARM')) {
        const stmt = db.prepare(`SELECT * FROM _cf_ALARM`);
        stmt.setReadBigInts(true);
        for (const row of stmt.all())
          out.alarms.push(
            Object.fromEntries(
              Object.entries(row).map(([k, v]) => [
                k,
                typeof v === 'bigint' ? (v > 10n ** 15n ? iso(v) : Number(v)) : v,
              ]),
            ),
          );
        continue;
      }
      if (!tables.has('run_deliveries')) continue;
      out.files += 1;
      for (const id of taskIds) {
        const rows = db
          .prepare(`SELECT attempt, status, received_at FROM run_deliveries WHERE task_id = ? ORDER BY attempt`)
          .all(id);
        if (rows.length)
          out.deliveries[id] = rows.map((r) => ({
            attempt: r.attempt,
            status: r.status,
            received_at: new Date(Number(r.received_at)).toISOString(),
          }));
      }
      out.activeRuns.push(
        ...db
          .prepare(`SELECT task_id, attempt, started_at FROM active_runs`)
          .all()
          .map((r) => ({ ...r, started_at: new Date(Number(r.started_at)).toISOString() })),
      );
      out.deadLetters += Number(db.prepare(`SELECT COUNT(*) AS n FROM dead_letters`).get().n);
    } finally {
      db.close();
    }
  }
  return out;
}

/** Many tasks, some failing once, and the whole `wrangler dev` killed when ~half are complete. */
async function failure(config, settings, options, log) {
  const port = settings.port + 31;
  const inspectorPort = settings.port + 81;
  const persistTo = makeTempDir('engine-fail');
  const logs = [];
  let server = null;
  try {
    applyMigrations(persistTo, config);
    server = await startWrangler({
      config,
      port,
      inspectorPort,
      persistTo,
      readyPath: '/v1/health',
      vars: { APP_URL: `http://localhost:${port}` },
    });
    serverLogs.add(server.logFile);
    const { url } = server;
    const tenant = await createTenant(url, 'failure', options.agents);
    const runTag = Date.now().toString(36);
    const failEvery = options.failPercent > 0 ? Math.round(100 / options.failPercent) : 0;
    const specs = Array.from({ length: options.failTasks }, (_, i) => {
      const failOnce = failEvery > 0 && (i + 1) % failEvery === 0;
      return {
        tenant,
        agent: tenant.agents[i % tenant.agents.length],
        maxAttempts: 3,
        failOnce,
        idempotencyKey: `bench-engine-${runTag}-${i + 1}`,
        description: `Reliability task ${i + 1}: summarise item ${i + 1}.${failOnce ? ' [simulate:fail-once]' : ''}`,
      };
    });
    const failOnceCount = specs.filter((s) => s.failOnce).length;
    log(
      `  failure: creating ${specs.length} tasks over ${tenant.agents.length} agents (${failOnceCount} with [simulate:fail-once], max_attempts 3)`,
    );

    // Create in the background and poll meanwhile: the restart may come before creation ends.
    const createStart = Date.now();
    let creationDone = false;
    const creating = createTasks(url, specs, options.concurrency).then((r) => {
      creationDone = true;
      return r;
    });
    const restartAt = Math.ceil((options.failTasks * options.restartAtPercent) / 100);
    let restart = null;
    let lastProgress = Date.now();
    const deadline = Date.now() + options.failTimeoutSeconds * 1000 + 300_000;
    for (let polls = 0; polls < 5000 && !restart && Date.now() < deadline; polls += 1) {
      await sleep(1000);
      // Before creation ends, count completions from a listing of every task in the org.
      let all;
      try {
        all = await listAll(url, tenant);
      } catch (error) {
        log(`    failure: poll failed (${error instanceof Error ? error.message.slice(0, 200) : error}); retrying`);
        continue;
      }
      const counts = {};
      for (const t of all) counts[t.status] = (counts[t.status] ?? 0) + 1;
      if (Date.now() - lastProgress > 10_000) {
        log(
          `    failure: ${formatCounts(counts)} (${formatNumber((Date.now() - createStart) / 1000, 0)} s, waiting for ${restartAt} completed)`,
        );
        lastProgress = Date.now();
      }
      if ((counts.completed ?? 0) >= restartAt) {
        const before = readLog(server);
        logs.push({ process: 1, ...logSummary(before) });
        const killedAt = Date.now();
        await server.stop({ hard: true });
        const downAt = Date.now();
        log(
          `  failure: ${counts.completed ?? 0} completed, ${counts.running ?? 0} running, ${counts.queued ?? 0} queued, ${counts.pending ?? 0} pending (${creationDone ? 'creation done' : 'creation still running'}): SIGKILL wrangler dev`,
        );
        server = null;
        server = await startWrangler({
          config,
          port,
          inspectorPort,
          persistTo,
          readyPath: '/v1/health',
          vars: { APP_URL: `http://localhost:${port}` },
        });
        serverLogs.add(server.logFile);
        const upAt = Date.now();
        log(`  failure: restarted on the same persist dir in ${formatNumber((upAt - killedAt) / 1000)} s`);
        restart = {
          atCompleted: counts.completed ?? 0,
          countsBeforeKill: counts,
          creationDoneBeforeKill: creationDone,
          killedAt: new Date(killedAt).toISOString(),
          downMs: downAt - killedAt,
          restartMs: upAt - killedAt,
          upAt,
        };
      }
    }
    if (!restart) throw new Error('failure: never reached the restart point');
    const created = await creating;
    const ok = created.filter((c) => c.id);
    const createErrors = created.filter((c) => !c.id);
    const createRetried = created.filter((c) => c.tries > 1).length;
    const createReplayed = created.filter((c) => c.replayed).length;
    log(
      `  failure: ${ok.length}/${created.length} created; ${createRetried} POSTs retried across the restart, ${createReplayed} of them replayed (created before the kill)`,
    );
    if (createErrors.length)
      log(
        `  failure: ${createErrors.length} creates failed (e.g. ${createErrors[0].error}) — ${restart.creationDoneBeforeKill ? '' : 'some were in flight at the kill'}`,
      );

    const url2 = server.url;
    const final = await waitForFinal(
      url2,
      [tenant],
      created,
      Math.max(10_000, options.failTimeoutSeconds * 1000 - (Date.now() - restart.upAt)),
      log,
      'failure',
      3000,
      options.stallSeconds * 1000,
    );
    const settledAt = Date.now();
    log(
      `  failure: ${final.timedOut ? 'TIMED OUT' : 'all final'}: ${formatCounts(final.counts)}; reading every task and its runs`,
    );

    // Every task with its runs.
    const details = new Array(ok.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= ok.length) return;
          const res = await read(url2, `/v1/tasks/${ok[i].id}`, tenant.key());
          details[i] = { c: ok[i], t: res.status === 200 ? res.json : null, error: res.error };
        }
      }),
    );
    logs.push({ process: 2, ...logSummary(readLog(server)) });

    const analysis = analyseFailure(details);
    const stuckIds = analysis.stuck.map((s) => s.id);
    await server.stop();
    server = null;
    const hub = stuckIds.length || analysis.openRuns ? await hubState(persistTo, stuckIds) : null;
    if (hub) diagnose(analysis, hub);

    const afterRestart = details
      .filter((d) => d.t?.status === 'completed')
      .map((d) => ms(d.t.completed_at))
      .filter((t) => t > restart.upAt - restart.restartMs);
    const lastCompletion = afterRestart.length ? Math.max(...afterRestart) : Number.NaN;
    return {
      tasks: specs.length,
      failOnce: failOnceCount,
      created: ok.length,
      createErrorCount: createErrors.length,
      createErrors: [...new Set(createErrors.map((c) => c.error))].slice(0, 5),
      createRetried,
      createReplayed,
      duplicateTaskIds: ok.length - new Set(ok.map((c) => c.id)).size,
      /** Tasks the org holds (every task listed); more than `created` = a create the client never heard of. */
      orgTasks: final.byId.size,
      restart: { ...restart, upAt: undefined },
      finalCounts: final.counts,
      timedOut: final.timedOut,
      stalled: final.stalled,
      totalSeconds: (settledAt - createStart) / 1000,
      recoverySeconds: (lastCompletion - restart.upAt) / 1000,
      ...analysis,
      stuckAll: undefined,
      hubState: hub
        ? {
            files: hub.files,
            activeRuns: hub.activeRuns,
            deadLetters: hub.deadLetters,
            pendingAlarms: hub.alarms,
            error: hub.error,
          }
        : null,
      serverLogs: logs,
    };
  } finally {
    if (server) await server.stop();
    removeTempDir(persistTo);
  }
}

/**
 * Why each unfinished task is where it is, from its runs and the OrgHub's run_deliveries:
 * - delivered, never started: the hub recorded the (task, attempt) delivery, but no run exists for
 *   that attempt; every re-delivery is then dropped as a duplicate.
 * - queued, no delivery: the queue message was lost; the watchdog re-sends it after 2 minutes.
 * - pending behind a stuck task: its agent (one task at a time) is held by a stuck queued task.
 * - pending beyond the candidate window: its agent is free, but admit() reads only the 200 oldest
 *   pending tasks and they all belong to held agents.
 */
function diagnose(analysis, hub) {
  const stuckAgents = new Set();
  for (const s of analysis.stuckAll) {
    s.hubDeliveries = hub.deliveries?.[s.id] ?? [];
    const delivered = s.hubDeliveries.some((d) => d.attempt === s.attempts);
    const ran = s.runs.some((r) => r.attempt === s.attempts);
    if (s.status === 'queued' && delivered && !ran)
      s.diagnosis = 'delivered, never started (re-deliveries dropped as duplicates)';
    else if (s.status === 'queued' && !delivered) s.diagnosis = 'queued, message not delivered';
    else if (s.status === 'running') s.diagnosis = 'running, no live run';
    if (s.status === 'queued' || s.status === 'running') stuckAgents.add(s.agent);
  }
  // admit() looks at the first 200 pending tasks (priority, then id) and skips busy agents: a
  // free agent's task further down the list is never reached while those 200 are all blocked.
  const pendingById = analysis.stuckAll.filter((s) => s.status === 'pending').sort((a, b) => (a.id < b.id ? -1 : 1));
  pendingById.forEach((s, rank) => {
    s.pendingRank = rank;
  });
  for (const s of analysis.stuckAll) {
    if (s.diagnosis) continue;
    if (s.status === 'pending' && stuckAgents.has(s.agent)) s.diagnosis = 'pending, its agent is held by a stuck task';
    else if (s.status === 'pending' && s.pendingRank >= 200)
      s.diagnosis = "pending, agent free but beyond admit()'s 200 candidates (all of them for held agents)";
    else s.diagnosis = s.status;
  }
  const byDiagnosis = {};
  for (const s of analysis.stuckAll) byDiagnosis[s.diagnosis] = (byDiagnosis[s.diagnosis] ?? 0) + 1;
  analysis.stuckByDiagnosis = byDiagnosis;
  // Examples: the stuck queued/running ones first, then a few of the others.
  analysis.stuck = [
    ...analysis.stuckAll.filter((s) => s.status !== 'pending'),
    ...analysis.stuckAll.filter((s) => s.status === 'pending'),
  ].slice(0, 25);
}

function analyseFailure(details) {
  const unread = details.filter((d) => !d.t);
  const read = details.filter((d) => d.t);
  const statuses = {};
  let duplicated = 0;
  let runsMismatch = 0;
  let retried = 0;
  let retriedFailOnce = 0;
  let retriedInterrupted = 0;
  let retriedOther = 0;
  let interruptedRuns = 0;
  let simulatedFailures = 0;
  let openRuns = 0;
  let totalRuns = 0;
  const failOnceNotRetried = [];
  const mismatches = [];
  const stuck = [];
  const duplicates = [];
  const runsPerTask = {};
  for (const { c, t } of read) {
    statuses[t.status] = (statuses[t.status] ?? 0) + 1;
    const runs = t.runs ?? [];
    totalRuns += runs.length;
    runsPerTask[runs.length] = (runsPerTask[runs.length] ?? 0) + 1;
    const completedRuns = runs.filter((r) => r.outcome === 'completed').length;
    const interrupted = runs.filter((r) => INTERRUPTED.test(r.error ?? '')).length;
    const simulated = runs.filter((r) => SIMULATED_FAILURE.test(r.error ?? '')).length;
    interruptedRuns += interrupted;
    simulatedFailures += simulated;
    openRuns += runs.filter((r) => r.outcome === 'running').length;
    if (completedRuns > 1) {
      duplicated += 1;
      duplicates.push({ id: t.id, runs: runs.map((r) => ({ attempt: r.attempt, outcome: r.outcome })) });
    }
    if (runs.length !== t.attempts) {
      runsMismatch += 1;
      if (mismatches.length < 10)
        mismatches.push({
          id: t.id,
          status: t.status,
          attempts: t.attempts,
          runs: runs.map((r) => ({ attempt: r.attempt, outcome: r.outcome, error: r.error })),
        });
    }
    if (t.attempts > 1) {
      retried += 1;
      if (simulated && interrupted) {
        retriedFailOnce += 1;
        retriedInterrupted += 1;
      } else if (simulated) retriedFailOnce += 1;
      else if (interrupted) retriedInterrupted += 1;
      else retriedOther += 1;
    }
    if (c.spec.failOnce && t.status === 'completed' && t.attempts < 2) failOnceNotRetried.push(t.id);
    if (t.status !== 'completed') {
      stuck.push({
        id: t.id,
        agent: t.agent?.slug,
        status: t.status,
        attempts: t.attempts,
        max_attempts: t.max_attempts,
        failOnce: Boolean(c.spec.failOnce),
        error: t.error,
        created_at: t.created_at,
        queued_at: t.queued_at,
        started_at: t.started_at,
        updated_at: t.updated_at,
        runs: runs.map((r) => ({
          id: r.id,
          attempt: r.attempt,
          outcome: r.outcome,
          error: r.error,
          started_at: r.started_at,
          ended_at: r.ended_at,
        })),
      });
    }
  }
  return {
    read: read.length,
    unread: unread.length,
    statuses,
    completed: statuses.completed ?? 0,
    lost: read.length - (statuses.completed ?? 0) + unread.length,
    duplicated,
    duplicates: duplicates.slice(0, 10),
    totalRuns,
    runsPerTask,
    runsNotEqualAttempts: runsMismatch,
    mismatches,
    retried,
    retriedFailOnce,
    retriedInterrupted,
    retriedOther,
    interruptedRuns,
    simulatedFailures,
    openRuns,
    failOnceNotRetried: failOnceNotRetried.length,
    stuck: stuck.slice(0, 25),
    stuckAll: stuck,
    stuckCount: stuck.length,
  };
}

// ─── Entry ───────────────────────────────────────────────────────────────────────────────

/**
 * @param {Settings} settings
 * @param {(line: string) => void} log
 */
export async function run(settings, log) {
  const options = readOptions();
  const json = { options, results: {} };
  const _rows = [];
  const fmt = (v, d = 1) => formatNumber(v, d);
  // A frozen bundle of the Worker: edits or a `remix vite:build` in the repo during the run
  // would otherwise make `wrangler dev` reload the Worker (a restart nobody asked for).
  const config = await snapshotWorker('engine');
  try {
    // What was measured: the snapshot bundles the working tree, uncommitted engine edits included.
    json.uncommittedEngineFiles = runTool('git', ['status', '--porcelain', '--', 'durable-objects', 'core', 'worker'])
      .split('\n')
      .filter(Boolean);
  } catch {}

  if (options.scenarios.includes('throughput') || options.scenarios.includes('admission')) {
    const port = settings.port + 30;
    const persistTo = makeTempDir('engine');
    let server = null;
    try {
      applyMigrations(persistTo, config);
      const bootStart = Date.now();
      server = await startWrangler({
        config,
        port,
        inspectorPort: settings.port + 80,
        persistTo,
        readyPath: '/v1/health',
        vars: { APP_URL: `http://localhost:${port}` },
      });
      serverLogs.add(server.logFile);
      log(`  wrangler dev ready on ${server.url} in ${fmt((Date.now() - bootStart) / 1000)} s`);
      const { url } = server;

      if (options.scenarios.includes('throughput')) {
        const one = await createTenant(url, 'one', options.agents);
        log(`  org ${one.slug}: plan ${one.plan}, ${one.agents.length} bench agents`);
        json.results.throughputOneOrg = await throughput(
          url,
          `1 org × ${options.tasks}`,
          [one],
          options.tasks,
          options,
          log,
        );
        const many = [];
        for (let o = 0; o < options.orgs; o += 1) many.push(await createTenant(url, `many-${o + 1}`, options.agents));
        log(`  ${many.length} orgs ready (${options.agents} bench agents each)`);
        json.results.throughputManyOrgs = await throughput(
          url,
          `${options.orgs} orgs × ${options.orgTasks}`,
          many,
          options.orgTasks,
          options,
          log,
        );
      }
      if (options.scenarios.includes('admission')) {
        const tenant = await createTenant(url, 'admission', options.agents);
        json.results.admission = await admission(url, tenant, options, log);
      }
      json.results.serverLog = logSummary(readLog(server));
    } finally {
      if (server) await server.stop();
      removeTempDir(persistTo);
    }
  }
  if (options.scenarios.includes('failure')) json.results.failure = await failure(config, settings, options, log);
  json.results.client = { ...counters, readErrors };

  // ─── Tables ────────────────────────────────────────────────────────────────────────────
  const tables = [];
  const tp = [json.results.throughputOneOrg, json.results.throughputManyOrgs].filter(Boolean);
  if (tp.length) {
    tables.push(
      'Throughput (simulated model, zero think time; first create → last completion)\n' +
        formatTable(
          [
            'scenario',
            'tasks',
            'completed',
            'created/s',
            'completed/s',
            'span s',
            'drain s',
            'run p50 ms',
            'create→done p50/p99 s',
            'runs in flight',
            'POST p50/p99 ms',
          ],
          tp.map((r) => [
            r.label + (r.timedOut ? ' (!) timed out' : ''),
            String(r.created),
            String(r.completed),
            fmt(r.createdPerSecond),
            fmt(r.completedPerSecond),
            fmt(r.spanSeconds),
            fmt(r.drainSeconds),
            fmt(r.runMs.p50, 0),
            `${fmt(r.createToCompleteMs.p50 / 1000)}/${fmt(r.createToCompleteMs.p99 / 1000)}`,
            fmt(r.meanRunsInFlight),
            `${fmt(r.postMs.p50, 0)}/${fmt(r.postMs.p99, 0)}`,
          ]),
        ),
    );
  }
  const ad = json.results.admission;
  if (ad) {
    tables.push(
      `Admission latency (${ad.rate} tasks/s for ${ad.seconds} s, ${ad.started}/${ad.sent} started; ${ad.waitedForAgent} had to wait for their agent)\n` +
        formatTable(
          ['interval', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
          [
            ['POST answered → started_at', ad.acceptedToStartedMs],
            ['created_at → started_at', ad.createdToStartedMs],
            ['  created_at → queued_at', ad.createdToQueuedMs],
            ['  queued_at → started_at', ad.queuedToStartedMs],
            ['POST round trip', ad.postMs],
            ['run (started → completed)', ad.runMs],
          ].map(([label, d]) => [label, String(d.n), fmt(d.p50, 0), fmt(d.p90, 0), fmt(d.p99, 0), fmt(d.max, 0)]),
        ),
    );
  }
  const fl = json.results.failure;
  if (fl) {
    const logs = fl.serverLogs;
    tables.push(
      `Correctness under failure (${fl.created} tasks, ${fl.failOnce} fail-once, max_attempts 3; wrangler dev SIGKILLed at ${fl.restart.atCompleted} completed, back in ${fmt(fl.restart.restartMs / 1000)} s)\n` +
        formatTable(
          ['check', 'value'],
          [
            ['completed', `${fl.completed}/${fl.created}${fl.timedOut ? ' (!) timed out' : ''}`],
            [
              'POSTs retried over the restart / replayed',
              `${fl.createRetried} / ${fl.createReplayed}${fl.createErrorCount ? ` ((!) ${fl.createErrorCount} failed)` : ''}`,
            ],
            ['tasks in the org / created by the bench', `${fl.orgTasks} / ${fl.created}`],
            ['lost (not completed)', String(fl.lost)],
            ['duplicated (>1 completed run)', String(fl.duplicated)],
            ['runs ≠ attempts', String(fl.runsNotEqualAttempts)],
            ['runs in total', String(fl.totalRuns)],
            ['retried tasks (attempts > 1)', String(fl.retried)],
            ['  … after a simulated failure', String(fl.retriedFailOnce)],
            ['  … after the restart', String(fl.retriedInterrupted)],
            ['  … other', String(fl.retriedOther)],
            ['runs interrupted by the restart', String(fl.interruptedRuns)],
            ['runs left "running"', String(fl.openRuns)],
            ['fail-once tasks not retried', String(fl.failOnceNotRetried)],
            [
              'at kill: running / queued / pending',
              `${fl.restart.countsBeforeKill.running ?? 0} / ${fl.restart.countsBeforeKill.queued ?? 0} / ${fl.restart.countsBeforeKill.pending ?? 0}`,
            ],
            [
              'watchdog after restart: requeued / resent',
              `${logs[1]?.requeued ?? 0} / ${logs[1]?.resent ?? 0} (${logs[1]?.orgAlarms ?? 0} alarm logs)`,
            ],
            [
              'restart → last completion',
              Number.isFinite(fl.recoverySeconds) ? `${fmt(fl.recoverySeconds)} s` : 'no completion after the restart',
            ],
            [
              'OrgHub alarm pending at the end',
              fl.hubState
                ? fl.hubState.pendingAlarms?.length
                  ? fl.hubState.pendingAlarms.map((a) => a.scheduled_time ?? JSON.stringify(a)).join(', ')
                  : 'none'
                : 'not read (all completed)',
            ],
            ['total (create → all final)', `${fmt(fl.totalSeconds)} s`],
          ],
        ) +
        (fl.stuckCount
          ? `\n(!) ${fl.stuckCount} task(s) not completed${fl.stalled ? ` (no progress for ${options.stallSeconds} s)` : ''}:\n` +
            Object.entries(fl.stuckByDiagnosis ?? {})
              .map(([why, n]) => `    ${n} × ${why}`)
              .join('\n') +
            `\n    e.g. ${fl.stuck
              .slice(0, 3)
              .map(
                (s) =>
                  `${s.id} (${s.agent}) ${s.status} attempt ${s.attempts}, runs [${s.runs.map((r) => `${r.attempt}:${r.outcome}`).join(',')}], hub run_deliveries [${(s.hubDeliveries ?? []).map((d) => `${d.attempt}@${d.received_at.slice(11, 19)}`).join(',')}], queued_at ${s.queued_at?.slice(11, 19)}`,
              )
              .join('; ')}`
          : ''),
    );
  }
  return {
    table: tables.join('\n\n'),
    json: { options, uncommittedEngineFiles: json.uncommittedEngineFiles, ...json.results },
  };
}
