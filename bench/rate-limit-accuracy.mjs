/**
 * Accuracy of the edge rate limiter (core/rate-limit.ts, KvRateLimiter) on `GET /v1/org` under a
 * burst: how many requests one API key gets through in one minute window, against its plan's
 * limit, with one isolate (one `wrangler dev`) and with several (K `wrangler dev` processes on
 * one --persist-to dir: they share local KV and D1, like isolates share KV, and each keeps its
 * own in-memory counters). A fresh persist dir and fresh processes per scenario.
 */
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyMigrations, makeTempDir, removeTempDir, runTool, snapshotWorker, startWrangler } from './lib/server.mjs';
import { formatNumber, formatRatio, formatTable, ratio } from './lib/stats.mjs';
import { createTenant as makeTenant } from './lib/tenant.mjs';

export const name = 'rate-limit-accuracy';
export const description =
  'requests a key gets through GET /v1/org in one minute window vs its plan limit; 1 and K wrangler dev isolates on one KV';

/** @typedef {import('./run.mjs').Settings} Settings */

/** Plans and their apiRequestsPerMinute (core/plans.ts). */
const PLAN_LIMITS = { free: 60, starter: 300, pro: 1200, enterprise: 10_000, self_hosted: 6000 };
const WINDOW_MS = 60_000;

function readOptions() {
  const int = (key, fallback, min, max) => {
    const raw = process.env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${key}=${raw}: expected an integer in ${min}..${max}`);
    return value;
  };
  const plans = (process.env.BENCH_RL_PLANS || 'free,starter')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const plan of plans)
    if (!(plan in PLAN_LIMITS))
      throw new Error(`BENCH_RL_PLANS: unknown plan "${plan}" (${Object.keys(PLAN_LIMITS).join(', ')})`);
  return {
    plans,
    concurrency: int('BENCH_RL_CONCURRENCY', 20, 1, 500),
    isolates: int('BENCH_RL_ISOLATES', 3, 2, 10),
    steadySeconds: int('BENCH_RL_STEADY_SECONDS', 10, 2, 40),
  };
}

/** A numeric response header, or null. */
function headerNumber(response, header) {
  const raw = response.headers.get(header);
  return raw === null ? null : Number(raw);
}

/**
 * One request; never throws.
 * @param {string} url
 * @param {string} key
 * @param {number} server index of the server it went to
 */
async function hitV1(url, key, server) {
  const started = Date.now();
  try {
    const response = await fetch(`${url}/v1/org`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(20_000),
    });
    const body = await response.text();
    return {
      server,
      status: response.status,
      at: started,
      ...(response.status === 200 || response.status === 429
        ? {}
        : { error: `HTTP ${response.status}: ${body.slice(0, 200)}` }),
      ms: Date.now() - started,
      limit: headerNumber(response, 'x-ratelimit-limit'),
      remaining: headerNumber(response, 'x-ratelimit-remaining'),
      reset: response.headers.get('x-ratelimit-reset'),
    };
  } catch (error) {
    return {
      server,
      status: 0,
      at: started,
      ms: Date.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Closed loop: `concurrency` workers send `total` requests back to back, round-robin over `urls`. */
async function burst(urls, key, total, concurrency) {
  const results = [];
  let next = 0;
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      results.push(await hitV1(urls[i % urls.length], key, i % urls.length));
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

/** Open loop: `total` requests at a steady rate over `seconds`, round-robin over `urls`. */
async function steady(urls, key, total, seconds) {
  const start = Date.now();
  const interval = (seconds * 1000) / total;
  const pending = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(hitV1(urls[i % urls.length], key, i % urls.length));
  }
  return Promise.all(pending);
}

/** Waits for the next minute window if fewer than `needMs` are left in this one. */
async function fitInWindow(needMs, log) {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left >= needMs) return;
  log(`    waiting ${formatNumber(left / 1000)} s for the next minute window`);
  await sleep(left + 300);
}

/** POST JSON to the dashboard API of `url` with the same-origin header it checks. */
async function postJson(url, path, body, cookie) {
  const headers = { 'content-type': 'application/json', origin: url.replace('127.0.0.1', 'localhost') };
  if (cookie) headers.cookie = cookie;
  const response = await fetch(url + path, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return { response, json: JSON.parse(text) };
}

/** Signs up a user + org on `url`, sets its plan in D1, creates two API keys (burst + probe). */
async function createTenant(url, config, persistTo, plan, tag) {
  // Keys come after the plan is set (below); the signup alone makes the org.
  const { slug, cookie } = await makeTenant(url, { tag: `rl-${tag}` });
  // Before any /v1 call: the key cache in KV keeps what it read.
  if (plan !== 'self_hosted') {
    runTool('npx', [
      'wrangler',
      'd1',
      'execute',
      'DB',
      '--local',
      '--config',
      config,
      '--persist-to',
      persistTo,
      '--command',
      `UPDATE organizations SET plan='${plan}' WHERE slug='${slug}'`,
    ]);
  }
  const burstKey = (await postJson(url, `/api/orgs/${slug}/keys`, { name: 'bench' }, cookie)).json;
  const probeKey = (await postJson(url, `/api/orgs/${slug}/keys`, { name: 'bench-probe' }, cookie)).json;
  return { slug, burstKey, probeKey };
}

/**
 * Warms every server's /v1 path with the probe key (its own bucket) and checks that a count one
 * server flushed to KV is seen by the others: hit server 0, hit it again > 1 s later (that hit
 * flushes 2 to KV), then the first hit on each other server reads KV and reports
 * remaining = limit - 3 if the KV is shared, limit - 1 if not.
 */
async function probe(urls, config, persistTo, probeKey, limit, log) {
  await fitInWindow(20_000, log);
  const first = await hitV1(urls[0], probeKey.key, 0);
  await sleep(1200);
  const second = await hitV1(urls[0], probeKey.key, 0);
  // The flush runs in waitUntil after the response: wait until the CLI sees it in the persist dir.
  let flushed = {};
  if (urls.length > 1) {
    for (let tries = 0; tries < 10; tries += 1) {
      await sleep(500);
      flushed = kvCounts(config, persistTo, probeKey.id);
      if (Object.values(flushed).includes(2)) break;
    }
  }
  const others = [];
  for (let i = 1; i < urls.length; i += 1) others.push(await hitV1(urls[i], probeKey.key, i));
  const all = [first, second, ...others];
  const bad = all.find((r) => r.status !== 200);
  if (bad) throw new Error(`probe: HTTP ${bad.status} ${bad.error ?? ''} from server ${bad.server}`);
  if (all.some((r) => r.limit !== limit))
    throw new Error(
      `probe: X-RateLimit-Limit ${all.map((r) => r.limit).join(',')}, expected ${limit} (plan not applied?)`,
    );
  const shared = others.map((r) => r.remaining === limit - 3);
  return {
    limitHeader: first.limit,
    secondRemaining: second.remaining,
    kvAfterFlush: flushed,
    othersRemaining: others.map((r) => r.remaining),
    kvShared: others.length === 0 ? null : shared.every(Boolean),
  };
}

/** The counts the isolates flushed to KV for a key, by KV key, read with the wrangler CLI. */
function kvCounts(config, persistTo, keyId) {
  try {
    const list = JSON.parse(
      runTool('npx', [
        'wrangler',
        'kv',
        'key',
        'list',
        '--binding',
        'KV',
        '--local',
        '--config',
        config,
        '--persist-to',
        persistTo,
        '--prefix',
        `rl:key:${keyId}:`,
      ]),
    );
    return Object.fromEntries(
      list.map((entry) => [
        entry.name,
        Number(
          runTool('npx', [
            'wrangler',
            'kv',
            'key',
            'get',
            entry.name,
            '--binding',
            'KV',
            '--local',
            '--config',
            config,
            '--persist-to',
            persistTo,
            '--text',
          ]).trim(),
        ),
      ]),
    );
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

/** @param {string} file */
function logSize(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What a log gained after `offset` bytes. */
function logSince(file, offset) {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** Error lines from the servers' wrangler logs (what a 5xx was), "server i: line". */
function errorLines(servers) {
  const lines = [];
  servers.forEach((server, i) => {
    let text = '';
    try {
      text = readFileSync(server.logFile, 'utf8');
    } catch {}
    for (const line of text.split('\n')) {
      if (/error|exception|sqlite|busy|locked/i.test(line) && !/"status":\s*(200|429)\b/.test(line))
        lines.push(`server ${i}: ${line.slice(0, 400)}`);
    }
  });
  return [...new Set(lines)].slice(0, 20);
}

function summarize(results, limit) {
  const allowed = results.filter((r) => r.status === 200).length;
  const limited = results.filter((r) => r.status === 429).length;
  const errors = results.length - allowed - limited;
  const perServer = {};
  for (const r of results) {
    perServer[r.server] ??= { sent: 0, allowed: 0, limited: 0 };
    perServer[r.server].sent += 1;
    if (r.status === 200) perServer[r.server].allowed += 1;
    if (r.status === 429) perServer[r.server].limited += 1;
  }
  const windows = [...new Set(results.map((r) => r.reset).filter(Boolean))];
  const statusCodes = {};
  for (const r of results) statusCodes[r.status] = (statusCodes[r.status] ?? 0) + 1;
  const errorSamples = [...new Set(results.filter((r) => r.error).map((r) => r.error))].slice(0, 3);
  return {
    sent: results.length,
    allowed,
    limited,
    errors,
    ratio: ratio(allowed, limit),
    perServer,
    windows,
    statusCodes,
    errorSamples,
  };
}

/**
 * @param {{ label: string, plan: string, isolates: number, mode: 'burst' | 'steady' }} scenario
 * @param {Settings} settings
 * @param {ReturnType<typeof readOptions>} options
 * @param {(line: string) => void} log
 */
async function runScenario(scenario, config, settings, options, log) {
  const limit = PLAN_LIMITS[scenario.plan];
  const basePort = settings.port + 20; // ports +20..+29, inspectors +70..+79
  const persistTo = makeTempDir('rl');
  const servers = [];
  try {
    applyMigrations(persistTo, config);
    const startedAt = Date.now();
    // One at a time: K processes booting on 2 cores at once is slower than in turn.
    for (let i = 0; i < scenario.isolates; i += 1) {
      const port = basePort + i;
      servers.push(
        await startWrangler({
          config,
          port,
          persistTo,
          readyPath: '/v1/health',
          vars: { APP_URL: `http://localhost:${port}` },
        }),
      );
    }
    const readyMs = Date.now() - startedAt;
    const urls = servers.map((s) => s.url);
    const tenant = await createTenant(
      urls[0],
      config,
      persistTo,
      scenario.plan,
      `${scenario.plan}-${scenario.isolates}-${scenario.mode}`,
    );
    const probeResult = await probe(urls, config, persistTo, tenant.probeKey, limit, log);
    if (probeResult.kvShared === false) {
      throw new Error(
        `the ${scenario.isolates} wrangler dev processes do not share KV (probe remaining ${probeResult.othersRemaining.join(',')}, expected ${limit - 3}; ` +
          `KV after server 0's flush, read by the CLI: ${JSON.stringify(probeResult.kvAfterFlush)})`,
      );
    }

    // A restart of a Worker drops its in-memory counters. The snapshot config is not rebuilt
    // by changes in the repo, but a reload seen in a log is still flagged.
    const logOffsets = servers.map((server) => logSize(server.logFile));
    let results;
    let sent;
    const measureStart = Date.now();
    if (scenario.mode === 'burst') {
      sent = 3 * limit;
      await fitInWindow(5000 + sent * 40, log);
      results = await burst(urls, tenant.burstKey.key, sent, options.concurrency);
    } else {
      sent = 2 * limit;
      await fitInWindow(options.steadySeconds * 1000 + 8000, log);
      results = await steady(urls, tenant.burstKey.key, sent, options.steadySeconds);
    }
    const durationMs = Date.now() - measureStart;
    await sleep(1500); // let waitUntil flushes land before reading KV
    const reloads = servers.map(
      (server, i) =>
        (logSince(server.logFile, logOffsets[i]).match(/Reloading local server|Build failed/g) ?? []).length,
    );
    const reloaded = reloads.some((n) => n > 0);
    const kv = kvCounts(config, persistTo, tenant.burstKey.id);
    const summary = summarize(results, limit);
    log(
      `  ${scenario.label.padEnd(34)} limit ${String(limit).padStart(4)}  sent ${String(sent).padStart(4)}  allowed ${String(summary.allowed).padStart(4)}  ` +
        `429 ${String(summary.limited).padStart(4)}  errors ${summary.errors}  ${formatRatio(summary.ratio)}  in ${formatNumber(durationMs / 1000)} s  ` +
        `per isolate ${Object.values(summary.perServer)
          .map((s) => s.allowed)
          .join('/')}  KV ${JSON.stringify(Object.values(kv))}` +
        (summary.windows.length > 1 ? `  WARNING: ${summary.windows.length} windows` : '') +
        (reloaded ? `  WARNING: wrangler reloaded the Worker during the run (${reloads.join('/')})` : ''),
    );
    let serverErrors = [];
    if (summary.errors > 0) {
      log(`    errors: ${JSON.stringify(summary.statusCodes)} ${summary.errorSamples.join(' | ')}`);
      serverErrors = errorLines(servers);
      for (const line of serverErrors.slice(0, 4)) log(`    server log: ${line}`);
    }
    // [ms from the first request, server, status, X-RateLimit-Remaining] per response, in send order.
    const t0 = Math.min(...results.map((r) => r.at));
    const timeline = [...results]
      .sort((a, b) => a.at - b.at)
      .map((r) => [r.at - t0, r.server, r.status, r.remaining ?? null]);
    return {
      ...scenario,
      limit,
      readyMs,
      durationMs,
      probe: probeResult,
      kvCounts: kv,
      reloaded,
      ...summary,
      serverErrors,
      timeline,
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    removeTempDir(persistTo);
  }
}

/**
 * @param {Settings} settings
 * @param {(line: string) => void} log
 */
export async function run(settings, log) {
  const options = readOptions();
  log(
    `  plans ${options.plans.join(', ')}; burst = 3×limit at concurrency ${options.concurrency}; steady = 2×limit over ${options.steadySeconds} s; K = ${options.isolates}`,
  );
  const K = options.isolates;
  const scenarios = options.plans.flatMap((plan) => [
    { label: `${plan}: 1 isolate, burst`, plan, isolates: 1, mode: 'burst' },
    { label: `${plan}: ${K} isolates, burst`, plan, isolates: K, mode: 'burst' },
    { label: `${plan}: 1 isolate, steady ${options.steadySeconds} s`, plan, isolates: 1, mode: 'steady' },
    { label: `${plan}: ${K} isolates, steady ${options.steadySeconds} s`, plan, isolates: K, mode: 'steady' },
  ]);

  // One frozen bundle for every run, so a rebuild in the repo meanwhile cannot restart a Worker.
  const config = await snapshotWorker('rl');
  const results = [];
  for (const scenario of scenarios) results.push(await runScenario(scenario, config, settings, options, log));

  const table = formatTable(
    ['scenario', 'limit', 'sent', 'allowed', '429s', 'errors', 'allowed/limit', 'secs', 'allowed per isolate'],
    results.map((r) => [
      r.label +
        (r.windows.length > 1 ? ` (!) ${r.windows.length} windows` : '') +
        (r.reloaded ? ' (!) Worker reloaded' : ''),
      String(r.limit),
      String(r.sent),
      String(r.allowed),
      String(r.limited),
      String(r.errors),
      formatRatio(r.ratio),
      formatNumber(r.durationMs / 1000),
      Object.values(r.perServer)
        .map((s) => s.allowed)
        .join(' / '),
    ]),
  );
  const kvShared = results.filter((r) => r.isolates > 1).every((r) => r.probe.kvShared);
  return { table, json: { options, kvSharedAcrossProcesses: kvShared, scenarios: results } };
}
