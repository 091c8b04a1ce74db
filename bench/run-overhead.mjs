/**
 * Per-run platform overhead: the time a run spends outside its model calls. Real runs (provider
 * 'anthropic', the platform key) against the fake Anthropic server (tests/fakes/anthropic-server.ts,
 * `[fake:loop]`: two model turns, update_progress then finish_task), through a bench proxy that
 * adds a fixed model latency and times every call. Per run:
 *
 *   total    = agent_runs.ended_at − started_at
 *   model    = Σ model calls (proxy: request arrived → response fully written back)
 *   overhead = total − model, also per model turn, and split into
 *              pre (run start → 1st call), between (call end → next call), post (last call end → ended_at)
 *   admission = task created_at → started_at (= created → queued + queued → started)
 *   end-to-end = POST /v1/tasks sent (client) → completed_at
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyMigrations, makeTempDir, removeTempDir, snapshotWorker, startWrangler } from './lib/server.mjs';
import { startFakeAnthropicProcess, startModelProxy } from './lib/model-proxy.mjs';
import { formatNumber, formatTable, percentile } from './lib/stats.mjs';
import { createTenant as makeTenant } from './lib/tenant.mjs';

export const name = 'run-overhead';
export const description =
  'per-run platform overhead outside the model calls (fake Anthropic + timed delay proxy): overhead per run and per turn, model time, admission, end-to-end';

const SCOPES = ['tasks:read', 'tasks:write', 'agents:read', 'agents:write'];
const FINAL = new Set(['completed', 'failed', 'cancelled']);
const PLATFORM_KEY = 'sk-ant-bench-key';

function readOptions() {
  const int = (key, fallback, min, max) => {
    const raw = process.env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${key}=${raw}: expected an integer in ${min}..${max}`);
    return value;
  };
  const list = (key, fallback, min, max) => {
    const raw = process.env[key] || fallback;
    const values = raw.split(',').map((s) => Number(s.trim()));
    for (const v of values)
      if (!Number.isInteger(v) || v < min || v > max)
        throw new Error(`${key}=${raw}: expected integers in ${min}..${max}, comma-separated`);
    return values;
  };
  return {
    port: int('BENCH_OVERHEAD_PORT', 8960, 1024, 65_000),
    runs: int('BENCH_OVERHEAD_RUNS', 50, 1, 2000),
    warmup: int('BENCH_OVERHEAD_WARMUP', 5, 0, 100),
    delays: list('BENCH_OVERHEAD_DELAYS', '0,200', 0, 30_000),
    concurrency: list('BENCH_OVERHEAD_CONCURRENCY', '1,4', 1, 10),
    taskTimeoutMs: int('BENCH_OVERHEAD_TASK_TIMEOUT', 120, 5, 3600) * 1000,
    pollMs: int('BENCH_OVERHEAD_POLL_MS', 100, 10, 5000),
  };
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────

async function call(url, method, route, { key, body, headers = {} } = {}) {
  for (let tries = 0; ; tries += 1) {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    let response;
    let text;
    try {
      response = await fetch(url + route, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      text = await response.text();
    } catch (error) {
      if (tries < 3) {
        await sleep(500);
        continue;
      }
      return { status: 0, json: null, error: error instanceof Error ? error.message : String(error), headers: null };
    }
    if ((response.status === 429 || response.status >= 500) && tries < 3) {
      await sleep(response.status === 429 ? 1000 * Math.max(1, Number(response.headers.get('retry-after') ?? 1)) : 500);
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
      headers: response.headers,
    };
  }
}

/** A user + org, an API key and `agentCount` agents (one running task per agent). */
async function createTenant(url, agentCount) {
  const tenant = await makeTenant(url, {
    tag: 'overhead',
    keys: [{ name: 'bench-overhead', scopes: SCOPES }],
    agents: agentCount,
    agentPrefix: 'overhead',
  });
  return { slug: tenant.slug, plan: tenant.plan, key: tenant.keyList[0], agents: tenant.agents };
}

// ─── One run ─────────────────────────────────────────────────────────────────────────────

const ms = (iso) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Creates one `[fake:loop]` task for `agent`, waits until it is final and measures it.
 * Polls every 500 ms until the proxy has seen the run's last model call end, then every `pollMs`.
 */
async function oneRun(url, tenant, agent, label, callsByTask, timeoutMs, pollMs) {
  const sentAt = Date.now();
  const created = await call(url, 'POST', '/v1/tasks', {
    key: tenant.key,
    body: { agent, description: `Bench run ${label} [fake:loop]` },
  });
  const acceptedAt = Date.now();
  if (created.status !== 201) return { label, error: `create: ${created.error}` };
  const id = created.json.id;
  let detail = null;
  for (let polls = 0; polls < 100_000 && Date.now() - sentAt < timeoutMs; polls += 1) {
    // Polls share the Worker's CPU with the runs: slow until the run's last model call ended.
    // (Only when the next task is sent depends on this; every figure uses server timestamps.)
    const calls = callsByTask.get(id) ?? [];
    await sleep(calls.some((c) => c.turn >= 1) ? pollMs : 500);
    const res = await call(url, 'GET', `/v1/tasks/${id}`, { key: tenant.key });
    if (res.status === 200 && FINAL.has(res.json.status)) {
      detail = res.json;
      break;
    }
  }
  if (!detail) return { label, id, error: 'timed out' };
  const calls = [...(callsByTask.get(id) ?? [])].sort((a, b) => a.receivedAt - b.receivedAt);
  const runs = detail.runs ?? [];
  const runRow = runs[runs.length - 1];
  const anomalies = [];
  if (detail.status !== 'completed') anomalies.push(`status ${detail.status}: ${detail.error ?? ''}`.slice(0, 200));
  if (runs.length !== 1) anomalies.push(`${runs.length} runs`);
  if (runRow?.provider !== 'anthropic') anomalies.push(`provider ${runRow?.provider}`);
  if (calls.length !== 2) anomalies.push(`${calls.length} model calls`);
  if (calls.some((c) => c.status !== 200)) anomalies.push('model call status != 200');
  const started = ms(runRow?.started_at);
  const ended = ms(runRow?.ended_at);
  const total = ended - started;
  const model = calls.reduce((sum, c) => sum + (c.endedAt - c.receivedAt), 0);
  const first = calls[0];
  const last = calls[calls.length - 1];
  let between = 0;
  for (let i = 1; i < calls.length; i += 1) between += calls[i].receivedAt - calls[i - 1].endedAt;
  const turns = calls.length || Number.NaN;
  return {
    label,
    id,
    status: detail.status,
    anomalies,
    turns: runRow?.turns ?? null,
    modelCalls: calls.length,
    totalMs: total,
    modelMs: model,
    overheadMs: total - model,
    overheadPerTurnMs: (total - model) / turns,
    preMs: first ? first.receivedAt - started : Number.NaN,
    betweenMs: calls.length > 1 ? between : Number.NaN,
    postMs: last ? ended - last.endedAt : Number.NaN,
    agentMs: runRow?.usage?.agent_ms ?? Number.NaN,
    /** total − agent_ms: startRun's tail (publish) + waiting for and running finishRun's reads. */
    outsideAgentMs: total - (runRow?.usage?.agent_ms ?? Number.NaN),
    admissionMs: ms(detail.started_at) - ms(detail.created_at),
    createdToQueuedMs: ms(detail.queued_at) - ms(detail.created_at),
    queuedToStartedMs: ms(detail.started_at) - ms(detail.queued_at),
    endToEndMs: ms(detail.completed_at) - sentAt,
    createdToCompletedMs: ms(detail.completed_at) - ms(detail.created_at),
    postRequestMs: acceptedAt - sentAt,
    calls: calls.map((c) => ({
      turn: c.turn,
      delayMs: c.delayMs,
      atMs: c.receivedAt - started,
      durationMs: c.endedAt - c.receivedAt,
      upstreamMs: c.endedAt - c.forwardedAt,
    })),
    times: {
      sentAt,
      createdAt: detail.created_at,
      queuedAt: detail.queued_at,
      startedAt: runRow?.started_at,
      endedAt: runRow?.ended_at,
      completedAt: detail.completed_at,
    },
  };
}

/** `runs` tasks over `concurrency` agents, each agent's next task created when its last one is final. */
async function phase(
  url,
  tenant,
  { delayMs, concurrency, runs, tag },
  proxy,
  callsByTask,
  { taskTimeoutMs: timeoutMs, pollMs },
  log,
) {
  proxy.setDelay(delayMs);
  const loadBefore = os.loadavg()[0];
  const out = [];
  let next = 0;
  const startedAt = Date.now();
  await Promise.all(
    tenant.agents.slice(0, concurrency).map(async (agent) => {
      for (;;) {
        const i = next++;
        if (i >= runs) return;
        out.push(await oneRun(url, tenant, agent, `${tag}-${i + 1}`, callsByTask, timeoutMs, pollMs));
      }
    }),
  );
  const seconds = (Date.now() - startedAt) / 1000;
  const failed = out.filter((r) => r.error || r.anomalies?.length);
  log(
    `  ${tag}: ${out.length - failed.length}/${runs} clean runs in ${formatNumber(seconds)} s${failed.length ? `; ${failed.length} with problems: ${[...new Set(failed.map((r) => r.error ?? r.anomalies.join(', ')))].slice(0, 3).join(' | ')}` : ''}`,
  );
  return { delayMs, concurrency, runs, seconds, loadavg1: [loadBefore, os.loadavg()[0]], results: out };
}

const dist = (values) => {
  const v = values.filter(Number.isFinite);
  return {
    n: v.length,
    p50: percentile(v, 50),
    p90: percentile(v, 90),
    p99: percentile(v, 99),
    min: v.length ? Math.min(...v) : Number.NaN,
    max: v.length ? Math.max(...v) : Number.NaN,
    mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN,
  };
};

const METRICS = [
  'overheadMs',
  'overheadPerTurnMs',
  'totalMs',
  'modelMs',
  'preMs',
  'betweenMs',
  'postMs',
  'agentMs',
  'outsideAgentMs',
  'admissionMs',
  'createdToQueuedMs',
  'queuedToStartedMs',
  'endToEndMs',
  'createdToCompletedMs',
  'postRequestMs',
];

function summarize(p) {
  const clean = p.results.filter((r) => !r.error && r.anomalies.length === 0);
  const stats = Object.fromEntries(METRICS.map((m) => [m, dist(clean.map((r) => r[m]))]));
  return {
    delayMs: p.delayMs,
    concurrency: p.concurrency,
    runs: p.runs,
    clean: clean.length,
    problems: p.results.length - clean.length,
    seconds: p.seconds,
    loadavg1: p.loadavg1,
    stats,
  };
}

/**
 * Two unit costs on this machine, from bench/overhead-probe (its own wrangler dev and throw-away
 * D1, timed inside the Worker): one local D1 round trip by kind (3 × 50 sequential each), and one
 * model call through the app's AnthropicProvider with the proxy at 0 ms delay: the Worker's view
 * of the call minus the proxy's view of the same call is the client side (SDK, fetch, stream parse).
 */
async function probeCosts(port, inspectorPort, proxy, callsByTask, log) {
  const persistTo = makeTempDir('overhead-probe');
  let probe = null;
  try {
    probe = await startWrangler({
      config: 'bench/overhead-probe/wrangler.toml',
      port,
      inspectorPort,
      persistTo,
      readyPath: '/d1?n=1',
      vars: { MODEL_BASE_URL: proxy.url },
    });
    const get = async (route) => {
      const res = await fetch(probe.url + route, { signal: AbortSignal.timeout(120_000) });
      if (!res.ok) throw new Error(`probe ${route}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
      return res.json();
    };
    const samples = { select1: [], selectByKey: [], insert: [], batch4: [] };
    for (let round = 0; round < 3; round += 1) {
      const json = await get('/d1?n=50');
      for (const kind of Object.keys(samples)) samples[kind].push(...json[kind]);
    }
    const d1 = Object.fromEntries(Object.entries(samples).map(([kind, values]) => [kind, dist(values)]));
    proxy.setDelay(0);
    await get('/model?n=2&tag=sdkwarm');
    const model = await get(`/model?n=40&tag=sdkprobe${Date.now()}`);
    const rows = model.calls.map((c) => {
      const seen = callsByTask.get(c.task)?.[0];
      const inWorker = c.endedAt - c.startedAt;
      return {
        inWorkerMs: inWorker,
        atProxyMs: seen ? seen.endedAt - seen.receivedAt : Number.NaN,
        clientSideMs: seen ? inWorker - (seen.endedAt - seen.receivedAt) : Number.NaN,
      };
    });
    const sdk = {
      inWorkerMs: dist(rows.map((r) => r.inWorkerMs)),
      atProxyMs: dist(rows.map((r) => r.atProxyMs)),
      clientSideMs: dist(rows.map((r) => r.clientSideMs)),
    };
    log(
      `  local D1 round trip (ms, p50/p99): ${Object.entries(d1)
        .map(([k, d]) => `${k} ${formatNumber(d.p50, 1)}/${formatNumber(d.p99, 0)}`)
        .join(', ')}`,
    );
    log(
      `  model call via AnthropicProvider at 0 ms delay (ms, p50/p99): in the Worker ${formatNumber(sdk.inWorkerMs.p50)}/${formatNumber(sdk.inWorkerMs.p99, 0)}, at the proxy ${formatNumber(sdk.atProxyMs.p50)}/${formatNumber(sdk.atProxyMs.p99, 0)}, client side ${formatNumber(sdk.clientSideMs.p50)}/${formatNumber(sdk.clientSideMs.p99, 0)}`,
    );
    return { d1, sdk };
  } catch (error) {
    log(`  overhead probe failed: ${error instanceof Error ? error.message.slice(0, 300) : error}`);
    return { error: error instanceof Error ? error.message.slice(0, 500) : String(error) };
  } finally {
    await probe?.stop();
    removeTempDir(persistTo);
  }
}

// ─── The benchmark ───────────────────────────────────────────────────────────────────────

/** @param {import('./run.mjs').Settings} _settings */
export async function run(_settings, log) {
  const options = readOptions();
  const fakePort = options.port;
  const proxyPort = options.port + 1;
  const appPort = options.port + 2;
  const inspectorPort = options.port + 3;
  const maxConcurrency = Math.max(...options.concurrency);
  log(
    `  ports: fake ${fakePort}, proxy ${proxyPort}, wrangler dev ${appPort} (inspector ${inspectorPort}); ${options.runs} runs per phase, delays ${options.delays.join('/')} ms, concurrency ${options.concurrency.join('/')}`,
  );

  let fake = null;
  let proxy = null;
  let server = null;
  let persistTo = null;
  try {
    fake = await startFakeAnthropicProcess(fakePort);
    proxy = await startModelProxy({ port: proxyPort, upstream: fake.url });
    /** @type {Map<string, import('./lib/model-proxy.mjs').ModelCall[]>} */
    const callsByTask = new Map();
    proxy.onCall((c) => {
      if (!callsByTask.has(c.taskId)) callsByTask.set(c.taskId, []);
      callsByTask.get(c.taskId).push(c);
    });

    log('  bundling a frozen copy of the Worker (snapshotWorker)');
    const config = await snapshotWorker('overhead');
    persistTo = makeTempDir('overhead');
    applyMigrations(persistTo, config);
    const bootStart = Date.now();
    server = await startWrangler({
      config,
      port: appPort,
      inspectorPort,
      persistTo,
      readyPath: '/v1/health',
      vars: { APP_URL: `http://localhost:${appPort}`, ANTHROPIC_API_KEY: PLATFORM_KEY, ANTHROPIC_BASE_URL: proxy.url },
    });
    log(`  wrangler dev ready in ${formatNumber((Date.now() - bootStart) / 1000)} s; signing up`);
    const tenant = await createTenant(server.url, maxConcurrency);
    log(`  org ${tenant.slug} (plan ${tenant.plan}), ${tenant.agents.length} agents`);

    // Sanity: one run must use the fake through the proxy (provider anthropic, 2 calls, our key).
    const probe = await phase(
      server.url,
      tenant,
      { delayMs: 0, concurrency: 1, runs: 1, tag: 'probe' },
      proxy,
      callsByTask,
      options,
      log,
    );
    const probeRun = probe.results[0];
    if (probeRun.error || probeRun.anomalies.length)
      throw new Error(
        `probe run is not a clean 2-turn anthropic run: ${JSON.stringify({ error: probeRun.error, anomalies: probeRun.anomalies })}`,
      );
    const fakeSeen = (await fake.requests()).filter((r) => r.firstUserText.includes(probeRun.id));
    if (fakeSeen.length !== 2 || fakeSeen.some((r) => r.apiKey !== PLATFORM_KEY))
      throw new Error(
        `the fake saw ${fakeSeen.length} calls for the probe (keys ${fakeSeen.map((r) => r.apiKey).join(',')})`,
      );

    const warmup = options.warmup
      ? await phase(
          server.url,
          tenant,
          { delayMs: 0, concurrency: 1, runs: options.warmup, tag: 'warmup' },
          proxy,
          callsByTask,
          options,
          log,
        )
      : null;

    const phases = [];
    for (const delayMs of options.delays) {
      for (const concurrency of options.concurrency) {
        phases.push(
          await phase(
            server.url,
            tenant,
            { delayMs, concurrency, runs: options.runs, tag: `d${delayMs}-c${concurrency}` },
            proxy,
            callsByTask,
            options,
            log,
          ),
        );
      }
    }

    // Cross-check: the fake's own record agrees with the proxy's count.
    const fakeRequests = await fake.requests();
    const proxyCalls = proxy.calls.length;
    const summaries = phases.map(summarize);
    await server.stop();
    server = null;
    const unit =
      process.env.BENCH_OVERHEAD_PROBE === '0'
        ? null
        : await probeCosts(options.port + 4, options.port + 5, proxy, callsByTask, log);

    const f = (d) => (d.n ? `${formatNumber(d.p50, 0)} / ${formatNumber(d.p99, 0)}` : 'n/a');
    const main = formatTable(
      [
        'model delay, runs at once',
        'clean',
        'overhead/run',
        'overhead/turn',
        'total run',
        'model time',
        'admission',
        'end-to-end',
      ],
      summaries.map((s) => [
        `${s.delayMs} ms, ${s.concurrency}`,
        `${s.clean}/${s.runs}`,
        f(s.stats.overheadMs),
        f(s.stats.overheadPerTurnMs),
        f(s.stats.totalMs),
        f(s.stats.modelMs),
        f(s.stats.admissionMs),
        f(s.stats.endToEndMs),
      ]),
    );
    const split = formatTable(
      [
        'model delay, runs at once',
        'pre 1st call',
        'between calls',
        'after last call',
        'total − agent_ms',
        'created→queued',
        'queued→started',
        'POST',
      ],
      summaries.map((s) => [
        `${s.delayMs} ms, ${s.concurrency}`,
        f(s.stats.preMs),
        f(s.stats.betweenMs),
        f(s.stats.postMs),
        f(s.stats.outsideAgentMs),
        f(s.stats.createdToQueuedMs),
        f(s.stats.queuedToStartedMs),
        f(s.stats.postRequestMs),
      ]),
    );
    const d1Line =
      unit && !unit.error
        ? `unit costs, p50 ms: local D1 round trip: SELECT 1 ${formatNumber(unit.d1.select1.p50)}, key read ${formatNumber(unit.d1.selectByKey.p50)}, insert ${formatNumber(unit.d1.insert.p50)}, 4-statement batch ${formatNumber(unit.d1.batch4.p50)}; ` +
          `model call client side (SDK + fetch + stream parse) ${formatNumber(unit.sdk.clientSideMs.p50)} (p99 ${formatNumber(unit.sdk.clientSideMs.p99, 0)})`
        : 'unit-cost probe: not run';
    const table = `ms, p50 / p99 per run (2 model turns each)\n${main}\n\nwhere the overhead and admission go (ms, p50 / p99)\n${split}\n\nmodel calls: proxy ${proxyCalls}, fake ${fakeRequests.length}; 1-min load average ${summaries.map((x) => formatNumber(x.loadavg1[0], 1)).join(', ')} at phase starts (${os.cpus().length} CPUs)\n${d1Line}`;
    return {
      table,
      json: {
        options,
        tenant: { slug: tenant.slug, plan: tenant.plan, agents: tenant.agents.length },
        modelCalls: { proxy: proxyCalls, fake: fakeRequests.length },
        summaries,
        unitCosts: unit,
        probe: probeRun,
        warmup: warmup?.results ?? [],
        phases: phases.map((p) => ({
          delayMs: p.delayMs,
          concurrency: p.concurrency,
          seconds: p.seconds,
          loadavg1: p.loadavg1,
          results: p.results,
        })),
      },
    };
  } finally {
    await server?.stop();
    await proxy?.stop();
    await fake?.stop();
    if (persistTo) removeTempDir(persistTo);
  }
}
